"""Platforms side by side: the elasticity b of each dataset of a plan, and whether two differ.

Each dataset (a platform's file or scrape) keeps its own estimate: they are never pooled. Two
datasets are compared by the z-test of the difference of two independent estimates,
``z = (b1 - b2) / sqrt(se1**2 + se2**2)`` with their robust (HC4) standard errors, a two-sided
p-value Holm-adjusted across every pair on the page, and a (1 - alpha) interval of the difference.
It assumes the two samples are independent (no account in both) and each estimate roughly normal;
it compares these samples, not the platforms: each was drawn its own way (a hashtag crawl, a
platform's suggestions, a top list), so a difference can be the sampling frame as much as the
platform (`FRAME_CAVEAT`).

Example:
    >>> t = pd.DataFrame({"dataset": ["Instagram sample", "TikTok scrape"], "platform":
    ...                   ["instagram", "tiktok"], "estimate": [0.80, 0.95], "se": [0.02, 0.03],
    ...                   "n": [1000, 400]})
    >>> row = compare_estimates(t).iloc[0]
    >>> float(round(row["difference"], 2)), float(round(row["z"], 2)), bool(row["p_holm"] < 0.001)
    (-0.15, -4.16, True)
"""

from __future__ import annotations

import base64
import io
import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from inflresearch.claims import format_p, holm
from inflresearch.text import sig

FRAME_CAVEAT = ("each dataset was sampled its own way (by hashtag, by a platform's suggestions, as a "
                "top list), so a difference may come from the sampling frame as much as the platform")
COLUMNS = ["dataset_a", "dataset_b", "platform_a", "platform_b", "estimate_a", "estimate_b",
           "difference", "se", "ci_low", "ci_high", "z", "p_value", "p_holm", "significant"]


