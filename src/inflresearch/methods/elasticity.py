"""The one log-log elasticity estimator: OLS of a log outcome on log followers, HC4 errors.

Every question that reports an elasticity (the engagement elasticity b in report 01, b, the
price elasticity g and g - b in the assumption-based ROI path of report 03) calls `log_log_slope`,
so the same rows give the same estimate, standard error and interval everywhere. The interval is
two-sided (1 - alpha) with a t(df_resid) reference; the one-sided p-value is for the slope being
below `null`.

`prepare_accounts` makes the account frame every account-level model uses (``followers``,
``engagements``, their logs, ``engagement_rate``, optional ``niche`` / ``platform``), refusing
degenerate input with one `DataError`; `niche_elasticities` fits one slope per group.

Estimands: `covariates` empty is the **pooled** elasticity (across all accounts); with
``("niche",)`` it is the **within-niche** elasticity (the common slope inside niches, niche
levels as fixed effects). They answer different questions and are named apart in every table.

Example:
    >>> x = np.log(np.geomspace(1e3, 1e6, 50))
    >>> d = pd.DataFrame({"log_followers": x, "log_engagements": 0.8 * x + np.sin(7 * x) / 10})
    >>> round(log_log_slope(d).estimate, 2)
    0.8
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats

from inflresearch.claims import declare_p_side
from inflresearch.errors import DataError
from inflresearch.methods.rates import engagements_per_post

TERM = "log_followers"
CovType = Literal["HC3", "HC4"]


def hc4_se(model: Any, term: str) -> float:
    """HC4 standard error (Cribari-Neto 2004) of one coefficient of a fitted OLS model.

    Squared residuals are inflated by (1 - h_i)^-d_i with d_i = min(4, n h_i / p): more than
    HC3's (1 - h_i)^-2 at high-leverage points, which under heavy-tailed, uneven errors are the
    ones HC3 leaves too narrow.

    Example:
        >>> import statsmodels.api as sm
        >>> x = np.log(np.geomspace(1e3, 1e7, 60))
        >>> m = sm.OLS(np.sin(3 * x) + 0.8 * x, sm.add_constant(x)).fit(cov_type="HC3")
        >>> round(float(hc4_se(m, "x1") / m.bse[1]), 2)  # evenly spread followers: about HC3
        0.99
    """
    exog = np.asarray(model.model.exog, dtype=float)
    n, p = exog.shape
    q, _ = np.linalg.qr(exog)
    h = np.clip((q**2).sum(axis=1), 0.0, 1 - 1e-12)
    weights = np.asarray(model.resid, dtype=float) ** 2 / (1 - h) ** np.minimum(4.0, n * h / p)
    row = np.linalg.pinv(exog.T @ exog)[list(model.model.exog_names).index(term)] @ exog.T
    return float(np.sqrt(np.sum(row**2 * weights)))

MIN_ACCOUNTS = 10
#: the level given to accounts without a niche / platform, so fixed-effect models keep them
MISSING_LEVEL = "(missing)"
MIN_NICHE_ACCOUNTS = 10


@dataclass(frozen=True)
class Slope:
    """One log-log slope (HC4 errors by default): estimate, se, (1 - alpha) t interval, one-sided
    p below `null`."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    null: float
    n: int
    df_resid: float
    alpha: float
    formula: str
    model: Any = field(repr=False, compare=False, default=None)

    def as_dict(self) -> dict[str, float]:
        """``estimate``, ``se``, ``ci_low``, ``ci_high`` (the numbers a table row needs).

        Example:
            >>> x = np.log(np.geomspace(1e3, 1e6, 20))
            >>> d = pd.DataFrame({"log_followers": x, "log_engagements": x + np.cos(9 * x)})
            >>> sorted(log_log_slope(d).as_dict())
            ['ci_high', 'ci_low', 'estimate', 'se']
        """
        return {"estimate": self.estimate, "se": self.se, "ci_low": self.ci_low,
                "ci_high": self.ci_high}


