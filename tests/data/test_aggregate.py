"""Aggregation of post files to the account table on DuckDB, checked against a pandas reference
computed straight from the definitions on messy SIMULATED posts. (The Spark engine is checked
against DuckDB in test_aggregate_spark.py, which imports the helpers of this file.)"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from inflresearch.cli import main
from inflresearch.data.aggregate import (
    OUTPUT_ORDER,
    aggregate_posts,
    load_accounts_from_posts,
    resolve_files,
    write_accounts,
)
from inflresearch.data.synth import simulate_world
from inflresearch.errors import DataError


def messy_posts(seed: int = 5, n_influencers: int = 120) -> pd.DataFrame:
    """SIMULATED posts with the gaps real exports have: missing comments, followers, times,
    empty captions, mixed-case platforms, one post without account_id, followers that change."""
    posts = simulate_world(seed=seed, n_influencers=n_influencers, n_campaigns=1).posts.copy()
    rng = np.random.default_rng(seed)
    n = len(posts)
    posts["followers"] = posts["followers"] * np.exp(rng.normal(0, 0.1, n)).round(3)
    posts["platform"] = np.where(rng.random(n) < 0.3, "Instagram ", "instagram")
    for col, share in (("comments", 0.05), ("followers", 0.05), ("views", 0.1)):
        posts.loc[rng.random(n) < share, col] = np.nan
    posts.loc[rng.random(n) < 0.03, "posted_at"] = pd.NaT
    posts.loc[rng.random(n) < 0.05, "caption"] = ""
    posts.loc[rng.random(n) < 0.05, "hashtags"] = None
    posts.loc[3, "caption"] = "café 😀 naïve"
    posts.loc[7, "account_id"] = None
    return posts


def split_write(posts: pd.DataFrame, folder: Path, fmt: str, parts: int = 3) -> list[Path]:
    """Write `posts` as `parts` files of one format; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k, chunk in enumerate(np.array_split(np.arange(len(posts)), parts)):
        part = posts.iloc[chunk]
        path = folder / f"posts_{k}.{ {'parquet': 'parquet', 'csv': 'csv', 'json': 'jsonl'}[fmt] }"
        if fmt == "parquet":
            part.to_parquet(path, index=False)
        elif fmt == "csv":
            part.to_csv(path, index=False)
        else:
            part.to_json(path, orient="records", lines=True, date_format="iso")
        paths.append(path)
    return paths


def _latest(group: pd.DataFrame, col: str) -> object:
    ok = group[col].notna() & group["posted_at"].notna()
    if ok.any():
        rows = group[ok]
        return rows.loc[rows["posted_at"].idxmax(), col]
    return group[col].max() if group[col].notna().any() else np.nan


def _text(group: pd.DataFrame, col: str, max_posts: int, max_chars: int) -> object:
    order = group.sort_values(["posted_at", "post_id"], ascending=False, na_position="last")
    texts = [t for t in order[col].head(max_posts) if isinstance(t, str) and t != ""]
    return " ".join(texts)[:max_chars] if texts else pd.NA


def reference_accounts(
    posts: pd.DataFrame, max_text_posts: int = 50, max_text_chars: int = 5000
) -> pd.DataFrame:
    """The account table computed row by row in pandas, straight from the definitions."""
    posts = posts[posts["account_id"].notna()].copy()
    posts["platform"] = posts["platform"].str.strip().str.lower().fillna("unknown")
    rows = []
    for (platform, account), g in posts.groupby(["platform", "account_id"], sort=True):
        eng = g["likes"] + g["comments"]
        ok = eng.notna() & (g["followers"] > 0)
        dated = g["posted_at"].dropna()
        first, last = dated.min(), dated.max()
        weeks = (last - first).total_seconds() / (7 * 86400) if len(dated) else np.nan
        per_week = (len(dated) - 1) / weeks if len(dated) >= 2 and weeks > 0 else np.nan
        rows.append(
            {
                "account_id": account,
                "platform": platform,
                "followers": _latest(g, "followers"),
                "n_posts": len(g),
                **{f"avg_{c}": g[c].mean() for c in ("likes", "comments", "views")},
                **{f"median_{c}": g[c].median() for c in ("likes", "comments", "views")},
                "engagements": eng.mean(),
                "engagement_rate": eng[ok].sum() / g["followers"][ok].sum() if ok.any() else np.nan,
                "niche": _latest(g, "niche"),
                "first_post_at": first,
                "last_post_at": last,
                "posts_per_week": per_week,
                "captions": _text(g, "caption", max_text_posts, max_text_chars),
                "hashtags": _text(g, "hashtags", max_text_posts, max_text_chars),
            }
        )
    out = pd.DataFrame(rows)
    return out[[c for c in OUTPUT_ORDER if c in out.columns]]


