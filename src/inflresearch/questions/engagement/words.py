"""Question 1's claims in words: one key-findings sentence per claim (the claim, the answer,
then where and which way), in business units, and the report's verdict paragraphs
(`verdict_markdown`).

Slopes are of log engagement (or log rate) on log followers; a sentence states them as the change
per doubling of followers, 2^slope - 1, with the interval's ends transformed alike.

Example:
    >>> from inflresearch.claims import claim_result
    >>> c = claim_result("engagement_rate_declines", estimate=0.88, ci_low=0.87, ci_high=0.89,
    ...                  p_value=1e-9, n=500, method="m", null=1.0, direction="less")
    >>> rate_declines(c)[47:]
    'Yes: an account with twice the followers gets an 8.0% lower engagement rate (95% CI 7.3% to 8.6% lower).'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from inflresearch import claims
from inflresearch.claims import Claim
from inflresearch.methods.elasticity import rate_change_per_doubling
from inflresearch.questions.engagement.elasticity import CAVEAT
from inflresearch.questions.engagement.prepare import RangeCheck
from inflresearch.text import has_interval, md_escape, percent, sig

ANSWER = {"supported": "Yes", "contradicted": "No", "inconclusive": "Not shown"}


def short_followers(value: float) -> str:
    """1,089,487 -> '1.1M', 25,000 -> '25k', 950 -> '950'.

    Example:
        >>> short_followers(1_089_487), short_followers(25_000), short_followers(1_048)
        ('1.1M', '25k', '1.0k')
    """
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            v = value / size
            return f"{v:.0f}{unit}" if v >= 10 else f"{v:.1f}{unit}"
    return f"{value:.0f}"


def pct(fraction: float) -> str:
    """The size of a change as a percentage with two significant digits.

    Example:
        >>> pct(-0.0802), pct(0.1313), pct(0.0)
        ('8.0%', '13%', '0%')
    """
    value = abs(100 * fraction)
    if value == 0 or not math.isfinite(value):
        return "0%" if value == 0 else "—"
    decimals = max(0, 1 - math.floor(math.log10(value)))
    return f"{round(value, decimals):,.{decimals}f}%"


def per_doubling(slope: float, low: float, high: float, level: str = "95% CI") -> str:
    """A log-log slope as the change per doubling of followers, with its interval in words.

    Example:
        >>> per_doubling(-0.12, -0.13, -0.11)
        '8.0% lower per doubling (95% CI 7.3% to 8.6% lower)'
        >>> per_doubling(0.05, -0.02, 0.12)
        '3.5% higher per doubling (95% CI 1.4% lower to 8.7% higher)'
        >>> per_doubling(-0.2, -0.21, -0.19)
        '13% lower per doubling (95% CI 12% to 14% lower)'
    """
    c, lo, hi = (rate_change_per_doubling(v + 1.0) for v in (slope, low, high))
    word = "higher" if c >= 0 else "lower"
    if hi <= 0:
        ci = f"{pct(hi)} to {pct(lo)} lower"
    elif lo >= 0:
        ci = f"{pct(lo)} to {pct(hi)} higher"
    else:
        ci = f"{pct(lo)} lower to {pct(hi)} higher"
    return f"{pct(c)} {word} per doubling ({level} {ci})"


def _article(number: str) -> str:
    """'an' before numbers read with a leading vowel sound (8, 11, 18, 80-89), else 'a'."""
    return "an" if number.startswith(("8", "11%", "11.", "18")) else "a"


def _question(claim: Claim) -> str:
    return claim.statement.rstrip(".") + "?"


def _line(d: Mapping[str, Any], side: str, prefix: str = "") -> str:
    return per_doubling(d[f"{prefix}slope_{side}"], d[f"{prefix}slope_{side}_ci_low"],
                        d[f"{prefix}slope_{side}_ci_high"])


def rate_declines(claim: Claim) -> str:
    """`engagement_rate_declines`: b as the rate's change per doubling, qualified by a low point.

    When the rate's two-lines trough test found a low point (details ``low_point_present``), the
    sentence says that the decline holds only up to it and the rate rises above it.
    """
    assert claim.estimate is not None and claim.ci_low is not None and claim.ci_high is not None
    ends = (claim.estimate, claim.ci_low, claim.ci_high)
    if not all(math.isfinite(rate_change_per_doubling(b)) for b in ends):
        text = f"{_question(claim)} {ANSWER.get(claim.verdict, claim.verdict)}: elasticity b = {sig(claim.estimate, 3)}"
        if has_interval(claim):
            text += f" ({claim.ci_label} {sig(claim.ci_low, 3)} to {sig(claim.ci_high, 3)})"
        return text + ", a change per doubling of followers too large to state in percent."
    change, interval = per_doubling(claim.estimate - 1, claim.ci_low - 1, claim.ci_high - 1,
                                    claim.ci_label).split(" per doubling ")
    d = claim.details
    text = (f"{_question(claim)} {ANSWER.get(claim.verdict, claim.verdict)}: an account with "
            f"twice the followers gets {_article(change)} {change} engagement rate {interval}")
    if d.get("low_point_present"):
        text += (f", across all accounts; but only up to about "
                 f"{short_followers(d['low_point_breakpoint_followers'])} followers: above that the "
                 f"rate rises ({_line(d, 'above', 'low_point_')})")
    return text + "."


def _turn(claim: Claim, what: str, peak_words: tuple[str, str]) -> str:
    """The two lines of a peak test, in words: where the line breaks and which way each goes."""
    d = claim.details
    answer = ANSWER.get(claim.verdict, claim.verdict)
    if "breakpoint_followers" not in d:  # a record without the two lines (e.g. not testable)
        return f"{_question(claim)} {answer}."
    at = short_followers(d["breakpoint_followers"])
    if claim.verdict == "supported":
        return (f"{_question(claim)} {answer}: {what} {peak_words[0]} with size up to about {at} "
                f"followers ({_line(d, 'below')}) and {peak_words[1]} above it "
                f"({_line(d, 'above')}).")
    edge = " (the smoothed curve is highest at the edge of the data)" * bool(
        d.get("breakpoint_at_edge"))
    return (f"{_question(claim)} {answer}: below about {at} followers {what} is "
            f"{_line(d, 'below')}, above it {_line(d, 'above')}{edge}; a peak needs a significant "
            "rise below and a fall above.")


def inverted_u(claim: Claim) -> str:
    """`engagement_inverted_u`: does engagement per post rise and then fall inside the data?"""
    return _turn(claim, "engagement per post", ("rises", "falls"))


def rate_sweet_spot(claim: Claim) -> str:
    """`engagement_rate_sweet_spot`: a peak of the rate, or else its low point if there is one.

    Example:
        >>> from inflresearch.claims import claim_result
        >>> lines = dict(slope_below=-0.12, slope_below_ci_low=-0.13, slope_below_ci_high=-0.11,
        ...              slope_above=0.3, slope_above_ci_low=0.1, slope_above_ci_high=0.5,
        ...              breakpoint_followers=1048.0, breakpoint_at_edge=True)
        >>> low = {f"low_point_{k}": v for k, v in lines.items()}
        >>> low["low_point_breakpoint_followers"] = 1.1e6
        >>> c = claim_result("engagement_rate_sweet_spot", estimate=-0.12, ci_low=-0.13,
        ...                  ci_high=-0.11, p_value=1.0, n=900, method="m",
        ...                  low_point_present=True, **lines, **low)
        >>> rate_sweet_spot(c)[71:154]
        'No: it has a low point instead. The rate falls with size up to about 1.1M followers'
    """
    d = claim.details
    if claim.verdict != "supported" and d.get("low_point_present"):
        return (f"{_question(claim)} {ANSWER.get(claim.verdict, claim.verdict)}: it has a low "
                f"point instead. The rate falls with size up to about "
                f"{short_followers(d['low_point_breakpoint_followers'])} followers "
                f"({_line(d, 'below', 'low_point_')}) and rises above it "
                f"({_line(d, 'above', 'low_point_')}).")
    text = _turn(claim, "the engagement rate", ("rises", "falls"))
    if claim.verdict != "supported" and "low_point_slope_above" in d:
        text += (f" Nor does it turn back up among the largest accounts: above about "
                 f"{short_followers(d['low_point_breakpoint_followers'])} followers it is "
                 f"{_line(d, 'above', 'low_point_')}.")
    return text


def _p(value: float | None) -> str:
    if value is None:
        return "p not available"
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"


def verdict_markdown(row: pd.Series, check: RangeCheck, adjusted: Sequence[Claim], *,
                     alpha: float) -> str:
    """The elasticity and the verdicts in plain words (Markdown; data text escaped): `row` is the
    elasticity's table row, `adjusted` the report's Holm-adjusted claims."""
    b, lo, hi = row["estimate"], row["ci_low"], row["ci_high"]
    ch, cl, chh = (100 * row[c] for c in ("rate_change_per_doubling", "rate_change_ci_low",
                                           "rate_change_ci_high"))
    lines = [
        f"**Elasticity b = {b:.3f}** ({1 - alpha:.0%} CI {lo:.3f} to {hi:.3f}, "
        f"n = {int(row['n']):,} accounts): an audience 1% larger goes with about {b:.2f}% "
        f"more engagements per post. Doubling followers changes the engagement rate by "
        f"{ch:+.1f}% (CI {cl:+.1f}% to {chh:+.1f}%).",
    ]
    if check.warning:
        lines.append("**Warning - no confident verdict:** " + md_escape(
            " ".join(check.messages)))
    for claim in adjusted:
        head = f"- **{claim.verdict}**"
        if claim.verdict == "not testable":
            lines.append(f"{head}: *{md_escape(claim.statement)}* {md_escape(claim.note)}")
        else:
            lines.append(f"{head} (Holm-adjusted {_p(claim.p_adjusted)}): "
                         f"{md_escape(SENTENCES[claim.id](claim))}")
    lines.append(md_escape(CAVEAT))
    return "\n\n".join(lines)


SENTENCES: Mapping[str, Callable[[Claim], str]] = {
    claims.ENGAGEMENT_RATE_DECLINES: rate_declines,
    claims.ENGAGEMENT_INVERTED_U: inverted_u,
    claims.ENGAGEMENT_RATE_SWEET_SPOT: rate_sweet_spot,
}

#: the smallest detectable effect (a change of b) in business units: the rate per doubling
DETECTABLE: Mapping[str, Callable[[float], str]] = {
    claims.ENGAGEMENT_RATE_DECLINES: lambda m: (f"a change of {percent(1 - 2 ** -m)} or more in the "
                                                "engagement rate per doubling of followers"),
}
