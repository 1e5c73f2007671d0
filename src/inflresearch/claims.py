"""The claims under test: typed, immutable `Claim` records, the verdict rule and Holm adjustment.

Verdict rule (per claim, after Holm adjustment across one report's testable claims). Each test
reports its estimate on a scale where the claim says ``estimate > null`` (direction "greater") or
``estimate < null`` (direction "less"), a one-sided p-value for that direction and a two-sided
(1 - alpha) interval. The verdict is a **two-sided test at level alpha**:

- ``p_two_sided = min(1, 2 * min(p, 1 - p))``, Holm-adjusted across the report's testable claims;
- ``supported``: adjusted two-sided p < alpha and the estimate on the claimed side of the null;
- ``contradicted``: adjusted two-sided p < alpha and the estimate on the other side;
- ``inconclusive``: otherwise, and always when the printed (1 - alpha) interval contains the null
  (so no claim is ever ``supported`` or ``contradicted`` while its own interval says "could be
  the null": the two-sided test and the interval are the same rule at the same level), and when
  the test withholds a firm verdict (``details["verdict_cap"] == "inconclusive"``, the reason in
  ``note``: e.g. fewer than 30 effective accounts, or no creator ids to check recurrence);
- ``not testable``: the data cannot test the claim (the reason is in ``note``).

Example:
    >>> r = claim_result(ENGAGEMENT_RATE_DECLINES, estimate=0.8, ci_low=0.75, ci_high=0.85,
    ...                  p_value=1e-9, n=500, method="OLS HC3", null=1.0, direction="less")
    >>> [c.verdict for c in adjust_holm([r])]
    ['supported']
    >>> adjust_holm([claim_result(ENGAGEMENT_RATE_DECLINES, estimate=0.8, ci_low=0.79, ci_high=0.81,
    ...     p_value=0.0, n=9, method="OLS", null=1.0, direction="less")])[0].p_adjusted
    0.0
    >>> r.ci_label
    '95% CI'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from inflresearch.text import sig

if TYPE_CHECKING:
    import pandas as pd

Direction = Literal["greater", "less"]
Verdict = Literal["supported", "contradicted", "inconclusive", "not testable"]
VERDICTS: tuple[Verdict, ...] = ("supported", "contradicted", "inconclusive", "not testable")

ENGAGEMENT_RATE_DECLINES = "engagement_rate_declines"
ENGAGEMENT_INVERTED_U = "engagement_inverted_u"
ENGAGEMENT_RATE_SWEET_SPOT = "engagement_rate_sweet_spot"
MICRO_ROI_EXCEEDS_MACRO = "micro_roi_exceeds_macro"
TEN_MICRO_BEAT_ONE_MACRO = "ten_micro_beat_one_macro"
INFLUENCER_ROI_EXCEEDS_TRADITIONAL = "influencer_roi_exceeds_traditional"
MICRO_AUDIENCES_MORE_FOCUSED = "micro_audiences_more_focused"
ENGAGEMENT_IS_PERSISTENT = "engagement_is_persistent"
ADJUSTED_PICK_BEATS_RAW_RATE = "adjusted_pick_beats_raw_rate"

CLAIMS: Mapping[str, str] = MappingProxyType({
    ENGAGEMENT_RATE_DECLINES: "Engagement rates drop as follower count grows.",
    ENGAGEMENT_INVERTED_U: "There is a 'sweet spot' follower size where engagement peaks.",
    ENGAGEMENT_RATE_SWEET_SPOT: "There is a 'sweet spot' follower size where the engagement rate peaks.",
    MICRO_ROI_EXCEEDS_MACRO: "Micro-influencers return more per dollar than macro-influencers.",
    TEN_MICRO_BEAT_ONE_MACRO: "Ten micro-influencers beat one large influencer at the same budget.",
    INFLUENCER_ROI_EXCEEDS_TRADITIONAL: "Influencer marketing returns more than traditional paid campaigns.",
    MICRO_AUDIENCES_MORE_FOCUSED: "Micro-influencers speak to a more focused niche.",
    ENGAGEMENT_IS_PERSISTENT: "You can pick creators by their engagement: it persists from "
    "earlier to later posts.",
    ADJUSTED_PICK_BEATS_RAW_RATE: "A shortlist by shrunk size-adjusted engagement beats the "
    "vendors' raw-engagement-rate shortlist.",
})


def _num(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def ci_label(alpha: float) -> str:
    """The interval's name at level `alpha`: ``ci_label(0.1) == '90% CI'``."""
    return f"{100 * (1 - alpha):g}% CI"


