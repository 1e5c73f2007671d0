"""Is there a sweet spot? Two-lines tests of a peak in engagement and of a peak or low point
in the engagement rate, and the claims `engagement_inverted_u` and `engagement_rate_sweet_spot`.

A sweet spot needs the data to rise on one side and fall on the other: Simonsohn's (2018)
two-lines test (`inflresearch.methods.two_lines`), with the Robin Hood breakpoint from a spline,
on log engagements (absolute engagement: its slope is the elasticity b) and on the log rate
(log engagements - log followers: its slope is b - 1). The global quadratic of
`shape.quadratic_fit` is kept as a description only: its slope at one end follows the curvature
at the other, so it found rate peaks in 34-100% of worlds where the rate falls everywhere but
faster among large accounts or levels off at the top.

Example:
    >>> from inflresearch.data.synth import simulate_world
    >>> w = simulate_world(seed=1, n_influencers=4000, n_campaigns=0, elasticity=1.0,
    ...                    curvature=-0.08)
    >>> t = two_lines_test(w.influencers)
    >>> claim_rate_sweet_spot(t).verdict, claim_inverted_u(t).verdict
    ('supported', 'inconclusive')
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from inflresearch import claims
from inflresearch.claims import Claim, claim_result, not_testable
from inflresearch.methods.elasticity import prepare_accounts
from inflresearch.methods.two_lines import Shape, two_lines
from inflresearch.questions.engagement.prepare import RangeCheck

TESTS: tuple[tuple[str, Shape], ...] = (
    ("engagements", "peak"), ("engagement_rate", "peak"), ("engagement_rate", "trough"))
METHOD = "two-lines test (Simonsohn 2018; Robin Hood breakpoint from a natural cubic spline), HC3"


def two_lines_test(
    df: pd.DataFrame,
    *,
    followers: str = "followers",
    engagements: str = "engagements",
    alpha: float = 0.05,
    df_spline: int = 5,
) -> pd.DataFrame:
    """Two-lines tests in log followers; one row per (``outcome``, ``shape``).

    Rows: absolute engagement peaking (``engagements``, ``peak``), the rate peaking
    (``engagement_rate``, ``peak``) and the rate bottoming out (``engagement_rate``,
    ``trough``). Columns: ``breakpoint`` (followers), ``slope_below`` / ``slope_above`` (slope of
    the log outcome on log followers: the elasticity b for engagements, b - 1 for the rate) with
    SEs, one-sided p for the shape (``p_below``, ``p_above``) and normal CIs at `alpha`,
    ``p_value`` (intersection-union: the larger one-sided p), ``present`` (p < alpha / 2, the
    two-sided rule), ``at_edge`` (the spline turns at the edge of the data), ``n_below``,
    ``n_above``, ``method``.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> t = two_lines_test(simulate_world(seed=5, n_influencers=3000).influencers)
        >>> t[["outcome", "shape"]].values.tolist()[2], bool(t["present"].any())
        (['engagement_rate', 'trough'], False)
    """
    data = df if "log_engagements" in df.columns else prepare_accounts(
        df, followers=followers, engagements=engagements)
    x, y = data["log_followers"].to_numpy(), data["log_engagements"].to_numpy()
    crit = float(stats.norm.ppf(1 - alpha / 2))
    rows = []
    for outcome, shape in TESTS:
        t = two_lines(x, y if outcome == "engagements" else y - x, shape=shape,
                      df_spline=df_spline)
        rows.append({
            "outcome": outcome, "shape": shape, "breakpoint": float(np.exp(t.breakpoint)),
            "slope_below": t.slope_low, "slope_below_se": t.slope_low_se,
            "slope_below_ci_low": t.slope_low - crit * t.slope_low_se,
            "slope_below_ci_high": t.slope_low + crit * t.slope_low_se, "p_below": t.slope_low_p,
            "slope_above": t.slope_high, "slope_above_se": t.slope_high_se,
            "slope_above_ci_low": t.slope_high - crit * t.slope_high_se,
            "slope_above_ci_high": t.slope_high + crit * t.slope_high_se,
            "p_above": t.slope_high_p, "p_value": t.p_value,
            "present": bool(t.p_value < alpha / 2), "at_edge": t.at_edge,
            "estimate": t.estimate()[0], "estimate_se": t.estimate()[1],
            "n_below": t.n_low, "n_above": t.n_high, "n": len(x), "method": METHOD,
        })
    return pd.DataFrame(rows)


def _row(table: pd.DataFrame, outcome: str, shape: str) -> pd.Series:
    row = table.set_index(["outcome", "shape"]).loc[(outcome, shape)]
    assert isinstance(row, pd.Series)  # (outcome, shape) pairs are unique
    return row


def _lines(row: pd.Series, prefix: str = "") -> dict[str, Any]:
    """The breakpoint and both lines' slopes with CIs, as claim details (JSON-safe)."""
    keys = ("slope_below", "slope_below_ci_low", "slope_below_ci_high", "slope_above",
            "slope_above_ci_low", "slope_above_ci_high")
    out: dict[str, Any] = {f"{prefix}{k}": float(row[k]) for k in keys}
    out[f"{prefix}breakpoint_followers"] = float(row["breakpoint"])
    out[f"{prefix}breakpoint_at_edge"] = bool(row["at_edge"])
    return out


