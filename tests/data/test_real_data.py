"""Every real public export that belongs to one of the three tables loads through the loaders.

The registry below says, per file, which table it is and which shipped preset must be detected
(see each folder's SOURCE.md); no file needs a hand-written mapping. For a sample of kept rows,
every parsed number is compared with an independent reference parse of the raw string (Decimal
arithmetic, read with the csv module), and for the HypeAuditor files also with the spreadsheet's
own numeric copy of the followers column. Skipped when the real-data folder is not next to the project.
"""

from __future__ import annotations

import csv
import functools
import gzip
import hashlib
import io
import math
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from inflresearch.data.contract import columns as contract_columns
from inflresearch.data.headers import unique_headers
from inflresearch.data.load import LoadResult, read_table

IG, TT, YT = "instagram", "tiktok", "youtube"
HYPE = "hypeauditor_top1000_2022/"

# file -> (table, the preset that must be detected, platform). No file needs a hand-written
# mapping: the presets (inflresearch/data/known_exports/*.yml) say why each column maps as it does,
# e.g. HypeAuditor files swap the handle and display-name columns between months and their
# "Country" is the audience's; instagram_2022-06 has misaligned headers; top-250-tiktokers'
# "Engagement" is a rate per view.
REGISTRY: dict[str, tuple[str, str, str]] = {
    "kim2020_instagram/influencers.csv": ("influencers", "kim2020-instagram-influencers", IG),
    "kim2020_instagram/influencers.txt": ("influencers", "kim2020-instagram-influencers-txt", IG),
    "kim2020_instagram/influencer_engagement_from_sample.csv": (
        "influencers", "kim2020-instagram-engagement-from-sample", IG,
    ),
    "kim2020_instagram/posts_sample.csv": ("posts", "kim2020-instagram-posts", IG),
    "tiktok_famous_2020/sug_users_vids1.csv": ("posts", "tiktok2020-videos", TT),
    "tiktok_famous_2020/sug_users_vids2.csv": ("posts", "tiktok2020-videos", TT),
    "tiktok_famous_2020/sug_users_vids3.csv": ("posts", "tiktok2020-videos", TT),
    "tiktok_famous_2020/sug_users_vids4.csv": ("posts", "tiktok2020-videos", TT),
    "tiktok_famous_2020/top_users_vids.csv": ("posts", "tiktok2020-videos", TT),
    "tiktok_famous_2020/top-250-tiktokers.csv": ("influencers", "tiktok2020-top250", TT),
    "top_instagram_200/top_insta_influencers_data.csv": ("influencers", "top-instagram-200", IG),
    "global_youtube_stats_2023/Global YouTube Statistics.csv": (
        "influencers", "global-youtube-statistics-2023", YT,
    ),
    HYPE + "instagram_v1_undated.csv": ("influencers", "hypeauditor-instagram-v1", IG),
    HYPE + "instagram_2022-06.csv": ("influencers", "hypeauditor-instagram-2022-06", IG),
    HYPE + "instagram_2022-09.csv": ("influencers", "hypeauditor-instagram-2022-09", IG),
    HYPE + "instagram_2022-11.csv": ("influencers", "hypeauditor-instagram-2022-11", IG),
    HYPE + "instagram_2022-12.csv": ("influencers", "hypeauditor-instagram-2022-12", IG),
    HYPE + "tiktok_v1_undated.csv": ("influencers", "hypeauditor-tiktok-v1", TT),
    HYPE + "tiktok_2022-06.csv": ("influencers", "hypeauditor-tiktok-2022-06", TT),
    HYPE + "tiktok_2022-09.csv": ("influencers", "hypeauditor-tiktok-2022-09", TT),
    HYPE + "tiktok_2022-11.csv": ("influencers", "hypeauditor-tiktok-2022-11", TT),
    HYPE + "tiktok_2022-12.csv": ("influencers", "hypeauditor-tiktok-2022-12", TT),
    HYPE + "youtube_v1_undated.csv": ("influencers", "hypeauditor-youtube-v1", YT),
    HYPE + "youtube_2022-06.csv": ("influencers", "hypeauditor-youtube-2022-06", YT),
    HYPE + "youtube_2022-09.csv": ("influencers", "hypeauditor-youtube-2022-09", YT),
    HYPE + "youtube_2022-11.csv": ("influencers", "hypeauditor-youtube-2022-11-12", YT),
    HYPE + "youtube_2022-12.csv": ("influencers", "hypeauditor-youtube-2022-11-12", YT),
}
NOT_A_TABLE = {"published_benchmarks/tier_benchmarks.csv"}  # a benchmark table, not one of the 3
NO_COPY = {HYPE + "tiktok_2022-11.csv", HYPE + "tiktok_2022-12.csv"}  # no numeric copy columns
PART_OF_POSTS = {"kim2020_instagram/posts_sample_captions.csv.gz"}  # joined in a test below
# First handle of a few files, checked so that a wrong handle mapping cannot pass unnoticed.
FIRST_HANDLE = {
    HYPE + "instagram_v1_undated.csv": "433",
    HYPE + "instagram_2022-06.csv": "433",
    HYPE + "instagram_2022-09.csv": "cristiano",
    HYPE + "tiktok_v1_undated.csv": "ekin.721",
    HYPE + "tiktok_2022-06.csv": "___nicoichi___",
    HYPE + "tiktok_2022-09.csv": "jypestraykids",
    HYPE + "tiktok_2022-11.csv": "yossikramer",
    HYPE + "tiktok_2022-12.csv": "mrbeast",
    HYPE + "youtube_2022-11.csv": "tseries",
    HYPE + "youtube_2022-12.csv": "tseries",
    HYPE + "instagram_2022-11.csv": "cristiano",
    HYPE + "instagram_2022-12.csv": "leomessi",
    HYPE + "youtube_v1_undated.csv": "tseries",
    HYPE + "youtube_2022-06.csv": "juptube",
    HYPE + "youtube_2022-09.csv": "tseries",
    "tiktok_famous_2020/top-250-tiktokers.csv": "charlidamelio",
}
_SCALE = {"k": 3, "m": 6, "b": 9}


