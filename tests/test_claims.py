"""The verdict rule: one level for interval and verdict, Holm never below the raw p-values."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from inflresearch import claims as C


def _claim(est, lo, hi, p, direction="less", null=1.0, alpha=0.05):
    return C.claim_result(C.ENGAGEMENT_RATE_DECLINES, estimate=est, ci_low=lo, ci_high=hi, p_value=p,
                          n=100, method="test", null=null, direction=direction, alpha=alpha)


def test_never_supported_while_the_interval_contains_the_null():
    # the case from the issue: one-sided p = 0.026, interval [-0.0174, +0.00006] around null 0
    c = C.adjust_holm([_claim(-0.0087, -0.0174, 0.00006, 0.026, null=0.0)])[0]
    assert c.verdict == "inconclusive" and c.p_adjusted == pytest.approx(0.052)


def test_contradicted_uses_the_same_level_as_supported():
    up = C.adjust_holm([_claim(1.2, 1.1, 1.3, 1 - 1e-9)])[0]  # b > 1 although the claim says b < 1
    down = C.adjust_holm([_claim(0.8, 0.7, 0.9, 1e-9)])[0]
    assert (up.verdict, down.verdict) == ("contradicted", "supported")
    assert up.p_adjusted == pytest.approx(down.p_adjusted)


def test_a_p_value_of_zero_stays_zero():
    c = C.adjust_holm([_claim(0.8, 0.79, 0.81, 0.0)])[0]
    assert c.p_adjusted == 0.0 and c.verdict == "supported"


@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=8))
def test_holm_is_never_below_the_raw_p_values(ps):
    adjusted = C.holm(ps)
    assert all(a >= p for a, p in zip(adjusted, ps, strict=True))
    assert all(a <= 1.0 for a in adjusted)


def test_holm_keeps_tiny_p_values_positive():
    assert C.holm([3.9e-299, 0.2])[0] > 0.0


def test_claims_are_immutable_and_adjustment_returns_new_claims():
    c = _claim(0.8, 0.7, 0.9, 1e-6)
    adjusted = C.adjust_holm([c, C.not_testable(C.ENGAGEMENT_INVERTED_U, "no data")])
    assert c.holm_family_size is None and adjusted[0].holm_family_size == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.verdict = "supported"  # type: ignore[misc]
    with pytest.raises(TypeError):
        c.details["x"] = 1  # type: ignore[index]


def test_details_may_not_shadow_core_fields():
    with pytest.raises(ValueError, match="core field"):
        C.claim_result(C.ENGAGEMENT_RATE_DECLINES, estimate=1, ci_low=0, ci_high=2, p_value=0.5, n=1,
                       method="m", verdict="supported")


def test_interval_label_follows_alpha():
    assert _claim(0.8, 0.7, 0.9, 0.01, alpha=0.1).ci_label == "90% CI"
    assert "90% CI" in C.plain_words(_claim(0.8, 0.7, 0.9, 0.01, alpha=0.1))


def test_results_json_round_trip():
    c = C.adjust_holm([C.claim_result(C.MICRO_ROI_EXCEEDS_MACRO, estimate=0.3, ci_low=0.1, ci_high=0.5,
                                      p_value=0.001, n=50, method="m", power=0.9)])[0]
    back = C.from_dict(c.to_dict())
    assert back == c and back.details["power"] == 0.9


def test_false_supported_rate_of_a_consistent_z_test_is_alpha():
    """Under the null, a z-test whose p and interval agree is supported in alpha/2 of worlds."""
    rng = np.random.default_rng(1)
    z = rng.standard_normal(20_000)
    supported = 0
    for zi in z[:4000]:
        from scipy import stats

        c = _claim(1 + 0.01 * zi, 1 + 0.01 * (zi - 1.96), 1 + 0.01 * (zi + 1.96), float(stats.norm.cdf(zi)))
        supported += C.adjust_holm([c])[0].verdict == "supported"
    assert supported / 4000 == pytest.approx(0.025, abs=0.008)


def test_a_withheld_verdict_stays_withheld_after_holm():
    c = C.claim_result(C.MICRO_ROI_EXCEEDS_MACRO, estimate=0.5, ci_low=0.3, ci_high=0.7, p_value=1e-6,
                       n=40, method="m", note="only 12 effective accounts", verdict_cap="inconclusive")
    assert C.adjust_holm([c])[0].verdict == "inconclusive"
