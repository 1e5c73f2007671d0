"""Group comparisons of pooled cost efficiency: micro versus macro, influencer versus traditional.

The primary test compares pooled ROI (a ratio of sums, so the difference in ROI equals the
difference in ROAS) between two groups of activations. Activations of one campaign share its
brand, product and season, and a creator who appears in several campaigns carries her own luck
into each: the design is crossed, campaigns x creators. The interval is the pigeonhole bootstrap's
(campaigns and creators resampled independently, each activation weighted by the product of its
two Poisson(1) multiplicities; Owen 2007, Owen and Eckles 2012, Davezies, D'Haultfoeuille and
Guyonvarch 2021) percentile interval, and the one-sided p-value is the share of replicates on the
null's side, so interval and p agree. It is conservative when creators rarely recur.

A pooled ROI is a cost-weighted mean of the creators' ROIs: when a few large creators carry most
of a group's cost it rests on few accounts and its sampling distribution is skewed. Every
comparison reports each group's Kish effective number of accounts and the top-5 cost share; below
`MIN_EFFECTIVE_ACCOUNTS` (30) effective accounts in a group, or when activations have no creator
id (recurrence cannot be checked), the verdict is withheld: at most ``inconclusive``, with the
reason in the note (``details["verdict_cap"]``; `apply_verdict_cap` re-applies it after Holm).

Beside it: a Poisson pseudo-maximum-likelihood regression of revenue with a log(cost) offset
(log expected ROAS) with campaign and niche fixed effects and a pigeonhole score bootstrap.
There is no permutation test: permuting creator labels tests only the sharp null that a label is
unrelated to everything a creator brings (micro and macro creators differ tenfold in cost), it
cannot respect campaign shocks and creator recurrence together, and without creator ids it cannot
see recurrence at all; on null worlds it rejected in 7% (24 campaigns) to 24% (no creator ids) of
them (one-sided, alpha 0.05), so it was dropped from the claim table.

Example:
    >>> from inflresearch.data.synth import simulate_world
    >>> w = simulate_world(seed=2, n_influencers=800, n_campaigns=40, with_text=False)
    >>> r = micro_vs_macro(w.campaigns, micro=(5e3, 1e4), macro=(1e4, 1e5), n_boot=200)
    >>> r.claim.id, list(r.table.columns[:4])
    ('micro_roi_exceeds_macro', ['comparison', 'metric', 'statistic', 'estimate'])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from inflresearch.claims import (
    INFLUENCER_ROI_EXCEEDS_TRADITIONAL,
    MICRO_ROI_EXCEEDS_MACRO,
    Claim,
    claim_result,
    not_testable,
)
from inflresearch.methods.resampling import (
    bootstrap_p,
    cluster_bootstrap_sums,
    kish_effective_n,
    percentile_ci,
    pigeonhole_bootstrap_sums,
    top_share,
)
from inflresearch.questions.roi.metrics import (
    METRICS,
    available_metrics,
    check_campaigns,
    creator_labels,
    label_groups,
)
from inflresearch.questions.roi.regression import MIN_ROWS, adjusted_ratio, cluster_codes, power_mde
from inflresearch.tidy import TidyResult
from inflresearch.tiers import Range

ACCOUNT = "account_id"  # influencers recur across campaigns: the crossed cluster of the claim tests
GOOD = {"roi": "greater", "roas": "greater", "cpe": "less", "cpa": "less", "cpm": "less",
        "cpc": "less", "revenue_per_follower": "greater", "revenue_per_impression": "greater"}


MIN_EFFECTIVE_ACCOUNTS = 30  # Kish effective accounts per group below which no firm verdict


def missing_ids(d: pd.DataFrame) -> pd.Series:
    """Rows without a creator id (all rows when the table has no creator column).

    Example:
        >>> missing_ids(pd.DataFrame({"account_id": ["a", None, " "]})).tolist()
        [False, True, True]
    """
    if ACCOUNT not in d.columns:
        return pd.Series(True, index=d.index)
    ids = d[ACCOUNT].astype("string").str.strip()
    return ids.isna() | (ids == "").fillna(True)


def unidentified(d: pd.DataFrame) -> np.ndarray:
    """Influencer activations without a creator id (a traditional placement has no creator).

    Example:
        >>> unidentified(pd.DataFrame({"account_id": [None, None], "channel": ["influencer",
        ...                            "traditional"]})).tolist()
        [True, False]
    """
    out = missing_ids(d).to_numpy()
    if "channel" in d.columns:
        out = out & (d["channel"] == "influencer").to_numpy()
    return out


def withheld_reasons(kish: Mapping[str, float | None], n_missing_account: int) -> list[str]:
    """Why a firm verdict is withheld: too few effective accounts, or creators not identified.

    Below `MIN_EFFECTIVE_ACCOUNTS` Kish effective accounts a group's pooled ROI rests on a handful
    of large accounts: its bootstrap distribution is skewed and intervals under-cover. Without
    creator ids, a creator's recurrence across campaigns cannot be checked (and no Kish count
    exists: a group's count is None or NaN then).

    Example:
        >>> withheld_reasons({"macro": 12.0, "micro": 80.0}, 0)
        ['verdict withheld: macro rests on 12 effective accounts (Kish), fewer than 30']
    """
    out = [f"verdict withheld: {g} rests on {k:.0f} effective accounts (Kish), fewer than "
           f"{MIN_EFFECTIVE_ACCOUNTS}" for g, k in kish.items()
           if k is not None and k < MIN_EFFECTIVE_ACCOUNTS]
    if n_missing_account:
        out.append(f"verdict withheld: {n_missing_account} activations have no creator id, so "
                   "recurrence of creators across campaigns cannot be checked (each such row is "
                   "treated as its own creator)")
    return out


def cap_reason(withheld: list[str]) -> str | None:
    """The reasons of `withheld_reasons` as one clause for the first screen (None: no cap).

    Example:
        >>> cap_reason(withheld_reasons({"macro": 13.0}, 0))
        'macro rests on 13 effective accounts (Kish), fewer than 30'
    """
    return "; ".join(r.removeprefix("verdict withheld: ") for r in withheld) or None


def apply_verdict_cap(claim: Claim) -> Claim:
    """The claim with its verdict lowered to ``details["verdict_cap"]`` (if set and firm).

    Call it again after Holm adjustment: `adjust_holm` recomputes verdicts from p and interval.

    Example:
        >>> c = claim_result("micro_roi_exceeds_macro", estimate=1.0, ci_low=0.5, ci_high=1.5,
        ...                  p_value=1e-6, n=100, method="m", verdict_cap="inconclusive")
        >>> apply_verdict_cap(c).verdict
        'inconclusive'
    """
    cap = claim.details.get("verdict_cap")
    if cap == "inconclusive" and claim.verdict in ("supported", "contradicted"):
        return replace(claim, verdict="inconclusive")
    return claim


@dataclass
class Comparison:
    """Result of `compare_pooled`: tidy `table` plus the bootstrap replicates per metric."""

    table: pd.DataFrame
    replicates: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass
class ClaimTest(TidyResult):
    """A claim's tests: tidy `table` of all estimates, per-group `groups`, the `claim` record."""

    claim: Claim
    table: pd.DataFrame
    groups: pd.DataFrame
    replicates: dict[str, np.ndarray] = field(default_factory=dict)


