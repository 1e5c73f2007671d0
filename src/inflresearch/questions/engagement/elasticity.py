"""Engagement versus follower count: the elasticity b and the claim `engagement_rate_declines`.

Model (account level, OLS with HC4 heteroskedasticity-robust errors, which stay near 95%
coverage under heavy-tailed errors at high-leverage accounts where HC3 falls to 94%; the one
estimator of `inflresearch.methods.elasticity`)::

    log(engagements) ~ log(followers)                            (estimand "pooled": b)
    log(engagements) ~ log(followers) + niche                    (estimand "within_niche")

The claim and every "b" of the report are the POOLED elasticity: the question is how engagement
changes between accounts of different sizes as a brand meets them, and the shape models
(quadratic, segmented) and the ROI report's assumption-based path estimate the same quantity;
`estimand_table` shows the within-niche slope beside it. The slope b is the engagement
elasticity: a 1% larger audience goes with b% more engagement per post, so the engagement *rate*
(engagements / followers) falls with size exactly when b < 1.
The claim is tested one-sided, H0: b >= 1 against b < 1.

The elasticity is descriptive, not causal: follower count is not randomly assigned (account age,
bought or fake followers, platform mix all move it), and noise in follower counts attenuates b
toward 0, i.e. toward "declining"; `follower_noise_sensitivity` says how much noise that takes,
and `contamination_sensitivity` how large a bought-follower share (rising with size) or follower
growth between post and crawl would explain the decline away.

Example:
    >>> from inflresearch.data.synth import simulate_world
    >>> w = simulate_world(seed=1, n_influencers=2000, n_campaigns=0, with_text=False)
    >>> fit = elasticity(w.influencers)
    >>> round(fit.estimate, 1), claim_rate_declines(fit).verdict
    (0.8, 'supported')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import optimize, stats

from inflresearch.claims import ENGAGEMENT_RATE_DECLINES, Claim, claim_result, declare_p_side, not_testable
from inflresearch.errors import DataError
from inflresearch.methods.elasticity import (
    MIN_NICHE_ACCOUNTS,
    MISSING_LEVEL,
    TERM,
    log_log_slope,
    prepare_accounts,
)
from inflresearch.methods.rates import rate_change_per_doubling
from inflresearch.questions.engagement.prepare import RangeCheck, collapse_rare_levels
from inflresearch.questions.engagement.words import CAVEAT
from inflresearch.tidy import TidyResult

_LARGEST_EXPONENT = float(np.log(np.finfo(float).max))  # expm1 of more overflows

def _covariates(data: pd.DataFrame, names: tuple[str, ...]) -> list[str]:
    """Covariate columns of `data` with at least two levels (a constant one is no covariate)."""
    return [c for c in names if c in data.columns and data[c].nunique(dropna=True) > 1]


@dataclass
class ElasticityResult(TidyResult):
    """A fitted log-log model; `.table` is one tidy row for the elasticity b."""

    table: pd.DataFrame
    model: Any = field(repr=False)
    data: pd.DataFrame = field(repr=False)
    formula: str = ""
    alpha: float = 0.05

    @property
    def estimate(self) -> float:
        """The elasticity b."""
        return float(self.table["estimate"].iloc[0])

    @property
    def se(self) -> float:
        """Robust standard error of b."""
        return float(self.table["se"].iloc[0])


ESTIMANDS = {
    (): "pooled",
    ("niche",): "within_niche",
    ("platform",): "within_platform",
    ("niche", "platform"): "within_niche_platform",
}


def estimand_name(within: tuple[str, ...]) -> str:
    """The name of the elasticity estimand with fixed effects for `within` (``pooled`` for none).

    Example:
        >>> estimand_name(()), estimand_name(("niche",))
        ('pooled', 'within_niche')
    """
    return ESTIMANDS.get(tuple(within), "within_" + "_".join(within))


def elasticity(
    df: pd.DataFrame,
    *,
    followers: str = "followers",
    engagements: str = "engagements",
    niche: str | None = None,
    platform: str | None = None,
    within: tuple[str, ...] | None = None,
    alpha: float = 0.05,
) -> ElasticityResult:
    """Engagement elasticity b from ``log(engagements) ~ log(followers) [+ niche] [+ platform]``.

    One estimator for every report (`inflresearch.methods.elasticity.log_log_slope`: OLS, here
    with HC4 errors, t interval). The estimand is named in the table's ``estimand`` column:

    - ``pooled`` (the default, and the one the claim and every "b" of report 01 use): the slope
      across all accounts, as a marketer comparing accounts of different sizes meets them;
    - ``within_niche`` (``within=("niche",)``): the common slope inside niches (niche levels as
      fixed effects), which removes differences in size and engagement between niches.

    `niche` / `platform` name optional columns of a raw table; given, they are entered as fixed
    effects unless `within` says otherwise. A frame already prepared by `prepare_accounts` is used
    as is: its ``niche`` / ``platform`` columns enter only when `within` names them. Levels with
    fewer than 5 accounts are pooled (`collapse_rare_levels`); `niche_elasticities` gives a slope
    per niche. Accounts with zero engagement are dropped (count in ``.data.attrs``). The table row
    holds ``estimate`` (b), ``se``, ``ci_low``/``ci_high`` (two-sided 1 - alpha), ``null`` (1),
    ``p_value`` (one-sided, H0: b >= 1), ``p_two_sided``, ``rate_change_per_doubling``
    (2^(b-1) - 1, with CI), ``n``, ``r2``, ``estimand`` and ``method``.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> w = simulate_world(seed=2, n_influencers=1000, n_campaigns=0, elasticity=0.7)
        >>> fit = elasticity(w.influencers)
        >>> round(fit.estimate, 1), fit.table["estimand"].item()
        (0.7, 'pooled')
    """
    data = df if "log_engagements" in df.columns else prepare_accounts(
        df, followers=followers, engagements=engagements, niche=niche, platform=platform
    )
    if within is None:
        within = tuple(name for name, col in (("niche", niche), ("platform", platform)) if col)
    data = collapse_rare_levels(data)
    used = tuple(_covariates(data, within))
    slope = log_log_slope(data, covariates=used, alpha=alpha, cov_type="HC4")
    model = slope.model
    table = elasticity_row(
        slope.estimate, slope.se, slope.n, alpha,
        method=f"OLS, HC4 robust errors: {slope.formula}", df_resid=slope.df_resid,
    )
    table["r2"] = float(model.rsquared)
    table["estimand"] = estimand_name(used)
    return ElasticityResult(table=table, model=model, data=data, formula=slope.formula,
                            alpha=alpha)


def estimand_table(accounts: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """The pooled and the within-niche (and within-platform) elasticity side by side.

    `accounts` is a `prepare_accounts` frame; a row per estimand its columns allow (``pooled``
    always; ``within_niche`` with a niche column of two or more levels, ``within_platform`` and
    ``within_niche_platform`` likewise). Columns as `elasticity`'s table, plus ``used_for`` saying
    which one the claim uses. A large gap between the rows means niches differ in size and
    engagement level, so "b" depends on whether accounts are compared across or inside niches.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> from inflresearch.methods.elasticity import prepare_accounts
        >>> acc = prepare_accounts(simulate_world(seed=3, n_influencers=900).influencers,
        ...                        niche="niche")
        >>> estimand_table(acc)["estimand"].tolist()
        ['pooled', 'within_niche']
    """
    options = [(), ("niche",), ("platform",), ("niche", "platform")]
    rows, seen = [], set()
    for within in options:
        if len(_covariates(collapse_rare_levels(accounts), within)) != len(within):
            continue
        row = elasticity(accounts, within=within, alpha=alpha).table
        if row["estimand"].item() not in seen:
            seen.add(row["estimand"].item())
            rows.append(row)
    out = pd.concat(rows, ignore_index=True)
    out["used_for"] = np.where(out["estimand"] == "pooled",
                               "the claim and every b in the report", "comparison only")
    return out


def elasticity_row(
    b: float, se: float, n: int, alpha: float, *, method: str, df_resid: float | None = None
) -> pd.DataFrame:
    """The tidy one-row table of an elasticity against the null b = 1 (normal or t reference).

    Example:
        >>> elasticity_row(0.8, 0.05, 500, 0.05, method="x")["p_value"].round(4).item()
        0.0
    """
    df_ = df_resid if df_resid else np.inf  # t with infinite df is the normal
    crit = float(stats.t.ppf(1 - alpha / 2, df_))
    t_stat = (b - 1.0) / se
    lo, hi = b - crit * se, b + crit * se
    return pd.DataFrame(
        {
            "term": ["elasticity"],
            "estimate": [b],
            "se": [se],
            "ci_low": [lo],
            "ci_high": [hi],
            "null": [1.0],
            "p_value": [float(stats.t.cdf(t_stat, df_))],
            "p_two_sided": [float(2 * stats.t.sf(abs(t_stat), df_))],
            "rate_change_per_doubling": [rate_change_per_doubling(b)],  # inf beyond a float, never OverflowError
            "rate_change_ci_low": [rate_change_per_doubling(lo)],
            "rate_change_ci_high": [rate_change_per_doubling(hi)],
            "n": [int(n)],
            "method": [method],
        }
    )


def claim_rate_declines(
    fit: ElasticityResult, *, range_check: RangeCheck | None = None, power_at: float = 0.9,
    low_point: Mapping[str, Any] | None = None,
) -> Claim:
    """The `engagement_rate_declines` claim record from an elasticity fit (estimate b, null 1).

    `low_point` (`sweet_spot.rate_low_point`) is kept in the details, so the report can say
    that the decline holds only up to the rate's low point when the data show one.

    Adds ``mde`` (the smallest decline 1 - b detectable with 80% power at the fit's alpha) and
    ``power`` (power to detect b = `power_at`). When `range_check` flags the sample, the claim is
    reported as not testable, with the estimate and the reason in the note.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> w = simulate_world(seed=3, n_influencers=400, n_campaigns=0, elasticity=1.0)
        >>> claim_rate_declines(elasticity(w.influencers)).verdict in ("inconclusive",)
        True
    """
    row = fit.table.iloc[0]
    method = "log-log OLS elasticity b, HC4 errors, one-sided H0: b >= 1"
    if range_check is not None and range_check.warning:
        reason = (
            f"elasticity b = {row['estimate']:.3f} (CI {row['ci_low']:.3f} to "
            f"{row['ci_high']:.3f}) is not interpretable here: " + " ".join(range_check.messages)
        )
        return not_testable(ENGAGEMENT_RATE_DECLINES, reason, n=int(row["n"]), method=method)
    z_a, z_b = stats.norm.ppf(1 - fit.alpha), stats.norm.ppf(0.8)
    se = float(row["se"])
    return claim_result(
        ENGAGEMENT_RATE_DECLINES,
        estimate=float(row["estimate"]), ci_low=float(row["ci_low"]), ci_high=float(row["ci_high"]),
        p_value=float(row["p_value"]), n=int(row["n"]), method=method, null=1.0,
        direction="less", alpha=fit.alpha, note=CAVEAT,
        mde=float((z_a + z_b) * se),
        power=float(stats.norm.cdf((1.0 - power_at) / se - z_a)), power_at=power_at,
        **dict(low_point or {}),
    )


def rate_models(fit: ElasticityResult) -> pd.DataFrame:
    """The elasticity next to the two rate regressions a reader might run instead.

    Rows: ``log_log_elasticity`` (b, null 1); ``log_rate_on_log_followers`` (b - 1: the same
    model, rewritten); ``rate_on_log10_followers`` (the rate itself in levels, percentage points
    per tenfold audience, HC3). The level regression has no parameter that says "declines"
    independent of scale: it is dominated by small accounts' noisy rates, and because followers
    sit in the rate's denominator, noise in followers alone drags its slope negative.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> fit = elasticity(simulate_world(seed=4, n_influencers=800, n_campaigns=0).influencers)
        >>> rate_models(fit)["model"].tolist()[1]
        'log_rate_on_log_followers'
    """
    data, row = fit.data, fit.table.iloc[0]
    crit = stats.norm.ppf(1 - fit.alpha / 2)
    level = smf.ols("rate_pp ~ np.log10(followers)", data.assign(
        rate_pp=100.0 * data["engagement_rate"])).fit(cov_type="HC3")
    slope, se = float(level.params.iloc[1]), float(level.bse.iloc[1])
    rows = [
        ("log_log_elasticity", "log(engagements) ~ log(followers)", row["estimate"], row["se"],
         row["ci_low"], row["ci_high"], 1.0, row["p_value"], "elasticity b; rate falls iff b < 1"),
        ("log_rate_on_log_followers", "log(rate) ~ log(followers)", row["estimate"] - 1,
         row["se"], row["ci_low"] - 1, row["ci_high"] - 1, 0.0, row["p_value"],
         "b - 1: identical to the elasticity model"),
        ("rate_on_log10_followers", "100 * rate ~ log10(followers)", slope, se,
         slope - crit * se, slope + crit * se, 0.0, float(stats.norm.cdf(slope / se)),
         "percentage points per tenfold audience; followers in the denominator"),
    ]
    columns = ["model", "formula", "estimate", "se", "ci_low", "ci_high", "null", "p_value",
               "meaning"]
    out = pd.DataFrame(rows, columns=columns)
    out["n"] = int(row["n"])
    return declare_p_side(out, "one-sided, rate falls, unadjusted")


def follower_noise_sensitivity(
    fit: ElasticityResult, noise_sd: tuple[float, ...] = (0.1, 0.25, 0.5)
) -> pd.DataFrame:
    """How classical noise in log followers would change b, and how much noise explains it away.

    Under noise of sd s in log followers, OLS estimates lambda * b with reliability
    lambda = 1 - s^2 / Var(log followers | covariates); the corrected b is b / lambda (CI scaled
    alike). The last row, ``explains_away``, is the noise sd at which a true b = 1 would produce
    the observed b (NaN when b >= 1). Noise shrinks b toward 0, i.e. toward "declining".

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> fit = elasticity(simulate_world(seed=5, n_influencers=800, n_campaigns=0).influencers)
        >>> follower_noise_sensitivity(fit)["noise_sd"].tolist()[:2]
        [0.0, 0.1]
    """
    exog = pd.DataFrame(fit.model.model.exog, columns=fit.model.model.exog_names)
    x = exog.pop(TERM).to_numpy()
    beta = np.linalg.lstsq(exog.to_numpy(), x, rcond=None)[0]
    var_x = float(np.var(x - exog.to_numpy() @ beta))
    row = fit.table.iloc[0]
    b = float(row["estimate"])
    sds = [0.0, *noise_sd]
    explain = float(np.sqrt((1 - b) * var_x)) if b < 1 else float("nan")
    rows = []
    for s in sds:
        lam = 1 - s**2 / var_x
        ok = lam > 0
        rows.append({
            "noise_sd": s,
            "typical_error_factor": float(np.exp(s)),
            "reliability": lam,
            "corrected_estimate": b / lam if ok else np.nan,
            "ci_low": row["ci_low"] / lam if ok else np.nan,
            "ci_high": row["ci_high"] / lam if ok else np.nan,
        })
    out = pd.DataFrame(rows)
    out["scenario"] = ["as observed"] + [f"noise sd {s:g}" for s in noise_sd]
    tail = pd.DataFrame([{"scenario": "explains_away", "noise_sd": explain,
                          "typical_error_factor": float(np.exp(explain)),
                          "reliability": b if b < 1 else np.nan,
                          "corrected_estimate": 1.0 if b < 1 else np.nan,
                          "ci_low": np.nan, "ci_high": np.nan}])
    return pd.concat([out, tail], ignore_index=True)[
        ["scenario", "noise_sd", "typical_error_factor", "reliability", "corrected_estimate",
         "ci_low", "ci_high"]
    ]


def niche_heterogeneity(
    df: pd.DataFrame,
    *,
    niche: str = "niche",
    followers: str = "followers",
    engagements: str = "engagements",
) -> pd.DataFrame:
    """Wald test (HC3) that all niches share one elasticity; one row.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> w = simulate_world(seed=6, n_influencers=1500, n_campaigns=0, n_niches=3)
        >>> niche_heterogeneity(w.influencers)["df"].item()
        2
    """
    data = prepare_accounts(df, followers=followers, engagements=engagements, niche=niche)
    data = data[data["niche"] != MISSING_LEVEL].assign(niche=lambda d: d["niche"].astype(str))
    sizes = data.groupby("niche")["log_followers"].agg(["size", "nunique"])
    ok = sizes[(sizes["size"] >= MIN_NICHE_ACCOUNTS) & (sizes["nunique"] > 1)].index
    if len(ok) < 2:
        raise DataError("need at least two niches with 10+ accounts to compare elasticities",
                        column=niche)
    data = data[data["niche"].isin(ok)].assign(niche=lambda d: pd.Categorical(d["niche"]))
    model = smf.ols(f"log_engagements ~ niche * {TERM}", data).fit(cov_type="HC3")
    names = list(model.params.index)
    terms = [t for t in names if t.endswith(f":{TERM}")]
    restriction = np.zeros((len(terms), len(names)))
    for i, t in enumerate(terms):
        restriction[i, names.index(t)] = 1.0
    test = model.wald_test(restriction, scalar=True)
    return pd.DataFrame({
        "test": ["equal elasticity across niches"],
        "statistic": [float(test.statistic)],
        "df": [len(terms)],
        "p_value": [float(test.pvalue)],
        "n": [int(model.nobs)],
        "method": ["Wald chi2 on niche x log(followers) interactions, HC3"],
    })


def _slope_refitter(fit: ElasticityResult) -> Any:
    """b of the fit's own specification as a function of (corrected) log followers: the
    covariates (intercept, fixed effects) are partialled out once (Frisch-Waugh-Lovell)."""
    exog = pd.DataFrame(fit.model.model.exog, columns=fit.model.model.exog_names)
    z = exog.drop(columns=[TERM]).to_numpy()
    y = np.asarray(fit.model.model.endog, dtype=float)
    q, _ = np.linalg.qr(z)
    ry = y - q @ (q.T @ y)

    def slope(log_followers: np.ndarray) -> float:
        rx = log_followers - q @ (q.T @ log_followers)
        return float(rx @ ry / (rx @ rx))

    return slope


def _bought_probability(log10_followers: np.ndarray, share: float, slope: float) -> np.ndarray:
    logit = np.log(share / (1 - share)) + slope * (log10_followers - 5.0)
    return 1.0 / (1.0 + np.exp(-logit))


def _log_follower_density(x: np.ndarray, *, max_points: int = 5_000, seed: int = 0) -> Any:
    """A Gaussian KDE of log followers, tabulated on a grid (zero outside the data's range
    widened by one bandwidth); a callable of log followers."""
    rng = np.random.default_rng(seed)
    sample = x if len(x) <= max_points else rng.choice(x, max_points, replace=False)
    kde = stats.gaussian_kde(sample)
    width = float(np.sqrt(kde.covariance[0, 0]))
    grid = np.linspace(x.min() - width, x.max() + width, 512)
    values = kde(grid)

    def density(v: np.ndarray) -> np.ndarray:
        return np.interp(v, grid, values, left=0.0, right=0.0)

    return density


def _bought_given_observed(x: np.ndarray, share: float, slope: float, lift: float,
                           density: Any) -> np.ndarray:
    """P(bought | observed log followers x) when accounts buy with probability p(TRUE count):
    Bayes with the true-count density (approximated by the observed one), the posterior that
    regression calibration needs (p at the observed count overstates the true count of the
    accounts that bought, and understates how many did)."""
    bought = _bought_probability((x - lift) / np.log(10), share, slope) * density(x - lift)
    clean = (1 - _bought_probability(x / np.log(10), share, slope)) * density(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(bought + clean > 0, bought / (bought + clean), 0.0)


def _smallest_share(corrected: Any, shares: np.ndarray, scan: np.ndarray, target: float) -> float:
    """The smallest share whose corrected b reaches `target` (scan, then root finding); NaN."""
    above = np.flatnonzero(scan >= target)
    if not len(above):
        return np.nan
    i = int(above[0])
    if i == 0:
        return float(shares[0])
    return float(optimize.brentq(lambda v: corrected(v) - target, shares[i - 1], shares[i],
                                 xtol=1e-4))


def growth_per_decade(b: float) -> float:
    """The extra follower growth per tenfold larger account that brings an elasticity `b` to 1:
    ``10 ** (1 / b - 1) - 1``; NaN when b is not in (0, 1) (no decline to explain), inf when b is
    so near 0 that no float holds it (b = 0.001 needs a factor of 10**999).

    Example:
        >>> growth_per_decade(0.5), growth_per_decade(0.001), growth_per_decade(1.2)
        (9.000000000000002, inf, nan)
    """
    if not 0 < b < 1:
        return float("nan")
    exponent = (1.0 / b - 1.0) * np.log(10)
    return float("inf") if exponent > _LARGEST_EXPONENT else float(np.expm1(exponent))


def contamination_sensitivity(
    fit: ElasticityResult,
    *,
    fake_slopes: tuple[float, ...] = (0.0, 0.5, 1.0),
    fake_fraction: float = 0.5,
) -> pd.DataFrame:
    """How much follower contamination would explain the estimated decline away (bring b to 1).

    Rows (``scenario``, ``parameter``, ``needed``: the value that makes b = 1, NaN when b >= 1
    or when no value in range suffices, ``meaning``):

    - ``fake followers, share rising by s per decade``: accounts buy `fake_fraction` extra
      (never engaging) followers with probability logistic(logit(share) + s (log10 F_true - 5));
      ``needed`` is the smallest share at 100k followers (``share_at_1m`` at 1M) that does it,
      ``needed_for_ci`` the smallest share at which the corrected interval reaches 1 (the
      decline is no longer significant; the interval is scaled with b), scanning shares from
      0.25% to 99.75%. Correction by regression calibration: log F_true ~ log F -
      P(bought | observed F) log(1 + fake_fraction), the posterior by Bayes' rule from the
      probability at the TRUE count and the density of log followers (a KDE of the observed
      ones). The corrected b cannot grow without limit as the share grows (everyone buying
      shifts counts, not tilts them), so near the largest share the scenario can explain, b's
      sampling error decides whether a point value exists: read ``needed_for_ci`` with it.
    - ``follower growth between post and crawl, random``: the sd of log growth (classical
      noise, see `follower_noise_sensitivity`).
    - ``follower growth rising with size``: extra log growth per unit log followers, rho; b
      scales by 1 + rho, so rho = 1 / b - 1 (``needed`` as extra growth per tenfold size).

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> fit = elasticity(simulate_world(seed=5, n_influencers=800, n_campaigns=0).influencers)
        >>> contamination_sensitivity(fit)["scenario"].str[:13].tolist()[0]
        'fake follower'
    """
    b, hi = fit.estimate, float(fit.table["ci_high"].iloc[0])
    x = np.asarray(fit.model.model.exog[:, fit.model.model.exog_names.index(TERM)], dtype=float)
    refit = _slope_refitter(fit)
    lift = float(np.log1p(fake_fraction))
    density = _log_follower_density(x)
    rows = []
    target_ci = b / hi if hi > 0 else np.inf  # corrected upper end reaches 1 (t-ratio kept)
    shares = np.linspace(0.0025, 0.9975, 80)
    for slope in fake_slopes:
        def corrected(share: float, slope: float = slope) -> float:
            return refit(x - _bought_given_observed(x, share, slope, lift, density) * lift)

        # b(share) need not be monotone (everyone buying shifts, not tilts): scan, then refine
        scan = np.array([corrected(v) for v in shares]) if b < 1 else np.zeros(0)
        needed, needed_ci = (_smallest_share(corrected, shares, scan, target)
                             for target in (1.0, target_ci))
        at_1m, ci_1m = (float(_bought_probability(np.array([6.0]), v, slope)[0])
                        if np.isfinite(v) else np.nan for v in (needed, needed_ci))
        rows.append({
            "scenario": f"fake followers, share rising by {slope:g} per decade (logit)",
            "parameter": "share of 100k-follower accounts with bought followers",
            "needed": needed, "share_at_1m": at_1m, "needed_for_ci": needed_ci,
            "meaning": (f"{needed:.0%} of 100k accounts and {at_1m:.0%} of 1M accounts with "
                        f"{fake_fraction:.0%} bought followers" if np.isfinite(needed) else
                        "no share below 100% brings b to 1" if b < 1 else
                        "no decline to explain"),
            "meaning_ci": (f"{needed_ci:.0%} of 100k accounts and {ci_1m:.0%} of 1M accounts "
                           f"with {fake_fraction:.0%} bought followers"
                           if np.isfinite(needed_ci) else
                           "no share below 100%" if b < 1 else "no decline to explain"),
        })
    noise = float(follower_noise_sensitivity(fit)["noise_sd"].iloc[-1])
    rows.append({
        "scenario": "follower growth between post and crawl, random",
        "parameter": "sd of log growth", "needed": noise, "share_at_1m": np.nan,
        "meaning": (f"follower counts off by a typical factor of {np.exp(noise):.2f}"
                    if np.isfinite(noise) else "no decline to explain"),
    })
    per_decade = growth_per_decade(b)
    rows.append({
        "scenario": "follower growth rising with size",
        "parameter": "extra growth per tenfold followers", "needed": per_decade,
        "share_at_1m": np.nan,
        "meaning": (f"each tenfold larger account grew {per_decade:.0%} more between post and "
                    "crawl" if np.isfinite(per_decade) else "no finite growth explains it"
                    if per_decade == np.inf else "no decline to explain"),
    })
    out = pd.DataFrame(rows)
    out["estimate"] = b
    out["n"] = int(fit.table["n"].iloc[0])
    out["method"] = ("regression calibration of log followers (bought-follower probability at "
                     "the true count, posterior given the observed one); b re-estimated until "
                     "b = 1 (needed) or its interval reaches 1 (needed_for_ci)")
    return out


def sensitivity_sentence(table: pd.DataFrame) -> str:
    """One sentence to print next to the verdict of `engagement_rate_declines`.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> fit = elasticity(simulate_world(seed=5, n_influencers=800, n_campaigns=0).influencers)
        >>> sensitivity_sentence(contamination_sensitivity(fit))[:60]
        'No share of accounts with bought followers brings b to 1 or '
    """
    b = float(table["estimate"].iloc[0])
    if not b < 1:
        return f"There is no decline to explain away (b = {b:.3f} is not below 1)."
    fake = table[table["scenario"].str.startswith("fake")]
    steep = fake.iloc[-1]
    growth = table[table["scenario"].str.endswith("random")].iloc[0]
    vendors = ("vendors report fake followers on about a third of Instagram creators, more among "
               "the largest (HypeAuditor 2023), so weigh the verdict against these figures.")
    if np.isfinite(steep["needed"]):
        return (f"To explain the decline away (b = 1), {steep['meaning']} would be needed (share "
                f"rising steeply with size; from {steep['meaning_ci']} the decline is no longer "
                f"significant; in simulated worlds this calibration names about three quarters of "
                f"the true share, so read it as a lower end), or {growth['meaning']}; " + vendors)
    if np.isfinite(steep["needed_for_ci"]):
        return ("No share of accounts with bought followers brings b to 1 in this scenario (a "
                f"share rising steeply with size), but from {steep['meaning_ci']} the decline "
                f"is no longer significant; or it would take "
                f"{growth['meaning']}; " + vendors)
    return ("No share of accounts with bought followers brings b to 1 or makes the decline "
            f"non-significant, even a share rising steeply with size; it would take "
            f"{growth['meaning']}; " + vendors)
