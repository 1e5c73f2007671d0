"""Forest plot: per-group estimates with their intervals, shared by the questions."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from inflresearch.plots import label_simulated


def plot_forest(table: pd.DataFrame, *, simulated: bool, ax: Axes | None = None) -> Axes:
    """Forest plot of per-group estimates with CIs (e.g. `niche_elasticities`), reference at 1.

    Rows are labelled by the ``niche`` column (else the first column) with their n; rows without
    an estimate are listed as "not estimated".

    Example:
        >>> t = pd.DataFrame({"niche": ["a", "b"], "estimate": [0.8, 0.9], "ci_low": [0.7, 0.85],
        ...                   "ci_high": [0.9, 0.95], "n": [100, 200]})
        >>> len(plot_forest(t, simulated=False).get_yticklabels())
        2
    """
    ax = ax if ax is not None else plt.subplots(figsize=(6, 0.4 * len(table) + 1.2))[1]
    label_col = "niche" if "niche" in table.columns else table.columns[0]
    rows = table.sort_values("estimate", na_position="first").reset_index(drop=True)
    y = np.arange(len(rows))
    ok = rows["estimate"].notna().to_numpy()
    err = np.vstack([rows["estimate"] - rows["ci_low"], rows["ci_high"] - rows["estimate"]])
    ax.errorbar(rows["estimate"][ok], y[ok], xerr=err[:, ok], fmt="o", color="C0", capsize=3)
    labels = [
        f"{r[label_col]} (n={int(r['n']):,})" if "n" in rows.columns else str(r[label_col])
        for _, r in rows.iterrows()
    ]
    labels = [lab if k else f"{lab}: not estimated" for lab, k in zip(labels, ok, strict=True)]
    ax.set_yticks(y, labels)
    ax.axvline(1.0, color="0.3", lw=1, ls="--")
    ax.set_xlabel("elasticity b (left of the dashed line: rate falls with size)")
    label_simulated(ax, simulated)
    return ax
