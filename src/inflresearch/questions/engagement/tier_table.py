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

from collections.abc import Iterable

import numpy as np
import pandas as pd

from inflresearch.errors import DataError
from inflresearch.methods.median import median_ci
from inflresearch.methods.rates import engagements_per_post
from inflresearch.methods.resampling import one_blas_thread
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


class AccountDraws:
    """One set of bootstrap resamples of accounts, shared by every range statistic drawn from it.

    All accounts with a usable follower count are resampled `n_boot` times (one generator seeded
    once); per replicate and per measure (a column of engagements per post, e.g. engagements or
    likes) the resampled count, sum of rates, of engagements and of followers of the accounts
    where the measure is usable are kept below each cut value, so any follower range between two
    cut values costs nothing more. The tier table and the published-benchmark comparison of
    notebook 01 share one (`account_draws`): one pass over n_boot x n resampled accounts instead
    of one per call. When every account has every measure, the draws (and so the intervals) are
    those of a call of `range_stats` per measure with the same seed (the totals agree to rounding:
    they are summed over more segments).

    Example:
        >>> f = np.array([1e3, 2e3, 5e4, 2e5]); e = {"engagements": np.array([40.0, 60, 900, 2e3])}
        >>> d = AccountDraws(f, e, [0, 1e4], n_boot=20, rng=np.random.default_rng(0))
        >>> d.totals("engagements", 0, 1e4)[0].shape
        (20,)
    """

    def __init__(self, followers: np.ndarray, measures: dict[str, np.ndarray], cuts: Iterable[float],
                 *, n_boot: int, rng: np.random.Generator) -> None:
        f = np.asarray(followers, dtype=float)
        order = np.argsort(f, kind="stable")
        self.followers, self.n_boot = f[order], n_boot
        self.measures = list(measures)
        columns = []
        for name in self.measures:
            e = np.asarray(measures[name], dtype=float)[order]
            ok = np.isfinite(e) & (e >= 0) & np.isfinite(self.followers) & (self.followers > 0)
            e0 = np.where(ok, e, 0.0)
            columns += [ok.astype(float), np.where(ok, e0 / np.where(ok, self.followers, 1.0), 0.0),
                        e0, np.where(ok, self.followers, 0.0)]
        self.values = np.column_stack(columns) if columns else np.zeros((len(f), 0))
        self.cuts = np.unique(np.r_[-np.inf, np.inf, np.asarray(list(cuts), dtype=float)])
        cols = np.unique(np.searchsorted(self.followers, self.cuts, "left"))
        self._at = {c: i for i, c in enumerate(cols)}
        self._sums = (_boot_sums(self.values, cols, n_boot, rng)
                      if n_boot > 0 and len(f) > 1 else None)

    def covers(self, low: float, high: float | None) -> bool:
        """Whether [low, high) is a range between two cut values of these draws."""
        return bool(np.isin([low, np.inf if high is None else high], self.cuts).all())

    def totals(self, measure: str, low: float, high: float | None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per replicate: resampled count, sum of rates, of engagements, of followers in [low, high)."""
        if not self.covers(low, high):
            raise ValueError(f"the shared draws have no cut at {low} or {high}; add it to `cuts`")
        if self._sums is None:
            raise ValueError("no bootstrap replicates (n_boot 0 or fewer than two accounts)")
        a, b = (self._at[int(np.searchsorted(self.followers, v, "left"))]
                for v in (low, np.inf if high is None else high))
        j = 4 * self.measures.index(measure)
        count, sr, se, sf = (self._sums[:, b, j + i] - self._sums[:, a, j + i] for i in range(4))
        return count, sr, se, sf


def _boot_sums(values: np.ndarray, cols: np.ndarray, n_boot: int, rng: np.random.Generator
               ) -> np.ndarray:
    """Resample all rows of `values` (n x k) `n_boot` times; per replicate, the resampled totals
    of each column over the rows before each sorted position in `cols` (n_boot x len(cols) x k).

    The multiplicities of a block of replicates come from one draw (n per replicate); the totals
    of each segment between positions are one matrix product with one BLAS thread."""
    n = len(values)
    edges = np.r_[0, cols]
    per_chunk = max(1, _CHUNK // n)
    out = np.zeros((n_boot, len(cols), values.shape[1]))
    counts = np.empty((min(per_chunk, n_boot), n))
    with one_blas_thread():
        for start in range(0, n_boot, per_chunk):
            m = min(per_chunk, n_boot - start)
            idx = rng.integers(0, n, (m, n), dtype=np.int64)
            for i in range(m):
                counts[i] = np.bincount(idx[i], minlength=n)
            for j in range(len(cols)):
                a, b = edges[j], edges[j + 1]
                if b > a:
                    out[start:start + m, j] = counts[:m, a:b] @ values[a:b]
    return np.cumsum(out, axis=1)


def range_stats(
    followers: np.ndarray,
    engagements: np.ndarray,
    ranges: list[tuple[float, float | None]],
    *,
    n_boot: int = 1000,
    alpha: float = 0.05,
    rng: np.random.Generator | None = None,
    draws: tuple[AccountDraws, str] | None = None,
) -> list[dict[str, float]]:
    """Median, mean and pooled rate with CIs and n for each follower range [low, high).

    CIs: the mean of rates and the pooled rate use one percentile bootstrap that resamples all
    accounts (so every range's statistics come from the same replicates; a range with no account
    in a replicate is skipped there); the median uses the one median interval of the package
    (`inflresearch.methods.median.median_ci`: distribution-free order statistics, NaN under 6
    accounts). Ranges may overlap. `draws` (shared draws and the name of this measure in them)
    replaces the bootstrap of this call; `n_boot` and `rng` are then unused.

    Example:
        >>> f, e = np.array([1e3, 2e3, 5e4, 2e5]), np.array([40.0, 60, 900, 2e3])
        >>> [round(s["pooled_rate"], 4) for s in range_stats(f, e, [(0, 1e4), (1e4, None)])]
        [0.0333, 0.0116]
    """
    order = np.argsort(np.asarray(followers, dtype=float), kind="stable")
    f = np.asarray(followers, dtype=float)[order]
    e = np.asarray(engagements, dtype=float)[order]
    r = e / f
    if draws is None:
        cuts = [v for low, high in ranges for v in (low, high) if v is not None]
        draws = (AccountDraws(f, {"m": e}, cuts, n_boot=n_boot,
                              rng=rng or np.random.default_rng(0)), "m")
    shared, measure = draws
    rows = []
    for low, high in ranges:
        a = int(np.searchsorted(f, low, "left"))
        b = len(f) if high is None else int(np.searchsorted(f, high, "left"))
        n = b - a
        row: dict[str, float] = {"n": n}
        for s in STATS:
            row[s] = row[f"{s}_ci_low"] = row[f"{s}_ci_high"] = np.nan
        if n:
            ra = r[a:b]
            row.update(median_rate=float(np.median(ra)), mean_rate=float(ra.mean()),
                       pooled_rate=float(e[a:b].sum() / f[a:b].sum()))
        if n > 1 and shared.n_boot > 0 and len(shared.followers) > 1:
            row["median_rate_ci_low"], row["median_rate_ci_high"] = median_ci(ra, alpha)
            counts, sr, se, sf = shared.totals(measure, low, high)
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
    draws: AccountDraws | None = None,
) -> pd.DataFrame:
    """One row per tier of the preset: range, n, median / mean / pooled rate with bootstrap CIs.

    `draws` (from `account_draws`, with the `engagements` measure) replaces this call's own
    bootstrap draws (`n_boot` and `seed` are then those of the draws).

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> t = tier_table(simulate_world(seed=2, n_influencers=800).influencers, n_boot=100)
        >>> list(t.columns[:4])
        ['tier', 'follower_min', 'follower_max', 'n']
    """
    table = preset(tiers) if isinstance(tiers, str) else dict(tiers)
    return _named_ranges(df, list(table.items()), followers=followers, engagements=engagements,
                         n_boot=n_boot, alpha=alpha, seed=seed, draws=draws)


def _named_ranges(
    df: pd.DataFrame,
    ranges: list[tuple[str, tuple[float, float | None]]],
    *,
    followers: str,
    engagements: str,
    n_boot: int,
    alpha: float,
    seed: int,
    draws: AccountDraws | None,
) -> pd.DataFrame:
    """`range_stats` of each named follower range: ``tier``, ``follower_min``/``max``, stats."""
    f, e = _rates(df, followers, engagements)
    if len(f) == 0:
        raise DataError("no account with positive followers and known engagement",
                        column=followers)
    found = range_stats(f, e, [r for _, r in ranges], n_boot=n_boot, alpha=alpha,
                        rng=np.random.default_rng(seed),
                        draws=None if draws is None else (draws, engagements))
    out = pd.DataFrame([{"tier": name, "follower_min": float(low),
                         "follower_max": np.nan if high is None else float(high), **stats_}
                        for (name, (low, high)), stats_ in zip(ranges, found, strict=True)])
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
    draws: AccountDraws | None = None,
) -> pd.DataFrame:
    """The tier table under every scheme in `schemes`, side by side (one row per scheme and
    tier, with the scheme's name and source); the columns of `tier_table` plus ``scheme`` and
    ``scheme_source`` (its title and year).

    All tiers of all schemes come from one bootstrap over the accounts (`range_stats` takes
    overlapping ranges), so schemes are compared on the same replicates; `draws` (from
    `account_draws`) replaces this call's own draws, as in `tier_table`.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> t = scheme_tier_table(simulate_world(seed=2, n_influencers=800).influencers,
        ...                       schemes=("blog", "upfluence"), n_boot=50)
        >>> t.groupby("scheme", sort=False).size().to_dict()
        {'blog': 4, 'upfluence': 3}
    """
    chosen = [scheme(name) for name in schemes]
    keys = [(s, name, rng) for s in chosen for name, rng in s.tiers.items()]
    out = _named_ranges(df, [(name, rng) for _, name, rng in keys], followers=followers,
                        engagements=engagements, n_boot=n_boot, alpha=alpha, seed=seed, draws=draws)
    out.insert(0, "scheme_source", [s.cited for s, _, _ in keys])
    out.insert(0, "scheme", [s.name for s, _, _ in keys])
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
    draws: AccountDraws | None = None,
) -> pd.DataFrame:
    """Each published benchmark of `platform` next to this data's rates over the same range.

    `draws` (from `account_draws`, with the `engagements` and `likes` measures) replaces this
    call's own bootstrap draws, as in `tier_table`.

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
    measures = {"engagement_rate": (engagements, _rates(df, followers, engagements))}
    if likes in df.columns:
        measures["like_rate"] = (likes, _rates(df, followers, likes))
    found: dict[tuple[str, int], dict[str, float]] = {}
    for metric, (column, (f, e)) in measures.items():
        chosen = published[published["metric"] == metric]
        results = range_stats(f, e, _published_ranges(chosen), n_boot=n_boot, alpha=alpha,
                              rng=np.random.default_rng(seed),
                              draws=None if draws is None else (draws, column))
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


def _published_ranges(published: pd.DataFrame) -> list[tuple[float, float | None]]:
    """The follower ranges of benchmark rows (an open upper end as None)."""
    return [(lo, hi if np.isfinite(hi) else None)
            for lo, hi in zip(published["follower_min"], published["follower_max"], strict=True)]


def account_draws(
    df: pd.DataFrame,
    *,
    tiers: str | dict[str, tuple[float, float | None]] = "blog",
    platform: str = "instagram",
    followers: str = "followers",
    engagements: str = "engagements",
    likes: str = "avg_likes",
    n_boot: int = 1000,
    seed: int = 0,
) -> AccountDraws:
    """The draws `tier_table`, `scheme_tier_table` and `compare_published` share: accounts with
    positive followers, the `engagements` (and `likes`) measures, cut at every edge of `tiers`
    (a scheme's name, ``"all"`` or a dict), of every tier scheme and of the published ranges of
    `platform`.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> w = simulate_world(seed=1, n_influencers=800).influencers
        >>> shared = tier_table(w, draws=account_draws(w, n_boot=100)).select_dtypes(float)
        >>> np.allclose(shared, tier_table(w, n_boot=100).select_dtypes(float), equal_nan=True)
        True
    """
    if followers not in df.columns:
        raise DataError("follower column not found", column=followers)
    f = pd.to_numeric(df[followers], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    keep = np.isfinite(f) & (f > 0)
    measures = {column: engagements_per_post(df, column, followers=followers)[0].to_numpy(
        dtype=float, na_value=np.nan)[keep]
        for column in (engagements, likes) if column == engagements or column in df.columns}
    table = {} if isinstance(tiers, str) else dict(tiers)  # a named scheme is among SCHEMES
    ranges = [*table.values(), *(r for s in SCHEMES.values() for r in s.tiers.values()),
              *_published_ranges(benchmarks(platform=platform))]
    cuts = [v for low, high in ranges for v in (low, high) if v is not None]
    return AccountDraws(f[keep], measures, cuts, n_boot=n_boot, rng=np.random.default_rng(seed))
