"""Is size-adjusted engagement persistent? Split-half reliability in time, bootstrap over accounts.

Each account's dated posts are sorted in time and split into an earlier and a later half of
equal size (the middle post of an odd count is left out); accounts with fewer than
`min_per_half` posts per half are left out and counted. Each half gets a size-adjusted score:
its mean of log(1 + engagements) minus the size prediction (the one elasticity, fitted on the
accounts' earlier halves). The split-half correlation r across accounts is corrected to the
reliability of the whole record by Spearman-Brown, ``rho = 2r / (1 + r)``; its interval and
p-value come from a percentile bootstrap over accounts. In business words: of the accounts in
the top 10% on their earlier posts, the share in the top 10% on their later posts (chance: 10%).

Assumptions: accounts are independent; the posts of each half measure the same account effect
(no trend that differs between accounts); platform-wide changes between the halves shift every
account alike and so do not enter a correlation.

Example:
    >>> from inflresearch.data.synth import simulate_world
    >>> from inflresearch.questions.creators.adjusted import prepare_posts
    >>> w = simulate_world(seed=1, n_influencers=400, n_campaigns=0, with_text=False)
    >>> rel = split_half_reliability(split_halves(prepare_posts(w.posts)), n_boot=200)
    >>> 0.5 < rel.reliability < 1
    True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from inflresearch.claims import ENGAGEMENT_IS_PERSISTENT, Claim, claim_result, not_testable
from inflresearch.errors import DataError
from inflresearch.methods.elasticity import log_log_slope
from inflresearch.methods.resampling import bootstrap_counts, bootstrap_p, percentile_ci

MIN_PER_HALF = 3
MIN_ACCOUNTS = 20
TOP_SHARE = 0.1
METHOD = ("split-half (earlier vs later posts) correlation of size-adjusted mean log engagement, "
          "Spearman-Brown corrected; percentile bootstrap over accounts")


@dataclass(frozen=True)
class Halves:
    """Per-account earlier and later halves (`.table`) and the accounts left out (`.excluded`)."""

    table: pd.DataFrame
    min_per_half: int
    n_accounts: int
    n_undated_posts: int

    @property
    def excluded(self) -> int:
        """Accounts left out for too few dated posts per half."""
        return self.n_accounts - len(self.table)


def split_halves(posts: pd.DataFrame, *, min_per_half: int = MIN_PER_HALF) -> Halves:
    """Split each account's dated posts in time; one row per account with both halves.

    Columns: ``account``, ``followers``, ``niche``, ``n_half`` (posts per half), ``y_early``,
    ``y_late`` (mean log 1 + engagements), ``rate_early`` (raw mean engagement rate),
    ``eng_late`` (mean engagements per post on the later half), plus ``var_early`` (post
    variance of y in the earlier half).

    Example:
        >>> p = pd.DataFrame({"account": ["a"] * 7, "posted_at": pd.date_range("2020", periods=7),
        ...                   "y": np.arange(7.0), "engagements": np.arange(7.0),
        ...                   "followers": 10.0, "niche": "x"})
        >>> h = split_halves(p); h.table[["n_half", "y_early", "y_late"]].values.tolist()
        [[3.0, 1.0, 5.0]]
    """
    if min_per_half < 1:
        raise ValueError(f"min_per_half must be at least 1, got {min_per_half!r}")
    n_accounts = int(posts["account"].nunique())
    dated = posts[posts["posted_at"].notna()] if "posted_at" in posts else posts.iloc[:0]
    dated = dated.sort_values(["account", "posted_at"], kind="stable")
    g = dated.groupby("account", sort=False)
    position = g.cumcount().to_numpy()
    size = g["y"].transform("size").to_numpy()
    half = size // 2
    part = np.where(position < half, "early", np.where(position >= size - half, "late", "middle"))
    frame = dated.assign(part=part, n_half=half.astype(float))
    frame = frame[(frame["part"] != "middle") & (frame["n_half"] >= min_per_half)]
    frame = frame.assign(rate=frame["engagements"] / frame["followers"])
    early, late = (frame[frame["part"] == name].groupby("account", sort=True) for name in ("early", "late"))
    table = pd.DataFrame({
        "followers": early["followers"].first(), "niche": early["niche"].first(),
        "n_half": early["n_half"].first(),
        "y_early": early["y"].mean(), "var_early": early["y"].var(ddof=1),
        "rate_early": early["rate"].mean(),
        "y_late": late["y"].mean(), "eng_late": late["engagements"].mean(),
    }).reset_index()
    return Halves(table=table, min_per_half=min_per_half, n_accounts=n_accounts,
                  n_undated_posts=int(len(posts) - len(dated)))


def half_scores(halves: Halves) -> pd.DataFrame:
    """Size-adjusted half scores ``score_early``, ``score_late``: each half's mean minus the
    prediction of one log-log fit on the earlier halves (the same for both halves).

    Example:
        >>> t = pd.DataFrame({"followers": np.geomspace(1e3, 1e6, 30), "y_early": np.arange(30.0),
        ...                   "y_late": np.arange(30.0)})
        >>> s = half_scores(Halves(t, 3, 30, 0)); bool(np.allclose(s["score_early"], s["score_late"]))
        True
    """
    t = halves.table
    data = pd.DataFrame({"log_followers": np.log(t["followers"]), "y": t["y_early"]})
    predicted = np.asarray(log_log_slope(data, outcome="y").model.fittedvalues)
    return t.assign(score_early=t["y_early"] - predicted, score_late=t["y_late"] - predicted)


def _weighted_correlation(w: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pearson correlation of a and b for each row of weights `w` (replicates x accounts)."""
    moments = w @ np.column_stack([np.ones_like(a), a, b, a * a, b * b, a * b])
    n, sa, sb, saa, sbb, sab = moments.T
    cov = sab / n - sa * sb / n**2
    var_a, var_b = saa / n - (sa / n) ** 2, sbb / n - (sb / n) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(cov / np.sqrt(var_a * var_b))


