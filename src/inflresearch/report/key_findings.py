"""The "Key findings" block: each claim of a run as claim -> answer -> how sure, then caveats.

Generated from the run's results.json claim records (`claims.from_dict`), never written by hand:
per claim id, the question it answers (``words.QUESTIONS``, else the statement) and the evidence
of the answer (``words.SENTENCES``; unknown ids get a generic sentence) after "Yes", "No" or "Not
shown", with the claim's interval (its label follows alpha) and a verdict badge, and one line per
caveat that bounds them (simulated data, the dataset's own notes, untestable claims, sample size,
quarantined rows, assumption-based numbers).

Example:
    >>> from inflresearch import claims
    >>> c = claims.claim_result(claims.ENGAGEMENT_RATE_DECLINES, estimate=0.797, ci_low=0.788,
    ...                         ci_high=0.806, p_value=1e-40, n=500, method="OLS", null=1.0,
    ...                         direction="less")
    >>> question(c)
    'Does the engagement rate fall as follower count grows?'
    >>> answer(c)
    'Yes — an account with twice the followers gets a 13% lower engagement rate (95% CI 13% to 14% lower).'
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from inflresearch import claims
from inflresearch.claims import Claim, format_p
from inflresearch.data.quarantine import quarantine_counts
from inflresearch.params import simulated_inputs
from inflresearch.questions import discover
from inflresearch.text import capital, has_interval, level, percent, sig

#: the answer to a claim's question, by verdict
ANSWERS: Mapping[str, str] = {
    "supported": "Yes",
    "contradicted": "No",
    "inconclusive": "Not shown",
    "not testable": "Not testable",
}

BADGES: Mapping[str, str] = {
    "supported": "Supported",
    "contradicted": "Contradicted",
    "inconclusive": "Inconclusive",
    "not testable": "Not testable",
}


@dataclass(frozen=True)
class Finding:
    """One claim as read by a stakeholder: the question, the answer, its verdict badge and how
    sure it is (`sentence` is the question and the answer in one string)."""

    claim_id: str
    statement: str
    verdict: str
    sentence: str
    certainty: str
    question: str = ""
    answer: str = ""
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

    @property
    def simulated(self) -> tuple[str, ...]:
        """The SIMULATED caveat, which a report shows above its findings."""
        return tuple(c for c in self.caveats if c.startswith("SIMULATED"))

    @property
    def other_caveats(self) -> tuple[str, ...]:
        """The caveats below the findings."""
        return tuple(c for c in self.caveats if not c.startswith("SIMULATED"))


def _generic(claim: Claim) -> str:
    assert claim.estimate is not None
    text = f"estimate {sig(claim.estimate, 3)}"
    if has_interval(claim):
        assert claim.ci_low is not None and claim.ci_high is not None
        text += f" ({claim.ci_label} {sig(claim.ci_low, 3)} to {sig(claim.ci_high, 3)})"
    return text + f" against {sig(claim.null, 3)} if the claim were false."


def sentences() -> dict[str, Callable[[Claim], str]]:
    """Per claim id, the sentence function its question declares (``questions/<q>/words.py``)."""
    return {cid: fn for q in discover() for cid, fn in q.sentences.items()}


def questions() -> dict[str, str]:
    """Per claim id, the question its key finding answers (``questions/<q>/words.py``'s
    ``QUESTIONS``)."""
    out: dict[str, str] = {}
    for q in discover():
        out.update(getattr(importlib.import_module(f"{q.package}.words"), "QUESTIONS", {}))
    return out


def question(claim: Claim) -> str:
    """The question a claim asks, as a reader would: its ``QUESTIONS`` entry, else its statement.

    Example:
        >>> question(claims.not_testable(claims.MICRO_AUDIENCES_MORE_FOCUSED, "no text"))
        'Do micro-influencers speak to a more focused niche?'
    """
    return questions().get(claim.id) or claim.statement


def _lower_first(text: str) -> str:
    """'Micro campaigns' -> 'micro campaigns'; acronyms ('ROI ...') are kept."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def answer(claim: Claim) -> str:
    """The answer to the claim's question: "Yes", "No" or "Not shown", a dash, then the evidence
    in business units (or why it cannot be tested); an ``inconclusive`` one adds the smallest
    effect the data could detect (`detectable`).

    Example:
        >>> answer(claims.not_testable(claims.MICRO_ROI_EXCEEDS_MACRO, "no cost column"))
        'Not testable with this data (no cost column).'
    """
    if not claim.testable:
        return f"Not testable with this data ({claim.note or 'no reason given'})."
    text = f"{ANSWERS.get(claim.verdict, capital(claim.verdict))} — " + _lower_first(
        sentences().get(claim.id, _generic)(claim))
    return f"{text} {detectable(claim)}" if claim.verdict == "inconclusive" else text


