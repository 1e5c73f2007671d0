"""Campaign cost-efficiency metrics: per activation and pooled (ratios of sums) per group.

Every metric is a ratio ``scale * numerator / denominator`` of campaign-table columns:

| metric | numerator | denominator | meaning |
|---|---|---|---|
| cpm | cost | impressions | cost per 1,000 impressions |
| cpe | cost | engagements | cost per engagement |
| cpc | cost | clicks | cost per click |
| cpa | cost | conversions | cost per conversion |
| roas | revenue | cost | revenue per dollar spent |
| roi | revenue - cost | cost | profit per dollar spent |
| revenue_per_follower | revenue | followers | revenue per follower of the influencer |
| revenue_per_impression | revenue | impressions | revenue per reached user (impressions) |
| emv_per_cost | earned_media_value | cost | vendor "earned media value" per dollar; NOT ROI |

A metric is computed only where its input columns exist. A per-activation ratio is undefined (NaN,
never inf) when its denominator is zero, e.g. CPA of an activation with no conversion or ROAS of a
free (gifted) activation; such rows are counted in ``n_zero_denominator``. Pooled figures are
ratios of sums (the total a budget actually bought); a pooled figure whose denominator sums to zero
is reported as undefined with a note.

Example:
    >>> d = pd.DataFrame({"campaign_id": ["a", "a", "b"], "channel": "influencer",
    ...                   "cost": [100.0, 0.0, 300.0], "revenue": [50.0, 20.0, 600.0]})
    >>> t = pooled_metrics(d, metrics=["roas"])
    >>> float(t.loc[0, "estimate"]), int(t.loc[0, "n_zero_denominator"])
    (1.675, 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from inflresearch.errors import DataError
from inflresearch.methods.resampling import (
    cluster_bootstrap_sums,
    kish_effective_n,
    percentile_ci,
    pigeonhole_bootstrap_group_sums,
    sorted_unique,
    top_share,
)
from inflresearch.tiers import Range, in_range


@dataclass(frozen=True)
class Metric:
    """A ratio metric: ``scale * sum(numerator) / sum(denominator)``."""

    numerator: str
    denominator: str
    scale: float
    description: str


METRICS: dict[str, Metric] = {
    "cpm": Metric("cost", "impressions", 1000.0, "cost per 1,000 impressions"),
    "cpe": Metric("cost", "engagements", 1.0, "cost per engagement"),
    "cpc": Metric("cost", "clicks", 1.0, "cost per click"),
    "cpa": Metric("cost", "conversions", 1.0, "cost per conversion"),
    "roas": Metric("revenue", "cost", 1.0, "revenue per dollar spent"),
    "roi": Metric("profit", "cost", 1.0, "(revenue - cost) per dollar spent"),
    "revenue_per_follower": Metric("revenue", "followers", 1.0, "revenue per follower"),
    "revenue_per_impression": Metric(
        "revenue", "impressions", 1.0, "revenue per reached user (impressions used as reach)"
    ),
    "emv_per_cost": Metric(
        "earned_media_value", "cost", 1.0,
        "earned media value per dollar: a vendor estimate, NOT revenue and NOT ROI",
    ),
}
CHANNELS = ("influencer", "traditional")


def check_campaigns(data: pd.DataFrame, *, cluster: str = "campaign_id") -> pd.DataFrame:
    """Validate a campaigns table and return a copy with a derived ``profit`` column.

    Raises `DataError` naming the column and offending values for a missing campaign column,
    unknown channels, or negative money and count columns.

    Example:
        >>> d = check_campaigns(pd.DataFrame({"campaign_id": ["c1"], "channel": ["Influencer"],
        ...                                   "cost": [10.0], "revenue": [15.0]}))
        >>> d[["channel", "profit"]].to_dict("records")
        [{'channel': 'influencer', 'profit': 5.0}]
    """
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"campaign data must be a DataFrame, got {type(data).__name__}")
    if cluster not in data.columns:
        raise DataError("campaign table has no campaign column", column=cluster)
    out = data.copy()
    if "channel" not in out.columns:
        out["channel"] = "influencer"
    out["channel"] = out["channel"].astype("string").str.strip().str.lower()
    bad = sorted(set(out["channel"].dropna().unique()) - set(CHANNELS))  # not a loop over rows
    if bad:
        raise DataError(f"unknown channel values; expected {', '.join(CHANNELS)}",
                        column="channel", values=bad)
    columns = {m.numerator for m in METRICS.values()} | {m.denominator for m in METRICS.values()}
    for col in sorted(columns - {"profit"}):
        if col not in out.columns:
            continue
        values = pd.to_numeric(out[col], errors="coerce").astype(float)
        negative = values < 0
        if negative.any():
            raise DataError("negative values", column=col, values=values[negative].tolist())
        out[col] = values
    if {"revenue", "cost"} <= set(out.columns):
        out["profit"] = out["revenue"] - out["cost"]
    return out


def available_metrics(data: pd.DataFrame) -> list[str]:
    """Metrics whose numerator and denominator columns exist and hold at least one value."""
    def has(col: str) -> bool:
        if col == "profit":
            return has("revenue") and has("cost")
        return col in data.columns and bool(data[col].notna().any())

    return [name for name, m in METRICS.items() if has(m.numerator) and has(m.denominator)]


def _select(metrics: Sequence[str] | None, data: pd.DataFrame) -> list[str]:
    present = available_metrics(data)
    if metrics is None:
        return present
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise ValueError(f"unknown metrics {unknown}; known: {', '.join(METRICS)}")
    return [m for m in metrics if m in present]


def activation_metrics(data: pd.DataFrame, metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """Per-activation metric columns (NaN where an input is missing or the denominator is zero).

    Example:
        >>> d = pd.DataFrame({"campaign_id": ["a", "a"], "cost": [100.0, 50.0],
        ...                   "conversions": [4.0, 0.0], "revenue": [300.0, 0.0]})
        >>> activation_metrics(d, ["cpa", "roas"])[["cpa", "roas"]].to_dict("list")
        {'cpa': [25.0, nan], 'roas': [3.0, 0.0]}
    """
    out = check_campaigns(data)
    for name in _select(metrics, out):
        m = METRICS[name]
        num, den = out[m.numerator], out[m.denominator]
        out[name] = (m.scale * num / den.where(den > 0)).astype(float)
    return out


def creator_labels(ids: pd.Series) -> pd.Series:
    """Creator ids (string dtype) with each row without one labelled as its own creator,
    ``__row<position>``; the labels are built for those rows only.

    Example:
        >>> creator_labels(pd.Series(["x", None, "y"], dtype="string")).tolist()
        ['x', '__row1', 'y']
    """
    out = ids.astype("string")
    missing = out.isna().to_numpy()
    if missing.any():
        out = out.copy()
        out[missing] = ("__row" + pd.Series(np.flatnonzero(missing)).astype(str)).to_numpy()
    return out


def _group_keys(data: pd.DataFrame, by: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer group code per row (-1 where a key is missing) and the table of group keys."""
    if not by:
        return np.zeros(len(data), dtype=np.int64), pd.DataFrame(index=[0])
    keys = data[list(by)]
    valid = keys.notna().all(axis=1).to_numpy()
    codes = np.full(len(data), -1, dtype=np.int64)
    uniq = keys[valid].drop_duplicates()
    if not uniq.empty:
        uniq = uniq.sort_values(list(by)).reset_index(drop=True)
        numbered = uniq.assign(_code=np.arange(len(uniq)))  # a left merge keeps the row order
        codes[valid] = keys[valid].merge(numbered, on=list(by), how="left")["_code"].to_numpy()
    return codes, uniq


