"""Loaders: round trips of every format, header mapping, coercion, quarantine reasons, fatal errors."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from inflresearch.data.contract import column_names
from inflresearch.data.load import load_campaigns, load_influencers, load_posts, read_table
from inflresearch.errors import DataError

ISO = "%Y-%m-%dT%H:%M:%S"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_csv(tmp_path: Path, text: str, name: str = "x.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def load_text(tmp_path: Path, text: str, table: str = "influencers", **kw: object):
    return read_table(write_csv(tmp_path, text), table, **kw)


def epoch_ms(df: pd.DataFrame) -> pd.DataFrame:
    """Times as unix milliseconds (exercises the numeric-timestamp rule)."""
    if "posted_at" not in df:
        return df
    return df.assign(posted_at=df["posted_at"].astype("datetime64[ms]").astype("int64"))


WRITERS: dict[str, Callable[[pd.DataFrame, Path], None]] = {
    "csv": lambda df, p: df.to_csv(p, index=False, date_format=ISO),
    "tsv": lambda df, p: df.to_csv(p, index=False, sep="\t", date_format=ISO),
    "txt": lambda df, p: df.to_csv(p, index=False, sep="|", date_format=ISO),
    "csv.gz": lambda df, p: p.write_bytes(gzip.compress(df.to_csv(index=False).encode())),
    "parquet": lambda df, p: df.to_parquet(p, index=False),
    "json": lambda df, p: epoch_ms(df).to_json(p, orient="records", double_precision=15),
    "jsonl": lambda df, p: df.to_json(p, orient="records", lines=True, date_format="iso",
                                      double_precision=15),
    "xlsx": lambda df, p: df.to_excel(p, index=False),
}  # fmt: skip


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@pytest.mark.parametrize("table", ["influencers", "posts", "campaigns"])
def test_round_trip_of_every_format(small_world, tmp_path: Path, fmt: str, table: str) -> None:
    original = small_world.tables()[table].head(150 if fmt == "xlsx" else 2000)
    path = tmp_path / f"{table}.{fmt}"
    WRITERS[fmt](original, path)
    before = sha(path)
    res = read_table(path, table)
    assert sha(path) == before, "the input file was modified"
    assert res.summary() == f"kept {len(original):,} of {len(original):,} rows; none quarantined"
    expected = original.reset_index(drop=True)
    got = res.data[expected.columns]
    assert list(res.data.columns) == [c for c in column_names(table) if c in res.data]
    for name in expected.columns:
        want, have = expected[name], got[name]
        if pd.api.types.is_float_dtype(want.dtype):
            assert have.dtype == np.float64
            # to_json keeps 15 significant digits, openpyxl 15-17; the text formats are exact
            rtol = {"json": 1e-12, "jsonl": 1e-12, "xlsx": 1e-14}.get(fmt, 0)
            np.testing.assert_allclose(have.to_numpy(), want.to_numpy(), rtol=rtol, err_msg=name)
        elif pd.api.types.is_bool_dtype(want.dtype):
            assert have.dtype == bool and (have == want).all(), name
        elif pd.api.types.is_datetime64_dtype(want.dtype):
            assert have.dtype == "datetime64[us]"
            assert (have == want.astype("datetime64[us]")).all(), name
        else:
            assert isinstance(have.dtype, pd.StringDtype), name
            pd.testing.assert_series_equal(have, want.astype("str"), check_names=False)


def test_dataframe_input_is_not_modified(small_world) -> None:
    frame = small_world.posts.head(50).copy()
    frame.loc[0, "likes"] = -1.0
    copy = frame.copy()
    res = read_table(frame, "posts")
    pd.testing.assert_frame_equal(frame, copy)
    assert res.path == "<DataFrame>" and len(res.quarantined) == 1


# --- headers ----------------------------------------------------------------------------------


def test_headers_are_normalised_and_aliases_mapped(tmp_path: Path) -> None:
    res = load_text(
        tmp_path,
        "Username,Subscribers count,Avg. Likes,\"Comments\navg\",Category,ER (%),Extra Col\n"
        "@Ann,1.2M,45.3k,1k,Food,x,1\n",
    )
    assert list(res.data.columns) == [
        "account_id", "platform", "followers", "avg_likes", "avg_comments", "engagements",
        "engagement_rate", "niche", "er_pct", "extra_col",
    ]  # fmt: skip
    row = res.data.iloc[0]
    assert row["account_id"] == "Ann" and row["followers"] == 1.2e6 and row["platform"] == "unknown"
    assert row["engagements"] == 46_300.0
    assert row["engagement_rate"] == pytest.approx(46_300 / 1.2e6)
    assert res.columns["avg_comments"] == "Comments\navg"


def test_duplicate_headers_first_wins_and_numbering_is_deterministic(tmp_path: Path) -> None:
    res = load_text(tmp_path, "handle,Followers,Followers,followers_2\nann,1.2M,1200000,x\n")
    assert list(res.data.columns) == ["account_id", "platform", "followers", "followers_2",
                                      "followers_2_2"]  # fmt: skip
    assert res.data["followers"].iloc[0] == 1.2e6


def test_explicit_columns_take_precedence_and_none_excludes(tmp_path: Path) -> None:
    text = "name,instagram name,followers,country,reach\nann,Ann A.,100,Spain,7\n"
    res = load_text(tmp_path, text, columns={"name": "account_id", "country": None,
                                             "reach": "followers", "followers": None})
    row = res.data.iloc[0]
    assert row["account_id"] == "ann" and row["followers"] == 7.0
    assert "country" not in res.data and row["country_src"] == "Spain"
    assert row["followers_src"] == "100" and row["instagram_name"] == "Ann A."
    with pytest.raises(DataError, match="column 'nope'.*the file has 'name'"):
        load_text(tmp_path, text, columns={"nope": "account_id"})
    with pytest.raises(ValueError, match="not a column of the influencers contract"):
        load_text(tmp_path, text, columns={"name": "handle"})


# --- values -----------------------------------------------------------------------------------


def test_encodings_bom_and_non_utf8_bytes(tmp_path: Path) -> None:
    text = "account_id,followers,niche\nJosé,1.5k,Café\n"
    bom = read_table(write_csv(tmp_path, "\ufeff" + text, "bom.csv"), "influencers")
    assert bom.encoding == "utf-8-sig" and list(bom.data.columns)[0] == "account_id"
    latin = read_table(write_csv(tmp_path, text, "cp.csv", encoding="cp1252"), "influencers")
    assert latin.encoding == "cp1252"
    assert latin.data["account_id"].iloc[0] == "José" and latin.data["niche"].iloc[0] == "Café"
    raw = write_csv(tmp_path, "", "bytes.csv")
    raw.write_bytes(b"account_id,followers\nab\x81\x8d,10\n")  # undefined in cp1252
    assert read_table(raw, "influencers").encoding == "latin-1"


def test_semicolon_and_tab_are_sniffed(tmp_path: Path) -> None:
    semi = read_table(write_csv(tmp_path, "user;followers;er\nann;3,400;2,5%\n"), "influencers")
    assert semi.data["followers"].iloc[0] == 3400.0
    assert semi.data["engagement_rate"].iloc[0] == 0.025
    tab = read_table(write_csv(tmp_path, "Username\tFollowers\nann\t12 345\n", "t.txt"),
                     "influencers")
    assert tab.data["followers"].iloc[0] == 12345.0


def test_posts_values_are_coerced(tmp_path: Path) -> None:
    res = load_text(
        tmp_path,
        "id,user_name,create_time,n_likes,hashtags,sponsored,Platform,followers\n"
        "1,@a,1604768557,1.2k,\"['fyp', 'dance']\",TRUE,TikTok,10k\n"
        "2,a,2020-11-07T12:00:00+02:00,5,#a #b,no,TikTok,10k\n"
        "3,a,1604768557000,5,x|y|z,,,10k\n"
        "4,a,,5,,1,TikTok,10k\n",
        "posts",
        platform="instagram",
    )
    d = res.data
    assert d["post_id"].tolist() == ["1", "2", "3", "4"]
    assert d["posted_at"].iloc[0] == pd.Timestamp("2020-11-07 17:02:37")
    assert d["posted_at"].iloc[1] == pd.Timestamp("2020-11-07 10:00:00")  # UTC, naive
    assert d["posted_at"].iloc[2] == d["posted_at"].iloc[0]  # milliseconds
    assert pd.isna(d["posted_at"].iloc[3])
    assert d["hashtags"].tolist()[:3] == ["fyp dance", "a b", "x y z"] and pd.isna(d["hashtags"][3])
    assert d["sponsored"].tolist() == [True, False, False, True]
    assert d["platform"].tolist() == ["tiktok", "tiktok", "instagram", "tiktok"]
    assert d["likes"].tolist() == [1200.0, 5.0, 5.0, 5.0]


def test_engagement_derivations(tmp_path: Path) -> None:
    res = load_text(
        tmp_path,
        "account_id,followers,avg_likes,avg_comments,engagement_rate,engagements\n"
        "a,1000,40,10,,\n"  # from likes + comments
        "b,1000,,,2.5%,\n"  # from the rate
        "c,1000,,,,30\n"  # rate from engagements
        "d,100,5000,10,,\n",  # derived rate above 1 is kept (TikTok-like)
    )
    d = res.data.set_index("account_id")
    assert d.loc["a", "engagements"] == 50 and d.loc["a", "engagement_rate"] == 0.05
    assert d.loc["b", "engagements"] == 25 and d.loc["b", "engagement_rate"] == 0.025
    assert d.loc["c", "engagement_rate"] == 0.03
    assert d.loc["d", "engagement_rate"] == pytest.approx(50.1) and res.quarantined.empty


def test_campaign_activation_ids_and_channels(tmp_path: Path) -> None:
    res = load_text(
        tmp_path,
        "campaign,channel,handle,followers,spend,revenue\n"
        "c1,Influencer,a,1000,\"$1,200\",0\n"
        "c1,TRADITIONAL,,,20000,3000\n",
        "campaigns",
    )
    assert res.data["activation_id"].tolist() == ["row-1", "row-2"]
    assert res.data["channel"].tolist() == ["influencer", "traditional"]
    assert res.data["cost"].tolist() == [1200.0, 20000.0]


# --- quarantine -------------------------------------------------------------------------------


QUARANTINE_CASES = [
    ("influencers", "account_id,followers\na,\n", "missing followers"),
    ("influencers", "account_id,followers\na,0\n", "followers <= 0"),
    ("influencers", "account_id,followers\na,-5\n", "followers <= 0"),
    ("influencers", "account_id,followers,avg_likes\na,10,-1\n", "negative count in avg_likes"),
    ("influencers", "account_id,followers,avg_likes\na,10,501\n", "likes > 50x followers"),
    ("influencers", "account_id,followers\na,lots\n", "unparsable number in followers"),
    ("influencers", "account_id,followers,er\na,10,2.5\n", "rate outside [0, 1]"),
    ("influencers", "account_id,followers\n,10\n", "missing account_id"),
    ("influencers", "account_id,followers\n,\n", "empty row"),
    ("influencers", "account_id,followers\n=====\n", "empty row"),
    ("posts", "account_id,post_id,likes\na,p1,5\na,p1,6\n",
     "duplicate post_id (first seen in 'x.csv', row 2)"),
    ("posts", "account_id,post_id,likes,posted_at\na,p1,5,yesterday\n", "unparsable date in posted_at"),
    ("posts", "account_id,post_id,likes,sponsored\na,p1,5,maybe\n", "unparsable value in sponsored"),
    ("posts", "account_id,post_id,likes\na,p1,\n", "missing likes"),
    ("posts", "account_id,post_id,likes,followers\na,p1,600,10\n", "likes > 50x followers"),
    ("campaigns", "campaign_id,channel,cost\nc,radio,5\n", "unknown channel"),
    ("campaigns", "campaign_id,channel,account_id\nc,influencer,\n", "missing account_id"),
    ("campaigns", "campaign_id,channel,cost\nc,traditional,-5\n", "negative count in cost"),
]  # fmt: skip
@pytest.mark.parametrize(("table", "text", "reason"), QUARANTINE_CASES)
def test_each_quarantine_reason(tmp_path: Path, table: str, text: str, reason: str) -> None:
    header, *rows = text.strip("\n").split("\n")
    good = _good_row(table, header)
    res = load_text(tmp_path, "\n".join([header, good, *rows]) + "\n", table)
    q = res.quarantined
    assert q["reason"].str.split("; ").str[0].tolist()[-1] == reason
    assert q["source_row"].tolist()[-1] == len(rows) + 1
    assert len(res.data) + len(q) == res.n_read == len(rows) + 1
    assert f"quarantined: 1 {reason.split(' (')[0]}" in res.summary()


def _good_row(table: str, header: str) -> str:
    """A valid row for `header` (so that the file stays usable while one row is bad)."""
    values = {"account_id": "zz", "followers": "1000", "avg_likes": "1", "er": "0.01",
              "post_id": "pz", "likes": "1", "posted_at": "", "sponsored": "", "campaign_id": "c",
              "channel": "traditional", "cost": "1"}  # fmt: skip
    return ",".join(values[h] for h in header.split(","))


def test_summary_counts_first_reasons_and_nothing_is_lost(tmp_path: Path) -> None:
    rows = ["a1,10", "a2,", "a3,", "a1,11", "a4,0", "a5,12", "a6,abc", "a7,13", "a8,14", "a9,15"]
    res = load_text(tmp_path, "account_id,followers\n" + "\n".join(rows) + "\n")
    assert res.summary() == (
        "kept 5 of 10 rows; 5 quarantined: 2 missing followers, 1 duplicate account_id, "
        "1 followers <= 0, 1 unparsable number in followers"
    )
    assert res.quarantined["source_row"].tolist() == [2, 3, 4, 5, 7]
    assert res.source_rows.tolist() == [1, 6, 8, 9, 10]
    assert res.quarantined["followers"].tolist()[-1] == "abc"  # raw value kept


def test_source_columns_named_like_quarantine_columns(tmp_path: Path) -> None:
    res = load_text(tmp_path, "account_id,followers,reason,source_row\na,10,x,y\nb,0,z,w\n")
    q = res.quarantined
    assert list(q.columns) == ["source_file", "source_row", "account_id", "followers",
                               "reason_src", "source_row_src", "reason"]  # fmt: skip
    assert q.iloc[0].tolist() == ["x.csv", 2, "b", "0", "z", "w", "followers <= 0"]
    assert res.data["reason"].tolist() == ["x"]


def test_duplicate_keeps_the_first_good_copy(tmp_path: Path) -> None:
    res = load_text(tmp_path, "account_id,followers\na,-1\na,10\na,20\n")
    assert res.data["followers"].tolist() == [10.0]
    assert res.quarantined["reason"].tolist() == [
        "followers <= 0", "duplicate account_id (first seen in 'x.csv', row 2)"]


def test_write_quarantine_is_atomic_and_named(tmp_path: Path) -> None:
    res = load_text(tmp_path, "account_id,followers\na,10\nb,\n")
    out = res.write_quarantine(tmp_path / "run")
    assert out == tmp_path / "run" / "quarantine-influencers.csv"
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(written.columns) == ["source_file", "source_row", "account_id", "followers",
                                     "reason"]  # fmt: skip
    assert written.iloc[0].tolist() == ["x.csv", "2", "b", "", "missing followers"]
    assert sorted(p.name for p in out.parent.iterdir()) == ["quarantine-influencers.csv"]
    clean = load_text(tmp_path, "account_id,followers\na,10\n")
    assert clean.write_quarantine(tmp_path / "run2") is None
    assert not (tmp_path / "run2").exists()


def test_load_functions_write_quarantine_and_return_data(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "account_id,followers\na,10\nb,-1\n")
    df = load_influencers(path, quarantine_dir=tmp_path / "q", platform="Instagram")
    assert df["platform"].tolist() == ["instagram"]
    assert (tmp_path / "q" / "quarantine-influencers.csv").is_file()
    posts = write_csv(tmp_path, "account_id,post_id,likes\na,1,2\n", "p.csv")
    assert load_posts(posts)["likes"].tolist() == [2.0]
    camps = write_csv(tmp_path, "campaign_id,channel\nc,traditional\n", "c.csv")
    assert load_campaigns(camps)["activation_id"].tolist() == ["row-1"]


def test_ragged_rows_fall_back_and_are_padded(tmp_path: Path) -> None:
    res = load_text(tmp_path, "account_id,followers,niche\na,10\nb,20,food\n")
    assert res.data["followers"].tolist() == [10.0, 20.0] and pd.isna(res.data["niche"][0])


# --- fatal errors -----------------------------------------------------------------------------


def test_fatal_errors_name_file_and_column(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="missing.csv: no such file"):
        read_table(tmp_path / "missing.csv", "influencers")
    with pytest.raises(DataError, match="is a folder"):
        read_table(tmp_path, "influencers")
    with pytest.raises(DataError, match="unsupported file type"):
        read_table(write_csv(tmp_path, "a", "x.doc"), "influencers")
    with pytest.raises(DataError, match="empty file"):
        read_table(write_csv(tmp_path, "", "empty.csv"), "influencers")
    with pytest.raises(DataError, match="empty: no data rows"):
        read_table(write_csv(tmp_path, "account_id,followers\n", "header.csv"), "influencers")
    with pytest.raises(ValueError, match="unknown table"):
        read_table(write_csv(tmp_path, "a\n1\n"), "people")


def test_missing_required_column_lists_columns_and_suggests_mapping(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        load_text(tmp_path, "handle,fans count,likes\na,10,5\n")
    message = str(info.value)
    assert "x.csv" in message and "column 'followers'" in message
    assert "'handle', 'fans count', 'likes'" in message
    assert "columns={'<source column>': 'followers'}" in message


def test_every_row_bad_is_fatal_with_examples(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        load_text(tmp_path, "account_id,followers\na,#VALOR!\nb,n/a\nc,?\nd,??\ne,???\n")
    message = str(info.value)
    assert "no usable rows: all 5 influencers rows quarantined" in message
    assert "column 'followers'" in message
    assert "(e.g. '?', '??', '???')" in message


@pytest.mark.parametrize("suffix", ["parquet", "xlsx", "json", "csv.gz"])
def test_corrupt_files_raise_data_error(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"bad.{suffix}"
    path.write_bytes(b"\x00\x01not really a file {[")
    with pytest.raises(DataError, match="bad"):
        read_table(path, "influencers")
