"""Campaign metrics: ratios of sums, zero denominators, earned media value, resampling machinery."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from inflresearch.errors import DataError
from inflresearch.methods.resampling import (
    bootstrap_counts,
    bootstrap_p,
    cluster_bootstrap_sums,
    percentile_ci,
    stratified_permutations,
)
from inflresearch.questions.roi.metrics import (
    METRICS,
    activation_metrics,
    check_campaigns,
    label_groups,
    pooled_metrics,
    ratio_of_sums_vs_mean,
)


def _table() -> pd.DataFrame:
    return pd.DataFrame({
        "campaign_id": ["a", "a", "b", "b", "c"],
        "channel": ["influencer"] * 4 + ["traditional"],
        "tier": ["micro", "macro", "micro", "macro", None],
        "followers": [6e3, 5e4, 8e3, 9e4, np.nan],
        "cost": [20.0, 2000.0, 0.0, 1000.0, 500.0],
        "impressions": [1500.0, 12000.0, 2000.0, 30000.0, 40000.0],
        "engagements": [100.0, 400.0, 50.0, 0.0, np.nan],
        "conversions": [1.0, 10.0, 0.0, 0.0, 4.0],
        "revenue": [100.0, 3000.0, 0.0, 0.0, 400.0],
    })


def test_pooled_is_ratio_of_sums_and_differs_from_mean_of_ratios():
    d = _table()
    t = pooled_metrics(d, by="tier", metrics=["roas", "cpe", "cpm"]).set_index(["tier", "metric"])
    # micro: revenue 100 + 0 over cost 20 + 0; macro: 3000 / 3000
    assert t.loc[("micro", "roas"), "estimate"] == pytest.approx(5.0)
    assert t.loc[("macro", "roas"), "estimate"] == pytest.approx(1.0)
    assert t.loc[("macro", "cpe"), "estimate"] == pytest.approx(3000 / 400)
    assert t.loc[("micro", "cpm"), "estimate"] == pytest.approx(1000 * 20 / 3500)
    # the mean of per-activation ROAS weights the $1,000 flop like the $2,000 success
    m = ratio_of_sums_vs_mean(d, metric="roas", by="tier").set_index("tier")
    assert m.loc["macro", "ratio_of_sums"] == pytest.approx(1.0)
    assert m.loc["macro", "mean_of_ratios"] == pytest.approx((1.5 + 0.0) / 2)
    assert m.loc["micro", "n_excluded"] == 1  # the free activation has no ROAS of its own


def test_zero_denominators_are_nan_never_inf_and_counted():
    d = _table()
    a = activation_metrics(d)
    numeric = a[[m for m in METRICS if m in a]].to_numpy(float)
    assert not np.isinf(numeric).any()
    assert np.isnan(a.loc[2, "roas"]) and np.isnan(a.loc[2, "cpa"])  # zero cost, zero conversions
    assert np.isnan(a.loc[3, "cpe"])  # zero engagements
    t = pooled_metrics(d, by="tier", metrics=["roas", "cpa"]).set_index(["tier", "metric"])
    assert t.loc[("micro", "roas"), "n_zero_denominator"] == 1
    assert t.loc[("macro", "cpa"), "n_zero_denominator"] == 1
    # a group whose cost sums to zero has an undefined pooled ROAS, reported as such
    free = pd.DataFrame({"campaign_id": ["a", "b"], "cost": [0.0, 0.0], "revenue": [5.0, 0.0]})
    row = pooled_metrics(free, metrics=["roas"], n_boot=50).iloc[0]
    assert np.isnan(row["estimate"]) and "sums to zero" in row["note"]
    assert np.isnan(row["ci_low"]) and np.isnan(row["ci_high"])


def test_metrics_only_where_inputs_exist_and_emv_is_never_roi():
    d = _table().drop(columns=["impressions"])
    names = set(pooled_metrics(d)["metric"])
    assert "cpm" not in names and "revenue_per_impression" not in names
    assert {"roas", "roi", "cpe", "cpa"} <= names
    d["earned_media_value"] = [900.0, 9000.0, 100.0, 5000.0, np.nan]
    t = pooled_metrics(d).set_index("metric")
    assert "emv_per_cost" in t.index
    assert "NOT ROI" in METRICS["emv_per_cost"].description
    # ROI and ROAS come from revenue only: adding EMV changes neither
    base = pooled_metrics(_table(), metrics=["roi", "roas"])["estimate"].to_numpy()
    assert np.allclose(t.loc[["roi", "roas"], "estimate"].to_numpy(), base)
    # traditional rows have no engagements: no CPE row for them (not a row of zeros)
    by = pooled_metrics(_table(), by="channel", metrics=["cpe"])
    assert by["channel"].tolist() == ["influencer"]


def test_bad_campaign_tables_raise_clear_errors():
    with pytest.raises(DataError, match="campaign_id"):
        check_campaigns(pd.DataFrame({"cost": [1.0]}))
    with pytest.raises(DataError, match="channel.*radio"):
        check_campaigns(pd.DataFrame({"campaign_id": ["a"], "channel": ["radio"]}))
    with pytest.raises(DataError, match="cost.*negative"):
        check_campaigns(pd.DataFrame({"campaign_id": ["a"], "cost": [-5.0]}))
    with pytest.raises(ValueError, match="unknown metrics"):
        pooled_metrics(_table(), metrics=["roiz"])


def test_label_groups_half_open_and_traditional_excluded():
    f = pd.Series([4_999, 5_000, 9_999, 10_000, 100_000, 50_000])
    ch = pd.Series(["influencer"] * 5 + ["traditional"])
    g = label_groups(f, {"micro": (5e3, 1e4), "macro": (1e4, 1e5)}, channel=ch)
    assert g.iloc[1:4].tolist() == ["micro", "micro", "macro"]
    assert g.iloc[[0, 4, 5]].isna().all()


def test_pooled_ci_covers_truth_on_simulated_campaigns():
    from inflresearch.data.synth import simulate_world

    w = simulate_world(seed=21, n_influencers=2000, n_campaigns=200, with_text=False,
                       posts_per_account=1, traditional_campaign_share=1.0, campaign_sd=0.3)
    t = pooled_metrics(w.campaigns, by="channel", metrics=["roas"], n_boot=500, seed=1)
    trad = t.set_index("channel").loc["traditional"]
    assert trad["ci_low"] < w.truth["traditional_roas"] < trad["ci_high"]


# --- resampling -------------------------------------------------------------------------------


def test_bootstrap_counts_equal_index_resampling():
    """The vectorised counts are exactly the multiplicities of plain index resampling."""
    counts = bootstrap_counts(np.random.default_rng(5), 7, 30)
    draws = np.random.default_rng(5).integers(0, 7, size=(30, 7))
    assert np.array_equal(counts, np.stack([np.bincount(r, minlength=7) for r in draws]))


def test_cluster_bootstrap_is_seeded_reproducible_and_blocked():
    sums = np.random.default_rng(0).gamma(2.0, 1.0, size=(500, 3))
    a = cluster_bootstrap_sums(sums, 300, seed=11)
    b = cluster_bootstrap_sums(sums, 300, seed=11)
    c = cluster_bootstrap_sums(sums, 300, seed=12)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    # replicate totals centre on the observed totals with the i.i.d. bootstrap's spread
    assert np.allclose(a.mean(axis=0), sums.sum(axis=0), rtol=0.02)
    sd = np.sqrt(len(sums)) * sums.std(axis=0)
    assert np.allclose(a.std(axis=0), sd, rtol=0.15)
    with pytest.raises(ValueError):
        cluster_bootstrap_sums(np.ones((0, 2)), 10)


def test_percentile_ci_and_bootstrap_p():
    reps = np.r_[np.arange(1.0, 100.0), np.nan]
    lo, hi = percentile_ci(reps, 0.1)
    assert lo[0] == pytest.approx(5.9) and hi[0] == pytest.approx(94.1)
    assert bootstrap_p(np.array([-1.0, 1.0, 2.0, 3.0]), 0.0, "greater") == pytest.approx(0.4)
    assert bootstrap_p(np.array([-1.0, 1.0, 2.0, 3.0]), 0.0, "less") == pytest.approx(0.8)
    assert np.isnan(bootstrap_p(np.array([np.nan]), 0.0, "greater"))


def test_stratified_permutations_stay_within_strata():
    strata = np.repeat([0, 1, 2], [3, 5, 2])
    idx = stratified_permutations(strata, 200, seed=3)
    assert np.array_equal(strata[idx], np.broadcast_to(strata, idx.shape))
    assert len({tuple(r) for r in idx}) > 50  # really shuffled
    with pytest.raises(ValueError, match="sorted"):
        stratified_permutations(np.array([1, 0]), 2)


def test_metrics_sharing_one_bootstrap_give_the_intervals_of_one_bootstrap_each():
    """The metrics of one call share a bootstrap pass; with the same seed over the same rows it
    draws what one call per metric drew, so the intervals agree to rounding, crossed or not."""
    from inflresearch.data.synth import simulate_world

    c = simulate_world(seed=3, n_influencers=1500, n_campaigns=120, with_text=False,
                       posts_per_account=1).campaigns
    for table in (c, c.drop(columns="account_id")):
        together = pooled_metrics(table, by="channel", n_boot=200, seed=5)
        for name in ["roas", "cpe", "revenue_per_follower"]:
            alone = pooled_metrics(table, by="channel", metrics=[name], n_boot=200, seed=5)
            mine = together[together["metric"] == name]
            for col in ["estimate", "ci_low", "ci_high"]:
                assert np.allclose(mine[col], alone[col], rtol=1e-12, atol=0), (name, col)


def test_group_sums_are_the_wide_matrix_replicates_with_the_same_draws():
    """`pigeonhole_bootstrap_group_sums` skips the zeros of the (n x groups*K) matrix; with the
    same seed it draws the same weights (also across several blocks), so it agrees to rounding."""
    from inflresearch.methods.resampling import (
        pigeonhole_bootstrap_group_sums,
        pigeonhole_bootstrap_sums,
    )

    rng = np.random.default_rng(11)
    n, k, n_groups = 3000, 3, 5
    rows, cols = rng.integers(0, 400, n), rng.integers(0, 700, n)
    groups, values = rng.integers(0, n_groups, n), rng.gamma(2.0, 50.0, (n, k))
    wide = np.zeros((n, n_groups * k))
    for j in range(k):
        wide[np.arange(n), groups * k + j] = values[:, j]
    narrow = pigeonhole_bootstrap_group_sums(values, rows, cols, groups, 2500, seed=4)
    reps = pigeonhole_bootstrap_sums(wide, rows, cols, 2500, seed=4)
    assert np.allclose(narrow.reshape(2500, -1), reps, rtol=1e-12, atol=0)
