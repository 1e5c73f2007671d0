"""The mapping file (one YAML format) in every entry point, the visible mapping of `validate`, and
column-level problems (a mostly unparsable column is named, not a reason to quarantine rows)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from inflresearch.cli import main
from inflresearch.data.column_report import suspicious_picks
from inflresearch.data.load import read_table
from inflresearch.data.mapping import parse_mapping
from inflresearch.data.mapping_file import read_mapping
from inflresearch.errors import DataError
from inflresearch.params import coerce_column_map
from inflresearch.questions.engagement.notebook import notebook_params

POSTS = (
    "Creator,Shortcode,Hearts,Replies,When\n"
    "ann,p1,10,1,2024-01-01T10:00:00Z\nann,p2,30,3,2024-01-08T10:00:00Z\nbob,p3,5,0,2024-01-02T00:00:00Z\n"
)
MAPPING = (
    "table: posts\nplatform: tiktok\ncolumns:\n  Creator: account_id\n  Shortcode: post_id\n"
    "  Hearts: likes\n  Replies: comments\n  When: posted_at\nnotes:\n  - a test export\n"
)


@pytest.fixture()
def files(tmp_path: Path) -> tuple[Path, Path]:
    posts, mapping = tmp_path / "posts.csv", tmp_path / "posts-mapping.yml"
    posts.write_text(POSTS, encoding="utf-8")
    mapping.write_text(MAPPING, encoding="utf-8")
    return posts, mapping


EXPECTED = {"account_id": "Creator", "post_id": "Shortcode", "posted_at": "When", "likes": "Hearts",
            "comments": "Replies"}


def test_one_mapping_file_in_validate_aggregate_and_notebooks(files, tmp_path: Path, capsys) -> None:
    posts, mapping = files
    # validate --mapping: the table and the platform come from the file
    assert main(["validate", str(posts), "--mapping", str(mapping)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{posts} (posts): kept 3 of 3 rows; none quarantined"
    assert out[1] == f"mapping: {mapping}" and out[2] == "  note: a test export"
    assert "  'Hearts' -> likes: 10, 30" in out and "  'Creator' -> account_id: 'ann', 'ann'" in out
    assert "  (not in the file) -> platform: 'tiktok'" in out and out[-1] == "usable"
    # aggregate --mapping: the same columns
    target = tmp_path / "accounts.csv"
    assert main(["aggregate", str(posts), "--mapping", str(mapping), "--out", str(target)]) == 0
    accounts = pd.read_csv(target).set_index("account_id")
    assert accounts.loc["ann", "n_posts"] == 2 and accounts.loc["ann", "avg_likes"] == 20
    assert accounts.loc["ann", "engagements"] == 22 and accounts.loc["bob", "avg_comments"] == 0
    # notebooks and `run -p columns FILE`: the columns parameter takes the path
    columns = coerce_column_map(str(mapping), "post_columns", table="posts")
    assert {v: k for k, v in columns.items()} == EXPECTED
    assert notebook_params(data=None, posts=str(posts), post_columns=str(mapping),
                           run_dir=str(tmp_path / "run")).post_columns == columns
    with pytest.raises(ValueError, match="parameter 'columns': .*a mapping for the posts table, used for influencers"):
        notebook_params(data=str(posts), columns=str(mapping), run_dir=str(tmp_path / "run"))
    loaded = read_table(posts, "posts", columns=columns)
    assert loaded.columns == EXPECTED
    # the same data as in the aggregation
    assert loaded.data.groupby("account_id")["likes"].mean().to_dict() == {"ann": 20.0, "bob": 5.0}


def test_aggregate_without_the_mapping_refuses_the_export(files, tmp_path: Path, capsys) -> None:
    posts, _ = files
    assert main(["aggregate", str(posts), "--out", str(tmp_path / "a.csv")]) == 2
    assert "missing required column(s) account_id, post_id, likes" in capsys.readouterr().err


def test_column_options_add_to_the_mapping_file(files, capsys) -> None:
    posts, mapping = files
    assert main(["validate", str(posts), "--mapping", str(mapping), "--column", "Replies="]) == 0
    out = capsys.readouterr().out
    assert "'Replies' -> (left out)" in out and "-> comments" not in out
    assert main(["validate", str(posts), "--mapping", str(mapping), "--table", "influencers"]) == 2
    assert "is for the posts table, not influencers" in capsys.readouterr().err


def test_validate_needs_a_table_when_no_contract_fits(tmp_path, capsys) -> None:
    """Without --table, --mapping or a preset the table is guessed as `analyze` guesses it; a
    file that meets no contract still needs --table."""
    odd = tmp_path / "odd.csv"
    odd.write_text("colour,size\nred,3\n")
    assert main(["validate", str(odd)]) == 2
    assert "--table is required" in capsys.readouterr().err


@pytest.mark.parametrize(("text", "message"), [
    ("- a\n- b\n", "a mapping file is a YAML mapping with 'columns:'"),
    ("table: posts\n", "no 'columns:' entry"),
    ("table: post\ncolumns: {}\n", "table must be one of influencers, posts, campaigns; got 'post'"),
    ("columns: {a: b}\ntabel: posts\n", "unknown key 'tabel'"),
    ("table: posts\ncolumns: {Hearts: hearts}\n", "column 'hearts': not a column of the posts contract"),
    ("columns: {Hearts: [likes]}\n", "column 'Hearts': target must be a contract column name or null"),
    ("columns: [a, b]\n", "'columns:' must map source headers to contract columns"),
    ("columns: {a: likes}\nnotes: one\n", "notes must be a list of text lines"),
    ("columns: {a: b\n", "not a readable YAML file"),
])  # fmt: skip
def test_bad_mapping_files_name_the_file_and_the_problem(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"bad\.yml") as info:
        read_mapping(path)
    assert message in str(info.value)
    with pytest.raises(ValueError, match=r"^parameter 'columns': .*bad\.yml"):
        coerce_column_map(str(path))
    with pytest.raises(ValueError, match="no such mapping file"):
        coerce_column_map(str(tmp_path / "missing.yml"))


def test_a_mapping_for_another_table_is_refused(files) -> None:
    _, mapping = files
    with pytest.raises(ValueError, match="a mapping for the posts table, used for influencers"):
        coerce_column_map(str(mapping), table="influencers")
    assert parse_mapping({"columns": {"a": None}}, "inline").for_table("campaigns") == {"a": None}


# --- column-level problems and suspicious picks -------------------------------------------------


def _accounts(n: int, views: list[str], followers: list[str] | None = None) -> pd.DataFrame:
    return pd.DataFrame({
        "handle": [f"user{i}" for i in range(n)],
        "followers": followers or [str(1000 + i) for i in range(n)],
        "avg likes": ["10"] * n,
        "views avg": views,
    })


def test_a_mostly_unparsable_column_is_left_out_not_its_rows() -> None:
    views = ["Spain", "India", "Peru"] * 9 + ["5k", "6k", "7k"]  # 27 of 30 are countries
    res = read_table(_accounts(30, views), "influencers")
    assert len(res.data) == 30 and res.quarantined.empty
    assert "avg_views" not in res.data and res.left_out == ["views avg"]
    assert res.warnings == [
        "27 of 30 values in 'views avg' (-> avg_views) are not numbers (e.g. 'Spain', 'India', "
        "'Peru'): the column looks mislabelled and is left out of the table "
        "(columns={'views avg': None} says so and silences this)"
    ]
    silenced = read_table(_accounts(30, views), "influencers", columns={"views avg": None})
    assert silenced.warnings == [] and silenced.left_out == ["views avg"]
    assert res.summary().startswith("kept 30 of 30 rows; none quarantined; warning: 27 of 30 values")


def test_a_mostly_unparsable_required_column_refuses_the_file() -> None:
    followers = ["lots"] * 25 + ["10"] * 5
    with pytest.raises(DataError) as info:
        read_table(_accounts(30, ["1"] * 30, followers), "influencers")
    message = str(info.value)
    assert "column 'followers': 25 of 30 values in 'followers' (-> followers) are not numbers" in message
    assert "(e.g. 'lots')" in message and "looks mislabelled" in message


def test_a_partly_unparsable_column_warns_and_quarantines_those_rows() -> None:
    views = ["Spain"] * 6 + ["5k"] * 24  # 20%: rows are quarantined, and the user is told
    res = read_table(_accounts(30, views), "influencers")
    assert len(res.quarantined) == 6 and len(res.data) == 24
    assert res.warnings == ["6 of 30 values in 'views avg' (-> avg_views) are not numbers (e.g. "
                            "'Spain'); those rows are quarantined"]


def test_few_values_stay_row_problems() -> None:
    """Below 20 values a bad value is a row problem: quarantined with its reason, no warning."""
    with pytest.raises(DataError, match="no usable rows: all 10 influencers rows quarantined"):
        read_table(_accounts(10, ["1"] * 10, ["lots"] * 10), "influencers")
    res = read_table(_accounts(10, ["Spain"] * 9 + ["1"]), "influencers")
    assert len(res.quarantined) == 9 and res.warnings == []


def test_validate_names_the_mislabelled_column_of_the_real_export(real_data: Path, capsys) -> None:
    """instagram_2022-06 holds countries under "Views avg."; with a hand mapping (no preset) that
    column used to send 1,007 of its 1,022 rows to quarantine while validate reported success."""
    path = real_data / "hypeauditor_top1000_2022" / "instagram_2022-06.csv"
    code = main(["validate", str(path), "--table", "influencers", "--column", "instagram name=account_id"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0].startswith(f"{path} (influencers): kept 979 of 1,022 rows; 43 quarantined: 43 duplicate account_id")
    warning = next(line for line in out if line.startswith("warning: "))
    assert "1,006 of 1,022 values in 'Views avg.' (-> avg_views) are not numbers" in warning
    assert "(e.g. 'Spain', 'Indonesia', 'Russia')" in warning and "left out" in warning
    assert "  'Views avg.' -> (left out)" in out
    assert out[-1] == "usable, with 1 warning: check the mapping"


def test_validate_shows_the_preset_and_its_notes(real_data: Path, capsys) -> None:
    path = real_data / "hypeauditor_top1000_2022" / "instagram_2022-12.csv"
    assert main(["validate", str(path)]) == 0  # the table comes from the detected preset
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "preset: hypeauditor-instagram-2022-12 (HypeAuditor top-1000 Instagram, December 2022)"
    assert any("audience country" in line for line in out if line.startswith("  note: "))
    assert "  'name' -> account_id: 'leomessi', 'cristiano'" in out
    assert "  'followers' -> followers: 409,800,000, 523,000,000" in out
    assert "  'country' -> (left out)" in out and out[-1] == "usable"


def test_display_names_as_ids_and_audience_country_are_flagged(real_data: Path, capsys) -> None:
    path = real_data / "hypeauditor_top1000_2022" / "instagram_2022-12.csv"
    res = read_table(path, "influencers", columns={"instagram name": "account_id"})
    assert suspicious_picks(res) == [
        "account_id comes from 'instagram name', whose values have spaces or emoji (e.g. 'Leo Messi', "
        "'Cristiano Ronaldo'), while column 'name' looks like handles (e.g. 'leomessi', 'cristiano'); "
        "map it with columns={'name': 'account_id'}"
    ]
    sep = real_data / "hypeauditor_top1000_2022" / "instagram_2022-09.csv"
    assert main(["validate", str(sep), "--table", "influencers", "--column", "Audience country=country"]) == 0
    out = capsys.readouterr().out
    assert "warning: country comes from 'Audience country': an audience country is not the creator's" in out


def test_handles_are_not_flagged() -> None:
    frame = pd.DataFrame({"handle": [f"u{i}" for i in range(30)], "name": [f"U {i}" for i in range(30)],
                          "followers": np.arange(1, 31).astype(str)})
    assert suspicious_picks(read_table(frame, "influencers")) == []


def test_notebook_03_takes_mapping_files_per_table(tmp_path: Path) -> None:
    from inflresearch.questions.roi.notebook import notebook_params as roi_params

    campaigns = tmp_path / "campaigns.yml"
    campaigns.write_text("table: campaigns\ncolumns: {Spend: cost, Kind: channel}\n", encoding="utf-8")
    people = tmp_path / "people.yml"
    people.write_text("table: influencers\ncolumns: {Fans: followers}\n", encoding="utf-8")
    run = str(tmp_path / "run")
    assert roi_params(columns=str(campaigns), run_dir=run).columns == {
        "campaigns": {"Spend": "cost", "Kind": "channel"}}
    both = roi_params(columns={"campaigns": str(campaigns), "influencers": str(people)}, run_dir=run)
    assert both.columns == {"campaigns": {"Spend": "cost", "Kind": "channel"},
                            "influencers": {"Fans": "followers"}}
    with pytest.raises(ValueError, match="parameter 'columns.influencers': .*a mapping for the campaigns table"):
        roi_params(columns={"influencers": str(campaigns)}, run_dir=run)
    posts = tmp_path / "posts.yml"
    posts.write_text("table: posts\ncolumns: {Hearts: likes}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="maps a posts table; notebook 03 reads campaigns and influencers"):
        roi_params(columns=str(posts), run_dir=run)


def test_a_mapping_file_can_start_from_a_preset(tmp_path: Path) -> None:
    """An edited HypeAuditor export (a column added) matches no preset; `preset:` reuses it."""
    frame = pd.DataFrame({
        "Rank": ["1", "2"], "name": ["leomessi", "cristiano"], "instagram name": ["Leo Messi", "CR"],
        "Category_1": ["Sports", "Sports"], "Category_2": ["", ""], "followers": ["409.8M", "523M"],
        "followers ": ["1", "1"], "country": ["Argentina", "India"], "Eng. (Auth.)": ["1", "1"],
        "Eng. (Auth.) ": ["1", "1"], "Eng. (Avg.)": ["23.4M", "14.7M"], "Eng. (Avg.) ": ["1", "1"],
        "my note": ["a", "b"],
    })
    path = tmp_path / "edited.yml"
    path.write_text("preset: hypeauditor-instagram-2022-12\ncolumns:\n  Category_2: niche\n", encoding="utf-8")
    mapping = read_mapping(path)
    assert mapping.table == "influencers" and mapping.platform == "instagram"
    assert mapping.columns["Category_2"] == "niche" and "category_1" not in mapping.columns
    assert mapping.columns["name"] == "account_id" and mapping.columns["country"] is None
    assert any("audience country" in n for n in mapping.notes)
    res = read_table(frame, "influencers", columns=mapping.columns, platform=mapping.platform)
    assert res.data["account_id"].tolist() == ["leomessi", "cristiano"] and "country" not in res.columns
    path.write_text("preset: nope\ncolumns: {}\n", encoding="utf-8")
    with pytest.raises(DataError, match="no preset 'nope'; known: "):
        read_mapping(path)