def log_log_slope(
    data: pd.DataFrame,
    *,
    outcome: str = "log_engagements",
    covariates: tuple[str, ...] = (),
    null: float = 1.0,
    alpha: float = 0.05,
    cov_type: CovType = "HC4",
) -> Slope:
    """Slope of `outcome` on ``log_followers`` (+ categorical `covariates`), OLS with HC4 errors
    (`hc4_se`: near 95% coverage under heavy-tailed errors at high-leverage accounts, where HC3
    fell to 94%); ``cov_type="HC3"`` for comparison.

    `data` holds ``log_followers``, `outcome` and the covariates (already logged and cleaned, e.g.
    by `prepare_accounts`). A covariate with one level is no covariate and is left out.

    Example:
        >>> x = np.log(np.geomspace(1e3, 1e6, 40))
        >>> d = pd.DataFrame({"log_followers": x, "y": 0.9 * x + np.sin(5 * x) / 5})
        >>> s = log_log_slope(d, outcome="y")
        >>> s.ci_low < 0.9 < s.ci_high, s.n
        (True, 40)
    """
    used = [c for c in covariates if c in data.columns and data[c].nunique(dropna=True) > 1]
    formula = f"{outcome} ~ " + " + ".join([TERM, *used])
    model = smf.ols(formula, data).fit(cov_type="HC3")
    if TERM not in model.params.index or not np.isfinite(model.bse[TERM]):
        raise DataError("the elasticity is not identified (followers collinear with covariates)")
    se = hc4_se(model, TERM) if cov_type == "HC4" else float(model.bse[TERM])
    b, dof = float(model.params[TERM]), float(model.df_resid)
    crit = float(stats.t.ppf(1 - alpha / 2, dof))
    return Slope(
        estimate=b, se=se, ci_low=b - crit * se, ci_high=b + crit * se,
        p_value=float(stats.t.cdf((b - null) / se, dof)), null=null, n=int(model.nobs),
        df_resid=dof, alpha=alpha, formula=formula, model=model,
    )


def resolve_engagements(df: pd.DataFrame, engagements: str = "engagements") -> tuple[pd.Series, str]:
    """The per-post engagement series and where it came from: the one rule of
    `inflresearch.methods.rates.engagements_per_post`.

    Example:
        >>> resolve_engagements(pd.DataFrame({"avg_likes": [10.0], "avg_comments": [2.0]}))[1]
        'avg_likes + avg_comments'
    """
    return engagements_per_post(df, engagements)


