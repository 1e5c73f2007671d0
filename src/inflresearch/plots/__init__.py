"""Shared figure helpers, and figures shared by the questions (`forest`, `diagnostics`). Each
question's own figures live in ``questions/<name>/plots.py``: every function takes data, a
required keyword ``simulated`` (drawn as a label) and an optional ``ax``, draws, and returns the
Axes; none calls ``show``, ``savefig`` or ``matplotlib.use``."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

POINTS: dict[str, Any] = {"s": 6, "alpha": 0.25, "color": "0.45", "linewidths": 0}  # a scatter's style


def sample_points(data: pd.DataFrame, max_points: int, seed: int) -> pd.DataFrame:
    """At most `max_points` rows of `data` for a scatter (a seeded sample when there are more).

    Example:
        >>> len(sample_points(pd.DataFrame({"x": range(10)}), 3, seed=0))
        3
    """
    return data.sample(max_points, random_state=seed) if len(data) > max_points else data


def axes_or_new(ax: Axes | None, size: tuple[float, float] = (7, 4.5)) -> Axes:
    """`ax`, or the Axes of a new figure of `size` inches.

    Example:
        >>> axes_or_new(None, (2, 2)).figure.get_size_inches().tolist()
        [2.0, 2.0]
    """
    return ax if ax is not None else plt.subplots(figsize=size)[1]


SIMULATED_LABEL = "SIMULATED data"


def label_simulated(ax: Axes, simulated: bool, *, corner: str = "lower right") -> None:
    """Write "SIMULATED data" in a corner of `ax` when the figure shows simulated data.

    Example:
        >>> ax = axes_or_new(None)
        >>> label_simulated(ax, True); is_labelled_simulated(ax)
        True
    """
    if not simulated:
        return
    vertical, horizontal = corner.split()
    x, y = (0.99 if horizontal == "right" else 0.01), (0.01 if vertical == "lower" else 0.99)
    va = "bottom" if vertical == "lower" else "top"
    ax.text(x, y, SIMULATED_LABEL, transform=ax.transAxes, ha=horizontal, va=va, fontsize=9,
            color="0.25", fontweight="bold")


def is_labelled_simulated(ax: Axes) -> bool:
    """True when `ax` (or its figure) carries the SIMULATED label."""
    texts = [*ax.texts, *ax.figure.texts]
    return any(t.get_text() == SIMULATED_LABEL for t in texts)


def figure_of(ax: Axes) -> Figure:
    """The figure holding `ax`, closed so that a notebook shows it once, where it is displayed.

    Example:
        >>> type(figure_of(axes_or_new(None))).__name__
        'Figure'
    """
    fig = ax.figure
    plt.close(fig)  # type: ignore[arg-type]
    return fig  # type: ignore[return-value]
