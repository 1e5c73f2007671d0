"""Regression tests for the report-side defects of the hardening issue, one per defect."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from html_checks import assert_self_contained
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from inflresearch.cli import main
from inflresearch.questions.engagement import notebook as nb01
from inflresearch.questions.niches import notebook as nb02
from inflresearch.questions.roi import notebook as nb03
from inflresearch.report import parameters as nbparams
from inflresearch.report.execute import execute_run
from inflresearch.report.html import render_html
from inflresearch.report.index import build_index, write_findings
from inflresearch.report.plan import load_plan, run_plan, successful_runs_by_key
from inflresearch.report.provenance import cache_key
from inflresearch.report.safe import clean_fragment
from inflresearch.report.schema_check import validate_results
from inflresearch.text import md_escape

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "fixture_report.ipynb"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
HOSTILE = [
    "[clk](javascript:document.title='x').csv",
    "[up](JaVaScRiPt:alert(1))",
    "[sp]( javascript:alert(1))",
    "[vb](vbscript:msgbox(1))",
    "[a][1]\n\n[1]: javascript:x",
    "![x](https://example.org/a.png)",
    "<img src=x onerror=alert(1)>",
    "<a href='javascript:alert(1)'>raw</a>",
    "[d](data:text/html;base64,PHNjcmlwdD4=)",
    "<img src='//example.org/b.png'>",
]


class _Attributes(HTMLParser):
    """Every (tag, attribute, value) of a page, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [(tag, name, value or "") for name, value in attrs]


def assert_inert(page: str) -> None:
    """No script link, no remote or foreign image, no event handler anywhere in `page`."""
    assert_self_contained(page)
    parser = _Attributes()
    parser.feed(page)
    for tag, name, value in parser.found:
        low = re.sub(r"[\x00-\x20]", "", value).lower()
        assert not name.startswith("on"), (tag, name, value)
        if name in ("href", "src", "action", "formaction", "xlink:href", "srcset"):
            assert not low.startswith(("javascript:", "vbscript:", "data:text")), value
        if name in ("src", "srcset"):
            assert low.startswith("data:image/"), value  # nothing loads from anywhere on open


def _no_link_or_image(markdown: str) -> None:
    rendered = markdown2html_mistune(markdown)
    assert "<a " not in rendered and "<img" not in rendered, rendered


def test_defect01_markdown_injection_md_escape_renders_literally():
    for text in HOSTILE:
        rendered = markdown2html_mistune("- " + md_escape(text))
        assert "<a " not in rendered and "<img" not in rendered, rendered
        # the text itself survives, as text
        assert "clk" in markdown2html_mistune(md_escape(HOSTILE[0]))


def test_defect01_markdown_injection_notebook_glue_escapes_data_values():
    summaries = [f"{t} (influencers): 10 rows" for t in HOSTILE]
    inputs = SimpleNamespace(summaries=summaries, campaigns=object())
    for text in HOSTILE:
        _no_link_or_image(nb01.data_banner(SimpleNamespace(simulated=False, platform=text), inputs))
        _no_link_or_image(
            nb02.data_banner(SimpleNamespace(simulated=False, category_column=text), inputs)
        )
        _no_link_or_image(nb03.data_banner(SimpleNamespace(simulated=True), inputs))


def _hostile_notebook() -> nbformat.NotebookNode:
    cells = [nbformat.v4.new_markdown_cell("# Hostile\n\n" + "\n\n".join(HOSTILE))]
    for text in HOSTILE:
        code = nbformat.v4.new_code_cell("display(x)")
        code.outputs = [
            nbformat.v4.new_output(
                "display_data", data={"text/markdown": text, "text/plain": "x"}
            ),
            nbformat.v4.new_output("display_data", data={"text/html": text}),
        ]
        cells.append(code)
    cells.append(nbformat.v4.new_raw_cell("<img src=x onerror=alert(2)>"))
    return nbformat.v4.new_notebook(cells=cells)


def test_defect01_markdown_injection_rendered_report_is_inert():
    results = {"run": {"id": "r", "status": "succeeded", "parameters": {"data": HOSTILE[0]}}}
    page = render_html(_hostile_notebook(), results)
    assert_inert(page)
    assert 'class="ir-toc"' in page and 'class="ir-header"' in page  # the template survives
    assert "<style" in page  # the template's own styles are kept (head only)


