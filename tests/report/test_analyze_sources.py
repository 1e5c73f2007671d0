"""`analyze` over a folder mixing sources: Kim-format Instagram posts and TikTok-format videos
(SYNTHETIC files in tests/fixtures/exports/) are two datasets, named by their preset, never one
estimate; combining files tolerates columns only some have; the same accounts in two tables are
found and the second is marked as the same data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from inflresearch.data.load import read_table
from inflresearch.report.analyze import plan_analysis

MIXED = Path(__file__).parents[1] / "fixtures" / "exports" / "mixed"
KIM, TIKTOK = MIXED / "kim_posts_sample.csv", [MIXED / "tiktok_vids1.csv", MIXED / "tiktok_vids2.csv"]


def _inputs(parameters: dict) -> tuple[str, ...]:
    given = parameters["posts"] or parameters["data"]
    return tuple(sorted(Path(p).name for p in (given if isinstance(given, list) else [given])))


def test_kim_posts_and_tiktok_videos_in_one_folder_are_two_datasets_named_by_their_preset() -> None:
    planned = plan_analysis([MIXED])
    runs = {_inputs(r.parameters) for r in planned.runs if r.notebook.stem == "01_engagement_vs_followers"}
    assert runs == {("kim_posts_sample.csv",), ("tiktok_vids1.csv", "tiktok_vids2.csv")}
    named = {d.name: (d.platform, d.files, len(d.accounts)) for d in planned.datasets}
    assert named == {
        "Kim 2020 Instagram post sample": ("instagram", ["kim_posts_sample.csv"], 80),
        "TikTok 2020 video scrape (suggested or top users), 2 files":
            ("tiktok", ["tiktok_vids1.csv", "tiktok_vids2.csv"], 40)}
    assert all(d.same_as is None for d in planned.datasets)


def test_combining_files_keeps_a_flag_only_some_have_out_and_says_so() -> None:
    result = read_table([KIM, *TIKTOK], "posts")
    assert "sponsored" not in result.data.columns
    assert any("column 'sponsored' is in kim_posts_sample.csv only" in w and "a missing flag is not False" in w
               for w in result.warnings)
    assert result.data["views"].isna().sum() == 640  # a number column one file lacks: missing there
    assert set(result.data["platform"]) == {"instagram", "tiktok"}  # each row keeps its platform
    assert read_table(KIM, "posts").data["sponsored"].dtype == bool  # one file alone keeps it


def test_an_account_table_derived_from_the_posts_is_the_same_data_and_pairs_with_them(tmp_path: Path) -> None:
    shutil.copy(KIM, tmp_path / "posts.csv")
    posts = read_table(KIM, "posts").data
    accounts = posts.groupby("account_id").agg(followers=("followers", "first"), avg_likes=("likes", "mean"),
                                               category=("niche", "first"))
    accounts.reset_index().to_csv(tmp_path / "accounts.csv", index=False)
    pd.DataFrame({"account_id": [f"other_{i}" for i in range(50)], "followers": range(1000, 1050),
                  "avg_likes": range(50)}).to_csv(tmp_path / "others.csv", index=False)
    pd.read_csv(KIM)[["shortcode"]].assign(caption="#gym morning run").to_csv(
        tmp_path / "posts_captions.csv", index=False)
    planned = plan_analysis([tmp_path])
    by_file = {d.files[0]: d for d in planned.datasets}
    assert by_file["accounts.csv"].same_as == by_file["posts.csv"].id
    assert by_file["accounts.csv"].shared == 80
    assert by_file["posts.csv"].same_as is None and by_file["others.csv"].same_as is None
    # notebook 02 clusters the posts' text of the account table that holds the same accounts,
    # with the captions side file joined, and compares its niches with Kim's category (niche)
    niches = [r.parameters for r in planned.runs if r.notebook.stem == "02_niche_clustering"]
    assert [(Path(p["data"]).name, Path(p["posts"]).name, Path(p["captions"]).name) for p in niches] == [
        ("accounts.csv", "posts.csv", "posts_captions.csv")]
    assert niches[0]["category_column"] == "niche"


@pytest.mark.parametrize("name", ["kim_posts_sample.csv", "tiktok_vids1.csv"])
def test_the_fixtures_say_they_are_synthetic(name: str) -> None:
    assert "SYNTHETIC" in (MIXED.parent / "README.md").read_text()
    assert name in (MIXED.parent / "README.md").read_text()


def test_aggregate_maps_known_exports_by_their_preset_and_refuses_to_mix_sources(tmp_path, capsys) -> None:
    from inflresearch.cli import main

    out = tmp_path / "accounts.csv"
    assert main(["aggregate", *map(str, TIKTOK), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "preset tiktok2020-videos" in printed and "'create_time' holds Unix seconds" in printed
    accounts = pd.read_csv(out)
    assert len(accounts) == 40 and set(accounts["platform"]) == {"tiktok"}
    assert main(["aggregate", str(KIM), str(TIKTOK[0]), "--out", str(tmp_path / "mixed.csv")]) != 0
    err = capsys.readouterr().err
    assert "come from different sources" in err and "kim2020-instagram-posts" in err
    assert not (tmp_path / "mixed.csv").exists()


def test_notebook_02_reads_the_posts_of_one_scrape_split_in_files(tmp_path: Path) -> None:
    from inflresearch.questions.niches.notebook import notebook_params

    p = notebook_params(data=str(KIM), posts=[str(f) for f in TIKTOK], run_dir=str(tmp_path))
    assert p.posts == TIKTOK
