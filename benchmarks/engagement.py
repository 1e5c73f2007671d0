"""Benchmark: the engagement analysis on large SIMULATED worlds, next to bare statsmodels calls.

Prints (best of `--repeat` runs each):

1. the full engagement analysis (`engagement_notebook.analyse_accounts`: every account-level model,
   the post-level NB GLM, tier table with bootstrap, model comparison with CV, diagnostics) on
   100,000 accounts and their posts, next to the bare statsmodels calls for the same models;
2. the log-log OLS alone (`engagement.elasticity`, HC3) on 1,000,000 accounts, next to the bare
   ``smf.ols("np.log(engagements) ~ np.log(followers)", df).fit(cov_type="HC3")`` it wraps.

Goals: (1) under 15 s on a 2-core machine; (2) wrapper overhead under 1.3x.

Run: ``.venv/bin/python benchmarks/engagement.py [--accounts 100000] [--posts-per-account 3]``
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf

from inflresearch.data.synth import simulate_world
from inflresearch.questions.engagement import elasticity as engagement
from inflresearch.questions.engagement import notebook as engagement_notebook


def best_of(fn: Callable[[], object], repeat: int) -> float:
    """The fastest of `repeat` wall-clock timings of `fn()`, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bare_models(accounts: pd.DataFrame, posts: pd.DataFrame) -> None:
    """The statsmodels calls the analysis wraps, on the same data, with nothing around them."""
    d = accounts[accounts["engagements"] > 0]
    smf.ols("np.log(engagements) ~ np.log(followers)", d).fit(cov_type="HC3")  # pooled b
    smf.ols("np.log(engagements) ~ np.log(followers) + I(np.log(followers) ** 2)", d).fit(
        cov_type="HC3")
    smf.ols("np.log(engagements) ~ C(niche) * np.log(followers)", d).fit(cov_type="HC3")
    smf.ols('np.log(engagements) ~ cr(np.log(followers), df=5, constraints="center")', d).fit()
    p = posts.assign(year=posts["posted_at"].dt.year)
    smf.glm("likes ~ np.log(followers) + C(year) + C(media_type) + sponsored", p,
            family=sm.families.NegativeBinomial(alpha=1.0)).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(p["account_id"])[0]})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--posts-per-account", type=float, default=3.0)
    parser.add_argument("--ols-accounts", type=int, default=1_000_000)
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; SIMULATED data (inflresearch.data.synth)")

    world = simulate_world(seed=1, n_influencers=args.accounts, n_campaigns=0, with_text=False,
                           posts_per_account=args.posts_per_account)
    accounts, posts = world.influencers, world.posts
    full = best_of(lambda: engagement_notebook.analyse_accounts(accounts, posts, n_boot=args.n_boot),
                   args.repeat)
    bare = best_of(lambda: bare_models(accounts, posts), args.repeat)
    print(f"full analysis, {len(accounts):,} accounts / {len(posts):,} posts, n_boot "
          f"{args.n_boot}: {full:.2f} s (goal < 15 s); bare statsmodels calls for the same "
          f"models: {bare:.2f} s; ratio {full / bare:.2f}x")

    rng = np.random.default_rng(2)
    n = args.ols_accounts
    followers = np.round(1e3 * (1 - rng.random(n) * (1 - 1e-4 ** 0.35)) ** (-1 / 0.35))
    big = pd.DataFrame({"followers": followers,
                        "engagements": np.exp(np.log(20.0) + 0.8 * np.log(followers / 1e3)
                                              + rng.normal(0, 0.6, n))})
    wrapped = best_of(lambda: engagement.elasticity(big), args.repeat)
    plain = best_of(lambda: smf.ols("np.log(engagements) ~ np.log(followers)", big).fit(
        cov_type="HC3"), args.repeat)
    print(f"log-log OLS (HC3), {n:,} accounts: engagement.elasticity {wrapped:.3f} s; bare "
          f"smf.ols(...).fit(cov_type='HC3') {plain:.3f} s; ratio {wrapped / plain:.2f}x "
          "(goal < 1.3x)")


if __name__ == "__main__":
    main()
