"""Benchmark of the ROI resampling (not a timed test): prints seconds and the ratio to a plain
numpy baseline that does the same resampling one replicate at a time.

1. 2,000 campaign-cluster bootstrap resamples of pooled ROI on 20,000 activations in 500
   campaigns (vectorised: per-campaign sums x multiplicity counts, in blocks);
   1b. the same on the crossed campaign x creator design: the pigeonhole bootstrap (product of
   campaign and creator Poisson(1) weights) against the two-way variance it replaced;
2. 10,000 equal-budget portfolio pairs (ten micro vs one large), vectorised draws;
3. the full claim functions at those sizes, for context.

Run: ``.venv/bin/python benchmarks/roi.py`` (target: each of 1 and 2 under 5 s on 2 cores).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

from inflresearch.data.synth import simulate_world
from inflresearch.methods.resampling import cluster_bootstrap_sums, pigeonhole_bootstrap_sums
from inflresearch.questions.roi.comparisons import micro_vs_macro
from inflresearch.questions.roi.portfolios import draw_portfolios, equal_budget_portfolios

N_BOOT, N_PORTFOLIOS, K = 2000, 10_000, 10
T = TypeVar("T")


def timed(fn: Callable[[], T], repeat: int = 3) -> tuple[float, T]:
    times, outs = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        outs.append(fn())
        times.append(time.perf_counter() - start)
    return min(times), outs[-1]


def main() -> None:
    world = simulate_world(seed=1, n_influencers=5000, n_campaigns=500,
                           activations_per_campaign=(40, 40), traditional_campaign_share=0.0,
                           with_text=False, posts_per_account=1)
    c = world.campaigns
    print(f"SIMULATED data: {len(c):,} activations in {c['campaign_id'].nunique()} campaigns")
    codes = np.unique(c["campaign_id"].to_numpy(str), return_inverse=True)[1]
    profit, cost = (c["revenue"] - c["cost"]).to_numpy(), c["cost"].to_numpy()
    n_campaigns = int(codes.max()) + 1

    def vectorised() -> np.ndarray:
        sums = np.column_stack([np.bincount(codes, profit, n_campaigns),
                                np.bincount(codes, cost, n_campaigns)])
        reps = cluster_bootstrap_sums(sums, N_BOOT, seed=0)
        return reps[:, 0] / reps[:, 1]

    rows = [np.flatnonzero(codes == k) for k in range(n_campaigns)]

    def baseline() -> np.ndarray:
        rng = np.random.default_rng(0)
        out = np.empty(N_BOOT)
        for b in range(N_BOOT):
            idx = np.concatenate([rows[k] for k in rng.integers(0, n_campaigns, n_campaigns)])
            out[b] = profit[idx].sum() / cost[idx].sum()
        return out

    t_vec, roi_vec = timed(vectorised)
    t_base, roi_base = timed(baseline, repeat=1)
    print(f"\n1. campaign bootstrap of pooled ROI, {N_BOOT} resamples")
    print(f"   vectorised  {t_vec:8.3f} s   (SE {np.std(roi_vec):.4f})")
    print(f"   plain numpy {t_base:8.3f} s   (SE {np.std(roi_base):.4f})")
    print(f"   ratio baseline / vectorised: {t_base / t_vec:.1f}x")

    micro = c[(c["followers"] >= 5e3) & (c["followers"] < 1e4) & (c["cost"] > 0)]
    budget = float(K * micro["cost"].median())
    large = c[(c["followers"] >= 1e4) & (c["cost"] >= 0.75 * budget) & (c["cost"] <= 1.25 * budget)]
    mc, mo = micro["cost"].to_numpy(), micro["revenue"].to_numpy()
    lc, lo = large["cost"].to_numpy(), large["revenue"].to_numpy()

    def portfolios() -> dict[str, np.ndarray]:
        return draw_portfolios(mc, mo, lc, lo, budget=budget, n_portfolios=N_PORTFOLIOS, k=K,
                               seed=0)

    def portfolios_baseline() -> np.ndarray:
        rng = np.random.default_rng(0)
        out = np.empty((N_PORTFOLIOS, 2))
        for p in range(N_PORTFOLIOS):
            m = rng.integers(0, len(mc), K)
            j = rng.integers(0, len(lc))
            out[p] = budget * mo[m].sum() / mc[m].sum(), budget * lo[j] / lc[j]
        return out

    t_pf, draws = timed(portfolios)
    t_pf_base, base = timed(portfolios_baseline, repeat=1)
    print(f"\n2. {N_PORTFOLIOS:,} equal-budget portfolio pairs ({len(mc)} micro, {len(lc)} large "
          f"near the budget {budget:,.0f})")
    print(f"   vectorised  {t_pf:8.3f} s   (P(micro wins) "
          f"{np.mean(draws['micro'] > draws['large']):.3f})")
    print(f"   plain numpy {t_pf_base:8.3f} s   (P(micro wins) "
          f"{np.mean(base[:, 0] > base[:, 1]):.3f})")
    print(f"   ratio baseline / vectorised: {t_pf_base / t_pf:.1f}x")

    accounts = pd.factorize(c["account_id"].astype(str))[0]
    n_accounts = int(accounts.max()) + 1
    values = np.column_stack([profit, cost])

    def pigeonhole() -> np.ndarray:
        reps = pigeonhole_bootstrap_sums(values, codes, accounts, N_BOOT, seed=0)
        return reps[:, 0] / reps[:, 1]

    def old_two_way() -> float:
        """The replaced interval: V_campaign + V_account - V_cell from three cluster bootstraps."""
        rng = np.random.default_rng(0)
        cells = pd.factorize(codes.astype(np.int64) * n_accounts + accounts)[0]
        var = []
        for k in (codes, accounts, cells):
            g = int(k.max()) + 1
            sums = np.column_stack([np.bincount(k, profit, g), np.bincount(k, cost, g)])
            reps = cluster_bootstrap_sums(sums, N_BOOT, seed=rng)
            var.append(np.var(reps[:, 0] / reps[:, 1], ddof=1))
        return float(np.sqrt(max(var[0] + var[1] - var[2], var[0], var[1])))

    t_ph, roi_ph = timed(pigeonhole)
    t_tw, se_tw = timed(old_two_way)
    print(f"\n1b. crossed campaign x creator bootstrap of pooled ROI, {N_BOOT} resamples "
          f"({n_accounts:,} creators)")
    print(f"   pigeonhole (product weights)    {t_ph:8.3f} s   (SE {np.std(roi_ph):.4f})")
    print(f"   old two-way (3 cluster boots)   {t_tw:8.3f} s   (SE {se_tw:.4f})")
    print(f"   ratio pigeonhole / old two-way: {t_ph / t_tw:.2f}x")

    print("\n3. full claim functions (context)")
    t_claim, _ = timed(lambda: micro_vs_macro(c, micro=(5e3, 1e4), macro=(1e4, 1e5),
                                              n_boot=N_BOOT), repeat=1)
    print(f"   micro_vs_macro (2,000 bootstrap + PPML): {t_claim:.2f} s")
    t_port, _ = timed(lambda: equal_budget_portfolios(
        c, micro=(5e3, 1e4), large=(1e4, None), n_portfolios=N_PORTFOLIOS, n_boot=1000), repeat=1)
    print(f"   equal_budget_portfolios (10,000 pairs + 1,000 x 1,000 bootstrap): {t_port:.2f} s")


if __name__ == "__main__":
    main()