def _top_overlap(w: np.ndarray, a: np.ndarray, b: np.ndarray, share: float) -> np.ndarray:
    """Per row of weights: of the accounts in the top `share` on a, the weighted share also in
    the top `share` on b (top = at or above the weighted (1 - share) quantile)."""
    def cutoff(x: np.ndarray) -> np.ndarray:
        order = np.argsort(x, kind="stable")
        cum = np.cumsum(w[:, order], axis=1)
        idx = np.argmax(cum >= (1 - share) * cum[:, -1:], axis=1)
        return x[order][idx]

    in_a = a[None, :] >= cutoff(a)[:, None]
    in_b = b[None, :] >= cutoff(b)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray((w * (in_a & in_b)).sum(axis=1) / (w * in_a).sum(axis=1))


def spearman_brown(r: np.ndarray | float) -> np.ndarray:
    """Reliability of the whole record from the split-half correlation: 2r / (1 + r).

    Example:
        >>> spearman_brown(np.array([0.0, 0.5, 1.0])).round(3).tolist()
        [0.0, 0.667, 1.0]
    """
    r = np.asarray(r, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(2 * r / (1 + r))


@dataclass(frozen=True)
class Reliability:
    """The split-half reliability and the top-10% persistence, with bootstrap intervals."""

    split_half_r: float
    r_ci_low: float
    r_ci_high: float
    reliability: float
    ci_low: float
    ci_high: float
    p_value: float  # one-sided, reliability > 0
    top_persistence: float
    top_ci_low: float
    top_ci_high: float
    top_share: float
    n_accounts: int
    excluded: int
    min_per_half: int
    mean_posts_per_half: float
    n_boot: int
    alpha: float

    def table(self) -> pd.DataFrame:
        """Tidy rows: ``estimate``, ``ci_low``, ``ci_high`` per quantity.

        Example:
            >>> r = Reliability(0.5, 0.4, 0.6, 0.67, 0.6, 0.7, 0.001, 0.4, 0.3, 0.5, 0.1, 100, 5, 3, 6.0, 200, 0.05)
            >>> r.table()["quantity"].tolist()[:2]
            ['split-half correlation', 'reliability (Spearman-Brown)']
        """
        return pd.DataFrame({
            "quantity": ["split-half correlation", "reliability (Spearman-Brown)",
                         f"top {self.top_share:.0%} earlier also top {self.top_share:.0%} later"],
            "estimate": [self.split_half_r, self.reliability, self.top_persistence],
            "ci_low": [self.r_ci_low, self.ci_low, self.top_ci_low],
            "ci_high": [self.r_ci_high, self.ci_high, self.top_ci_high],
            "chance": [0.0, 0.0, self.top_share],
            "n_accounts": self.n_accounts,
        })


def split_half_reliability(halves: Halves, *, n_boot: int = 1000, alpha: float = 0.05,
                           seed: int = 7, top_share: float = TOP_SHARE) -> Reliability:
    """Spearman-Brown split-half reliability of size-adjusted engagement, bootstrap over accounts.

    Example:
        >>> t = pd.DataFrame({"followers": np.geomspace(1e3, 1e6, 40), "n_half": 3.0,
        ...                   "y_early": np.r_[np.zeros(20), np.ones(20)],
        ...                   "y_late": np.r_[np.zeros(20), np.ones(20)]})
        >>> rel = split_half_reliability(Halves(t, 3, 40, 0), n_boot=50)
        >>> rel.reliability > 0.9
        True
    """
    if len(halves.table) < MIN_ACCOUNTS:
        raise DataError(f"only {len(halves.table)} accounts have at least {halves.min_per_half} "
                        f"dated posts in each half; {MIN_ACCOUNTS} are needed", column="posted_at")
    scored = half_scores(halves)
    a, b = scored["score_early"].to_numpy(), scored["score_late"].to_numpy()
    ones = np.ones((1, len(a)))
    r = float(_weighted_correlation(ones, a, b)[0])
    top = float(_top_overlap(ones, a, b, top_share)[0])
    w = bootstrap_counts(np.random.default_rng(seed), len(a), n_boot).astype(float)
    r_reps = _weighted_correlation(w, a, b)
    rho_reps = spearman_brown(r_reps)
    top_reps = _top_overlap(w, a, b, top_share)
    (rlo,), (rhi,) = percentile_ci(r_reps[:, None], alpha)
    (lo,), (hi,) = percentile_ci(rho_reps[:, None], alpha)
    (tlo,), (thi,) = percentile_ci(top_reps[:, None], alpha)
    return Reliability(
        split_half_r=r, r_ci_low=float(rlo), r_ci_high=float(rhi),
        reliability=float(spearman_brown(r)), ci_low=float(lo), ci_high=float(hi),
        p_value=bootstrap_p(rho_reps, 0.0, "greater"), top_persistence=top,
        top_ci_low=float(tlo), top_ci_high=float(thi), top_share=top_share, n_accounts=len(a),
        excluded=halves.excluded, min_per_half=halves.min_per_half,
        mean_posts_per_half=float(scored["n_half"].mean()), n_boot=n_boot, alpha=alpha)


def claim_persistent(rel: Reliability | None, *, reason: str = "") -> Claim:
    """`engagement_is_persistent`: reliability > 0 (two-sided test, verdict by the one rule).

    Example:
        >>> claim_persistent(None, reason="no post dates").verdict
        'not testable'
    """
    if rel is None:
        return not_testable(ENGAGEMENT_IS_PERSISTENT, reason, method=METHOD)
    return claim_result(
        ENGAGEMENT_IS_PERSISTENT, estimate=rel.reliability, ci_low=rel.ci_low, ci_high=rel.ci_high,
        p_value=rel.p_value, n=rel.n_accounts, method=METHOD, null=0.0, direction="greater",
        alpha=rel.alpha,
        note=(f"{rel.n_accounts:,} accounts with at least {rel.min_per_half} dated posts in each "
              f"half ({rel.excluded:,} left out with fewer)"),
        split_half_r=rel.split_half_r, top_persistence=rel.top_persistence,
        top_persistence_ci_low=rel.top_ci_low, top_persistence_ci_high=rel.top_ci_high,
        top_share=rel.top_share, excluded_accounts=rel.excluded, min_posts_per_half=rel.min_per_half,
        mean_posts_per_half=rel.mean_posts_per_half, n_boot=rel.n_boot)
