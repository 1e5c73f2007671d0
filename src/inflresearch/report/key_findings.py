"""The "Key findings" block: each claim of a run as one sentence in business units, then caveats.

Generated from the run's results.json claim records (`claims.from_dict`), never written by hand:
one sentence function per claim id (unknown ids get a generic sentence), each with the claim's
interval (its label follows alpha) and a verdict badge, and one line per caveat that bounds them
(simulated data, untestable claims, sample size, quarantined rows, assumption-based numbers).

Example:
    >>> from inflresearch import claims
    >>> c = claims.claim_result(claims.ENGAGEMENT_RATE_DECLINES, estimate=0.797, ci_low=0.788,
    ...                         ci_high=0.806, p_value=1e-40, n=500, method="OLS", null=1.0,
    ...                         direction="less")
    >>> sentence(c)
    'An account with twice the followers gets a 13% lower engagement rate (95% CI 13% to 14% lower).'
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inflresearch import claims
from inflresearch.claims import Claim, format_p
from inflresearch.params import simulated_inputs

BADGES: Mapping[str, str] = {
    "supported": "Supported",
    "contradicted": "Contradicted",
    "inconclusive": "Inconclusive",
    "not testable": "Not testable",
}


@dataclass(frozen=True)
class Finding:
    """One claim as read by a stakeholder: the sentence, its verdict badge and how sure it is."""

    claim_id: str
    statement: str
    verdict: str
    sentence: str
    certainty: str

    @property
    def badge(self) -> str:
        """The badge text: ``'Supported'``."""
        return BADGES.get(self.verdict, self.verdict.capitalize())

    @property
    def badge_class(self) -> str:
        """A CSS class for the badge: ``'not-testable'``."""
        return self.verdict.replace(" ", "-")


@dataclass(frozen=True)
class KeyFindings:
    """The findings of one report and the caveats that bound them."""

    findings: tuple[Finding, ...]
    caveats: tuple[str, ...]


def sig(value: float, digits: int = 2) -> str:
    """A number for readers with `digits` significant digits and thousands separators.

    Example:
        >>> sig(0.13137), sig(1234567.0), sig(12.0), sig(0.0)
        ('0.13', '1,200,000', '12', '0')
    """
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else "—"
    magnitude = math.floor(math.log10(abs(value)))
    rounded = round(value, digits - 1 - magnitude)
    return f"{rounded:,.{max(0, digits - 1 - magnitude)}f}"


def percent(fraction: float, digits: int = 2) -> str:
    """A fraction as a percentage with `digits` significant digits: ``percent(0.1313) == '13%'``."""
    return sig(100 * fraction, digits) + "%"


def money(value: float) -> str:
    """An amount with two decimals below 10, else 2-3 significant digits: ``money(1.3) == '1.30'``.

    Example:
        >>> money(1.3), money(-0.256), money(47.53), money(12345.0)
        ('1.30', '-0.26', '48', '12,300')
    """
    return f"{value:,.2f}" if abs(value) < 10 else sig(value, 3 if abs(value) >= 100 else 2)


def followers(value: float) -> str:
    """A follower count in words: ``followers(250000) == '250k'``, ``followers(1.2e6) == '1.2M'``."""
    if value >= 1e6:
        return f"{sig(value / 1e6, 2)}M"
    if value >= 1e3:
        return f"{sig(value / 1e3, 2)}k"
    return sig(value, 2)


def _interval(claim: Claim, lo: float, hi: float, unit: Callable[[float], str],
              up: str, down: str) -> str:
    """``'95% CI 12% to 14% lower'`` for a change whose sign says the direction."""
    lo, hi = min(lo, hi), max(lo, hi)
    if hi <= 0:
        return f"{claim.ci_label} {unit(-hi)} to {unit(-lo)} {down}"
    if lo >= 0:
        return f"{claim.ci_label} {unit(lo)} to {unit(hi)} {up}"
    return f"{claim.ci_label} {unit(-lo)} {down} to {unit(hi)} {up}"


def _has_interval(claim: Claim) -> bool:
    return claim.ci_low is not None and claim.ci_high is not None


def _rate_declines(claim: Claim) -> str:
    """Elasticity b: the rate changes by 2^(b-1) - 1 per doubling of followers."""
    assert claim.estimate is not None
    change = 2 ** (claim.estimate - 1) - 1
    words = f"{percent(abs(change))} {'lower' if change < 0 else 'higher'}"
    text = f"An account with twice the followers gets a {words} engagement rate"
    if _has_interval(claim):
        assert claim.ci_low is not None and claim.ci_high is not None
        lo, hi = 2 ** (claim.ci_low - 1) - 1, 2 ** (claim.ci_high - 1) - 1
        text += f" ({_interval(claim, lo, hi, lambda v: percent(v), 'higher', 'lower')})"
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


def _group_label(text: str) -> str:
    """``'micro 5k-10k'`` -> ``'micro (5k–10k)'``."""
    match = re.fullmatch(r"(.+?) (\S+)-(\S+)", text)
    return f"{match[1]} ({match[2]}–{match[3]})" if match else text


def _groups(claim: Claim, default: tuple[str, str]) -> tuple[str, str]:
    groups = claim.details.get("groups")
    if isinstance(groups, Mapping) and "a" in groups and "b" in groups:
        return _group_label(str(groups["a"])), _group_label(str(groups["b"]))
    return default


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _roi_difference(claim: Claim, default: tuple[str, str]) -> str:
    """Difference in pooled ROI (revenue per unit of spend) of group a minus group b."""
    assert claim.estimate is not None
    a, b = _groups(claim, default)
    more = "more" if claim.estimate >= 0 else "less"
    text = (f"{_capital(a)} campaigns returned {money(abs(claim.estimate))} {more} in revenue per "
            f"1 spent than {b}")
    if _has_interval(claim):
        assert claim.ci_low is not None and claim.ci_high is not None
        text += f" ({_interval(claim, claim.ci_low, claim.ci_high, money, 'more', 'less')})"
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
    if _has_interval(claim):
        assert claim.ci_low is not None and claim.ci_high is not None
        text += f" ({_interval(claim, claim.ci_low, claim.ci_high, money, 'more', 'less')})"
    return text + "."


def _focused(claim: Claim) -> str:
    """Slope of niche focus (0-1 scale) per tenfold followers."""
    assert claim.estimate is not None
    direction = "less" if claim.estimate < 0 else "more"
    text = (f"An account with ten times the followers is {sig(abs(claim.estimate))} {direction} "
            "focused on one niche, on a 0–1 scale")
    if _has_interval(claim):
        assert claim.ci_low is not None and claim.ci_high is not None
        text += (f" ({_interval(claim, claim.ci_low, claim.ci_high, sig, 'more', 'less')})")
    return text + "."


def _generic(claim: Claim) -> str:
    assert claim.estimate is not None
    text = f"{claim.statement.rstrip('.')}: estimate {sig(claim.estimate, 3)}"
    if _has_interval(claim):
        assert claim.ci_low is not None and claim.ci_high is not None
        text += f" ({claim.ci_label} {sig(claim.ci_low, 3)} to {sig(claim.ci_high, 3)})"
    return text + f" against {sig(claim.null, 3)} if the claim were false."


SENTENCES: Mapping[str, Callable[[Claim], str]] = {
    claims.ENGAGEMENT_RATE_DECLINES: _rate_declines,
    claims.ENGAGEMENT_INVERTED_U: _inverted_u,
    claims.ENGAGEMENT_RATE_SWEET_SPOT: _rate_sweet_spot,
    claims.MICRO_ROI_EXCEEDS_MACRO: _micro_roi,
    claims.TEN_MICRO_BEAT_ONE_MACRO: _ten_micro,
    claims.INFLUENCER_ROI_EXCEEDS_TRADITIONAL: _influencer_roi,
    claims.MICRO_AUDIENCES_MORE_FOCUSED: _focused,
}


def sentence(claim: Claim) -> str:
    """The claim's result as one sentence in business units (or why it cannot be tested).

    Example:
        >>> sentence(claims.not_testable(claims.MICRO_ROI_EXCEEDS_MACRO, "no cost column"))
        'Micro-influencers return more per dollar than macro-influencers: not testable with this data (no cost column).'
    """
    if not claim.testable:
        return (f"{claim.statement.rstrip('.')}: not testable with this data "
                f"({claim.note or 'no reason given'}).")
    return SENTENCES.get(claim.id, _generic)(claim)


def certainty(claim: Claim) -> str:
    """How sure the verdict is, in words: ``'Holm-adjusted p < 0.001'`` ("" when untestable)."""
    if not claim.testable:
        return ""
    p = claim.p_adjusted if claim.p_adjusted is not None else claim.p_two_sided
    assert p is not None
    shown = format_p(p)
    text = f"{'Holm-adjusted ' if claim.holm_family_size else ''}p {shown if shown.startswith('<') else '= ' + shown}"
    if claim.verdict == "inconclusive":
        lo, hi = claim.ci_low, claim.ci_high
        if lo is not None and hi is not None and lo <= claim.null <= hi:
            text += f"; the {claim.ci_label} includes no effect"
        else:
            text += f"; not significant at alpha {claim.alpha:g} after adjustment"
    return text


def finding(claim: Claim) -> Finding:
    """The `Finding` of one claim."""
    return Finding(claim.id, claim.statement, claim.verdict, sentence(claim), certainty(claim))


def is_simulated(results: Mapping[str, Any]) -> bool:
    """True when any input of the run is the bundled simulated sample (`params.simulated_inputs`)."""
    return bool(simulated_inputs(results.get("run", {}) or {}))


def quarantined_rows(folder: str | Path | None) -> dict[str, int]:
    """Rows per ``quarantine-<table>.csv`` in a run folder: ``{'influencers': 3}``."""
    if folder is None or not Path(folder).is_dir():
        return {}
    counts = {}
    for path in sorted(Path(folder).glob("quarantine-*.csv")):
        with path.open(newline="") as fh:
            counts[path.stem.removeprefix("quarantine-")] = max(0, sum(1 for _ in csv.reader(fh)) - 1)
    return {k: v for k, v in counts.items() if v}


def caveats(results: Mapping[str, Any], run_claims: Iterable[Claim],
            folder: str | Path | None = None) -> list[str]:
    """One line per caveat bounding the findings of a run."""
    run_claims = list(run_claims)
    lines = []
    if is_simulated(results):
        lines.append("SIMULATED data: these numbers demonstrate the method, not facts about real "
                     "influencers.")
    for table, n in quarantined_rows(folder).items():
        lines.append(f"{n:,} {table} row{'s' * (n != 1)} failed the data checks and were left out "
                     f"(listed in quarantine-{table}.csv).")
    sizes = sorted({c.n for c in run_claims if c.testable})
    if sizes:
        shown = ", ".join(f"{n:,}" for n in sizes)
        lines.append(f"Sample size: n = {shown} (accounts or activations, by claim).")
    for c in run_claims:
        if not c.testable:
            continue
        if c.details.get("assumption_based"):
            lines.append(f"{_capital(c.statement.rstrip('.'))}: rests on assumed inputs, not "
                         "measured ones.")
        if c.note:
            lines.append(_capital(c.note.rstrip(".")) + ".")
    family = max((c.holm_family_size or 0 for c in run_claims), default=0)
    if family > 1:
        lines.append(f"p-values are Holm-adjusted across this report's {family} tested claims.")
    return list(dict.fromkeys(lines))


def key_findings(results: Mapping[str, Any], folder: str | Path | None = None) -> KeyFindings:
    """The key findings of a results.json document (optionally with its run folder).

    Example:
        >>> key_findings({"run": {"parameters": {"data": "sample"}}, "claims": []}).caveats[0][:15]
        'SIMULATED data:'
    """
    run_claims = [claims.from_dict(r) for r in results.get("claims", [])]
    return KeyFindings(tuple(finding(c) for c in run_claims),
                       tuple(caveats(results, run_claims, folder)))
