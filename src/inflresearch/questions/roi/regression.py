"""Regression and power helpers for the ROI tests: Poisson PML with absorbed campaign effects.

Power and MDE are at the level the verdict uses (two-sided, first Holm step alpha / family).

`adjusted_ratio` models log expected ROAS within campaigns (and niches): a Poisson
pseudo-maximum-likelihood regression of revenue with a log(cost) offset. Unlike an OLS of
log(ROAS) it keeps activations with zero revenue and needs no retransformation.

Example:
    >>> power_mde(0.1)["mde"] > 0
    True
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from inflresearch.methods.resampling import bootstrap_p, percentile_ci, pigeonhole_bootstrap_sums
from inflresearch.questions.roi.metrics import check_campaigns, creator_labels

MIN_ROWS = 5  # activations per group below which a comparison is not attempted


def cluster_codes(values: pd.Series) -> np.ndarray:
    """Integer codes 0..G-1 of the values' text (sorted), e.g. campaign ids.

    Example:
        >>> cluster_codes(pd.Series(["b", "a", "b"])).tolist()
        [1, 0, 1]
    """
    return pd.factorize(values.astype(str), sort=True)[0]


def _group_means(x: np.ndarray, w: np.ndarray, groups: np.ndarray, n: int, wsum: np.ndarray
                 ) -> np.ndarray:
    return np.column_stack([np.bincount(groups, w * col, n) for col in x.T]) / wsum[:, None]


def ppml_fit(
    y: np.ndarray, x: np.ndarray, offset: np.ndarray, groups: np.ndarray,
    *, maxiter: int = 100, tol: float = 1e-10,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Poisson PML with one absorbed fixed effect: coefficients, bread, per-row scores, rows used.

    ``log E[y] = offset + x @ beta + alpha[groups]``, solved by IRLS with the fixed effects
    swept out by weighted within-group demeaning (exact for one set of effects). Groups whose
    y sums to zero carry no information (their effect is -inf) and are dropped (``keep`` marks
    the rows used). ``beta + bread @ scores.sum(axis=0)`` is the one-step linearisation that the
    sandwich covariance and the score bootstrap build on.

    Example:
        >>> rng = np.random.default_rng(1)
        >>> g = np.repeat(np.arange(50), 8); x = rng.normal(size=(400, 1))
        >>> y = rng.poisson(np.exp(0.5 * x[:, 0] + rng.normal(size=50)[g])).astype(float)
        >>> beta, bread, scores, keep = ppml_fit(y, x, np.zeros(400), g)
        >>> bool(abs(beta[0] - 0.5) < 0.1), bool(scores.shape[0] == keep.sum())
        (True, True)
    """
    if np.any(y < 0) or not np.all(np.isfinite(y)):
        raise ValueError("PPML needs finite, non-negative outcomes")
    keep = (np.bincount(groups, y) > 0)[groups]
    y, x, offset, groups = y[keep], x[keep], offset[keep], groups[keep]
    if len(y) == 0:
        raise ValueError("every group has a zero outcome total")
    n_groups = int(groups.max()) + 1
    beta = np.zeros(x.shape[1])
    base = np.exp(offset)
    with np.errstate(divide="ignore", invalid="ignore"):  # dropped groups: unused NaN
        alpha = np.log(np.bincount(groups, y, n_groups) / np.bincount(groups, base, n_groups))
    for _ in range(maxiter):
        eta = x @ beta + alpha[groups]
        mu = base * np.exp(eta)
        z = eta + (y - mu) / mu
        wsum = np.maximum(np.bincount(groups, mu, n_groups), 1e-300)
        zbar = np.bincount(groups, mu * z, n_groups) / wsum
        xbar = _group_means(x, mu, groups, n_groups, wsum)
        xt, zt = x - xbar[groups], z - zbar[groups]
        new = np.linalg.lstsq((xt * mu[:, None]).T @ xt, (xt * mu[:, None]).T @ zt, rcond=None)[0]
        alpha = zbar - xbar @ new
        done = np.max(np.abs(new - beta)) < tol * (1 + np.max(np.abs(beta)))
        beta = new
        if done:
            break
    else:
        raise ValueError(f"PPML did not converge in {maxiter} iterations")
    mu = base * np.exp(x @ beta + alpha[groups])
    wsum = np.maximum(np.bincount(groups, mu, n_groups), 1e-300)
    xt = x - _group_means(x, mu, groups, n_groups, wsum)[groups]
    bread = np.linalg.pinv((xt * mu[:, None]).T @ xt)
    return beta, bread, xt * (y - mu)[:, None], keep


