"""The decline claim across engagement-rate definitions, on simulated worlds where the answer
flips with the definition (SIMULATED: known exponents per part and per denominator)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from inflresearch.questions.engagement.notebook import analyse_accounts, notebook_params
from inflresearch.questions.engagement.robustness import decline_grid, decline_robustness

N_ACCOUNTS, N_POSTS = 400, 14


def _world(seed: int, *, likes_b: float, comments_b: float, comments_scale: float,
           views_b: float) -> pd.DataFrame:
    """Posts of accounts with log-normal followers (median 30k): likes ~ followers^likes_b,
    comments ~ comments_scale x followers^comments_b, views ~ followers^views_b, each with
    log-normal noise (sd 0.3) per post."""
    rng = np.random.default_rng(seed)
    f = np.exp(rng.normal(np.log(3e4), 1.3, N_ACCOUNTS))
    acc = np.repeat(np.arange(N_ACCOUNTS), N_POSTS)
    ff = f[acc]

    def noisy(mean):
        return np.round(mean * np.exp(rng.normal(0, 0.3, len(acc))))

    return pd.DataFrame({
        "account_id": [f"a{i}" for i in acc],
        "posted_at": pd.Timestamp("2024-01-01") + pd.to_timedelta(
            np.tile(np.arange(N_POSTS), N_ACCOUNTS), unit="D"),
        "likes": noisy(0.05 * ff ** likes_b),
        "comments": noisy(comments_scale * ff ** comments_b),
        "views": noisy(30.0 * ff ** views_b),
        "followers": ff,
    })


def _accounts(posts: pd.DataFrame) -> pd.DataFrame:
    g = posts.groupby("account_id", sort=False)
    return pd.DataFrame({"account_id": g["followers"].first().index,
                         "followers": g["followers"].first().to_numpy(),
                         "avg_likes": g["likes"].mean().to_numpy(),
                         "avg_comments": g["comments"].mean().to_numpy()})


def test_per_follower_and_per_view_give_opposite_verdicts_and_the_count_says_so() -> None:
    # engagements ~ followers^0.8 (the rate per follower falls); views ~ followers^0.5, so the
    # rate per view ~ followers^0.3 rises: every "/views" definition must contradict the claim
    posts = _world(1, likes_b=0.8, comments_b=0.8, comments_scale=0.005, views_b=0.5)
    grid = decline_grid(_accounts(posts), posts, alpha=0.05)
    assert len(grid) == 2 * 2 * 2 * 2  # mean/median x likes/likes+comments x per x window
    per_view = grid["specification"].str.contains("/views")
    assert set(grid.loc[per_view, "verdict"]) == {"contradicted"}
    assert set(grid.loc[~per_view, "verdict"]) == {"supported"}
    assert grid.loc[per_view, "estimate"].between(1.2, 1.4).all()
    assert grid.loc[~per_view, "estimate"].between(0.7, 0.9).all()
    summary = decline_robustness(grid)
    assert summary["verdict_of_record"] == "supported"
    assert summary["counts"] == {"supported": 8, "contradicted": 8, "inconclusive": 0}
    assert sorted(s for s, _ in summary["exceptions"]) == sorted(grid.loc[per_view, "specification"])
    assert summary["line"].startswith("supported under 8 of 16 engagement-rate definitions "
                                      "(each at alpha, unadjusted); the 8 exceptions: ")


def test_likes_only_and_likes_plus_comments_give_opposite_verdicts() -> None:
    # likes ~ followers^0.85 (falling rate); comments ~ followers^1.6 outgrow likes above ~4k
    # followers, so likes + comments rise faster than followers
    posts = _world(2, likes_b=0.85, comments_b=1.6, comments_scale=1e-4, views_b=1.0)
    grid = decline_grid(_accounts(posts), posts.drop(columns="views"), primary="modash",
                        alpha=0.05)
    assert len(grid) == 8 + 1  # the grid, and modash's 30-post window as the primary row
    assert grid["specification"].iloc[0] == "modash" and grid["primary"].iloc[0]
    likes_only = ~grid["specification"].str.contains("comments")
    assert set(grid.loc[likes_only, "verdict"]) == {"supported"}
    assert set(grid.loc[~likes_only, "verdict"]) == {"contradicted"}
    summary = decline_robustness(grid)
    assert (summary["n_agreeing"], summary["n_estimable"]) == (5, 9)
    assert {v for _, v in summary["exceptions"]} == {"contradicted"}
    assert all("comments" in s for s, _ in summary["exceptions"])


def test_the_report_uses_its_definition_and_its_fit_is_the_grids_primary_row() -> None:
    posts = _world(3, likes_b=0.8, comments_b=0.8, comments_scale=0.005, views_b=0.5)
    a = analyse_accounts(_accounts(posts), posts, n_boot=0, er_definition="mean:likes/views:all")
    assert a.fit.table["estimate"].iloc[0] == pytest.approx(1.3, abs=0.1)
    first = a.robustness.iloc[0]
    assert first["primary"] and first["specification"] == "mean:likes/views:all"
    assert first["estimate"] == a.fit.table["estimate"].iloc[0]
    est = a.estimates()
    assert est["er_definition"]["spelling"] == "mean:likes/views:all"
    assert est["robustness"]["engagement_rate_declines"]["verdict_of_record"] == "contradicted"
    assert set(a.tiers["er_definition"]) == {"mean:likes/views:all"}


def test_the_default_definition_leaves_todays_analysis_unchanged() -> None:
    posts = _world(4, likes_b=0.8, comments_b=0.8, comments_scale=0.005, views_b=0.5)
    accounts = _accounts(posts)
    plain = analyse_accounts(accounts, None, n_boot=0)
    named = analyse_accounts(accounts, None, n_boot=0, er_definition="default")
    assert plain.fit.table.equals(named.fit.table)
    assert plain.estimates()["er_definition"]["spelling"] == "mean:likes+comments/followers:all"


def test_parameters_take_all_schemes_and_refuse_a_bad_definition(tmp_path) -> None:
    p = notebook_params(tiers="ALL", er_definition="Modash", run_dir=str(tmp_path / "r"))
    assert p.tiers == "all" and p.er_definition.spelling == "median:likes/followers:last30"
    with pytest.raises(ValueError, match="parameter er_definition 'mean:likes/reach'"):
        notebook_params(er_definition="mean:likes/reach", run_dir=str(tmp_path / "s"))
    with pytest.raises(ValueError, match="parameter 'tiers' must be one of .*modash.*all"):
        notebook_params(tiers="hype", run_dir=str(tmp_path / "t"))


@pytest.mark.slow
def test_the_grids_holm_summary_keeps_the_family_wise_error_under_a_null() -> None:
    # every definition's rate is flat in followers (b = 1 for likes, comments and views): the
    # smallest Holm-adjusted p across the 16 definitions may fall below alpha in at most alpha of
    # the worlds, while the unadjusted "supported under at least one" would overstate it
    from scipy import stats

    n_worlds, alpha = 150, 0.05
    holm_hits = any_hits = 0
    for seed in range(n_worlds):
        posts = _world(100 + seed, likes_b=1.0, comments_b=1.0, comments_scale=0.005, views_b=1.0)
        summary = decline_robustness(decline_grid(_accounts(posts), posts, alpha=alpha))
        holm_hits += summary["min_p_holm"] < alpha
        any_hits += summary["counts"]["supported"] + summary["counts"]["contradicted"] > 0
    assert holm_hits <= stats.binom.ppf(0.99, n_worlds, alpha)
    assert any_hits >= holm_hits