def _replicate_sums(
    inputs: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
    codes: np.ndarray,
    n_groups: int,
    clusters: np.ndarray,
    n_clusters: int,
    creators: np.ndarray | None,
    n_boot: int,
    seed: int,
) -> dict[str, np.ndarray]:
    """Bootstrap replicates (n_boot x 2 * n_groups: numerator sums, then denominator sums) per
    metric of `inputs` (name -> numerator, denominator, rows used), for `pooled_metrics`.

    Metrics that use the same rows share one bootstrap call: with the same seed over the same
    rows each call drew the same weights, so one call for all their columns (each input column
    once: cost serves six metrics) gives the same replicates as one call per metric, for one
    pass over the rows instead of one per metric. With `creators` the bootstrap is the
    pigeonhole (campaigns x creators) of the group sums (`pigeonhole_bootstrap_group_sums`),
    else campaign-cluster.

    Example:
        >>> use = np.array([True, True, False])
        >>> x = {"roas": (np.full(3, 2.0), np.ones(3), use), "roi": (np.ones(3), np.ones(3), use)}
        >>> r = _replicate_sums(x, np.zeros(3, int), 1, np.array([0, 1, 1]), 2, None, 4, 0)
        >>> r["roas"].shape, bool((r["roas"][:, 0] == 2 * r["roi"][:, 0]).all())
        ((4, 2), True)
    """
    batches: dict[bytes, list[str]] = {}
    for name, (_, _, use) in inputs.items():
        if n_boot > 0 and use.any():
            batches.setdefault(np.packbits(use).tobytes() + bytes([len(use) % 8]), []).append(name)
    out = {}
    for batch in batches.values():
        use = inputs[batch[0]][2]
        g = codes[use]
        columns: dict[str, np.ndarray] = {}  # each input column once (cost serves many metrics)
        for name in batch:
            num, den, _ = inputs[name]
            columns.setdefault(METRICS[name].numerator, num[use])
            columns.setdefault(METRICS[name].denominator, den[use])
        reps = np.zeros((n_boot, n_groups, len(columns)))  # replicate x group x column
        if creators is not None:
            crossed = pigeonhole_bootstrap_group_sums(np.column_stack(list(columns.values())),
                                                      clusters[use], creators[use], g, n_boot,
                                                      seed=seed)
            reps[:, :crossed.shape[1]] = crossed
        else:  # per-cluster sums of each group's values
            cells = clusters[use] * n_groups + g
            stacked = np.column_stack([np.bincount(cells, col, n_clusters * n_groups)
                                       for col in columns.values()])
            flat = cluster_bootstrap_sums(stacked.reshape(n_clusters, -1), n_boot, seed=seed)
            reps[:] = flat.reshape(n_boot, n_groups, len(columns))
        position = {col: j for j, col in enumerate(columns)}
        for name in batch:
            m = METRICS[name]
            out[name] = np.hstack([reps[:, :, position[m.numerator]],
                                   reps[:, :, position[m.denominator]]])
    return out