@dataclass(frozen=True)
class Claim:
    """One claim's test result; immutable (adjustments return new claims).

    `details` holds the claim-specific figures (power, MDE, turning point, ...); the core fields
    are the same for every claim and are what results.json, the findings page and the key
    findings read.
    """

    id: str
    statement: str
    verdict: Verdict
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    n: int
    method: str
    note: str = ""
    null: float = 0.0
    direction: Direction = "greater"
    alpha: float = 0.05
    p_adjusted: float | None = None
    holm_family_size: int | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "details", MappingProxyType(dict(self.details)))

    @property
    def testable(self) -> bool:
        """True when the claim has an estimate and a p-value."""
        return self.estimate is not None and self.p_value is not None

    @property
    def p_two_sided(self) -> float | None:
        """The unadjusted two-sided p-value of the one-sided `p_value`."""
        if self.p_value is None:
            return None
        return min(1.0, 2.0 * min(self.p_value, 1.0 - self.p_value))

    @property
    def ci_label(self) -> str:
        """``'95% CI'`` at alpha 0.05: the interval follows alpha."""
        return ci_label(self.alpha)

    def to_dict(self) -> dict[str, Any]:
        """The results.json record (core fields, then the details)."""
        record = {k: getattr(self, k) for k in CORE}
        if record["holm_family_size"] is None:
            del record["holm_family_size"]
        record.update(dict(self.details))
        record["interval"] = f"two-sided {self.ci_label}, unadjusted"
        record["p_rule"] = "two-sided, Holm-adjusted across the report's claims"
        record["p_value_sided"] = P_VALUE_SIDED
        record["p_adjusted_method"] = self.p_adjusted_method
        if self.testable:  # derived: recomputed from the record when read back
            record.update(detectable_effect(self))
        return record

    @property
    def p_adjusted_method(self) -> str:
        """What `p_adjusted` is: ``'two-sided, Holm across the report's 3 tested claims'``."""
        if self.holm_family_size is None:
            return "two-sided, unadjusted"
        return f"two-sided, Holm across the report's {self.holm_family_size} tested claims"

    def _repr_html_(self) -> str:
        import pandas as pd

        columns = ["id", "verdict", "estimate", "ci_low", "ci_high", "p_value", "p_adjusted", "n", "method"]
        return pd.DataFrame([self.to_dict()])[columns].to_html(index=False)


CORE = tuple(f.name for f in fields(Claim) if f.name != "details")
#: what `Claim.p_value` is (results.json ``p_value_sided``; tables label it "p (one-sided)")
P_VALUE_SIDED = "one-sided, in the claimed direction, unadjusted"
#: the fields `Claim.to_dict` adds that are not kept in `details` by `from_dict`
DETECTABLE = ("detectable_effect", "detectable_level", "detectable_power", "detectable_basis")
DERIVED = ("interval", "p_rule", "p_value_sided", "p_adjusted_method", *DETECTABLE)
#: claims whose test has no single effect size whose interval gives its power
NO_SINGLE_EFFECT = {
    ENGAGEMENT_INVERTED_U: "a turning-point test has no single effect size whose interval gives "
                           "its power",
    ENGAGEMENT_RATE_SWEET_SPOT: "a turning-point test has no single effect size whose interval "
                                "gives its power",
}
POWER = 0.8
#: the column name of one-sided, unadjusted p-values in tables meant for readers
P_ONE_SIDED = "p_one_sided"


def one_sided_p(table: pd.DataFrame) -> pd.DataFrame:
    """A tidy table (DataFrame) for readers whose ``p_value`` column is one-sided and unadjusted,
    renamed so that its label says so (``p_one_sided``: "p (one-sided, unadjusted)").

    Example:
        >>> import pandas as pd
        >>> list(one_sided_p(pd.DataFrame({"estimate": [1.0], "p_value": [0.01]})).columns)
        ['estimate', 'p_one_sided']
    """
    return table.rename(columns={"p_value": P_ONE_SIDED})


