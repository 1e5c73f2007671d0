"""Micro-versus-macro and channel tests, proven on simulated worlds with known truth.

The test worlds draw followers only inside 5k-100k so that the ~2,000 activations fall in the
blog preset's micro (5k-10k) and macro (10k-100k) tiers, set price elasticity = engagement
elasticity (ROAS flat in followers) and niche effects to zero, so the truth is analytic:
pooled macro ROAS = influencer_roas * E[exp(u)] = 1.5 * exp(account_sd^2 / 2), micro ROAS is
`roas_lift` times that.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from inflresearch.claims import adjust_holm, detectable_effect
from inflresearch.data.synth import simulate_world
from inflresearch.questions.roi.comparisons import (
    compare_pooled,
    influencer_vs_traditional,
    micro_vs_macro,
)
from inflresearch.questions.roi.metrics import label_groups
from inflresearch.questions.roi.regression import adjusted_ratio, power_mde, ppml_fe

MICRO, MACRO = (5e3, 1e4), (1e4, 1e5)
ACCOUNT_SD = 0.5


def tier_world(seed: int, *, lift: float = 1.0, n_campaigns: int = 167, **knobs) -> pd.DataFrame:
    """Campaigns of a SIMULATED world whose activations all fall in micro or macro."""
    params = dict(n_influencers=3000, n_campaigns=n_campaigns, followers_min=5e3,
                  followers_max=1e5, elasticity=0.8, price_elasticity=0.8, roas_lift=lift,
                  roas_lift_range=MICRO, niche_sd=0.0, account_sd=ACCOUNT_SD,
                  traditional_campaign_share=0.0, with_text=False, posts_per_account=1)
    params.update(knobs)
    return simulate_world(seed=seed, **params).campaigns


def true_difference(lift: float) -> float:
    return (lift - 1.0) * 1.5 * np.exp(ACCOUNT_SD**2 / 2)


def test_thirty_percent_lift_detected_at_2000_activations_with_ci_covering_truth():
    c = tier_world(seed=0, lift=1.3)
    assert 1900 <= len(c) <= 2200
    r = micro_vs_macro(c, micro=MICRO, macro=MACRO, n_boot=2000, seed=1)
    claim = adjust_holm([r.claim])[0]
    assert claim.verdict == "supported"
    assert claim.ci_low < true_difference(1.3) < claim.ci_high
    lo, hi = claim.details["roas_ratio_ci"]
    assert lo < 1.3 < hi
    alo, ahi = claim.details["adjusted_roas_ratio_ci"]
    assert alo < 1.3 < ahi and claim.details["adjusted_p"] < 0.05
    assert "permutation_p" not in claim.details  # a sharp-null check that over-rejected: dropped
    # power at the verdict's level: two-sided, first Holm step of the report's 3 claims; the
    # pigeonhole interval is conservative, so a 30% lift is found with modest power only
    assert claim.details["power_level"] == pytest.approx(0.05 / 3)
    assert 0.2 < claim.details["power"] < 0.8
    assert detectable_effect(claim)["detectable_effect"] > true_difference(1.3) / 2
    assert claim.details["kish_effective_accounts"]["micro 5k-10k"] > 30
    # the CPE rows: price and engagements both scale as followers^0.8, so CPE ratio ~ 1
    cpe = r.table.query("metric == 'cpe' and statistic == 'ratio'").iloc[0]
    assert cpe["ci_low"] < 1.0 < cpe["ci_high"]


def _null_rejections(seeds: range, n_campaigns: int, n_boot: int) -> tuple[float, float]:
    boot, reg = [], []
    for seed in seeds:
        c = tier_world(seed=seed, n_campaigns=n_campaigns)
        r = micro_vs_macro(c, micro=MICRO, macro=MACRO, n_boot=n_boot,
                           seed=seed)
        boot.append(r.claim.verdict == "supported")
        reg.append(r.claim.details["adjusted_p"] < 0.05)
    return float(np.mean(boot)), float(np.mean(reg))


def test_no_difference_rarely_supported_fast():
    boot, reg = _null_rejections(range(1000, 1040), n_campaigns=25, n_boot=400)
    assert boot <= 0.125 and reg <= 0.125  # <= 5 of 40


@pytest.mark.slow
def test_no_difference_supported_in_at_most_about_5_percent_of_200_seeds():
    # 200 null worlds of ~475 activations in 40 campaigns. With a true rate of 5% the count of
    # 200 exceeds 15 with probability ~8%; these seeds give 12 (6.0%), regression 10.
    boot, reg = _null_rejections(range(200), n_campaigns=40, n_boot=1000)
    assert boot <= 0.075 and reg <= 0.075


@pytest.mark.slow
def test_lift_detection_rate_and_coverage_over_seeds():
    """A 30% lift at ~2,000 activations: the truth is covered and the share of worlds
    `supported` matches the power the claim reports (at the two-sided first-Holm-step level of
    the report's 3 claims; the conservative pigeonhole interval makes it modest, ~0.3-0.4)."""
    hits, cover, power = [], [], []
    for seed in range(40):
        r = micro_vs_macro(tier_world(seed=seed, lift=1.3), micro=MICRO, macro=MACRO,
                           n_boot=1000, seed=seed).claim
        hits.append(adjust_holm([r])[0].verdict == "supported")
        cover.append(r.ci_low < true_difference(1.3) < r.ci_high)
        power.append(r.details["power"])
    assert np.mean(cover) >= 0.9
    # one claim alone is tested at alpha, the reported power at alpha / 3: hits >= power - noise
    assert np.mean(hits) >= np.mean(power) - 0.15 and np.mean(hits) >= 0.25


def test_cluster_bootstrap_wider_than_naive_under_campaign_shocks():
    """Shared campaign shocks make a group's pooled ROAS vary together: resampling activations
    as if independent understates its uncertainty, resampling campaigns does not. (For the
    micro-minus-macro difference the shocks of a campaign partly cancel, as both tiers share
    them; the campaign bootstrap gets that right too, in either direction.)"""

    def se_ratio(campaign_sd: float) -> np.ndarray:
        c = tier_world(seed=3, n_campaigns=120, campaign_sd=campaign_sd)
        c = c.assign(g=label_groups(c["followers"], {"micro": MICRO, "macro": MACRO}))
        se = {}
        for cluster in ("campaign_id", None):
            reps = compare_pooled(c, group="g", a="micro", b="macro", metrics=("roas",),
                                  cluster=cluster, n_boot=1000, seed=4).replicates["roas"]
            se[cluster] = np.nanstd(reps, axis=0)
        return se["campaign_id"] / se[None]

    shared = se_ratio(1.0)
    independent = se_ratio(0.0)
    assert (shared > 1.3).all()  # both groups' pooled ROAS
    assert ((independent > 0.8) & (independent < 1.25)).all()


def test_ppml_matches_statsmodels_glm_with_fixed_effects():
    rng = np.random.default_rng(3)
    n, groups = 600, np.repeat(np.arange(60), 10)
    niche = rng.integers(0, 3, n)
    x = rng.integers(0, 2, n).astype(float)
    cost = np.exp(rng.normal(5, 1, n))
    mu = cost * np.exp(0.3 * x + 0.2 * niche + rng.normal(0, 0.5, 60)[groups]) * 0.01
    d = pd.DataFrame({"y": rng.poisson(mu) * 37.5, "x": x, "n": niche.astype(str),
                      "c": groups.astype(str), "cost": cost})
    d = d[d.groupby("c")["y"].transform("sum") > 0]
    codes = pd.factorize(d["c"])[0]
    ref = smf.glm("y ~ x + C(n) + C(c)", d, family=sm.families.Poisson(),
                  offset=np.log(d["cost"])).fit(
        cov_type="cluster", cov_kwds={"groups": codes, "use_correction": False})
    design = np.column_stack([d["x"], pd.get_dummies(d["n"], drop_first=True, dtype=float)])
    beta, cov = ppml_fe(d["y"].to_numpy(float), design, np.log(d["cost"].to_numpy()), codes, codes)
    g = codes.max() + 1
    assert beta[0] == pytest.approx(ref.params["x"], abs=1e-8)
    assert np.sqrt(cov[0, 0] * (g - 1) / g) == pytest.approx(ref.bse["x"], rel=1e-6)


def test_adjusted_ratio_keeps_zero_revenue_and_drops_dead_campaigns():
    c = tier_world(seed=5, lift=1.3, n_campaigns=60)
    c = c.assign(g=label_groups(c["followers"], {"micro": MICRO, "macro": MACRO}))
    assert (c["revenue"] == 0).sum() > 20  # zero-revenue activations exist and are kept
    row = adjusted_ratio(c, group="g", a="micro", b="macro").iloc[0]
    assert row["n"] > len(c) - 20 and row["ci_low"] < 1.3 < row["ci_high"]
    dead = c.assign(revenue=np.where(c["campaign_id"] == c["campaign_id"].iloc[0], 0.0,
                                     c["revenue"]))
    assert adjusted_ratio(dead, group="g", a="micro", b="macro")["n_clusters"].iloc[0] == 59


def test_power_and_mde_formula():
    r = power_mde(0.2, alpha=0.05, effect=None)
    assert power_mde(0.2, effect=r["mde"])["power"] == pytest.approx(0.8)
    assert np.isnan(power_mde(0.0)["mde"])


def test_claims_not_testable_with_reasons():
    assert micro_vs_macro(None, micro=MICRO, macro=MACRO).claim.verdict == "not testable"
    c = tier_world(seed=7, n_campaigns=30)
    emv_only = c.assign(earned_media_value=c["revenue"] * 3).drop(columns=["revenue"])
    no_revenue = micro_vs_macro(emv_only, micro=MICRO, macro=MACRO)
    assert no_revenue.claim.verdict == "not testable"
    assert "revenue" in no_revenue.claim.note and "earned media" in no_revenue.claim.note
    empty_tier = micro_vs_macro(c, micro=(1e3, 2e3), macro=MACRO, n_boot=100)
    assert "micro" in empty_tier.claim.note and empty_tier.claim.verdict == "not testable"
    # zero cost in one group: ROI undefined -> not testable, never an inf verdict
    free = c.assign(cost=np.where(c["followers"] < 1e4, 0.0, c["cost"]))
    r = micro_vs_macro(free, micro=MICRO, macro=MACRO, n_boot=100)
    assert r.claim.verdict == "not testable" and "zero" in r.claim.note
    trad = influencer_vs_traditional(c, n_boot=100)
    assert trad.claim.verdict == "not testable" and "traditional" in trad.claim.note


def test_zero_conversions_and_some_free_activations_still_give_finite_results():
    c = tier_world(seed=8, n_campaigns=60)
    c.loc[c.index[:15], "cost"] = 0.0
    c.loc[c.index[15:40], ["conversions", "revenue"]] = 0.0
    r = micro_vs_macro(c, micro=MICRO, macro=MACRO, n_boot=200)
    numbers = r.table[["estimate", "ci_low", "ci_high", "p_value"]].to_numpy(float)
    assert np.isfinite(numbers[~np.isnan(numbers)]).all()
    assert r.claim.verdict in ("supported", "inconclusive", "contradicted")
    assert r.claim.details["n_zero_cost"] > 0 and "zero cost" in r.claim.note


def test_influencer_vs_traditional_detects_a_channel_gap():
    w = simulate_world(seed=9, n_influencers=2000, n_campaigns=150, with_text=False,
                       posts_per_account=1, traditional_campaign_share=1.0, elasticity=0.8,
                       price_elasticity=0.8, niche_sd=0.0, account_sd=0.0, price_sd=0.1,
                       influencer_roas=2.0, traditional_roas=1.0)
    r = influencer_vs_traditional(w.campaigns, n_boot=1000, seed=1)
    assert r.claim.verdict == "supported"
    assert r.claim.ci_low < 1.0 < r.claim.ci_high  # true ROI gap: 2.0 - 1.0
    assert set(r.table["metric"]) >= {"roi", "roas", "cpm", "cpa"}


def test_results_are_seeded_and_reproducible():
    c = tier_world(seed=10, lift=1.3, n_campaigns=40)
    a = micro_vs_macro(c, micro=MICRO, macro=MACRO, n_boot=300, seed=5)
    b = micro_vs_macro(c, micro=MICRO, macro=MACRO, n_boot=300, seed=5)
    pd.testing.assert_frame_equal(a.table, b.table)
    other = micro_vs_macro(c, micro=MICRO, macro=MACRO, n_boot=300, seed=6)
    assert a.claim.ci_low != other.claim.ci_low


def _recurring_world(seed: int, n_influencers: int):
    w = simulate_world(seed=seed, n_influencers=n_influencers, n_campaigns=120, with_text=False,
                       account_sd=1.0, price_elasticity=0.8, campaign_sd=0.3)
    c = w.campaigns.query("channel == 'influencer'").copy()
    c["g"] = np.where(c["followers"] < 1e4, "small", "large")
    return c


def _roas_ratio(c, **kw):
    t = compare_pooled(c, group="g", a="small", b="large", metrics=("roas",), n_boot=400, **kw).table
    return t.query("statistic == 'ratio'").iloc[0]


def test_two_way_clustering_widens_when_influencers_recur_and_not_otherwise():
    """An influencer in many campaigns carries her own luck into each: campaign clustering alone
    is then too narrow. With each influencer once, the pigeonhole interval is wider than the
    campaign one by a bounded factor: it counts activation-level noise through both factors,
    i.e. it is conservative there (Owen 2007), never narrower."""
    recurring = _recurring_world(1, 300)  # ~12 activations per account
    one, two = _roas_ratio(recurring, seed=1), _roas_ratio(recurring, seed=1, cluster2="account_id")
    width = lambda r: np.log(r["ci_high"]) - np.log(r["ci_low"])  # noqa: E731
    assert width(two) > 1.3 * width(one)
    assert "pigeonhole" in two["method"] and two["n_accounts"] <= 300
    unique = _recurring_world(2, 20_000)  # almost every account once
    one, two = _roas_ratio(unique, seed=2), _roas_ratio(unique, seed=2, cluster2="account_id")
    assert 1.0 < width(two) / width(one) < 1.8


@pytest.mark.slow
def test_two_way_coverage_beats_campaign_clustering_when_influencers_recur():
    """Null world (true ROAS ratio 1), 40 seeds, ~12 activations per influencer. Campaign
    clustering alone covered 1 in about 62% of worlds; the two-way interval in about 80% (still
    short of 95% with such heavy-tailed account effects: a known limit, stated in the notes)."""
    cover_one, cover_two = [], []
    for seed in range(40):
        c = _recurring_world(seed, 300)
        one, two = _roas_ratio(c, seed=seed), _roas_ratio(c, seed=seed, cluster2="account_id")
        cover_one.append(one["ci_low"] < 1 < one["ci_high"])
        cover_two.append(two["ci_low"] < 1 < two["ci_high"])
    assert np.mean(cover_two) >= np.mean(cover_one) + 0.1
    assert np.mean(cover_two) >= 0.75
