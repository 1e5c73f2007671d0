"""Group comparisons of pooled cost efficiency: micro versus macro, influencer versus traditional.

The primary test compares pooled ROI (a ratio of sums, so the difference in ROI equals the
difference in ROAS) between two groups of activations with a bootstrap that resamples whole
campaigns: activations of one campaign share its brand, product and season, so they are not
independent. The one-sided p-value for the claimed direction is the percentile-bootstrap p-value
(it inverts the percentile interval). Two checks sit beside it:

- a permutation test that shuffles the group labels within campaigns (exact for the sharp null
  that labels do not matter; it also asks costs to be exchangeable, so it is a secondary check);
- a Poisson pseudo-maximum-likelihood regression of revenue with a log(cost) offset, i.e. a model
  of log expected ROAS, with campaign and niche fixed effects and campaign-clustered errors.
  It handles activations with zero revenue, which an OLS of log(ROAS) would have to drop.

Example:
    >>> from inflresearch.data.synth import simulate_world
    >>> w = simulate_world(seed=2, n_influencers=800, n_campaigns=40, with_text=False)
    >>> r = micro_vs_macro(w.campaigns, micro=(5e3, 1e4), macro=(1e4, 1e5), n_boot=200, n_perm=200)
    >>> r.claim.id, list(r.table.columns[:4])
    ('micro_roi_exceeds_macro', ['comparison', 'metric', 'statistic', 'estimate'])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from inflresearch.claims import Claim, claim_result, not_testable
from inflresearch.methods.resampling import (
    bootstrap_p,
    cluster_bootstrap_sums,
    percentile_ci,
    stratified_permutations,
)
from inflresearch.questions.roi.metrics import METRICS, available_metrics, check_campaigns, label_groups
from inflresearch.questions.roi.regression import MIN_ROWS, adjusted_ratio, cluster_codes, power_mde
from inflresearch.tidy import TidyResult
from inflresearch.tiers import Range

ACCOUNT = "account_id"  # influencers recur across campaigns: the crossed cluster of the claim tests
GOOD = {"roi": "greater", "roas": "greater", "cpe": "less", "cpa": "less", "cpm": "less",
        "cpc": "less", "revenue_per_follower": "greater", "revenue_per_impression": "greater"}


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


def _pooled_sums(d: pd.DataFrame, metrics: tuple[str, ...], is_a: np.ndarray, codes: np.ndarray,
                 size: int) -> np.ndarray:
    """(clusters x 4 per metric) sums of numerator and denominator for groups a and b."""
    columns = []
    for name in metrics:
        m = METRICS[name]
        num, den = d[m.numerator].to_numpy(float), d[m.denominator].to_numpy(float)
        ok = np.isfinite(num) & np.isfinite(den)
        for mask in (ok & is_a, ok & ~is_a):
            columns.append(np.bincount(codes[mask], num[mask], minlength=size))
            columns.append(np.bincount(codes[mask], den[mask], minlength=size))
    return np.column_stack(columns)


def _ratios(reps: np.ndarray, j: int, scale: float) -> tuple[np.ndarray, np.ndarray]:
    ra, rb = reps[:, 4 * j: 4 * j + 2], reps[:, 4 * j + 2: 4 * j + 4]
    with np.errstate(divide="ignore", invalid="ignore"):
        rep_a, rep_b = scale * ra[:, 0] / ra[:, 1], scale * rb[:, 0] / rb[:, 1]
    return np.where(np.isfinite(rep_a), rep_a, np.nan), np.where(np.isfinite(rep_b), rep_b, np.nan)


def _two_way_interval(est: float, variances: tuple[float, float, float], null: float,
                      direction: str, alpha: float, log: bool) -> tuple[float, float, float, float]:
    """Cameron-Gelbach-Miller: V = V_campaign + V_account - V_cell (floored at the larger one-way
    variance); normal interval and one-sided p, on the log scale for ratios."""
    from scipy import stats

    v_c, v_a, v_cell = variances
    se = float(np.sqrt(max(v_c + v_a - v_cell, v_c, v_a)))
    centre, ref = (np.log(est), np.log(null)) if log else (est, null)
    z = stats.norm.ppf(1 - alpha / 2)
    lo, hi = centre - z * se, centre + z * se
    if log:
        lo, hi = np.exp(lo), np.exp(hi)
    t = (centre - ref) / se if se > 0 else np.nan
    p = float(stats.norm.sf(t) if direction == "greater" else stats.norm.cdf(t))
    return float(lo), float(hi), p, se


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
    """Difference (a - b) and ratio (a / b) of pooled metrics with a cluster-bootstrap CI.

    `cluster=None` resamples activations independently (the naive bootstrap, for comparison).
    p-values are one-sided in the direction where group `a` is more efficient (higher ROI/ROAS,
    lower costs). The ratio of ROI is not reported (ROI can be negative).

    `cluster2` (e.g. ``"account_id"``) adds a crossed cluster: an influencer who appears in several
    campaigns carries her own luck into each. Then the variance is the two-way clustered one of
    Cameron, Gelbach and Miller (2011), V_campaign + V_account - V_campaign x account, each from a
    cluster bootstrap, and the interval is normal (log scale for ratios). When no account recurs it
    reduces to the campaign bootstrap's variance. Rows without `cluster2` count as their own account.

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
    sums = _pooled_sums(d, metrics, is_a, clusters, n_clusters)
    rng = np.random.default_rng(seed)
    reps = cluster_bootstrap_sums(sums, n_boot, seed=rng)
    two_way = bool(cluster and cluster2 and cluster2 in d.columns)
    if two_way:
        own = pd.Series("__row" + pd.Series(np.arange(len(d))).astype(str).to_numpy(), index=d.index)
        accounts = cluster_codes(d[cluster2].astype("string").fillna(own))
        cells = cluster_codes(pd.Series(clusters.astype(np.int64) * (int(accounts.max()) + 1) + accounts))
        other = [cluster_bootstrap_sums(_pooled_sums(d, metrics, is_a, codes, int(codes.max()) + 1),
                                        n_boot, seed=rng) for codes in (accounts, cells)]
        n_accounts = int(accounts.max()) + 1
        method = (f"two-way clustered ({cluster} x {cluster2}) bootstrap variance "
                  "(Cameron-Gelbach-Miller), normal interval (log scale and log-scale se for ratios)")
    else:
        method = ("campaign-cluster" if cluster else "naive (activation)") + " percentile bootstrap"
    totals = sums.sum(axis=0)
    rows, replicates = [], {}
    for j, name in enumerate(metrics):
        m = METRICS[name]
        na, da, nb, db = totals[4 * j: 4 * j + 4]
        with np.errstate(divide="ignore", invalid="ignore"):
            est_a = m.scale * na / da if da > 0 else np.nan
            est_b = m.scale * nb / db if db > 0 else np.nan
        rep_a, rep_b = _ratios(reps, j, m.scale)
        replicates[name] = np.column_stack([rep_a, rep_b])
        more = [_ratios(r, j, m.scale) for r in other] if two_way else []
        direction = GOOD.get(name, "greater")
        stats_ = [("difference", est_a - est_b, 0.0, [r[0] - r[1] for r in [(rep_a, rep_b), *more]])]
        if name != "roi":
            with np.errstate(divide="ignore", invalid="ignore"):
                stats_.append(("ratio", est_a / est_b, 1.0, [r[0] / r[1] for r in [(rep_a, rep_b), *more]]))
        for stat, est, null, sets in stats_:
            sets = [np.where(np.isfinite(r), r, np.nan) for r in sets]
            rep = sets[0]
            undefined = int(np.isnan(rep).sum())
            note = (f"{undefined} of {n_boot} replicates undefined (zero denominator)"
                    if undefined else "")
            if not np.isfinite(est):
                lo, hi, p, se = np.nan, np.nan, np.nan, np.nan
            elif two_way:
                log = stat == "ratio"
                if log and est <= 0:
                    lo = hi = p = se = np.nan
                else:
                    scaled = [np.log(r[r > 0]) if log else r[np.isfinite(r)] for r in sets]
                    var = tuple(float(np.var(r, ddof=1)) if len(r) > 1 else np.nan for r in scaled)
                    lo, hi, p, se = _two_way_interval(est, var, null, direction, alpha, log)
            else:
                (lo,), (hi,) = percentile_ci(rep, alpha)
                p = bootstrap_p(rep, null, direction)
                se = float(np.nanstd(rep, ddof=1)) if np.isfinite(rep).sum() > 1 else np.nan
            rows.append({
                "metric": name, "statistic": stat,
                "estimate": est if np.isfinite(est) else np.nan,
                "ci_low": lo, "ci_high": hi, "p_value": p,
                "null": null, "direction": direction,
                "estimate_a": est_a, "estimate_b": est_b, "se": se,
                "n": int(len(d)), "n_a": int(is_a.sum()), "n_b": int((~is_a).sum()),
                "n_clusters": n_clusters, "n_accounts": n_accounts if two_way else np.nan,
                "method": method, "note": note,
            })
    return Comparison(pd.DataFrame(rows), replicates)