def prepare_accounts(
    df: pd.DataFrame,
    *,
    followers: str = "followers",
    engagements: str = "engagements",
    niche: str | None = None,
    platform: str | None = None,
    min_accounts: int = MIN_ACCOUNTS,
) -> pd.DataFrame:
    """The clean account frame the engagement models use; `DataError` on degenerate input.

    Rows with missing or non-positive followers, or missing engagement, are dropped; accounts with
    zero engagement are dropped from the log models (their count is kept in ``attrs``); a missing
    niche or platform becomes the level ``"(missing)"``. Refuses
    fewer than `min_accounts` usable accounts, a single follower value, and all-zero engagement.
    ``attrs`` holds ``n_input``, ``n_dropped_missing``, ``n_dropped_zero`` and ``engagement_source``.

    Example:
        >>> d = pd.DataFrame({"followers": [1e3, 1e4, 1e5] * 4, "engagements": [50., 300, 2e3] * 4})
        >>> prepare_accounts(d)[["log_followers", "log_engagements"]].shape
        (12, 2)
    """
    if not isinstance(df, pd.DataFrame):
        raise DataError(f"expected a DataFrame, got {type(df).__name__}")
    if followers not in df.columns:
        raise DataError("follower column not found", column=followers)
    f = pd.to_numeric(df[followers], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    e_series, source = resolve_engagements(df, engagements)
    e = e_series.to_numpy(dtype=float, na_value=np.nan)
    usable = np.isfinite(f) & (f > 0) & np.isfinite(e) & (e >= 0)
    n_usable = int(usable.sum())
    if n_usable and not (e[usable] > 0).any():
        raise DataError("all engagement values are zero; nothing to model", column=source)
    keep = usable & (e > 0)
    n = int(keep.sum())
    if n < min_accounts:
        raise DataError(
            f"only {n} accounts with positive followers and engagement; at least {min_accounts} "
            "are needed to estimate an elasticity", column=followers,
        )
    every = n == len(df)
    fk, ek = (f, e) if every else (f[keep], e[keep])
    if fk.min() == fk.max():
        raise DataError(
            f"every account has the same follower count ({fk[0]:g}); an elasticity needs "
            "variation in followers", column=followers, values=[fk[0]],
        )
    out = pd.DataFrame(
        {
            "followers": fk,
            "engagements": ek,
            "log_followers": np.log(fk),
            "log_engagements": np.log(ek),
            "engagement_rate": ek / fk,
        },
        index=df.index if every else df.index[keep],
        copy=False,
    )
    for name, column in (("niche", niche), ("platform", platform)):
        if column is None:
            continue
        if column not in df.columns:
            raise DataError("column not found", column=column)
        values = df[column].astype("string").fillna(MISSING_LEVEL).to_numpy()[keep]
        out[name] = pd.Categorical(values)
    if "account_id" in df.columns:
        out["account_id"] = df["account_id"].to_numpy()[keep]
    out.attrs.update(
        n_input=len(df),
        n_dropped_missing=len(df) - n_usable,
        n_dropped_zero=n_usable - n,
        engagement_source=source,
    )
    return out


def niche_elasticities(
    df: pd.DataFrame,
    *,
    niche: str = "niche",
    followers: str = "followers",
    engagements: str = "engagements",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Elasticity per niche from one interaction model (HC3): one row per niche.

    ``log(engagements) ~ 0 + niche + niche:log(followers)``; columns ``niche``,
    ``estimate`` (that niche's b), ``ci_low``, ``ci_high`` (two-sided 1 - alpha), ``p_value``
    (one-sided, H0: b >= 1, i.e. evidence that the rate declines in that niche), ``n`` and
    ``method``. Niches with fewer than 10 accounts or one follower value get NaN estimates and
    say so in ``method``; accounts without a niche are left out.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> w = simulate_world(seed=6, n_influencers=1500, n_campaigns=0, n_niches=3)
        >>> niche_elasticities(w.influencers)[["niche", "n"]].shape
        (3, 2)
    """
    data = prepare_accounts(df, followers=followers, engagements=engagements, niche=niche)
    data = data[data["niche"] != MISSING_LEVEL].assign(niche=lambda d: d["niche"].astype(str))
    if data.empty:
        raise DataError("no account has a niche", column=niche)
    groups = data.groupby("niche", sort=True)["log_followers"].agg(["size", "nunique"])
    ok = groups[(groups["size"] >= MIN_NICHE_ACCOUNTS) & (groups["nunique"] > 1)].index
    rows = []
    fitted = data[data["niche"].isin(ok)]
    method = "OLS HC3, niche-specific slopes (interaction); p one-sided H0: b >= 1"
    if len(ok):
        fitted = fitted.assign(niche=pd.Categorical(fitted["niche"]))
        formula = f"log_engagements ~ 0 + niche + niche:{TERM}" if len(ok) > 1 else (
            f"log_engagements ~ {TERM}")
        model = smf.ols(formula, fitted).fit(cov_type="HC3")
        dof = model.df_resid
        crit = stats.t.ppf(1 - alpha / 2, dof)
        for name in ok:
            term = f"niche[{name}]:{TERM}" if len(ok) > 1 else TERM
            b, se = float(model.params[term]), float(model.bse[term])
            rows.append((name, b, b - crit * se, b + crit * se,
                         float(stats.t.cdf((b - 1) / se, dof)), int(groups.loc[name, "size"]),
                         method))
    for name in groups.index.difference(ok):
        rows.append((name, np.nan, np.nan, np.nan, np.nan, int(groups.loc[name, "size"]),
                     f"not estimated: fewer than {MIN_NICHE_ACCOUNTS} accounts or one follower "
                     "value"))
    columns = ["niche", "estimate", "ci_low", "ci_high", "p_value", "n", "method"]
    table = pd.DataFrame(rows, columns=columns).sort_values("niche", ignore_index=True)
    return declare_p_side(table, "one-sided, rate falls, unadjusted")
