"""Presets for known public exports: well-formed, detected by their exact headers, used by the
loaders only without a mapping, and right on every real export (handles, not display names;
no audience country taken as the creator's)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from inflresearch.data.column_report import HANDLE, NAMED, suspicious_picks
from inflresearch.data.contract import column_names, columns
from inflresearch.data.headers import resolve_columns, unique_headers
from inflresearch.data.load import read_headers, read_table
from inflresearch.data.presets import all_presets, detect_preset, get_preset

# real files that are no table of the three contracts (a benchmark table) or only a part of one
NOT_A_TABLE = {"published_benchmarks/tier_benchmarks.csv", "kim2020_instagram/posts_sample_captions.csv.gz"}
# files whose account ids are channel names because the file has no handle column
NO_HANDLE_COLUMN = {"global_youtube_stats_2023/Global YouTube Statistics.csv"}
DEC_2022 = ["Rank", "name", "instagram name", "Category_1", "Category_2", "followers", "followers",
            "country", "Eng. (Auth.)", "Eng. (Auth.)", "Eng. (Avg.)", "Eng. (Avg.)"]


def _hype_dec(n: int = 3) -> pd.DataFrame:
    rows = [[str(i + 1), f"user{i}", f"User Number {i} 🤍", "Music", "", f"{i + 2}.5M", "1", "India",
             "1K", "1000", f"{i + 1}0K", "1"] for i in range(n)]
    return pd.DataFrame(rows, columns=DEC_2022)


def _real_files(real_data: Path) -> list[str]:
    return sorted(str(p.relative_to(real_data)) for p in real_data.rglob("*")
                  if p.is_file() and p.suffix != ".md")


def test_presets_are_well_formed() -> None:
    presets = all_presets()
    assert len(presets) >= 22
    assert len({p.name for p in presets}) == len(presets)
    assert len({p.signature for p in presets}) == len(presets), "two presets share a signature"
    for preset in presets:
        assert preset.table in ("influencers", "posts") and preset.platform
        assert preset.notes, f"{preset.name} has no notes"
        # each mapped source is a header of the signature, each target a contract column
        assert {unique_headers([k])[0] for k in preset.columns} <= preset.signature, preset.name
        targets = {t for t in preset.columns.values() if t is not None}
        assert targets <= set(column_names(preset.table))
        # the required columns are named explicitly, never left to the alias map
        required = {c.name for c in columns(preset.table) if c.required} - {"platform"}
        assert required <= targets, preset.name
        # the preset is complete: the alias map adds nothing to a file with exactly these headers
        resolved = resolve_columns(sorted(preset.signature), preset.table, preset.columns)
        assert set(resolved.names) & set(column_names(preset.table)) == targets, preset.name


def test_detection_needs_the_exact_headers_in_any_order() -> None:
    assert detect_preset(DEC_2022).name == "hypeauditor-instagram-2022-12"
    assert detect_preset(list(reversed(DEC_2022))).name == "hypeauditor-instagram-2022-12"
    assert detect_preset([*DEC_2022, "my note"]) is None  # an edited export: no preset
    assert detect_preset(DEC_2022[:-1]) is None
    with pytest.raises(ValueError, match="no preset 'nope'; known: "):
        get_preset("nope")


def test_loader_uses_the_detected_preset_and_says_so() -> None:
    res = read_table(_hype_dec(), "influencers")
    assert res.preset is not None and res.preset.name == "hypeauditor-instagram-2022-12"
    assert res.data["account_id"].tolist() == ["user0", "user1", "user2"]  # handles, not names
    assert (res.data["platform"] == "instagram").all()
    assert "country" not in res.data and res.left_out == ["country"]  # an audience country
    assert res.data["engagements"].tolist() == [10_000, 20_000, 30_000]
    assert res.summary().endswith("; none quarantined; preset hypeauditor-instagram-2022-12")
    assert res.data.attrs["preset"] == "hypeauditor-instagram-2022-12"
    assert read_table(_hype_dec(), "influencers", platform="threads").data["platform"].eq("threads").all()


def test_an_explicit_mapping_replaces_the_preset() -> None:
    res = read_table(_hype_dec(), "influencers", columns={"instagram name": "account_id"})
    assert res.preset is None and "preset" not in res.summary()
    assert res.data["account_id"].iloc[0] == "User Number 0 🤍"
    assert (res.data["platform"] == "unknown").all()
    assert any("looks like handles" in w for w in suspicious_picks(res))


def test_a_preset_of_another_table_is_named_not_applied() -> None:
    videos = pd.DataFrame(
        [["1", "1604768557", "ann", "[]", "s", "8", "5", "1", "2", "30", "100", "9", "3"]],
        columns=["id", "create_time", "user_name", "hashtags", "song", "video_length", "n_likes",
                 "n_shares", "n_comments", "n_plays", "n_followers", "n_total_likes", "n_total_vids"],
    )
    as_accounts = read_table(videos, "influencers")
    assert as_accounts.preset is None
    assert as_accounts.warnings == [
        "the headers are those of tiktok2020-videos (TikTok 2020 video scrape (suggested or top "
        "users)), a posts table, not influencers"
    ]
    assert "; warning: the headers are those of tiktok2020-videos" in as_accounts.summary()
    posts = read_table(videos, "posts")
    assert posts.preset is not None and posts.preset.name == "tiktok2020-videos"
    assert posts.data["posted_at"].iloc[0] == pd.Timestamp("2020-11-07 17:02:37")
    assert (posts.data["platform"] == "tiktok").all()


def test_every_real_table_file_has_its_preset(real_data: Path) -> None:
    files = _real_files(real_data)
    detected = {f: detect_preset(read_headers(real_data / f)) for f in files}
    assert {f for f, p in detected.items() if p is None} == NOT_A_TABLE
    used = {p.name for p in detected.values() if p is not None}
    assert used == {p.name for p in all_presets()}, "a preset matches no real file"


@pytest.mark.parametrize("name", [
    "hypeauditor_top1000_2022/" + f"{platform}_{month}.csv"
    for platform in ("instagram", "tiktok", "youtube")
    for month in ("v1_undated", "2022-06", "2022-09", "2022-11", "2022-12")
] + ["kim2020_instagram/influencers.csv", "kim2020_instagram/influencers.txt",
     "kim2020_instagram/influencer_engagement_from_sample.csv", "kim2020_instagram/posts_sample.csv",
     "tiktok_famous_2020/sug_users_vids1.csv", "tiktok_famous_2020/top-250-tiktokers.csv",
     "top_instagram_200/top_insta_influencers_data.csv",
     "global_youtube_stats_2023/Global YouTube Statistics.csv"])
def test_real_file_loads_with_handles_as_account_ids(real_data: Path, name: str) -> None:
    """The id column is the most handle-like column of the file (never the display name), no
    mapping warning is raised, and a HypeAuditor (audience) country never becomes `country`."""
    preset = detect_preset(read_headers(real_data / name))
    assert preset is not None
    res = read_table(real_data / name, preset.table)
    assert res.preset == preset and len(res.data) > 0.9 * res.n_read
    assert suspicious_picks(res) == [] and res.warnings == []
    if name in NO_HANDLE_COLUMN:
        return
    ids = res.data["account_id"].drop_duplicates()
    share = ids.str.fullmatch(HANDLE).mean()
    assert share > 0.6, ids.head().tolist()
    for column in res.data.columns.difference(list(res.columns) + ["platform"]):
        values = res.data[column]
        if pd.api.types.is_string_dtype(values.dtype) and values.nunique() > 0.9 * ids.size:
            assert share >= values.dropna().drop_duplicates().str.fullmatch(NAMED).mean(), column
    if name.startswith("hypeauditor"):
        assert "country" not in res.columns, "HypeAuditor's country is the audience's"
