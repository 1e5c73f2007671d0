"""The out-of-sample shortlist comparison: mechanics, `not testable` with the count, and no false
verdicts where the two rules pick equally well (SIMULATED worlds with elasticity 1 and no
persistent account effect: neither rule can beat chance, so the truth is a difference of 0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from creator_worlds import halves

from inflresearch.claims import adjust_holm
from inflresearch.questions.creators.reliability import Halves
from inflresearch.questions.creators.shortlist import _pick_weights, claim_pick, compare_picks, early_scores

N_WORLDS = 300
EQUAL = dict(elasticity=1.0, niche_sd=0.0)


def test_pick_weights_count_resampled_duplicates_up_to_the_shortlist_size():
    counts = np.array([[2.0, 0.0, 3.0, 1.0]])
    order = np.array([2, 0, 3, 1])  # best first
    assert _pick_weights(counts, order, 4).tolist() == [[1.0, 0.0, 3.0, 0.0]]


def test_a_tier_with_too_few_accounts_is_not_testable_with_the_count():
    h = halves(seed=1, account_sd=0.4, n_influencers=200)
    c = compare_picks(h, tier_range=(1e4, 1.2e4), n_boot=50)
    claim = claim_pick(c)
    assert claim.verdict == "not testable"
    assert f"only {c.n_tier:,} accounts" in claim.note and "at least 30" in claim.note


def test_identical_rankings_give_no_difference():
    rng = np.random.default_rng(0)
    t = pd.DataFrame({"account": [f"a{i}" for i in range(40)],
                      "followers": rng.uniform(1e4, 2e4, 40), "niche": None, "n_half": 4.0,
                      "y_early": rng.normal(0, 1, 40), "var_early": 0.5, "rate_early": 0.0, "y_late": 0.0,
                      "eng_late": np.arange(40.0)})
    h = Halves(t, 3, 40, 0)
    h.table["rate_early"] = early_scores(h)["score"]  # the vendors' rule ranks the same way
    c = compare_picks(h, tier_range=(0, None), n_boot=100)
    assert c.estimate == 0.0 and c.overlap == 10 and c.ci_low == c.ci_high == 0.0


def test_prices_add_a_per_cost_comparison():
    h = halves(seed=2, account_sd=0.4, n_influencers=300)
    prices = pd.Series(100.0, index=h.table["account"])
    c = compare_picks(h, tier_range=(1e4, None), n_boot=50, prices=prices)
    assert c.cost_estimate is not None and np.isfinite(c.cost_estimate)
    assert c.cost_ci_low is not None and c.cost_ci_high is not None
    assert c.cost_ci_low <= c.cost_estimate <= c.cost_ci_high
    assert c.cost_ci_low < c.cost_ci_high


@pytest.mark.slow
def test_equal_pickers_are_falsely_decided_at_most_5_percent():
    decided = []
    for seed in range(N_WORLDS):
        h = halves(seed=seed, account_sd=0.0, n_influencers=400, **EQUAL)
        c = compare_picks(h, tier_range=(1e4, 1e5), n_boot=400, seed=seed)
        decided.append(adjust_holm([claim_pick(c)])[0].verdict in ("supported", "contradicted"))
    rate = float(np.mean(decided))
    mc_se = np.sqrt(max(rate, 0.025) * (1 - rate) / N_WORLDS)
    assert rate <= 0.05, f"falsely decided {rate:.3f} (MC SE {mc_se:.3f}) over {N_WORLDS} worlds"
