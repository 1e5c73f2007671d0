"""Figures for the ROI claims. Each takes data and an optional ``ax``, draws and returns the Axes;
none calls ``show``, ``savefig`` or ``matplotlib.use``.

Example:
    >>> t = pd.DataFrame({"specification": ["a", "b"], "estimate": [0.2, -0.1],
    ...                   "ci_low": [0.1, -0.3], "ci_high": [0.3, 0.1],
    ...                   "supported": [True, False], "primary": [False, True]})
    >>> plot_spec_curve(t, simulated=True).get_ylabel()
    'pooled ROI difference (micro - macro)'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from inflresearch.plots import axes_or_new, label_simulated

MICRO_COLOR, LARGE_COLOR, NEUTRAL = "#1b9e77", "#d95f02", "0.45"


def plot_pooled_metric(
    table: pd.DataFrame,
    *,
    metric: str = "roas",
    x: str = "tier",
    hue: str | None = "channel",
    reference: float | None = 1.0,
    simulated: bool,
    ax: Axes | None = None,
) -> Axes:
    """Pooled metric (ratio of sums) per group with its CI, from a `pooled_metrics` table.

    Example:
        >>> t = pd.DataFrame({"tier": ["micro", "macro"], "metric": "roas",
        ...                   "estimate": [2.0, 1.5], "ci_low": [1.6, 1.2], "ci_high": [2.4, 1.8]})
        >>> plot_pooled_metric(t, hue=None, simulated=True).get_ylabel()
        'ROAS (ratio of sums)'
    """
    ax = axes_or_new(ax)
    d = table[table["metric"] == metric].copy()
    d[x] = d[x].astype(str) if x in d else "all"
    groups = d.groupby(hue, sort=False) if hue and hue in d else [(None, d)]
    levels = list(dict.fromkeys(d[x]))
    groups = list(groups)
    width = 0.6 / max(len(groups), 1)
    for i, (name, part) in enumerate(groups):
        pos = np.array([levels.index(v) for v in part[x]]) + (i - (len(groups) - 1) / 2) * width
        est = part["estimate"].to_numpy(float)
        err = None
        if {"ci_low", "ci_high"} <= set(part.columns) and part["ci_low"].notna().any():
            err = np.vstack([est - part["ci_low"].to_numpy(float),
                             part["ci_high"].to_numpy(float) - est])
        ax.errorbar(pos, est, yerr=err, fmt="o", capsize=4, label=None if name is None else name)
    if reference is not None:
        ax.axhline(reference, color=NEUTRAL, lw=1, ls="--")
    ax.set_xticks(range(len(levels)), levels)
    ax.set_xlabel(x)
    ax.set_ylabel(f"{metric.upper() if len(metric) <= 4 else metric} (ratio of sums)")
    if len(groups) > 1:
        ax.legend(frameon=False)
    label_simulated(ax, simulated, corner="upper left")
    return ax


def plot_portfolios(
    draws: pd.DataFrame,
    *,
    budget: float | None = None,
    labels: Mapping[str, str] | None = None,
    bins: int = 60,
    simulated: bool,
    ax: Axes | None = None,
) -> Axes:
    """Distributions of budget-normalised revenue: ten micro activations versus one large one.

    `draws` has columns ``micro`` and ``large`` (from `equal_budget_portfolios`). Dashed lines
    mark each mean; the dotted line marks the budget (break-even).

    Example:
        >>> d = pd.DataFrame({"micro": [1.0, 2.0, 3.0], "large": [0.5, 1.0, 6.0]})
        >>> plot_portfolios(d, budget=2.0, simulated=True).get_xlabel()
        'revenue at equal budget'
    """
    ax = axes_or_new(ax)
    names = {"micro": "ten micro", "large": "one large", **dict(labels or {})}
    values = np.concatenate([draws["micro"].to_numpy(float), draws["large"].to_numpy(float)])
    hi = np.quantile(values, 0.995) if len(values) else 1.0
    edges = np.linspace(0, hi if hi > 0 else 1.0, bins + 1)
    for col, color in (("micro", MICRO_COLOR), ("large", LARGE_COLOR)):
        v = draws[col].to_numpy(float)
        ax.hist(np.clip(v, 0, edges[-1]), bins=edges.tolist(), density=True, alpha=0.45, color=color,
                label=f"{names[col]} (mean {v.mean():,.0f})")
        ax.axvline(v.mean(), color=color, ls="--", lw=1.5)
    if budget is not None:
        ax.axvline(budget, color="0.2", ls=":", lw=1.2, label=f"budget {budget:,.0f}")
    ax.set_xlabel("revenue at equal budget")
    ax.set_ylabel("density")
    ax.legend(frameon=False)
    label_simulated(ax, simulated, corner="upper left")
    return ax


def plot_spec_curve(table: pd.DataFrame, *, simulated: bool, ax: Axes | None = None
                    ) -> Axes:
    """Estimate and CI of the micro-minus-macro ROI difference per tier-edge specification,
    sorted by estimate; filled markers are supported (one-sided p < alpha), the primary
    specification is drawn as a diamond.

    Example:
        >>> t = pd.DataFrame({"specification": ["a"], "estimate": [0.1], "ci_low": [0.0],
        ...                   "ci_high": [0.2], "supported": [False], "primary": [True]})
        >>> len(plot_spec_curve(t, simulated=True).get_xticklabels())
        1
    """
    ax = axes_or_new(ax, (max(6.0, 0.45 * len(table) + 2), 4.5))
    d = table[table["estimate"].notna()].sort_values("estimate").reset_index(drop=True)
    pos = np.arange(len(d))
    est = d["estimate"].to_numpy(float)
    ax.vlines(pos, d["ci_low"].to_numpy(float), d["ci_high"].to_numpy(float), color=NEUTRAL)
    styles: tuple[tuple[pd.Series, dict[str, Any]], ...] = (
        (d["supported"], {"color": MICRO_COLOR}),
        (~d["supported"], {"facecolor": "white", "edgecolor": NEUTRAL}))
    for mask, style in styles:
        primary = d["primary"].to_numpy(bool) if "primary" in d else np.zeros(len(d), bool)
        for is_primary, marker in ((False, "o"), (True, "D")):
            sel = mask.to_numpy(bool) & (primary == is_primary)
            ax.scatter(pos[sel], est[sel], marker=marker, s=60 if is_primary else 36, zorder=3,
                       **style)
    ax.axhline(0, color="0.2", lw=1)
    ax.set_xticks(pos, d["specification"], rotation=60, ha="right")
    ax.set_ylabel("pooled ROI difference (micro - macro)")
    ax.set_xlabel("specification (micro range vs macro range)")
    label_simulated(ax, simulated, corner="upper left")
    return ax


def plot_cpe_curve(
    summary: Mapping[str, Any],
    *,
    followers: tuple[float, float] = (1e3, 1e7),
    simulated: bool,
    ax: Axes | None = None,
) -> Axes:
    """Assumption-based relative cost per engagement, followers^(g - b), scaled to 1 at the
    typical micro account, with the band from the CI of g - b.

    Example:
        >>> s = {"g_minus_b": 0.1, "g_minus_b_ci": [0.05, 0.15], "followers_micro": 7e3,
        ...      "followers_macro": 3e4, "g_source": "assumed"}
        >>> plot_cpe_curve(s, simulated=True).get_xscale()
        'log'
    """
    ax = axes_or_new(ax)
    grid = np.geomspace(*followers, 200)
    anchor = summary.get("followers_micro") or 1e4
    rel = np.log(grid / anchor)
    lo_d, hi_d = summary["g_minus_b_ci"]
    ax.plot(grid, np.exp(summary["g_minus_b"] * rel), color=MICRO_COLOR,
            label=f"CPE ~ followers^(g - b), g - b = {summary['g_minus_b']:.3f}")
    if lo_d is not None and hi_d is not None and np.isfinite([lo_d, hi_d]).all():
        band = np.vstack([np.exp(lo_d * rel), np.exp(hi_d * rel)])
        ax.fill_between(grid, band.min(axis=0), band.max(axis=0), color=MICRO_COLOR, alpha=0.2)
    for key, color in (("followers_micro", MICRO_COLOR), ("followers_macro", LARGE_COLOR)):
        value = summary.get(key)
        if value and np.isfinite(value):
            ax.axvline(value, color=color, ls=":", lw=1.2,
                       label=f"typical {key[10:]}: {value:,.0f}")
    ax.axhline(1.0, color=NEUTRAL, lw=1, ls="--")
    ax.set_xscale("log")
    ax.set_xlabel("followers")
    ax.set_ylabel("relative cost per engagement")
    ax.set_title(f"ASSUMPTION-BASED (price elasticity g {summary.get('g_source', '')})",
                 fontsize=10)
    ax.legend(frameon=False, fontsize=8)
    label_simulated(ax, simulated, corner="upper left")
    return ax
