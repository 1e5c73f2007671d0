"""What the discovered niches are: profiles, agreement with a given category, and a size check.

- `niche_profiles`: size, follower distribution and engagement per niche (median engagement rate
  with a distribution-free order-statistic CI; pooled rate = sum of engagements / sum of
  followers);
- `agreement`: adjusted Rand index and normalised mutual information between the discovered
  niches and a known category, with subsampling CIs and permutation p-values; `confusion` gives
  the cross table;
- `size_split`: is the assignment just a split by audience size? Share of the variance of log
  followers explained by niche (eta squared, Kruskal-Wallis p) and the ARI between the niches and
  an equally fine split into follower quantiles; both near 0 when niches are about content.

CIs of these partition indices come from subsampling (Politis & Romano 1994): half-samples drawn
without replacement, deviations rescaled by sqrt(1/2). The ordinary bootstrap is biased here,
because a resampled account's duplicates always share a cluster and inflate agreement.

Example:
    >>> a = pd.DataFrame({"account_id": list("abcd"), "niche_discovered": ["N1", "N1", "N2", "N2"]})
    >>> confusion(a, pd.Series(["x", "x", "y", "y"])).to_numpy().tolist()
    [[2, 0], [0, 2]]
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd
from scipy import stats

from inflresearch.claims import declare_p_side
from inflresearch.errors import DataError
from inflresearch.methods.median import median_ci
from inflresearch.methods.partitions import ari as _ari
from inflresearch.methods.partitions import codes
from inflresearch.methods.partitions import nmi as _nmi
from inflresearch.methods.rates import engagement_rate
from inflresearch.questions.niches.choice import natural_key
from inflresearch.questions.niches.model import NO_TEXT


def _subsample_ci(fn: Callable[[np.ndarray], float], n: int, est: float,
                  rng: np.random.Generator, n_boot: int, alpha: float) -> tuple[float, float]:
    """Subsampling CI of a statistic fn(index) with root-n rate, from half-samples."""
    if n_boot < 1 or n < 4:
        return float("nan"), float("nan")
    m = n // 2
    dev = np.array([fn(rng.choice(n, m, replace=False)) - est for _ in range(n_boot)])
    scale = np.sqrt(m / n)
    return (float(est - np.quantile(dev, 1 - alpha / 2) * scale),
            float(est - np.quantile(dev, alpha / 2) * scale))


def _on_subsample(fn: Callable[[np.ndarray, np.ndarray], float], a: np.ndarray, b: np.ndarray,
                  index: np.ndarray) -> float:
    return fn(a[index], b[index])


def niche_profiles(
    assignments: pd.DataFrame,
    accounts: pd.DataFrame,
    *,
    followers: str = "followers",
    engagements: str = "engagements",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """One row per niche (and one for accounts without text): size, followers, engagement.

    `accounts` is matched to `assignments` on ``account_id``. Columns: ``niche``, ``terms``,
    ``n``, ``share``, ``followers_median``, ``followers_q25``, ``followers_q75``,
    ``rate_median`` with ``rate_ci_low``/``rate_ci_high`` (1 - alpha, `methods.median`; the rate
    is the one rule of `inflresearch.methods.rates`, the same as the engagement tier table),
    ``rate_pooled`` (sum of engagements / sum of followers) and ``n_rate``.

    Example:
        >>> a = pd.DataFrame({"account_id": ["a", "b"], "niche_discovered": ["N1", "N1"],
        ...                   "niche_terms": ["gym", "gym"]})
        >>> acc = pd.DataFrame({"account_id": ["a", "b"], "followers": [1e3, 3e3],
        ...                     "engagements": [50.0, 90.0]})
        >>> cols = ["niche", "n", "followers_median", "rate_pooled"]
        >>> niche_profiles(a, acc)[cols].to_numpy().tolist()
        [['N1', 2, 2000.0, 0.035]]
    """
    if followers not in accounts.columns:
        raise DataError(f"accounts need a {followers!r} column", column=followers)
    acc = accounts.assign(account_id=accounts["account_id"].astype(str))
    acc = acc.drop_duplicates("account_id")
    data = assignments[["account_id", "niche_discovered", "niche_terms"]].merge(
        acc, on="account_id", how="left")
    data["_f"] = pd.to_numeric(data[followers], errors="coerce")
    try:
        data["_rate"] = engagement_rate(data, followers=followers, engagements=engagements)
    except DataError:  # the table has no engagement at all: profiles show sizes, rates NaN
        data["_rate"] = np.nan
    data["_e"] = data["_rate"] * data["_f"]
    rows = []
    groups = sorted(data.groupby("niche_discovered", sort=False), key=lambda item: natural_key(item[0]))
    for niche, g in groups:  # N1, N2, ..., N10
        rate = g["_rate"].to_numpy(dtype=float)
        lo, hi = median_ci(rate, alpha)
        both = g[["_e", "_f"]].dropna()
        rows.append({
            "niche": niche, "terms": g["niche_terms"].iloc[0], "n": len(g),
            "share": len(g) / len(data),
            "followers_median": g["_f"].median(), "followers_q25": g["_f"].quantile(0.25),
            "followers_q75": g["_f"].quantile(0.75),
            "rate_median": float(np.nanmedian(rate)) if np.isfinite(rate).any() else np.nan,
            "rate_ci_low": lo, "rate_ci_high": hi,
            "rate_pooled": both["_e"].sum() / both["_f"].sum() if len(both) else np.nan,
            "n_rate": int(np.isfinite(rate).sum()),
        })
    out = pd.DataFrame(rows)
    order = out["niche"].eq(NO_TEXT).to_numpy()  # (no text) last
    return pd.concat([out[~order], out[order]], ignore_index=True)


def _paired(assignments: pd.DataFrame, other: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    if len(other) != len(assignments):
        raise ValueError("the category must have one value per row of assignments")
    other = other.reset_index(drop=True).astype("string")
    keep = ((assignments["niche_discovered"].reset_index(drop=True) != NO_TEXT) & other.notna()
            ).to_numpy(dtype=bool)
    return (assignments["niche_discovered"].to_numpy()[keep].astype(str),
            other.to_numpy()[keep].astype(str))


def agreement(
    assignments: pd.DataFrame,
    category: pd.Series,
    *,
    n_boot: int = 200,
    seed: int = 7,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """ARI and NMI between discovered niches and a known `category` (same row order).

    Accounts without text or without a category are left out. Columns ``metric``, ``estimate``,
    ``ci_low``, ``ci_high`` (subsampling, see the module docstring), ``p_value``
    (permutation test of no association, `n_boot` shuffles), ``n``, ``n_niches``,
    ``n_categories``, ``method``.

    Example:
        >>> a = pd.DataFrame({"niche_discovered": ["N1"] * 20 + ["N2"] * 20})
        >>> agreement(a, pd.Series(["x"] * 20 + ["y"] * 20), n_boot=20)["estimate"].tolist()
        [1.0, 1.0]
    """
    lab, cat = _paired(assignments, category)
    if len(lab) < 2 or len(np.unique(cat)) < 2:
        raise DataError("need at least two accounts with text and two distinct categories",
                        column=str(category.name))
    rng = np.random.default_rng(seed)
    lab_codes, cat_codes = codes(lab), codes(cat)
    rows = []
    for name, fn in {"ari": _ari, "nmi": _nmi}.items():
        est = fn(cat_codes, lab_codes)
        lo, hi = _subsample_ci(partial(_on_subsample, fn, cat_codes, lab_codes), len(lab), est,
                               rng, n_boot, alpha)
        null = np.array([fn(cat_codes[rng.permutation(len(lab))], lab_codes)
                         for _ in range(n_boot)])
        rows.append({
            "metric": name, "estimate": est, "ci_low": lo, "ci_high": hi,
            "p_value": float((1 + (null >= est).sum()) / (1 + n_boot)),
            "n": len(lab), "n_niches": len(np.unique(lab)), "n_categories": len(np.unique(cat)),
            "method": f"subsampling CI ({n_boot} half-samples); permutation p ({n_boot} shuffles)",
        })
    return declare_p_side(pd.DataFrame(rows), "upper tail, test of no association, unadjusted")


def confusion(assignments: pd.DataFrame, category: pd.Series) -> pd.DataFrame:
    """Discovered niche (rows) by given category (columns), counts; accounts with text only."""
    lab, cat = _paired(assignments, category)
    table = pd.crosstab(pd.Series(lab, name="niche"), pd.Series(cat, name="category"))
    return table.reindex(sorted(table.index, key=natural_key))  # N1, N2, ..., N10


def size_split(
    assignments: pd.DataFrame,
    followers: pd.Series,
    *,
    n_boot: int = 200,
    seed: int = 7,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """How much of the niche assignment is audience size? (`followers` in row order.)

    Rows: ``eta_squared`` (share of the variance of log10 followers explained by niche; p from
    Kruskal-Wallis) and ``ari_follower_quantiles`` (ARI between niches and a split of log
    followers into as many quantile bands as there are niches; permutation p). CIs by subsampling.

    Example:
        >>> a = pd.DataFrame({"niche_discovered": ["N1", "N2"] * 50})
        >>> t = size_split(a, pd.Series(np.geomspace(1e3, 1e6, 100)), n_boot=20)
        >>> bool((t["estimate"].abs() < 0.05).all())
        True
    """
    lab, _ = _paired(assignments, pd.Series(np.zeros(len(assignments))))
    x = np.log10(pd.to_numeric(followers, errors="coerce").to_numpy(dtype=float))
    x = x[(assignments["niche_discovered"] != NO_TEXT).to_numpy()]
    ok = np.isfinite(x)
    lab, x = lab[ok], x[ok]
    k = len(np.unique(lab))
    if k < 2 or len(x) < 2 * k:
        raise DataError("need at least two niches with follower counts", column="followers")
    bands = pd.qcut(pd.Series(x).rank(method="first"), k, labels=False).to_numpy(np.int64)

    def eta2(lab_: np.ndarray, x_: np.ndarray) -> float:
        codes, inv = np.unique(lab_, return_inverse=True)
        means = np.bincount(inv, weights=x_) / np.bincount(inv)
        total = ((x_ - x_.mean()) ** 2).sum()
        return float(((means[inv] - x_.mean()) ** 2).sum() / total) if total > 0 else 0.0

    rng = np.random.default_rng(seed)
    groups = [x[lab == g] for g in np.unique(lab)]
    kw_p = float(stats.kruskal(*groups).pvalue) if np.ptp(x) > 0 else 1.0
    lab_codes = codes(lab)
    ari = _ari(bands, lab_codes)
    null = np.array([_ari(bands, lab_codes[rng.permutation(len(lab))]) for _ in range(n_boot)])
    rows = []
    for name, est, fn, p, method in (
        ("eta_squared", eta2(lab, x), lambda i: eta2(lab[i], x[i]), kw_p,
         "one-way ANOVA R2 of log10 followers on niche; Kruskal-Wallis p"),
        ("ari_follower_quantiles", ari, lambda i: _ari(bands[i], lab_codes[i]),
         float((1 + (null >= ari).sum()) / (1 + n_boot)),
         f"ARI with {k} follower quantile bands; permutation p"),
    ):
        lo, hi = _subsample_ci(fn, len(x), est, rng, n_boot, alpha)
        rows.append({"metric": name, "estimate": est, "ci_low": lo, "ci_high": hi,
                     "p_value": p, "n": len(x), "method": method + "; subsampling CI"})
    return declare_p_side(pd.DataFrame(rows), "upper tail, test of no association, unadjusted")
