"""Estimators with no question vocabulary, shared by every question that needs them.

Each takes a DataFrame (or arrays) and returns a tidy result or plain numbers; the modules are
`counts` (NB2 count model of posts with errors clustered by account), `elasticity` (log-log
slopes), `median` (distribution-free CI of a median), `partitions` (ARI, NMI), `rates`
(engagement per post and per follower) and `resampling` (cluster and pigeonhole bootstraps,
percentile intervals, permutations, Kish effective n).

The names below are loaded on first use (PEP 562), so importing one light module, e.g.
`rates` for a sentence, does not import statsmodels and scikit-learn with the others.

Example:
    >>> import numpy as np
    >>> from inflresearch.methods import median_ci
    >>> median_ci(np.arange(100.0))
    (39.0, 60.0)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inflresearch.methods.counts import PostResult, offset_view, post_elasticity, prepare_posts
    from inflresearch.methods.elasticity import Slope, log_log_slope, niche_elasticities, prepare_accounts
    from inflresearch.methods.median import median_ci
    from inflresearch.methods.partitions import ari, nmi
    from inflresearch.methods.rates import engagement_rate, engagements_per_post
    from inflresearch.methods.resampling import (
        bootstrap_p,
        cluster_bootstrap_sums,
        kish_effective_n,
        percentile_ci,
        pigeonhole_bootstrap_sums,
        stratified_permutations,
        top_share,
    )

#: each public name and the module that defines it
_HOMES = {
    "counts": ("PostResult", "offset_view", "post_elasticity", "prepare_posts"),
    "elasticity": ("Slope", "log_log_slope", "niche_elasticities", "prepare_accounts"),
    "median": ("median_ci",),
    "partitions": ("ari", "nmi"),
    "rates": ("engagement_rate", "engagements_per_post"),
    "resampling": ("bootstrap_p", "cluster_bootstrap_sums", "kish_effective_n", "percentile_ci",
                   "pigeonhole_bootstrap_sums", "stratified_permutations", "top_share"),
}
_HOME = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "PostResult", "Slope", "ari", "bootstrap_p", "cluster_bootstrap_sums", "engagement_rate",
    "engagements_per_post", "kish_effective_n", "log_log_slope", "median_ci", "niche_elasticities",
    "nmi", "offset_view", "percentile_ci", "pigeonhole_bootstrap_sums", "post_elasticity",
    "prepare_accounts", "prepare_posts", "stratified_permutations", "top_share",
]


def __getattr__(name: str) -> Any:
    """A public name, imported from its module on first use."""
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
