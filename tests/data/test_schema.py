"""The pandera schemas: built from the contract, one named check per quarantine reason."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from inflresearch.data.contract import CONTRACTS, TABLES
from inflresearch.data.schema import KEYS, failing_rows, schema_for, validate
from inflresearch.errors import DataError

README = Path(__file__).resolve().parents[2] / "data" / "README.md"


def influencers(**cols: object) -> pd.DataFrame:
    base: dict[str, object] = {
        "account_id": pd.Series(["a", "b", "c"], dtype="str"),
        "platform": pd.Series(["instagram"] * 3, dtype="str"),
        "followers": [100.0, 2000.0, 30000.0],
    }
    base.update(cols)
    return pd.DataFrame(base)


@pytest.mark.parametrize("table", TABLES)
def test_schema_follows_the_contract(table: str) -> None:
    schema = schema_for(table)
    assert list(schema.columns) == [c.name for c in CONTRACTS[table]]
    for spec in CONTRACTS[table]:
        assert schema.columns[spec.name].required == (
            spec.required or (table, spec.name) == ("campaigns", "activation_id")
        )
    assert schema.unique == KEYS[table]


@pytest.mark.parametrize("table", TABLES)
def test_simulated_world_satisfies_its_contract(small_world, table: str) -> None:
    frame = small_world.tables()[table]
    assert validate(frame, table) is frame
    assert failing_rows(frame, table, keys=True).empty


@pytest.mark.parametrize(
    ("cols", "reason"),
    [
        ({"followers": [100.0, np.nan, 5.0]}, "missing followers"),
        ({"followers": [100.0, 0.0, 5.0]}, "followers <= 0"),
        ({"avg_likes": [1.0, -1.0, 2.0]}, "negative count in avg_likes"),
        ({"price_per_post": [1.0, -1.0, 2.0]}, "negative count in price_per_post"),
        ({"engagement_rate": [0.1, 1.5, 0.2]}, "rate outside [0, 1]"),
        ({"engagement_rate": [0.1, -0.01, 0.2]}, "rate outside [0, 1]"),
        ({"avg_likes": [1.0, 100_001.0, 2.0]}, "likes > 50x followers"),
        ({"account_id": pd.Series(["a", None, "c"], dtype="str")}, "missing account_id"),
    ],
)
def test_each_row_check_reports_its_reason(cols: dict[str, object], reason: str) -> None:
    assert failing_rows(influencers(**cols), "influencers").to_dict() == {1: reason}


def test_likes_exactly_50x_followers_pass() -> None:
    assert failing_rows(influencers(avg_likes=[5000.0, 100_000.0, 0.0]), "influencers").empty


def test_several_reasons_in_fixed_order() -> None:
    df = influencers(followers=[100.0, -1.0, 5.0], avg_likes=[1.0, -3.0, 2.0],
                     engagement_rate=[0.1, 2.0, 0.1])
    assert failing_rows(df, "influencers")[1] == (
        "followers <= 0; negative count in avg_likes; rate outside [0, 1]"
    )


def test_duplicate_keys_keep_the_first_and_use_platform() -> None:
    df = influencers(account_id=pd.Series(["a", "a", "a"], dtype="str"),
                     platform=pd.Series(["instagram", "instagram", "tiktok"], dtype="str"))
    assert failing_rows(df, "influencers", rows=False, keys=True).to_dict() == {1: "duplicate key"}


def test_campaign_rules(small_world) -> None:
    camp = small_world.campaigns.head(6).copy()
    camp.loc[0, "channel"] = "tv"
    camp.loc[1, "account_id"] = None  # influencer activation without an account
    trad = small_world.campaigns[small_world.campaigns["channel"] == "traditional"].head(1)
    assert trad["account_id"].isna().all() and trad["followers"].isna().all()
    frame = pd.concat([camp, trad], ignore_index=True)
    assert failing_rows(frame, "campaigns").to_dict() == {
        0: "unknown channel", 1: "missing account_id"
    }


def test_posts_likes_over_50x_followers(small_world) -> None:
    posts = small_world.posts.head(3).copy()
    posts.loc[2, "likes"] = posts.loc[2, "followers"] * 51
    assert failing_rows(posts, "posts").to_dict() == {2: "likes > 50x followers"}


def test_validate_raises_one_clear_error() -> None:
    with pytest.raises(DataError, match=r"2 row\(s\) break the influencers contract"):
        validate(influencers(followers=[0.0, -1.0, 5.0]), "influencers")
    with pytest.raises(DataError, match="column 'followers': required column"):
        validate(influencers().drop(columns="followers"), "influencers")
    with pytest.raises(DataError, match="wrong type"):
        validate(influencers(followers=["1", "2", "3"]), "influencers")


@pytest.mark.parametrize("table", TABLES)
def test_data_readme_dictionary_matches_the_contract(table: str) -> None:
    """data/README.md lists every contract column with its type word and required flag."""
    text = README.read_text(encoding="utf-8")
    section = text.split(f"### Table: {table}", 1)[1].split("###", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| (\w+)[^|]*\|[^|]*\| (yes|no) \|", section, flags=re.M)
    assert rows == [(c.name, c.kind, "yes" if c.required else "no") for c in CONTRACTS[table]]
