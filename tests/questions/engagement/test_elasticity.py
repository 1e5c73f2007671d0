"""The elasticity estimator on simulated worlds with known truth: recovery, coverage, false
positives, the rate-regression comparison, niches, range checks and degenerate input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from inflresearch.claims import adjust_holm
from inflresearch.data.synth import simulate_world
from inflresearch.errors import DataError
from inflresearch.methods.elasticity import niche_elasticities, prepare_accounts
from inflresearch.questions.engagement import elasticity as eng
from inflresearch.questions.engagement.prepare import range_check


def _world(seed: int, n: int, **knobs):
    return simulate_world(seed=seed, n_influencers=n, n_campaigns=0, with_text=False, **knobs)


def _covered(seeds: range, n: int, b: float) -> float:
    hits = 0
    for seed in seeds:
        row = eng.elasticity(_world(seed, n, elasticity=b).influencers, niche="niche").table.iloc[0]
        hits += row["ci_low"] <= b <= row["ci_high"]
    return hits / len(seeds)


def _supported_share(seeds: range, n: int) -> float:
    verdicts = [
        adjust_holm([eng.claim_rate_declines(eng.elasticity(_world(s, n, elasticity=1.0).influencers))])
        [0].verdict
        for s in seeds
    ]
    return float(np.mean([v == "supported" for v in verdicts]))


def test_elasticity_recovered_on_20000_accounts():
    fit = eng.elasticity(_world(101, 20_000, elasticity=0.75).influencers, niche="niche")
    row = fit.table.iloc[0]
    assert abs(row["estimate"] - 0.75) < 0.02
    assert row["ci_low"] <= 0.75 <= row["ci_high"]
    assert row["ci_high"] - row["ci_low"] < 0.02  # and the CI is informative
    claim = eng.claim_rate_declines(fit)
    assert claim.verdict == "supported" and claim.direction == "less" and claim.null == 1.0
    assert claim.estimate == pytest.approx(row["estimate"])
    assert 0 < claim.details["mde"] < 0.02 and claim.details["power"] > 0.99


def test_ci_coverage_few_seeds():
    # 30 seeds: a gross coverage failure (e.g. non-robust errors under heteroskedasticity) shows
    assert 0.83 <= _covered(range(200, 230), 1_000, 0.75) <= 1.0


@pytest.mark.slow
def test_ci_coverage_100_seeds_20000_accounts():
    assert 0.90 <= _covered(range(300, 400), 20_000, 0.75) <= 0.99


def test_false_positive_rate_under_null_few_seeds():
    assert _supported_share(range(500, 560), 300) <= 0.12


@pytest.mark.slow
def test_false_positive_rate_under_null_200_seeds():
    # one-sided test at 5%: the expected share is 0.05; 0.081 is 0.05 + 2 binomial SEs
    assert _supported_share(range(600, 800), 300) <= 0.081


def test_rate_regression_manufactures_decline_from_follower_noise():
    w = _world(7, 6_000, elasticity=1.0)
    noisy = w.influencers.copy()
    rng = np.random.default_rng(0)
    noisy["followers"] = noisy["followers"] * np.exp(rng.normal(0, 0.5, len(noisy)))
    clean_rm = eng.rate_models(eng.elasticity(w.influencers)).set_index("model")
    fit = eng.elasticity(noisy)
    noisy_rm = eng.rate_models(fit).set_index("model")
    # no decline in truth; the level regression of the rate on noisy followers finds one
    level = "rate_on_log10_followers"
    assert clean_rm.loc[level, "ci_low"] < 0 < clean_rm.loc[level, "ci_high"]
    assert noisy_rm.loc[level, "ci_high"] < 0
    # the log-rate model is the elasticity model minus one
    assert noisy_rm.loc["log_rate_on_log_followers", "estimate"] == pytest.approx(
        noisy_rm.loc["log_log_elasticity", "estimate"] - 1)
    # the elasticity is attenuated too, and the reliability correction with the true noise fixes it
    sens = eng.follower_noise_sensitivity(fit, noise_sd=(0.5,)).set_index("scenario")
    assert fit.estimate < 0.97
    corrected = sens.loc["noise sd 0.5"]
    assert corrected["ci_low"] <= 1.0 <= corrected["ci_high"]
    explain = sens.loc["explains_away", "noise_sd"]
    assert explain == pytest.approx(0.5, abs=0.08)


def test_niche_elasticities_recover_niche_slopes_and_heterogeneity():
    w = _world(21, 8_000, elasticity=0.8, niche_elasticity_sd=0.15, n_niches=5)
    table = niche_elasticities(w.influencers)
    assert list(table.columns) == ["niche", "estimate", "ci_low", "ci_high", "p_value", "n",
                                   "method"]
    truth = w.truth["niche_elasticities"]
    covered = [r.ci_low <= truth[r.niche] <= r.ci_high for r in table.itertuples()]
    assert sum(covered) >= 4
    assert np.corrcoef(table["estimate"], [truth[k] for k in table["niche"]])[0, 1] > 0.9
    assert eng.niche_heterogeneity(w.influencers)["p_value"].item() < 0.001
    same = _world(22, 4_000, n_niches=4)
    assert eng.niche_heterogeneity(same.influencers)["p_value"].item() > 0.01


def test_niche_with_too_few_accounts_is_reported_not_estimated():
    w = _world(23, 600, n_niches=3).influencers.copy()
    w.loc[w.index[:4], "niche"] = "tiny"
    table = niche_elasticities(w).set_index("niche")
    assert np.isnan(table.loc["tiny", "estimate"]) and table.loc["tiny", "n"] == 4
    assert "fewer than" in table.loc["tiny", "method"]
    assert table.drop(index="tiny")["estimate"].notna().all()
    with pytest.raises(DataError, match="niche"):
        niche_elasticities(w.drop(columns="niche"))


def test_range_check_flags_top_lists_and_selection_on_outcome():
    base = _world(31, 30_000, posts_per_account=3).influencers
    assert not range_check(prepare_accounts(base)).warning
    by_followers = range_check(prepare_accounts(base.nlargest(500, "followers")))
    assert by_followers.warning
    flagged = set(by_followers.table.loc[by_followers.table["flag"], "check"])
    assert {"follower_span_decades", "min_followers"} <= flagged
    by_engagement = range_check(prepare_accounts(base.nlargest(500, "engagements")))
    assert by_engagement.warning
    fit = eng.elasticity(base.nlargest(500, "engagements"))
    claim = eng.claim_rate_declines(fit, range_check=by_engagement)
    assert claim.verdict == "not testable" and "b = " in claim.note
    declared = range_check(prepare_accounts(base), selected_on_outcome=True)
    assert declared.warning


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"followers": [1e3, 2e3, 5e3], "engagements": [10.0, 20, 40]}),
         "at least 10"),
        (pd.DataFrame({"followers": [5e3] * 30, "engagements": np.arange(1.0, 31)}),
         "same follower count"),
        (pd.DataFrame({"followers": np.geomspace(1e3, 1e6, 30), "engagements": 0.0}),
         "all engagement values are zero"),
        (pd.DataFrame({"follower_count": [1.0], "engagements": [1.0]}), "follower column"),
        (pd.DataFrame({"followers": np.geomspace(1e3, 1e6, 30)}), "no engagement column"),
        (pd.DataFrame({"followers": [np.nan] * 20 + [1e3] * 5, "engagements": 5.0}),
         "at least 10"),
    ],
)
def test_degenerate_input_gives_clear_error(frame, message):
    with pytest.raises(DataError, match=message):
        eng.elasticity(frame)


def test_zero_engagement_accounts_are_dropped_and_counted():
    w = _world(41, 500).influencers.copy()
    w.loc[w.index[:7], "engagements"] = 0.0
    fit = eng.elasticity(w)
    assert fit.table["n"].item() == 493 and fit.data.attrs["n_dropped_zero"] == 7


def test_engagements_derived_from_likes_when_missing():
    w = _world(42, 400).influencers.drop(columns=["engagements"])
    data = prepare_accounts(w)
    assert data.attrs["engagement_source"] == "avg_likes + avg_comments"
    assert np.allclose(data["engagements"], w["avg_likes"] + w["avg_comments"])


def test_singleton_niche_levels_are_pooled_not_left_with_leverage_one():
    from inflresearch.questions.engagement.models import influential_accounts

    w = _world(43, 800).influencers.copy()
    clean = eng.elasticity(w, niche="niche")
    w.loc[w.index[0], "niche"] = "fasion"  # a typo level held by one account
    fit = eng.elasticity(w, niche="niche")
    assert fit.se == pytest.approx(clean.se, rel=0.05)
    assert "fasion" not in set(fit.data["niche"].astype(str))
    assert (influential_accounts(fit)["leverage"] < 0.1).all()
    w.loc[w.index[1:6], "niche"] = [f"typo{i}" for i in range(5)]  # five rare levels pool
    assert "(rare levels)" in set(eng.elasticity(w, niche="niche").data["niche"].astype(str))


@pytest.mark.parametrize(
    ("knobs", "row", "truth"),
    [(dict(fake_follower_share=0.3, fake_follower_slope=1.0), 2, 0.3),
     (dict(crawl_growth_sd=0.4), 3, 0.4)],
    ids=["bought followers rising with size", "growth between post and crawl"],
)
def test_sensitivity_recovers_the_contamination_that_made_a_false_decline(knobs, row, truth):
    """True b = 1, contaminated follower counts: the decline comes out `supported` in most
    worlds (the range check flags none of them); the sensitivity analysis must say that a
    contamination of about the true size explains it away (mean over 10 worlds within 0.06)."""
    needed, verdicts, flagged = [], [], []
    for seed in range(10):
        table = simulate_world(seed=seed, n_influencers=8000, n_campaigns=0, with_text=False,
                               elasticity=1.0, **knobs).influencers
        fit = eng.elasticity(table)
        verdicts.append(eng.claim_rate_declines(fit).verdict)
        flagged.append(range_check(fit.data).warning)
        sens = eng.contamination_sensitivity(fit)
        needed.append(sens["needed"].iloc[row])
    assert verdicts.count("supported") >= 8 and not any(flagged)
    assert abs(np.mean(needed) - truth) < 0.06, needed
    sentence = eng.sensitivity_sentence(sens)
    assert "decline away (b = 1)" in sentence and "typical factor" in sentence
    if row == 2:  # bought followers: the share that explains it is named
        assert sentence.startswith("To explain the decline away")


def test_sensitivity_without_a_decline_says_so():
    fit = eng.elasticity(simulate_world(seed=2, n_influencers=1500, n_campaigns=0,
                                        with_text=False, elasticity=1.1).influencers)
    table = eng.contamination_sensitivity(fit)
    assert table["needed"].isna().all()
    assert eng.sensitivity_sentence(table).startswith("There is no decline")


def test_pooled_and_within_niche_estimands_side_by_side():
    """Niches with different sizes AND engagement levels make pooled and within-niche b differ;
    the claim uses the pooled one, named in every table."""
    w = simulate_world(seed=4, n_influencers=3000, n_campaigns=0, with_text=False, niche_sd=0.8)
    acc = prepare_accounts(w.influencers, niche="niche")
    table = eng.estimand_table(acc)
    assert table["estimand"].tolist() == ["pooled", "within_niche"]
    pooled = table.set_index("estimand").loc["pooled"]
    assert pooled["estimate"] == pytest.approx(eng.elasticity(acc).estimate)  # the default
    assert pooled["used_for"].startswith("the claim")
    within = eng.elasticity(acc, within=("niche",))
    assert table.set_index("estimand").loc["within_niche", "estimate"] == pytest.approx(
        within.estimate)
    assert {"estimate", "ci_low", "ci_high", "p_value", "n", "method"} <= set(table.columns)