def ppml_fe(
    y: np.ndarray, x: np.ndarray, offset: np.ndarray, groups: np.ndarray, clusters: np.ndarray,
    *, maxiter: int = 100, tol: float = 1e-10,
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson PML with one absorbed fixed effect (see `ppml_fit`); cluster-robust covariance.

    The sandwich covariance is clustered by `clusters` with the G / (G - 1) small-sample factor.

    Example:
        >>> rng = np.random.default_rng(1)
        >>> g = np.repeat(np.arange(50), 8); x = rng.normal(size=(400, 1))
        >>> y = rng.poisson(np.exp(0.5 * x[:, 0] + rng.normal(size=50)[g])).astype(float)
        >>> beta, cov = ppml_fe(y, x, np.zeros(400), g, g)
        >>> bool(abs(beta[0] - 0.5) < 3 * np.sqrt(cov[0, 0]))
        True
    """
    beta, bread, scores, keep = ppml_fit(y, x, offset, groups, maxiter=maxiter, tol=tol)
    clusters = clusters[keep]
    n_clusters = int(clusters.max()) + 1
    sums = np.column_stack([np.bincount(clusters, col, n_clusters) for col in scores.T])
    g = len(np.unique(clusters))
    meat = sums.T @ sums * g / max(g - 1, 1)
    return beta, bread @ meat @ bread


def adjusted_ratio(
    data: pd.DataFrame,
    *,
    group: str,
    a: str,
    b: str,
    niche: str | None = "niche",
    cluster: str = "campaign_id",
    account: str = "account_id",
    alpha: float = 0.05,
    n_boot: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """ROAS ratio a / b adjusted for campaign and niche: Poisson PML of revenue, log(cost) offset.

    ``log E[revenue] = log(cost) + beta * is_a + niche + campaign`` (campaign fixed effects
    absorbed, niche as dummies), so exp(beta) is the ratio of expected ROAS within campaign and
    niche. Uncertainty: a pigeonhole score bootstrap over campaigns x creators (each row's score
    weighted by the product of its campaign's and its creator's Poisson(1) multiplicities;
    replicate = beta + bread @ weighted score sum, the one-step linearisation), percentile
    interval on exp(beta) and the matching one-sided p-value. Rows without a creator id count as
    their own creator. Rows with zero cost and campaigns without revenue (they carry no
    information in this model) are left out.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> d = pd.DataFrame({"campaign_id": np.repeat(np.arange(30), 4), "g": ["x", "y"] * 60,
        ...                   "cost": 100.0})
        >>> d["revenue"] = rng.poisson(np.where(d.g == "x", 300.0, 150.0)).astype(float)
        >>> round(float(adjusted_ratio(d, group="g", a="x", b="y")["estimate"].iloc[0]), 1)
        2.0
    """
    d = check_campaigns(data, cluster=cluster)
    d = d[d[group].isin([a, b]) & (d["cost"] > 0) & d["revenue"].notna()]
    d = d[d.groupby(d[cluster].astype(str))["revenue"].transform("sum") > 0]
    is_a = (d[group] == a).to_numpy(float)
    effects = ["campaign"]
    x = is_a[:, None]
    if niche and niche in d.columns and d[niche].notna().all() and d[niche].nunique() > 1:
        dummies = pd.get_dummies(d[niche].astype(str), drop_first=True, dtype=float).to_numpy()
        x = np.column_stack([x, dummies])
        effects.append("niche")
    row: dict[str, Any] = {"metric": "roas", "statistic": "adjusted ratio", "null": 1.0, "direction": "greater",
           "n": int(len(d)), "n_a": int(is_a.sum()), "n_b": int(len(d) - is_a.sum()),
           "n_clusters": int(d[cluster].nunique()), "note": "",
           "method": "Poisson PML of revenue with log(cost) offset; fixed effects: "
                     + " + ".join(effects) + f"; pigeonhole score bootstrap ({cluster} x "
                     f"{account}, {n_boot} replicates), percentile interval"}
    est = lo = hi = p = se = np.nan
    if row["n_a"] < MIN_ROWS or row["n_b"] < MIN_ROWS or row["n_clusters"] < 2:
        row["note"] = "too few activations with revenue"
    else:
        codes = cluster_codes(d[cluster])
        ids = d[account].astype("string") if account in d.columns else pd.Series(
            pd.NA, index=d.index, dtype="string")
        creators = cluster_codes(creator_labels(ids))
        try:
            coef, bread, scores, keep = ppml_fit(
                d["revenue"].to_numpy(float), x, np.log(d["cost"].to_numpy(float)), codes)
            reps = pigeonhole_bootstrap_sums(scores, codes[keep], creators[keep], n_boot,
                                             seed=seed)
            beta_reps = coef[0] + reps @ bread[0]
            (lo_b,), (hi_b,) = percentile_ci(beta_reps, alpha)
            est, lo, hi = float(np.exp(coef[0])), float(np.exp(lo_b)), float(np.exp(hi_b))
            p = bootstrap_p(beta_reps, 0.0, "greater")
            se = float(np.std(beta_reps, ddof=1))
        except (ValueError, np.linalg.LinAlgError) as exc:
            row["note"] = f"regression failed: {exc}"
    return pd.DataFrame([{**row, "estimate": est, "ci_low": lo, "ci_high": hi, "p_value": p,
                          "se": se}])


def power_mde(se: float, *, alpha: float = 0.05, power: float = 0.8, effect: float | None = None,
              family_size: int = 1) -> dict[str, float]:
    """Power and minimum detectable effect at the level the verdict uses, for standard error `se`.

    The verdict is a two-sided test at level alpha, Holm-adjusted over the report's claims; the
    first Holm step tests at ``alpha / family_size``, the strictest level a claim can face, so
    this is the conservative figure: level = alpha / family_size, two-sided (normal
    approximation; `power` is the chance of a significant result in the effect's direction).

    Example:
        >>> r = power_mde(0.1, effect=0.25)
        >>> round(r["mde"], 3), round(r["power"], 2), r["level"]
        (0.28, 0.71, 0.05)
        >>> round(power_mde(0.1, effect=0.25, family_size=3)["power"], 2)
        0.54
    """
    if family_size < 1:
        raise ValueError("family_size must be at least 1")
    level = alpha / family_size
    if not np.isfinite(se) or se <= 0:
        return {"mde": np.nan, "power": np.nan, "level": level}
    z_a, z_b = stats.norm.ppf(1 - level / 2), stats.norm.ppf(power)
    out = {"mde": float((z_a + z_b) * se), "power": np.nan, "level": level}
    if effect is not None:
        out["power"] = float(stats.norm.cdf(abs(effect) / se - z_a))
    return out