def test_defect01_markdown_injection_clean_fragment_url_allow_list():
    for text in HOSTILE:
        clean = clean_fragment(markdown2html_mistune(text)) + clean_fragment(text)
        assert_inert(clean)
    embedded = '<img src="data:image/png;base64,iVBORw0KGgo=">'
    assert clean_fragment(embedded) == embedded
    assert 'href="#Data"' in clean_fragment('<a href="#Data">x</a>')


def test_defect22_markdown_cells_are_sanitised():
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# T\n\n<img src=x onerror=alert(1)>\n\n<script>1</script>")]
    )
    page = render_html(nb, {"run": {}})
    assert "onerror" not in page and "<script" not in page.lower()
    assert_inert(page)


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


_CLAIM = {
    "id": "c", "statement": "s", "estimate": 1.0, "ci_low": 0.5, "ci_high": 1.5, "p_value": 0.01,
    "p_adjusted": 0.01, "verdict": "supported", "n": 10, "method": "m", "note": "",
}
BAD_RESULTS = {
    "none": "pass",
    "corrupt": "open(f'{run_dir}/results.json', 'w').write('{not json')",
    "nan": "open(f'{run_dir}/results.json', 'w').write('{\"claims\": [], \"estimates\": {\"b\": NaN}}')",
    "list": "open(f'{run_dir}/results.json', 'w').write('[1, 2]')",
    "bad-verdict": (
        "import json; json.dump({'claims': [dict(" + repr(_CLAIM) + ", verdict='amazing')],"
        " 'estimates': {}}, open(f'{run_dir}/results.json', 'w'))"
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_RESULTS))
def test_defect03_defect21_bad_results_json_fails_the_run_consistently(tmp_path, capsys, case):
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


def _results(run_id: str, *, status: str = "succeeded", claims: list | None = None) -> dict:
    return {
        "run": {
            "id": run_id, "notebook": "notebooks/x.ipynb", "parameters": {"data": "sample"},
            "status": status, "started": "2026-01-01T00:00:00+00:00", "seconds": 1.0,
            "package_version": "0", "git_commit": None, "cache_key": f"key-{run_id}", "data": [],
            "error": None,
        },
        "claims": [dict(_CLAIM)] if claims is None else claims,
        "estimates": {},
    }


def _run_folder(root: Path, name: str, document: object, outputs: bool = True) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(json.dumps(document))
    if outputs:
        (folder / "report.html").write_text("<html></html>")
        (folder / "notebook.ipynb").write_text("{}")
    return folder


def _plan_folder(root: Path, name: str, run_ids: list[str]) -> Path:
    folder = root / name
    folder.mkdir()
    runs = [{"notebook": "x", "parameters": {}, "run_id": r, "status": "succeeded"} for r in run_ids]
    (folder / "plan.json").write_text(json.dumps({"name": name, "started": "", "runs": runs}))
    return folder


def test_defect07_wrong_shape_results_or_plan_json_is_skipped_and_flagged(tmp_path):
    _run_folder(tmp_path, "good", _results("good"))
    _run_folder(tmp_path, "shape", {"run": [], "claims": 1})
    _run_folder(tmp_path, "status", {"run": {"status": 3}})
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


def test_defect10_succeeded_run_without_report_is_incomplete_and_never_cached(tmp_path):
    _run_folder(tmp_path, "whole", _results("whole"))
    _run_folder(tmp_path, "halfway", _results("halfway"), outputs=False)
    plan = _plan_folder(tmp_path, "plan-p", ["whole", "halfway"])
    assert successful_runs_by_key(tmp_path) == {"key-whole": "whole"}
    findings = write_findings(plan, json.loads((plan / "plan.json").read_text())).read_text()
    assert "./../" not in findings and "../whole/report.html" in findings
    assert "../halfway/report.html" not in findings and "1 run(s) failed" in findings
    index = build_index(tmp_path).read_text()
    assert "incomplete" in index and "./halfway/report.html" not in index


def test_defect11_unexpected_verdict_does_not_crash_findings_or_index(tmp_path):
    _run_folder(tmp_path, "fine", _results("fine"))
    _run_folder(tmp_path, "odd", _results("odd", claims=[dict(_CLAIM, verdict="amazing")]))
    plan = _plan_folder(tmp_path, "plan-q", ["fine", "odd", "gone", "../escape"])
    findings = write_findings(plan, json.loads((plan / "plan.json").read_text())).read_text()
    assert "../fine/report.html" in findings and "3 run(s) failed" in findings
    index = build_index(tmp_path).read_text()
    assert "<code>odd</code>" in index.split("Skipped folders", 1)[1]


