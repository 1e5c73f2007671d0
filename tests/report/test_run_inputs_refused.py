"""Run and plan inputs are checked before any kernel: parameter types, YAML values, plan keys, YAML
aliases, parameter files and report folders, each refused in one line naming the problem.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from inflresearch.cli import main
from inflresearch.report import parameters as nbparams
from inflresearch.report.execute import execute_run
from inflresearch.report.plan import load_plan, run_plan
from inflresearch.report.provenance import cache_key

ROOT = Path(__file__).resolve().parents[2]


FIXTURE = ROOT / "tests" / "fixtures" / "fixture_report.ipynb"


NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _write_plan(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yml"
    path.write_text(text)
    return path


def test_a_long_text_parameter_is_not_a_path(tmp_path):
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


def test_params_file_and_reports_folder_errors_are_one_line(tmp_path, capsys):
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


def test_an_unwritable_reports_folder_is_one_line(tmp_path, capsys):
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
def test_plan_keys_of_the_wrong_type_are_named(tmp_path, text, message):
    plan_file = _write_plan(tmp_path, text.format(nb=FIXTURE))
    with pytest.raises(ValueError) as caught:
        load_plan(plan_file)
    assert message in str(caught.value) and str(plan_file) in str(caught.value)
    assert main(["plan", str(plan_file), "--reports", str(tmp_path / "r")]) == 2


def test_a_yaml_alias_bomb_is_refused(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 30)]
    plan_file = _write_plan(tmp_path, "\n".join(lines) + f"\nruns:\n  - notebook: {FIXTURE}\n")
    with pytest.raises(ValueError, match="aliases"):  # refused when composed: nothing expands
        load_plan(plan_file)


def test_every_parameter_type_is_checked_before_the_kernel(tmp_path):
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


def test_cli_values_are_yaml_for_every_parameter():
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
