"""Specification curve: the micro-versus-macro ROI test over a grid of tier edges and schemes.

Tier edges are a matter of definition, so the test is re-run with micro = [micro_low, upper) for
each upper edge and macro = [lower, macro_high) for each lower edge (pairs that overlap are
skipped). The curve shows whether the verdict depends on where one draws the lines. Each
specification's interval and one-sided p-value come from its own pigeonhole bootstrap (campaigns x
creators); ``supported``/``contradicted`` apply the report's two-sided rule at alpha, unadjusted,
and are withheld like the claim (few Kish effective accounts, creators without ids): the curve
describes robustness; it is not a family of separate claims.

Example:
    >>> from inflresearch.data.synth import simulate_world
    >>> w = simulate_world(seed=4, n_influencers=2000, n_campaigns=60, with_text=False)
    >>> t = specification_curve(w.campaigns, micro_uppers=(1e4, 5e4), macro_lowers=(1e5, 1e6),
    ...                         n_boot=100)
    >>> len(t), sorted(spec_summary(t))[:2]
    (4, ['median_estimate', 'n_estimable'])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from inflresearch.questions.roi.comparisons import (
    compare_pooled,
    format_range,
    missing_ids,
    withheld_reasons,
)
from inflresearch.questions.roi.metrics import check_campaigns, label_groups
from inflresearch.questions.roi.regression import MIN_ROWS
from inflresearch.tiers import SCHEMES, Range, scheme

MICRO_UPPERS = (10_000.0, 25_000.0, 50_000.0, 100_000.0)
MACRO_LOWERS = (100_000.0, 250_000.0, 500_000.0, 1_000_000.0)


def specification_curve(
    data: pd.DataFrame,
    *,
    micro_low: float = 5_000.0,
    micro_uppers: Sequence[float] = MICRO_UPPERS,
    macro_lowers: Sequence[float] = MACRO_LOWERS,
    macro_high: float | None = None,
    primary: tuple[Range, Range] | None = None,
    n_boot: int = 1000,
    alpha: float = 0.05,
    seed: int = 0,
) -> pd.DataFrame:
    """Pooled-ROI difference (micro minus macro) with CI and p-value for each pair of tier edges.

    `primary` adds the analysis' own (micro, macro) definition as a flagged row. Specifications
    with fewer than five activations in a group keep a row with a note and no estimate.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> w = simulate_world(seed=4, n_influencers=2000, n_campaigns=60, with_text=False)
        >>> specification_curve(w.campaigns, micro_uppers=(1e4,), macro_lowers=(1e5,),
        ...                     n_boot=50)[["micro", "macro"]].values.tolist()
        [['5k-10k', '100k+']]
    """
    d = check_campaigns(data)
    specs: list[tuple[Range, Range, bool]] = []
    if primary is not None:
        specs.append((primary[0], primary[1], True))
    for upper in micro_uppers:
        for lower in macro_lowers:
            too_high = macro_high is not None and lower >= macro_high
            if upper <= micro_low or upper > lower or too_high:
                continue
            specs.append(((micro_low, upper), (lower, macro_high), False))
    rows = [{**compare_spec(d, micro, macro, n_boot=n_boot, alpha=alpha, seed=seed),
             "primary": is_primary} for micro, macro, is_primary in specs]
    return _with_verdicts(pd.DataFrame(rows), alpha)


def _with_verdicts(out: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """The table with ``supported`` / ``contradicted`` (unadjusted) and ``specification``."""
    # the report's verdict rule, unadjusted: two-sided at alpha, interval excluding the null,
    # never firm where the verdict would be withheld
    p_two = 2 * np.minimum(out["p_value"], 1 - out["p_value"])
    firm = (p_two < alpha) & ~out["withheld"].astype(bool)
    out["supported"] = firm & (out["ci_low"] > 0)
    out["contradicted"] = firm & (out["ci_high"] < 0)
    out["specification"] = out["micro"] + " vs " + out["macro"]
    return out


def compare_spec(
    d: pd.DataFrame, micro: Range, macro: Range, *, n_boot: int, alpha: float, seed: int
) -> dict[str, Any]:
    """One specification: the pooled-ROI difference of `micro` minus `macro` activations on a
    checked campaigns table, with interval, one-sided p, Kish accounts and the withheld flag
    (a row with a note and no estimate under five activations in a group)."""
    g = label_groups(d["followers"], {"micro": micro, "macro": macro}, channel=d["channel"])
    part = d.assign(_g=g)
    part = part[part["_g"].notna() & part["cost"].notna() & part["revenue"].notna()]
    n_a, n_b = int((part["_g"] == "micro").sum()), int((part["_g"] == "macro").sum())
    row: dict[str, Any] = {"micro": format_range(micro), "macro": format_range(macro),
                           "micro_range": list(micro), "macro_range": list(macro),
                           "n_micro": n_a, "n_macro": n_b, "estimate": np.nan,
                           "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan,
                           "roas_ratio": np.nan, "kish_accounts_micro": np.nan,
                           "kish_accounts_macro": np.nan, "top5_cost_share_micro": np.nan,
                           "top5_cost_share_macro": np.nan, "withheld": False, "note": ""}
    if min(n_a, n_b) < MIN_ROWS or part["campaign_id"].nunique() < 2:
        row["note"] = f"fewer than {MIN_ROWS} activations in a group"
        return row
    t = compare_pooled(part, group="_g", a="micro", b="macro", metrics=("roi", "roas"),
                       n_boot=n_boot, alpha=alpha, seed=seed, cluster2="account_id").table
    main = t.query("metric == 'roi'").iloc[0]
    kish = {"micro": float(main["kish_accounts_a"]), "macro": float(main["kish_accounts_b"])}
    no_id = int(((part["channel"] == "influencer") & missing_ids(part)).sum())
    withheld = withheld_reasons(kish, no_id)
    row.update(estimate=main["estimate"], ci_low=main["ci_low"], ci_high=main["ci_high"],
               p_value=main["p_value"],
               note="; ".join([*withheld, main["note"]] if main["note"] else withheld),
               kish_accounts_micro=kish["micro"], kish_accounts_macro=kish["macro"],
               top5_cost_share_micro=main["top5_cost_share_a"],
               top5_cost_share_macro=main["top5_cost_share_b"], withheld=bool(withheld),
               roas_ratio=t.query("metric == 'roas' and statistic == 'ratio'")
               ["estimate"].iloc[0])
    return row


def scheme_comparisons(
    data: pd.DataFrame,
    *,
    schemes: Sequence[str] = tuple(SCHEMES),
    primary: tuple[Range, Range] | str | None = None,
    n_boot: int = 1000,
    alpha: float = 0.05,
    seed: int = 0,
) -> pd.DataFrame:
    """The micro-versus-macro ROI test under every tier scheme's own micro and macro tiers.

    One row per scheme (``scheme``, ``scheme_source`` and the columns of `specification_curve`).
    `primary` is the analysis' own definition, flagged and put first: a scheme's name (its row),
    or explicit (micro, macro) ranges (an extra row, ``pre-specified ranges``). Each row has
    its own pigeonhole bootstrap with the same seed.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> w = simulate_world(seed=4, n_influencers=2000, n_campaigns=60, with_text=False)
        >>> t = scheme_comparisons(w.campaigns, schemes=("blog", "upfluence"), n_boot=50)
        >>> t[["scheme", "micro", "macro"]].values.tolist()
        [['blog', '5k-10k', '10k-100k'], ['upfluence', '0-20k', '400k+']]
    """
    d = check_campaigns(data)
    first = scheme(primary).name if isinstance(primary, str) else None
    specs: list[tuple[str, str, Range, Range, bool]] = []
    if primary is not None and first is None:
        assert not isinstance(primary, str)
        specs.append(("pre-specified ranges", "the analysis' own micro_range / macro_range",
                      primary[0], primary[1], True))
    names = ([first] if first else []) + [n for n in schemes if scheme(n).name != first]
    for name in names:
        s = scheme(name)
        specs.append((s.name, s.cited, s.micro, s.macro, s.name == first))
    rows = [{"scheme": name, "scheme_source": source,
             **compare_spec(d, micro, macro, n_boot=n_boot, alpha=alpha, seed=seed),
             "primary": is_primary} for name, source, micro, macro, is_primary in specs]
    out = _with_verdicts(pd.DataFrame(rows), alpha)
    out["specification"] = out["scheme"] + " (" + out["micro"] + " vs " + out["macro"] + ")"
    return out


def spec_summary(table: pd.DataFrame) -> dict[str, Any]:
    """Counts and shares over the specifications that could be estimated.

    Example:
        >>> t = pd.DataFrame({"estimate": [0.2, -0.1, np.nan], "supported": [True, False, False],
        ...                   "contradicted": [False, False, False], "primary": False})
        >>> spec_summary(t)["share_supported"]
        0.5
    """
    grid = table[~table["primary"]] if "primary" in table else table
    ok = grid[grid["estimate"].notna()]
    n = len(ok)

    def share(mask: pd.Series) -> float | None:
        return float(mask.mean()) if n else None

    return {
        "n_specs": int(len(grid)),
        "n_estimable": int(n),
        "share_supported": share(ok["supported"]),
        "share_contradicted": share(ok["contradicted"]),
        "share_positive": share(ok["estimate"] > 0),
        "median_estimate": float(ok["estimate"].median()) if n else None,
    }
