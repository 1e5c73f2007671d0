"""One method, one number: the same table gives the same b and the same rates in every report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from inflresearch.data.synth import simulate_world
from inflresearch.methods.elasticity import prepare_accounts
from inflresearch.methods.median import median_ci
from inflresearch.methods.rates import engagement_rate, engagements_per_post
from inflresearch.questions.engagement.elasticity import elasticity
from inflresearch.questions.engagement.tier_table import tier_table
from inflresearch.questions.niches.tables import niche_profiles
from inflresearch.questions.roi.assumed import cost_efficiency_assumed


def test_same_table_same_b_in_reports_01_and_03():
    table = simulate_world(seed=11, n_influencers=2500, n_campaigns=0, with_text=False).influencers
    report01 = elasticity(prepare_accounts(table, niche="niche")).table.iloc[0]
    report03 = cost_efficiency_assumed(table, micro=(1e4, 1e5), macro=(1e5, 1e6)).table
    b03 = report03.set_index("quantity").loc["engagement_elasticity_b"]
    assert report01["estimand"] == "pooled"
    for col in ("estimate", "se", "ci_low", "ci_high"):
        assert b03[col] == pytest.approx(report01[col], rel=1e-12), col
    assert int(b03["n"]) == int(report01["n"])


def test_one_rate_rule_even_when_the_export_rate_disagrees():
    # the export's rate (0.05) disagrees with its counts (100 / 10,000 = 0.01): counts win everywhere
    n = 12
    accounts = pd.DataFrame({
        "account_id": [f"a{i}" for i in range(n)],
        "followers": np.full(n, 1e4) * (1 + np.arange(n) / 100),
        "engagements": np.full(n, 100.0),
        "engagement_rate": np.full(n, 0.05),
    })
    expected = accounts["engagements"] / accounts["followers"]
    assert engagement_rate(accounts).tolist() == pytest.approx(expected.tolist())
    tiers = tier_table(accounts, tiers={"all": (0, None)}, n_boot=50).iloc[0]
    assign = pd.DataFrame({"account_id": accounts["account_id"], "niche_discovered": "N1",
                           "niche_terms": "x"})
    profile = niche_profiles(assign, accounts).iloc[0]
    assert profile["rate_median"] == pytest.approx(tiers["median_rate"])
    assert profile["rate_pooled"] == pytest.approx(tiers["pooled_rate"])
    assert (profile["rate_ci_low"], profile["rate_ci_high"]) == pytest.approx(
        (tiers["median_rate_ci_low"], tiers["median_rate_ci_high"]))


def test_rates_agree_on_a_simulated_table():
    w = simulate_world(seed=12, n_influencers=800, n_campaigns=0, with_text=False).influencers
    tiers = tier_table(w, tiers={"all": (0, None)}, n_boot=50).iloc[0]
    assign = pd.DataFrame({"account_id": w["account_id"], "niche_discovered": "N1",
                           "niche_terms": "x"})
    profile = niche_profiles(assign, w).iloc[0]
    assert profile["rate_median"] == pytest.approx(tiers["median_rate"])
    assert profile["rate_pooled"] == pytest.approx(tiers["pooled_rate"])


def test_engagement_source_order():
    d = pd.DataFrame({"followers": [1e3], "engagements": [np.nan], "avg_likes": [30.0]})
    assert engagements_per_post(d)[1] == "avg_likes"  # an empty column is no source
    d = pd.DataFrame({"followers": [1e4], "engagement_rate": [0.02]})
    assert engagements_per_post(d)[0].tolist() == [200.0]


def test_median_ci_covers_at_its_level():
    """Order-statistic interval: coverage >= 95% for any continuous law (lognormal, n = 15, 40)."""
    rng = np.random.default_rng(0)
    for n in (15, 40):
        x = rng.lognormal(0.0, 1.5, (3000, n))  # true median 1
        cover = np.mean([lo <= 1.0 <= hi for lo, hi in (median_ci(r) for r in x)])
        assert 0.95 <= cover <= 0.99, (n, cover)
