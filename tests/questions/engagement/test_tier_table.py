"""Tier table (three rates with bootstrap CIs), published benchmarks, model comparison, diagnostics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from inflresearch.data.synth import simulate_world
from inflresearch.methods.elasticity import prepare_accounts
from inflresearch.questions.engagement.benchmarks import benchmarks, citation
from inflresearch.questions.engagement.elasticity import elasticity
from inflresearch.questions.engagement.models import compare_models, influential_accounts, residual_frame
from inflresearch.questions.engagement.tier_table import (
    account_draws,
    compare_published,
    range_stats,
    rate_stats,
    tier_table,
)


def _world(seed: int, n: int, **knobs):
    return simulate_world(seed=seed, n_influencers=n, n_campaigns=0, with_text=False, **knobs)


def test_tier_table_counts_rates_and_cis():
    w = _world(1, 3_000).influencers.copy()
    w.loc[w.index[:5], "engagements"] = 0.0  # zero-engagement accounts count in rates
    table = tier_table(w, tiers="industry", n_boot=300, seed=1)
    assert table["n"].sum() == len(w)
    for row in table[table["n"] > 1].itertuples():
        for stat in ("median_rate", "mean_rate", "pooled_rate"):
            assert getattr(row, f"{stat}_ci_low") <= getattr(row, stat) <= getattr(row, f"{stat}_ci_high")
    micro = w[(w["followers"] >= 1e4) & (w["followers"] < 1e5)]
    row = table.set_index("tier").loc["micro"]
    assert row["pooled_rate"] == pytest.approx(micro["engagements"].sum() / micro["followers"].sum())
    assert row["mean_rate"] == pytest.approx((micro["engagements"] / micro["followers"]).mean())
    # rates fall across tiers in a world with b = 0.8
    assert table.dropna(subset=["median_rate"])["median_rate"].is_monotonic_decreasing
    again = tier_table(w, tiers="industry", n_boot=300, seed=1)
    pd.testing.assert_frame_equal(table, again)  # seeded


def test_range_stats_agree_with_a_plain_bootstrap_for_any_ranges():
    rng = np.random.default_rng(3)
    f = np.exp(rng.uniform(np.log(1e3), np.log(1e7), 3_000))
    e = f**0.8 * np.exp(rng.normal(0, 0.5, f.size))
    ranges = [(1e4, 1e5), (5e4, 2e5), (2e3, 1e4)]  # overlapping, none reaching the largest account
    got = range_stats(f, e, ranges, n_boot=3_000, rng=np.random.default_rng(4))
    draws = {k: [] for k in range(len(ranges))}
    for _ in range(1_500):  # a plain joint bootstrap, slowly
        i = rng.integers(0, f.size, f.size)
        for k, (lo, hi) in enumerate(ranges):
            m = (f[i] >= lo) & (f[i] < hi)
            draws[k].append(e[i][m].sum() / f[i][m].sum())
    for k, (lo, hi) in enumerate(ranges):
        inside = (f >= lo) & (f < hi)
        assert got[k]["n"] == inside.sum()
        assert got[k]["pooled_rate"] == pytest.approx(e[inside].sum() / f[inside].sum())
        plain = np.quantile(draws[k], [0.025, 0.975])
        width = plain[1] - plain[0]
        assert abs(got[k]["pooled_rate_ci_low"] - plain[0]) < 0.1 * width
        assert abs(got[k]["pooled_rate_ci_high"] - plain[1]) < 0.1 * width
        low, high = got[k]["median_rate_ci_low"], got[k]["median_rate_ci_high"]
        assert low <= np.median(e[inside] / f[inside]) <= high


def test_bootstrap_ci_of_the_pooled_rate_covers_the_population_value():
    population = _world(2, 200_000, posts_per_account=2).influencers
    truth = population["engagements"].sum() / population["followers"].sum()
    rng = np.random.default_rng(0)
    hits = 0
    for _ in range(40):
        s = population.sample(2_000, random_state=int(rng.integers(1 << 31)))
        r = rate_stats(s["followers"].to_numpy(), s["engagements"].to_numpy(), n_boot=400, rng=rng)
        hits += r["pooled_rate_ci_low"] <= truth <= r["pooled_rate_ci_high"]
    assert hits / 40 >= 0.8  # heavy-tailed ratio: percentile CIs run a little short


def test_published_benchmarks_carry_sources_and_markerly_figures():
    table = benchmarks()
    assert table[["source", "url", "definition", "metric", "value"]].notna().all().all()
    markerly = benchmarks(platform="instagram", metric="like_rate").set_index("tier")["value"]
    assert markerly.to_dict() == {"<1k": 0.08, "1k-10k": 0.04, "10k-100k": 0.024,
                                  "100k-1M": 0.017, "1M-10M": 0.0166}
    assert "2016" in citation(table.iloc[0])
    with pytest.raises(ValueError, match="metric"):
        benchmarks(metric="roi")


def test_compare_published_uses_the_matching_definition():
    w = _world(3, 2_000).influencers
    table = compare_published(w, n_boot=50)
    like = table[(table["metric"] == "like_rate") & (table["tier"] == "1k-10k")].iloc[0]
    inside = w[(w["followers"] >= 1e3) & (w["followers"] < 1e4)]
    assert like["pooled_rate"] == pytest.approx(inside["avg_likes"].sum() / inside["followers"].sum())
    no_likes = compare_published(w.drop(columns=["avg_likes"]), n_boot=10)
    assert (no_likes.loc[no_likes["metric"] == "like_rate", "n"] == 0).all()
    assert compare_published(w, platform="tiktok", n_boot=10).empty


def test_tier_table_and_published_share_one_set_of_draws_with_the_same_numbers():
    w = _world(6, 2_000).influencers
    draws = account_draws(w, tiers="industry", n_boot=200, seed=3)
    for shared, own in ((tier_table(w, tiers="industry", draws=draws),
                         tier_table(w, tiers="industry", n_boot=200, seed=3)),
                        (compare_published(w, draws=draws), compare_published(w, n_boot=200, seed=3))):
        # same draws: equal up to the order of summation
        pd.testing.assert_frame_equal(shared, own, check_exact=False, rtol=1e-12)
    # likes missing for some accounts: those accounts are resampled but not counted in like rates
    gappy = w.assign(avg_likes=w["avg_likes"].where(w.index % 7 != 0))
    table = compare_published(gappy, draws=account_draws(gappy, n_boot=200))
    likes = table[(table["metric"] == "like_rate") & (table["n"] > 20)]
    assert (likes["pooled_rate_ci_low"] <= likes["pooled_rate"]).all()
    assert (likes["pooled_rate"] <= likes["pooled_rate_ci_high"]).all()
    with pytest.raises(ValueError, match="no cut"):
        tier_table(w, tiers={"odd": (1234.0, 5678.0)}, draws=draws)


def test_model_comparison_prefers_curvature_only_when_present():
    bent = compare_models(prepare_accounts(_world(4, 4_000, curvature=-0.15).influencers))
    straight = compare_models(prepare_accounts(_world(5, 4_000).influencers))
    b, s = bent.set_index("model"), straight.set_index("model")
    assert b.loc["quadratic", "aic"] < b.loc["log-log", "aic"] - 10
    assert b.loc["quadratic", "cv_rmse"] < b.loc["log-log", "cv_rmse"]
    assert s.loc["log-log", "bic"] < s.loc["quadratic", "bic"]
    assert s.loc["log-log", "bic"] < s.loc["spline (cr, df 5)", "bic"]


def test_planted_outlier_tops_cooks_distance():
    w = _world(6, 800).influencers.copy()
    big = w["followers"].idxmax()
    w.loc[big, "engagements"] = 1.0  # a huge account with almost no engagement
    fit = elasticity(w)
    top = influential_accounts(fit, top=3)
    assert top["account_id"].iloc[0] == w.loc[big, "account_id"]
    assert top["exceeds_4_over_n"].iloc[0]
    res = residual_frame(fit)
    assert len(res) == 800 and abs(res["residual"].mean()) < 1e-8
