"""Engagement-rate definitions: the compact spelling, and each part of a definition computed
against rates worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from inflresearch.errors import DataError
from inflresearch.methods.rate_definitions import (
    account_rates,
    definition_grid,
    parse_definition,
    post_rates,
)


@pytest.mark.parametrize(("text", "spelling"), [
    (None, "mean:likes+comments/followers:all"),
    ("default", "mean:likes+comments/followers:all"),
    ("HypeAuditor", "mean:likes+comments/followers:last12"),
    ("modash", "median:likes/followers:last30"),
    ("mean:comments+likes/followers", "mean:likes+comments/followers:all"),
    ("pooled:likes+comments+shares+saves/views:last5", "pooled:likes+comments+shares+saves/views:last5"),
])
def test_spellings_and_names(text, spelling) -> None:
    assert parse_definition(text).spelling == spelling


def test_the_default_is_todays_rule() -> None:
    assert parse_definition(None).is_default and parse_definition("default").is_default
    assert not parse_definition("hypeauditor").is_default


@pytest.mark.parametrize(("text", "message"), [
    ("average:likes/followers", "statistic must be mean, median, pooled, got 'average'"),
    ("mean:likes+hearts/followers", "engagement parts are likes, comments, shares, saves"),
    ("mean:likes+likes/followers", "each once"),
    ("mean:likes/reach", "denominator must be followers or views, got 'reach'"),
    ("mean:likes/followers:last0", "lastN with N >= 1"),
    ("mean likes per follower", "expected STATISTIC:PARTS/DENOMINATOR"),
])
def test_bad_spellings_are_one_error_quoting_the_value(text, message) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        parse_definition(text)
    assert repr(text) in str(caught.value)


@pytest.fixture
def posts() -> pd.DataFrame:
    # account a: 100 followers, three posts (oldest first); b: 1,000 followers, two posts
    return pd.DataFrame({
        "account_id": ["a", "a", "a", "b", "b"],
        "posted_at": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03",
                                     "2024-01-01", "2024-01-02"]),
        "likes": [10.0, 20.0, 60.0, 30.0, 50.0],
        "comments": [0.0, 4.0, 2.0, 10.0, 0.0],
        "shares": [1.0, 1.0, 1.0, 0.0, 0.0],
        "views": [100.0, 400.0, 200.0, 1000.0, 500.0],
        "followers": [100.0, 100.0, 100.0, 1000.0, 1000.0],
    })


def _rates(posts, text):
    return post_rates(posts, text).set_index("account_id")["rate"].round(6).to_dict()


def test_each_part_of_a_definition_against_hand_computed_rates(posts) -> None:
    assert _rates(posts, "mean:likes/followers:all") == {"a": 0.3, "b": 0.04}
    assert _rates(posts, "median:likes/followers:all") == {"a": 0.2, "b": 0.04}
    assert _rates(posts, "mean:likes+comments/followers:all") == {"a": 0.32, "b": 0.045}
    assert _rates(posts, "mean:likes+comments+shares/followers:all") == {"a": 0.33, "b": 0.045}
    # per view: per-post rates 0.1, 0.05, 0.3 (a) and 0.03, 0.1 (b)
    assert _rates(posts, "mean:likes/views:all") == {"a": 0.15, "b": 0.065}
    # pooled per view: a ratio of sums, 90 / 700 and 80 / 1500
    assert _rates(posts, "pooled:likes/views:all") == {"a": round(90 / 700, 6),
                                                       "b": round(80 / 1500, 6)}
    # the latest two posts of a (Jan 2 and 3): likes 20 and 60
    assert _rates(posts, "mean:likes/followers:last2") == {"a": 0.4, "b": 0.04}
    out = post_rates(posts, "mean:likes/followers:last2")
    assert out["n_posts"].tolist() == [2, 2]
    assert (out["engagements"] == out["rate"] * out["followers"]).all()


def test_followers_come_from_the_account_table_when_given(posts) -> None:
    out = post_rates(posts, "mean:likes/followers:all", followers=pd.Series([200.0], index=["a"]))
    assert out.set_index("account_id")["rate"]["a"] == pytest.approx(0.15)
    assert np.isnan(out.set_index("account_id")["rate"].get("b", np.nan))


def test_a_part_the_posts_lack_is_an_error_not_a_zero(posts) -> None:
    with pytest.raises(DataError, match="needs a posts column 'saves'"):
        post_rates(posts, "mean:likes+saves/followers:all")
    with pytest.raises(DataError, match="needs post dates"):
        post_rates(posts.drop(columns="posted_at"), "mean:likes/followers:last3")


def test_account_tables_answer_what_their_averages_allow() -> None:
    a = pd.DataFrame({"followers": [100.0, 1000.0], "avg_likes": [8.0, 20.0],
                      "avg_comments": [2.0, np.nan], "median_likes": [5.0, 10.0],
                      "avg_views": [50.0, 400.0]})
    assert account_rates(a, "mean:likes+comments/followers:all").tolist() == [0.1, 0.02]
    assert account_rates(a, "median:likes/followers:all").tolist() == [0.05, 0.01]
    assert account_rates(a, "mean:likes/views:all").tolist() == [0.16, 0.05]
    with pytest.raises(DataError, match="needs a posts table"):
        account_rates(a, "hypeauditor")
    with pytest.raises(DataError, match="median_comments"):
        account_rates(a, "median:likes+comments/followers:all")


def test_the_grid_lists_what_the_columns_allow() -> None:
    with_views = definition_grid(["likes", "comments", "views", "shares"], posts=True)
    assert len(with_views) == 2 * 3 * 2 * 2  # statistic x parts x denominator x window
    assert len({d.spelling for d in with_views}) == len(with_views)
    likes_only = definition_grid(["likes"], posts=True)
    assert {d.parts for d in likes_only} == {("likes",)}
    assert {d.per for d in likes_only} == {"followers"}
    accounts = definition_grid(["avg_likes", "avg_comments", "avg_views"], posts=False)
    assert [d.spelling for d in accounts] == [
        "mean:likes/followers:all", "mean:likes/views:all",
        "mean:likes+comments/followers:all", "mean:likes+comments/views:all"]