def declare_p_side(table: pd.DataFrame, side: str) -> pd.DataFrame:
    """Declare the side and adjustment of a tidy table's ``p_value`` column (sets
    ``table.attrs["p_value_sided"]`` and returns the table), so that the report labels the
    column "p (`side`)".

    Example:
        >>> import pandas as pd
        >>> declare_p_side(pd.DataFrame({"p_value": [0.2]}), "two-sided, unadjusted").attrs
        {'p_value_sided': 'two-sided, unadjusted'}
    """
    table.attrs["p_value_sided"] = side
    return table


def detectable_effect(claim: Claim, power: float = POWER) -> dict[str, Any]:
    """The smallest effect the data could detect with `power` at the verdict's level.

    The level is Holm's first step, ``alpha / holm_family_size`` two-sided (the strictest a claim
    can face; a test's own ``details["mde"]`` may use another level or side). It is read from
    the interval: h, the distance from the estimate to the interval's end on the
    null's side of an effect in the claimed direction (``estimate - ci_low`` for "greater"), is
    z(1 - alpha/2) standard errors, so MDE = h (z(1 - level/2) + z(power)) / z(1 - alpha/2)
    (2.8 SE at level 0.05 for a symmetric interval). This assumes the interval keeps its shape for
    an effect of that size. Returns ``detectable_effect`` (None when none can be computed),
    ``detectable_level``, ``detectable_power`` and ``detectable_basis`` (how, or why not).

    Example:
        >>> c = claim_result(MICRO_AUDIENCES_MORE_FOCUSED, estimate=0.01, ci_low=-0.0196,
        ...                  ci_high=0.0396, p_value=0.3, n=400, method="OLS")
        >>> round(detectable_effect(c)["detectable_effect"], 3)
        0.042
        >>> detectable_effect(replace(c, id=ENGAGEMENT_INVERTED_U))["detectable_effect"] is None
        True
    """
    from scipy import stats

    level = claim.alpha / (claim.holm_family_size or 1)
    out: dict[str, Any] = {"detectable_effect": None, "detectable_level": level,
                           "detectable_power": power}
    if claim.id in NO_SINGLE_EFFECT:
        return {**out, "detectable_basis": f"not computable: {NO_SINGLE_EFFECT[claim.id]}"}
    if claim.ci_low is None or claim.ci_high is None or claim.estimate is None:
        return {**out, "detectable_basis": "not computable: the claim has no interval"}
    half = (claim.estimate - claim.ci_low if claim.direction == "greater"
            else claim.ci_high - claim.estimate)
    if not half > 0:  # an estimate outside its own (percentile) interval: use half the width
        half = (claim.ci_high - claim.ci_low) / 2
    z_alpha = stats.norm.ppf(1 - claim.alpha / 2)
    mde = half * (stats.norm.ppf(1 - level / 2) + stats.norm.ppf(power)) / z_alpha
    return {**out, "detectable_effect": float(mde),
            "detectable_basis": "from the interval's half-width on the null's side, assuming the "
                         "interval keeps its shape for an effect of that size"}


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
    **details: Any,
) -> Claim:
    """One claim's test result (verdict before multiplicity adjustment).

    `details` (e.g. ``power``, ``mde``, ``assumption_based``) are kept in `Claim.details`.
    """
    if claim_id not in CLAIMS and statement is None:
        raise ValueError(f"unknown claim {claim_id!r}; known: {', '.join(CLAIMS)}")
    if direction not in ("greater", "less"):
        raise ValueError("direction must be 'greater' or 'less'")
    clash = set(details) & set(CORE)
    if clash:
        raise ValueError(f"details may not reuse core field names: {sorted(clash)}")
    p = _num(p_value)
    claim = Claim(
        id=claim_id, statement=statement or CLAIMS[claim_id], verdict="not testable",
        estimate=_num(estimate), ci_low=_num(ci_low), ci_high=_num(ci_high), p_value=p,
        n=int(n), method=method, note=note, null=float(null), direction=direction,
        alpha=float(alpha), p_adjusted=None if p is None else min(1.0, 2.0 * min(p, 1.0 - p)),
        details=details,
    )
    return replace(claim, verdict=verdict(claim))


def not_testable(claim_id: str, reason: str, *, n: int = 0, method: str = "", **details: Any) -> Claim:
    """A claim the data cannot test, with the reason (never silently dropped)."""
    return Claim(
        id=claim_id, statement=CLAIMS.get(claim_id, claim_id), verdict="not testable",
        estimate=None, ci_low=None, ci_high=None, p_value=None, n=int(n), method=method,
        note=reason, details=details,
    )


