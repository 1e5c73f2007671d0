"""Notebooks given posts data build account-level figures with the aggregation step (issue 7)."""

from __future__ import annotations

import pytest

from inflresearch.data.synth import simulate_world
from inflresearch.questions.engagement import notebook as nb01
from inflresearch.questions.niches import notebook as nb02


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("engines")
    world = simulate_world(seed=3, n_influencers=300, n_campaigns=0)
    bare = world.influencers.drop(
        columns=["engagements", "engagement_rate", "avg_likes", "avg_comments", "avg_views"]
    )
    bare.to_csv(folder / "influencers.csv", index=False)
    world.posts.to_csv(folder / "posts.csv", index=False)
    return world, folder


def test_engagement_notebook_builds_accounts_from_posts(files, tmp_path):
    world, folder = files
    p = nb01.notebook_params(data=None, posts=str(folder / "posts.csv"), run_dir=tmp_path)
    assert p.engine == "duckdb"
    inputs = nb01.load_inputs(p)
    got = inputs.accounts.set_index("account_id")["engagements"].sort_index()
    want = world.influencers.set_index("account_id")["engagements"].sort_index()
    assert got.to_numpy() == pytest.approx(want.to_numpy(), rel=1e-12)
    assert "on duckdb" in inputs.summaries[-1]


def test_niche_notebook_takes_engagement_from_the_aggregation_step(files, tmp_path):
    world, folder = files
    p = nb02.notebook_params(data=str(folder / "influencers.csv"), posts=str(folder / "posts.csv"),
                             run_dir=tmp_path)
    inputs = nb02.load_inputs(p)
    got = inputs.accounts.set_index("account_id")["engagements"]
    want = world.influencers.set_index("account_id")["engagements"]
    assert (got - want).abs().max() < 1e-9


def test_engine_parameter_is_validated(tmp_path):
    with pytest.raises(ValueError, match="'engine' must be one of duckdb, spark"):
        nb01.notebook_params(data="sample", engine="pandas", run_dir=tmp_path)
    with pytest.raises(ValueError, match="'engine'"):
        nb02.notebook_params(data="sample", engine="polars", run_dir=tmp_path)
