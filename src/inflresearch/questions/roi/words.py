"""Question 3's claims in words: one key-findings sentence per claim, in business units, and the
report's verdict paragraphs (`claim_words`, `assumed_words`).

Example:
    >>> from inflresearch import claims
    >>> c = claims.claim_result(claims.MICRO_ROI_EXCEEDS_MACRO, estimate=0.5, ci_low=0.2, ci_high=0.8,
    ...                         p_value=0.001, n=400, method="pooled", null=0.0, direction="greater")
    >>> SENTENCES[c.id](c)
    'Micro campaigns returned 0.50 more in revenue per unit spent than macro (95% CI 0.20 to 0.80 more).'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from inflresearch import claims
from inflresearch.claims import Claim, detectable_effect, plain_words
from inflresearch.text import (
    capital,
    group_label,
    has_interval,
    interval_words,
    level,
    md_escape,
    money,
    per_spent,
)

if TYPE_CHECKING:  # the words of a report import no model library
    from inflresearch.questions.roi.assumed import AssumedResult


def _groups(claim: Claim, default: tuple[str, str]) -> tuple[str, str]:
    groups = claim.details.get("groups")
    if isinstance(groups, Mapping) and "a" in groups and "b" in groups:
        return group_label(str(groups["a"])), group_label(str(groups["b"]))
    return default


def _currency(claim: Claim) -> str | None:
    """The run's ``currency`` parameter, kept in the claim's details (None: a bare number)."""
    value = claim.details.get("currency")
    return str(value) if value else None


def _money(currency: str | None) -> Callable[[float], str]:
    return lambda value: money(value, currency)


def _roi_difference(claim: Claim, default: tuple[str, str]) -> str:
    """Difference in pooled ROI (revenue per unit of spend) of group a minus group b."""
    assert claim.estimate is not None
    a, b = _groups(claim, default)
    cur = _currency(claim)
    more = "more" if claim.estimate >= 0 else "less"
    text = (f"{capital(a)} campaigns returned {money(abs(claim.estimate), cur)} {more} in revenue "
            f"{per_spent(cur)} than {b}")
    if has_interval(claim):
        assert claim.ci_low is not None and claim.ci_high is not None
        text += f" ({interval_words(claim, claim.ci_low, claim.ci_high, _money(cur), 'more', 'less')})"
    return text + "."


def _micro_roi(claim: Claim) -> str:
    return _roi_difference(claim, ("micro", "macro"))


def _influencer_roi(claim: Claim) -> str:
    return _roi_difference(claim, ("influencer", "traditional"))


def _ten_micro(claim: Claim) -> str:
    assert claim.estimate is not None
    budget = claim.details.get("budget")
    cur = _currency(claim)
    at = f"At a budget of {money(float(budget), cur)}, ten" if budget else "Ten"
    more = "more" if claim.estimate >= 0 else "less"
    text = (f"{at} micro activations earned {money(abs(claim.estimate), cur)} {more} revenue than "
            "one large activation on average")
    if has_interval(claim):
        assert claim.ci_low is not None and claim.ci_high is not None
        text += f" ({interval_words(claim, claim.ci_low, claim.ci_high, _money(cur), 'more', 'less')})"
    return text + "."


def _pct(x: float) -> str:
    return f"{x:.0%}"


def concentration_words(details: Mapping[str, Any]) -> str:
    """The groups' effective number of creators and top-5 cost share, or why there is none.

    Example:
        >>> concentration_words({"kish_effective_accounts": {"micro": None},
        ...                      "top5_cost_share": {"micro": None}})
        'Effective number of creators: micro none (activations without creator ids).'
    """
    kish, top5 = details["kish_effective_accounts"], details["top5_cost_share"]
    parts = [f"{md_escape(g)} none (activations without creator ids)" if n is None else
             f"{md_escape(g)} {n:,.0f} (cost share of the five largest {_pct(top5[g])})"
             for g, n in kish.items()]
    return f"Effective number of creators: {'; '.join(parts)}."


def _detectable(claim: Claim, fmt: str) -> str:
    d = detectable_effect(claim)
    if d["detectable_effect"] is None:
        return f"No smallest detectable difference: {d['detectable_basis']}."
    return (f"Smallest difference detectable with 80% power at the verdict's level "
            f"({level(d['detectable_level'])}, two-sided): {fmt.format(d['detectable_effect'])}.")


def claim_words(claim: Claim) -> str:
    """A plain-language verdict paragraph (Markdown, data-derived text escaped)."""
    head = f"**{md_escape(claim.statement)}** - verdict: **{claim.verdict}**. "
    text = plain_words(claim)
    if claim.verdict == "not testable":
        return head + md_escape(text)
    cid = claim.id
    if cid in ("micro_roi_exceeds_macro", "influencer_roi_exceeds_traditional"):
        (a, ra), (b, rb) = claim.details["pooled_roi"].items()
        text += (f" Pooled ROI: {md_escape(a)} {ra:.2f}, {md_escape(b)} {rb:.2f} "
                 f"(ROAS ratio {claim.details['roas_ratio']:.2f}); within-campaign regression ROAS ratio "
                 f"{claim.details.get('adjusted_roas_ratio', float('nan')):.2f}. "
                 f"{concentration_words(claim.details)} Power to detect "
                 f"{claim.details['power_effect']} at the verdict's level "
                 f"({level(claim.details['power_level'])}, two-sided): {_pct(claim.details['power'])}. "
                 f"{_detectable(claim, '{:.2f}')}")
    elif cid == "ten_micro_beat_one_macro":
        assert claim.estimate is not None  # a testable claim has one
        lo, hi = claim.details["p_micro_wins_ci"]
        cur = _currency(claim)
        text += (f" At a budget of {money(claim.details['budget'], cur)}, ten micro posts earn "
                 f"{money(claim.estimate, cur)} more revenue than one large post on average. They earn "
                 f"more in {_pct(claim.details['p_micro_wins'])} of equal-budget match-ups (CI {_pct(lo)} "
                 f"to {_pct(hi)}), but with equal pooled ROAS they would still win "
                 f"{_pct(claim.details['p_win_same_roas'])} of the time: that part of the edge is "
                 f"diversification (variance ratio {claim.details['variance_ratio_vs_large']:.2f}), "
                 "not a higher return, so the verdict rests on the expected difference. "
                 f"{_detectable(claim, '{:,.0f}')}")
    if claim.verdict == "inconclusive" and claim.details.get("verdict_cap_reason"):
        text += f" Verdict withheld: {md_escape(str(claim.details['verdict_cap_reason']))}."
    return head + text


def assumed_words(result: AssumedResult) -> str:
    """Plain-language, clearly labelled summary of the assumption-based path."""
    s = result.summary
    lo, hi = s["g_minus_b_ci"]
    cheaper = "cheaper" if s["g_minus_b"] > 0 else "dearer"
    g_text = (f"estimated g = {s['g']:.3f}" if s["g_source"] == "estimated"
              else f"assumed g = {s['g']:.3f}")
    return (f"**ASSUMPTION-BASED, not a measured ROI.** Engagement elasticity b = {s['b']:.3f} "
            f"(CI {s['b_ci'][0]:.3f} to {s['b_ci'][1]:.3f}); {g_text}. Cost per engagement "
            f"scales as followers^(g - b) with g - b = {s['g_minus_b']:.3f} (CI {lo:.3f} to "
            f"{hi:.3f}), so a typical micro account is {cheaper} per engagement: CPE ratio "
            f"micro/macro {s['cpe_ratio_micro_to_macro']:.2f}. The conclusion is carried by "
            f"{md_escape(s['carried_by'])}. Engagements are not sales.")


#: per claim id, the question its key finding answers (before the answer)
QUESTIONS: Mapping[str, str] = {
    claims.MICRO_ROI_EXCEEDS_MACRO: "Do micro-influencers return more per unit spent than "
                                    "macro-influencers?",
    claims.TEN_MICRO_BEAT_ONE_MACRO: "Do ten micro-influencers beat one large influencer at the "
                                     "same budget?",
    claims.INFLUENCER_ROI_EXCEEDS_TRADITIONAL: "Does influencer marketing return more than "
                                               "traditional paid campaigns?",
}

SENTENCES: Mapping[str, Callable[[Claim], str]] = {
    claims.MICRO_ROI_EXCEEDS_MACRO: _micro_roi,
    claims.TEN_MICRO_BEAT_ONE_MACRO: _ten_micro,
    claims.INFLUENCER_ROI_EXCEEDS_TRADITIONAL: _influencer_roi,
}

#: the smallest detectable effect (on the estimate's scale) in each claim's business units
DETECTABLE: Mapping[str, Callable[[float, Claim], str]] = {
    claims.MICRO_ROI_EXCEEDS_MACRO: lambda m, c: (f"a difference of {money(m, _currency(c))} or more "
                                                  f"in revenue {per_spent(_currency(c))}"),
    claims.TEN_MICRO_BEAT_ONE_MACRO: lambda m, c: (f"a difference of {money(m, _currency(c))} or more "
                                                   "in revenue at the budget"),
    claims.INFLUENCER_ROI_EXCEEDS_TRADITIONAL: lambda m, c: (f"a difference of {money(m, _currency(c))} "
                                                             f"or more in revenue {per_spent(_currency(c))}"),
}
