"""Figures for engagement versus follower count. Each takes data and an optional ``ax``, draws and
returns the Axes; none calls ``show``, ``savefig`` or ``matplotlib.use``.

Example:
    >>> from inflresearch.data.synth import simulate_world
    >>> from inflresearch.questions.engagement.elasticity import elasticity
    >>> fit = elasticity(simulate_world(seed=1, n_influencers=300).influencers)
    >>> plot_engagement_vs_followers(fit.data, fit=fit, simulated=True).get_xscale()
    'log'
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from scipy import stats

from inflresearch.plots import POINTS, axes_or_new, label_simulated, sample_points


def _fit_line(fit: Any, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The elasticity line through the centroid with a (1 - alpha) band, on the count scale."""
    data, row = fit.data, fit.table.iloc[0]
    x, y = data["log_followers"].to_numpy(), data["log_engagements"].to_numpy()
    b, se = float(row["estimate"]), float(row["se"])
    xg = np.log(grid)
    mid = y.mean() + b * (xg - x.mean())
    crit = stats.norm.ppf(1 - fit.alpha / 2)
    half = crit * np.sqrt(fit.model.scale / len(x) + (xg - x.mean()) ** 2 * se**2)
    return np.exp(mid), np.exp(mid - half), np.exp(mid + half)


def plot_engagement_vs_followers(
    data: pd.DataFrame,
    *,
    fit: Any = None,
    spline: pd.DataFrame | None = None,
    lowess: pd.DataFrame | None = None,
    segmented: Any = None,
    simulated: bool,
    max_points: int = 5000,
    seed: int = 0,
    ax: Axes | None = None,
) -> Axes:
    """Engagements per post against followers on log axes, with the fitted elasticity line and
    its CI band, and optionally the spline (with band), LOWESS and segmented fits.

    `data` has ``followers`` and ``engagements`` (a `prepare_accounts` frame); at most
    `max_points` accounts are drawn (seeded sample), all are used by the fits.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> from inflresearch.questions.engagement.elasticity import elasticity
        >>> fit = elasticity(simulate_world(seed=1, n_influencers=300).influencers)
        >>> ax = plot_engagement_vs_followers(fit.data, fit=fit, simulated=True)
        >>> from inflresearch.plots import is_labelled_simulated
        >>> is_labelled_simulated(ax)
        True
    """
    ax = axes_or_new(ax)
    shown = sample_points(data, max_points, seed)
    ax.scatter(shown["followers"], shown["engagements"], label="accounts", **POINTS)
    grid = np.geomspace(data["followers"].min(), data["followers"].max(), 100)
    if fit is not None:
        mid, lo, hi = _fit_line(fit, grid)
        b = fit.table["estimate"].iloc[0]
        ax.plot(grid, mid, color="C0", lw=2, label=f"log-log fit, b = {b:.2f}")
        ax.fill_between(grid, lo, hi, color="C0", alpha=0.25, lw=0)
    if spline is not None:
        ax.plot(spline["followers"], spline["fit"], color="C1", lw=1.5, ls="--", label="spline")
        ax.fill_between(spline["followers"], spline["ci_low"], spline["ci_high"], color="C1",
                        alpha=0.15, lw=0)
    if lowess is not None:
        ax.plot(lowess["followers"], lowess["fit"], color="C2", lw=1.5, ls=":", label="LOWESS")
    if segmented is not None:
        ax.plot(grid, segmented.predict(grid), color="C3", lw=1.2, label="segmented")
        ax.axvline(segmented.table["breakpoint"].iloc[0], color="C3", lw=0.8, ls="--")
    ax.set(xscale="log", yscale="log", xlabel="followers (log scale)",
           ylabel="engagements per post (log scale)", title="Engagement vs followers")
    label_simulated(ax, simulated)
    ax.legend(loc="upper left", fontsize=8)
    return ax


def plot_rate_vs_followers(
    data: pd.DataFrame,
    *,
    fit: Any = None,
    rate_models: pd.DataFrame | None = None,
    simulated: bool,
    max_points: int = 5000,
    seed: int = 0,
    ax: Axes | None = None,
) -> Axes:
    """Engagement rate against followers: the rate implied by the elasticity (slope b - 1 on log
    axes) next to the straight line of the naive level regression of the rate on log10 followers.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> from inflresearch.questions.engagement.elasticity import elasticity, rate_models
        >>> fit = elasticity(simulate_world(seed=1, n_influencers=300).influencers)
        >>> ax = plot_rate_vs_followers(fit.data, fit=fit, rate_models=rate_models(fit), simulated=True)
        >>> ax.get_title()
        'Engagement rate vs followers'
    """
    ax = axes_or_new(ax)
    shown = sample_points(data, max_points, seed)
    ax.scatter(shown["followers"], shown["engagement_rate"], label="accounts", **POINTS)
    grid = np.geomspace(data["followers"].min(), data["followers"].max(), 100)
    if fit is not None:
        mid, lo, hi = _fit_line(fit, grid)
        ax.plot(grid, mid / grid, color="C0", lw=2, label="implied by elasticity")
        ax.fill_between(grid, lo / grid, hi / grid, color="C0", alpha=0.25, lw=0)
    if rate_models is not None:
        row = rate_models.set_index("model").loc["rate_on_log10_followers"]
        rate = data["engagement_rate"].to_numpy()
        x10 = np.log10(data["followers"].to_numpy())
        intercept = 100 * rate.mean() - row["estimate"] * x10.mean()
        level = (intercept + row["estimate"] * np.log10(grid)) / 100
        ax.plot(grid, np.where(level > 0, level, np.nan), color="C3", lw=1.5, ls="--",
                label="naive: rate ~ log10(followers)")
    ax.set(xscale="log", yscale="log", xlabel="followers (log scale)",
           ylabel="engagement rate (engagements per post / followers, log scale)",
           title="Engagement rate vs followers")
    label_simulated(ax, simulated)
    ax.legend(loc="lower left", fontsize=8)
    return ax