def _pooled_sums(d: pd.DataFrame, metrics: tuple[str, ...], is_a: np.ndarray) -> np.ndarray:
    """(rows x 4 per metric): numerator and denominator of groups a and b (zero elsewhere)."""
    columns = []
    for name in metrics:
        m = METRICS[name]
        num, den = d[m.numerator].to_numpy(float), d[m.denominator].to_numpy(float)
        ok = np.isfinite(num) & np.isfinite(den)
        for mask in (ok & is_a, ok & ~is_a):
            columns.append(np.where(mask, num, 0.0))
            columns.append(np.where(mask, den, 0.0))
    return np.column_stack(columns)


def _ratios(reps: np.ndarray, j: int, scale: float) -> tuple[np.ndarray, np.ndarray]:
    ra, rb = reps[:, 4 * j: 4 * j + 2], reps[:, 4 * j + 2: 4 * j + 4]
    with np.errstate(divide="ignore", invalid="ignore"):
        rep_a, rep_b = scale * ra[:, 0] / ra[:, 1], scale * rb[:, 0] / rb[:, 1]
    return np.where(np.isfinite(rep_a), rep_a, np.nan), np.where(np.isfinite(rep_b), rep_b, np.nan)


def account_codes(d: pd.DataFrame, account: str) -> tuple[np.ndarray, int]:
    """Integer creator code per row and the number of rows without a creator id.

    A row without an id counts as its own creator (so its recurrence cannot be seen).

    Example:
        >>> account_codes(pd.DataFrame({"account_id": ["x", None, "x"]}), "account_id")[1]
        1
    """
    ids = d[account].astype("string") if account in d.columns else pd.Series(
        pd.NA, index=d.index, dtype="string")
    return cluster_codes(creator_labels(ids)), int(ids.isna().sum())


