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
    >>> sentence(c)[47:]
    'Yes: an account with twice the followers gets a 13% lower engagement rate (95% CI 13% to 14% lower).'
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from inflresearch import claims
from inflresearch.claims import Claim, format_p
from inflresearch.data.quarantine import quarantine_counts
from inflresearch.params import simulated_inputs
from inflresearch.questions import discover
from inflresearch.text import capital, has_interval, percent, sig

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
    robustness: str = ""  # the claim across its grid of definitions (`robustness_lines`)

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


def _generic(claim: Claim) -> str:
    assert claim.estimate is not None
    text = f"{claim.statement.rstrip('.')}: estimate {sig(claim.estimate, 3)}"
    if has_interval(claim):
        assert claim.ci_low is not None and claim.ci_high is not None
        text += f" ({claim.ci_label} {sig(claim.ci_low, 3)} to {sig(claim.ci_high, 3)})"
    return text + f" against {sig(claim.null, 3)} if the claim were false."


def sentences() -> dict[str, Callable[[Claim], str]]:
    """Per claim id, the sentence function its question declares (``questions/<q>/words.py``)."""
    return {cid: fn for q in discover() for cid, fn in q.sentences.items()}


def sentence(claim: Claim) -> str:
    """The claim's result as one sentence in business units (or why it cannot be tested); an
    ``inconclusive`` one adds the smallest effect the data could detect (`detectable`).

    Example:
        >>> sentence(claims.not_testable(claims.MICRO_ROI_EXCEEDS_MACRO, "no cost column"))
        'Micro-influencers return more per dollar than macro-influencers: not testable with this data (no cost column).'
    """
    if not claim.testable:
        return (f"{claim.statement.rstrip('.')}: not testable with this data "
                f"({claim.note or 'no reason given'}).")
    text = sentences().get(claim.id, _generic)(claim)
    return f"{text} {detectable(claim)}" if claim.verdict == "inconclusive" else text


def detectable_words() -> dict[str, Callable[[float], str]]:
    """Per claim id, how its question words a detectable effect in business units
    (``questions/<q>/words.py``'s optional ``DETECTABLE``)."""
    out: dict[str, Callable[[float], str]] = {}
    for q in discover():
        out.update(getattr(importlib.import_module(f"{q.package}.words"), "DETECTABLE", {}))
    return out


def detectable(claim: Claim) -> str:
    """The smallest effect this data could detect with 80% power, in business units, or why none
    can be stated (`claims.detectable_effect`: at the verdict's level, Holm's first step).

    Example:
        >>> c = claims.claim_result(claims.MICRO_ROI_EXCEEDS_MACRO, estimate=0.2, ci_low=-0.4,
        ...                         ci_high=0.8, p_value=0.3, n=500, method="bootstrap")
        >>> print(detectable(c))  # doctest: +NORMALIZE_WHITESPACE
        This data could only detect a difference of 0.86 or more in revenue per 1 spent (80% power,
        two-sided at 0.05, read from the interval).
    """
    d = claims.detectable_effect(claim)
    mde = d["detectable_effect"]
    if mde is None:
        return f"The smallest detectable effect is {d['detectable_basis']}."
    words = detectable_words().get(
        claim.id, lambda m: f"a difference of {sig(m, 3)} or more from {sig(claim.null, 3)}")
    return (f"This data could only detect {words(abs(mde))} ({percent(d['detectable_power'])} "
            f"power, two-sided at {float(d['detectable_level']):.2g}, read from the interval).")


