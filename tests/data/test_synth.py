"""The simulated world is deterministic and has the truth it claims."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from inflresearch.data.synth import simulate_world, write_world


def test_same_seed_same_bytes(tmp_path):
    a = write_world(simulate_world(seed=5, n_influencers=300, n_campaigns=10), tmp_path / "a")
    b = write_world(simulate_world(seed=5, n_influencers=300, n_campaigns=10), tmp_path / "b")
    for name in ("influencers.csv", "posts.csv", "campaigns.csv", "truth.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    c = write_world(simulate_world(seed=6, n_influencers=300, n_campaigns=10), tmp_path / "c")
    assert (a / "posts.csv").read_bytes() != (c / "posts.csv").read_bytes()


def test_truth_is_labelled_simulated_and_complete(tmp_path):
    w = simulate_world(seed=2, n_influencers=200, n_campaigns=5, elasticity=0.7, curvature=-0.05)
    out = write_world(w, tmp_path)
    truth = json.loads((out / "truth.json").read_text())
    assert truth["simulated"] is True
    assert "SIMULATED" in (out / "README.md").read_text()
    for knob in ("elasticity", "curvature", "price_elasticity", "roas_lift", "niche_effects",
                 "niche_vocabularies", "focus_slope", "campaign_sd", "seed"):
        assert knob in truth, knob
    assert truth["turning_point_followers"] == pytest.approx(1e5 * np.exp(0.7 / 0.1))


@pytest.mark.parametrize("b", [0.75, 1.0])
def test_loglog_slope_of_likes_matches_truth(b):
    w = simulate_world(seed=3, n_influencers=20_000, n_campaigns=0, elasticity=b, with_text=False)
    d = w.influencers.query("avg_likes > 0")
    fit = smf.ols("np.log(avg_likes) ~ np.log(followers)", d).fit()
    assert abs(fit.params["np.log(followers)"] - b) < 0.02


def test_followers_heavy_tailed_between_1k_and_10m():
    f = simulate_world(seed=4, n_influencers=20_000, n_campaigns=0, with_text=False).influencers.followers
    assert f.min() >= 1e3 and f.max() <= 1e7
    assert f.median() < 2e4 and (f > 1e6).mean() > 0.02  # most are small, a real tail is large


def test_price_grows_at_its_elasticity():
    w = simulate_world(seed=8, n_influencers=20_000, n_campaigns=0, with_text=False, price_elasticity=0.6)
    fit = smf.ols("np.log(price_per_post) ~ np.log(followers)", w.influencers).fit()
    assert abs(fit.params["np.log(followers)"] - 0.6) < 0.02


def test_campaign_roas_matches_calibration():
    # with price elasticity = engagement elasticity, pooled ROAS is flat in followers
    w = simulate_world(seed=9, n_influencers=5_000, n_campaigns=600, elasticity=0.8,
                       price_elasticity=0.8, account_sd=0.0, niche_sd=0.0, campaign_sd=0.0,
                       with_text=False, traditional_roas=2.0)
    c = w.campaigns
    pooled = c.groupby("channel")[["revenue", "cost"]].sum()
    roas = pooled["revenue"] / pooled["cost"]
    assert roas["influencer"] == pytest.approx(1.5, rel=0.1)
    assert roas["traditional"] == pytest.approx(2.0, rel=0.1)


def test_niche_text_uses_niche_vocabulary(small_world):
    inf = small_world.influencers
    vocab = small_world.truth["niche_vocabularies"]
    share = [
        np.mean([word in vocab[niche] for word in bio.split()])
        for bio, niche in zip(inf["bio"], inf["niche"], strict=True)
    ]
    assert np.mean(share) > 0.35


def test_post_noise_knob_adds_its_variance_and_leaves_the_default_world_alone():
    """post_sd draws from its own stream: 0 gives the default world; 0.6 adds 0.36 to the
    within-account variance of log likes (large counts; tolerance 4 MC standard errors)."""
    base = simulate_world(seed=5, n_influencers=400, n_campaigns=0, with_text=False)
    same = simulate_world(seed=5, n_influencers=400, n_campaigns=0, with_text=False, post_sd=0.0)
    pd.testing.assert_frame_equal(base.posts, same.posts)
    knobs = dict(n_influencers=2000, n_campaigns=0, with_text=False, followers_min=1e5,
                 n_years=1, media_effects={"photo": 0.0, "video": 0.0, "carousel": 0.0},
                 sponsored_share=0.0)
    quiet, noisy = (simulate_world(seed=6, post_sd=sd, **knobs).posts for sd in (0.0, 0.6))

    def within(posts):
        y = np.log1p(posts["likes"])
        return float((y - y.groupby(posts["account_id"]).transform("mean")).pow(2).sum()
                     / (len(posts) - posts["account_id"].nunique()))

    added = within(noisy) - within(quiet)
    assert abs(added - 0.36) < 0.04, added
    assert noisy["likes"].ne(quiet["likes"]).any()
    assert (noisy["followers"] == quiet["followers"]).all()