def test_defect23_folder_names_never_become_script_links(tmp_path):
    name = "javascript:alert(1)"
    _run_folder(tmp_path, name, _results(name))
    _plan_folder(tmp_path, "vbscript:x", [name])
    index = build_index(tmp_path).read_text()
    assert_inert(index)
    assert 'href="./javascript%3Aalert%281%29/report.html"' in index
    assert 'href="./vbscript%3Ax/findings.html"' in index
    assert 'href="javascript' not in index and 'href="vbscript' not in index


def _write_plan(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yml"
    path.write_text(text)
    return path


def test_a_worker_takes_the_next_run_and_a_dead_one_is_replaced(tmp_path):
    """One worker runs the runs one after another; the run after a killed worker still runs."""
    pid = ("import os\nfrom inflresearch import runs\n"
           "_ = runs.save_results(run_dir, [], {'worker': os.getppid()}, notebook='pid')")
    ok = _notebook(tmp_path, pid, name="pid")
    killer = _notebook(
        tmp_path, "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)", name="killer"
    )
    plan_file = _write_plan(
        tmp_path, f"name: reuse\nworkers: 1\nruns:\n  - notebook: {ok}\n  - notebook: {ok}\n"
        f"  - notebook: {killer}\n  - notebook: {ok}\n",
    )
    root = tmp_path / "reports"
    result = run_plan(load_plan(plan_file), root=root)
    assert [r["status"] for r in result.runs] == ["succeeded", "succeeded", "failed", "succeeded"]
    workers = [json.loads((root / r["run_id"] / "results.json").read_text())["estimates"]
               .get("worker") for r in result.runs]
    assert workers[0] == workers[1] and workers[3] not in (None, workers[0])


def test_defect02_a_killed_worker_fails_only_its_run(tmp_path):
    killer = _notebook(
        tmp_path, "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)", name="killer"
    )
    plan_file = _write_plan(
        tmp_path,
        f"name: dies\nworkers: 2\nruns:\n  - notebook: {killer}\n"
        f"  - notebook: {FIXTURE}\n    grid: {{bio: [one, two]}}\n",
    )
    root = tmp_path / "reports"
    result = run_plan(load_plan(plan_file), root=root)
    assert [r["status"] for r in result.runs] == ["failed", "succeeded", "succeeded"]
    assert "worker process died (killed by signal SIGKILL)" in result.runs[0]["error"]
    dead = root / result.runs[0]["run_id"]
    doc = json.loads((dead / "results.json").read_text())
    validate_results(doc)
    assert doc["run"]["status"] == "failed" and (dead / "report.html").is_file()
    assert json.loads((result.folder / "plan.json").read_text())["runs"] == result.runs
    assert "1 run(s) failed" in result.findings.read_text()
    index = (root / "index.html").read_text()
    assert dead.name in index and "dies" in index


def test_defect08_long_text_parameter_is_not_a_path(tmp_path):
    long = "x" * 5000
    key = cache_key(FIXTURE, {"bio": long, "data": "y" * 300})
    assert len(key) == 64
    plan_file = _write_plan(tmp_path, f"runs:\n  - notebook: {FIXTURE}\n    parameters: {{bio: {long}}}\n")
    result = run_plan(load_plan(plan_file), root=tmp_path / "reports")
    assert [r["status"] for r in result.runs] == ["succeeded"]
    index = (tmp_path / "reports" / "index.html").read_text()
    report = (tmp_path / "reports" / result.runs[0]["run_id"] / "report.html").read_text()
    details = report[report.index('id="run-details"'):]
    assert long not in index and long not in details  # the index shows no parameters; the report
    assert "5,000 characters" in details  # shortens values in its run details


def test_defect12_params_file_and_reports_folder_errors_are_one_line(tmp_path, capsys):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    cases = {
        "missing": (str(tmp_path / "nope.yml"), "no such file"),
        "folder": (str(folder), "it is a folder"),
        "malformed": ("{a: [1,", "cannot read parameters"),
        "tag": ("!!python/object/apply:os.system ['echo hacked']", "cannot read parameters"),
        "alias": ("a: &x [1]\nb: *x\n", "aliases"),
        "list": ("[1, 2]", "expected a mapping"),
    }
    for name, (content, message) in cases.items():
        if name in ("missing", "folder"):
            params = content
        else:
            params = str(tmp_path / f"{name}.yml")
            Path(params).write_text(content)
        code = main(["run", str(FIXTURE), "--params", params, "--reports", str(tmp_path / "r")])
        err = capsys.readouterr().err
        assert code == 2 and message in err and "Traceback" not in err, (name, err)
        assert len(err.strip().splitlines()) == 1, err
    a_file = tmp_path / "file"
    a_file.write_text("x")
    for reports, message in ((a_file, "not a folder"), (a_file / "sub", "cannot create")):
        code = main(["run", str(FIXTURE), "--reports", str(reports)])
        err = capsys.readouterr().err
        assert code == 2 and message in err and "Traceback" not in err and "--reports" in err


def test_defect12_unwritable_reports_folder(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running with privileges that ignore folder permissions")
        code = main(["run", str(FIXTURE), "--reports", str(locked)])
        err = capsys.readouterr().err
        assert code == 2 and "not writable" in err and "Traceback" not in err
    finally:
        locked.chmod(0o700)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cell_timeout: [1]\nruns:\n  - notebook: {nb}\n", "key 'cell_timeout' must be an integer"),
        ("runs:\n  - notebook: {nb}\n    grid: [text]\n", "key 'runs[1].grid' must be a mapping"),
        ("runs:\n  - notebook: {nb}\n    parameters: [1, 2]\n", "key 'runs[1].parameters' must be"),
        ("runs:\n  - notebook: 42\n", "key 'runs[1].notebook' must be text"),
        ("workers: two\nruns:\n  - notebook: {nb}\n", "key 'workers' must be an integer"),
        ("runs:\n  - notebook: {nb}\n    grid: {{alpha: 0.1}}\n", "key 'runs[1].grid.alpha' must be a list"),
    ],
    ids=["cell_timeout", "grid", "parameters", "notebook", "workers", "grid-entry"],
)
def test_defect13_plan_keys_of_the_wrong_type_are_named(tmp_path, text, message):
    plan_file = _write_plan(tmp_path, text.format(nb=FIXTURE))
    with pytest.raises(ValueError) as caught:
        load_plan(plan_file)
    assert message in str(caught.value) and str(plan_file) in str(caught.value)
    assert main(["plan", str(plan_file), "--reports", str(tmp_path / "r")]) == 2


