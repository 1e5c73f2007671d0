"""Question 2's claim in words: its key-findings sentence, in business units, and the report's
verdict paragraph (`verdict_markdown`).

Example:
    >>> from inflresearch import claims
    >>> c = claims.claim_result(claims.MICRO_AUDIENCES_MORE_FOCUSED, estimate=-0.04, ci_low=-0.06,
    ...                         ci_high=-0.02, p_value=0.001, n=300, method="OLS", null=0.0,
    ...                         direction="less")
    >>> SENTENCES[c.id](c).split(" (")[0]
    'An account with ten times the followers is 0.040 less focused on one niche, on a 0–1 scale'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from inflresearch import claims
from inflresearch.claims import Claim, format_p
from inflresearch.text import has_interval, interval_words, md_escape, sig


def _focused(claim: Claim) -> str:
    """Slope of niche focus (0-1 scale) per tenfold followers."""
    assert claim.estimate is not None
    direction = "less" if claim.estimate < 0 else "more"
    text = (f"An account with ten times the followers is {sig(abs(claim.estimate))} {direction} "
            "focused on one niche, on a 0–1 scale")
    if has_interval(claim):
        assert claim.ci_low is not None and claim.ci_high is not None
        text += (f" ({interval_words(claim, claim.ci_low, claim.ci_high, sig, 'more', 'less')})")
    return text + "."


def _p(p: float | None) -> str:
    """``'< 0.001'`` or ``'= 0.032'``: never scientific notation."""
    if p is None:
        return "not available"
    shown = format_p(p)
    return shown if shown.startswith("<") else f"= {shown}"


def verdict_markdown(c: Claim) -> str:
    """The focus claim's verdict paragraph (numbers only, no data text)."""
    if c.verdict == "not testable":
        return f"**Not testable**: {md_escape(c.note)}."
    word = {"supported": "supported", "contradicted": "contradicted",
            "inconclusive": "inconclusive"}[c.verdict]
    return (
        f"**Verdict: {word}** (before adjustment across the report). Niche focus changes by "
        f"**{c.estimate:+.4f}** per tenfold followers ({c.ci_label} {c.ci_low:+.4f} to "
        f"{c.ci_high:+.4f}; two-sided p {_p(c.p_two_sided)}; n = {c.n:,}). The claim "
        "needs a negative slope. The smallest slope this test detects with 80% power is "
        f"{c.details['mde']:.4f}. Assumes: the topic model's mix measures focus; followers measured "
        "without error; errors robust to heteroskedasticity (HC3)."
    )


#: per claim id, the question its key finding answers (before the answer)
QUESTIONS: Mapping[str, str] = {
    claims.MICRO_AUDIENCES_MORE_FOCUSED: "Do micro-influencers speak to a more focused niche?",
}

SENTENCES: Mapping[str, Callable[[Claim], str]] = {
    claims.MICRO_AUDIENCES_MORE_FOCUSED: _focused,
}

#: the smallest detectable effect (a slope of focus) in business units
DETECTABLE: Mapping[str, Callable[[float, Claim], str]] = {
    claims.MICRO_AUDIENCES_MORE_FOCUSED: lambda m, _claim: (f"a difference of {sig(m)} or more in niche focus "
                                                    "(0–1 scale) per tenfold followers"),
}
