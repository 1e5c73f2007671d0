"""Does micro versus macro survive the tier scheme? The grid over published schemes, one line.

The claim `micro_roi_exceeds_macro` is re-tested with each published scheme's own micro and
macro tiers (`speccurve.scheme_comparisons`), the analysis' own definition first as the
pre-specified row. Engagement-rate definitions do not enter a pooled ROI, so this claim's grid
varies the tier scheme only. Per row the verdict is the report's rule at alpha, unadjusted and
withheld like the claim (few Kish effective creators, creators without ids); the smallest p is
Holm-adjusted for the number of schemes (`methods.spec_grid`).

Example:
    >>> t = pd.DataFrame({"specification": ["own", "modash"], "primary": [True, False],
    ...                   "estimate": [0.3, -0.1], "ci_low": [0.1, -0.4], "ci_high": [0.5, 0.2],
    ...                   "p_value": [0.002, 0.7], "withheld": [False, False]})
    >>> micro_macro_robustness(micro_macro_grid(t, alpha=0.05))["line"][:46]
    'supported under 1 of 2 tier schemes (each at a'
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from inflresearch.methods.spec_grid import grid_summary, grid_verdicts, robustness_line

UNIT = "tier schemes"


def micro_macro_grid(table: pd.DataFrame, *, alpha: float) -> pd.DataFrame:
    """`scheme_comparisons` rows with two-sided p-values, verdicts and Holm p (`grid_verdicts`).

    The comparison's ``p_value`` is one-sided (H0: micro <= macro); the grid uses the
    two-sided p = 2 min(p, 1 - p), the claim's own verdict rule. The one-sided p is kept as
    ``p_one_sided``.
    """
    one = table["p_value"].astype(float)
    two = 2 * np.minimum(one, 1 - one)
    grid = table.assign(p_one_sided=one, p_value=two)
    return grid_verdicts(grid, null=0.0, direction="greater", alpha=alpha)


def micro_macro_robustness(grid: pd.DataFrame) -> dict[str, Any]:
    """The grid's summary for results.json, with its key-findings ``line``."""
    summary = grid_summary(grid)
    keep = [c for c in ("specification", "scheme_source", "primary", "estimate", "ci_low",
                        "ci_high", "p_value", "p_holm", "verdict", "n_micro", "n_macro", "note")
            if c in grid.columns]
    rows = grid[keep].astype(object).where(grid[keep].notna(), None).to_dict("records")
    return {**summary, "varies": UNIT, "line": robustness_line(summary, unit=UNIT),
            "specifications": rows}
