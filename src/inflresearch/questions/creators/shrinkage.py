"""Empirical-Bayes shrinkage of noisy per-account estimates: a normal-normal model.

Each account i has an observed score r_i (its mean log engagement per post minus the value its
size predicts) with sampling variance v_i (from the number and spread of its posts). The model::

    r_i | theta_i ~ N(theta_i, v_i),      theta_i ~ N(mu, tau^2)

`tau^2` (the spread of true account effects) is estimated by REML, `mu` by the precision-weighted
mean; the posterior of theta_i is normal with mean ``mu + (1 - B_i)(r_i - mu)`` and variance
``(1 - B_i) v_i``, ``B_i = v_i / (v_i + tau^2)`` (Efron and Morris 1975; the random-effects
meta-analysis model). An account with one post has a large v_i, so it is pulled almost all the
way to mu and keeps a wide interval: it cannot top a ranking on one lucky post. The intervals are
plug-in (they treat mu and tau^2 as known), a good approximation with many accounts.

Example:
    >>> r = np.array([1.0, -1.0, 0.5, -0.5, 0.0]); v = np.full(5, 0.25)
    >>> fit = fit_normal_normal(r, v)
    >>> round(fit.tau2, 3), bool(np.all(np.abs(fit.posterior_mean) < np.abs(r) + 1e-12))
    (0.375, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

PRIOR_DF = 4.0  # the pooled within-account variance counts as four posts' worth of evidence


def moderated_variance(s2: np.ndarray, n: np.ndarray, pooled: float,
                       prior_df: float = PRIOR_DF) -> np.ndarray:
    """Per-account post variance, moderated toward the pooled one (Smyth 2004, fixed prior df).

    ``(prior_df * pooled + (n - 1) * s2) / (prior_df + n - 1)``: an account with one post (no
    spread of its own) gets the pooled variance; one with many posts mostly its own.

    Example:
        >>> moderated_variance(np.array([np.nan, 4.0]), np.array([1, 101]), 1.0).round(2).tolist()
        [1.0, 3.88]
    """
    s2 = np.where(np.asarray(n) > 1, np.nan_to_num(np.asarray(s2, dtype=float)), 0.0)
    df = np.maximum(np.asarray(n, dtype=float) - 1.0, 0.0)
    return (prior_df * pooled + df * s2) / (prior_df + df)


def pooled_variance(s2: np.ndarray, n: np.ndarray) -> float:
    """The within-account variance pooled over accounts with two or more posts (df-weighted).

    Example:
        >>> pooled_variance(np.array([1.0, 3.0, np.nan]), np.array([2, 3, 1]))
        2.3333333333333335
    """
    n = np.asarray(n, dtype=float)
    keep = n > 1
    if not keep.any():
        raise ValueError("no account has two posts: the spread of posts is not estimable")
    df = n[keep] - 1.0
    return float(np.sum(df * np.asarray(s2, dtype=float)[keep]) / df.sum())


@dataclass(frozen=True)
class NormalNormal:
    """A fitted normal-normal model: `mu`, `tau2`, and per account the posterior mean and sd."""

    mu: float
    tau2: float
    posterior_mean: np.ndarray
    posterior_sd: np.ndarray
    shrinkage: np.ndarray  # B_i: 0 keeps the account's own score, 1 replaces it by mu

    def interval(self, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
        """Per-account (1 - alpha) posterior interval of theta_i.

        Example:
            >>> f = fit_normal_normal(np.array([1.0, -1.0, 0.0]), np.array([0.1, 0.1, 0.1]))
            >>> lo, hi = f.interval(); bool(np.all(lo < f.posterior_mean))
            True
        """
        z = float(stats.norm.ppf(1 - alpha / 2))
        return self.posterior_mean - z * self.posterior_sd, self.posterior_mean + z * self.posterior_sd


def _weighted_mean(r: np.ndarray, v: np.ndarray, tau2: float) -> float:
    w = 1.0 / (v + tau2)
    return float(np.sum(w * r) / np.sum(w))


def _neg_reml(tau2: float, r: np.ndarray, v: np.ndarray) -> float:
    total = v + tau2
    w = 1.0 / total
    mu = float(np.sum(w * r) / np.sum(w))
    return float(np.sum(np.log(total)) + np.log(np.sum(w)) + np.sum(w * (r - mu) ** 2))


def fit_normal_normal(r: np.ndarray, v: np.ndarray) -> NormalNormal:
    """REML fit of ``r_i ~ N(mu, tau^2 + v_i)`` and the posterior of each theta_i.

    `r` are the observed scores, `v` their sampling variances (positive).

    Example:
        >>> rng = np.random.default_rng(0)
        >>> theta = rng.normal(0, 0.5, 4000); v = rng.uniform(0.05, 0.5, 4000)
        >>> fit = fit_normal_normal(theta + rng.normal(0, np.sqrt(v)), v)
        >>> 0.2 < fit.tau2 < 0.3
        True
    """
    r, v = np.asarray(r, dtype=float), np.asarray(v, dtype=float)
    if len(r) < 3 or len(r) != len(v) or not np.all(v > 0):
        raise ValueError("need at least three scores with positive sampling variances")
    upper = max(float(np.var(r)) * 4.0, 1e-6)
    found = optimize.minimize_scalar(_neg_reml, bounds=(0.0, upper), args=(r, v), method="bounded",
                                     options={"xatol": 1e-10})
    tau2 = float(found.x)
    if _neg_reml(0.0, r, v) <= found.fun:
        tau2 = 0.0  # the boundary: no spread of true effects is detectable
    mu = _weighted_mean(r, v, tau2)
    b = v / (v + tau2)
    return NormalNormal(mu=mu, tau2=tau2, posterior_mean=mu + (1.0 - b) * (r - mu),
                        posterior_sd=np.sqrt((1.0 - b) * v), shrinkage=b)