def compare_estimates(table: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """One row per pair of datasets: the difference of their estimates and its z-test.

    `table` has ``dataset``, ``platform``, ``estimate``, ``se`` (and optional ``n``), one row per
    dataset. Returned columns: ``dataset_a``/``dataset_b``, ``platform_a``/``platform_b``,
    ``estimate_a``/``estimate_b``, ``difference`` (a - b), ``se`` (of the difference),
    ``ci_low``/``ci_high`` (two-sided 1 - alpha), ``z``, ``p_value`` (two-sided), ``p_holm``
    (Holm across the pairs) and ``significant`` (``p_holm < alpha``). Fewer than two datasets
    give an empty frame.
    """
    from scipy import stats  # here, not at the top: every index page imports this module

    rows = []
    usable = table[np.isfinite(table["estimate"]) & np.isfinite(table["se"]) & (table["se"] > 0)]
    z_crit = stats.norm.ppf(1 - alpha / 2)
    for (_, a), (_, b) in itertools.combinations(usable.iterrows(), 2):
        diff = float(a["estimate"] - b["estimate"])
        se = float(np.hypot(a["se"], b["se"]))
        z = diff / se
        rows.append({"dataset_a": a["dataset"], "dataset_b": b["dataset"], "platform_a": a["platform"],
                     "platform_b": b["platform"], "estimate_a": float(a["estimate"]),
                     "estimate_b": float(b["estimate"]), "difference": diff, "se": se,
                     "ci_low": diff - z_crit * se, "ci_high": diff + z_crit * se, "z": z,
                     "p_value": float(2 * stats.norm.sf(abs(z)))})
    out = pd.DataFrame(rows, columns=COLUMNS[:-2])
    out["p_holm"] = holm(out["p_value"].tolist()) if len(out) else []
    out["significant"] = out["p_holm"] < alpha
    return out[COLUMNS]


def comparison_sentence(row: pd.Series, *, n_pairs: int, alpha: float = 0.05) -> str:
    """One sentence for one pair of `compare_estimates`.

    Example:
        >>> r = pd.Series({"dataset_a": "A", "dataset_b": "B", "platform_a": "instagram",
        ...                "platform_b": "tiktok", "estimate_a": 0.8, "estimate_b": 0.95,
        ...                "difference": -0.15, "ci_low": -0.22, "ci_high": -0.08, "p_holm": 0.0001,
        ...                "significant": True})
        >>> comparison_sentence(r, n_pairs=1)  # doctest: +NORMALIZE_WHITESPACE
        'The elasticity b is 0.800 on A (instagram) and 0.950 on B (tiktok): the engagement rate
        falls faster with size on A; difference -0.150 (95% CI -0.220 to -0.0800, z-test of two
        independent estimates, p < 0.001, Holm across 1 pair).'
    """
    a, b = row["dataset_a"], row["dataset_b"]
    level = f"{round(100 * (1 - alpha))}%"
    if row["significant"]:
        faster = a if row["difference"] < 0 else b
        verdict = f"the engagement rate falls faster with size on {faster}"
    else:
        verdict = f"no difference shown at alpha = {alpha:g}"
    return (f"The elasticity b is {sig(row['estimate_a'], 3)} on {_named(a, row['platform_a'])} and "
            f"{sig(row['estimate_b'], 3)} on {_named(b, row['platform_b'])}: {verdict}; difference "
            f"{sig(row['difference'], 3)} ({level} CI {sig(row['ci_low'], 3)} to {sig(row['ci_high'], 3)}, "
            f"z-test of two independent estimates, {_p(row['p_holm'])}, Holm across "
            f"{n_pairs} pair{'s' if n_pairs != 1 else ''}).")


def _named(dataset: str, platform: str | None) -> str:
    """The dataset's name, with its platform when the name does not say it."""
    return f"{dataset} ({platform})" if platform and platform.lower() not in dataset.lower() else dataset


def _p(p: float) -> str:
    text = format_p(p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


@dataclass
class SideBySide:
    """The comparison a findings page shows: one row per dataset, one per pair, the sentences,
    the forest plot (PNG bytes, base64) and the datasets left out with why."""

    estimates: pd.DataFrame
    pairs: pd.DataFrame
    sentences: list[str] = field(default_factory=list)
    figure: str = ""
    left_out: list[str] = field(default_factory=list)
    tiers: pd.DataFrame | None = None  # `tier_rates`: the median rate per tier, one column per dataset


def side_by_side(estimates: pd.DataFrame, *, alpha: float = 0.05, simulated: bool = False,
                 left_out: list[str] | None = None,
                 tiers: dict[str, list[dict[str, Any]]] | None = None) -> SideBySide | None:
    """The comparison of two or more datasets' elasticities (``dataset``, ``platform``,
    ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``n``), or None for fewer than two; `tiers`
    (per dataset, its tier-table rows) adds the rate tiers side by side (`tier_rates`)."""
    if len(estimates) < 2:
        return None
    pairs = compare_estimates(estimates, alpha=alpha)
    sentences = [comparison_sentence(r, n_pairs=len(pairs), alpha=alpha) for _, r in pairs.iterrows()]
    return SideBySide(estimates, pairs, sentences, forest_png(estimates, simulated=simulated),
                      list(left_out or []), tier_rates(tiers or {}))


def tier_rates(tiers: dict[str, list[dict[str, Any]]]) -> pd.DataFrame | None:
    """The median engagement rate of each tier, one column per dataset: "median (interval), n".

    Rows are the tiers of the scheme the datasets share (their first), in its order; a dataset
    whose tier has no account shows "—". Descriptive: each interval is the tier's own
    distribution-free interval of the median; no test across datasets is made (their sampling
    frames differ). None when fewer than two datasets carry a tier table.

    Example:
        >>> row = {"scheme": "blog", "tier": "micro", "n": 40, "median_rate": 0.031,
        ...        "median_rate_ci_low": 0.027, "median_rate_ci_high": 0.036}
        >>> t = tier_rates({"A": [row], "B": [row | {"n": 0, "median_rate": None}]})
        >>> t.iloc[0].tolist()
        ['micro', '3.10% (2.70–3.60%), n 40', '—']
    """
    usable = {d: [r for r in rows if isinstance(r, dict) and r.get("tier")] for d, rows in tiers.items()}
    usable = {d: rows for d, rows in usable.items() if rows}
    if len(usable) < 2:
        return None
    schemes = [rows[0].get("scheme") for rows in usable.values()]
    scheme = max(set(schemes), key=schemes.count)
    order: list[str] = []
    cells: dict[str, dict[str, str]] = {}
    for dataset, rows in usable.items():
        for r in rows:
            if r.get("scheme", scheme) != scheme:
                continue
            tier = str(r["tier"])
            if tier not in order:
                order.append(tier)
            cells.setdefault(dataset, {})[tier] = _rate_cell(r)
    out = pd.DataFrame({"tier": order, **{d: [cells.get(d, {}).get(t, "—") for t in order]
                                          for d in usable}})
    out.attrs["scheme"] = scheme
    return out


def _rate_cell(row: dict[str, Any]) -> str:
    """ "3.10% (2.70–3.60%), n 40", or "—" for a tier without accounts."""
    median, n = row.get("median_rate"), int(row.get("n") or 0)
    if median is None or not np.isfinite(float(median)) or n == 0:
        return "—"
    low, high = row.get("median_rate_ci_low"), row.get("median_rate_ci_high")
    interval = (f" ({100 * float(low):.2f}–{100 * float(high):.2f}%)"
                if low is not None and high is not None and np.isfinite([float(low), float(high)]).all()
                else "")
    return f"{100 * float(median):.2f}%{interval}, n {n:,}"


def forest_png(estimates: pd.DataFrame, *, simulated: bool) -> str:
    """The forest plot of b per dataset (`plot_forest`) as a base64 PNG for an ``<img>``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # only a page with a comparison
    from matplotlib.figure import Figure  # pays for the plotting library

    from inflresearch.plots.forest import plot_forest

    table = estimates.assign(label=[_named(d, p) for d, p in zip(estimates["dataset"], estimates["platform"],
                                                                strict=True)])
    table = table[["label", "estimate", "ci_low", "ci_high", "n"]]
    fig = Figure(figsize=(7, 0.5 * len(table) + 1.4))
    FigureCanvasAgg(fig)
    plot_forest(table, simulated=simulated, ax=fig.subplots())
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")  # room for long dataset names
    return base64.b64encode(buffer.getvalue()).decode()
