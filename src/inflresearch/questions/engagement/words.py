"""Question 1's claims in words: per claim, the question a reader asks (`QUESTIONS`) and the
evidence of the answer (`SENTENCES`: where and which way, in business units; the key findings put
"Yes", "No" or "Not shown" before it), and the report's verdict paragraphs (`verdict_markdown`).

Slopes are of log engagement (or log rate) on log followers; a sentence states them as the change
per doubling of followers, 2^slope - 1, with the interval's ends transformed alike.

Example:
    >>> from inflresearch.claims import claim_result
    >>> c = claim_result("engagement_rate_declines", estimate=0.88, ci_low=0.87, ci_high=0.89,
    ...                  p_value=1e-9, n=500, method="m", null=1.0, direction="less")
    >>> rate_declines(c)
    'an account with twice the followers gets an 8.0% lower engagement rate (95% CI 7.3% to 8.6% lower).'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from statistics import NormalDist
from typing import Any

import pandas as pd

from inflresearch import claims
from inflresearch.claims import Claim
from inflresearch.methods.rates import rate_change_per_doubling
from inflresearch.questions.engagement.prepare import RangeCheck
from inflresearch.text import capital, has_interval, md_escape, percent, sig

CAVEAT = (
    "Descriptive, not causal: follower count is not randomly assigned (account age, fake "
    "followers and platform mix confound it)."
)


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


def _line(d: Mapping[str, Any], side: str, prefix: str = "") -> str:
    return per_doubling(d[f"{prefix}slope_{side}"], d[f"{prefix}slope_{side}_ci_low"],
                        d[f"{prefix}slope_{side}_ci_high"])


def direction(d: Mapping[str, Any], side: str, prefix: str = "") -> str:
    """Which way one line of a two-lines fit goes, by its interval: 'rises', 'falls' or 'flat'.

    Example:
        >>> direction({"slope_above": -0.2, "slope_above_ci_low": -0.3,
        ...            "slope_above_ci_high": -0.1}, "above")
        'falls'
    """
    if d[f"{prefix}slope_{side}_ci_low"] > 0:
        return "rises"
    return "falls" if d[f"{prefix}slope_{side}_ci_high"] < 0 else "flat"


def rate_declines(claim: Claim) -> str:
    """`engagement_rate_declines`: b as the rate's change per doubling, qualified from the rate's
    two lines when the decline does not hold across the range.

    A low point (details ``low_point_present``): the decline holds only up to it and the rate
    rises above it. Otherwise, when the line above the break no longer falls significantly
    while the one below does, the decline is said to hold up to the break only.

    Example:
        >>> from inflresearch.claims import claim_result
        >>> c = claim_result("engagement_rate_declines", estimate=0.8, ci_low=0.78, ci_high=0.82,
        ...     p_value=1e-9, n=5000, method="m", null=1.0, direction="less",
        ...     low_point_present=False, low_point_breakpoint_followers=1.2e6,
        ...     low_point_slope_below=-0.25, low_point_slope_below_ci_low=-0.27,
        ...     low_point_slope_below_ci_high=-0.23, low_point_slope_above=0.01,
        ...     low_point_slope_above_ci_low=-0.05, low_point_slope_above_ci_high=0.07)
        >>> rate_declines(c).split(': ')[-1][:56]
        'above that it flattens and no longer falls significantly'
    """
    assert claim.estimate is not None and claim.ci_low is not None and claim.ci_high is not None
    ends = (claim.estimate, claim.ci_low, claim.ci_high)
    if not all(math.isfinite(rate_change_per_doubling(b)) for b in ends):
        text = f"elasticity b = {sig(claim.estimate, 3)}"
        if has_interval(claim):
            text += f" ({claim.ci_label} {sig(claim.ci_low, 3)} to {sig(claim.ci_high, 3)})"
        return text + ", a change per doubling of followers too large to state in percent."
    change, interval = per_doubling(claim.estimate - 1, claim.ci_low - 1, claim.ci_high - 1,
                                    claim.ci_label).split(" per doubling ")
    d = claim.details
    text = (f"an account with twice the followers gets {_article(change)} {change} engagement "
            f"rate {interval}")
    if "low_point_slope_above" not in d or claim.estimate >= 1:
        return text + "."
    at = short_followers(d["low_point_breakpoint_followers"])
    above = _line(d, "above", "low_point_").replace(" per doubling (", " per doubling, ", 1)[:-1]
    if d.get("low_point_present"):
        return (f"{text}, across all accounts; but only up to about {at} followers: above that "
                f"the rate rises ({above}).")
    if flattens(d, claim.alpha):
        return (f"{text}, across all accounts; but only up to about {at} followers: above that "
                f"it flattens and no longer falls significantly ({above}).")
    return text + "."


def flattens(d: Mapping[str, Any], alpha: float = 0.05) -> bool:
    """True when the rate's two lines (``low_point_slope_*``) show a decline that stops: the line
    below falls significantly, the one above does not, and the slope above is significantly
    higher (a z-test of the two independent lines' slopes, their SEs read from the intervals).

    In simulated worlds of 3,000 accounts (40 each) it fires in 90% of worlds where the rate
    falls up to 300k and is flat above, in 2.5% of straight declines and 0% of declines that
    steepen at the top; without the z-test it fired in 85% of the straight declines, whose top
    line is flat only for lack of accounts.

    Example:
        >>> flattens({"low_point_slope_below": -0.25, "low_point_slope_below_ci_low": -0.27,
        ...           "low_point_slope_below_ci_high": -0.23, "low_point_slope_above": 0.0,
        ...           "low_point_slope_above_ci_low": -0.05, "low_point_slope_above_ci_high": 0.05})
        True
    """
    if direction(d, "below", "low_point_") != "falls" or direction(
            d, "above", "low_point_") != "flat":
        return False
    z = NormalDist().inv_cdf(1 - alpha / 2)
    se = [(d[f"low_point_slope_{s}_ci_high"] - d[f"low_point_slope_{s}_ci_low"]) / (2 * z)
          for s in ("below", "above")]
    gap = d["low_point_slope_above"] - d["low_point_slope_below"]
    return bool(gap > z * math.hypot(*se))


#: what each pair of line directions (below, above the break) means, as words
_SHAPES: Mapping[tuple[str, str], str] = {
    ("falls", "falls"): "{what} falls across the whole range",
    ("rises", "rises"): "{what} rises across the whole range",
    ("falls", "rises"): "{what} falls up to about {at} followers and rises above it: a low "
                        "point, not a peak",
    ("rises", "falls"): "{what} rises up to about {at} followers and falls above it, but not "
                        "both significantly enough for a peak at this level",
    ("rises", "flat"): "{what} rises up to about {at} followers and does not fall significantly "
                       "above it",
    ("flat", "falls"): "{what} does not rise significantly below about {at} followers and falls "
                       "above it",
    ("falls", "flat"): "{what} falls up to about {at} followers and does not change "
                       "significantly above it",
    ("flat", "rises"): "{what} does not change significantly below about {at} followers and "
                       "rises above it",
    ("flat", "flat"): "{what} changes significantly on neither side of about {at} followers",
}


def _turn(claim: Claim, what: str) -> str:
    """The two lines of a peak test, in words: where the line breaks and which way each goes
    (which end rises or falls, and how much per doubling)."""
    d = claim.details
    if "breakpoint_followers" not in d:  # a record without the two lines (e.g. not testable)
        return "the data holds no two-lines fit to read."
    at = short_followers(d["breakpoint_followers"])
    lines = f"below about {at} followers: {_line(d, 'below')}; above it: {_line(d, 'above')}"
    if claim.verdict == "supported":
        return (f"{what} rises with size up to about {at} followers ({_line(d, 'below')}) and "
                f"falls above it ({_line(d, 'above')}).")
    shape = _SHAPES[(direction(d, "below"), direction(d, "above"))].format(what=what, at=at)
    edge = "; the smoothed curve is highest at the edge of the data" * bool(
        d.get("breakpoint_at_edge"))
    return f"{shape} ({lines}{edge})."


def inverted_u(claim: Claim) -> str:
    """`engagement_inverted_u`: does engagement per post rise and then fall inside the data?"""
    return _turn(claim, "engagement per post")


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
        >>> rate_sweet_spot(c)[:80]
        'it has a low point instead: the rate falls with size up to about 1.1M followers '
    """
    d = claim.details
    if claim.verdict != "supported" and d.get("low_point_present"):
        return (f"it has a low point instead: the rate falls with size up to about "
                f"{short_followers(d['low_point_breakpoint_followers'])} followers "
                f"({_line(d, 'below', 'low_point_')}) and rises above it "
                f"({_line(d, 'above', 'low_point_')}).")
    text = _turn(claim, "the rate")
    if claim.verdict != "supported" and "low_point_slope_above" in d:
        text += (f" Among the largest accounts it does not turn back up: above about "
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
                         f"{md_escape(capital(SENTENCES[claim.id](claim)))}")
    lines.append(md_escape(CAVEAT))
    return "\n\n".join(lines)


QUESTIONS: Mapping[str, str] = {
    claims.ENGAGEMENT_RATE_DECLINES: "Does the engagement rate fall as follower count grows?",
    claims.ENGAGEMENT_INVERTED_U: "Is there a follower count where engagement per post peaks?",
    claims.ENGAGEMENT_RATE_SWEET_SPOT: "Is there a follower count where the engagement rate peaks?",
}

SENTENCES: Mapping[str, Callable[[Claim], str]] = {
    claims.ENGAGEMENT_RATE_DECLINES: rate_declines,
    claims.ENGAGEMENT_INVERTED_U: inverted_u,
    claims.ENGAGEMENT_RATE_SWEET_SPOT: rate_sweet_spot,
}

#: the smallest detectable effect (a change of b) in business units: the rate per doubling
DETECTABLE: Mapping[str, Callable[[float, Claim], str]] = {
    claims.ENGAGEMENT_RATE_DECLINES: lambda m, _claim: (f"a change of {percent(1 - 2 ** -m)} or more in the "
                                                "engagement rate per doubling of followers"),
}
