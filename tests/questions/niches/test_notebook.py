"""Notebook 02: parameters, inputs (captions side file, category by name), the analysis on a
simulated world, and the shared end-to-end run."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from notebook_runs import run_group

from inflresearch.data.synth import simulate_world, write_world
from inflresearch.errors import DataError
from inflresearch.questions.niches import notebook as nb02


@pytest.fixture(scope="module")
def world_dir(tmp_path_factory):
    world = simulate_world(seed=14, n_influencers=500, n_campaigns=0)
    return write_world(world, tmp_path_factory.mktemp("world"))


def test_params_are_coerced_and_bad_values_refused(tmp_path, world_dir):
    p = nb02.notebook_params(data=str(world_dir / "influencers.csv"), posts=None, k="5",
                             k_min="3", k_max=6.0, seed="2", alpha="0.1", stop_words="foo, bar",
                             text_columns="bio", category_column="niche", run_dir=str(tmp_path))
    assert (p.k, p.k_min, p.k_max, p.seed, p.alpha) == (5, 3, 6, 2, 0.1)
    assert p.stop_words == ("foo", "bar") and p.text_columns == ("bio",) and not p.simulated
    assert p.posts is None and p.category_column == "niche"
    for bad, message in (({"k": "many"}, "'k'"), ({"k_min": 8, "k_max": 4}, "k_min"),
                         ({"alpha": 1}, "alpha"), ({"data": "nope.csv"}, "data"),
                         ({"columns": ["a"]}, "columns"), ({"n_resamples": -1}, "n_resamples"),
                         ({"text_columns": ["followers"]}, "follower"),
                         ({"text_columns": ["niche"], "category_column": "niche"}, "category")):
        with pytest.raises(ValueError, match=message):
            nb02.notebook_params(**{"run_dir": str(tmp_path / "r"), **bad})


def test_inputs_category_by_source_name_and_captions_side_file(tmp_path, world_dir):
    inf = pd.read_csv(world_dir / "influencers.csv").rename(
        columns={"niche": "Category", "account_id": "username"})
    inf.to_csv(tmp_path / "inf.csv", index=False)
    posts = pd.read_csv(world_dir / "posts.csv").assign(shortcode=lambda d: "s" + d["post_id"])
    posts.drop(columns=["caption"]).to_csv(tmp_path / "posts.csv", index=False)
    posts[["shortcode", "caption"]].iloc[::-1].to_csv(tmp_path / "caps.csv.gz", index=False)
    p = nb02.notebook_params(data=str(tmp_path / "inf.csv"), posts=str(tmp_path / "posts.csv"),
                             captions=str(tmp_path / "caps.csv.gz"), category_column="Category",
                             run_dir=str(tmp_path / "run"))
    inputs = nb02.load_inputs(p)
    assert inputs.category.tolist() == inf["Category"].tolist()
    assert inputs.posts["caption"].tolist() == posts["caption"].tolist()
    assert any("captions for" in s for s in inputs.summaries)
    assert len(inputs.records) == 3
    (tmp_path / "bad.csv").write_text("id,text\n1,x\n")
    with pytest.raises(DataError, match="caption"):
        nb02.attach_captions(inputs.posts, tmp_path / "bad.csv")
    p = nb02.notebook_params(data=str(tmp_path / "inf.csv"), posts=None, category_column="genre",
                             run_dir=str(tmp_path / "run2"))
    with pytest.raises(DataError, match="genre"):
        nb02.load_inputs(p)


def test_engagements_come_from_posts_when_the_table_has_none(tmp_path, world_dir):
    inf = pd.read_csv(world_dir / "influencers.csv")[["account_id", "followers", "bio"]]
    inf.to_csv(tmp_path / "inf.csv", index=False)
    p = nb02.notebook_params(data=str(tmp_path / "inf.csv"), posts=str(world_dir / "posts.csv"),
                             k=6, n_resamples=0, n_boot=10, run_dir=str(tmp_path / "run"))
    inputs = nb02.load_inputs(p)
    truth = pd.read_csv(world_dir / "posts.csv").assign(e=lambda d: d.likes + d.comments)
    expected = truth.groupby("account_id")["e"].mean()
    got = inputs.accounts.set_index("account_id")["engagements"]
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False)
    a = nb02.run_analysis(inputs, p)
    assert a.agreement is None and a.elasticities is not None and len(a.elasticities) == 6
    assert set(a.estimates()) >= {"k", "silhouette"} and "ari" not in a.estimates()


def test_analysis_recovers_the_simulated_niches(tmp_path, world_dir):
    p = nb02.notebook_params(data=str(world_dir / "influencers.csv"),
                             posts=str(world_dir / "posts.csv"), category_column="niche",
                             k_min=4, k_max=8, n_resamples=3, n_boot=20, seed=3,
                             run_dir=str(tmp_path / "run"))
    a = nb02.run_analysis(nb02.load_inputs(p), p)
    est = a.estimates()
    assert est["k"] == 6 and est["ari"] >= 0.8 and 0 < est["nmi"] <= 1
    assert -1 <= est["silhouette"] <= 1
    (claim,) = a.claims()
    assert claim.id == "micro_audiences_more_focused" and claim.verdict == "supported"
    assert len(est["niche_elasticities"]) == 6


@pytest.mark.xdist_group(run_group("niches"))
def test_notebook_end_to_end_writes_the_niche_table(question_run, hostile_world):
    run = question_run("niches")  # the shared run through the report pipeline
    doc = json.loads((run.folder / "results.json").read_text())
    est = doc["estimates"]
    assert 3 <= est["k"] <= 7 and -1 <= est["silhouette"] <= 1  # small_parameters: k 3..7
    (claim,) = doc["claims"]
    assert claim["id"] == "micro_audiences_more_focused"
    niches = pd.read_csv(run.folder / "niches.csv")
    assert {"account_id", "niche_discovered", "niche_terms"} <= set(niches.columns)
    assert len(niches) == len(pd.read_csv(hostile_world["influencers"])) - 2  # two quarantined
    assert len(est["niche_elasticities"]) == est["k"]


def test_kim2020_inputs_load_with_captions_and_categories(real_data, tmp_path):
    kim = real_data / "kim2020_instagram"
    p = nb02.notebook_params(data=str(kim / "influencers.csv"), posts=str(kim / "posts_sample.csv"),
                             captions=str(kim / "posts_sample_captions.csv.gz"),
                             category_column="category", run_dir=str(tmp_path))
    inputs = nb02.load_inputs(p)
    assert len(inputs.accounts) == 33_935 and len(inputs.posts) == 39_730
    assert inputs.posts["caption"].notna().mean() > 0.95  # joined on shortcode
    assert inputs.category.notna().all() and {"fashion", "pet"} <= set(inputs.category)
    assert inputs.accounts["engagements"].notna().sum() > 20_000  # from the sampled posts
