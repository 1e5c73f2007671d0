"""A notebook ends with one call (`report`): run by hand, it also writes report.html and updates
the index, and results.json is written once; a run by the report pipeline leaves the report and
the index to the pipeline."""

from __future__ import annotations

import json
from pathlib import Path

from inflresearch.claims import ENGAGEMENT_RATE_DECLINES, Claim, not_testable
from inflresearch.params import input_records
from inflresearch.questions import Analysis, Inputs, RunParams
from inflresearch.report.finish import report
from inflresearch.report.schema_check import validate_results


class _Tiny(Analysis):
    def tested_claims(self) -> list[Claim]:
        return [not_testable(ENGAGEMENT_RATE_DECLINES, "no engagement column", n=0, method="-")]

    def estimates(self) -> dict:
        return {"n": 0}


def test_a_hand_run_writes_its_report_and_updates_the_index(tmp_path: Path, monkeypatch) -> None:
    from inflresearch.atomic import atomic_write_text as real_write

    run = tmp_path / "reports" / "20260101T000000000000Z-01-engagement-vs-followers"
    run.mkdir(parents=True)
    inputs = input_records({"data": "sample", "posts": None}, {"data": "influencers",
                                                              "posts": "posts"})
    p = RunParams(notebook="01_engagement_vs_followers", run_dir=run, simulated=True, inputs=inputs)
    writes = []
    monkeypatch.setattr("inflresearch.runs.atomic_write_text",
                        lambda path, text: writes.append(path) or real_write(path, text))
    shown = report(_Tiny(), p, Inputs({}))
    assert writes == [run / "results.json"], "results.json is written once"
    assert "report.html" in shown.data and "index.html" in shown.data
    doc = json.loads((run / "results.json").read_text())
    validate_results(doc)
    assert doc["run"]["status"] == "succeeded" and doc["run"]["by_hand"] is True
    assert doc["run"]["inputs"]["data"]["simulated"] is True and doc["run"]["inputs"]["posts"] is None
    page = (run / "report.html").read_text()
    assert "run by hand" in page and "SIMULATED data" in page and "no engagement column" in page
    index = (tmp_path / "reports" / "index.html").read_text()
    assert run.name in index and "simulated" in index


def test_a_pipeline_run_leaves_report_and_index_to_the_pipeline(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    (run / "notebook.ipynb").write_text("{}")  # what papermill executes into the folder
    report(_Tiny(), RunParams(notebook="01_engagement_vs_followers", run_dir=run, simulated=False), Inputs({}))
    assert (run / "results.json").is_file()
    assert not (run / "report.html").exists() and not (tmp_path / "index.html").exists()


def test_a_hand_run_records_its_parameters_notebook_and_time(tmp_path: Path, monkeypatch) -> None:
    """results.json of a hand run holds the coerced parameters, the notebook's path and when the
    run folder was made; the index marks it "by hand"; the page words claims as sentences."""
    from dataclasses import dataclass

    @dataclass(frozen=True, kw_only=True)
    class _Params(RunParams):
        alpha: float
        data: Path

    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    run = tmp_path / "reports" / "20260101T101500000000Z-01-engagement-vs-followers"
    run.mkdir(parents=True)
    p = _Params(notebook="01_engagement_vs_followers", run_dir=run, simulated=False,
                alpha=0.1, data=tmp_path / "in.csv")
    report(_Tiny(), p, Inputs({}))
    doc = json.loads((run / "results.json").read_text())
    validate_results(doc)
    assert doc["run"]["parameters"] == {"alpha": 0.1, "data": str(tmp_path / "in.csv")}
    assert doc["run"]["notebook"] == "notebooks/01_engagement_vs_followers.ipynb"
    assert doc["run"]["started"] == "2026-01-01T10:15:00+00:00" and doc["run"]["seconds"] > 0
    index = (tmp_path / "reports" / "index.html").read_text()
    assert "by hand" in index
    claims_part = (run / "report.html").read_text().split("Claims", 1)[-1]
    assert "Does the engagement rate fall as follower count grows?" in claims_part
    assert "engagement_rate_declines" not in claims_part