def sentence(claim: Claim) -> str:
    """The question and its answer in one string (`question`, `answer`).

    Example:
        >>> sentence(claims.not_testable(claims.MICRO_ROI_EXCEEDS_MACRO, "no cost column"))[-64:]
        'macro-influencers? Not testable with this data (no cost column).'
    """
    return f"{question(claim)} {answer(claim)}"


def detectable_words() -> dict[str, Callable[[float, Claim], str]]:
    """Per claim id, how its question words a detectable effect in business units, given the
    effect and the claim (``questions/<q>/words.py``'s optional ``DETECTABLE``)."""
    out: dict[str, Callable[[float, Claim], str]] = {}
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
        This data could only detect a difference of 0.86 or more in revenue per unit spent (80% power,
        two-sided at 0.05, read from the interval).
    """
    d = claims.detectable_effect(claim)
    mde = d["detectable_effect"]
    if mde is None:
        return f"The smallest detectable effect is {d['detectable_basis']}."
    words = detectable_words().get(
        claim.id, lambda m, c: f"a difference of {sig(m, 3)} or more from {sig(c.null, 3)}")
    return (f"This data could only detect {words(abs(mde), claim)} ({percent(d['detectable_power'])} "
            f"power, two-sided at {level(float(d['detectable_level']))}, read from the interval).")


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
            text += f"; not significant at alpha {level(claim.alpha)} after adjustment"
        if capped and (includes or p >= claim.alpha):
            text += f"; a firm verdict would be withheld anyway: {cap}"
    return text


def finding(claim: Claim) -> Finding:
    """The `Finding` of one claim."""
    q, a = question(claim), answer(claim)
    return Finding(claim.id, claim.statement, claim.verdict, f"{q} {a}", certainty(claim),
                   question=q, answer=a)


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


def _spec_verdict(spec: Mapping[str, Any]) -> str:
    return "supported" if spec.get("supported") else (
        "contradicted" if spec.get("contradicted") else "not firm")


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def tier_choice_caveat(estimates: Mapping[str, Any]) -> str | None:
    """One sentence when the report's own tier edges disagree with most other edges of its
    specification curve (``estimates.spec_curve.specs``): the difference has the other sign in
    most of them, or most of them reach another verdict. None when they agree or there is none.

    Example:
        >>> specs = [{"primary": True, "micro": "5k-10k", "macro": "10k-100k", "estimate": -0.2,
        ...           "contradicted": True}]
        >>> specs += [{"primary": False, "macro": m, "estimate": 0.3, "supported": False}
        ...           for m in ("100k+", "1M+") * 8]
        >>> print(tier_choice_caveat({"spec_curve": {"specs": specs}}))  # doctest: +NORMALIZE_WHITESPACE
        The answer depends on where micro and macro end: with this report's tiers (micro 5k-10k,
        macro 10k-100k) micro returns less than macro (significantly); of the 16 other tier
        definitions of the specification curve, 0 give a difference below zero and 16 one above
        zero, and the claim is supported in 0, contradicted in 0 and without a firm verdict in 16
        (each definition tested on its own, unadjusted; their macro tiers are 100k+ and 1M+).

    The last parenthesis says why the curve can disagree with the report and with the published
    tier schemes: its definitions are other edges (often a macro tier of much larger accounts),
    each read at alpha without a multiplicity adjustment.
    """
    specs = (estimates.get("spec_curve") or {}).get("specs") or []
    primary = [s for s in specs if s.get("primary") and _finite(s.get("estimate"))]
    others = [s for s in specs if not s.get("primary") and _finite(s.get("estimate"))]
    if not primary or not others:
        return None
    own = primary[0]
    above = own["estimate"] > 0
    same_sign = sum((s["estimate"] > 0) == above for s in others)
    same_verdict = sum(_spec_verdict(s) == _spec_verdict(own) for s in others)
    if 2 * same_sign >= len(others) and 2 * same_verdict >= len(others):
        return None
    n = len(others)
    verdicts = [_spec_verdict(s) for s in others]
    macros = list(dict.fromkeys(str(s["macro"]) for s in others if s.get("macro")))
    firm = {"supported": "significantly", "contradicted": "significantly"}.get(
        _spec_verdict(own), "not significantly")
    return (f"The answer depends on where micro and macro end: with this report's tiers (micro "
            f"{own.get('micro', '?')}, macro {own.get('macro', '?')}) micro returns "
            f"{'more' if above else 'less'} than macro ({firm}); of the {n} other tier definitions "
            f"of the specification curve, {same_sign} give a difference {'above' if above else 'below'}"
            f" zero and {n - same_sign} one {'below' if above else 'above'} zero, and the claim is "
            f"supported in {verdicts.count('supported')}, contradicted in "
            f"{verdicts.count('contradicted')} and without a firm verdict in "
            f"{verdicts.count('not firm')} (each definition tested on its own, unadjusted"
            + (f"; their macro tiers are {_listed(macros)})." if macros else ")."))


def _listed(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def dataset_lines(results: Mapping[str, Any]) -> list[str]:
    """The known data sets the run's input files come from (their presets, results.json
    ``run.data[].dataset``): one line naming each, then its notes as caveats.

    Example:
        >>> rec = {"dataset": {"preset": "p", "name": "Top 200 Instagram influencers",
        ...        "source": "Kaggle", "year": 2022, "notes": ["a top list"]}}
        >>> dataset_lines({"run": {"data": [rec, rec]}})
        ['Data: Top 200 Instagram influencers (Kaggle; data of 2022).', 'A top list.']
    """
    seen: dict[str, Mapping[str, Any]] = {}
    for record in (results.get("run") or {}).get("data") or []:
        d = record.get("dataset") if isinstance(record, Mapping) else None
        if isinstance(d, Mapping) and d.get("name"):
            seen.setdefault(str(d.get("preset") or d["name"]), d)
    lines = []
    for d in seen.values():
        where = "; ".join(filter(None, [str(d.get("source") or ""),
                                        f"data of {d['year']}" if d.get("year") else ""]))
        lines.append(f"Data: {d['name']}" + (f" ({where})." if where else "."))
        prefix = f"{d['name']}: " if len(seen) > 1 else ""  # one data set: its notes need no name
        lines.extend(f"{prefix}{capital(str(note).rstrip('.')) if not prefix else str(note).rstrip('.')}."
                     for note in d.get("notes") or [])
    return lines


def caveats(results: Mapping[str, Any], run_claims: Iterable[Claim],
            folder: str | Path | None = None) -> list[str]:
    """One line per caveat bounding the findings of a run: the ones that change an answer first
    (simulated data, a tier choice the specification curve disagrees with), then the data set."""
    run_claims = list(run_claims)
    lines = []
    if is_simulated(results):
        lines.append("SIMULATED data: these numbers demonstrate the method, not facts about real "
                     "influencers.")
    tiers = tier_choice_caveat(results.get("estimates") or {})
    if tiers:
        lines.append(tiers)
    lines.extend(dataset_lines(results))
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