def test_defect14_yaml_alias_bomb_is_refused(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 30)]
    plan_file = _write_plan(tmp_path, "\n".join(lines) + f"\nruns:\n  - notebook: {FIXTURE}\n")
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match="aliases"):
        load_plan(plan_file)
    assert time.perf_counter() - t0 < 5


def test_defect17_every_parameter_type_is_checked_before_the_kernel(tmp_path):
    for notebook in NOTEBOOKS:
        found = nbparams.notebook_parameters(notebook)
        assert all(p.annotation for p in found.values()), notebook.name  # every type declared
        assert nbparams.validate(notebook, {}) == {}
    bad = [
        (NOTEBOOKS[0], {"platform": ["ig"]}), (NOTEBOOKS[0], {"posts": {"a": 1}}),
        (NOTEBOOKS[0], {"selected_on_outcome": "yes"}), (NOTEBOOKS[0], {"columns": ["a"]}),
        (NOTEBOOKS[2], {"micro_range": "5000"}), (NOTEBOOKS[2], {"micro_range": ["a", 1]}),
        (NOTEBOOKS[2], {"budget": "lots"}), (NOTEBOOKS[2], {"price_elasticity": [1]}),
        (NOTEBOOKS[1], {"stop_words": [1, 2]}), (NOTEBOOKS[1], {"k": [6]}),
        (NOTEBOOKS[1], {"captions": True}),
    ]
    for notebook, given in bad:
        name = next(iter(given))
        with pytest.raises(ValueError, match=f"parameter '{name}' expects"):
            execute_run(notebook, given, root=tmp_path)
    assert list(tmp_path.iterdir()) == []  # no kernel, no run folder
    ok = nbparams.validate(NOTEBOOKS[2], {"micro_range": [5000, None], "budget": 100})
    assert ok == {"micro_range": [5000, None], "budget": 100.0}


