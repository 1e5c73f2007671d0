"""Niche focus: do smaller accounts speak to a more focused niche (`micro_audiences_more_focused`)?

An account's niche focus is one minus the normalised Shannon entropy of its NMF topic mix
(1: one topic only; 0: all k topics equally), computed from its whole document, i.e. from its
posts when posts are given. The test regresses focus on log10 followers by OLS with HC3 errors,

    focus ~ log10(followers) + log(n_tokens),     focus = 1 - topic_entropy,

controlling for how much text the account has (short documents give noisier, mechanically
different mixes, and text volume may differ by size). The claim says micro accounts are more
focused, i.e. focus falls as followers grow: slope < 0 (equivalently, topic entropy rises).
Reported: the slope per tenfold followers, its two-sided CI, the one-sided p for slope < 0 and
the minimum detectable slope at 80% power.

Example:
    >>> import numpy as np
    >>> topic_entropy(np.array([[1.0, 0.0], [0.5, 0.5]])).round(3).tolist()
    [0.0, 1.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats

from inflresearch.claims import Claim, claim_result, not_testable
from inflresearch.errors import DataError
from inflresearch.tidy import TidyResult

CLAIM = "micro_audiences_more_focused"
MIN_ACCOUNTS = 30


def topic_entropy(mix: np.ndarray) -> np.ndarray:
    """Shannon entropy of each row of a topic mix, divided by log(k): in [0, 1].

    Example:
        >>> topic_entropy(np.array([[0.25, 0.25, 0.25, 0.25]])).round(6).tolist()
        [1.0]
    """
    mix = np.asarray(mix, dtype=float)
    if mix.ndim != 2 or mix.shape[1] < 2:
        raise ValueError("topic mix must be a 2-D array with at least two topics")
    p = mix / np.where(mix.sum(1, keepdims=True) > 0, mix.sum(1, keepdims=True), 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -np.where(p > 0, p * np.log(p), 0.0).sum(1)
    return np.abs(h / np.log(mix.shape[1]))  # abs: no -0.0


@dataclass
class FocusResult(TidyResult):
    """The focus regression: tidy ``table`` (one row per term) and the claim record."""

    table: pd.DataFrame
    claim: Claim
    data: pd.DataFrame

    @property
    def slope(self) -> pd.Series:
        """The row of the log10-followers slope."""
        return self.table.set_index("term").loc["log10_followers"]

    def line(self) -> tuple[float, float]:
        """Intercept (at the mean log text length) and slope of the fitted focus line."""
        est = self.table.set_index("term")["estimate"]
        icpt = float(est["intercept"])
        if "log_tokens" in est.index:
            icpt += float(est["log_tokens"]) * float(self.data["log_tokens"].mean())
        return icpt, float(est["log10_followers"])


def focus_test(
    data: pd.DataFrame,
    *,
    focus: str = "focus",
    followers: str = "followers",
    n_tokens: str | None = "n_tokens",
    alpha: float = 0.05,
) -> FocusResult:
    """Regress niche focus on log10 followers (HC3) and test the claim slope < 0.

    Accounts without a positive follower count or without an entropy are left out (and counted in
    the claim's note). With fewer than 30 accounts the claim is not testable.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> f = 10 ** rng.uniform(3, 7, 400)
        >>> d = pd.DataFrame({"followers": f, "n_tokens": 50.0,
        ...                   "focus": 0.8 - 0.05 * np.log10(f) + rng.normal(0, .1, 400)})
        >>> r = focus_test(d)
        >>> r.claim.verdict, round(float(r.slope["estimate"]), 2)
        ('supported', -0.05)
    """
    for col in (focus, followers) + ((n_tokens,) if n_tokens else ()):
        if col not in data.columns:
            raise DataError(f"focus test needs column {col!r}", column=col)
    frame = pd.DataFrame({
        "focus": pd.to_numeric(data[focus], errors="coerce"),
        "followers": pd.to_numeric(data[followers], errors="coerce"),
    })
    if n_tokens:
        frame["n_tokens"] = pd.to_numeric(data[n_tokens], errors="coerce")
    ok = frame.notna().all(axis=1) & (frame["followers"] > 0)
    if n_tokens:
        ok &= frame["n_tokens"] > 0
    dropped = int((~ok).sum())
    frame = frame[ok].assign(log10_followers=lambda d: np.log10(d["followers"]))
    formula = "focus ~ log10_followers"
    if n_tokens:
        frame["log_tokens"] = np.log(frame["n_tokens"])
        if frame["log_tokens"].nunique() > 1:
            formula += " + log_tokens"
    method = f"OLS, HC3 errors: {formula}; one-sided p for slope < 0"
    n = len(frame)
    if n < MIN_ACCOUNTS or frame["log10_followers"].nunique() < 3:
        claim = not_testable(CLAIM, f"only {n} accounts with text and followers", n=n,
                             method=method)
        return FocusResult(pd.DataFrame(), claim, frame)
    fit = smf.ols(formula, frame).fit(cov_type="HC3")
    crit = stats.norm.ppf(1 - alpha / 2)
    table = pd.DataFrame({
        "term": fit.params.index.str.replace("Intercept", "intercept"),
        "estimate": fit.params.to_numpy(),
        "se": fit.bse.to_numpy(),
        "ci_low": fit.params.to_numpy() - crit * fit.bse.to_numpy(),
        "ci_high": fit.params.to_numpy() + crit * fit.bse.to_numpy(),
        "p_value": fit.pvalues.to_numpy(),
        "n": n,
        "method": "OLS HC3 (two-sided p)",
    })
    b, se = float(fit.params["log10_followers"]), float(fit.bse["log10_followers"])
    mde = (stats.norm.ppf(1 - alpha) + stats.norm.ppf(0.8)) * se
    note = (f"slope of niche focus (1 - normalised topic entropy, 0-1) per tenfold followers; "
            f"{dropped} accounts without text or followers left out")
    claim = claim_result(
        CLAIM, estimate=b, ci_low=b - crit * se, ci_high=b + crit * se,
        p_value=float(stats.norm.cdf(b / se)), n=n, method=method, null=0.0, direction="less",
        alpha=alpha, note=note, mde=float(mde),
    )
    return FocusResult(table, claim, frame)


def focus_data(
    model: Any,
    documents: pd.DataFrame,
    accounts: pd.DataFrame,
    *,
    followers: str = "followers",
) -> pd.DataFrame:
    """Per clustered account: ``account_id``, ``niche``, ``n_tokens``, ``topic_entropy`` (of the
    fitted `model`'s NMF topic mix), ``focus`` (1 - entropy) and ``followers`` (from `accounts`,
    matched on account_id).

    Example:
        >>> focus_data.__name__
        'focus_data'
    """
    usable = np.asarray(model.usable_)
    out = pd.DataFrame({
        "account_id": documents["account_id"].astype(str).to_numpy()[usable],
        "niche": model.assignments_["niche_discovered"].to_numpy()[usable],
        "n_tokens": documents["n_tokens"].to_numpy()[usable],
        "topic_entropy": topic_entropy(model.topic_mix_),
    })
    out["focus"] = 1.0 - out["topic_entropy"]
    if followers not in accounts.columns:
        raise DataError(f"accounts need a {followers!r} column", column=followers)
    size = accounts.assign(account_id=accounts["account_id"].astype(str)).drop_duplicates(
        "account_id").set_index("account_id")[followers]
    out["followers"] = pd.to_numeric(out["account_id"].map(size), errors="coerce")
    return out
