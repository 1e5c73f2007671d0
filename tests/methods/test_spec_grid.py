"""The specification grid: verdicts per specification, Holm over the grid, the count and line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from inflresearch.methods.spec_grid import grid_summary, grid_verdicts, holm, robustness_line


def test_holm_matches_statsmodels() -> None:
    p = np.random.default_rng(1).uniform(0, 0.2, 12)
    assert holm(p) == pytest.approx(multipletests(p, method="holm")[1])


def _table(estimates, lows, highs, ps, primary=0, withheld=None):
    n = len(estimates)
    return pd.DataFrame({"specification": [f"s{i}" for i in range(n)],
                         "primary": [i == primary for i in range(n)],
                         "estimate": estimates, "ci_low": lows, "ci_high": highs,
                         "p_value": ps, "withheld": withheld or [False] * n})


def test_verdicts_follow_the_reports_rule_on_the_claimed_side() -> None:
    t = _table([0.8, 1.2, 0.95, 0.8, np.nan], [0.7, 1.1, 0.85, 0.7, np.nan],
               [0.9, 1.3, 1.05, 0.9, np.nan], [1e-4, 1e-3, 0.3, 1e-4, np.nan],
               withheld=[False, False, False, True, False])
    g = grid_verdicts(t, null=1.0, direction="less", alpha=0.05)
    assert g["verdict"].tolist() == ["supported", "contradicted", "inconclusive", "inconclusive",
                                     "not estimable"]
    flipped = grid_verdicts(t, null=1.0, direction="greater", alpha=0.05)
    assert flipped["verdict"].tolist()[:2] == ["contradicted", "supported"]


def test_the_summary_counts_and_names_the_exceptions_to_the_primary() -> None:
    t = _table([0.8] * 5 + [1.2, 0.99], [0.7] * 5 + [1.1, 0.9], [0.9] * 5 + [1.3, 1.1],
               [1e-4] * 5 + [1e-3, 0.8])
    g = grid_verdicts(t, null=1.0, direction="less", alpha=0.05)
    s = grid_summary(g)
    assert s["counts"] == {"supported": 5, "contradicted": 1, "inconclusive": 1}
    assert s["verdict_of_record"] == "supported" and s["n_agreeing"] == 5
    assert s["exceptions"] == [["s5", "contradicted"], ["s6", "inconclusive"]]
    assert s["min_p_holm"] == pytest.approx(7e-4)
    line = robustness_line(s, unit="definitions")
    assert line.startswith("supported under 5 of 7 definitions (each at alpha, unadjusted); "
                           "the 2 exceptions: s5 (contradicted), s6 (inconclusive).")
    assert "pre-specified s0" in line and "Holm-adjusted for 7 definitions" in line


def test_many_exceptions_are_counted_after_four() -> None:
    t = _table([0.8] + [1.0] * 6, [0.7] + [0.9] * 6, [0.9] + [1.1] * 6, [1e-4] + [0.9] * 6)
    line = robustness_line(grid_summary(grid_verdicts(t, null=1, direction="less", alpha=0.05)))
    assert "the 6 exceptions: s1 (inconclusive), s2 (inconclusive), s3 (inconclusive), " \
           "s4 (inconclusive) and 2 more." in line
