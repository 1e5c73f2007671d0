"""The two-lines test on known shapes: a V's breakpoint, both lines' slopes, and a monotone
curve whose smoother peaks at the edge of the data."""

from __future__ import annotations

import numpy as np

from inflresearch.methods.two_lines import two_lines


def test_an_inverted_v_is_found_with_both_slopes_and_its_breakpoint():
    rng = np.random.default_rng(1)
    x = rng.uniform(-3, 3, 3_000)
    y = np.where(x < 1, 0.5 * (x - 1), -1.0 * (x - 1)) + rng.normal(0, 0.5, x.size)
    t = two_lines(x, y)
    assert t.p_value < 1e-6 and not t.at_edge
    assert abs(t.breakpoint - 1) < 0.4
    assert abs(t.slope_low - 0.5) < 4 * t.slope_low_se + 0.1  # the kink blurs the nearest points
    assert abs(t.slope_high + 1.0) < 4 * t.slope_high_se + 0.1
    trough = two_lines(x, -y, shape="trough")
    assert trough.p_value == t.p_value and trough.breakpoint == t.breakpoint


def test_a_monotone_curve_has_no_interior_turn():
    """A line falling everywhere: the smoother is highest at the left edge, the breakpoint is
    moved in to leave 2% of the data below it, and that short line does not rise."""
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 10, 3_000)
    t = two_lines(x, -0.3 * x + rng.normal(0, 0.5, x.size))
    assert t.at_edge and t.n_low >= 0.02 * x.size - 1
    assert t.p_value > 0.05 and t.binding == "low"
    est, se = t.estimate()
    assert est == t.slope_low and se == t.slope_low_se
