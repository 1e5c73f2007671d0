"""Key-findings sentences of question 04, written from the claim records (results.json).

Example:
    >>> import textwrap
    >>> from inflresearch.claims import claim_result
    >>> c = claim_result("engagement_is_persistent", estimate=0.72, ci_low=0.68, ci_high=0.76,
    ...                  p_value=1e-9, n=900, method="split-half", top_persistence=0.38,
    ...                  top_persistence_ci_low=0.31, top_persistence_ci_high=0.45, top_share=0.1)
    >>> print(textwrap.fill(persistent_sentence(c), 90))
    Of the creators in the top 10% on their earlier posts, 38% (95% CI 31% to 45%) are in the
    top 10% on their later posts; chance is 10%. The split-half reliability of size-adjusted
    engagement is 0.72 (95% CI 0.68 to 0.76; 900 accounts).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from inflresearch import claims
from inflresearch.claims import Claim


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def persistent_sentence(claim: Claim) -> str:
    """Top-10% persistence against chance, then the reliability with its interval."""
    assert claim.estimate is not None
    d = claim.details
    share = float(d.get("top_share", 0.1))
    text = ""
    top = d.get("top_persistence")
    if top is not None:
        lo, hi = d.get("top_persistence_ci_low"), d.get("top_persistence_ci_high")
        ci = f" ({claim.ci_label} {_pct(float(lo))} to {_pct(float(hi))})" if lo is not None and hi is not None else ""
        text = (f"Of the creators in the top {_pct(share)} on their earlier posts, {_pct(float(top))}"
                f"{ci} are in the top {_pct(share)} on their later posts; chance is {_pct(share)}. ")
    ci = ""
    if claim.ci_low is not None and claim.ci_high is not None:
        ci = f"{claim.ci_label} {claim.ci_low:.2f} to {claim.ci_high:.2f}; "
    return (text + f"The split-half reliability of size-adjusted engagement is "
            f"{claim.estimate:.2f} ({ci}{claim.n:,} accounts).")


def pick_sentence(claim: Claim) -> str:
    """The later engagements per follower of the adjusted shortlist relative to the raw one.

    Example:
        >>> import textwrap
        >>> from inflresearch.claims import claim_result
        >>> c = claim_result("adjusted_pick_beats_raw_rate", estimate=-0.12, ci_low=-0.3,
        ...                  ci_high=0.05, p_value=0.9, n=80, method="m", shortlist_size=10)
        >>> print(textwrap.fill(pick_sentence(c), 90))
        On later posts, the 10 creators picked by shrunk size-adjusted engagement earned 12% fewer
        engagements per follower than the 10 picked by raw engagement rate (95% CI 30% fewer to 5%
        more; 80 accounts in the tier).
    """
    assert claim.estimate is not None
    size = int(claim.details.get("shortlist_size", 10))

    def change(v: float) -> str:
        return f"{_pct(abs(v))} {'more' if v >= 0 else 'fewer'}"

    ci = ""
    if claim.ci_low is not None and claim.ci_high is not None:
        ci = f"{claim.ci_label} {change(claim.ci_low)} to {change(claim.ci_high)}; "
    return (f"On later posts, the {size} creators picked by shrunk size-adjusted engagement earned "
            f"{change(claim.estimate)} engagements per follower than the {size} picked by raw "
            f"engagement rate ({ci}{claim.n:,} accounts in the tier).")


#: per claim id, the question its key finding answers (before the answer)
QUESTIONS: Mapping[str, str] = {
    claims.ENGAGEMENT_IS_PERSISTENT: "Can you pick creators by their engagement: does it persist "
                                     "from earlier to later posts?",
    claims.ADJUSTED_PICK_BEATS_RAW_RATE: "Does a shortlist by shrunk size-adjusted engagement beat "
                                         "the vendors' raw-engagement-rate shortlist?",
}

SENTENCES: Mapping[str, Callable[[Claim], str]] = {
    claims.ENGAGEMENT_IS_PERSISTENT: persistent_sentence,
    claims.ADJUSTED_PICK_BEATS_RAW_RATE: pick_sentence,
}
