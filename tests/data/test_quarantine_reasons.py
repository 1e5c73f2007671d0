"""Bad rows are quarantined with a reason each (ragged lines with their line number, JSON that is not a
value, integers beyond 64 bits, duplicates across files), and a quarantine file is never
overwritten.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from inflresearch.cli import main
from inflresearch.data.aggregate import aggregate_posts
from inflresearch.data.load import read_table

INFLUENCERS = "account_id,followers,avg_likes\nann,1000,40\nbob,,10\ncy,500,20\n"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_validate_never_overwrites_a_quarantine_file(tmp_path: Path, capsys) -> None:
    export = tmp_path / "export.csv"
    export.write_text(INFLUENCERS, encoding="utf-8")
    qdir = tmp_path / "q"
    qdir.mkdir()
    bystander = qdir / "quarantine-influencers.csv"  # an input that happens to have this name
    bystander.write_text("precious,data\n1,2\n", encoding="utf-8")
    before = sha(bystander)
    args = ["validate", str(export), "--table", "influencers", "--quarantine-dir", str(qdir)]
    assert main(args) == 0
    first = qdir / "quarantine-influencers-2.csv"
    assert f"-> {first}" in capsys.readouterr().out
    assert main(args) == 0  # a second check keeps the first one's file
    second = qdir / "quarantine-influencers-3.csv"
    assert f"-> {second}" in capsys.readouterr().out
    assert sha(bystander) == before
    assert pd.read_csv(first)["reason"].tolist() == ["missing followers"]
    assert pd.read_csv(second).equals(pd.read_csv(first))


def test_a_json_object_or_list_in_a_numeric_column_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    rows = [{"account_id": "a", "post_id": "1", "likes": 5},
            {"account_id": "a", "post_id": "2", "likes": {"n": 5}},
            {"account_id": "a", "post_id": "3", "likes": [1, 2]}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    res = read_table(path, "posts")
    assert res.data["post_id"].tolist() == ["1"]
    assert res.quarantined["reason"].tolist() == ["unparsable number in likes"] * 2
    assert main(["validate", str(path), "--table", "posts"]) == 0


def test_a_json_integer_beyond_64_bits_quarantines_its_row(tmp_path: Path) -> None:
    path = tmp_path / "posts.json"
    path.write_text(
        '[{"account_id": "a", "post_id": 18446744073709551617, "likes": 3},'
        ' {"account_id": "a", "post_id": 2, "likes": 18446744073709551616},'
        ' {"account_id": "a", "post_id": 3, "likes": 4}]',
        encoding="utf-8",
    )
    res = read_table(path, "posts")
    assert res.data["post_id"].tolist() == ["18446744073709551617", "3"]  # exact, as text
    assert res.quarantined[["source_row", "reason"]].values.tolist() == [
        [2, "unparsable number in likes"]]


def test_a_ragged_line_is_quarantined_with_its_line_number(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "account_id,followers,avg_likes\na,1000,40\nb,2000,30\nc,3000,20\nd,4000,10\n"
        "2,000,40,3\ne,5000,50\n",
        encoding="utf-8",
    )
    res = read_table(path, "influencers")
    assert res.data["account_id"].tolist() == ["a", "b", "c", "d", "e"]
    q = res.quarantined
    assert q["reason"].tolist() == ["malformed line (line 6: 4 fields, expected 3)"]
    assert q["source_row"].tolist() == [5] and q["raw_line"].tolist() == ["2,000,40,3"]
    assert res.source_rows.tolist() == [1, 2, 3, 4, 6]
    assert res.summary() == "kept 5 of 6 rows; 1 quarantined: 1 malformed line"


def test_the_ragged_line_number_counts_quoted_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text(
        'account_id,post_id,likes,caption\na,1,5,"two\nlines"\na,2,6,x,oops\na,3,7,ok\n',
        encoding="utf-8",
    )
    res = read_table(path, "posts")
    assert res.data["post_id"].tolist() == ["1", "3"]
    assert res.data["caption"].tolist() == ["two\nlines", "ok"]
    assert res.quarantined["reason"].tolist() == ["malformed line (line 4: 5 fields, expected 4)"]


def test_a_bad_json_line_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_text('{"account_id": "a", "post_id": "1", "likes": 5}\n{"account_id": "a", \n'
                    '{"account_id": "a", "post_id": "3", "likes": 7}\n', encoding="utf-8")
    res = read_table(path, "posts")
    assert res.data["post_id"].tolist() == ["1", "3"]
    assert res.quarantined["reason"].str.startswith("malformed line (line 2: not JSON").all()


def test_duplicates_across_files_are_counted_once(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "a.csv").write_text("account_id,post_id,likes\nx,1,5\nx,2,6\n", encoding="utf-8")
    (folder / "b.csv").write_text("account_id,post_id,likes\nx,2,6\nx,3,7\nx,3,7\n",
                                  encoding="utf-8")
    res = read_table(folder, "posts")
    assert res.data["post_id"].tolist() == ["1", "2", "3"]
    assert res.row_files.tolist() == ["a.csv", "a.csv", "b.csv"]
    assert res.quarantined[["source_file", "source_row", "reason"]].values.tolist() == [
        ["b.csv", 1, "duplicate post_id (first seen in 'a.csv', row 2)"],
        ["b.csv", 3, "duplicate post_id (first seen in 'b.csv', row 2)"],
    ]
    assert res.summary() == "kept 3 of 5 rows; 2 quarantined: 2 duplicate post_id"
    same = read_table([folder / "a.csv", folder / "b.csv"], "posts")
    assert same.summary() == res.summary()
    assert main(["validate", str(folder), "--table", "posts"]) == 0
    assert "2 duplicate post_id" in capsys.readouterr().out


def test_duplicate_accounts_within_influencers_are_counted_once(tmp_path: Path) -> None:
    (tmp_path / "june.csv").write_text("account_id,followers\nann,10\nbob,20\n", encoding="utf-8")
    (tmp_path / "july.csv").write_text("account_id,followers\nbob,25\ncy,30\n", encoding="utf-8")
    res = read_table([tmp_path / "june.csv", tmp_path / "july.csv"], "influencers")
    assert res.data.set_index("account_id")["followers"].to_dict() == {
        "ann": 10.0, "bob": 20.0, "cy": 30.0}
    assert res.quarantined["reason"].tolist() == [
        "duplicate account_id (first seen in 'june.csv', row 2)"]


TIKTOK = [f"sug_users_vids{i}.csv" for i in range(1, 5)] + ["top_users_vids.csv"]


def test_real_tiktok_2020_files_share_video_ids_counted_once(
    real_data: Path, tmp_path: Path
) -> None:
    """The five TikTok 2020 scrapes: 54,261 rows, 70 with 0 followers; of the 54,191 good rows
    4,137 repeat a video of an earlier file, so 50,054 posts remain."""
    paths = [real_data / "tiktok_famous_2020" / name for name in TIKTOK]
    res = read_table(paths, "posts", platform="tiktok")
    assert res.summary() == ("kept 50,054 of 54,261 rows; 4,207 quarantined: "
                             "4,137 duplicate post_id, 70 followers <= 0; preset tiktok2020-videos")
    assert res.data["post_id"].is_unique
    # aggregate, given the same files as contract tables, counts each video once too
    for path in paths:
        table = read_table(path, "posts", platform="tiktok").data
        table.to_parquet(tmp_path / f"{path.stem}.parquet")
    agg = aggregate_posts(tmp_path)
    assert agg.n_rows == 54_191 and int(agg.accounts["n_posts"].sum()) == 50_054
    assert agg.summary().endswith("4,137 quarantined: 4,137 duplicate post_id")
