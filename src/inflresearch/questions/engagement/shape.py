"""The shape of engagement against followers: curvature, a turning point, a data-driven tier edge.

- `quadratic_fit`: ``log(engagements) ~ x + x^2`` (x = log followers, centred), HC3; the turning
  point with delta-method and Fieller CIs and the Lind-Mehlum (2010) end-slope p, for absolute
  engagement and (separately) for the engagement rate. Descriptive only: the claims of a sweet
  spot rest on the two-lines tests of `sweet_spot`, since a global quadratic finds turning points
  that the data do not show.
- `segmented_fit`: a broken-stick regression that estimates where the elasticity changes, with a
  likelihood-ratio (profile) CI for the breakpoint - a tier edge estimated from data.
- `spline_curve` / `lowess_curve`: smooth curves for figures and model comparison.

Absolute engagement and the engagement rate have different turning points (the rate peaks where
the elasticity equals 1, absolute engagement where it equals 0); they are kept apart.

Example:
    >>> from inflresearch.data.synth import simulate_world
    >>> w = simulate_world(seed=1, n_influencers=4000, n_campaigns=0, curvature=-0.15)
    >>> q = quadratic_fit(w.influencers)
    >>> bool(q.turning_point_inside), q.table["kind"].tolist()
    (True, ['maximum', 'maximum'])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import optimize, stats
from statsmodels.nonparametric.smoothers_lowess import lowess

from inflresearch.errors import DataError
from inflresearch.methods.elasticity import prepare_accounts
from inflresearch.tidy import TidyResult


def _accounts(df: pd.DataFrame, followers: str, engagements: str) -> pd.DataFrame:
    if "log_engagements" in df.columns:
        return df
    return prepare_accounts(df, followers=followers, engagements=engagements)


@dataclass
class QuadraticResult(TidyResult):
    """Quadratic fit in log followers; `.table` has one row per outcome (engagements, rate)."""

    table: pd.DataFrame
    model: Any = field(repr=False)
    center: float = 0.0
    alpha: float = 0.05

    def _row(self, outcome: str = "engagements") -> pd.Series:
        row = self.table.set_index("outcome").loc[outcome]
        assert isinstance(row, pd.Series)  # outcomes are unique
        return row

    @property
    def turning_point_inside(self) -> bool:
        """True when absolute engagement has a maximum inside the observed follower range."""
        row = self._row()
        return bool(row["kind"] == "maximum" and row["inside_range"])

    @property
    def turning_point_followers(self) -> float | None:
        """Followers at the fitted maximum of absolute engagement; None when the curve has no
        maximum or it lies more than tenfold outside the observed follower range."""
        row = self._row()
        near = row["followers_min"] / 10 <= row["turning_point"] <= 10 * row["followers_max"]
        return float(row["turning_point"]) if row["kind"] == "maximum" and near else None


def _slope(b1: float, b2: float, cov: np.ndarray, x: float) -> tuple[float, float]:
    """Slope of the quadratic at x and its standard error."""
    grad = np.array([1.0, 2.0 * x])
    return b1 + 2 * b2 * x, float(np.sqrt(grad @ cov @ grad))


def _fieller(b1: float, b2: float, cov: np.ndarray, crit: float) -> tuple[float, float]:
    """Fieller interval for x* = -b1 / (2 b2); (-inf, inf) when it is unbounded."""
    v11, v12, v22 = cov[0, 0], cov[0, 1], cov[1, 1]
    a = 4 * (b2**2 - crit**2 * v22)
    b = 4 * (b1 * b2 - crit**2 * v12)
    c = b1**2 - crit**2 * v11
    disc = b * b - 4 * a * c
    if a <= 0 or disc < 0:
        return -np.inf, np.inf
    r = np.sqrt(disc)
    return (-b - r) / (2 * a), (-b + r) / (2 * a)


def quadratic_fit(
    df: pd.DataFrame,
    *,
    followers: str = "followers",
    engagements: str = "engagements",
    alpha: float = 0.05,
) -> QuadraticResult:
    """Quadratic in centred log followers (HC3), turning points and Lind-Mehlum tests.

    One row per outcome: ``engagements`` (absolute: slope null 0) and ``engagement_rate`` (slope
    null 1, since log rate = log engagements - log followers). Columns: ``curvature`` (the x^2
    coefficient) with CI and p, ``kind`` (maximum/minimum), ``turning_point`` in followers with
    ``tp_ci_low``/``tp_ci_high`` (delta method) and ``fieller_low``/``fieller_high``,
    ``inside_range``, the outcome's own slopes (of log engagements, or of the log rate: b - 1) at
    the lowest and highest observed follower count with SEs, and
    ``lm_p_value``: the Lind-Mehlum p for an inverted U inside [min, max] (the larger of the two
    one-sided end-slope p-values).

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> q = quadratic_fit(simulate_world(seed=2, n_influencers=800).influencers)
        >>> q.table["outcome"].tolist()
        ['engagements', 'engagement_rate']
    """
    data = _accounts(df, followers, engagements)
    center = float(data["log_followers"].mean())
    frame = pd.DataFrame({"y": data["log_engagements"].to_numpy(),
                          "xc": data["log_followers"].to_numpy() - center})
    model = smf.ols("y ~ xc + I(xc ** 2)", frame).fit(cov_type="HC3")
    b1, b2 = float(model.params.iloc[1]), float(model.params.iloc[2])
    cov = np.asarray(model.cov_params())[1:, 1:]
    dof = float(model.df_resid)
    crit = float(stats.t.ppf(1 - alpha / 2, dof))
    lo, hi = float(frame["xc"].min()), float(frame["xc"].max())
    se2 = float(np.sqrt(cov[1, 1]))
    rows = []
    for outcome, null in (("engagements", 0.0), ("engagement_rate", 1.0)):
        c1 = b1 - null
        s_lo, se_lo = _slope(c1, b2, cov, lo)
        s_hi, se_hi = _slope(c1, b2, cov, hi)
        p_lo, p_hi = float(stats.t.sf(s_lo / se_lo, dof)), float(stats.t.cdf(s_hi / se_hi, dof))
        tp = -c1 / (2 * b2) if b2 != 0 else np.nan
        grad = np.array([-1 / (2 * b2), c1 / (2 * b2**2)]) if b2 != 0 else np.full(2, np.nan)
        tp_se = float(np.sqrt(grad @ cov @ grad))
        f_lo, f_hi = _fieller(c1, b2, cov, crit)
        ends = np.array([tp, tp - crit * tp_se, tp + crit * tp_se, f_lo, f_hi]) + center
        with np.errstate(over="ignore"):
            tp_f, tp_lo, tp_hi, fl, fh = np.exp(np.clip(ends, -745, 745)).tolist()
        rows.append({
            "outcome": outcome,
            "curvature": b2,
            "curvature_ci_low": b2 - crit * se2,
            "curvature_ci_high": b2 + crit * se2,
            "curvature_p_value": float(2 * stats.t.sf(abs(b2 / se2), dof)),
            "kind": "maximum" if b2 < 0 else "minimum",
            "turning_point": tp_f,
            "tp_ci_low": tp_lo,
            "tp_ci_high": tp_hi,
            "fieller_low": fl,
            "fieller_high": fh,
            "inside_range": bool(lo < tp < hi),
            "slope_at_min": s_lo,
            "slope_at_min_se": se_lo,
            "slope_at_max": s_hi,
            "slope_at_max_se": se_hi,
            "lm_p_value": max(p_lo, p_hi),
            "followers_min": float(np.exp(lo + center)),
            "followers_max": float(np.exp(hi + center)),
            "n": int(model.nobs),
            "method": "OLS y ~ x + x^2 (x = centred log followers), HC3; Lind-Mehlum test",
        })
    return QuadraticResult(table=pd.DataFrame(rows), model=model, center=center, alpha=alpha)


def _basis_fit(y: np.ndarray, x: np.ndarray, df_spline: int) -> tuple[Any, Any]:
    design = pd.DataFrame({"y": y, "x": x})
    model = smf.ols(f'y ~ cr(x, df={df_spline}, constraints="center")', design).fit()
    return model, design


def spline_curve(
    df: pd.DataFrame,
    *,
    followers: str = "followers",
    engagements: str = "engagements",
    df_spline: int = 5,
    alpha: float = 0.05,
    n_grid: int = 100,
) -> pd.DataFrame:
    """Natural cubic regression spline (patsy ``cr``) of log engagements on log followers.

    Returns a grid of ``followers``, ``fit``, ``ci_low``, ``ci_high`` (engagements per post,
    back-transformed; the CI is for the median on the log scale).

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> spline_curve(simulate_world(seed=3, n_influencers=600).influencers, n_grid=5).shape
        (5, 4)
    """
    data = _accounts(df, followers, engagements)
    x = data["log_followers"].to_numpy()
    model, _ = _basis_fit(data["log_engagements"].to_numpy(), x, df_spline)
    grid = np.linspace(x.min(), x.max(), n_grid)
    pred = model.get_prediction(pd.DataFrame({"x": grid})).summary_frame(alpha=alpha)
    return pd.DataFrame({
        "followers": np.exp(grid),
        "fit": np.exp(pred["mean"].to_numpy()),
        "ci_low": np.exp(pred["mean_ci_lower"].to_numpy()),
        "ci_high": np.exp(pred["mean_ci_upper"].to_numpy()),
    })


def lowess_curve(
    df: pd.DataFrame,
    *,
    followers: str = "followers",
    engagements: str = "engagements",
    frac: float = 0.3,
    max_points: int = 20_000,
    seed: int = 0,
) -> pd.DataFrame:
    """LOWESS of log engagements on log followers (for figures): ``followers``, ``fit``.

    Large inputs are subsampled to `max_points` (seeded) and smoothed on a 1%-of-range grid.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> list(lowess_curve(simulate_world(seed=3, n_influencers=600).influencers).columns)
        ['followers', 'fit']
    """
    data = _accounts(df, followers, engagements)
    if len(data) > max_points:
        data = data.sample(max_points, random_state=seed)
    x, y = data["log_followers"].to_numpy(), data["log_engagements"].to_numpy()
    out = lowess(y, x, frac=frac, delta=0.01 * float(np.ptp(x)), return_sorted=True)
    return pd.DataFrame({"followers": np.exp(out[:, 0]), "fit": np.exp(out[:, 1])})


def _suffix(v: np.ndarray) -> np.ndarray:
    """Sums of `v` from each position to the end (one more row: 0 after the last)."""
    tail = np.cumsum(v[::-1], axis=0)[::-1]
    return np.concatenate([tail, np.zeros((1, *v.shape[1:]))])


def _x_sums(x: np.ndarray) -> tuple[np.ndarray, ...]:
    """What `_broken_stick_rss` needs of x alone: its order, sorted and centred values, and the
    suffix sums of 1, x, x^2, x xc and xc (computed once when many outcomes share x)."""
    order = np.argsort(x)
    xs = x[order]
    xc = xs - xs.mean()
    return (order, xs, xc, *(_suffix(v) for v in (np.ones(len(xs)), xs, xs * xs, xs * xc, xc)))


def _broken_stick_rss(x: np.ndarray, y: np.ndarray, knots: np.ndarray | None = None, *,
                      x_sums: tuple[np.ndarray, ...] | None = None) -> Any:
    """RSS(psi) of ``y ~ 1 + x + (x - psi)_+`` for a vector of psi, O(log n) each (suffix sums).

    `y` may be a matrix (n x B: B outcome vectors sharing x); RSS is then (len(psi) x B). With
    `knots`, the outcome sums are kept only at those psi (far less memory and time for many
    outcome vectors), and RSS may be asked only there. `x_sums` (`_x_sums(x)`) saves sorting x
    again when many calls share it.
    """
    order, xs, xc, s1, sx, sxx, sxxc, sxc = x_sums if x_sums is not None else _x_sums(x)
    y2 = np.asarray(y, dtype=float).reshape(len(x), -1)
    yc = y2[order] - y2.mean(axis=0)
    n = len(xs)
    if knots is None:
        cuts = np.arange(n + 1)
        sxy, sy = _suffix(xs[:, None] * yc), _suffix(yc)
    else:
        cuts = np.unique(np.searchsorted(xs, knots, side="right"))
        inner = cuts[cuts < n]

        def at_cuts(v: np.ndarray) -> np.ndarray:
            seg = np.add.reduceat(v, inner, axis=0) if len(inner) else np.zeros((0, v.shape[1]))
            tail = np.cumsum(seg[::-1], axis=0)[::-1]
            return np.concatenate([tail, np.zeros((len(cuts) - len(inner), v.shape[1]))])

        sxy, sy = at_cuts(xs[:, None] * yc), at_cuts(yc)
    gxx, gxy, gyy = float(xc @ xc), xc @ yc, np.einsum("ij,ij->j", yc, yc)

    def rss(psi: np.ndarray) -> np.ndarray:
        psi = np.asarray(psi, dtype=float)
        j = np.searchsorted(xs, psi, side="right")
        k = np.searchsorted(cuts, j)
        nt = s1[j]
        sh = sx[j] - psi * nt
        shh = (sxx[j] - 2 * psi * sx[j] + psi**2 * nt - sh**2 / n)[:, None]
        shx = (sxxc[j] - psi * sxc[j])[:, None]
        shy = sxy[k] - psi[:, None] * sy[k]
        det = gxx * shh - shx**2
        with np.errstate(divide="ignore", invalid="ignore"):
            fit = (shh * gxy**2 - 2 * shx * gxy * shy + gxx * shy**2) / det
        out = np.where(det > 1e-12 * gxx * max(gxx, 1.0), gyy - fit, gyy - gxy**2 / gxx)
        return out[:, 0] if np.ndim(y) == 1 else out

    return rss


_BOOT_CELLS = 2_000_000  # observations x bootstrap replicates held in memory at once


def _lr_critical_value(
    x: np.ndarray, fitted: np.ndarray, resid: np.ndarray, psi: float, grid: np.ndarray,
    alpha: float, n_boot: int, seed: int,
) -> float:
    """(1 - alpha) quantile of the LR statistic at the true breakpoint, by a wild bootstrap
    (Rademacher weights on the residuals) from the fitted broken stick. It replaces chi2_1,
    which is too small when the slope change is weak and the breakpoint barely identified."""
    chi2 = float(stats.chi2.ppf(1 - alpha, 1))
    if n_boot < 1:
        return chi2
    rng = np.random.default_rng(seed)
    block = max(1, _BOOT_CELLS // len(x))
    x_sums = _x_sums(x)  # once: with a block of ~2M cells, a block holds 2 replicates at 1M
    lr = []
    for start in range(0, n_boot, block):
        m = min(block, n_boot - start)
        signs = rng.choice(np.array([-1.0, 1.0]), size=(len(x), m))
        rss = _broken_stick_rss(x, fitted[:, None] + resid[:, None] * signs,
                                knots=np.append(grid, psi), x_sums=x_sums)
        at_truth = rss(np.array([psi]))[0]
        best = np.minimum(rss(grid).min(axis=0), at_truth)
        lr.append(len(x) * np.log(at_truth / best))
    return float(max(np.quantile(np.concatenate(lr), 1 - alpha), chi2))


def _profile_interval(
    rss: Any, psi: float, lo: float, hi: float, n: int, critical: float, n_grid: int = 400
) -> tuple[float, float, bool]:
    """Likelihood-ratio interval for the breakpoint within [lo, hi]: the outermost psi with
    n log(RSS(psi) / RSS_min) <= `critical`, refined by root finding; and whether it reaches
    the search range."""
    rss_min = float(rss(np.array([psi]))[0])
    limit = rss_min * np.exp(critical / n)
    grid = np.union1d(np.linspace(lo, hi, n_grid), [psi])
    inside = rss(grid) <= limit
    first, last = int(np.argmax(inside)), len(grid) - 1 - int(np.argmax(inside[::-1]))

    def gap(v: float) -> float:
        return float(rss(np.array([v]))[0]) - limit

    low = grid[first] if first == 0 else optimize.brentq(gap, grid[first - 1], grid[first])
    high = grid[last] if last == len(grid) - 1 else optimize.brentq(gap, grid[last],
                                                                     grid[last + 1])
    return float(low), float(high), bool(first == 0 or last == len(grid) - 1)


@dataclass
class SegmentedResult(TidyResult):
    """Broken-stick fit ``y = a + b1 x + d (x - psi)_+``; `.table` has one row."""

    table: pd.DataFrame
    psi: float = 0.0
    params: np.ndarray = field(default_factory=lambda: np.zeros(3), repr=False)

    def predict(self, followers: np.ndarray) -> np.ndarray:
        """Fitted engagements per post (back-transformed median) at the given follower counts."""
        x = np.log(np.asarray(followers, dtype=float))
        a, b1, d = self.params
        return np.exp(a + b1 * x + d * np.clip(x - self.psi, 0, None))


def segmented_fit(
    df: pd.DataFrame,
    *,
    followers: str = "followers",
    engagements: str = "engagements",
    alpha: float = 0.05,
    n_grid: int = 200,
    n_boot: int = 199,
    seed: int = 0,
) -> SegmentedResult:
    """Where the elasticity changes: a continuous two-slope fit in log followers.

    The breakpoint psi is found by a grid over the 5th-95th percentiles of log followers and a
    bounded refinement. Its CI inverts the likelihood-ratio test (profile RSS): every psi in the
    search range with n log(RSS(psi) / RSS(psi_hat)) <= c, where c is the (1 - alpha) quantile
    of that statistic at the fitted breakpoint under a wild bootstrap from the fitted line
    (`n_boot` replicates, at least chi2_1(1 - alpha); ``n_boot=0`` uses chi2_1 and says so).
    Unlike the sandwich
    (Wald) interval, which assumes a well-identified breakpoint and covered the truth only 55% of
    the time for a slope change of -0.05, the profile interval widens as the kink fades
    (``ci_at_search_edge`` marks an interval that reaches the search range, i.e. the data do not
    locate the break). The slope CIs are HC1 sandwich intervals at the estimated psi, and the
    p-value of the slope change ignores that psi was searched for (Davies problem): read both as
    descriptive. Columns ``breakpoint`` (followers) with ``ci_low``/``ci_high``,
    ``slope_before``, ``slope_after`` (with CIs), ``slope_change``, ``change_p_value``,
    ``at_search_edge``, ``ci_at_search_edge``, ``ci_method``.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> x = rng.uniform(np.log(1e3), np.log(1e7), 3000)
        >>> y = 0.9 * x - 0.5 * np.clip(x - np.log(1e5), 0, None) + rng.normal(0, 0.3, 3000)
        >>> d = pd.DataFrame({"followers": np.exp(x), "engagements": np.exp(y)})
        >>> round(np.log10(segmented_fit(d).table["breakpoint"].item()))
        5
    """
    data = _accounts(df, followers, engagements)
    x, y = data["log_followers"].to_numpy(), data["log_engagements"].to_numpy()
    n = len(x)
    if n < 20:
        raise DataError(f"a segmented fit needs at least 20 accounts, got {n}")
    rss = _broken_stick_rss(x, y)
    lo, hi = np.quantile(x, [0.05, 0.95])
    grid = np.linspace(lo, hi, n_grid)
    values = rss(grid)
    k = int(np.argmin(values))
    a_, b_ = grid[max(k - 1, 0)], grid[min(k + 1, n_grid - 1)]
    psi = float(optimize.minimize_scalar(lambda v: float(rss(np.array([v]))[0]), bounds=(a_, b_),
                                         method="bounded").x) if b_ > a_ else float(grid[k])
    base = np.column_stack([np.ones(n), x])
    h = np.clip(x - psi, 0, None)
    design = np.column_stack([base, h])
    params, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ params
    jac = np.column_stack([design, -params[2] * (x > psi)])
    bread = np.linalg.pinv(jac.T @ jac)
    meat = (jac * resid[:, None] ** 2).T @ jac
    cov = bread @ meat @ bread * n / (n - jac.shape[1])
    se = np.sqrt(np.diag(cov))
    crit = float(stats.norm.ppf(1 - alpha / 2))
    after = params[1] + params[2]
    se_after = float(np.sqrt(cov[1, 1] + cov[2, 2] + 2 * cov[1, 2]))
    critical = _lr_critical_value(x, design @ params, resid, psi, grid, alpha, n_boot, seed)
    psi_lo, psi_hi, open_end = _profile_interval(rss, psi, lo, hi, n, critical)
    table = pd.DataFrame([{
        "breakpoint": float(np.exp(psi)),
        "ci_low": float(np.exp(psi_lo)),
        "ci_high": float(np.exp(psi_hi)),
        "slope_before": float(params[1]),
        "slope_before_ci_low": float(params[1] - crit * se[1]),
        "slope_before_ci_high": float(params[1] + crit * se[1]),
        "slope_after": float(after),
        "slope_after_ci_low": float(after - crit * se_after),
        "slope_after_ci_high": float(after + crit * se_after),
        "slope_change": float(params[2]),
        "change_p_value": float(2 * stats.norm.sf(abs(params[2] / se[2]))),
        "at_search_edge": bool(k in (0, n_grid - 1)),
        "ci_at_search_edge": open_end,
        "ci_method": ("likelihood-ratio test inversion (profile RSS), critical value from a "
                      f"wild bootstrap ({n_boot} replicates)" if n_boot > 0 else
                      "likelihood-ratio test inversion (profile RSS), chi2_1 critical value "
                      "(no bootstrap: under-covers when the slope change is weak)"),
        "lr_critical_value": critical,
        "n": n,
        "method": ("segmented OLS in log followers (grid + bounded search); breakpoint CI by "
                   "likelihood-ratio inversion, slope CIs HC1 sandwich (descriptive)"),
    }])
    return SegmentedResult(table=table, psi=psi, params=params)
