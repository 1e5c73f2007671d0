"""What the terminal says: plan lines with parameters as YAML and cached runs with their time;
`plan --help` describes its argument."""

from __future__ import annotations

from pathlib import Path

import pytest

from inflresearch.cli import main
from inflresearch.report.commands import _print_plan
from inflresearch.report.plan import PlanResult


def test_plan_lines_show_yaml_parameters_and_when_a_cached_run_was_made(tmp_path: Path, capsys):
    runs = [{"status": "cached", "notebook": "notebooks/01_x.ipynb",
             "parameters": {"alpha": 0.1, "micro_range": [5000, 10000], "posts": None},
             "run_id": "20261203T141854932685Z-01-x"},
            {"status": "succeeded", "notebook": "notebooks/03_y.ipynb", "parameters": {},
             "run_id": "20261203T150000000000Z-03-y"}]
    _print_plan(PlanResult(folder=tmp_path / "plan", runs=runs), tmp_path)
    out = capsys.readouterr().out
    assert "{alpha: 0.1, micro_range: [5000, 10000], posts: null}" in out
    assert "'alpha'" not in out and "None" not in out
    cached, fresh = out.splitlines()[:2]
    assert cached.endswith("(made 2026-12-03 14:18 UTC)") and "made" not in fresh


def test_plan_help_describes_its_argument(capsys):
    with pytest.raises(SystemExit):
        main(["plan", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "the plan file (YAML)" in out and "reuse runs whose notebook, parameters" in out


def test_validate_guesses_the_table_of_a_file_no_preset_matches_and_says_so(tmp_path, capsys):
    """The README's first `validate` example: an export with no preset works without --table."""
    export = tmp_path / "export.csv"
    export.write_text("Username,Followers,Avg Likes,Avg Comments\nalice,12000,300,12\n"
                      "bob,450000,5000,80\n")
    assert main(["validate", str(export)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("table: guessed as influencers, as `analyze` does")
    assert "(influencers): kept 2 of 2 rows" in out


def test_validate_names_a_preset_once(tmp_path, capsys):
    export = tmp_path / "influencers.csv"  # the Kim 2020 influencer list's layout
    export.write_text("username,category,followers,followees,posts\nann,beauty,12000,300,80\n")
    assert main(["validate", str(export)]) == 0
    out = capsys.readouterr().out
    assert out.count("kim2020-instagram-influencers") == 1
