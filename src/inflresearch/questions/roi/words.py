"""Question 3's claims in words: one key-findings sentence per claim, in business units.

Example:
    >>> from inflresearch import claims
    >>> c = claims.claim_result(claims.MICRO_ROI_EXCEEDS_MACRO, estimate=0.5, ci_low=0.2, ci_high=0.8,
    ...                         p_value=0.001, n=400, method="pooled", null=0.0, direction="greater")
    >>> SENTENCES[c.id](c)
    'Micro campaigns returned 0.50 more in revenue per 1 spent than macro (95% CI 0.20 to 0.80 more).'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from inflresearch import claims
from inflresearch.claims import Claim
from inflresearch.text import capital, group_label, has_interval, interval_words, money


def _groups(claim: Claim, default: tuple[str, str]) -> tuple[str, str]:
    groups = claim.details.get("groups")
    if isinstance(groups, Mapping) and "a" in groups and "b" in groups:
        return group_label(str(groups["a"])), group_label(str(groups["b"]))
    return default


def _roi_difference(claim: Claim, default: tuple[str, str]) -> str:
    """Difference in pooled ROI (revenue per unit of spend) of group a minus group b."""
    assert claim.estimate is not None
    a, b = _groups(claim, default)
    more = "more" if claim.estimate >= 0 else "less"
    text = (f"{capital(a)} campaigns returned {money(abs(claim.estimate))} {more} in revenue per "
            f"1 spent than {b}")
    if has_interval(claim):
        assert claim.ci_low is not None and claim.ci_high is not None
        text += f" ({interval_words(claim, claim.ci_low, claim.ci_high, money, 'more', 'less')})"
    return text + "."


def _micro_roi(claim: Claim) -> str:
    return _roi_difference(claim, ("micro", "macro"))


def _influencer_roi(claim: Claim) -> str:
    return _roi_difference(claim, ("influencer", "traditional"))


def _ten_micro(claim: Claim) -> str:
    assert claim.estimate is not None
    budget = claim.details.get("budget")
    at = f"At a budget of {money(float(budget))}, ten" if budget else "Ten"
    more = "more" if claim.estimate >= 0 else "less"
    text = (f"{at} micro activations earned {money(abs(claim.estimate))} {more} revenue than one "
            "large activation on average")
    if has_interval(claim):
        assert claim.ci_low is not None and claim.ci_high is not None
        text += f" ({interval_words(claim, claim.ci_low, claim.ci_high, money, 'more', 'less')})"
    return text + "."


SENTENCES: Mapping[str, Callable[[Claim], str]] = {
    claims.MICRO_ROI_EXCEEDS_MACRO: _micro_roi,
    claims.TEN_MICRO_BEAT_ONE_MACRO: _ten_micro,
    claims.INFLUENCER_ROI_EXCEEDS_TRADITIONAL: _influencer_roi,
}

#: the smallest detectable effect (on the estimate's scale) in each claim's business units
DETECTABLE: Mapping[str, Callable[[float], str]] = {
    claims.MICRO_ROI_EXCEEDS_MACRO: lambda m: f"a difference of {money(m)} or more in revenue per 1 spent",
    claims.TEN_MICRO_BEAT_ONE_MACRO: lambda m: f"a difference of {money(m)} or more in revenue at the budget",
    claims.INFLUENCER_ROI_EXCEEDS_TRADITIONAL: lambda m: (f"a difference of {money(m)} or more in revenue "
                                                          "per 1 spent"),
}
