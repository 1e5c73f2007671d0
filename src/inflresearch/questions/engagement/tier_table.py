"""Engagement rate by follower tier, three ways, with bootstrap CIs, next to published benchmarks.

Per tier: the median engagement rate, the mean of per-account rates (what vendor benchmarks
usually report; dominated by small accounts' noisy rates) and the pooled rate (sum of engagements
over sum of followers, i.e. engagements per follower reached). Zero-engagement accounts count
here (rate 0). CIs are percentile bootstrap CIs over accounts (see `range_stats`).

Example:
    >>> from inflresearch.data.synth import simulate_world
    >>> w = simulate_world(seed=1, n_influencers=1000, n_campaigns=0)
    >>> tier_table(w.influencers, tiers="blog", n_boot=200)["tier"].tolist()
    ['everyday', 'micro', 'macro', 'celebrity']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from inflresearch.errors import DataError
from inflresearch.methods.median import median_ci
from inflresearch.methods.rates import engagements_per_post
from inflresearch.questions.engagement.benchmarks import benchmarks
from inflresearch.tiers import SCHEMES, preset, scheme

STATS = ("median_rate", "mean_rate", "pooled_rate")
_CHUNK = 4_000_000  # resampled values held in memory at once


def _rates(df: pd.DataFrame, followers: str, engagements: str) -> tuple[np.ndarray, np.ndarray]:
    """Followers and engagements per post (the one rule of `methods.rates`) of usable accounts."""
    if followers not in df.columns:
        raise DataError("follower column not found", column=followers)
    f = pd.to_numeric(df[followers], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    e = engagements_per_post(df, engagements, followers=followers)[0].to_numpy(
        dtype=float, na_value=np.nan)
    ok = np.isfinite(f) & (f > 0) & np.isfinite(e) & (e >= 0)
    return f[ok], e[ok]


def _boot_sums(
    values: tuple[np.ndarray, ...], cols: np.ndarray, n_boot: int, rng: np.random.Generator
) -> list[np.ndarray]:
    """Resample all accounts `n_boot` times; per replicate, the cumulative resample counts (and
    counts x each of `values`) up to each sorted position in `cols` (each n_boot x len(cols))."""
    n = len(values[0])
    starts = cols[cols < n]
    per_chunk = max(1, _CHUNK // n)
    out: list[list[np.ndarray]] = [[] for _ in range(len(values) + 1)]
    for start in range(0, n_boot, per_chunk):
        m = min(per_chunk, n_boot - start)
        idx = rng.integers(0, n, (m, n), dtype=np.int64) + (np.arange(m) * n)[:, None]
        counts = np.bincount(idx.ravel(), minlength=m * n).reshape(m, n).astype(float)
        for store, v in zip(out, (None, *values), strict=True):
            seg = np.add.reduceat(counts if v is None else counts * v, starts, axis=1)
            cum = np.zeros((m, len(cols) + 1))
            cum[:, np.searchsorted(cols, starts) + 1] = seg
            store.append(np.cumsum(cum, axis=1)[:, : len(cols)])
    return [np.vstack(parts) for parts in out]


def range_stats(
    followers: np.ndarray,
    engagements: np.ndarray,
    ranges: list[tuple[float, float | None]],
    *,
    n_boot: int = 1000,
    alpha: float = 0.05,
    rng: np.random.Generator | None = None,
) -> list[dict[str, float]]:
    """Median, mean and pooled rate with CIs and n for each follower range [low, high).

    CIs: the mean of rates and the pooled rate use one percentile bootstrap that resamples all
    accounts (so every range's statistics come from the same replicates; a range with no account
    in a replicate is skipped there); the median uses the one median interval of the package
    (`inflresearch.methods.median.median_ci`: distribution-free order statistics, NaN under 6
    accounts). Ranges may overlap.

    Example:
        >>> f, e = np.array([1e3, 2e3, 5e4, 2e5]), np.array([40.0, 60, 900, 2e3])
        >>> [round(s["pooled_rate"], 4) for s in range_stats(f, e, [(0, 1e4), (1e4, None)])]
        [0.0333, 0.0116]
    """
    rng = rng or np.random.default_rng(0)
    order = np.argsort(np.asarray(followers, dtype=float), kind="stable")
    f = np.asarray(followers, dtype=float)[order]
    e = np.asarray(engagements, dtype=float)[order]
    r = e / f
    bounds = np.array([[np.searchsorted(f, low, "left"),
                        len(f) if high is None else np.searchsorted(f, high, "left")]
                       for low, high in ranges], dtype=int).reshape(-1, 2)
    cols = np.unique(bounds)
    where = {c: i for i, c in enumerate(cols)}
    boot = _boot_sums((r, e, f), cols, n_boot, rng) if n_boot > 0 and len(f) > 1 else None
    rows = []
    for a, b in bounds:
        n = int(b - a)
        row: dict[str, float] = {"n": n}
        for s in STATS:
            row[s] = row[f"{s}_ci_low"] = row[f"{s}_ci_high"] = np.nan
        if n:
            ra = r[a:b]
            row.update(median_rate=float(np.median(ra)), mean_rate=float(ra.mean()),
                       pooled_rate=float(e[a:b].sum() / f[a:b].sum()))
        if n > 1 and boot is not None:
            row["median_rate_ci_low"], row["median_rate_ci_high"] = median_ci(ra, alpha)
            counts, sr, se, sf = (m[:, where[b]] - m[:, where[a]] for m in boot)
            ok = counts > 0
            q = [alpha / 2, 1 - alpha / 2]
            row["mean_rate_ci_low"], row["mean_rate_ci_high"] = np.quantile(sr[ok] / counts[ok], q)
            row["pooled_rate_ci_low"], row["pooled_rate_ci_high"] = np.quantile(
                se[ok] / sf[ok], q)
        rows.append({k: (v if k == "n" else float(v)) for k, v in row.items()})
    return rows


def rate_stats(
    followers: np.ndarray,
    engagements: np.ndarray,
    *,
    n_boot: int = 1000,
    alpha: float = 0.05,
    rng: np.random.Generator | None = None,
) -> dict[str, float]:
    """Median, mean and pooled rate of one group with bootstrap CIs and n (see `range_stats`).

    Example:
        >>> s = rate_stats(np.array([100., 1000, 1e4]), np.array([10., 50, 200]), n_boot=50)
        >>> round(s["pooled_rate"], 4), s["n"]
        (0.0234, 3)
    """
    return range_stats(followers, engagements, [(-np.inf, None)], n_boot=n_boot, alpha=alpha,
                       rng=rng)[0]


def tier_table(
    df: pd.DataFrame,
    *,
    tiers: str | dict[str, tuple[float, float | None]] = "blog",
    followers: str = "followers",
    engagements: str = "engagements",
    n_boot: int = 1000,
    alpha: float = 0.05,
    seed: int = 0,
) -> pd.DataFrame:
    """One row per tier of the preset: range, n, median / mean / pooled rate with bootstrap CIs.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> t = tier_table(simulate_world(seed=2, n_influencers=800).influencers, n_boot=100)
        >>> list(t.columns[:4])
        ['tier', 'follower_min', 'follower_max', 'n']
    """
    table = preset(tiers) if isinstance(tiers, str) else dict(tiers)
    f, e = _rates(df, followers, engagements)
    if len(f) == 0:
        raise DataError("no account with positive followers and known engagement",
                        column=followers)
    found = range_stats(f, e, list(table.values()), n_boot=n_boot, alpha=alpha,
                        rng=np.random.default_rng(seed))
    rows = [{"tier": name, "follower_min": float(low),
             "follower_max": np.nan if high is None else float(high), **stats_}
            for (name, (low, high)), stats_ in zip(table.items(), found, strict=True)]
    out = pd.DataFrame(rows)
    out["n"] = out["n"].astype(int)
    return out


def scheme_tier_table(
    df: pd.DataFrame,
    *,
    schemes: tuple[str, ...] = tuple(SCHEMES),
    followers: str = "followers",
    engagements: str = "engagements",
    n_boot: int = 1000,
    alpha: float = 0.05,
    seed: int = 0,
) -> pd.DataFrame:
    """The tier table under every scheme in `schemes`, side by side (one row per scheme and
    tier, with the scheme's name and source); the columns of `tier_table` plus ``scheme`` and
    ``scheme_source`` (its title and year).

    All tiers of all schemes come from one bootstrap over the accounts (`range_stats` takes
    overlapping ranges), so schemes are compared on the same replicates.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> t = scheme_tier_table(simulate_world(seed=2, n_influencers=800).influencers,
        ...                       schemes=("blog", "upfluence"), n_boot=50)
        >>> t.groupby("scheme", sort=False).size().to_dict()
        {'blog': 4, 'upfluence': 3}
    """
    chosen = [scheme(name) for name in schemes]
    f, e = _rates(df, followers, engagements)
    if len(f) == 0:
        raise DataError("no account with positive followers and known engagement",
                        column=followers)
    keys = [(s, name, rng) for s in chosen for name, rng in s.tiers.items()]
    found = range_stats(f, e, [rng for _, _, rng in keys], n_boot=n_boot, alpha=alpha,
                        rng=np.random.default_rng(seed))
    rows = [{"scheme": s.name, "scheme_source": s.cited, "tier": name,
             "follower_min": float(low), "follower_max": np.nan if high is None else float(high),
             **stats_}
            for (s, name, (low, high)), stats_ in zip(keys, found, strict=True)]
    out = pd.DataFrame(rows)
    out["n"] = out["n"].astype(int)
    return out


def compare_published(
    df: pd.DataFrame,
    *,
    platform: str = "instagram",
    followers: str = "followers",
    engagements: str = "engagements",
    likes: str = "avg_likes",
    n_boot: int = 1000,
    alpha: float = 0.05,
    seed: int = 0,
) -> pd.DataFrame:
    """Each published benchmark of `platform` next to this data's rates over the same range.

    Like-rate benchmarks are compared with likes / followers (needs the `likes` column),
    engagement-rate benchmarks with engagements / followers. Rows whose range holds no account
    have n = 0 and NaN estimates; the source, year and definition stay in the row.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> c = compare_published(simulate_world(seed=3, n_influencers=800).influencers, n_boot=50)
        >>> {"published_value", "median_rate", "source"} <= set(c.columns)
        True
    """
    published = benchmarks(platform=platform)
    measures = {"engagement_rate": _rates(df, followers, engagements)}
    if likes in df.columns:
        measures["like_rate"] = _rates(df, followers, likes)
    found: dict[tuple[str, int], dict[str, float]] = {}
    for metric, (f, e) in measures.items():
        chosen = published[published["metric"] == metric]
        ranges = [(lo, hi if np.isfinite(hi) else None)
                  for lo, hi in zip(chosen["follower_min"], chosen["follower_max"], strict=True)]
        results = range_stats(f, e, ranges, n_boot=n_boot, alpha=alpha,
                              rng=np.random.default_rng(seed))
        found.update({(metric, i): r for i, r in zip(chosen.index, results, strict=True)})
    rows = []
    for i, b in zip(published.index, (row for _, row in published.iterrows()), strict=True):
        base = {"source": b["source"], "year": b["year"], "tier": b["tier"],
                "follower_min": b["follower_min"], "follower_max": b["follower_max"],
                "metric": b["metric"], "statistic": b["statistic"], "definition": b["definition"],
                "published_value": b["value"], "published_value_max": b["value_max"]}
        key = (str(b["metric"]), int(i))
        if key in found:
            rows.append(base | found[key] | {"note": b["note"]})
        else:
            rows.append(base | {"n": 0, "note": f"the data has no {likes!r} column"})
    out = pd.DataFrame(rows, columns=None if rows else ["source", "tier", "n", "published_value"])
    out["n"] = out["n"].fillna(0).astype(int)
    return out
