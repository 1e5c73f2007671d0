"""Every notebook: committed thin and without outputs, runs end to end through the report
pipeline, writes a results.json that validates, and renders a self-contained HTML report in which
hostile text from the data stays text."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from csv_checks import assert_no_formula_cells
from html_checks import assert_self_contained
from notebook_runs import run_group

from inflresearch.questions import discover
from inflresearch.report import parameters as nbparams
from inflresearch.report.schema_check import validate_results

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))  # the questions' and the template (_template.ipynb)
QUESTIONS = discover()
COMMON = {"data", "seed", "alpha", "run_dir"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_thin_and_clean(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "committed with outputs"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0] is code[0], "one parameters cell, the first code cell"
    names = set(nbparams.notebook_defaults(path))
    assert all(nbparams.notebook_types(path).values()), "every parameter declares its type"
    assert names >= COMMON
    assert "params(" in code[1].source or "notebook_params(" in code[1].source, "validation call"
    assert nb.metadata.kernelspec.name == "inflresearch"  # the project kernel (make kernel)
    assert max(len(c.source.splitlines()) for c in code) <= 25, "logic belongs in the package"
    assert code[-1].source.strip() == "report(analysis, p, inputs)", "it ends with one report call"


def test_every_notebook_but_the_template_is_a_discovered_question():
    questions = [p.resolve() for p in NOTEBOOKS if not p.name.startswith("_")]
    assert [q.path.resolve() for q in QUESTIONS] == questions
    assert (NOTEBOOK_DIR / "_template.ipynb") in NOTEBOOKS
    for q in QUESTIONS:
        assert q.claims and set(q.inputs) >= {"data"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_cells_have_no_branches_or_loops(path):
    """Presence checks belong to the analysis objects: a notebook reads like a paper."""
    import ast

    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            nodes = ast.walk(ast.parse(cell.source))
            control = [type(n).__name__ for n in nodes
                       if isinstance(n, ast.If | ast.For | ast.While | ast.comprehension | ast.IfExp)]
            assert not control, f"{control} in a cell of {path.name}:\n{cell.source}"


@pytest.mark.parametrize("question", [
    pytest.param(q, id=q.name, marks=pytest.mark.xdist_group(run_group(q.name))) for q in QUESTIONS])
def test_notebook_runs_end_to_end_with_hostile_text(question, question_run):
    run = question_run(question.name)
    doc = json.loads((run.folder / "results.json").read_text())
    assert run.status == "succeeded", doc["run"].get("error")
    validate_results(doc)
    assert [c["id"] for c in doc["claims"]] == list(question.claims), "the claims the question declares"
    assert all(c["verdict"] for c in doc["claims"])
    assert doc["run"]["data"], "input files are recorded with their hashes"
    page = run.html.read_text()
    assert_self_contained(page)
    assert "<img src=x" not in page and '<script>alert("pwned")' not in page  # markup stayed text
    assert len(page.encode()) < 3_000_000
    assert assert_no_formula_cells(run.folder) >= 2  # tables, downloads, quarantine, niches.csv
    assert list(run.folder.glob("quarantine-*.csv")), "the hostile world has rows to quarantine"