def permutation_test(
    data: pd.DataFrame,
    *,
    group: str,
    a: str,
    b: str,
    metric: str = "roi",
    strata: str = "campaign_id",
    n_perm: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Permutation test of the pooled-metric difference a - b, shuffling labels within campaigns.

    Returns one tidy row (estimate, p_value one-sided in the efficient direction for `a`, n).

    Example:
        >>> d = pd.DataFrame({"campaign_id": np.repeat(np.arange(30), 2), "g": ["x", "y"] * 30,
        ...                   "cost": 100.0, "revenue": np.tile([200.0, 100.0], 30)})
        >>> float(permutation_test(d, group="g", a="x", b="y", n_perm=199)["p_value"].iloc[0])
        0.005
    """
    d = check_campaigns(data, cluster=strata)
    m = METRICS[metric]
    d = d[d[group].isin([a, b]) & d[m.numerator].notna() & d[m.denominator].notna()]
    d = d.assign(_s=cluster_codes(d[strata])).sort_values("_s", kind="stable")
    num, den = d[m.numerator].to_numpy(float), d[m.denominator].to_numpy(float)
    is_a = (d[group] == a).to_numpy()
    direction = GOOD.get(metric, "greater")

    def diff(mask: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            ra = m.scale * (mask @ num) / (mask @ den)
            rb = m.scale * ((1 - mask) @ num) / ((1 - mask) @ den)
        return ra - rb

    observed = float(diff(is_a.astype(float)))
    block = max(1, 4_000_000 // max(len(d), 1))
    rng = np.random.default_rng(seed)
    perm = []
    for start in range(0, n_perm, block):
        idx = stratified_permutations(d["_s"].to_numpy(), min(block, n_perm - start), seed=rng)
        perm.append(diff(is_a[idx].astype(float)))
    null = np.concatenate(perm) if perm else np.array([])
    null = null[np.isfinite(null)]
    sign = 1.0 if direction == "greater" else -1.0
    extreme = np.sum(sign * (null - observed) >= -1e-12)
    p = (extreme + 1) / (len(null) + 1) if len(null) and np.isfinite(observed) else np.nan
    return pd.DataFrame([{
        "metric": metric, "statistic": "difference", "estimate": observed,
        "ci_low": np.nan, "ci_high": np.nan, "p_value": float(p), "null": 0.0,
        "direction": direction, "n": int(len(d)), "n_a": int(is_a.sum()),
        "n_b": int((~is_a).sum()), "n_clusters": int(d["_s"].nunique()),
        "method": f"permutation test, labels shuffled within {strata} ({len(null)} permutations)",
        "note": "",
    }])


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
    n_perm: int = 2000,
    alpha: float = 0.05,
    seed: int = 0,
    reference_lift: float = 0.3,
    niche: str | None = "niche",
) -> ClaimTest:
    """Claim ``micro_roi_exceeds_macro``: pooled ROI of micro minus macro activations.

    The claim record carries the campaign-cluster bootstrap estimate, CI and p-value, plus the
    ROAS ratio, the permutation and regression p-values, the power to detect `reference_lift`
    (30% more ROAS by default) and the minimum detectable difference at 80% power.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> w = simulate_world(seed=1, n_influencers=500, n_campaigns=30, with_text=False)
        >>> r = micro_vs_macro(w.campaigns, micro=(5e3, 1e4), macro=(1e4, 1e5), n_boot=100,
        ...                    n_perm=100)
        >>> r.claim.verdict in ("supported", "inconclusive", "contradicted")
        True
    """
    labels = {"micro": f"micro {format_range(micro)}", "macro": f"macro {format_range(macro)}"}
    return _two_group_claim(
        data, "micro_roi_exceeds_macro", "micro", "macro", labels,
        lambda d: label_groups(d["followers"], {"micro": micro, "macro": macro},
                               channel=d["channel"]),
        n_boot=n_boot, n_perm=n_perm, alpha=alpha, seed=seed, reference_lift=reference_lift,
        niche=niche, metrics=("roi", "roas", "cpe"), needs_followers=True,
    )


def influencer_vs_traditional(
    data: pd.DataFrame,
    *,
    n_boot: int = 2000,
    n_perm: int = 2000,
    alpha: float = 0.05,
    seed: int = 0,
    reference_lift: float = 0.3,
) -> ClaimTest:
    """Claim ``influencer_roi_exceeds_traditional``: pooled ROI of influencer minus traditional.

    ``not testable`` when the data hold no traditional rows (or no cost and revenue).

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> w = simulate_world(seed=1, n_influencers=300, n_campaigns=30, with_text=False)
        >>> r = influencer_vs_traditional(w.campaigns, n_boot=100, n_perm=100)
        >>> r.claim.direction, r.claim.null
        ('greater', 0.0)
    """
    labels = {"influencer": "influencer", "traditional": "traditional"}
    return _two_group_claim(
        data, "influencer_roi_exceeds_traditional", "influencer", "traditional", labels,
        lambda d: d["channel"].astype(object),
        n_boot=n_boot, n_perm=n_perm, alpha=alpha, seed=seed, reference_lift=reference_lift,
        niche=None, metrics=("roi", "roas", "cpm", "cpa"), needs_followers=False,
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


def _two_group_claim(
    data: pd.DataFrame | None, claim_id: str, a: str, b: str, labels: dict[str, str], grouper: Any,
    *, n_boot: int, n_perm: int, alpha: float, seed: int, reference_lift: float,
    niche: str | None, metrics: tuple[str, ...], needs_followers: bool,
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
    reason = _too_small(d, a, b, labels)
    if reason:
        return untestable(reason, n=len(d))
    comp = compare_pooled(d, group="_group", a=a, b=b, metrics=metrics, n_boot=n_boot,
                          alpha=alpha, seed=seed, cluster2=ACCOUNT)
    perm = permutation_test(d, group="_group", a=a, b=b, metric="roi", n_perm=n_perm, seed=seed)
    adj = adjusted_ratio(d, group="_group", a=a, b=b, niche=niche, alpha=alpha)
    parts = [comp.table, perm, adj]
    table = pd.concat([p.dropna(axis=1, how="all") for p in parts], ignore_index=True)
    table.insert(0, "comparison", f"{labels[a]} vs {labels[b]}")
    main = comp.table.query("metric == 'roi' and statistic == 'difference'").iloc[0]
    ratio = comp.table.query("metric == 'roas' and statistic == 'ratio'").iloc[0]
    roas_b = main["estimate_b"] + 1.0
    pw = power_mde(main["se"], alpha=alpha, effect=reference_lift * roas_b)
    extra = {
        "pooled_roi": {labels[a]: main["estimate_a"], labels[b]: main["estimate_b"]},
        "roas_ratio": ratio["estimate"], "roas_ratio_ci": [ratio["ci_low"], ratio["ci_high"]],
        "permutation_p": float(perm["p_value"].iloc[0]),
        "power": pw["power"], "power_effect": f"{reference_lift:.0%} more ROAS",
        "mde": pw["mde"],
        "mde_relative": pw["mde"] / roas_b if roas_b > 0 else None,
        "groups": {"a": labels[a], "b": labels[b]},
    }
    extra["adjusted_roas_ratio"] = adj["estimate"].iloc[0]
    extra["adjusted_roas_ratio_ci"] = [adj["ci_low"].iloc[0], adj["ci_high"].iloc[0]]
    extra["adjusted_p"] = adj["p_value"].iloc[0]
    free = int((d["cost"] == 0).sum())
    extra["n_zero_cost"] = free
    notes = [main["note"]] if main["note"] else []
    if free:
        notes.append(f"{free} activations with zero cost are in the sums (their revenue counts; "
                     "their own ROI is undefined)")
    method = (f"difference in pooled ROI ({labels[a]} minus {labels[b]}), ratio of sums; "
              f"{main['method']} ({n_boot} resamples)")
    claim = claim_result(
        claim_id, estimate=main["estimate"], ci_low=main["ci_low"], ci_high=main["ci_high"],
        p_value=main["p_value"], n=int(main["n"]), method=method, null=0.0,
        direction="greater", alpha=alpha, note="; ".join(notes), **extra,
    )
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
