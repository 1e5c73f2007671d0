"""The report pipeline: runs, failure handling, self-contained escaped HTML, plans, caching."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest
from html_checks import assert_self_contained

from inflresearch.atomic import atomic_write_text
from inflresearch.cli import main
from inflresearch.report import html
from inflresearch.report import parameters as nbparams
from inflresearch.report.execute import execute_run
from inflresearch.report.html import clean_fragment
from inflresearch.report.index import build_index
from inflresearch.report.plan import expand_grid, load_plan, run_plan, worker_threads
from inflresearch.report.schema_check import validate_results

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "fixture_report.ipynb"
EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def ok_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("reports")
    return execute_run(FIXTURE, {"bio": EVIL}, root=root, progress=False)


def test_successful_run_folder(ok_run):
    assert ok_run.status == "succeeded"
    names = {p.name for p in ok_run.folder.iterdir()}
    assert {"notebook.ipynb", "report.html", "results.json"} <= names
    doc = json.loads((ok_run.folder / "results.json").read_text())
    validate_results(doc)
    assert doc["run"]["id"] == ok_run.folder.name
    assert doc["run"]["parameters"]["bio"] == EVIL
    assert doc["run"]["parameters"]["data"] == "sample"  # defaults are recorded too
    assert doc["run"]["data"][0]["rows"] > 0 and len(doc["run"]["data"][0]["sha256"]) == 64
    assert doc["claims"][0]["verdict"] == "supported"


def test_kernel_is_the_running_interpreter(ok_run):
    doc = json.loads((ok_run.folder / "results.json").read_text())
    assert Path(doc["estimates"]["executable"]).resolve() == Path(sys.executable).resolve()


def test_html_is_self_contained_escaped_and_without_code(ok_run):
    page = ok_run.html.read_text()
    assert_self_contained(page)
    assert "<img src=x" not in page and 'onerror="' not in page
    assert "&lt;script&gt;alert" in page  # the bio shows as text
    assert (
        "coerce_run_dir" not in page and 'class="jp-InputArea-editor' not in page
    )  # no code cells
    assert "secret cell output" not in page  # remove_cell honoured
    assert "visible output" in page and "this input is hidden" not in page  # remove-input
    assert 'class="ir-toc"' in page and 'href="#Data"' in page  # table of contents
    assert "sha256" in page and "inflresearch" in page  # provenance footer
    assert "SIMULATED data" in page  # data="sample" is labelled
    assert "data:image/png;base64," in page  # the figure is embedded
    assert len(page.encode()) < 3_000_000


def test_clean_fragment_strips_everything_executable():
    dirty = (
        '<table><tr><td onclick="x()">a</td></tr></table><script>1</script>'
        '<img src="https://example.org/t.png"><a href="javascript:alert(1)">l</a>'
        '<iframe src="https://example.org"></iframe><svg onload="alert(1)"></svg>'
    )
    clean = clean_fragment(dirty)
    assert "<table>" in clean and "onclick" not in clean and "<script" not in clean
    assert "https://" not in clean and "javascript:" not in clean and "<iframe" not in clean
    assert "onload" not in clean


def _report_notebook(title: str, shown: str) -> nbformat.NotebookNode:
    out = nbformat.v4.new_output("display_data", data={"text/html": shown, "text/plain": shown})
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(f"# {title}\n\n## Part {title}"),
        nbformat.v4.new_code_cell("x", outputs=[out]),
    ])


def test_the_exporter_kept_for_a_process_carries_nothing_from_one_report_to_the_next():
    """A plan's worker renders every run it takes with one exporter: the page of B is the same
    whether or not A was rendered before it."""
    a = _report_notebook("A", "<table><tr><td>only-in-report-a</td></tr></table>")
    b = _report_notebook("B", "<b>beta</b><script>x()</script>")
    html.exporter.cache_clear()
    alone = html.render_html(b, {"run": {"id": "b"}})
    html.render_html(a, {"run": {"id": "a"}})
    after = html.render_html(b, {"run": {"id": "b"}})
    assert html.exporter() is html.exporter()
    body = after.split("<body", 1)[1]
    assert after == alone and "only-in-report-a" not in body and "Part A" not in body and "beta" in body
    assert "<script" not in body  # still sanitised on reuse


@pytest.mark.parametrize(
    ("params", "timeout", "message"),
    [
        ({"fail": True}, 60, "RuntimeError: boom"),
        ({"sleep": 5.0}, 1, "Timeout"),
        ({"die": True}, 60, "Dead"),
    ],
    ids=["failing-cell", "cell-timeout", "dead-kernel"],
)
def test_failures_are_first_class(tmp_path, params, timeout, message):
    run = execute_run(FIXTURE, params, root=tmp_path, cell_timeout=timeout, progress=False)
    assert run.status == "failed"
    assert message.lower() in (run.error or "").lower()
    doc = json.loads((run.folder / "results.json").read_text())
    validate_results(doc)
    assert doc["run"]["status"] == "failed"
    page = run.html.read_text()
    assert "This run failed" in page
    assert_self_contained(page)
    assert (run.folder / "notebook.ipynb").is_file()  # the partial notebook is kept


def test_parameters_are_validated_before_the_kernel_starts(tmp_path):
    with pytest.raises(ValueError, match="unknown parameter.*'nope'"):
        execute_run(FIXTURE, {"nope": 1}, root=tmp_path)
    with pytest.raises(ValueError, match="'alpha' expects float"):
        execute_run(FIXTURE, {"alpha": "0.1"}, root=tmp_path)
    with pytest.raises(ValueError, match="'fail' expects bool"):
        execute_run(FIXTURE, {"fail": 1}, root=tmp_path)
    assert list(tmp_path.iterdir()) == []  # nothing was started


def test_cli_parameter_parsing():
    defaults = {"data": "sample", "alpha": 0.05, "micro_range": None, "tiers": "blog"}
    parsed = nbparams.from_cli(
        defaults,
        [("alpha", "0.1"), ("micro_range", "[5000, null]"), ("data", "2020.csv"), ("tiers", "123")],
    )
    assert parsed == {"alpha": 0.1, "micro_range": [5000, None], "data": "2020.csv", "tiers": "123"}
    assert nbparams.check_types(defaults, {"alpha": 1}) == {"alpha": 1.0}
    assert nbparams.check_types({"k": "auto"}, {"k": 6}) == {"k": "6"}  # text parameter, number given
    with pytest.raises(ValueError, match="'k' expects str"):
        nbparams.check_types({"k": "auto"}, {"k": [6]})


def test_cli_run_exit_codes(tmp_path, capsys):
    assert main(["run", str(FIXTURE), "-p", "bio", "hi", "--reports", str(tmp_path)]) == 0
    assert main(["run", str(FIXTURE), "-p", "fail", "true", "--reports", str(tmp_path)]) == 1
    assert main(["run", str(FIXTURE), "-p", "bogus", "1", "--reports", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "unknown parameter" in err and "Traceback" not in err
    assert (tmp_path / "index.html").is_file()


def test_plan_runs_in_parallel_survives_a_failure_and_caches(tmp_path):
    plan_file = tmp_path / "plan.yml"
    plan_file.write_text(
        f"name: nightly\nworkers: 2\nruns:\n"
        f"  - notebook: {FIXTURE}\n    parameters: {{bio: '{EVIL}'}}\n    grid: {{alpha: [0.05, 0.1]}}\n"
        f"  - notebook: {FIXTURE}\n    parameters: {{fail: true}}\n"
    )
    root = tmp_path / "reports"
    first = run_plan(load_plan(plan_file), root=root)
    statuses = [r["status"] for r in first.runs]
    assert statuses == ["succeeded", "succeeded", "failed"]
    doc = json.loads((root / first.runs[0]["run_id"] / "results.json").read_text())
    if "OPENBLAS_NUM_THREADS" not in os.environ:  # each kernel gets its share of the cores
        assert doc["estimates"]["blas_threads"] == str(worker_threads(2))
    findings = first.findings.read_text()
    assert_self_contained(findings)
    assert findings.count("engagement_rate_declines") == 2 and "1 run(s) failed" in findings
    assert EVIL not in findings and "&lt;script&gt;" in findings
    index = (root / "index.html").read_text()
    assert index.count("report.html") == 3 and "nightly" in index
    assert_self_contained(index)

    assert main(["plan", str(plan_file), "--reports", str(root)]) == 1  # a failed run -> non-zero
    (second,) = [p for p in root.glob("*-plan-nightly/plan.json") if p.parent != first.folder]
    second_runs = json.loads(second.read_text())["runs"]
    assert [r["status"] for r in second_runs] == ["cached", "cached", "failed"]
    assert second_runs[0]["run_id"] == first.runs[0]["run_id"]
    forced = run_plan(load_plan(plan_file), root=root, force=True)
    assert [r["status"] for r in forced.runs] == ["succeeded", "succeeded", "failed"]
    assert forced.runs[0]["run_id"] != first.runs[0]["run_id"]


def test_plan_errors_name_the_problem(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(f"runs:\n  - notebook: {FIXTURE}\n    parameters: {{alpah: 0.1}}\n")
    with pytest.raises(ValueError, match="unknown parameter.*'alpah'"):
        load_plan(bad)
    bad.write_text("runs: []\n")
    with pytest.raises(ValueError, match="non-empty 'runs'"):
        load_plan(bad)
    bad.write_text("!!python/object/apply:os.system ['echo hacked']\n")
    with pytest.raises(ValueError, match="cannot read plan"):
        load_plan(bad)
    assert expand_grid({"a": 1}, {"b": [1, 2], "c": ["x"]}) == [
        {"a": 1, "b": 1, "c": "x"},
        {"a": 1, "b": 2, "c": "x"},
    ]


def test_index_rebuilds_from_folders_and_writes_atomically(tmp_path, ok_run):
    index = build_index(ok_run.folder.parent)
    assert ok_run.folder.name in index.read_text()
    target = tmp_path / "page.html"
    atomic_write_text(target, "old")

    class Boom(Exception):
        pass

    from inflresearch.atomic import atomic_write

    def explode(tmp: Path) -> None:
        tmp.write_text("half written")
        raise Boom

    with pytest.raises(Boom):
        atomic_write(target, explode)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]