def reference_number(raw: str, *, rate: bool) -> float:
    """An independent scalar parse of the number formats the real files use (Decimal, exact)."""
    text = raw.strip()
    if text.lower() in {"", "nan", "nan%", "n/a", "n/a'", "-"} or text.startswith("#"):
        return math.nan
    exponent = 0
    if text.endswith("%"):
        text, exponent = text[:-1], -2
    if text[-1].lower() in _SCALE:
        text, exponent = text[:-1], _SCALE[text[-1].lower()]
    return float(Decimal(text.replace(",", "")).scaleb(exponent))


def raw_rows(path: Path, encoding: str) -> tuple[list[str], list[list[str]]]:
    """Header and data rows read with the csv module (blank lines skipped, as the loader does)."""
    sep = "\t" if path.suffix == ".txt" else ","
    with open(path, encoding=encoding, newline="") as handle:
        rows = [r for r in csv.reader(handle, delimiter=sep) if r]
    return rows[0], rows[1:]


@functools.cache
def load(path: Path, name: str) -> LoadResult:
    """One load per file and test worker (several tests look at the same result), without a
    mapping or a platform: the detected preset supplies both."""
    table, _, _ = REGISTRY[name]
    return read_table(path / name, table)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_registry_covers_every_real_file(real_data: Path) -> None:
    data_files = {
        str(p.relative_to(real_data))
        for p in real_data.rglob("*")
        if p.is_file() and p.suffix != ".md"
    }
    assert data_files == set(REGISTRY) | NOT_A_TABLE | PART_OF_POSTS


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_real_file_loads_and_numbers_match_raw(real_data: Path, name: str) -> None:
    table, _, platform = REGISTRY[name]
    path = real_data / name
    before = _sha(path)
    res = load(real_data, name)
    assert _sha(path) == before, "the input file was modified"

    header, rows = raw_rows(path, res.encoding or "utf-8")
    assert res.n_read == len(rows)
    assert len(res.data) + len(res.quarantined) == len(rows), "rows were lost"
    assert len(res.data) > 0.9 * len(rows), res.summary()
    assert res.quarantined["reason"].str.len().gt(0).all()
    assert (res.data["platform"] == platform).all()
    assert res.preset is not None and res.preset.name == REGISTRY[name][1]
    assert f"; preset {res.preset.name}" in res.summary()
    assert res.data["account_id"].notna().all()
    assert not res.data["account_id"].str.startswith("@").any()
    if name in FIRST_HANDLE:
        assert res.data["account_id"].iloc[0] == FIRST_HANDLE[name]

    kinds = {c.name: c.kind for c in contract_columns(table)}
    numeric = [c for c in res.columns if kinds[c] in ("number", "rate")]
    assert "followers" in numeric or table == "posts"
    sample = np.random.default_rng(0).choice(len(res.data), min(150, len(res.data)), replace=False)
    for col in numeric:
        idx = header.index(res.columns[col])  # mappings here always take the first occurrence
        for k in sample:
            raw = rows[res.source_rows[k] - 1][idx]
            got = res.data[col].iloc[k]
            expected = reference_number(raw, rate=kinds[col] == "rate")
            if math.isnan(expected):
                assert math.isnan(got) or col in ("engagements", "engagement_rate"), (col, raw)
            else:
                assert got == expected, (name, col, raw, got)


