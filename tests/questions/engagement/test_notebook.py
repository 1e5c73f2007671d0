"""Notebook 01: parameter coercion, the analysis bundle, end-to-end papermill runs, real data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import papermill as pm
import pytest
from notebook_runs import run_group

from inflresearch.data.synth import simulate_world, write_world
from inflresearch.methods.elasticity import prepare_accounts
from inflresearch.questions.engagement import notebook as nb01
from inflresearch.questions.engagement.elasticity import elasticity
from inflresearch.questions.engagement.prepare import range_check

NOTEBOOK = Path(__file__).resolve().parents[3] / "notebooks" / "01_engagement_vs_followers.ipynb"
REQUIRED = ("elasticity", "elasticity_ci_low", "elasticity_ci_high", "n_accounts", "follower_min",
            "follower_max", "turning_point_followers", "breakpoint_followers", "breakpoint_ci_low",
            "breakpoint_ci_high", "range_warning")


@pytest.fixture(scope="module")
def world_dir(tmp_path_factory):
    world = simulate_world(seed=12, n_influencers=400, n_campaigns=0, elasticity=0.75)
    return write_world(world, tmp_path_factory.mktemp("world"))


def test_params_are_coerced_and_bad_values_refused(tmp_path, world_dir):
    p = nb01.notebook_params(data=str(world_dir / "influencers.csv"), alpha="0.1", seed="3",
                             n_boot=10.0, tiers="Industry", platform="Instagram",
                             run_dir=str(tmp_path / "run"))
    assert (p.alpha, p.seed, p.n_boot, p.tiers, p.platform) == (0.1, 3, 10, "industry",
                                                                "instagram")
    assert p.run_dir.is_dir() and not p.simulated and p.posts == ()
    for bad, message in (({"alpha": 2}, "alpha"), ({"tiers": "mega"}, "tiers"),
                         ({"columns": ["a"]}, "columns"), ({"data": "nope.csv"}, "data"),
                         ({"n_boot": -1}, "n_boot"), ({"selected_on_outcome": "yes"}, "selected"),
                         ({"data": None}, "data")):
        with pytest.raises(ValueError, match=message):
            nb01.notebook_params(**{"run_dir": str(tmp_path / "r"), **bad})
    assert nb01.notebook_params(data="sample", run_dir=str(tmp_path / "s")).simulated


def test_analysis_estimates_and_claims(world_dir):
    accounts = pd.read_csv(world_dir / "influencers.csv")
    posts = pd.read_csv(world_dir / "posts.csv", parse_dates=["posted_at"])
    a = nb01.analyse_accounts(accounts, posts, n_boot=20)
    est = a.estimates()
    for key in REQUIRED:
        assert key in est, key
    assert est["elasticity_ci_low"] <= 0.75 <= est["elasticity_ci_high"]
    assert est["range_warning"] is False and est["n_accounts"] == 400
    assert est["post_level_elasticity"]["instagram"]["ci_low"] <= 0.75
    claims = {c.id: c for c in a.claims()}
    assert claims["engagement_rate_declines"].verdict == "supported"
    assert claims["engagement_inverted_u"].verdict != "supported"
    assert "Elasticity b =" in a.verdict_markdown()
    json.dumps(est, default=float)  # serialisable


@pytest.mark.xdist_group(run_group("engagement"))
def test_notebook_end_to_end_records_claims_estimates_and_inputs(question_run, hostile_world):
    run = question_run("engagement")  # the shared run through the report pipeline
    results = json.loads((run.folder / "results.json").read_text())
    claims = {c["id"]: c for c in results["claims"]}
    assert set(claims) == {"engagement_rate_declines", "engagement_inverted_u", "engagement_rate_sweet_spot"}
    testable = [c for c in claims.values() if c["verdict"] != "not testable"]
    assert claims["engagement_rate_declines"]["verdict"] == "supported"
    assert all(c["holm_family_size"] == len(testable) for c in claims.values())
    est = results["estimates"]
    for key in REQUIRED:
        assert key in est, key
    influencers = len(pd.read_csv(hostile_world["influencers"]))
    assert [d["rows"] for d in results["run"]["data"]] == [influencers - 2, len(pd.read_csv(
        hostile_world["posts"]))]  # two influencer rows quarantined
    executed = (run.folder / "notebook.ipynb").read_text()
    assert "Elasticity b =" in executed and "Traceback" not in executed


def test_notebook_on_degenerate_input_fails_with_a_clear_error(tmp_path):
    tiny = tmp_path / "tiny.csv"
    pd.DataFrame({"account_id": list("abcde"), "followers": [1e3, 2e3, 5e3, 1e4, 2e4],
                  "avg_likes": [50.0, 80, 150, 200, 300]}).to_csv(tiny, index=False)
    with pytest.raises(pm.PapermillExecutionError, match="at least 10 are needed"):
        pm.execute_notebook(str(NOTEBOOK), str(tmp_path / "out.ipynb"), kernel_name="python3",
                            cwd=str(tmp_path), progress_bar=False,
                            parameters={"data": str(tiny), "n_boot": 10,
                                        "run_dir": str(tmp_path / "run")})


def test_quarantined_rows_are_written_to_the_run_folder(tmp_path):
    world = simulate_world(seed=13, n_influencers=200, n_campaigns=0)
    frame = world.influencers[["account_id", "followers", "avg_likes", "avg_comments"]].copy()
    frame["followers"] = frame["followers"].astype(object)
    frame.loc[frame.index[:3], "followers"] = "lots"
    path = tmp_path / "accounts.csv"
    frame.to_csv(path, index=False)
    p = nb01.notebook_params(data=str(path), run_dir=str(tmp_path / "run"), n_boot=10)
    inputs = nb01.load_inputs(p)
    assert len(inputs.accounts) == 197
    assert (p.run_dir / "quarantine-influencers.csv").is_file()
    assert inputs.records[0]["rows"] == 197


def test_real_kim_and_hypeauditor_files(real_data, tmp_path):
    kim = nb01.notebook_params(
        data=str(real_data / "kim2020_instagram" / "influencer_engagement_from_sample.csv"),
        platform="instagram", run_dir=str(tmp_path / "kim"))
    accounts = prepare_accounts(nb01.load_inputs(kim).accounts)
    assert not range_check(accounts).warning
    assert 0.8 < elasticity(accounts).estimate < 0.95  # SOURCE.md: log-log slope of likes ~0.89
    hype = nb01.notebook_params(
        data=str(real_data / "hypeauditor_top1000_2022" / "instagram_2022-12.csv"),
        columns={"name": "account_id", "instagram name": None}, platform="instagram",
        run_dir=str(tmp_path / "hype"))
    h = nb01.analyse_accounts(nb01.load_inputs(hype).accounts, n_boot=20)
    assert h.check.warning
    assert all(c.verdict == "not testable" for c in h.claims())
    assert np.isfinite(h.estimates()["elasticity"])
