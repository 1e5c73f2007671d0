"""The question protocol as code: one parameters declaration per notebook, `discover()` checking
every question's hooks, the template that is never a question, and the hand-kept lists checked
against `discover()`."""

from __future__ import annotations

import ast
import sys
import types
from pathlib import Path
from typing import Any

import pytest
import yaml

import inflresearch.questions as questions_package
from inflresearch.questions import HalfBuiltQuestion, NotebookParameters, Question, discover
from inflresearch.questions._base import check_question
from inflresearch.report import parameters as nbparams
from inflresearch.report.key_findings import sentences
from inflresearch.report.plan import demo_plan

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS_DIR = Path(questions_package.__path__[0])
TEMPLATE = check_question("_template", QUESTIONS_DIR / "_template")
ALL = [*discover(), TEMPLATE]


def _cell_type(annotation: str) -> Any:
    """A parameters cell's annotation as the type object Python makes of it."""
    return eval(annotation, {"Any": Any})  # noqa: S307 (the project's own notebooks)


@pytest.mark.parametrize("question", ALL, ids=lambda q: q.name)
def test_parameters_cell_matches_the_declared_model(question):
    cell = nbparams.notebook_parameters(question.path)
    model = question.parameters.model_fields
    assert list(cell) == list(model), "the same parameters, in the same order"
    for name, declared in cell.items():
        field = model[name]
        assert declared.default == field.default, f"{name}: cell {declared.default!r}, model {field.default!r}"
        assert declared.annotation is not None, f"{name}: the cell declares no type"
        assert _cell_type(declared.annotation) == field.annotation, (
            f"{name}: cell {declared.annotation}, model {field.annotation}")


@pytest.mark.parametrize("question", ALL, ids=lambda q: q.name)
def test_every_question_has_its_hooks(question):
    assert issubclass(question.parameters, NotebookParameters)
    assert all(callable(h) for h in (question.params, question.load, question.analyse))
    assert sorted(question.sentences) == sorted(question.claims)


def test_the_template_is_not_a_question_and_no_plan_runs_it():
    assert "_template" not in [q.name for q in discover()]
    assert all(not q.notebook.startswith("notebooks/_") for q in discover())
    for plan in (ROOT / "plans").glob("*.yml"):
        runs = yaml.safe_load(plan.read_text())["runs"]
        assert all("_template" not in str(r["notebook"]) for r in runs), plan.name


def test_the_demo_plan_runs_every_question_once_on_the_sample():
    runs = demo_plan().runs
    assert [r.notebook for r in runs] == [q.path.resolve() for q in discover()]
    for run, q in zip(runs, discover(), strict=True):
        assert run.parameters == dict.fromkeys(q.inputs, "sample"), "every input given: the sample"


def test_key_findings_have_one_sentence_per_declared_claim():
    declared = [c for q in discover() for c in q.claims]
    assert sorted(sentences()) == sorted(declared)
    assert len(set(declared)) == len(declared), "a claim belongs to one question"


def _fake_question(tmp_path, monkeypatch, name: str, notebook_source: str | None, words: str | None):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    if notebook_source is not None:
        (folder / "notebook.py").write_text(notebook_source)
    if words is not None:
        (folder / "words.py").write_text(words)
    module = types.ModuleType(f"inflresearch.questions.{name}")
    module.QUESTION = Question(name=name, title="x", notebook="notebooks/_template.ipynb",  # type: ignore[attr-defined]
                               claims=(), inputs={"data": "influencers"})
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return folder


def test_a_half_built_question_is_named_with_what_it_lacks(tmp_path, monkeypatch):
    folder = _fake_question(tmp_path, monkeypatch, "pricing",
                            "class Parameters: ...\ndef notebook_params(): ...\ndef load_inputs(p): ...\n",
                            None)
    with pytest.raises(HalfBuiltQuestion) as info:
        check_question("pricing", folder)
    message = str(info.value)
    assert "'pricing'" in message and "half-built" in message
    assert "notebook.py: run_analysis" in message and "words.py: SENTENCES" in message
    assert "Parameters" not in message.split("missing")[1], "only what is missing is listed"


def test_a_question_without_QUESTION_is_refused(tmp_path, monkeypatch):
    folder = tmp_path / "empty"
    folder.mkdir()
    monkeypatch.setitem(sys.modules, "inflresearch.questions.empty", types.ModuleType("empty"))
    with pytest.raises(HalfBuiltQuestion, match=r"__init__.py must define QUESTION"):
        check_question("empty", folder)


def test_parameters_refuse_unknown_names_and_wrong_types():
    model = TEMPLATE.parameters
    with pytest.raises(ValueError, match=r"unknown parameter 'alfa'; the notebook takes data, columns, alpha"):
        model.read(alfa=0.1)
    with pytest.raises(ValueError, match=r"parameter 'alpha' expects float, got str 'high'"):
        model.read(alpha="high")
    namespace = {"alpha": 0.1, "p": object(), "display": print}  # a notebook's globals()
    assert model.read(namespace).alpha == 0.1


def test_only_the_glue_base_reads_inputs_and_writes_records_and_quarantine():
    """`load_tables` is the one writer of input records and quarantine files."""
    writers = {"read_table", "write_quarantine", "data_record"}
    for path in QUESTIONS_DIR.rglob("*.py"):
        if path.name == "_base.py":
            continue
        called = {n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", "")
                  for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Call)}
        assert not called & writers, f"{path} calls {called & writers} itself"


@pytest.mark.parametrize("question", discover(), ids=lambda q: q.name)
def test_a_mapping_file_passes_the_parameter_check_for_every_column_parameter(question):
    """``-p columns my-mapping.yml`` (README, "Bringing your own data") is not refused as text."""
    defaults, types = nbparams.notebook_defaults(question.path), nbparams.notebook_types(question.path)
    for name in set(question.mappings.values()):
        given = nbparams.from_cli(defaults, [(name, "my-mapping.yml")], types)
        assert nbparams.check_types(defaults, given, types) == {name: "my-mapping.yml"}