def verdict(claim: Claim) -> Verdict:
    """Apply the verdict rule (uses `p_adjusted`, a two-sided p, and the interval)."""
    p, est = claim.p_adjusted, claim.estimate
    if est is None or p is None:
        return "not testable"
    if p >= claim.alpha:
        return "inconclusive"
    lo, hi = claim.ci_low, claim.ci_high
    if lo is not None and hi is not None and lo <= claim.null <= hi:
        return "inconclusive"  # the printed interval contains the null: never a firm verdict
    if claim.details.get("verdict_cap") == "inconclusive":
        return "inconclusive"  # withheld by the test itself (e.g. too few effective accounts); see note
    claimed_side = est > claim.null if claim.direction == "greater" else est < claim.null
    return "supported" if claimed_side else "contradicted"


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm step-down adjusted p-values (same order as given), never below the raw ones.

    Example:
        >>> holm([0.01, 0.04, 0.03])
        [0.03, 0.06, 0.06]
        >>> holm([3.9e-299, 0.5])[0] >= 3.9e-299
        True
    """
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    if m == 0:
        return []
    order = np.argsort(p, kind="stable")
    adjusted = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out = np.empty(m)
    out[order] = np.minimum(np.maximum(adjusted, p[order]), 1.0)
    return [float(v) for v in out]


def adjust_holm(claims: Iterable[Claim]) -> list[Claim]:
    """New claims with Holm-adjusted two-sided p-values and verdicts (one report = one family)."""
    claims = list(claims)
    testable = [i for i, c in enumerate(claims) if c.testable]
    adjusted = holm([1.0 if (p := claims[i].p_two_sided) is None else p for i in testable])
    out = []
    for i, c in enumerate(claims):
        p_adj = adjusted[testable.index(i)] if i in testable else None
        new = replace(c, p_adjusted=p_adj, holm_family_size=len(testable))
        out.append(replace(new, verdict=verdict(new)))
    return out


def format_p(p: float) -> str:
    """A p-value for readers: ``'0.032'``, ``'< 0.001'``.

    Example:
        >>> format_p(0.0321), format_p(1e-40), format_p(0.5)
        ('0.032', '< 0.001', '0.50')
    """
    return "< 0.001" if p < 1e-3 else f"{p:.2g}" if p < 0.1 else f"{p:.2f}"


def from_dict(record: Mapping[str, Any]) -> Claim:
    """A `Claim` from a results.json record (the inverse of `Claim.to_dict`)."""
    core = {k: record[k] for k in CORE if k in record}
    details = {k: v for k, v in record.items() if k not in CORE and k not in DERIVED}
    core.setdefault("statement", CLAIMS.get(str(record.get("id")), str(record.get("id"))))
    for name in ("estimate", "ci_low", "ci_high", "p_value", "p_adjusted"):
        core.setdefault(name, None)
    core.setdefault("n", 0)
    core.setdefault("method", "")
    core.setdefault("verdict", "not testable")
    return Claim(**core, details=details)


def plain_words(claim: Claim) -> str:
    """One sentence with the verdict, the estimate and its interval.

    Example:
        >>> plain_words(not_testable(MICRO_ROI_EXCEEDS_MACRO, "no cost column"))
        'Not testable with this data: no cost column.'
    """
    if claim.verdict == "not testable" or claim.estimate is None:
        return f"Not testable with this data: {claim.note or 'no reason given'}."
    lo, hi = claim.ci_low, claim.ci_high
    ci = f" ({claim.ci_label} {sig(lo, 3)} to {sig(hi, 3)})" if lo is not None and hi is not None else ""
    p = claim.p_adjusted
    ptxt = (f", {'Holm-adjusted ' if claim.holm_family_size else ''}two-sided p "
            f"{'< 0.001' if p < 1e-3 else '= ' + format_p(p)}" if p is not None else "")
    lead = {
        "supported": "The data support the claim",
        "contradicted": "The data contradict the claim",
        "inconclusive": "The data neither support nor contradict the claim",
    }[claim.verdict]
    return f"{lead}: estimate {sig(claim.estimate, 3)}{ci}{ptxt}."
