"""Specification curve: the micro-versus-macro ROI test over a grid of tier edges and schemes.

Tier edges are a matter of definition, so the test is re-run with micro = [micro_low, upper) for
each upper edge and macro = [lower, macro_high) for each lower edge (pairs that overlap are
skipped). The curve shows whether the verdict depends on where one draws the lines. Each
specification's interval and one-sided p-value come from the pigeonhole bootstrap (campaigns x
creators) of its rows, drawn once for all specifications (`SharedBootstrap`: the same bootstrap
as one per specification, in one pass); ``supported``/``contradicted`` apply the report's
two-sided rule at alpha, unadjusted, and are withheld like the claim (few Kish effective
accounts, creators without ids): the curve describes robustness; it is not a family of separate
claims.

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

from inflresearch.methods.resampling import (
    bootstrap_p,
    kish_effective_n,
    percentile_ci,
    pigeonhole_bootstrap_group_sums,
    top_share,
)
from inflresearch.questions.roi.comparisons import (
    account_codes,
    format_range,
    missing_ids,
    withheld_reasons,
)
from inflresearch.questions.roi.metrics import check_campaigns
from inflresearch.questions.roi.regression import MIN_ROWS, cluster_codes
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
    boot = SharedBootstrap(d, [r for micro, macro, _ in specs for r in (micro, macro)],
                           n_boot=n_boot, seed=seed)
    rows = [{**boot.compare(micro, macro, alpha=alpha), "primary": is_primary}
            for micro, macro, is_primary in specs]
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


class SharedBootstrap:
    """Every specification's micro-versus-macro ROI test from one pigeonhole bootstrap.

    The checked table's influencer rows with cost and revenue inside any of the `ranges` are cut
    into bins at every range edge; one pigeonhole bootstrap (campaigns x creators, Poisson(1)
    weights, `seed`) gives replicates of each bin's profit and cost sums, and a group's
    replicate is the sum over its bins. A specification's own pigeonhole bootstrap would give
    its campaigns and creators independent Poisson(1) weights too: restricting the shared
    weights to its rows is the same bootstrap, drawn once instead of once per specification
    (one pass over the rows instead of one per specification; the specifications' replicates
    share their draws, like common random numbers).

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> w = simulate_world(seed=4, n_influencers=2000, n_campaigns=60, with_text=False)
        >>> boot = SharedBootstrap(check_campaigns(w.campaigns), [(5e3, 1e4), (1e5, None)],
        ...                        n_boot=50, seed=0)
        >>> row = boot.compare((5e3, 1e4), (1e5, None), alpha=0.05)
        >>> row["micro"], row["macro"], bool(row["ci_low"] <= row["estimate"] <= row["ci_high"])
        ('5k-10k', '100k+', True)
    """

    def __init__(self, d: pd.DataFrame, ranges: Sequence[Range], *, n_boot: int, seed: int
                 ) -> None:
        self.n_boot = n_boot
        self.followers = pd.to_numeric(d["followers"], errors="coerce").to_numpy(float)
        influencer = (d["channel"] == "influencer").fillna(False).to_numpy(bool)
        self.ok = influencer & d["cost"].notna().to_numpy() & d["revenue"].notna().to_numpy()
        cost, revenue = d["cost"].to_numpy(float), d["revenue"].to_numpy(float)
        finite = np.isfinite(cost) & np.isfinite(revenue)
        self.cost = np.where(finite, cost, 0.0)
        self.revenue = np.where(finite, revenue, 0.0)
        self.profit = np.where(finite, revenue - cost, 0.0)
        self.campaigns = cluster_codes(d["campaign_id"])
        self.no_id = (influencer & missing_ids(d).to_numpy()).astype(bool)
        self.edges = np.unique([e for r in ranges for e in r if e is not None]).astype(float)
        inside = np.zeros(len(d), dtype=bool)
        for r in ranges:
            inside |= self._in(r)
        rows = np.flatnonzero(self.ok & inside)
        part = d.iloc[rows]
        self.creators = np.full(len(d), -1, dtype=np.int64)
        self.creators[rows] = account_codes(part, "account_id")[0]
        self.reps = np.zeros((n_boot, len(self.edges), 2))  # replicate x bin x (profit, cost)
        if len(rows) and n_boot > 0:
            bins = np.searchsorted(self.edges, self.followers[rows], side="right") - 1
            reps = pigeonhole_bootstrap_group_sums(
                np.column_stack([self.profit[rows], self.cost[rows]]),
                cluster_codes(part["campaign_id"]), self.creators[rows], bins, n_boot, seed=seed)
            self.reps[:, :reps.shape[1]] = reps

    def _in(self, r: Range) -> np.ndarray:
        """Rows with followers in the half-open range (`tiers.in_range`)."""
        low, high = r
        mask = self.followers >= low
        return mask & (self.followers < high) if high is not None else mask

    def _replicates(self, r: Range, but: Range | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Replicates of the profit and cost sums over the bins inside `r` (and not in `but`)."""
        low, high = r
        keep = (self.edges >= low) & ((self.edges < high) if high is not None else True)
        if but is not None:
            keep &= ~((self.edges >= but[0]) & ((self.edges < but[1]) if but[1] is not None
                                                 else True))
        sums = self.reps[:, keep].sum(axis=1)
        return sums[:, 0], sums[:, 1]

    def compare(self, micro: Range, macro: Range, *, alpha: float) -> dict[str, Any]:
        """One specification: the pooled-ROI difference of `micro` minus `macro` activations
        with interval, one-sided p, Kish accounts and the withheld flag (a row with a note and
        no estimate under five activations in a group). Ranges must be among those the
        bootstrap was built for."""
        is_a = self.ok & self._in(micro)
        is_b = self.ok & self._in(macro) & ~is_a  # the first matching group wins
        n_a, n_b = int(is_a.sum()), int(is_b.sum())
        row: dict[str, Any] = {"micro": format_range(micro), "macro": format_range(macro),
                               "micro_range": list(micro), "macro_range": list(macro),
                               "n_micro": n_a, "n_macro": n_b, "estimate": np.nan,
                               "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan,
                               "roas_ratio": np.nan, "kish_accounts_micro": np.nan,
                               "kish_accounts_macro": np.nan, "top5_cost_share_micro": np.nan,
                               "top5_cost_share_macro": np.nan, "withheld": False, "note": ""}
        campaigns = self.campaigns[is_a | is_b]
        if min(n_a, n_b) < MIN_ROWS or campaigns.min() == campaigns.max():  # one campaign
            row["note"] = f"fewer than {MIN_ROWS} activations in a group"
            return row
        with np.errstate(divide="ignore", invalid="ignore"):
            cost_a, cost_b = self.cost[is_a].sum(), self.cost[is_b].sum()
            roi = [self.profit[m].sum() / c if c > 0 else np.nan
                   for m, c in ((is_a, cost_a), (is_b, cost_b))]
            roas = [self.revenue[m].sum() / c if c > 0 else np.nan
                    for m, c in ((is_a, cost_a), (is_b, cost_b))]
            (profit_a, rcost_a), (profit_b, rcost_b) = (self._replicates(micro),
                                                        self._replicates(macro, but=micro))
            rep = profit_a / rcost_a - profit_b / rcost_b
        rep = np.where(np.isfinite(rep), rep, np.nan)
        undefined = int(np.isnan(rep).sum())
        note = (f"{undefined} of {self.n_boot} replicates undefined (zero denominator)"
                if undefined else "")
        estimate = roi[0] - roi[1]
        if np.isfinite(estimate):
            (lo,), (hi,) = percentile_ci(rep, alpha)
            row.update(estimate=estimate, ci_low=lo, ci_high=hi,
                       p_value=bootstrap_p(rep, 0.0, "greater"))
        kish, top5 = {}, {}
        for name, mask in (("micro", is_a), ("macro", is_b)):
            if self.no_id[mask].any():
                kish[name] = top5[name] = np.nan
                continue
            per = np.bincount(self.creators[mask], self.cost[mask])
            per = per[per > 0]
            kish[name], top5[name] = kish_effective_n(per), top_share(per, 5)
        withheld = withheld_reasons(kish, int(self.no_id[is_a | is_b].sum()))
        with np.errstate(divide="ignore", invalid="ignore"):
            roas_ratio = roas[0] / roas[1] if np.isfinite(roas[0] / roas[1]) else np.nan
        row.update(note="; ".join([*withheld, note] if note else withheld),
                   kish_accounts_micro=kish["micro"], kish_accounts_macro=kish["macro"],
                   top5_cost_share_micro=top5["micro"], top5_cost_share_macro=top5["macro"],
                   withheld=bool(withheld), roas_ratio=roas_ratio)
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
    or explicit (micro, macro) ranges (an extra row, ``pre-specified ranges``). The rows'
    pigeonhole bootstraps are drawn once, shared (`SharedBootstrap`).

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
    boot = SharedBootstrap(d, [r for *_, micro, macro, _ in specs for r in (micro, macro)],
                           n_boot=n_boot, seed=seed)
    rows = [{"scheme": name, "scheme_source": source, **boot.compare(micro, macro, alpha=alpha),
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
