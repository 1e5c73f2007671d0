"""Expected cost efficiency without campaign outcomes (ASSUMPTION-BASED).

With only an influencer table (followers, engagement, perhaps a price per post) no ROI can be
measured. What can be said: if engagements per post grow as followers^b and the price of a post
as followers^g, the cost per engagement scales as followers^(g - b), so micro-influencers are
cheaper per engagement exactly when g > b. Both elasticities are estimated by the package's one
log-log estimator (`inflresearch.methods.elasticity`: OLS of logs on log followers, HC4 errors,
t interval; b is the pooled estimand, identical to report 01's b on the same table). These are
elasticities of the geometric mean, equal to those of the mean when the log noise does not change
with size. When the table has prices, g - b is estimated directly as
the slope of log(price / engagements), so its CI accounts for the correlation of the two. Without
prices, g is an assumption (a parameter) and only b's uncertainty enters the CI: the conclusion
is then carried by the assumed g, and the result says so.

Engagement is not purchase: a lower CPE says nothing about conversions or revenue. Every row is
labelled ``assumption_based``.

Example:
    >>> from inflresearch.data.synth import simulate_world
    >>> w = simulate_world(seed=5, n_influencers=3000, n_campaigns=0, with_text=False)
    >>> r = cost_efficiency_assumed(w.influencers, micro=(5e3, 1e4), macro=(1e4, 1e5))
    >>> r.table["quantity"].tolist()
    ['engagement_elasticity_b', 'price_elasticity_g', 'cpe_elasticity_g_minus_b', \
'cpe_ratio_micro_to_macro']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from inflresearch.errors import DataError
from inflresearch.methods import rates
from inflresearch.methods.elasticity import log_log_slope
from inflresearch.tidy import TidyResult
from inflresearch.tiers import Range, in_range


@dataclass
class AssumedResult(TidyResult):
    """Tidy `table`, the `data` used (followers, engagements, price) and a `summary` dict."""

    table: pd.DataFrame
    data: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)


def engagements_per_post(influencers: pd.DataFrame) -> pd.Series:
    """Mean engagements per post by the one rule of `inflresearch.methods.rates`.

    Example:
        >>> engagements_per_post(pd.DataFrame({"followers": [1e4], "avg_likes": [300.0],
        ...                                    "avg_comments": [20.0]})).tolist()
        [320.0]
    """
    return rates.engagements_per_post(influencers)[0]


def _slope(y: np.ndarray, x: np.ndarray, alpha: float) -> dict[str, float]:
    """The one log-log estimator (`methods.elasticity.log_log_slope`) on arrays."""
    frame = pd.DataFrame({"log_followers": x, "y": y})
    return log_log_slope(frame, outcome="y", alpha=alpha).as_dict()


def cost_efficiency_assumed(
    influencers: pd.DataFrame,
    *,
    micro: Range,
    macro: Range,
    price_elasticity: float | None = None,
    alpha: float = 0.05,
) -> AssumedResult:
    """Engagement elasticity b, price elasticity g (estimated or assumed), g - b and the implied
    CPE ratio of a typical micro to a typical macro account (geometric-mean followers).

    `price_elasticity` None estimates g from ``price_per_post``; a number assumes it (and is used
    even if prices exist). The p-value of g - b is one-sided for g - b > 0 (micro cheaper per
    engagement); with an assumed g it is conditional on that assumption.

    Example:
        >>> d = pd.DataFrame({"followers": np.geomspace(1e3, 1e6, 12),
        ...                   "engagements": np.geomspace(90, 3e4, 12)})
        >>> r = cost_efficiency_assumed(d, micro=(1e3, 1e4), macro=(1e5, None),
        ...                             price_elasticity=1.0)
        >>> r.summary["g_source"], round(r.summary["g_minus_b"], 2)
        ('assumed', 0.16)
    """
    if "followers" not in influencers.columns:
        raise DataError("influencer table has no followers column", column="followers")
    d = pd.DataFrame({
        "followers": pd.to_numeric(influencers["followers"], errors="coerce").astype(float),
        "engagements": engagements_per_post(influencers).to_numpy(),
    })
    has_price = "price_per_post" in influencers and influencers["price_per_post"].notna().any()
    if has_price:
        d["price_per_post"] = pd.to_numeric(influencers["price_per_post"], errors="coerce")
    usable = (d["followers"] > 0) & (d["engagements"] > 0)
    excluded = int((~usable).sum())
    d = d[usable].reset_index(drop=True)
    if len(d) < 10 or d["followers"].nunique() < 3:
        raise DataError(f"only {len(d)} accounts with positive followers and engagement "
                        "(need at least 10 with distinct follower counts)", column="followers")
    x = np.log(d["followers"].to_numpy())
    b = _slope(np.log(d["engagements"].to_numpy()), x, alpha)
    if price_elasticity is None and not has_price:
        raise DataError("no price_per_post column: set price_elasticity to an assumed value "
                        "(e.g. 1.0 for a price proportional to followers)",
                        column="price_per_post")
    method_b = "OLS log(engagements) ~ log(followers), HC4"
    if price_elasticity is None:
        priced = d[d["price_per_post"] > 0]
        xp = np.log(priced["followers"].to_numpy())
        g = _slope(np.log(priced["price_per_post"].to_numpy()), xp, alpha)
        log_cpe = np.log((priced["price_per_post"] / priced["engagements"]).to_numpy())
        diff = _slope(log_cpe, xp, alpha)
        source, method_g = "estimated", "OLS log(price_per_post) ~ log(followers), HC4"
        method_d = "OLS log(price / engagements) ~ log(followers), HC4"
        n_g = len(priced)
    else:
        g_val = float(price_elasticity)
        g = {"estimate": g_val, "se": 0.0, "ci_low": np.nan, "ci_high": np.nan}
        diff = {"estimate": g_val - b["estimate"], "se": b["se"],
                "ci_low": g_val - b["ci_high"], "ci_high": g_val - b["ci_low"]}
        source, method_g = "assumed", f"assumed: price grows as followers^{g_val:g}"
        method_d = "assumed g minus estimated b (only b's uncertainty)"
        n_g = len(d)
    p_d = (float(stats.t.sf(diff["estimate"] / diff["se"], n_g - 2)) if diff["se"] > 0
           else np.nan)  # t reference, as the interval of `log_log_slope`
    f_micro = _geo_mean(d["followers"], micro)
    f_macro = _geo_mean(d["followers"], macro)
    log_ratio = np.log(f_micro / f_macro)  # NaN when a group has no accounts
    ends = sorted([np.exp(diff["ci_low"] * log_ratio), np.exp(diff["ci_high"] * log_ratio)])
    rows = [
        {"quantity": "engagement_elasticity_b", **b, "p_value": np.nan, "n": len(d),
         "method": method_b},
        {"quantity": "price_elasticity_g", **g, "p_value": np.nan, "n": n_g, "method": method_g},
        {"quantity": "cpe_elasticity_g_minus_b", **diff, "p_value": p_d, "n": n_g,
         "method": method_d},
        {"quantity": "cpe_ratio_micro_to_macro",
         "estimate": float(np.exp(diff["estimate"] * log_ratio)), "se": np.nan,
         "ci_low": ends[0], "ci_high": ends[1], "p_value": p_d, "n": n_g,
         "method": f"(F_micro / F_macro)^(g - b) at geometric-mean followers "
                   f"{f_micro:,.0f} and {f_macro:,.0f}"},
    ]
    table = pd.DataFrame(rows)
    table["assumption_based"] = True
    summary = {
        "assumption_based": True, "g_source": source, "b": b["estimate"],
        "b_ci": [b["ci_low"], b["ci_high"]], "g": g["estimate"],
        "g_ci": [g["ci_low"], g["ci_high"]], "g_minus_b": diff["estimate"],
        "g_minus_b_ci": [diff["ci_low"], diff["ci_high"]], "p_value": p_d,
        "cpe_ratio_micro_to_macro": rows[3]["estimate"], "cpe_ratio_ci": ends,
        "followers_micro": f_micro, "followers_macro": f_macro, "n": len(d),
        "n_excluded": excluded,
        "carried_by": ("the assumed price elasticity g (micro is cheaper per engagement "
                       f"exactly when g > b = {b['estimate']:.3f})") if source == "assumed" else
                      "both elasticities, estimated from the same accounts",
    }
    return AssumedResult(table, d, summary)


def _geo_mean(followers: pd.Series, rng: Range) -> float:
    """Geometric-mean followers of the accounts inside `rng` (NaN when there are none)."""
    inside = followers[in_range(followers, rng)]
    return float(np.exp(np.log(inside).mean())) if len(inside) else float("nan")