def test_defect17_cli_values_are_yaml_for_every_parameter():
    found = nbparams.notebook_parameters(NOTEBOOKS[0])
    defaults = {n: p.default for n, p in found.items()}
    types = {n: p.annotation for n, p in found.items()}
    pairs = [("data", "null"), ("posts", "~"), ("platform", "null"), ("tiers", "123"),
             ("columns", "{a: followers}"), ("alpha", "0.1"), ("niche_column", "2020-01-01")]
    parsed = nbparams.from_cli(defaults, pairs, types)
    assert parsed == {"data": None, "posts": None, "platform": None, "tiers": "123",
                      "columns": {"a": "followers"}, "alpha": 0.1, "niche_column": "2020-01-01"}
    both = nbparams.from_cli(defaults, [("data", "[a.csv, b.csv]"), ("posts", "p.csv")], types)
    assert both == {"data": ["a.csv", "b.csv"], "posts": "p.csv"}  # text or list
    assert nbparams.check_types(defaults, both, types) == both
    with pytest.raises(ValueError, match="parameter 'alpha' expects float"):
        nbparams.check_types(defaults, nbparams.from_cli(defaults, [("alpha", "abc")], types), types)
    # an untyped notebook: text defaults take null as None too
    assert nbparams.from_cli({"data": "sample"}, [("data", "null")]) == {"data": None}


def test_cache_key_covers_the_package_code(tmp_path, monkeypatch):
    from inflresearch.report import provenance

    before = cache_key(FIXTURE, {"bio": "a"})
    monkeypatch.setattr(provenance, "package_version", lambda: "999.0")
    assert cache_key(FIXTURE, {"bio": "a"}) != before
    version = provenance.code_version()
    assert version.startswith("999.0")
    if provenance._git(provenance.project_root(), "rev-parse", "HEAD"):
        assert len(version.split()) >= 2  # the last commit of src/ is part of the key


def test_ctrl_c_marks_the_run_interrupted_lists_it_and_exits_130(tmp_path):
    root = tmp_path / "reports"
    process = subprocess.Popen(
        [sys.executable, "-m", "inflresearch.cli", "run", str(FIXTURE), "-p", "sleep", "60",
         "--reports", str(root)],
        start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 90
    while not list(root.glob("*/notebook.ipynb")) and time.monotonic() < deadline:
        time.sleep(0.3)
    time.sleep(4)  # into the sleeping cell
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=90)
    assert process.returncode == 130
    assert err.strip().splitlines()[-1].startswith("interrupted:")
    assert "KeyboardInterrupt" not in err
    (folder,) = [p for p in root.iterdir() if p.is_dir()]
    doc = json.loads((folder / "results.json").read_text())
    validate_results(doc)
    assert doc["run"]["status"] == "interrupted"
    assert folder.name in (root / "index.html").read_text()


def test_ctrl_c_in_a_plan_records_every_run_and_writes_the_plan(tmp_path):
    plan_file = _write_plan(
        tmp_path,
        f"name: stopped\nworkers: 1\nruns:\n  - notebook: {FIXTURE}\n    parameters: {{sleep: 60}}\n"
        f"    grid: {{bio: [first, second]}}\n",
    )
    root = tmp_path / "reports"
    process = subprocess.Popen(
        [sys.executable, "-m", "inflresearch.cli", "plan", str(plan_file), "--reports", str(root)],
        start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 120
    while not list(root.glob("*/notebook.ipynb")) and time.monotonic() < deadline:
        time.sleep(0.3)
    time.sleep(4)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130
    assert err.strip().splitlines()[-1].startswith("interrupted:")
    (plan_json,) = root.glob("*/plan.json")
    runs = json.loads(plan_json.read_text())["runs"]
    assert [r["status"] for r in runs] == ["interrupted", "interrupted"]
    assert runs[1]["error"] == "not started: Ctrl-C"
    started = json.loads((root / runs[0]["run_id"] / "results.json").read_text())
    assert started["run"]["status"] == "interrupted"
    index = (root / "index.html").read_text()
    assert runs[0]["run_id"] in index and "stopped" in index


def test_defect10_a_run_stopped_before_the_pipeline_finished_is_flagged(tmp_path):
    written_by_notebook = {"run": {"notebook": "x", "data": []}, "claims": [], "estimates": {}}
    _run_folder(tmp_path, "stopped", written_by_notebook, outputs=False)
    index = build_index(tmp_path).read_text()
    assert "the run never finished" in index.split("Skipped folders", 1)[1]
    assert successful_runs_by_key(tmp_path) == {}
