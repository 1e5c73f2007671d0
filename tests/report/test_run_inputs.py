"""How a run's inputs are given: mapping files as `columns`, paths relative to the caller's
directory, and parameter values refused before any kernel starts with one message naming them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from inflresearch.cli import main
from inflresearch.paths import sample_file
from inflresearch.questions import find
from inflresearch.questions.engagement import notebook as nb01
from inflresearch.questions.niches import notebook as nb02
from inflresearch.questions.roi import notebook as nb03
from inflresearch.report import parameters as nbparams
from inflresearch.report import preflight as pf
from inflresearch.report.plan import load_plan
from inflresearch.report.preflight import preflight

ROOT = Path(__file__).resolve().parents[2]
NB01 = ROOT / "notebooks" / "01_engagement_vs_followers.ipynb"
NB02 = ROOT / "notebooks" / "02_niche_clustering.ipynb"
NB03 = ROOT / "notebooks" / "03_roi_micro_vs_macro.ipynb"
# headers no alias knows: only a mapping file makes these exports usable
RENAMED = {"account_id": "Handle QQ", "followers": "Audience QQ", "avg_likes": "Hearts QQ",
           "niche": "Topic QQ", "bio": "About QQ", "hashtags": "Tags QQ",
           "campaign_id": "Flight QQ", "cost": "Spend QQ", "revenue": "Sales QQ"}


def _renamed_copy(table: str, out: Path, rows: int = 400) -> Path:
    with open(sample_file(table), newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        body = [row for _, row in zip(range(rows), reader, strict=False)]
    keep = [i for i, h in enumerate(header) if h in RENAMED or h in ("platform", "account_id",
                                                                        "channel", "followers")]
    with open(out, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([RENAMED.get(header[i], header[i]) for i in keep])
        writer.writerows([[row[i] for i in keep] for row in body])
    return out


def _mapping_file(table: str, out: Path) -> Path:
    with open(sample_file(table), newline="") as fh:
        header = next(csv.reader(fh))
    lines = [f"table: {table}", "columns:"] + [f"  {new}: {old}" for old, new in RENAMED.items()
                                               if old in header]
    out.write_text("\n".join(lines) + "\n")
    return out


@pytest.fixture(scope="module")
def mapped(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("mapped")
    _renamed_copy("influencers", folder / "accounts.csv")
    _renamed_copy("campaigns", folder / "flights.csv", rows=3000)
    _mapping_file("influencers", folder / "accounts.yml")
    _mapping_file("campaigns", folder / "flights.yml")
    return folder


@pytest.mark.parametrize(("notebook", "data", "mapping"), [
    (NB01, "accounts.csv", "accounts.yml"),
    (NB02, "accounts.csv", "accounts.yml"),
    (NB03, "flights.csv", "flights.yml"),
])
def test_a_mapping_file_as_columns_passes_the_type_check_and_the_preflight(mapped, notebook, data,
                                                                           mapping):
    given = {"data": str(mapped / data), "columns": str(mapped / mapping)}
    checked = nbparams.validate(notebook, given)  # was refused: "expects dict ..., got str"
    question = find(str(notebook))
    without = preflight(question, {**nbparams.notebook_defaults(notebook), "data": given["data"]})
    assert not without.ok  # the headers alone are not understood ...
    result = preflight(question, {**nbparams.notebook_defaults(notebook), **checked})
    assert result.ok, result.message()  # ... the mapping file is read by the pre-flight
    assert "followers" in result.loaded[0].columns


def test_a_mapping_file_as_columns_reaches_every_notebook_glue(mapped, tmp_path):
    accounts, flights = str(mapped / "accounts.csv"), str(mapped / "flights.csv")
    one = nb01.notebook_params(data=accounts, columns=str(mapped / "accounts.yml"), run_dir=tmp_path)
    two = nb02.notebook_params(data=accounts, columns=str(mapped / "accounts.yml"), run_dir=tmp_path)
    three = nb03.notebook_params(data=flights, columns=str(mapped / "flights.yml"), run_dir=tmp_path)
    assert one.columns is not None and one.columns["Audience QQ"] == "followers"
    assert two.columns is not None and two.columns["Audience QQ"] == "followers"
    assert three.columns["campaigns"]["Spend QQ"] == "cost"


def test_a_mapping_file_for_the_wrong_table_is_named_by_the_preflight(mapped):
    given = {"data": str(mapped / "accounts.csv"), "columns": str(mapped / "flights.yml")}
    result = preflight(find(str(NB01)), {**nbparams.notebook_defaults(NB01), **given})
    assert not result.ok
    assert "parameter 'columns'" in result.message() and "campaigns" in result.message()


def test_a_plan_takes_a_mapping_file_as_columns(mapped, tmp_path):
    plan = tmp_path / "plan.yml"
    plan.write_text(f"name: mapped\nruns:\n  - notebook: {NB03}\n    parameters:\n"
                    f"      data: {mapped / 'flights.csv'}\n      columns: {mapped / 'flights.yml'}\n")
    (run,) = load_plan(plan).runs
    assert run.parameters["columns"] == str(mapped / "flights.yml")


def test_relative_input_and_mapping_paths_are_the_callers(mapped, tmp_path):
    given = {"data": "accounts.csv", "columns": "accounts.yml", "alpha": 0.1, "tiers": "blog"}
    resolved = pf.caller_paths(NB01, given, cwd=mapped)
    assert resolved["data"] == str(mapped / "accounts.csv")
    assert resolved["columns"] == str(mapped / "accounts.yml")
    assert resolved["tiers"] == "blog" and resolved["alpha"] == 0.1
    assert pf.caller_paths(NB01, {"data": "sample"}, cwd=mapped) == {"data": "sample"}
    # column names in a dict mapping are never taken for files, even when a file has that name
    (tmp_path / "followers").write_text("")
    assert pf.caller_paths(NB01, {"columns": {"Fans": "followers"}}, cwd=tmp_path)["columns"] == {
        "Fans": "followers"}


def test_run_from_another_directory_reads_and_writes_where_the_caller_means(tmp_path, monkeypatch,
                                                                            capsys):
    monkeypatch.chdir(tmp_path)
    lines = sample_file("influencers").read_text().splitlines(keepends=True)
    Path("inf.csv").write_text("".join(lines[:401]))
    code = main(["run", str(NB01), "-p", "data", "inf.csv", "-p", "n_boot", "20", "--reports", "rel"])
    out = capsys.readouterr().out
    assert code == 0, out  # was: pre-flight passed, then the kernel (in the project root) failed
    assert out.startswith("succeeded: " + str(tmp_path / "rel"))
    (folder,) = [p for p in (tmp_path / "rel").iterdir() if p.is_dir()]
    assert {"notebook.ipynb", "report.html", "results.json"} <= {p.name for p in folder.iterdir()}
    run = json.loads((folder / "results.json").read_text())["run"]
    assert run["parameters"]["data"] == str(tmp_path / "inf.csv")
    assert not (ROOT / "rel").exists()


@pytest.mark.parametrize("value", [".nan", ".inf", "[1000, .nan]"])
def test_non_finite_values_are_refused_naming_the_parameter(value, tmp_path, capsys):
    name = "micro_range" if value.startswith("[") else "alpha"
    code = main(["run", str(NB03), "-p", name, value, "--reports", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and f"parameter {name!r} must be finite" in err
    assert list(tmp_path.iterdir()) == []  # no run folder


def test_a_missing_input_names_its_parameter_once(tmp_path, capsys):
    code = main(["run", str(NB01), "-p", "posts", str(tmp_path / "gone.csv"), "-p", "data",
                 str(sample_file("influencers")), "--reports", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("parameter ") == 1 and "parameter 'posts': no such file" in err
    with pytest.raises(ValueError) as caught:
        nb02.notebook_params(data=str(tmp_path / "gone.csv"), run_dir=tmp_path)
    assert str(caught.value).count("parameter") == 1 and "'data'" in str(caught.value)


def test_an_unwritable_index_after_a_run_prints_the_status_first(tmp_path, capsys):
    fixture = ROOT / "tests" / "fixtures" / "fixture_report.ipynb"
    (tmp_path / "index.html").mkdir()  # the index cannot be replaced
    code = main(["run", str(fixture), "--reports", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out.startswith("succeeded: ")
    assert captured.err.strip().splitlines() == [
        f"error: index not written: {tmp_path / 'index.html'}: Is a directory"]


def test_an_unwritable_index_after_a_plan_prints_every_status_first(tmp_path, capsys):
    fixture = ROOT / "tests" / "fixtures" / "fixture_report.ipynb"
    plan = tmp_path / "plan.yml"
    plan.write_text(f"name: p\nworkers: 1\nruns:\n  - notebook: {fixture}\n")
    root = tmp_path / "reports"
    (root / "index.html").mkdir(parents=True)
    code = main(["plan", str(plan), "--reports", str(root)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out.lstrip().startswith("succeeded") and "findings:" in captured.out
    assert captured.err.strip().splitlines()[-1] == (
        f"error: index not written: {root / 'index.html'}: Is a directory")
