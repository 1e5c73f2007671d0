"""Ten micro-influencers versus one large influencer at the same budget, by resampling portfolios.

A portfolio pair is ten micro activations drawn at random (with replacement) from the data's micro
activations and one large activation drawn from those whose cost is within ``tolerance`` of the
budget B. Outcomes are put on the budget: a portfolio earns ``B * sum(revenue) / sum(cost)``, so
the small remaining cost mismatch is removed proportionally while each activation keeps its own
return. Repeating this gives the two outcome distributions, P(ten micro earn more) and the
distribution of the difference. The claim's verdict rests on the expected difference (ten micro
minus one large, at the budget); P(win) is reported beside it.

Uncertainty comes from the data, not from the number of draws: a pigeonhole bootstrap re-weights
each activation by the product of its campaign's and its creator's Poisson(1) multiplicities
(campaigns and creators resampled independently; a creator in several campaigns carries her luck
into each) and repeats the portfolio
simulation inside each replicate (with ``n_inner`` pairs; that Monte Carlo noise widens the
interval slightly, i.e. errs on the conservative side).

Why P(win) can exceed one half even when expected returns are equal: ten activations average out
their luck, one activation does not, and a single activation's return is right-skewed (usually
below its mean, occasionally far above). The result reports ``p_win_same_roas``, P(win) after
scaling the micro outcomes to the large pool's pooled ROAS, which isolates that diversification
effect from a true difference in returns.

Example:
    >>> from inflresearch.data.synth import simulate_world
    >>> w = simulate_world(seed=3, n_influencers=1500, n_campaigns=80, with_text=False)
    >>> r = equal_budget_portfolios(w.campaigns, micro=(5e3, 1e4), large=(1e4, None),
    ...                             n_portfolios=2000, n_boot=50)
    >>> r.claim.id, bool(0 <= r.claim.details["p_micro_wins"] <= 1)
    ('ten_micro_beat_one_macro', True)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from inflresearch.claims import TEN_MICRO_BEAT_ONE_MACRO, Claim, claim_result, not_testable
from inflresearch.methods.resampling import (
    bootstrap_p,
    multiplicities,
    one_blas_thread,
    percentile_ci,
)
from inflresearch.questions.roi.comparisons import (
    ACCOUNT,
    MIN_EFFECTIVE_ACCOUNTS,
    account_codes,
    apply_verdict_cap,
    cap_reason,
    concentration,
    unidentified,
    withheld_reasons,
)
from inflresearch.questions.roi.metrics import check_campaigns
from inflresearch.tidy import TidyResult
from inflresearch.tiers import Range, in_range

CLAIM = TEN_MICRO_BEAT_ONE_MACRO
MIN_LARGE = 5  # large activations near the budget needed for a comparison


@dataclass
class PortfolioResult(TidyResult):
    """`claim` record, tidy `table` of estimates with CIs, and the simulated `draws` (wide)."""

    claim: Claim
    table: pd.DataFrame
    draws: pd.DataFrame = field(default_factory=pd.DataFrame)
    budget: float | None = None
    pools: dict[str, Any] = field(default_factory=dict)


def draw_portfolios(
    micro_cost: np.ndarray,
    micro_outcome: np.ndarray,
    large_cost: np.ndarray,
    large_outcome: np.ndarray,
    *,
    budget: float,
    n_portfolios: int,
    k: int = 10,
    seed: int | np.random.Generator = 0,
    micro_weight: np.ndarray | None = None,
    large_weight: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Budget-normalised outcomes of `n_portfolios` pairs (k micro vs one large), vectorised.

    Returns arrays ``micro`` (k-micro portfolio), ``large`` (one large activation) and
    ``single_micro`` (one micro activation on the whole budget, for the diversification effect).
    Optional non-negative weights make draws proportional to them (used by the bootstrap).

    Example:
        >>> out = draw_portfolios(np.full(3, 10.0), np.full(3, 20.0), np.array([100.0]),
        ...                       np.array([150.0]), budget=100.0, n_portfolios=4)
        >>> out["micro"].tolist(), out["large"].tolist()
        ([200.0, 200.0, 200.0, 200.0], [150.0, 150.0, 150.0, 150.0])
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    m = _draw(rng, len(micro_cost), (n_portfolios, k), micro_weight)
    j = _draw(rng, len(large_cost), (n_portfolios,), large_weight)
    micro = budget * micro_outcome[m].sum(axis=1) / micro_cost[m].sum(axis=1)
    single = budget * micro_outcome[m[:, 0]] / micro_cost[m[:, 0]]
    large = budget * large_outcome[j] / large_cost[j]
    return {"micro": micro, "large": large, "single_micro": single}


def _draw(rng: np.random.Generator, n: int, size: tuple[int, ...], weight: np.ndarray | None
          ) -> np.ndarray:
    if weight is None:
        return rng.integers(0, n, size=size)
    counts = weight.astype(np.int64)
    if (counts == weight).all():  # whole-number weights (bootstrap multiplicities): the same
        pool = np.repeat(np.arange(n), counts)  # draw, uniform over the repeated indices
        return pool[rng.integers(0, len(pool), size=size)]
    cum = np.cumsum(weight, dtype=float)
    idx = np.searchsorted(cum, rng.random(size) * cum[-1], side="right")
    return np.minimum(idx, n - 1)


def _stats(draws: dict[str, np.ndarray], scale_same_roas: float) -> dict[str, float]:
    micro, large, single = draws["micro"], draws["large"], draws["single_micro"]
    diff = micro - large
    same = micro * scale_same_roas - large
    var_large, var_single = np.var(large), np.var(single)
    return {
        "p_micro_wins": float(np.mean(diff > 0) + 0.5 * np.mean(diff == 0)),
        "mean_difference": float(np.mean(diff)),
        "p_win_same_roas": float(np.mean(same > 0) + 0.5 * np.mean(same == 0)),
        "variance_ratio_vs_large": float(np.var(micro) / var_large) if var_large > 0 else np.nan,
        "variance_ratio_vs_single_micro": (
            float(np.var(micro) / var_single) if var_single > 0 else np.nan
        ),
    }


DESCRIPTIONS = {
    "p_micro_wins": "P(ten micro earn more than one large)",
    "mean_difference": "expected revenue difference at the budget (ten micro minus one large)",
    "p_win_same_roas": "P(ten micro earn more) if both pools had the same pooled ROAS "
                       "(diversification alone)",
    "variance_ratio_vs_large": "variance of ten-micro revenue / variance of one-large revenue",
    "variance_ratio_vs_single_micro": "variance of ten-micro revenue / variance of one micro "
                                      "activation on the whole budget (diversification)",
}


def equal_budget_portfolios(
    data: pd.DataFrame | None,
    *,
    micro: Range,
    large: Range,
    budget: float | None = None,
    k: int = 10,
    n_portfolios: int = 10_000,
    n_boot: int = 500,
    n_inner: int | None = None,
    tolerance: float = 0.25,
    outcome: str = "revenue",
    alpha: float = 0.05,
    seed: int = 0,
) -> PortfolioResult:
    """Claim ``ten_micro_beat_one_macro``: equal-budget portfolios resampled from the activations.

    `budget` defaults to k times the median cost of a micro activation (what ten typical micro
    posts cost). Large activations within ``budget * (1 +/- tolerance)`` are the candidates. The
    claim's estimate is the expected revenue difference at the budget (null 0), with a pigeonhole
    bootstrap CI and one-sided p-value; the table adds P(ten micro earn more), the variance
    ratios and the Kish effective accounts and top-5 cost share of both pools.

    Example:
        >>> equal_budget_portfolios(None, micro=(5e3, 1e4), large=(1e4, None)).claim.verdict
        'not testable'
    """
    empty = pd.DataFrame(columns=["quantity", "estimate", "ci_low", "ci_high"])

    def untestable(reason: str, n: int = 0, **pools: Any) -> PortfolioResult:
        return PortfolioResult(not_testable(CLAIM, reason, n=n), empty, budget=budget, pools=pools)

    if k < 1 or n_portfolios < 1 or n_boot < 1:
        raise ValueError("k, n_portfolios and n_boot must be at least 1")
    if not 0 < tolerance < 1:
        raise ValueError(f"tolerance must be in (0, 1), got {tolerance!r}")
    if budget is not None and not (np.isfinite(budget) and budget > 0):
        raise ValueError(f"budget must be a positive number, got {budget!r}")
    if data is None or len(data) == 0:
        return untestable("no campaign-level outcomes (no campaigns table)")
    d = check_campaigns(data)
    need = [c for c in ("followers", "cost", outcome) if c not in d.columns]
    if need:
        return untestable("the campaign table has no " + " or ".join(need) + " column")
    d = d[(d["channel"] == "influencer") & (d["cost"] > 0) & d[outcome].notna()
          & d["followers"].notna()]
    micro_rows = d[in_range(d["followers"], micro)]
    large_rows = d[in_range(d["followers"], large)]
    if len(micro_rows) < k:
        return untestable(f"only {len(micro_rows)} micro activations with cost and {outcome} "
                          f"(need at least {k})", n=len(micro_rows))
    if budget is None:
        budget = float(k * micro_rows["cost"].median())
    lo, hi = budget * (1 - tolerance), budget * (1 + tolerance)
    eligible = large_rows[(large_rows["cost"] >= lo) & (large_rows["cost"] <= hi)]
    pools: dict[str, Any] = {"budget": budget, "tolerance": tolerance, "k": k, "n_micro": len(micro_rows),
             "n_large": len(large_rows), "n_large_at_budget": len(eligible)}
    if len(eligible) < MIN_LARGE:
        costs = large_rows["cost"]
        span = f"{costs.min():,.0f} to {costs.max():,.0f}" if len(costs) else "none"
        return untestable(
            f"only {len(eligible)} large activations cost within {tolerance:.0%} of the budget "
            f"{budget:,.0f} (need {MIN_LARGE}; large activations cost {span}); "
            "choose another budget", n=len(micro_rows) + len(eligible), **pools)

    mc, mo = micro_rows["cost"].to_numpy(float), micro_rows[outcome].to_numpy(float)
    lc, lo_ = eligible["cost"].to_numpy(float), eligible[outcome].to_numpy(float)
    rng = np.random.default_rng(seed)

    def scale(mw: np.ndarray | None, lw: np.ndarray | None) -> float:
        mw = np.ones_like(mc) if mw is None else mw
        lw = np.ones_like(lc) if lw is None else lw
        roas_m, roas_l = (mw @ mo) / (mw @ mc), (lw @ lo_) / (lw @ lc)
        return float(roas_l / roas_m) if roas_m > 0 else np.nan

    draws = draw_portfolios(mc, mo, lc, lo_, budget=budget, n_portfolios=n_portfolios, k=k,
                            seed=rng)
    point = _stats(draws, scale(None, None))

    both = pd.concat([micro_rows, eligible])
    codes = pd.factorize(both["campaign_id"].astype(str), sort=True)[0]
    creators, n_missing = account_codes(both, ACCOUNT)
    n_micro = len(micro_rows)
    w_campaign = multiplicities(rng, int(codes.max()) + 1, n_boot)
    w_creator = multiplicities(rng, int(creators.max()) + 1, n_boot)
    n_inner = n_inner or max(1000, n_portfolios // 10)
    reps = np.full((n_boot, len(point)), np.nan)
    with one_blas_thread():  # the dot products of `scale`: threads only wait for each other
        for b in range(n_boot):
            w = w_campaign[b, codes] * w_creator[b, creators]
            mw, lw = w[:n_micro], w[n_micro:]
            if mw.sum() == 0 or lw.sum() == 0:
                continue
            rep = draw_portfolios(mc, mo, lc, lo_, budget=budget, n_portfolios=n_inner, k=k,
                                  seed=rng, micro_weight=mw, large_weight=lw)
            reps[b] = list(_stats(rep, scale(mw, lw)).values())
    is_micro = np.arange(len(both)) < n_micro
    kish_m, top5_m = concentration(both, creators, is_micro)
    kish_l, top5_l = concentration(both, creators, ~is_micro)
    kish = {"micro": None if np.isnan(kish_m) else kish_m,
            "large": None if np.isnan(kish_l) else kish_l}
    withheld = withheld_reasons(kish, int(unidentified(both).sum()))
    ci_lo, ci_hi = percentile_ci(reps, alpha)
    nulls = {"p_micro_wins": 0.5, "mean_difference": 0.0, "p_win_same_roas": 0.5}
    rows = []
    for j, (name, est) in enumerate(point.items()):
        p = bootstrap_p(reps[:, j], nulls[name], "greater") if name in nulls else np.nan
        rows.append({"quantity": name, "estimate": est, "ci_low": ci_lo[j], "ci_high": ci_hi[j],
                     "p_value": p, "null": nulls.get(name, np.nan),
                     "description": DESCRIPTIONS[name],
                     "n": len(micro_rows) + len(eligible), "n_clusters": int(codes.max()) + 1,
                     "n_accounts": np.nan if n_missing else int(creators.max()) + 1,
                     "n_missing_account": n_missing,
                     "kish_accounts_micro": kish_m, "kish_accounts_large": kish_l,
                     "top5_cost_share_micro": top5_m, "top5_cost_share_large": top5_l,
                     "method": f"{n_portfolios} equal-budget pairs; {n_boot} pigeonhole "
                               "bootstrap replicates (campaigns x creators, Poisson(1) weights) "
                               f"x {n_inner} pairs"})
    table = pd.DataFrame(rows)
    frame = pd.DataFrame(draws)
    frame["difference"] = frame["micro"] - frame["large"]
    # The claim rests on the expected revenue difference at equal budget: P(ten micro win) is
    # reported too, but it exceeds 0.5 from diversification alone (one large post's revenue is
    # right-skewed), so it cannot carry a claim about returns.
    main: dict[Any, Any] = table.set_index("quantity").loc["mean_difference"].to_dict()
    wins = table.set_index("quantity").loc["p_micro_wins"]
    undefined = int(np.isnan(reps[:, 1]).sum())
    q = np.quantile(frame["difference"], [0.05, 0.25, 0.5, 0.75, 0.95])
    notes = [*withheld] + ([f"{undefined} bootstrap replicates without micro or large "
                            "activations"] if undefined else [])
    claim = apply_verdict_cap(claim_result(
        CLAIM, estimate=main["estimate"], ci_low=main["ci_low"], ci_high=main["ci_high"],
        p_value=main["p_value"], n=int(main["n"]), null=0.0, direction="greater", alpha=alpha,
        method=(f"expected revenue of ten micro minus one large activation over {n_portfolios} "
                f"resampled equal-budget pairs (budget {budget:,.0f}, large activations within "
                f"{tolerance:.0%} of it); pigeonhole bootstrap over campaigns x creators "
                f"({n_boot} replicates), percentile interval"),
        note="; ".join(notes),
        kish_effective_accounts=kish,
        top5_cost_share={g: None if np.isnan(v) else v for g, v in (("micro", top5_m),
                                                                     ("large", top5_l))},
        min_effective_accounts=MIN_EFFECTIVE_ACCOUNTS, n_missing_account=n_missing,
        verdict_cap="inconclusive" if withheld else None, verdict_cap_reason=cap_reason(withheld),
        p_micro_wins=wins["estimate"],
        p_micro_wins_ci=[wins["ci_low"], wins["ci_high"]],
        p_win_same_roas=point["p_win_same_roas"],
        variance_ratio_vs_large=point["variance_ratio_vs_large"],
        variance_ratio_vs_single_micro=point["variance_ratio_vs_single_micro"],
        difference_quantiles=dict(zip(["q05", "q25", "q50", "q75", "q95"], q.tolist(),
                                      strict=True)),
        **pools,
    ))
    return PortfolioResult(claim, table, frame, budget, pools)
