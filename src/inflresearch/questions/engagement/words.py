"""Question 1's claims in words: one key-findings sentence per claim, in business units.

Example:
    >>> from inflresearch import claims
    >>> c = claims.claim_result(claims.ENGAGEMENT_RATE_DECLINES, estimate=0.797, ci_low=0.788,
    ...                         ci_high=0.806, p_value=1e-40, n=500, method="OLS", null=1.0,
    ...                         direction="less")
    >>> SENTENCES[c.id](c)
    'An account with twice the followers gets a 13% lower engagement rate (95% CI 13% to 14% lower).'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from inflresearch import claims
from inflresearch.claims import Claim
from inflresearch.text import followers, has_interval, interval_words, percent


def _rate_declines(claim: Claim) -> str:
    """Elasticity b: the rate changes by 2^(b-1) - 1 per doubling of followers."""
    assert claim.estimate is not None
    change = 2 ** (claim.estimate - 1) - 1
    words = f"{percent(abs(change))} {'lower' if change < 0 else 'higher'}"
    text = f"An account with twice the followers gets a {words} engagement rate"
    if has_interval(claim):
        assert claim.ci_low is not None and claim.ci_high is not None
        lo, hi = 2 ** (claim.ci_low - 1) - 1, 2 ** (claim.ci_high - 1) - 1
        text += f" ({interval_words(claim, lo, hi, lambda v: percent(v), 'higher', 'lower')})"
    return text + "."

def _turning_point(claim: Claim, what: str) -> str:
    point = claim.details.get("turning_point_followers")
    inside = claim.details.get("turning_point_inside")
    if point is not None and inside:
        return f"{what} peaks at about {followers(float(point))} followers, inside the observed range"
    if point is not None:
        return f"{what} has its fitted peak at {followers(float(point))} followers, outside the observed range"
    return f"{what} has no turning point within the observed range"

def _inverted_u(claim: Claim) -> str:
    text = _turning_point(claim, "Engagement per post")
    if claim.verdict == "contradicted":
        text += "; it still rises or falls significantly at one end of the data"
    return text + "."

def _rate_sweet_spot(claim: Claim) -> str:
    return _turning_point(claim, "The engagement rate") + "."


SENTENCES: Mapping[str, Callable[[Claim], str]] = {
    claims.ENGAGEMENT_RATE_DECLINES: _rate_declines,
    claims.ENGAGEMENT_INVERTED_U: _inverted_u,
    claims.ENGAGEMENT_RATE_SWEET_SPOT: _rate_sweet_spot,
}

#: the smallest detectable effect (a change of b) in business units: the rate per doubling
DETECTABLE: Mapping[str, Callable[[float], str]] = {
    claims.ENGAGEMENT_RATE_DECLINES: lambda m: (f"a change of {percent(1 - 2 ** -m)} or more in the "
                                                "engagement rate per doubling of followers"),
}