def rate_low_point(table: pd.DataFrame) -> dict[str, Any]:
    """The rate's trough test as claim details: ``low_point_present`` (both lines significant at
    the table's rule), and the lines (``low_point_breakpoint_followers``, ``low_point_slope_*``).

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> w = simulate_world(seed=4, n_influencers=4000, n_campaigns=0, curvature=0.05)
        >>> d = rate_low_point(two_lines_test(w.influencers))
        >>> d["low_point_present"], 1e4 < d["low_point_breakpoint_followers"] < 1e7
        (True, True)
    """
    row = _row(table, "engagement_rate", "trough")
    return {"low_point_present": bool(row["present"]), "low_point_p_value": float(row["p_value"]),
            **_lines(row, "low_point_")}


def _peak_claim(table: pd.DataFrame, outcome: str, claim_id: str, range_check: RangeCheck | None,
                alpha: float) -> Claim:
    row = _row(table, outcome, "peak")
    what = "the engagement rate (slopes of log rate = b - 1)" if outcome == "engagement_rate" else (
        "engagement per post (slopes = elasticity b)")
    method = (f"{METHOD}: a peak of {what} needs a rising line below the breakpoint and a falling "
              "line above it, both significant; estimate = the binding line's slope, signed so "
              "that > 0 means the claimed direction")
    if range_check is not None and range_check.warning:
        return not_testable(claim_id, "sample unsuitable for a shape test: "
                            + " ".join(range_check.messages), n=int(row["n"]), method=method)
    est, se = float(row["estimate"]), float(row["estimate_se"])
    crit = float(stats.norm.ppf(1 - alpha / 2))
    details = _lines(row)
    if outcome == "engagement_rate":
        details.update(rate_low_point(table))
    return claim_result(
        claim_id, estimate=est, ci_low=est - crit * se, ci_high=est + crit * se,
        p_value=float(row["p_value"]), n=int(row["n"]), method=method, null=0.0,
        direction="greater", alpha=alpha,
        mde=float((stats.norm.ppf(1 - alpha) + stats.norm.ppf(0.8)) * se), outcome=outcome,
        **details,
    )


def claim_inverted_u(
    table: pd.DataFrame, *, range_check: RangeCheck | None = None, alpha: float = 0.05
) -> Claim:
    """The `engagement_inverted_u` claim: absolute engagement per post peaks inside the data.

    "Contradicted" means a line slopes the wrong way significantly (usually: engagement still
    rises among the largest accounts); `claim_rate_sweet_spot` tests the rate.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> t = two_lines_test(simulate_world(seed=2, n_influencers=800).influencers)
        >>> claim_inverted_u(t).verdict
        'inconclusive'
    """
    return _peak_claim(table, "engagements", claims.ENGAGEMENT_INVERTED_U, range_check, alpha)


def claim_rate_sweet_spot(
    table: pd.DataFrame, *, range_check: RangeCheck | None = None, alpha: float = 0.05
) -> Claim:
    """The `engagement_rate_sweet_spot` claim: the engagement RATE peaks inside the data.

    The rate must rise below the breakpoint (elasticity > 1) and fall above it (elasticity < 1).
    The details also carry the rate's low-point test (`rate_low_point`), so the report can say
    where a rate that falls and then rises turns.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> t = two_lines_test(simulate_world(seed=2, n_influencers=800).influencers)
        >>> c = claim_rate_sweet_spot(t)
        >>> c.verdict, c.details["low_point_present"]
        ('inconclusive', False)
    """
    return _peak_claim(table, "engagement_rate", claims.ENGAGEMENT_RATE_SWEET_SPOT, range_check,
                       alpha)
