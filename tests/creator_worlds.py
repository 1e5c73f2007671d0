"""SIMULATED worlds for question 04 (tests/questions/creators) whose reliability has a known answer.

Posts of an account are exchangeable (one year, no media, sponsored or niche effects), so a
split in time is a random split, and the only persistent difference between accounts of one
size is the account effect u_i ~ N(0, account_sd). The split-half correlation of half-means over
k posts is then ``sd^2 / (sd^2 + s_e^2 E[1/k])`` exactly, with s_e^2 the variance of
log(1 + engagements) of one post around its account's mean; s_e^2 is a property of the
generating process, computed once from a 20,000-account world with no account effect (its
Monte-Carlo error is below 0.5%).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from inflresearch.data.synth import simulate_world
from inflresearch.questions.creators.adjusted import account_table, prepare_posts
from inflresearch.questions.creators.reliability import Halves, spearman_brown, split_halves
from inflresearch.questions.creators.shrinkage import pooled_variance

KNOBS: dict[str, Any] = dict(
    n_campaigns=0, with_text=False, followers_min=1e4, followers_max=1e6,
    like_rate_at_reference=0.05, niche_sd=0.0, n_years=1, year_trend=0.0, sponsored_share=0.0,
    media_effects={"photo": 0.0, "video": 0.0, "carousel": 0.0}, posts_per_account=12.0,
    post_sd=0.3,
)


@cache
def post_noise_variance() -> float:
    """s_e^2 of the KNOBS worlds: pooled within-account variance of log(1 + engagements)."""
    big = simulate_world(seed=999, n_influencers=20_000, account_sd=0.0, **KNOBS)
    table = account_table(prepare_posts(big.posts))
    return pooled_variance(table["var_y"].to_numpy(), table["n_posts"].to_numpy())


def halves(seed: int, account_sd: float, n_influencers: int = 500, min_per_half: int = 3,
           **knobs: Any) -> Halves:
    """The split halves of one SIMULATED world (`knobs` override `KNOBS`)."""
    world = simulate_world(seed=seed, n_influencers=n_influencers, account_sd=account_sd,
                           **{**KNOBS, **knobs})
    return split_halves(prepare_posts(world.posts), min_per_half=min_per_half)


def true_reliability(h: Halves, account_sd: float) -> float:
    """Spearman-Brown reliability implied by the generating process for these half sizes."""
    k = h.table["n_half"].to_numpy()
    r = account_sd**2 / (account_sd**2 + post_noise_variance() * float(np.mean(1.0 / k)))
    return float(spearman_brown(r))
