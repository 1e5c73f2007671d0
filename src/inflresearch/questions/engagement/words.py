"""Question 1's claims in words: one key-findings sentence per claim, in business units, and the
report's verdict paragraphs (`verdict_markdown`).

Example:
    >>> from inflresearch import claims
    >>> c = claims.claim_result(claims.ENGAGEMENT_RATE_DECLINES, estimate=0.797, ci_low=0.788,
    ...                         ci_high=0.806, p_value=1e-40, n=500, method="OLS", null=1.0,
    ...                         direction="less")
    >>> SENTENCES[c.id](c)
    'An account with twice the followers gets a 13% lower engagement rate (95% CI 13% to 14% lower).'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd
from scipy import stats

from inflresearch import claims
from inflresearch.claims import Claim
from inflresearch.questions.engagement.elasticity import CAVEAT
from inflresearch.questions.engagement.prepare import RangeCheck
from inflresearch.text import followers, has_interval, interval_words, md_escape, percent


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


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _p(value: float | None) -> str:
    if value is None:
        return "p not available"
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"


def verdict_markdown(row: pd.Series, check: RangeCheck, shape: pd.Series, adjusted: Sequence[Claim], *,
                     alpha: float) -> str:
    """The elasticity and the verdicts in plain words (Markdown; data text escaped): `row` is the
    elasticity's table row, `shape` the quadratic fit's row for engagements, `adjusted` the report's
    Holm-adjusted claims."""
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
    crit = stats.norm.ppf(1 - alpha / 2)
    for claim in adjusted:
        head = f"- *{md_escape(claim.statement)}* -> **{claim.verdict}**"
        if claim.verdict == "not testable":
            lines.append(f"{head}: {md_escape(claim.note)}")
        elif claim.id == claims.ENGAGEMENT_RATE_SWEET_SPOT:
            lines.append(f"{head} (Lind-Mehlum test on the rate's elasticity crossing 1, "
                         f"Holm-adjusted {_p(claim.p_adjusted)}). {md_escape(_sentence(claim.note))}.")
        elif claim.id == claims.ENGAGEMENT_RATE_DECLINES:
            lines.append(f"{head} (two-sided test of b = 1, the claim needing b < 1; Holm-adjusted "
                         f"{_p(claim.p_adjusted)}).")
        else:
            ends = [(shape[f"slope_at_{e}"], shape[f"slope_at_{e}_se"]) for e in ("min", "max")]
            lo_txt, hi_txt = (f"{v:+.2f} (CI {v - crit * se:+.2f} to {v + crit * se:+.2f})"
                              for v, se in ends)
            lines.append(
                f"{head} (Lind-Mehlum test, Holm-adjusted {_p(claim.p_adjusted)}). The "
                f"elasticity of absolute engagement is {lo_txt} at the smallest accounts and "
                f"{hi_txt} at the largest; a sweet spot inside the data needs the first above "
                f"0 and the second below 0. {md_escape(_sentence(claim.note))}.")
    lines.append(md_escape(CAVEAT))
    return "\n\n".join(lines)


SENTENCES: Mapping[str, Callable[[Claim], str]] = {
    claims.ENGAGEMENT_RATE_DECLINES: _rate_declines,
    claims.ENGAGEMENT_INVERTED_U: _inverted_u,
    claims.ENGAGEMENT_RATE_SWEET_SPOT: _rate_sweet_spot,
}