def concentration(d: pd.DataFrame, codes: np.ndarray, mask: np.ndarray, weight: str = "cost"
                  ) -> tuple[float, float]:
    """Kish effective number of accounts and top-5 share of `weight` among rows in `mask`.

    Each account's weight is its total `weight` (cost) over its rows: the pooled ROI is the
    cost-weighted mean of the accounts' ROIs, so these say how many accounts it really rests on.
    Both are NaN when an influencer row in `mask` has no creator id (`unidentified`): who stands
    behind those rows is unknown, so no count can be computed.

    Example:
        >>> d = pd.DataFrame({"cost": [1.0, 1.0, 8.0], "account_id": ["a", "b", "c"]})
        >>> concentration(d, np.array([0, 1, 2]), np.array([True, True, True]))
        (1.52, 1.0)
        >>> concentration(d.assign(account_id=None), np.array([0, 1, 2]), np.array([True] * 3))
        (nan, nan)
    """
    if unidentified(d)[mask].any():
        return np.nan, np.nan
    w = d[weight].to_numpy(float)
    ok = mask & np.isfinite(w)
    per_account = np.bincount(codes[ok], w[ok])
    per_account = per_account[per_account > 0]
    return kish_effective_n(per_account), top_share(per_account, 5)


def compare_pooled(
    data: pd.DataFrame,
    *,
    group: str,
    a: str,
    b: str,
    metrics: tuple[str, ...] = ("roi", "roas", "cpe"),
    cluster: str | None = "campaign_id",
    cluster2: str | None = None,
    n_boot: int = 2000,
    alpha: float = 0.05,
    seed: int = 0,
) -> Comparison:
    """Difference (a - b) and ratio (a / b) of pooled metrics with a bootstrap percentile CI.

    `cluster=None` resamples activations independently (the naive bootstrap, for comparison);
    `cluster` alone resamples campaigns. With `cluster2` (e.g. ``"account_id"``) the design is
    crossed: a creator who appears in several campaigns carries her own luck into each, so the
    pigeonhole bootstrap resamples campaigns and creators independently and weights each
    activation by the product of the two Poisson(1) multiplicities; rows without a creator id
    count as their own creator (``n_missing_account`` says how many). Percentile intervals, and
    one-sided p-values that are the share of replicates on the null's side (they invert the
    interval). p-values are for group `a` being more efficient (higher ROI/ROAS, lower costs).
    The ratio of ROI is not reported (ROI can be negative). Each row carries the Kish effective
    number of accounts and the top-5 cost share of both groups.

    Example:
        >>> d = pd.DataFrame({"campaign_id": np.repeat(np.arange(20), 2), "g": ["x", "y"] * 20,
        ...                   "cost": 100.0, "revenue": np.tile([200.0, 100.0], 20)})
        >>> t = compare_pooled(d, group="g", a="x", b="y", metrics=("roas",), n_boot=100).table
        >>> t[["statistic", "estimate"]].values.tolist()
        [['difference', 1.0], ['ratio', 2.0]]
    """
    d = check_campaigns(data, cluster=cluster or "campaign_id")
    d = d[d[group].isin([a, b])]
    metrics = tuple(m for m in metrics if m in available_metrics(d))
    is_a = (d[group] == a).to_numpy()
    clusters = cluster_codes(d[cluster]) if cluster else np.arange(len(d))
    n_clusters = int(clusters.max() + 1) if len(d) else 0
    if not metrics or n_clusters < 2:
        return Comparison(pd.DataFrame(columns=["metric", "statistic", "estimate"]), {})
    values = _pooled_sums(d, metrics, is_a)
    rng = np.random.default_rng(seed)
    accounts, n_missing = account_codes(d, cluster2 or ACCOUNT)
    crossed = bool(cluster and cluster2)
    if crossed:
        reps = pigeonhole_bootstrap_sums(values, clusters, accounts, n_boot, seed=rng)
        method = (f"pigeonhole bootstrap ({cluster} x {cluster2} resampled independently, "
                  "Poisson(1) weights), percentile interval")
    else:
        sums = np.column_stack([np.bincount(clusters, col, n_clusters) for col in values.T])
        reps = cluster_bootstrap_sums(sums, n_boot, seed=rng)
        method = ("campaign-cluster" if cluster else "naive (activation)") + " percentile bootstrap"
    kish_a, top5_a = concentration(d, accounts, is_a)
    kish_b, top5_b = concentration(d, accounts, ~is_a)
    totals = values.sum(axis=0)
    rows, replicates = [], {}
    for j, name in enumerate(metrics):
        m = METRICS[name]
        na, da, nb, db = totals[4 * j: 4 * j + 4]
        with np.errstate(divide="ignore", invalid="ignore"):
            est_a = m.scale * na / da if da > 0 else np.nan
            est_b = m.scale * nb / db if db > 0 else np.nan
        rep_a, rep_b = _ratios(reps, j, m.scale)
        replicates[name] = np.column_stack([rep_a, rep_b])
        direction = GOOD.get(name, "greater")
        stats_ = [("difference", est_a - est_b, 0.0, rep_a - rep_b)]
        if name != "roi":
            with np.errstate(divide="ignore", invalid="ignore"):
                stats_.append(("ratio", est_a / est_b, 1.0, rep_a / rep_b))
        for stat, est, null, rep in stats_:
            rep = np.where(np.isfinite(rep), rep, np.nan)
            undefined = int(np.isnan(rep).sum())
            note = (f"{undefined} of {n_boot} replicates undefined (zero denominator)"
                    if undefined else "")
            if np.isfinite(est):
                (lo,), (hi,) = percentile_ci(rep, alpha)
                p = bootstrap_p(rep, null, direction)
                se = float(np.nanstd(rep, ddof=1)) if np.isfinite(rep).sum() > 1 else np.nan
            else:
                lo = hi = p = se = np.nan
            rows.append({
                "metric": name, "statistic": stat,
                "estimate": est if np.isfinite(est) else np.nan,
                "ci_low": lo, "ci_high": hi, "p_value": p,
                "null": null, "direction": direction,
                "estimate_a": est_a, "estimate_b": est_b, "se": se,
                "n": int(len(d)), "n_a": int(is_a.sum()), "n_b": int((~is_a).sum()),
                "n_clusters": n_clusters,
                "n_accounts": (int(accounts.max()) + 1 if crossed and not unidentified(d).any()
                               else np.nan),
                "n_missing_account": n_missing,
                "kish_accounts_a": kish_a, "kish_accounts_b": kish_b,
                "top5_cost_share_a": top5_a, "top5_cost_share_b": top5_b,
                "method": method, "note": note,
            })
    return Comparison(pd.DataFrame(rows), replicates)


