"""Figures for question 04. Each takes data, a required ``simulated`` and an optional ``ax``,
draws and returns the Axes; none calls ``show``, ``savefig`` or ``matplotlib.use``.

Example:
    >>> t = pd.DataFrame({"score": [0.5, -0.2, 1.0], "shrunk": [0.3, -0.1, 0.2],
    ...                   "n_posts": [10.0, 4, 1]})
    >>> plot_shrinkage(t, simulated=True).get_xlabel()
    'own score: log(engagement / expected for its size)'
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from inflresearch.plots import axes_or_new, label_simulated


def plot_shrinkage(table: pd.DataFrame, *, simulated: bool, ax: Axes | None = None) -> Axes:
    """Each account's own size-adjusted score against its shrunk score, coloured by posts.

    Points on the diagonal keep their own score; accounts with few posts fall toward 0 (the
    size-predicted value).
    """
    ax = axes_or_new(ax)
    points = ax.scatter(table["score"], table["shrunk"], c=np.log10(table["n_posts"]), s=10,
                        cmap="viridis", alpha=0.7)
    lo = float(min(table["score"].min(), table["shrunk"].min()))
    hi = float(max(table["score"].max(), table["shrunk"].max()))
    ax.plot([lo, hi], [lo, hi], color="0.5", lw=1, ls="--")
    ax.axhline(0, color="0.7", lw=0.8)
    ax.set_xlabel("own score: log(engagement / expected for its size)")
    ax.set_ylabel("shrunk score (empirical Bayes)")
    ax.figure.colorbar(points, ax=ax, label="log10 posts")
    label_simulated(ax, simulated)
    return ax


def plot_halves(scored: pd.DataFrame, *, simulated: bool, ax: Axes | None = None) -> Axes:
    """Size-adjusted score on the earlier half against the later half, one point per account.

    Example:
        >>> s = pd.DataFrame({"score_early": [0.1, 0.5], "score_late": [0.0, 0.4]})
        >>> plot_halves(s, simulated=False).get_ylabel()
        'later posts: size-adjusted score'
    """
    ax = axes_or_new(ax)
    ax.scatter(scored["score_early"], scored["score_late"], s=10, alpha=0.6, color="#1b9e77")
    ax.axhline(0, color="0.7", lw=0.8)
    ax.axvline(0, color="0.7", lw=0.8)
    ax.set_xlabel("earlier posts: size-adjusted score")
    ax.set_ylabel("later posts: size-adjusted score")
    label_simulated(ax, simulated)
    return ax