def pooled_metrics(
    data: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    metrics: Sequence[str] | None = None,
    cluster: str = "campaign_id",
    account: str | None = "account_id",
    n_boot: int = 0,
    alpha: float = 0.05,
    seed: int = 0,
) -> pd.DataFrame:
    """Pooled metrics (ratios of sums) per group, with bootstrap CIs if n_boot > 0.

    With an `account` (creator) column the CIs come from the pigeonhole bootstrap over campaigns
    x creators (rows without a creator id count as their own creator), else from a
    campaign-cluster bootstrap. Each row also carries the group's Kish effective number of
    accounts and the top-5 accounts' share of its cost (``kish_accounts``, ``top5_cost_share``;
    NaN for a group with influencer rows without a creator id: no count can be computed).

    Only rows with both inputs of a metric enter its sums; a group without such rows gets no row
    for that metric. The tidy result has one row per group and metric: the `by` columns,
    ``metric``, ``estimate``, ``ci_low``, ``ci_high``, ``numerator`` and ``denominator`` (sums),
    ``n`` (rows used), ``n_zero_denominator``, ``n_clusters``, ``method`` and ``note``.

    Example:
        >>> d = pd.DataFrame({"campaign_id": list("aabb"), "tier": ["micro", "macro"] * 2,
        ...                   "cost": [10.0, 100.0, 10.0, 100.0], "revenue": [30, 100, 10, 140.0]})
        >>> pooled_metrics(d, by="tier", metrics=["roas"])[["tier", "estimate"]].values.tolist()
        [['macro', 1.2], ['micro', 2.0]]
    """
    d = check_campaigns(data, cluster=cluster)
    by = [by] if isinstance(by, str) else list(by or [])
    missing = [c for c in by if c not in d.columns]
    if missing:
        raise DataError("grouping column not in the campaign table", column=missing[0])
    names = _select(metrics, d)
    codes, keys = _group_keys(d, by)
    n_groups = len(keys)
    clusters, cluster_codes = np.unique(d[cluster].astype(str).to_numpy(), return_inverse=True)
    crossed = account is not None and account in d.columns
    ids = d[account].astype("string") if crossed else pd.Series(pd.NA, index=d.index,
                                                                   dtype="string")
    creators = pd.factorize(creator_labels(ids), sort=True)[0]
    cost = d["cost"].to_numpy(float) if "cost" in d.columns else np.full(len(d), np.nan)
    no_id = ids.isna().to_numpy()  # influencer rows without a creator id: no count exists
    if "channel" in d.columns:
        no_id = no_id & (d["channel"] == "influencer").to_numpy()
    concentration = {}
    for k in range(n_groups):
        ok = (codes == k) & np.isfinite(cost)
        per = np.bincount(creators[ok], cost[ok])
        concentration[k] = ((np.nan, np.nan) if no_id[codes == k].any() else
                            (kish_effective_n(per[per > 0]), top_share(per[per > 0], 5)))
    inputs = {}
    for name in names:
        m = METRICS[name]
        num = d[m.numerator].to_numpy(float)
        den = d[m.denominator].to_numpy(float)
        inputs[name] = (num, den, np.isfinite(num) & np.isfinite(den) & (codes >= 0))
    replicates = _replicate_sums(inputs, codes, n_groups, cluster_codes, len(clusters),
                                 creators if crossed else None, n_boot, seed)
    rows = []
    for name in names:
        m = METRICS[name]
        num, den, use = inputs[name]
        g = codes[use]
        sums_num = np.bincount(g, num[use], minlength=n_groups)
        sums_den = np.bincount(g, den[use], minlength=n_groups)
        count = np.bincount(g, minlength=n_groups)
        zeros = np.bincount(g, (den[use] == 0).astype(float), minlength=n_groups)
        pairs = sorted_unique(g * len(clusters) + cluster_codes[use])  # (group, campaign) pairs
        n_clus = np.bincount(pairs // len(clusters), minlength=n_groups)
        safe = np.where(sums_den > 0, sums_den, 1.0)
        est = np.where(sums_den > 0, m.scale * sums_num / safe, np.nan)
        lo = hi = np.full(n_groups, np.nan)
        if name in replicates:
            reps = replicates[name]
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = m.scale * reps[:, :n_groups] / reps[:, n_groups:]
            ratio[~np.isfinite(ratio)] = np.nan
            lo, hi = percentile_ci(ratio, alpha)
        for k in range(n_groups):
            if count[k] == 0:  # the group has no rows with this metric's inputs
                continue
            note = "" if sums_den[k] > 0 else f"undefined: {m.denominator} sums to zero"
            if zeros[k] and not note:
                note = f"{int(zeros[k])} rows with zero {m.denominator} (in the sums, no own ratio)"
            rows.append({
                **{c: keys.iloc[k][c] for c in by},
                "metric": name,
                "estimate": est[k],
                "ci_low": lo[k],
                "ci_high": hi[k],
                "numerator": sums_num[k],
                "denominator": sums_den[k],
                "n": int(count[k]),
                "n_zero_denominator": int(zeros[k]),
                "n_clusters": int(n_clus[k]),
                "kish_accounts": concentration[k][0],
                "top5_cost_share": concentration[k][1],
                "method": "ratio of sums" + (
                    f"; {int(100 * (1 - alpha))}% "
                    + ("pigeonhole (campaign x creator)" if crossed else "campaign-cluster")
                    + " bootstrap CI" if n_boot else ""
                ),
                "note": note,
            })
    return pd.DataFrame(rows)


def ratio_of_sums_vs_mean(
    data: pd.DataFrame, *, metric: str = "roas", by: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """Pooled ratio of sums next to the mean and median of per-activation ratios, per group.

    The ratio of sums is the denominator-weighted mean of the per-activation ratios (for ROAS:
    cost-weighted), so it answers "what did the money earn". The plain mean weights a $20
    activation like a $20,000 one, and a few tiny activations with lucky sales can dominate it;
    rows with a zero denominator cannot enter it at all (``n_excluded``).

    Example:
        >>> d = pd.DataFrame({"campaign_id": list("abc"), "cost": [10.0, 1000.0, 1000.0],
        ...                   "revenue": [100.0, 500.0, 700.0]})
        >>> t = ratio_of_sums_vs_mean(d)
        >>> round(float(t.loc[0, "ratio_of_sums"]), 3), round(float(t.loc[0, "mean_of_ratios"]), 3)
        (0.647, 3.733)
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; known: {', '.join(METRICS)}")
    d = activation_metrics(data, [metric])
    if metric not in d.columns:
        raise DataError(f"metric {metric!r} needs columns {METRICS[metric].numerator!r} and "
                        f"{METRICS[metric].denominator!r}")
    by = [by] if isinstance(by, str) else list(by or [])
    pooled = pooled_metrics(d, by=by, metrics=[metric])
    m = METRICS[metric]
    inputs = d[m.numerator].notna() & d[m.denominator].notna()
    d = d[inputs]
    grouped = d.groupby(by, observed=True, sort=True) if by else [((), d)]
    rows = []
    for key, part in grouped:
        key = key if isinstance(key, tuple) else (key,)
        vals = part[metric].dropna()
        rows.append({
            **dict(zip(by, key, strict=True)),
            "mean_of_ratios": vals.mean() if len(vals) else np.nan,
            "median_of_ratios": vals.median() if len(vals) else np.nan,
            "n_excluded": int(len(part) - len(vals)),
        })
    means = pd.DataFrame(rows)
    keep = [*by, "estimate", "n"]
    out = pooled[keep].rename(columns={"estimate": "ratio_of_sums"})
    out = out.merge(means, on=by, how="left") if by else pd.concat([out, means], axis=1)
    out.insert(len(by), "metric", metric)
    return out


def label_groups(
    followers: pd.Series, groups: dict[str, Range], *, channel: pd.Series | None = None
) -> pd.Series:
    """Group label per row from follower ranges (NaN outside all ranges or for traditional rows).

    Ranges are half-open [low, high); the first matching group wins.

    Example:
        >>> groups = {"micro": (5e3, 1e4), "macro": (1e4, 1e5)}
        >>> label_groups(pd.Series([6e3, 5e4, 2e6]), groups).tolist()
        ['micro', 'macro', nan]
    """
    values = pd.to_numeric(followers, errors="coerce")
    out = pd.Series(np.nan, index=followers.index, dtype=object)
    for label, rng in reversed(list(groups.items())):
        out[in_range(values, rng).to_numpy()] = label
    if channel is not None:
        out[(channel.astype("string").str.lower() != "influencer").fillna(True).to_numpy()] = np.nan
    return out
