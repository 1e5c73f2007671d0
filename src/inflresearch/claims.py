"""The claims under test, the verdict rule, Holm adjustment and the claims part of results.json.

Verdict rule (per claim, after Holm adjustment across one report's testable claims):

- ``supported``: the Holm-adjusted one-sided p-value for the claimed direction is below alpha;
- ``contradicted``: the two-sided (1 - alpha) CI lies entirely on the other side of the null;
- ``inconclusive``: neither;
- ``not testable``: the data cannot test the claim (the reason is in ``note``).

Each test reports its estimate on a scale where the claim says ``estimate > null`` (direction
"greater") or ``estimate < null`` (direction "less"), with a one-sided p-value for that direction.

Example:
    >>> r = claim_result("engagement_rate_declines", estimate=0.8, ci_low=0.75, ci_high=0.85,
    ...                  p_value=1e-9, n=500, method="OLS HC3", null=1.0, direction="less")
    >>> [c["verdict"] for c in adjust_holm([r])]
    ['supported']
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np

Direction = Literal["greater", "less"]
VERDICTS = ("supported", "contradicted", "inconclusive", "not testable")

CLAIMS: dict[str, str] = {
    "engagement_rate_declines": "Engagement rates drop as follower count grows.",
    "engagement_inverted_u": "There is a 'sweet spot' follower size where engagement peaks.",
    "micro_roi_exceeds_macro": "Micro-influencers return more per dollar than macro-influencers.",
    "ten_micro_beat_one_macro": "Ten micro-influencers beat one large influencer at the same budget.",
    "influencer_roi_exceeds_traditional": "Influencer marketing returns more than traditional paid campaigns.",
    "micro_audiences_more_focused": "Micro-influencers speak to a more focused niche.",
}


def _num(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def claim_result(
    claim_id: str,
    *,
    estimate: float | None,
    ci_low: float | None,
    ci_high: float | None,
    p_value: float | None,
    n: int,
    method: str,
    null: float = 0.0,
    direction: Direction = "greater",
    alpha: float = 0.05,
    note: str = "",
    statement: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """One claim's test result as a results.json record (verdict before multiplicity adjustment).

    `extra` keys (e.g. ``power``, ``mde``, ``assumption_based``) are kept in the record.
    """
    if claim_id not in CLAIMS and statement is None:
        raise ValueError(f"unknown claim {claim_id!r}; known: {', '.join(CLAIMS)}")
    if direction not in ("greater", "less"):
        raise ValueError("direction must be 'greater' or 'less'")
    record: dict[str, Any] = {
        "id": claim_id,
        "statement": statement or CLAIMS[claim_id],
        "estimate": _num(estimate),
        "ci_low": _num(ci_low),
        "ci_high": _num(ci_high),
        "p_value": _num(p_value),
        "p_adjusted": _num(p_value),
        "verdict": "not testable",
        "n": int(n),
        "method": method,
        "note": note,
        "null": float(null),
        "direction": direction,
        "alpha": float(alpha),
        **extra,
    }
    record["verdict"] = verdict(record)
    return record


def not_testable(claim_id: str, reason: str, *, n: int = 0, method: str = "") -> dict[str, Any]:
    """A claim the data cannot test, with the reason (never silently dropped)."""
    return {
        "id": claim_id,
        "statement": CLAIMS.get(claim_id, claim_id),
        "estimate": None,
        "ci_low": None,
        "ci_high": None,
        "p_value": None,
        "p_adjusted": None,
        "verdict": "not testable",
        "n": int(n),
        "method": method,
        "note": reason,
    }


def verdict(record: dict[str, Any]) -> str:
    """Apply the verdict rule to a record (uses p_adjusted, the CI, null and direction)."""
    p = record.get("p_adjusted")
    if record.get("estimate") is None or p is None:
        return "not testable"
    alpha, null = record.get("alpha", 0.05), record.get("null", 0.0)
    if p < alpha:
        return "supported"
    lo, hi = record.get("ci_low"), record.get("ci_high")
    if record.get("direction") == "greater" and hi is not None and hi < null:
        return "contradicted"
    if record.get("direction") == "less" and lo is not None and lo > null:
        return "contradicted"
    return "inconclusive"


def holm(p_values: list[float]) -> list[float]:
    """Holm step-down adjusted p-values (same order as given).

    Example:
        >>> holm([0.01, 0.04, 0.03])
        [0.03, 0.06, 0.06]
    """
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    if m == 0:
        return []
    order = np.argsort(p, kind="stable")
    adjusted = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return [round(float(v), 12) for v in out]


def adjust_holm(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Holm-adjust the p-values of the testable claims of one report and recompute verdicts."""
    testable = [r for r in records if r.get("p_value") is not None and r.get("estimate") is not None]
    for r, p in zip(testable, holm([r["p_value"] for r in testable]), strict=True):
        r["p_adjusted"] = p
    for r in records:
        r["verdict"] = verdict(r)
        r["holm_family_size"] = len(testable)
    return records


def format_p(p: float) -> str:
    """A p-value for readers: ``= 0.032``, ``< 0.0001``.

    Example:
        >>> format_p(0.0321), format_p(1e-40)
        ('= 0.032', '< 0.0001')
    """
    return "< 0.0001" if p < 1e-4 else f"= {p:.2g}"


def plain_words(record: dict[str, Any]) -> str:
    """One sentence a stakeholder can read, e.g. for the findings page."""
    v = record["verdict"]
    if v == "not testable":
        return f"Not testable with this data: {record.get('note') or 'no reason given'}."
    est, lo, hi = record["estimate"], record["ci_low"], record["ci_high"]
    ci = f" (95% CI {lo:.3g} to {hi:.3g})" if lo is not None and hi is not None else ""
    p = record.get("p_adjusted")
    ptxt = f", adjusted p {format_p(p)}" if p is not None else ""
    lead = {
        "supported": "The data support the claim",
        "contradicted": "The data contradict the claim",
        "inconclusive": "The data neither support nor contradict the claim",
    }[v]
    return f"{lead}: estimate {est:.3g}{ci}{ptxt}."
