"""Figures for niche discovery. Each takes data and an optional ``ax``, draws and returns the
Axes; none calls ``show``, ``savefig`` or ``matplotlib.use``.

Example:
    >>> sel = pd.DataFrame({"k": [4, 5, 6], "silhouette": [0.2, 0.3, 0.25],
    ...                     "stability": [0.6, 0.9, 0.8], "chosen": [False, True, False]})
    >>> plot_k_selection(sel, simulated=True).get_xlabel()
    'number of niches k'
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from inflresearch.plots import axes_or_new, label_simulated


def plot_k_selection(
    selection: pd.DataFrame,
    *,
    threshold: float | None = None,
    simulated: bool,
    ax: Axes | None = None,
) -> Axes:
    """Silhouette and resampling stability against k (``NicheModel.selection_``), chosen k marked.

    Example:
        >>> sel = pd.DataFrame({"k": [4, 5], "silhouette": [0.2, 0.3], "stability": [0.6, 0.9],
        ...                     "chosen": [False, True]})
        >>> len(plot_k_selection(sel, threshold=0.75, simulated=True).lines) >= 2
        True
    """
    ax = axes_or_new(ax)
    ax.plot(selection["k"], selection["silhouette"], "o-", color="C0", label="silhouette")
    ax.plot(selection["k"], selection["stability"], "s-", color="C1",
            label="stability (ARI across resamples)")
    if threshold is not None:
        ax.axhline(threshold, color="C1", ls=":", lw=1, label="stability threshold")
    chosen = selection[selection["chosen"]]
    for k in chosen["k"]:
        ax.axvline(k, color="0.3", ls="--", lw=1, label=f"chosen k = {int(k)}")
    ax.set_xlabel("number of niches k")
    ax.set_ylabel("score")
    ax.set_xticks(selection["k"])
    ax.legend(fontsize=8, loc="best")
    label_simulated(ax, simulated)
    return ax


def plot_niche_map(
    points: pd.DataFrame, *, simulated: bool, ax: Axes | None = None
) -> Axes:
    """Accounts on a 2-D map (columns ``x``, ``y``, ``niche``), coloured by niche.

    Example:
        >>> pts = pd.DataFrame({"x": [0, 1], "y": [1, 0], "niche": ["N1", "N2"]})
        >>> plot_niche_map(pts, simulated=True).get_legend() is not None
        True
    """
    ax = axes_or_new(ax, (7, 5.5))
    order = sorted(points["niche"].unique(), key=lambda s: (len(s), s))
    sns.scatterplot(data=points, x="x", y="y", hue="niche", hue_order=order, s=10, alpha=0.6,
                    linewidth=0, ax=ax)
    ax.set_xlabel("axis 1 (between-niche principal axis)")
    ax.set_ylabel("axis 2")
    ax.legend(title="niche", fontsize=8, markerscale=2, loc="best")
    label_simulated(ax, simulated)
    return ax


def plot_niche_profiles(
    profiles: pd.DataFrame, *, simulated: bool, ax: Axes | None = None
) -> Axes:
    """Median engagement rate per niche with its CI (`niches_report.niche_profiles`), sizes in the
    labels.

    Example:
        >>> t = pd.DataFrame({"niche": ["N1"], "n": [10], "rate_median": [0.02],
        ...                   "rate_ci_low": [0.01], "rate_ci_high": [0.03],
        ...                   "followers_median": [5e3]})
        >>> len(plot_niche_profiles(t, simulated=True).get_yticklabels())
        1
    """
    rows = profiles.reset_index(drop=True)
    ax = axes_or_new(ax, (7, 0.45 * len(rows) + 1.5))
    y = np.arange(len(rows))
    est = rows["rate_median"].to_numpy(dtype=float)
    lo = np.nan_to_num(est - rows["rate_ci_low"].to_numpy(dtype=float))
    hi = np.nan_to_num(rows["rate_ci_high"].to_numpy(dtype=float) - est)
    ax.errorbar(est * 100, y, xerr=np.vstack([lo, hi]) * 100, fmt="o", capsize=3, color="C0")
    labels = [f"{r['niche']} (n={int(r['n']):,}; median followers {r['followers_median']:,.0f})"
              for _, r in rows.iterrows()]
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel("median engagement rate per account, % (95% CI)")
    label_simulated(ax, simulated)
    return ax


def plot_niche_followers(
    accounts: pd.DataFrame,
    *,
    niche: str = "niche_discovered",
    followers: str = "followers",
    simulated: bool,
    ax: Axes | None = None,
) -> Axes:
    """Follower distribution per niche (box plots, log scale): niches should not be size bands.

    Example:
        >>> acc = pd.DataFrame({"niche_discovered": ["N1", "N2"] * 5, "followers": range(1, 11)})
        >>> plot_niche_followers(acc, simulated=True).get_xscale()
        'log'
    """
    ax = axes_or_new(ax)
    data = accounts[[niche, followers]].dropna()
    order = sorted(data[niche].astype(str).unique(), key=lambda s: (s.startswith("("), len(s), s))
    sns.boxplot(data=data.astype({niche: str}), x=followers, y=niche, order=order, log_scale=True,
                fliersize=1, color="C0", ax=ax)
    ax.set_xlabel("followers (log scale)")
    ax.set_ylabel("niche")
    label_simulated(ax, simulated)
    return ax


def plot_confusion(table: pd.DataFrame, *, simulated: bool, ax: Axes | None = None) -> Axes:
    """Discovered niche by known category, as row shares (each niche's mix of categories).

    Example:
        >>> t = pd.DataFrame([[5, 1], [0, 4]], index=["N1", "N2"], columns=["a", "b"])
        >>> plot_confusion(t, simulated=True).get_ylabel()
        'discovered niche'
    """
    ax = axes_or_new(ax, (0.7 * table.shape[1] + 3, 0.45 * table.shape[0] + 1.5))
    shares = table.div(table.sum(axis=1).replace(0, np.nan), axis=0)
    sns.heatmap(shares, annot=table, fmt="d", cmap="Blues", vmin=0, vmax=1, cbar=True,
                cbar_kws={"label": "share of the niche"}, ax=ax)
    ax.set_ylabel("discovered niche")
    ax.set_xlabel("known category")
    label_simulated(ax, simulated, corner="upper left")
    return ax


def plot_focus(
    data: pd.DataFrame,
    *,
    slope: float | None = None,
    intercept: float | None = None,
    bins: int = 10,
    simulated: bool,
    ax: Axes | None = None,
) -> Axes:
    """Niche focus against followers: accounts (light), means per follower decile (dark), and the
    fitted slope when given (``focus``, ``followers`` columns; `niches_focus.focus_data`).

    Example:
        >>> d = pd.DataFrame({"followers": np.geomspace(1e3, 1e6, 50), "focus": 0.5})
        >>> plot_focus(d, bins=5, simulated=True).get_xscale()
        'log'
    """
    ax = axes_or_new(ax)
    d = data[["followers", "focus"]].dropna()
    d = d[d["followers"] > 0]
    ax.scatter(d["followers"], d["focus"], s=4, alpha=0.15, color="0.5", linewidths=0)
    x = np.log10(d["followers"])
    band = pd.qcut(x.rank(method="first"), min(bins, len(d)), labels=False)
    means = d.groupby(band).agg(f=("followers", "median"), m=("focus", "mean"),
                                se=("focus", "sem"))
    ax.errorbar(means["f"], means["m"], yerr=1.96 * means["se"], fmt="o", color="C0",
                capsize=3, label="mean per follower decile (95% CI)")
    if slope is not None and intercept is not None:
        grid = np.linspace(x.min(), x.max(), 50)
        ax.plot(10**grid, intercept + slope * grid, color="C3", label="fitted slope")
    ax.set_xscale("log")
    ax.set_xlabel("followers (log scale)")
    ax.set_ylabel("niche focus (1 - topic entropy)")
    ax.legend(fontsize=8)
    label_simulated(ax, simulated)
    return ax