def assert_same_accounts(got: pd.DataFrame, want: pd.DataFrame, rtol: float = 1e-12) -> None:
    """Counts, keys, texts and dates exactly; other numbers to `rtol` (relative)."""
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want)
    got, want = got.reset_index(drop=True), want.reset_index(drop=True)
    for col in got.columns:
        a, b = got[col], want[col]
        if col == "n_posts":
            assert (a.to_numpy() == b.to_numpy()).all(), col
        elif col.endswith("_at"):
            pd.testing.assert_series_equal(
                a.astype("datetime64[us]"), b.astype("datetime64[us]"), check_names=False
            )
        elif a.dtype.kind == "f" or col in ("followers",):
            np.testing.assert_allclose(
                a.to_numpy(float), b.to_numpy(float), rtol=rtol, atol=0, equal_nan=True, err_msg=col
            )
        else:
            assert a.astype("string").fillna("<NA>").tolist() == b.astype("string").fillna(
                "<NA>"
            ).tolist(), col


# --- the DuckDB engine against the reference -----------------------------------------------------


@pytest.fixture(scope="module")
def posts() -> pd.DataFrame:
    return messy_posts()


@pytest.fixture(scope="module")
def reference(posts: pd.DataFrame) -> pd.DataFrame:
    return reference_accounts(posts)


@pytest.mark.parametrize("fmt", ["parquet", "csv", "json"])
def test_each_format_matches_pandas_reference(tmp_path, posts, reference, fmt):
    split_write(posts, tmp_path, fmt)
    res = aggregate_posts(tmp_path / "posts_*")
    assert_same_accounts(res.accounts, reference)
    # nothing lost: every post is in an account or quarantined (here: one without account_id)
    assert res.quarantined["reason"].tolist() == ["missing account_id"]
    assert res.n_rows == len(posts) == int(res.accounts["n_posts"].sum()) + 1
    assert len(res.files) == 3 and not res.skipped


def test_folder_of_mixed_formats_and_file_list(tmp_path, posts, reference):
    thirds = np.array_split(np.arange(len(posts)), 3)
    split_write(posts.iloc[thirds[0]], tmp_path / "a", "parquet", parts=2)
    split_write(posts.iloc[thirds[1]], tmp_path / "b", "csv", parts=2)
    split_write(posts.iloc[thirds[2]], tmp_path / "b" / "c", "json", parts=2)
    (tmp_path / "README.md").write_text("not data")
    (tmp_path / "a" / "_SUCCESS").write_text("")
    res = aggregate_posts(tmp_path)
    assert_same_accounts(res.accounts, reference)
    assert len(res.files) == 6 and res.ignored == (str(tmp_path / "README.md"),)
    listed = aggregate_posts([tmp_path / "a", str(tmp_path / "b" / "**" / "*.*")])
    assert_same_accounts(listed.accounts, reference)


def test_dataframe_input_equals_file_input(tmp_path, posts, reference):
    assert_same_accounts(aggregate_posts(posts).accounts, reference)


def test_text_caps_newest_first_in_characters(tmp_path, posts):
    split_write(posts, tmp_path, "parquet")
    res = aggregate_posts(tmp_path, max_text_posts=3, max_text_chars=40)
    assert_same_accounts(res.accounts, reference_accounts(posts, 3, 40))
    assert res.accounts["captions"].str.len().max() == 40
    tiny = pd.DataFrame(
        {
            "account_id": ["a"] * 4,
            "post_id": ["1", "2", "3", "4"],
            "posted_at": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-02", "2024-01-04"]),
            "likes": [1.0, 2.0, 3.0, 4.0],
            "caption": ["old", "😀é new", "mid", None],
        }
    )
    # the latest 3 posts are 4 (no caption), 2 and 3; newest first; the emoji is one character
    acc = aggregate_posts(tiny, max_text_posts=3, max_text_chars=7).accounts
    assert acc.loc[0, "captions"] == "😀é new "[:7] == "😀é new "
    assert aggregate_posts(tiny, max_text_posts=3).accounts.loc[0, "captions"] == "😀é new mid"
    assert "captions" not in aggregate_posts(tiny, max_text_posts=0).accounts.columns


@pytest.mark.filterwarnings("ignore:.*is deprecated")
def test_both_ways_of_joining_texts_agree(posts):
    """DuckDB joins texts with an ordered string_agg; Spark's way (a sorted list) gives the same."""
    import ibis

    from inflresearch.data.aggregate import _typed, account_expr

    con = ibis.duckdb.connect()
    table = _typed(ibis.memtable(posts))
    kw = {"max_text_posts": 4, "max_text_chars": 60}
    fast = con.to_pandas(account_expr(table, **kw, ordered_concat=True))
    portable = con.to_pandas(account_expr(table, **kw, ordered_concat=False))
    for col in ("captions", "hashtags"):
        assert fast[col].fillna("").tolist() == portable[col].fillna("").tolist()
    assert fast["captions"].notna().sum() > 100


