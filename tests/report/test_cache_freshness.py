"""The cache never serves a result computed on other input than the file holds: the key is taken
before the kernel starts, and a run whose recorded input hash differs from it is not cached."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from inflresearch.report.execute import execute_run
from inflresearch.report.plan import Plan, PlannedRun, run_plan, successful_runs_by_key
from inflresearch.report.provenance import cache_key
from inflresearch.report.schema_check import validate_results

RECORD = """
from pathlib import Path
from inflresearch import claims, runs
path = Path(data)
{change}
rec = claims.claim_result('engagement_rate_declines', estimate=0.8, ci_low=0.7, ci_high=0.9,
    p_value=0.001, n=100, method='fixture', null=1.0, direction='less')
_ = runs.save_results(run_dir, claims.adjust_holm([rec]), {{}}, notebook='changing',
    data=[runs.data_record(path, 1)])
"""


def _notebook(folder: Path, change: str) -> Path:
    nb = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell('data = "x.csv"\nrun_dir = None')
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [parameters, nbformat.v4.new_code_cell(RECORD.format(change=change))]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "changing.ipynb"
    nbformat.write(nb, path)
    return path


def test_a_file_changed_during_the_run_is_never_served_from_the_cache(tmp_path):
    data = tmp_path / "inputs.csv"
    data.write_text("account_id,followers\na,1\n")
    # the file changes while the kernel runs (another process writing it, here the notebook)
    notebook = _notebook(tmp_path, 'path.write_text(path.read_text() + "b,2\\n")')
    root = tmp_path / "reports"
    key_before = cache_key(notebook, {"data": str(data)})
    run = execute_run(notebook, {"data": str(data)}, root=root, progress=False)
    assert run.status == "succeeded"
    recorded = json.loads((run.folder / "results.json").read_text())
    validate_results(recorded)
    assert "cache_key" not in recorded["run"]
    assert recorded["run"]["cache_refused"].startswith("input changed during the run")
    assert str(data) in recorded["run"]["cache_refused"]
    assert successful_runs_by_key(root) == {}
    # neither the changed file nor the file put back as it was is served the old result
    planned = Plan(name="again", runs=[PlannedRun(notebook, {"data": str(data)})], workers=1)
    assert [r["status"] for r in run_plan(planned, root=root).runs] == ["succeeded"]
    data.write_text("account_id,followers\na,1\n")
    assert cache_key(notebook, {"data": str(data)}) == key_before
    assert [r["status"] for r in run_plan(planned, root=root).runs] == ["succeeded"]


def test_an_unchanged_file_is_cached_under_the_key_taken_before_the_kernel(tmp_path):
    data = tmp_path / "inputs.csv"
    data.write_text("account_id,followers\na,1\n")
    notebook = _notebook(tmp_path, "")
    root = tmp_path / "reports"
    key = cache_key(notebook, {"data": str(data)})
    run = execute_run(notebook, {"data": str(data)}, root=root, progress=False)
    recorded = json.loads((run.folder / "results.json").read_text())
    assert recorded["run"]["cache_key"] == key and "cache_refused" not in recorded["run"]
    planned = Plan(name="again", runs=[PlannedRun(notebook, {"data": str(data)})], workers=1)
    assert [r["status"] for r in run_plan(planned, root=root).runs] == ["cached"]