def _too_small(d: pd.DataFrame, a: str, b: str, labels: dict[str, str]) -> str | None:
    counts = d["_group"].value_counts()
    need = [f"{labels[g]} ({int(counts.get(g, 0))})" for g in (a, b) if counts.get(g, 0) < MIN_ROWS]
    if need:
        return f"fewer than {MIN_ROWS} activations with cost and revenue in: " + ", ".join(need)
    if d["campaign_id"].nunique() < 2:
        return "all activations belong to one campaign; the campaign bootstrap needs at least two"
    for g in (a, b):
        if d.loc[d["_group"] == g, "cost"].sum() <= 0:
            return f"total cost of the {labels[g]} activations is zero: ROI undefined"
    return None


def micro_vs_macro(
    data: pd.DataFrame,
    *,
    micro: Range,
    macro: Range,
    n_boot: int = 2000,
    alpha: float = 0.05,
    seed: int = 0,
    reference_lift: float = 0.3,
    niche: str | None = "niche",
    family_size: int = 3,
) -> ClaimTest:
    """Claim ``micro_roi_exceeds_macro``: pooled ROI of micro minus macro activations.

    The claim record carries the campaign-cluster bootstrap estimate, CI and p-value, plus the
    ROAS ratio, the regression's ratio and p-value and the power to detect `reference_lift`
    (30% more ROAS by default); the minimum detectable difference at 80% power is read from the
    interval (`claims.detectable_effect`).

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> w = simulate_world(seed=1, n_influencers=500, n_campaigns=30, with_text=False)
        >>> r = micro_vs_macro(w.campaigns, micro=(5e3, 1e4), macro=(1e4, 1e5), n_boot=100)
        >>> r.claim.verdict in ("supported", "inconclusive", "contradicted")
        True
    """
    labels = {"micro": f"micro {format_range(micro)}", "macro": f"macro {format_range(macro)}"}
    return _two_group_claim(
        data, MICRO_ROI_EXCEEDS_MACRO, "micro", "macro", labels,
        lambda d: label_groups(d["followers"], {"micro": micro, "macro": macro},
                               channel=d["channel"]),
        n_boot=n_boot, alpha=alpha, seed=seed, reference_lift=reference_lift,
        niche=niche, metrics=("roi", "roas", "cpe"), needs_followers=True,
        family_size=family_size,
    )


