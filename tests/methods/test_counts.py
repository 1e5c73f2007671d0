"""Post-level count models: recovery per platform, the offset identity, covariates, zeros."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from inflresearch.data.synth import simulate_world
from inflresearch.errors import DataError
from inflresearch.methods.counts import offset_view, post_elasticity, prepare_posts


def _world(seed: int, n: int, **knobs):
    return simulate_world(seed=seed, n_influencers=n, n_campaigns=0, with_text=False, **knobs)


@pytest.fixture(scope="module")
def two_platforms():
    return _world(5, 2_500, elasticity=0.75, platforms={"instagram": 0.0, "tiktok": 0.3})


def test_per_platform_elasticities_recovered(two_platforms):
    result = post_elasticity(two_platforms.posts)
    table = result.table.set_index("platform")
    truth = two_platforms.truth["platform_elasticities"]
    for platform, b in truth.items():
        assert table.loc[platform, "ci_low"] <= b <= table.loc[platform, "ci_high"], platform
        assert abs(table.loc[platform, "estimate"] - b) < 0.04
    assert table.loc["instagram", "p_value"] < 1e-6  # rate falls on instagram (b = 0.75)
    assert table.loc["tiktok", "p_value"] > 0.5  # and not on tiktok (b = 1.05)
    assert result.platform_test["p_value"].item() < 1e-6
    assert table["n_accounts"].sum() == 2_500


def test_covariates_recover_year_sponsored_and_media_effects(two_platforms):
    cov = post_elasticity(two_platforms.posts).covariates.set_index("term")
    truth = two_platforms.truth
    last_year = f"year[T.{max(truth['year_effects'])}]"
    for term, effect in ((last_year, -0.6), ("sponsored", truth["sponsored_effect"]),
                         ("media_type[T.video]", 0.2 - 0.1)):  # carousel is the reference
        assert cov.loc[term, "ci_low"] <= np.exp(effect) <= cov.loc[term, "ci_high"], term


def test_offset_coefficient_is_b_minus_one(two_platforms):
    plain = post_elasticity(two_platforms.posts).table.set_index("platform")
    offset = post_elasticity(two_platforms.posts, offset=True).table.set_index("platform")
    assert np.allclose(offset["estimate"] + 1, plain["estimate"], atol=1e-6)
    assert np.allclose(offset["se"], plain["se"], rtol=1e-4)
    assert (offset["null"] == 0).all() and (plain["null"] == 1).all()
    view = offset_view(post_elasticity(two_platforms.posts)).table.set_index("platform")
    for column in ("estimate", "se", "ci_low", "ci_high", "p_value"):
        assert np.allclose(view[column], offset[column], rtol=1e-4, atol=1e-6), column


def test_zero_like_posts_are_ordinary_counts():
    w = _world(6, 800, like_rate_at_reference=0.0002, elasticity=0.8)
    assert (w.posts["likes"] == 0).mean() > 0.2
    row = post_elasticity(w.posts).table.iloc[0]
    assert row["ci_low"] <= 0.8 <= row["ci_high"]


def test_followers_joined_from_accounts_when_posts_lack_them():
    w = _world(7, 300)
    posts = w.posts.drop(columns=["followers"])
    a = post_elasticity(posts, accounts=w.influencers).table
    b = post_elasticity(w.posts).table
    assert a["estimate"].item() == pytest.approx(b["estimate"].item())
    with pytest.raises(DataError, match="follower"):
        post_elasticity(posts)


@pytest.mark.parametrize(
    ("posts", "message"),
    [
        (pd.DataFrame({"account_id": list("abc") * 5, "likes": 0.0,
                       "followers": [1e3, 1e4, 1e5] * 5}), "zero likes"),
        (pd.DataFrame({"account_id": list("abc"), "likes": 1.0, "followers": [1e3, 1e4, 1e5]}),
         "at least 10"),
        (pd.DataFrame({"account_id": ["a"] * 20, "likes": 5.0, "followers": 1e3}), "accounts"),
        (pd.DataFrame({"account_id": ["a"] * 20, "followers": 1e3}), "likes"),
    ],
)
def test_degenerate_posts_give_clear_errors(posts, message):
    with pytest.raises(DataError, match=message):
        prepare_posts(posts)


@pytest.mark.slow
def test_cluster_robust_ci_coverage():
    hits = 0
    for seed in range(60):
        w = _world(900 + seed, 400, elasticity=0.75, posts_per_account=8)
        row = post_elasticity(w.posts).table.iloc[0]
        hits += row["ci_low"] <= 0.75 <= row["ci_high"]
    assert hits / 60 >= 0.88
