"""Specification-grid figure: a claim's estimate and interval under every specification."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from inflresearch.plots import label_simulated

COLOURS = {"supported": "#1a7f37", "contradicted": "#b42318", "inconclusive": "0.45",
           "not estimable": "0.75"}


def plot_spec_grid(
    table: pd.DataFrame, *, null: float, xlabel: str, simulated: bool, ax: Axes | None = None,
) -> Axes:
    """One row per specification (sorted by estimate): point and interval coloured by verdict,
    the pre-specified row as a diamond with its label in bold, a dashed line at the null.

    `table` is a `methods.spec_grid.grid_verdicts` table.

    Example:
        >>> t = pd.DataFrame({"specification": ["a", "b"], "primary": [True, False],
        ...                   "estimate": [0.8, 1.1], "ci_low": [0.7, 0.9], "ci_high": [0.9, 1.3],
        ...                   "verdict": ["supported", "inconclusive"]})
        >>> [t.get_text() for t in plot_spec_grid(t, null=1, xlabel="b", simulated=False)
        ...  .get_yticklabels()]
        ['a (pre-specified)', 'b']
    """
    ax = ax if ax is not None else plt.subplots(figsize=(7.5, 0.32 * len(table) + 1.6))[1]
    rows = table.sort_values("estimate", na_position="first").reset_index(drop=True)
    y = np.arange(len(rows))
    for i, r in rows.iterrows():
        colour = COLOURS.get(str(r["verdict"]), "0.45")
        if pd.isna(r["estimate"]):
            continue
        ax.plot([r["ci_low"], r["ci_high"]], [i, i], color=colour, lw=2)
        ax.plot(r["estimate"], i, "D" if r["primary"] else "o", color=colour,
                ms=8 if r["primary"] else 5, mec="black" if r["primary"] else colour)
    labels = [f"{s} (pre-specified)" if p else str(s)
              for s, p in zip(rows["specification"], rows["primary"], strict=True)]
    labels = [f"{lab}: not estimable" if pd.isna(e) else lab
              for lab, e in zip(labels, rows["estimate"], strict=True)]
    ax.set_yticks(y, labels)
    for tick, primary in zip(ax.get_yticklabels(), rows["primary"], strict=True):
        tick.set_fontweight("bold" if primary else "normal")
    ax.axvline(null, color="0.3", lw=1, ls="--")
    ax.set_xlabel(xlabel)
    ax.legend(handles=[Line2D([], [], color=c, marker="o", lw=2, label=v)
                       for v, c in COLOURS.items() if v in set(rows["verdict"])],
              loc="best", fontsize=8, title="verdict (unadjusted)", title_fontsize=8)
    label_simulated(ax, simulated)
    return ax