def test_known_truth_of_the_simulated_world():
    """Constant followers per account: the simulator's own account table is the answer."""
    world = simulate_world(seed=3, n_influencers=300, n_campaigns=1)
    acc = aggregate_posts(world.posts).accounts.set_index("account_id")
    inf = world.influencers.set_index("account_id").loc[acc.index]
    for col in ("followers", "avg_likes", "avg_comments", "avg_views", "engagements",
                "engagement_rate"):
        np.testing.assert_allclose(acc[col], inf[col], rtol=1e-12, err_msg=col)
    assert (acc["niche"] == inf["niche"]).all() and (acc["platform"] == inf["platform"]).all()
    assert acc["n_posts"].sum() == len(world.posts)


def test_engagement_rate_is_a_ratio_of_sums_and_frequency_counts_gaps():
    posts = pd.DataFrame(
        {
            "account_id": ["a", "a", "a", "b", "c"],
            "post_id": ["1", "2", "3", "4", "5"],
            "posted_at": pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-15", "2024-01-01",
                                         "2024-01-01"]),
            "likes": [90.0, 10.0, 20.0, 5.0, 5.0],
            "comments": [10.0, 0.0, np.nan, 1.0, 1.0],
            "followers": [1000.0, 100.0, 100.0, 0.0, np.nan],
        }
    )
    res = aggregate_posts(posts)
    acc = res.accounts.set_index("account_id")
    # a: posts 1 and 2 have all three: (100 + 10) / (1000 + 100); the mean of ratios would be 0.1
    assert acc.loc["a", "engagement_rate"] == pytest.approx(110 / 1100)
    assert acc.loc["a", "engagements"] == pytest.approx(55.0)
    assert acc.loc["a", "followers"] == 100.0  # at the latest post
    assert acc.loc["a", "posts_per_week"] == pytest.approx(1.0)  # 3 posts, 2 weeks: 2 gaps
    assert "b" not in acc.index  # followers 0: quarantined, as the loaders do
    assert res.quarantined["reason"].tolist() == ["followers <= 0"]
    assert np.isnan(acc.loc["c", "engagement_rate"])  # followers unknown: no rate
    assert np.isnan(acc.loc["c", "posts_per_week"])  # one post: undefined


def test_minimal_columns_and_nan_in_parquet_are_missing(tmp_path):
    posts = pd.DataFrame({"account_id": ["a", "a", "b"], "post_id": ["1", "2", "3"],
                          "likes": [1.0, np.nan, 3.0]})
    import pyarrow as pa
    import pyarrow.parquet as pq

    # a real NaN (not a null) in the file, as non-pandas writers produce
    table = pa.table({**{c: posts[c].tolist() for c in ("account_id", "post_id")},
                      "likes": pa.array([1.0, float("nan"), 3.0], from_pandas=False)})
    pq.write_table(table, tmp_path / "p.parquet")
    acc = aggregate_posts(tmp_path / "p.parquet").accounts
    assert list(acc.columns) == ["account_id", "platform", "n_posts", "avg_likes", "median_likes"]
    assert acc["avg_likes"].tolist() == [1.0, 3.0] and acc["n_posts"].tolist() == [1, 1]
    res = aggregate_posts(tmp_path / "p.parquet")  # NaN likes: missing, so quarantined
    assert res.quarantined[["post_id", "reason"]].values.tolist() == [["2", "missing likes"]]
    assert (acc["platform"] == "unknown").all()


# --- bad input ----------------------------------------------------------------------------------


def _bad_folder(tmp_path: Path, posts: pd.DataFrame) -> tuple[Path, list[Path], list[Path]]:
    good = split_write(posts, tmp_path, "parquet", parts=4)
    corrupt = tmp_path / "corrupt.parquet"
    corrupt.write_bytes(b"PAR1 this is not a parquet file")
    wrong_value = tmp_path / "wrong_value.csv"
    bad = posts.head(20).astype({"likes": "object"})
    bad.loc[bad.index[15], "likes"] = "1.2k"
    bad.to_csv(wrong_value, index=False)
    no_likes = tmp_path / "no_likes.jsonl"
    posts.head(5).drop(columns="likes").to_json(no_likes, orient="records", lines=True,
                                                  date_format="iso")
    return tmp_path, good, [corrupt, wrong_value, no_likes]


