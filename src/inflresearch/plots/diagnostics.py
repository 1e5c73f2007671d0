"""Regression diagnostics: residuals against fitted values and a normal Q-Q plot."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from inflresearch.plots import POINTS, axes_or_new, label_simulated, sample_points


def plot_residuals(residuals: pd.DataFrame, *, simulated: bool, ax: Axes | None = None,
                   max_points: int = 5000, seed: int = 0) -> Axes:
    """Residuals against fitted values (from `engagement_models.residual_frame`).

    Example:
        >>> r = pd.DataFrame({"fitted": [1.0, 2.0], "residual": [0.1, -0.1]})
        >>> plot_residuals(r, simulated=False).get_title()
        'Residuals vs fitted'
    """
    ax = axes_or_new(ax)
    shown = sample_points(residuals, max_points, seed)
    ax.scatter(shown["fitted"], shown["residual"], **POINTS)
    ax.axhline(0, color="C3", lw=1)
    ax.set(xlabel="fitted log engagements per post", ylabel="residual (log scale)",
           title="Residuals vs fitted")
    label_simulated(ax, simulated)
    return ax


def plot_qq(residuals: pd.DataFrame, *, simulated: bool, ax: Axes | None = None,
            max_points: int = 5000, seed: int = 0) -> Axes:
    """Normal Q-Q plot of standardized residuals (from `engagement_models.residual_frame`).

    Example:
        >>> r = pd.DataFrame({"theoretical_quantile": [-1.0, 1.0], "standardized": [-0.9, 1.2]})
        >>> plot_qq(r, simulated=False).get_title()
        'Normal Q-Q'
    """
    ax = axes_or_new(ax)
    shown = sample_points(residuals, max_points, seed)
    ax.scatter(shown["theoretical_quantile"], shown["standardized"], **POINTS)
    lim = float(np.nanmax(np.abs(shown[["theoretical_quantile", "standardized"]].to_numpy())))
    ax.plot([-lim, lim], [-lim, lim], color="C3", lw=1)
    ax.set(xlabel="normal quantile", ylabel="standardized residual", title="Normal Q-Q")
    label_simulated(ax, simulated, corner="upper left")
    return ax