def plot_tier_rates(tiers: pd.DataFrame, *, simulated: bool, published: pd.DataFrame | None = None,
                    ax: Axes | None = None) -> Axes:
    """Median, mean and pooled engagement rate per tier with bootstrap CIs (`tier_table`), and
    optionally published benchmark values (`compare_published`): x for engagement rates, + for
    like rates, placed in the tier holding the middle of the benchmark's follower range.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> from inflresearch.questions.engagement.tier_table import tier_table
        >>> t = tier_table(simulate_world(seed=1, n_influencers=300).influencers, n_boot=20)
        >>> len(plot_tier_rates(t, simulated=True).get_xticks())
        4
    """
    ax = axes_or_new(ax)
    x = np.arange(len(tiers))
    for k, (stat, label) in enumerate((("median_rate", "median"), ("mean_rate", "mean of rates"),
                                       ("pooled_rate", "pooled (ratio of sums)"))):
        est = 100 * tiers[stat].to_numpy(dtype=float)
        err = 100 * np.abs(np.vstack([tiers[stat] - tiers[f"{stat}_ci_low"],
                                      tiers[f"{stat}_ci_high"] - tiers[stat]]).astype(float))
        ax.errorbar(x + (k - 1) * 0.2, est, yerr=err, fmt="o", capsize=3, label=label)
    ax.set_xticks(x, [f"{t}\n(n={n:,})" for t, n in zip(tiers["tier"], tiers["n"], strict=True)])
    if published is not None and len(published):
        upper = tiers["follower_max"].fillna(np.inf).to_numpy(dtype=float)
        lower = tiers["follower_min"].to_numpy(dtype=float)
        marks = {"engagement_rate": "x", "like_rate": "+"}
        for _, row in published.iterrows():
            lo, hi = float(row["follower_min"]), float(row["follower_max"])
            mid = np.sqrt(max(lo, 1.0) * hi) if np.isfinite(hi) else 3 * max(lo, 1.0)
            where = np.flatnonzero((lower <= mid) & (mid < upper))
            if len(where):
                ax.plot(where[0] + 0.3, 100 * row["published_value"],
                        marks.get(row["metric"], "x"), color="k", ms=7)
        for metric, mark in marks.items():
            if (published["metric"] == metric).any():
                ax.plot([], [], mark, color="k", label=f"published {metric.replace('_', ' ')}")
    ax.set_xlim(-0.5, len(tiers) - 0.5)
    ax.set(xlabel="follower tier", ylabel="engagement rate (%)", title="Engagement rate by tier")
    ax.legend(fontsize=8)
    label_simulated(ax, simulated, corner="upper right")
    return ax


def plot_scheme_tiers(table: pd.DataFrame, *, simulated: bool, statistic: str = "median_rate",
                      ax: Axes | None = None) -> Axes:
    """The tier table under every scheme (`scheme_tier_table`) in one figure: each tier a
    horizontal segment over its follower range at its rate, with the interval at the range's
    middle; one colour per scheme (the legend names its source). Open top tiers are drawn over
    one decade.

    Example:
        >>> t = pd.DataFrame({"scheme": ["a", "a"], "scheme_source": ["A (2018)"] * 2,
        ...                   "tier": ["x", "y"], "follower_min": [0., 1e4],
        ...                   "follower_max": [1e4, np.nan], "n": [5, 5],
        ...                   "median_rate": [0.03, 0.02], "median_rate_ci_low": [0.02, 0.01],
        ...                   "median_rate_ci_high": [0.04, 0.03]})
        >>> plot_scheme_tiers(t, simulated=False).get_xscale()
        'log'
    """
    ax = axes_or_new(ax, (8, 5))
    schemes = list(dict.fromkeys(table["scheme"]))
    for k, name in enumerate(schemes):
        part = table[table["scheme"] == name]
        colour = f"C{k % 10}"
        offset = 1 + 0.04 * (k - (len(schemes) - 1) / 2)  # schemes side by side, not on top
        for _, r in part.iterrows():
            lo = max(float(r["follower_min"]), 100.0)
            hi = float(r["follower_max"]) if np.isfinite(r["follower_max"]) else 10 * lo
            if not np.isfinite(r[statistic]):
                continue
            y = 100 * r[statistic]
            mid = np.sqrt(lo * hi) * offset
            ax.plot([lo, hi], [y, y], color=colour, lw=2.5, solid_capstyle="butt")
            ax.plot([mid, mid], [100 * r[f"{statistic}_ci_low"], 100 * r[f"{statistic}_ci_high"]],
                    color=colour, lw=1)
        ax.plot([], [], color=colour, lw=2.5, label=f"{name}: {part['scheme_source'].iloc[0]}")
    ax.set_xscale("log")
    words = statistic.replace("_rate", "").replace("mean", "mean of rates")
    ax.set(xlabel="followers (log scale; each segment one tier)",
           ylabel=f"engagement rate, {words} (%)", title="Engagement rate by tier, every scheme")
    ax.legend(fontsize=7, loc="lower left")  # rates fall with size: the lower left is empty
    label_simulated(ax, simulated, corner="upper right")
    return ax
