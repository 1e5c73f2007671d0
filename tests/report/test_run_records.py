"""What a run folder records and how the index reads it: a bad results.json fails the run consistently,
wrong-shaped files are skipped and flagged, an incomplete run is never cached, an unknown verdict
does not crash the pages, and the run cache covers the package code.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from run_folders import CLAIM, plan_folder, results, run_folder

from inflresearch.cli import main
from inflresearch.report.index import build_index, write_findings
from inflresearch.report.plan import successful_runs_by_key
from inflresearch.report.provenance import cache_key
from inflresearch.report.schema_check import validate_results

ROOT = Path(__file__).resolve().parents[2]


FIXTURE = ROOT / "tests" / "fixtures" / "fixture_report.ipynb"


def _notebook(tmp_path: Path, body: str, name: str = "writer") -> Path:
    """A tiny notebook with a parameters cell (run_dir) and one code cell `body`."""
    params = nbformat.v4.new_code_cell("run_dir = None")
    params.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell(f"# {name}"), params, nbformat.v4.new_code_cell(body)]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path




BAD_RESULTS = {
    "none": "pass",
    "corrupt": "open(f'{run_dir}/results.json', 'w').write('{not json')",
    "nan": "open(f'{run_dir}/results.json', 'w').write('{\"claims\": [], \"estimates\": {\"b\": NaN}}')",
    "list": "open(f'{run_dir}/results.json', 'w').write('[1, 2]')",
    "bad-verdict": (
        "import json; json.dump({'claims': [dict(" + repr(CLAIM) + ", verdict='amazing')],"
        " 'estimates': {}}, open(f'{run_dir}/results.json', 'w'))"
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_RESULTS))
def test_a_bad_results_json_fails_the_run_consistently(tmp_path, capsys, case):
    notebook = _notebook(tmp_path, BAD_RESULTS[case])
    root = tmp_path / "reports"
    code = main(["run", str(notebook), "--reports", str(root)])
    out = capsys.readouterr().out
    assert code == 1 and out.startswith("failed:"), out
    (folder,) = [p for p in root.iterdir() if p.is_dir()]
    doc = json.loads((folder / "results.json").read_text())
    validate_results(doc)
    assert doc["run"]["status"] == "failed" and doc["run"]["error"]
    page = (folder / "report.html").read_text()
    assert "This run failed" in page
    index = (root / "index.html").read_text()
    assert folder.name in index and "report.html" in index  # listed, with its report
    if case != "none":
        assert (folder / "results.invalid.json").is_file()  # the notebook's own file is kept


def test_wrong_shaped_results_or_plan_json_is_skipped_and_flagged(tmp_path):
    run_folder(tmp_path, "good", results("good"))
    run_folder(tmp_path, "shape", {"run": [], "claims": 1})
    run_folder(tmp_path, "status", {"run": {"status": 3}})
    (tmp_path / "plan-bad").mkdir()
    (tmp_path / "plan-bad" / "plan.json").write_text(json.dumps({"runs": "x"}))
    (tmp_path / "plan-bad2").mkdir()
    (tmp_path / "plan-bad2" / "plan.json").write_text(json.dumps({"name": "p", "runs": [1]}))
    page = build_index(tmp_path).read_text()
    assert "./good/report.html" in page
    skipped = page.split("Skipped folders", 1)[1]
    for name in ("shape", "status", "plan-bad", "plan-bad2"):
        assert f"<code>{name}</code>" in skipped
    assert "does not match its schema" in skipped


def test_a_succeeded_run_without_report_is_incomplete_and_never_cached(tmp_path):
    run_folder(tmp_path, "whole", results("whole"))
    run_folder(tmp_path, "halfway", results("halfway"), outputs=False)
    plan = plan_folder(tmp_path, "plan-p", ["whole", "halfway"])
    assert successful_runs_by_key(tmp_path) == {"key-whole": "whole"}
    findings = write_findings(plan, json.loads((plan / "plan.json").read_text())).read_text()
    assert "./../" not in findings and "../whole/report.html" in findings
    assert "../halfway/report.html" not in findings and "1 run(s) failed" in findings
    index = build_index(tmp_path).read_text()
    assert "incomplete" in index and "./halfway/report.html" not in index


def test_an_unexpected_verdict_does_not_crash_findings_or_index(tmp_path):
    run_folder(tmp_path, "fine", results("fine"))
    run_folder(tmp_path, "odd", results("odd", claims=[dict(CLAIM, verdict="amazing")]))
    plan = plan_folder(tmp_path, "plan-q", ["fine", "odd", "gone", "../escape"])
    findings = write_findings(plan, json.loads((plan / "plan.json").read_text())).read_text()
    assert "../fine/report.html" in findings and "3 run(s) failed" in findings
    index = build_index(tmp_path).read_text()
    assert "<code>odd</code>" in index.split("Skipped folders", 1)[1]


def test_cache_key_covers_the_package_code(tmp_path, monkeypatch):
    from inflresearch.report import provenance

    before = cache_key(FIXTURE, {"bio": "a"})
    monkeypatch.setattr(provenance, "package_version", lambda: "999.0")
    assert cache_key(FIXTURE, {"bio": "a"}) != before
    version = provenance.code_version()
    assert version.startswith("999.0")
    if provenance._git(provenance.project_root(), "rev-parse", "HEAD"):
        assert len(version.split()) >= 2  # the last commit of src/ is part of the key


def test_a_run_stopped_before_the_pipeline_finished_is_flagged(tmp_path):
    written_by_notebook = {"run": {"notebook": "x", "data": []}, "claims": [], "estimates": {}}
    run_folder(tmp_path, "stopped", written_by_notebook, outputs=False)
    index = build_index(tmp_path).read_text()
    assert "the run never finished" in index.split("Skipped folders", 1)[1]
    assert successful_runs_by_key(tmp_path) == {}
