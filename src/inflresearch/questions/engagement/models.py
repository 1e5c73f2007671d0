"""Model comparison and diagnostics for the account-level engagement models.

`compare_models` puts the specifications side by side on the same accounts: log-log line (with
and without niche/platform levels), quadratic, natural cubic spline and the segmented line, with
AIC/BIC (Gaussian likelihood of log engagements) and K-fold cross-validated RMSE.
`residual_frame` feeds the residual-vs-fitted and Q-Q plots; `influential_accounts` lists the
accounts with the largest Cook's distance.

Example:
    >>> from inflresearch.data.synth import simulate_world
    >>> from inflresearch.methods.elasticity import prepare_accounts
    >>> acc = prepare_accounts(simulate_world(seed=1, n_influencers=600).influencers)
    >>> compare_models(acc)["model"].tolist()[:2]
    ['log-log', 'quadratic']
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import patsy
from scipy import stats

from inflresearch.questions.engagement.elasticity import ElasticityResult
from inflresearch.questions.engagement.prepare import collapse_rare_levels
from inflresearch.questions.engagement.shape import segmented_fit

SPECS = {
    "log-log": "log_engagements ~ log_followers",
    "quadratic": "log_engagements ~ log_followers + I(log_followers ** 2)",
    "spline (cr, df 5)": 'log_engagements ~ cr(log_followers, df=5, constraints="center")',
}


def _criteria(rss: float, n: int, k: int) -> tuple[float, float]:
    llf = -n / 2 * (np.log(2 * np.pi * rss / n) + 1)
    return -2 * llf + 2 * k, -2 * llf + np.log(n) * k


def compare_models(
    accounts: pd.DataFrame, *, k: int = 5, seed: int = 0, covariates: tuple[str, ...] = ()
) -> pd.DataFrame:
    """AIC, BIC and K-fold CV RMSE (log engagements) of the specifications; one row each.

    `accounts` is a `prepare_accounts` frame; `covariates` (e.g. ``("niche",)``) add a log-log
    model with those levels. Spline knots are placed on all data before the folds are cut.
    ``n_params`` counts mean parameters (the segmented line's breakpoint included).

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> from inflresearch.methods.elasticity import prepare_accounts
        >>> acc = prepare_accounts(simulate_world(seed=2, n_influencers=600).influencers)
        >>> int(compare_models(acc)["n"].iloc[0])
        600
    """
    specs = dict(SPECS)
    accounts = collapse_rare_levels(accounts, covariates)
    present = [c for c in covariates if c in accounts and accounts[c].nunique() > 1]
    if present:
        specs["log-log + " + " + ".join(present)] = SPECS["log-log"] + " + " + " + ".join(present)
    n = len(accounts)
    folds = np.random.default_rng(seed).permutation(n) % k
    rows = []
    for name, formula in specs.items():
        y, x = (m.to_numpy() for m in patsy.dmatrices(formula, accounts, return_type="dataframe"))
        y = y[:, 0]
        beta = np.linalg.lstsq(x, y, rcond=None)[0]
        rss = float(np.sum((y - x @ beta) ** 2))
        sq = 0.0
        for fold in range(k):
            test = folds == fold
            b = np.linalg.lstsq(x[~test], y[~test], rcond=None)[0]
            sq += float(np.sum((y[test] - x[test] @ b) ** 2))
        aic, bic = _criteria(rss, n, x.shape[1])
        rows.append((name, formula, x.shape[1], aic, bic, np.sqrt(sq / n), 1 - rss / np.sum(
            (y - y.mean()) ** 2)))
    y = accounts["log_engagements"].to_numpy()
    seg = segmented_fit(accounts, n_boot=0)  # only its fitted line is used here
    rss = float(np.sum((y - np.log(seg.predict(accounts["followers"].to_numpy()))) ** 2))
    sq = 0.0
    for fold in range(k):
        test = folds == fold
        part = segmented_fit(accounts[~test], n_boot=0)
        sq += float(np.sum((y[test] - np.log(part.predict(accounts["followers"].to_numpy()[test])))
                           ** 2))
    aic, bic = _criteria(rss, n, 4)
    rows.append(("segmented", "log_engagements ~ log_followers + (log_followers - psi)_+", 4,
                 aic, bic, np.sqrt(sq / n), 1 - rss / np.sum((y - y.mean()) ** 2)))
    out = pd.DataFrame(rows, columns=["model", "formula", "n_params", "aic", "bic", "cv_rmse",
                                      "r2"])
    out["delta_aic"] = out["aic"] - out["aic"].min()
    out["n"] = n
    out["cv_folds"] = k
    return out


def residual_frame(fit: ElasticityResult) -> pd.DataFrame:
    """Fitted values, residuals, standardized residuals and normal quantiles (for Q-Q plots).

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> from inflresearch.questions.engagement.elasticity import elasticity
        >>> r = residual_frame(elasticity(simulate_world(seed=3, n_influencers=300).influencers))
        >>> list(r.columns)
        ['fitted', 'residual', 'standardized', 'theoretical_quantile']
    """
    model = fit.model
    resid = np.asarray(model.resid)
    std = resid / np.sqrt(model.scale)
    order = np.argsort(np.argsort(std))
    quantiles = stats.norm.ppf((order + 0.5) / len(std))
    return pd.DataFrame({"fitted": np.asarray(model.fittedvalues), "residual": resid,
                         "standardized": std, "theoretical_quantile": quantiles})


def influential_accounts(fit: ElasticityResult, *, top: int = 10) -> pd.DataFrame:
    """The `top` accounts by Cook's distance in the elasticity model, with leverage.

    ``exceeds_4_over_n`` marks the conventional 4/n threshold; ``attrs["n_exceeding"]`` counts
    all accounts above it.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> from inflresearch.questions.engagement.elasticity import elasticity
        >>> len(influential_accounts(elasticity(simulate_world(seed=3).influencers), top=5))
        5
    """
    model = fit.model
    x = np.asarray(model.model.exog)
    h = np.einsum("ij,jk,ik->i", x, np.linalg.pinv(x.T @ x), x)
    resid = np.asarray(model.resid)
    p = x.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        cooks = np.where(h < 1 - 1e-8, resid**2 / (p * model.scale) * h / (1 - h) ** 2, np.nan)
    cooks = np.nan_to_num(cooks, nan=-np.inf)  # leverage-1 points (undefined) rank last
    data = fit.data
    idx = np.argsort(-cooks)[:top]
    out = pd.DataFrame({
        "account_id": data["account_id"].to_numpy()[idx] if "account_id" in data else idx,
        "followers": data["followers"].to_numpy()[idx],
        "engagements": data["engagements"].to_numpy()[idx],
        "engagement_rate": data["engagement_rate"].to_numpy()[idx],
        "cooks_distance": cooks[idx],
        "leverage": h[idx],
        "standardized_residual": resid[idx] / np.sqrt(model.scale),
    })
    out["cooks_distance"] = out["cooks_distance"].where(np.isfinite(out["cooks_distance"]))
    out["exceeds_4_over_n"] = out["cooks_distance"] > 4 / len(cooks)
    out.attrs["n_exceeding"] = int((cooks > 4 / len(cooks)).sum())
    return out
