"""Seaborn figures, one module per research question. Each function takes data and an optional
``ax``, draws, and returns the Axes; none calls ``show``, ``savefig`` or ``matplotlib.use``."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes


def axes_or_new(ax: Axes | None, size: tuple[float, float] = (7, 4.5)) -> Axes:
    """`ax`, or the Axes of a new figure of `size` inches.

    Example:
        >>> axes_or_new(None, (2, 2)).figure.get_size_inches().tolist()
        [2.0, 2.0]
    """
    return ax if ax is not None else plt.subplots(figsize=size)[1]


def label_simulated(ax: Axes, simulated: bool, *, corner: str = "lower right") -> None:
    """Write "SIMULATED data" in a corner of `ax` when the figure shows simulated data."""
    if not simulated:
        return
    vertical, horizontal = corner.split()
    x, y = (0.99 if horizontal == "right" else 0.01), (0.01 if vertical == "lower" else 0.99)
    va = "bottom" if vertical == "lower" else "top"
    ax.text(x, y, "SIMULATED data", transform=ax.transAxes, ha=horizontal, va=va, fontsize=8, color="0.35")