@pytest.mark.parametrize("name", sorted(n for n in REGISTRY if n.startswith(HYPE) and n not in NO_COPY))
def test_hypeauditor_suffix_counts_equal_the_spreadsheet_copy(real_data: Path, name: str) -> None:
    """'483.1M' must equal the file's own numeric copy '483100000' wherever that copy is a number."""
    res = load(real_data, name)
    header, rows = raw_rows(real_data / name, res.encoding or "utf-8")
    idx = header.index(res.columns["followers"])
    assert unique_headers([header[idx + 1]])[0].startswith(unique_headers([header[idx]])[0])
    copy = pd.to_numeric(
        pd.Series([rows[r - 1][idx + 1] for r in res.source_rows]), errors="coerce"
    )
    ok = copy.notna().to_numpy()
    assert ok.mean() > 0.9
    np.testing.assert_array_equal(res.data["followers"].to_numpy()[ok], copy.to_numpy()[ok])


def test_known_quarantines_in_real_files(real_data: Path) -> None:
    """Documented problems of the real files show up as quarantine reasons, with counts."""
    tiktok = pd.concat(
        [load(real_data, f"tiktok_famous_2020/sug_users_vids{i}.csv").quarantined
         for i in range(1, 5)]
        + [load(real_data, "tiktok_famous_2020/top_users_vids.csv").quarantined]
    )
    first = tiktok["reason"].str.split("; ").str[0]
    assert (first == "followers <= 0").sum() == 70  # SOURCE.md: 70 rows with 0 followers
    ig09 = load(real_data, HYPE + "instagram_2022-09.csv")
    assert ig09.quarantined["reason"].str.startswith("duplicate account_id").sum() == 67  # SOURCE.md: 67 repeats
    assert ig09.data["account_id"].is_unique
    assert load(real_data, HYPE + "tiktok_2022-11.csv").quarantined["reason"].iloc[0] == "empty row"
    kim_txt = load(real_data, "kim2020_instagram/influencers.txt").quarantined
    assert kim_txt["reason"].tolist() == ["empty row"]  # the '=====' line under the header
    top200 = load(real_data, "top_instagram_200/top_insta_influencers_data.csv")
    assert top200.quarantined.empty  # 'NaN%' is a missing rate, not an error
    rate = top200.data["engagement_rate"]
    assert rate.isna().sum() == 1 and rate.dropna().between(0, 1).all()
    assert top200.data.loc[rate.isna(), "account_id"].tolist() == ["rkive"]
    tt = load(real_data, HYPE + "tiktok_2022-06.csv").data
    assert (tt["engagement_rate"] > 1).sum() == 95  # derived rates above 1 are kept, not dropped
    ig06 = load(real_data, HYPE + "instagram_2022-06.csv")
    assert ig06.quarantined["reason"].str.startswith("duplicate account_id").sum() == 43  # SOURCE.md: 43 repeats
    assert "avg_views" not in ig06.data  # the misaligned "Views avg." (a country) stays out
    yt = load(real_data, "global_youtube_stats_2023/Global YouTube Statistics.csv")
    assert yt.encoding == "cp1252"
    assert yt.data["followers"].min() >= 12.3e6


def test_posts_sample_with_captions_from_gzip(real_data: Path) -> None:
    """The gzip caption file joins the post sample on shortcode; the joined frame loads as posts."""
    folder = real_data / "kim2020_instagram"
    captions = pd.read_csv(io.BytesIO(gzip.decompress((folder / "posts_sample_captions.csv.gz")
                                                      .read_bytes())), dtype=str)
    posts = pd.read_csv(folder / "posts_sample.csv", dtype=str, keep_default_na=False)
    joined = posts.merge(captions, on="shortcode", how="left", validate="one_to_one")
    res = read_table(joined, "posts", platform=IG)
    assert res.summary() == f"kept {len(posts):,} of {len(posts):,} rows; none quarantined"
    assert res.data["caption"].notna().mean() > 0.9
    posted = res.data["posted_at"]
    assert posted.between(pd.Timestamp("2012-08-01"), pd.Timestamp("2019-05-16")).all()
    assert res.data["sponsored"].sum() == 197  # SOURCE.md: 197 posts carry the paid tag
    assert not res.data["hashtags"].str.contains("|", regex=False).any()