def test_bad_files_among_many_are_named(tmp_path, posts):
    folder, _, bad = _bad_folder(tmp_path, posts)
    with pytest.raises(DataError) as err:
        aggregate_posts(folder)
    # the unreadable and incomplete files are found before reading any data
    assert "corrupt.parquet" in str(err.value) and "no_likes.jsonl" in str(err.value)
    assert "missing required column(s) likes" in str(err.value)
    assert "--skip-bad-files" in str(err.value)
    bad[0].unlink()
    bad[2].unlink()
    with pytest.raises(DataError, match=r"wrong_value\.csv.*1\.2k"):
        aggregate_posts(folder)  # a value that does not cast, found by re-reading file by file


def test_skip_bad_files_lists_them_and_loses_nothing_else(tmp_path, posts):
    folder, good, bad = _bad_folder(tmp_path, posts)
    res = aggregate_posts(folder, skip_bad_files=True)
    assert sorted(s.path for s in res.skipped) == sorted(str(p) for p in bad)
    assert sorted(res.files) == sorted(str(p) for p in good)
    assert res.n_rows == len(posts)
    assert_same_accounts(res.accounts, reference_accounts(posts))
    assert "SKIPPED 3 bad file(s)" in res.summary() and "wrong_value.csv" in res.summary()


def test_nothing_readable_and_bad_arguments(tmp_path):
    with pytest.raises(DataError, match="no posts files match"):
        aggregate_posts(tmp_path / "*.parquet")
    with pytest.raises(DataError, match="no such file"):
        aggregate_posts(tmp_path / "missing.csv")
    (tmp_path / "x.csv").write_text("account_id,post_id\na,1\n")
    with pytest.raises(DataError, match="x.csv.*likes"):
        aggregate_posts(tmp_path / "x.csv")
    with pytest.raises(DataError, match="no readable posts file"):
        aggregate_posts(tmp_path / "x.csv", skip_bad_files=True)
    assert resolve_files("s3a://bucket/posts/*.parquet") == (["s3a://bucket/posts/*.parquet"], [])
    with pytest.raises(DataError, match="format from the suffix"):
        resolve_files("s3a://bucket/posts/")
    with pytest.raises(ValueError, match="unknown engine"):
        aggregate_posts(tmp_path, engine="polars")
    with pytest.raises(ValueError, match="max_text_posts"):
        aggregate_posts(tmp_path, max_text_posts=-1)
    with pytest.raises(DataError, match="likes"):
        aggregate_posts(pd.DataFrame({"account_id": ["a"], "post_id": ["1"]}))
    with pytest.raises(DataError, match="posts table.*1.2k"):
        aggregate_posts(pd.DataFrame({"account_id": ["a"], "post_id": ["1"], "likes": ["1.2k"]}))


# --- CLI and writing ----------------------------------------------------------------------------


def test_cli_writes_once_and_reports_skipped(tmp_path, posts, capsys):
    folder, _, bad = _bad_folder(tmp_path / "in", posts)
    out = tmp_path / "accounts.parquet"
    assert main(["aggregate", str(folder / "*"), "--out", str(out)]) == 2
    assert "corrupt.parquet" in capsys.readouterr().err and not out.exists()
    assert main(["aggregate", str(folder / "*"), "--out", str(out), "--skip-bad-files"]) == 0
    captured = capsys.readouterr()
    assert "skipped: " + str(bad[0]) in captured.err and "-> " + str(out) in captured.out
    assert_same_accounts(pd.read_parquet(out), reference_accounts(posts))
    assert main(["aggregate", str(folder / "*"), "--out", str(out), "--skip-bad-files"]) == 2
    assert "output exists" in capsys.readouterr().err
    # no temp file; the post without account_id is in the quarantine next to the output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["accounts.parquet", "in",
                                                          "quarantine-posts.csv"]


def test_write_accounts_csv_and_suffix(tmp_path, posts):
    acc = aggregate_posts(posts).accounts
    path = write_accounts(acc, tmp_path / "acc.csv")
    back = pd.read_csv(path, parse_dates=["first_post_at", "last_post_at"])
    assert len(back) == len(acc) and back["n_posts"].sum() == acc["n_posts"].sum()
    with pytest.raises(DataError, match="exists"):
        write_accounts(acc, path)
    with pytest.raises(DataError, match=r"\.parquet or \.csv"):
        write_accounts(acc, tmp_path / "acc.xlsx")


def test_load_accounts_from_posts_on_the_sample(tmp_path):
    world = simulate_world(seed=2, n_influencers=50, n_campaigns=1)
    path = tmp_path / "posts.csv"
    world.posts.to_csv(path, index=False)
    acc = load_accounts_from_posts(path)
    assert len(acc) == 50 and acc["account_id"].dtype == "string"
    assert acc["first_post_at"].dtype == "datetime64[us]" and acc["n_posts"].dtype == "int64"