def certainty(claim: Claim) -> str:
    """How sure the verdict is, in words: ``'Holm-adjusted two-sided p < 0.001'`` ("" when
    untestable); an ``inconclusive`` verdict says why, naming the cap that withheld it if one did.

    Example:
        >>> c = claims.claim_result(claims.TEN_MICRO_BEAT_ONE_MACRO, estimate=335.0, ci_low=88.0,
        ...     ci_high=582.0, p_value=0.006, n=400, method="m", verdict_cap="inconclusive",
        ...     verdict_cap_reason="large rests on 13 effective accounts (Kish), fewer than 30")
        >>> print(certainty(claims.adjust_holm([c])[0]))  # doctest: +NORMALIZE_WHITESPACE
        Holm-adjusted two-sided p = 0.012; verdict withheld: large rests on 13 effective accounts
        (Kish), fewer than 30
    """
    if not claim.testable:
        return ""
    p = claim.p_adjusted if claim.p_adjusted is not None else claim.p_two_sided
    assert p is not None
    shown = format_p(p)
    text = (f"{'Holm-adjusted ' if claim.holm_family_size else ''}two-sided p "
            f"{shown if shown.startswith('<') else '= ' + shown}")
    if claim.verdict == "inconclusive":
        lo, hi = claim.ci_low, claim.ci_high
        includes = lo is not None and hi is not None and lo <= claim.null <= hi
        capped = claim.details.get("verdict_cap") == "inconclusive"
        cap = str(claim.details.get("verdict_cap_reason") or claim.note or "a check of the test")
        if capped and not includes and p < claim.alpha:
            text += f"; verdict withheld: {cap}"  # the cap, not significance, decided it
        elif includes:
            text += f"; the {claim.ci_label} includes no effect"
        else:
            text += f"; not significant at alpha {claim.alpha:g} after adjustment"
        if capped and (includes or p >= claim.alpha):
            text += f"; a firm verdict would be withheld anyway: {cap}"
    return text


def finding(claim: Claim) -> Finding:
    """The `Finding` of one claim."""
    return Finding(claim.id, claim.statement, claim.verdict, sentence(claim), certainty(claim))


def robustness_lines(results: Mapping[str, Any]) -> dict[str, str]:
    """The line per claim id of ``estimates.robustness`` (how the verdict fares across tier
    schemes or engagement-rate definitions), written by the question.

    Example:
        >>> robustness_lines({"estimates": {"robustness": {"c": {"line": "supported under 3 of 3"}}}})
        {'c': 'supported under 3 of 3'}
    """
    grid = (results.get("estimates") or {}).get("robustness") or {}
    return {str(k): str(v["line"]) for k, v in grid.items()
            if isinstance(v, Mapping) and v.get("line")}


def rate_definition_line(results: Mapping[str, Any]) -> str | None:
    """The engagement-rate definition a run used (``estimates.er_definition``), as a caveat.

    Example:
        >>> rate_definition_line({"estimates": {"er_definition": {"words": "x / followers"}}})
        'Engagement rate in this report: x / followers.'
    """
    found = (results.get("estimates") or {}).get("er_definition") or {}
    words = found.get("words") if isinstance(found, Mapping) else None
    return f"Engagement rate in this report: {str(words).rstrip('.')}." if words else None


def is_simulated(results: Mapping[str, Any]) -> bool:
    """True when any input of the run is the bundled simulated sample (`params.simulated_inputs`)."""
    return bool(simulated_inputs(results.get("run", {}) or {}))


def quarantined_rows(folder: str | Path | None) -> dict[str, int]:
    """Rows per ``quarantine-<table>.csv`` in a run folder: ``{'influencers': 3}``."""
    return quarantine_counts(folder)


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
            lines.append(f"{capital(c.statement.rstrip('.'))}: rests on assumed inputs, not "
                         "measured ones.")
        if c.note:
            lines.append(capital(c.note.rstrip(".")) + ".")
    family = max((c.holm_family_size or 0 for c in run_claims), default=0)
    if family > 1:
        lines.append(f"p-values are Holm-adjusted across this report's {family} tested claims.")
    definition = rate_definition_line(results)
    if definition:
        lines.append(definition)
    return list(dict.fromkeys(lines))


def key_findings(results: Mapping[str, Any], folder: str | Path | None = None) -> KeyFindings:
    """The key findings of a results.json document (optionally with its run folder).

    Example:
        >>> key_findings({"run": {"parameters": {"data": "sample"}}, "claims": []}).caveats[0][:15]
        'SIMULATED data:'
    """
    run_claims = [claims.from_dict(r) for r in results.get("claims", [])]
    grid = robustness_lines(results)
    found = (replace(finding(c), robustness=grid[c.id]) if c.id in grid else finding(c)
             for c in run_claims)
    return KeyFindings(tuple(found),
                       tuple(caveats(results, run_claims, folder)))