def influencer_vs_traditional(
    data: pd.DataFrame,
    *,
    n_boot: int = 2000,
    alpha: float = 0.05,
    seed: int = 0,
    reference_lift: float = 0.3,
    family_size: int = 3,
) -> ClaimTest:
    """Claim ``influencer_roi_exceeds_traditional``: pooled ROI of influencer minus traditional.

    ``not testable`` when the data hold no traditional rows (or no cost and revenue).

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> w = simulate_world(seed=1, n_influencers=300, n_campaigns=30, with_text=False)
        >>> r = influencer_vs_traditional(w.campaigns, n_boot=100)
        >>> r.claim.direction, r.claim.null
        ('greater', 0.0)
    """
    labels = {"influencer": "influencer", "traditional": "traditional"}
    return _two_group_claim(
        data, INFLUENCER_ROI_EXCEEDS_TRADITIONAL, "influencer", "traditional", labels,
        lambda d: d["channel"].astype(object),
        n_boot=n_boot, alpha=alpha, seed=seed, reference_lift=reference_lift,
        niche=None, metrics=("roi", "roas", "cpm", "cpa"), needs_followers=False,
        family_size=family_size,
    )


def format_range(r: Range) -> str:
    """A follower range as text: ``(5e3, 1e4)`` -> ``'5k-10k'``, ``(1e6, None)`` -> ``'1M+'``.

    Example:
        >>> format_range((5e3, 1e4)), format_range((1e6, None))
        ('5k-10k', '1M+')
    """
    def f(x: float) -> str:
        return f"{x / 1e6:g}M" if x >= 1e6 else f"{x / 1e3:g}k" if x >= 1e3 else f"{x:g}"
    return f"{f(r[0])}-{f(r[1])}" if r[1] is not None else f"{f(r[0])}+"


def _known(value: float) -> float | None:
    """None for a figure that could not be computed (NaN), else the float."""
    return float(value) if np.isfinite(value) else None


