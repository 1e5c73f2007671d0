"""Notebook 03 end to end (the shared run on the hostile SIMULATED world, and papermill on an
influencer table alone), and its parameter checks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import papermill as pm
import pytest
from notebook_runs import run_group

from inflresearch.data.synth import simulate_world, write_world
from inflresearch.questions.roi import notebook as roi

NOTEBOOK = Path(__file__).resolve().parents[3] / "notebooks" / "03_roi_micro_vs_macro.ipynb"
CLAIMS = ["micro_roi_exceeds_macro", "ten_micro_beat_one_macro",
          "influencer_roi_exceeds_traditional"]


@pytest.fixture(scope="module")
def world_dir(tmp_path_factory) -> Path:
    world = simulate_world(seed=31, n_influencers=1500, n_campaigns=60, with_text=False,
                           posts_per_account=2)
    return write_world(world, tmp_path_factory.mktemp("world"))


def _run(tmp_path: Path, **parameters) -> tuple[dict, nbformat.NotebookNode, Path]:
    run_dir = tmp_path / "run"
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(NOTEBOOK), str(out), kernel_name="python3", cwd=str(tmp_path),
                        parameters={"n_boot": 100, "n_portfolios": 1000,
                                    "run_dir": str(run_dir), **parameters})
    results = json.loads((run_dir / "results.json").read_text())
    return results, nbformat.read(out, as_version=4), run_dir


def _text(nb: nbformat.NotebookNode) -> str:
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.extend(str(v) for v in output.get("data", {}).values())
    return "\n".join(parts)


def test_notebook_is_saved_without_outputs_and_has_the_parameters_cell():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.cells[0].cell_type == "markdown"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0] is nb.cells[1]
    untyped = re.sub(r"^(\w+): [^=]+ = ", r"\1 = ", tagged[0].source, flags=re.M)  # drop annotations
    for name in ('data = "sample"', "seed = 7", "alpha = 0.05", "run_dir = None",
                 'influencers = None', 'tiers = "blog"', "micro_range = None",
                 "macro_range = None", "budget = None", "price_elasticity = None"):
        assert name in untyped
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert nb.metadata["kernelspec"]["name"] == "inflresearch"


@pytest.mark.xdist_group(run_group("roi"))
def test_notebook_end_to_end_records_claims_definitions_and_inputs(question_run, hostile_world):
    run = question_run("roi")  # the shared run through the report pipeline
    results = json.loads((run.folder / "results.json").read_text())
    claims = {c["id"]: c for c in results["claims"]}
    assert list(claims) == CLAIMS
    for c in claims.values():
        assert c["verdict"] in ("supported", "contradicted", "inconclusive", "not testable")
    testable = [c for c in claims.values() if c["verdict"] != "not testable"]
    assert claims["micro_roi_exceeds_macro"]["verdict"] != "not testable"
    assert all(c["holm_family_size"] == len(testable) for c in claims.values())
    est = results["estimates"]
    assert est["definitions"]["micro"] == [5000, 10000] and est["definitions"]["large"][1] is None
    groups = {g["group"] for g in est["micro_vs_macro"]["groups"]}
    assert groups == {"micro 5k-10k", "macro 10k-100k"}
    assert {r["metric"] for r in est["pooled_by_channel_tier"]} == {"roas", "roi"}
    assert "p_micro_wins" in est["portfolio"] or "budget" in est["portfolio"]
    assert 0 <= est["spec_curve"]["share_supported"] <= 1
    assert est["assumption_based"]["assumption_based"] is True
    assert (run.folder / "quarantine-campaigns.csv").is_file()
    text = _text(nbformat.read(run.folder / "notebook.ipynb", as_version=4))
    assert "verdict" in text and "ASSUMPTION-BASED" in text
    campaigns = len(pd.read_csv(hostile_world["campaigns"]))
    assert results["run"]["data"][0]["rows"] == campaigns - 1  # the quarantined channel row


def test_notebook_on_an_influencer_table_only(world_dir, tmp_path):
    results, nb, _ = _run(tmp_path, data=None, influencers=str(world_dir / "influencers.csv"),
                          tiers="industry")
    assert [c["verdict"] for c in results["claims"]] == ["not testable"] * 3
    assert all("no campaign" in c["note"] for c in results["claims"])
    assumed = results["estimates"]["assumption_based"]
    assert assumed["assumption_based"] is True and assumed["g_source"] == "estimated"
    assert "not testable" in _text(nb)


def test_params_are_validated(tmp_path):
    run = str(tmp_path)
    with pytest.raises(ValueError, match="both empty"):
        roi.notebook_params(data=None, influencers=None, run_dir=run)
    with pytest.raises(ValueError, match="tiers"):
        roi.notebook_params(tiers="mega", run_dir=run)
    with pytest.raises(ValueError, match="below macro"):
        roi.notebook_params(micro_range=[5e4, 2e5], run_dir=run)
    with pytest.raises(ValueError, match="budget"):
        roi.notebook_params(budget=-1, run_dir=run)
    with pytest.raises(ValueError, match="n_boot"):
        roi.notebook_params(n_boot=10, run_dir=run)
    with pytest.raises(ValueError, match="no such file"):
        roi.notebook_params(data="nowhere.csv", run_dir=run)
    p = roi.notebook_params(macro_range=[1e5, None], columns={"Spend": "cost"}, run_dir=run)
    assert p.macro == (1e5, None) and p.large == (1e5, None)
    assert p.columns == {"campaigns": {"Spend": "cost"}}
