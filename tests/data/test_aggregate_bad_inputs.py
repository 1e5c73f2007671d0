"""The aggregation step on bad posts: negative likes and zero followers quarantined, duplicate post ids
counted once, two runs writing one output (one wins), file names with brackets.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pytest

from inflresearch.cli import main
from inflresearch.data.aggregate import aggregate_posts, write_accounts
from inflresearch.data.load import read_table
from inflresearch.errors import DataError


def _posts_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "account_id": ["a", "a", "a", "b", "b", "c"],
        "post_id": ["1", "2", "3", "4", "5", "6"],
        "likes": [10.0, -5.0, 30.0, 7.0, 9.0, 4.0],
        "comments": [1.0, 1.0, 1.0, 1.0, 1.0, -2.0],
        "followers": [100.0, 100.0, 100.0, 0.0, 0.0, 50.0],
    })


def test_aggregate_quarantines_negative_likes_and_zero_followers(
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


def test_aggregate_counts_duplicate_post_ids_once(tmp_path: Path) -> None:
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


def test_two_aggregates_writing_one_output_one_wins(tmp_path: Path, monkeypatch) -> None:
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


def test_aggregate_takes_file_names_with_brackets(tmp_path: Path) -> None:
    posts = _posts_frame().iloc[:3].assign(likes=[1.0, 2.0, 3.0])
    path = tmp_path / "[clk](x) posts.parquet"
    posts.to_parquet(path)
    (tmp_path / "c posts.parquet").write_bytes(b"not this one")  # what the glob would match
    res = aggregate_posts(path)
    assert res.files == (str(path),) and res.accounts["n_posts"].tolist() == [3]
