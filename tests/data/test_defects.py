"""Regression tests of the loader, aggregate and CLI defects found by the adversarial run.

Each test is named after its defect (issue 10: ``defectNN``; issue 13: ``issue13_...``) and failed
before the fix.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

from inflresearch.cli import main
from inflresearch.data.aggregate import aggregate_posts, write_accounts
from inflresearch.data.load import read_table
from inflresearch.errors import DataError

INFLUENCERS = "account_id,followers,avg_likes\nann,1000,40\nbob,,10\ncy,500,20\n"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    return err


# --- issue 10 ----------------------------------------------------------------------------------


def test_defect04_validate_quarantine_never_overwrites(tmp_path: Path, capsys) -> None:
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


def _posts_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "account_id": ["a", "a", "a", "b", "b", "c"],
        "post_id": ["1", "2", "3", "4", "5", "6"],
        "likes": [10.0, -5.0, 30.0, 7.0, 9.0, 4.0],
        "comments": [1.0, 1.0, 1.0, 1.0, 1.0, -2.0],
        "followers": [100.0, 100.0, 100.0, 0.0, 0.0, 50.0],
    })


def test_defect05_aggregate_quarantines_negative_likes_and_zero_followers(
    tmp_path: Path, capsys
) -> None:
    posts = _posts_frame()
    path = tmp_path / "posts.csv"
    posts.to_csv(path, index=False)
    res = aggregate_posts(path)
    # the loaders' verdict on the same rows is the aggregate's
    loaded = read_table(path, "posts")
    want = loaded.quarantined.set_index("post_id")["reason"].sort_index()
    got = res.quarantined.set_index("post_id")["reason"].sort_index()
    pd.testing.assert_series_equal(got, want)
    assert got.to_dict() == {"2": "negative count in likes", "4": "followers <= 0",
                             "5": "followers <= 0", "6": "negative count in comments"}
    acc = res.accounts.set_index("account_id")
    assert list(acc.index) == ["a"]
    assert acc.loc["a", "avg_likes"] == 20.0 and acc.loc["a", "engagement_rate"] == 42 / 200
    assert (res.accounts[["avg_likes", "engagement_rate"]] >= 0).all().all()
    assert res.n_rows == 6 == int(res.accounts["n_posts"].sum()) + len(res.quarantined)
    assert res.summary().endswith("4 quarantined: 2 followers <= 0, 1 negative count in comments, "
                                  "1 negative count in likes")
    # the CLI writes them with the loaders' quarantine writer, source_file first
    out = tmp_path / "acc.parquet"
    assert main(["aggregate", str(path), "--out", str(out)]) == 0
    assert "4 quarantined" in capsys.readouterr().out
    written = pd.read_csv(tmp_path / "quarantine-posts.csv", dtype=str)
    assert written.columns[0] == "source_file" and written.columns[-1] == "reason"
    assert set(written["source_file"]) == {str(path)}
    assert sorted(written["reason"]) == sorted(want)


def test_defect06_aggregate_counts_duplicate_post_ids_once(tmp_path: Path) -> None:
    posts = pd.DataFrame({
        "account_id": ["a"] * 4, "post_id": ["1", "2", "3", "4"],
        "posted_at": pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22"]),
        "likes": [10.0, 20.0, 30.0, 40.0],
    })
    posts.iloc[:3].to_parquet(tmp_path / "a.parquet")
    posts.iloc[1:].to_parquet(tmp_path / "b.parquet")  # posts 2 and 3 again
    res = aggregate_posts(tmp_path)
    acc = res.accounts.iloc[0]
    assert acc["n_posts"] == 4 and acc["avg_likes"] == 25.0
    assert acc["posts_per_week"] == pytest.approx(1.0)  # not doubled
    q = res.quarantined
    assert q["post_id"].tolist() == ["2", "3"]
    assert set(q["source_file"]) == {str(tmp_path / "b.parquet")}
    assert set(q["reason"]) == {"duplicate post_id (first seen in 'a.parquet')"}
    assert res.n_rows == 6 and "2 quarantined: 2 duplicate post_id" in res.summary()


def test_defect09_json_object_or_list_in_numeric_column_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    rows = [{"account_id": "a", "post_id": "1", "likes": 5},
            {"account_id": "a", "post_id": "2", "likes": {"n": 5}},
            {"account_id": "a", "post_id": "3", "likes": [1, 2]}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    res = read_table(path, "posts")
    assert res.data["post_id"].tolist() == ["1"]
    assert res.quarantined["reason"].tolist() == ["unparsable number in likes"] * 2
    assert main(["validate", str(path), "--table", "posts"]) == 0


def test_defect12_unreadable_folder_is_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    locked = tmp_path / "locked" / "export.csv"
    real_stat = Path.stat

    def stat(self: Path, *args, **kwargs):  # what the OS answers inside a folder without x-bit
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", stat)
    assert main(["validate", str(locked), "--table", "influencers"]) == 2
    assert "Permission denied" in one_line_error(capsys)


def test_defect12_outputs_under_files_are_one_line(tmp_path: Path, capsys) -> None:
    export = tmp_path / "export.csv"
    export.write_text(INFLUENCERS, encoding="utf-8")
    a_file = tmp_path / "a_file"
    a_file.write_text("x", encoding="utf-8")
    assert main(["validate", str(export), "--table", "influencers",
                 "--quarantine-dir", str(a_file)]) == 2
    assert "a_file" in one_line_error(capsys)
    assert main(["simulate", "--n-influencers", "20", "--out", str(a_file)]) == 2
    assert "--out names a folder" in one_line_error(capsys)
    posts = tmp_path / "posts.csv"
    _posts_frame().to_csv(posts, index=False)
    assert main(["aggregate", str(posts), "--out", str(a_file / "acc.parquet")]) == 2
    assert "a_file" in one_line_error(capsys)
    assert a_file.read_text(encoding="utf-8") == "x"


def test_defect15_quoted_values_are_shortened(tmp_path: Path, capsys) -> None:
    huge = "h" * 1_000_000
    path = tmp_path / "wide.csv"
    path.write_text(f"account_id,{huge}\na,1\n", encoding="utf-8")
    assert main(["validate", str(path), "--table", "influencers"]) == 2
    err = one_line_error(capsys)
    assert len(err) < 1000 and "(1,000,002 characters)" in err
    assert main(["validate", str(path), "--table", "influencers", "--column", huge]) == 2
    assert len(one_line_error(capsys)) < 1000
    bad = tmp_path / "bad.csv"
    bad.write_text(f"account_id,followers\na,{huge}\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_table(bad, "influencers")
    assert len(str(info.value)) < 1000


def _validate_in_child(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "inflresearch.cli", "validate", str(path), "--table", "posts"],
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_defect16_fifo_and_device_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    proc = _validate_in_child(fifo)  # used to wait for a writer for ever
    assert proc.returncode == 2 and "not a regular file" in proc.stderr
    if Path("/dev/zero").exists():
        zero = tmp_path / "zero.csv"
        zero.symlink_to("/dev/zero")
        proc = _validate_in_child(zero)  # used to read until memory ran out
        assert proc.returncode == 2 and "not a regular file" in proc.stderr
    with pytest.raises(DataError, match="not a regular file"):
        aggregate_posts(fifo)


def test_defect18_concurrent_aggregate_outputs_one_wins(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "acc.parquet"
    both_checked = threading.Barrier(2, timeout=30)
    real = pd.DataFrame.to_parquet

    def slow_to_parquet(self: pd.DataFrame, path, *args, **kwargs):
        both_checked.wait()  # both runs have seen that `out` does not exist
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", slow_to_parquet)
    outcomes: dict[int, object] = {}

    def run(k: int) -> None:
        try:
            outcomes[k] = write_accounts(pd.DataFrame({"run": [k]}), out)
        except DataError as exc:
            outcomes[k] = exc

    threads = [threading.Thread(target=run, args=(k,)) for k in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    won = [k for k, v in outcomes.items() if v == out]
    lost = [v for v in outcomes.values() if isinstance(v, DataError)]
    assert len(won) == 1 and len(lost) == 1 and "output exists" in str(lost[0])
    assert pd.read_parquet(out)["run"].tolist() == won
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acc.parquet"]  # no temp file left


def test_defect19_aggregate_takes_names_with_brackets(tmp_path: Path) -> None:
    posts = _posts_frame().iloc[:3].assign(likes=[1.0, 2.0, 3.0])
    path = tmp_path / "[clk](x) posts.parquet"
    posts.to_parquet(path)
    (tmp_path / "c posts.parquet").write_bytes(b"not this one")  # what the glob would match
    res = aggregate_posts(path)
    assert res.files == (str(path),) and res.accounts["n_posts"].tolist() == [3]


def test_defect20_json_integer_beyond_64_bits_quarantines_its_row(tmp_path: Path) -> None:
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


# --- issue 13 ----------------------------------------------------------------------------------


def test_issue13_ragged_line_is_quarantined_with_its_line_number(tmp_path: Path) -> None:
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


def test_issue13_ragged_line_number_counts_quoted_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text(
        'account_id,post_id,likes,caption\na,1,5,"two\nlines"\na,2,6,x,oops\na,3,7,ok\n',
        encoding="utf-8",
    )
    res = read_table(path, "posts")
    assert res.data["post_id"].tolist() == ["1", "3"]
    assert res.data["caption"].tolist() == ["two\nlines", "ok"]
    assert res.quarantined["reason"].tolist() == ["malformed line (line 4: 5 fields, expected 4)"]


def test_issue13_bad_json_line_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_text('{"account_id": "a", "post_id": "1", "likes": 5}\n{"account_id": "a", \n'
                    '{"account_id": "a", "post_id": "3", "likes": 7}\n', encoding="utf-8")
    res = read_table(path, "posts")
    assert res.data["post_id"].tolist() == ["1", "3"]
    assert res.quarantined["reason"].str.startswith("malformed line (line 2: not JSON").all()


def test_issue13_duplicates_across_files_are_counted_once(tmp_path: Path, capsys) -> None:
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


def test_issue13_duplicate_accounts_within_influencers_are_counted_once(tmp_path: Path) -> None:
    (tmp_path / "june.csv").write_text("account_id,followers\nann,10\nbob,20\n", encoding="utf-8")
    (tmp_path / "july.csv").write_text("account_id,followers\nbob,25\ncy,30\n", encoding="utf-8")
    res = read_table([tmp_path / "june.csv", tmp_path / "july.csv"], "influencers")
    assert res.data.set_index("account_id")["followers"].to_dict() == {
        "ann": 10.0, "bob": 20.0, "cy": 30.0}
    assert res.quarantined["reason"].tolist() == [
        "duplicate account_id (first seen in 'june.csv', row 2)"]


TIKTOK = [f"sug_users_vids{i}.csv" for i in range(1, 5)] + ["top_users_vids.csv"]


def test_issue13_real_tiktok_2020_files_share_video_ids_counted_once(
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
