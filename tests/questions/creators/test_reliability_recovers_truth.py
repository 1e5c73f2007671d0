"""Split-half reliability recovers the reliability the SIMULATED world was built with.

Truth: the account effect sd and the post noise of `worlds` (see its docstring). Fast tests check
one world; the slow ones check CI coverage over 300 worlds (Monte-Carlo SE of a 95% coverage:
1.3 points) and the false-positive rate with no persistent effect over 300 worlds.
"""

from __future__ import annotations

import numpy as np
import pytest
from creator_worlds import halves, true_reliability

from inflresearch.claims import adjust_holm
from inflresearch.questions.creators.reliability import claim_persistent, split_half_reliability

N_WORLDS = 300


def test_reliability_near_truth_in_one_world():
    h = halves(seed=1, account_sd=0.4)
    rel = split_half_reliability(h, n_boot=300, seed=1)
    truth = true_reliability(h, 0.4)
    assert abs(rel.reliability - truth) < 0.06  # SE about 0.025 at 500 accounts
    assert rel.ci_low <= truth <= rel.ci_high
    assert claim_persistent(rel).verdict == "supported"


def test_accounts_with_too_few_posts_per_half_are_left_out_and_counted():
    h = halves(seed=2, account_sd=0.4, posts_per_account=6.0)
    counts = h.table["n_half"]
    assert counts.min() >= 3
    assert h.excluded > 0
    assert h.excluded + len(h.table) == h.n_accounts
    stricter = halves(seed=2, account_sd=0.4, posts_per_account=6.0, min_per_half=4)
    assert stricter.excluded > h.excluded


def test_top_decile_persistence_is_chance_without_an_account_effect():
    rel = split_half_reliability(halves(seed=3, account_sd=0.0, n_influencers=2000), n_boot=200)
    assert rel.top_ci_low <= 0.1 <= rel.top_ci_high
    strong = split_half_reliability(halves(seed=3, account_sd=0.8, n_influencers=2000), n_boot=200)
    assert strong.top_ci_low > 0.3


def test_undated_posts_make_the_claim_untestable_not_guessed():
    h = halves(seed=4, account_sd=0.4)
    assert h.n_undated_posts == 0
    claim = claim_persistent(None, reason="the posts carry no dates to split in time")
    assert claim.verdict == "not testable" and "dates" in claim.note


@pytest.mark.slow
def test_interval_covers_the_true_reliability_in_at_least_93_percent_of_worlds():
    covered = []
    for seed in range(N_WORLDS):
        h = halves(seed=seed, account_sd=0.4)
        rel = split_half_reliability(h, n_boot=400, seed=seed)
        covered.append(rel.ci_low <= true_reliability(h, 0.4) <= rel.ci_high)
    rate = float(np.mean(covered))
    mc_se = np.sqrt(rate * (1 - rate) / N_WORLDS)
    assert rate >= 0.93, f"coverage {rate:.3f} (MC SE {mc_se:.3f}) over {N_WORLDS} worlds"


@pytest.mark.slow
def test_no_persistent_effect_is_falsely_supported_at_most_5_percent():
    supported = []
    for seed in range(N_WORLDS):
        rel = split_half_reliability(halves(seed=seed, account_sd=0.0), n_boot=400, seed=seed)
        supported.append(adjust_holm([claim_persistent(rel)])[0].verdict == "supported")
    rate = float(np.mean(supported))
    mc_se = np.sqrt(max(rate, 0.025) * (1 - rate) / N_WORLDS)
    assert rate <= 0.05, f"false supported {rate:.3f} (MC SE {mc_se:.3f}) over {N_WORLDS} worlds"