def _two_group_claim(
    data: pd.DataFrame | None, claim_id: str, a: str, b: str, labels: dict[str, str], grouper: Any,
    *, n_boot: int, alpha: float, seed: int, reference_lift: float,
    niche: str | None, metrics: tuple[str, ...], needs_followers: bool, family_size: int,
) -> ClaimTest:
    empty = pd.DataFrame(columns=["metric", "statistic", "estimate", "ci_low", "ci_high",
                                  "p_value"])

    def untestable(reason: str, n: int = 0) -> ClaimTest:
        return ClaimTest(not_testable(claim_id, reason, n=n), empty, pd.DataFrame())

    if data is None or len(data) == 0:
        return untestable("no campaign-level outcomes (no campaigns table)")
    d = check_campaigns(data)
    missing = [c for c in ("cost", "revenue") if c not in d.columns or d[c].notna().sum() == 0]
    if needs_followers and ("followers" not in d.columns or d["followers"].notna().sum() == 0):
        missing.append("followers")
    if missing:
        reason = "the campaign table has no " + " or ".join(missing) + " values"
        if "revenue" in missing and "earned_media_value" in d.columns:
            reason += " (earned media value is a vendor estimate, not revenue: no ROI from it)"
        return untestable(reason)
    d["_group"] = grouper(d)
    d = d[d["_group"].isin([a, b]) & d["cost"].notna() & d["revenue"].notna()]
    if b == "traditional" and (d["_group"] == b).sum() == 0:
        return untestable("no traditional-channel rows with cost and revenue")
    small = _too_small(d, a, b, labels)
    if small:
        return untestable(small, n=len(d))
    comp = compare_pooled(d, group="_group", a=a, b=b, metrics=metrics, n_boot=n_boot,
                          alpha=alpha, seed=seed, cluster2=ACCOUNT)
    adj = adjusted_ratio(d, group="_group", a=a, b=b, niche=niche, alpha=alpha, n_boot=n_boot,
                         seed=seed)
    parts = [comp.table, adj]
    table = pd.concat([p.dropna(axis=1, how="all") for p in parts], ignore_index=True)
    table.insert(0, "comparison", f"{labels[a]} vs {labels[b]}")
    main = comp.table.query("metric == 'roi' and statistic == 'difference'").iloc[0]
    ratio = comp.table.query("metric == 'roas' and statistic == 'ratio'").iloc[0]
    roas_b = main["estimate_b"] + 1.0
    pw = power_mde(main["se"], alpha=alpha, effect=reference_lift * roas_b,
                   family_size=family_size)
    kish = {labels[a]: _known(main["kish_accounts_a"]), labels[b]: _known(main["kish_accounts_b"])}
    top5 = {labels[a]: _known(main["top5_cost_share_a"]),
            labels[b]: _known(main["top5_cost_share_b"])}
    no_id = int(unidentified(d).sum())
    withheld = withheld_reasons(kish, no_id)
    extra = {
        "pooled_roi": {labels[a]: main["estimate_a"], labels[b]: main["estimate_b"]},
        "roas_ratio": ratio["estimate"], "roas_ratio_ci": [ratio["ci_low"], ratio["ci_high"]],
        "power": pw["power"], "power_effect": f"{reference_lift:.0%} more ROAS",
        "power_level": pw["level"],
        "groups": {"a": labels[a], "b": labels[b]},
        "kish_effective_accounts": kish, "top5_cost_share": top5,
        "min_effective_accounts": MIN_EFFECTIVE_ACCOUNTS,
        "n_missing_account": no_id,
        "verdict_cap": "inconclusive" if withheld else None,
        "verdict_cap_reason": cap_reason(withheld),
    }
    extra["adjusted_roas_ratio"] = adj["estimate"].iloc[0]
    extra["adjusted_roas_ratio_ci"] = [adj["ci_low"].iloc[0], adj["ci_high"].iloc[0]]
    extra["adjusted_p"] = adj["p_value"].iloc[0]
    free = int((d["cost"] == 0).sum())
    extra["n_zero_cost"] = free
    notes = [*withheld, main["note"]] if main["note"] else list(withheld)
    if free:
        notes.append(f"{free} activations with zero cost are in the sums (their revenue counts; "
                     "their own ROI is undefined)")
    method = (f"difference in pooled ROI ({labels[a]} minus {labels[b]}), ratio of sums; "
              f"{main['method']} ({n_boot} resamples)")
    claim = apply_verdict_cap(claim_result(
        claim_id, estimate=main["estimate"], ci_low=main["ci_low"], ci_high=main["ci_high"],
        p_value=main["p_value"], n=int(main["n"]), method=method, null=0.0,
        direction="greater", alpha=alpha, note="; ".join(notes), **extra,
    ))
    groups = pd.DataFrame({
        "group": [labels[a], labels[b]],
        "activations": [int(main["n_a"]), int(main["n_b"])],
        "campaigns": [int(d.loc[d["_group"] == g, "campaign_id"].nunique()) for g in (a, b)],
        "cost": [d.loc[d["_group"] == g, "cost"].sum() for g in (a, b)],
        "revenue": [d.loc[d["_group"] == g, "revenue"].sum() for g in (a, b)],
    })
    groups["roas"] = groups["revenue"] / groups["cost"]
    groups["roi"] = groups["roas"] - 1
    return ClaimTest(claim, table, groups, comp.replicates)
