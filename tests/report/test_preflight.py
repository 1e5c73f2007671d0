"""Pre-flight: a run whose inputs are missing, unreadable, mixed with the simulated sample or
lacking a column the notebook needs is refused before any kernel starts, in one line naming the
file and what it lacks, and leaves no run folder and no failed run in the index."""

from __future__ import annotations

from pathlib import Path

import pytest

from inflresearch.cli import main
from inflresearch.paths import project_root, sample_file
from inflresearch.questions import find
from inflresearch.report.plan import Plan, PlannedRun, run_plan
from inflresearch.report.preflight import PreflightError, check, preflight

NB01 = "notebooks/01_engagement_vs_followers.ipynb"
NB02 = "notebooks/02_niche_clustering.ipynb"


@pytest.fixture()
def no_engagement(tmp_path: Path) -> Path:
    """An account table with followers and views but no engagement column."""
    path = tmp_path / "views_only.csv"
    path.write_text("channel,subscribers,video views\n" +
                    "".join(f"c{i},{1000 * (i + 1)},{50_000 * i}\n" for i in range(40)))
    return path


def _folders(root: Path) -> list[Path]:
    return [p for p in root.iterdir() if p.is_dir()] if root.exists() else []


def test_a_table_without_engagement_is_refused_naming_file_and_columns(no_engagement) -> None:
    result = preflight(find("engagement"), {"data": str(no_engagement)})
    assert not result.ok
    message = result.message()
    assert "\n" not in message
    assert message.startswith("notebook 01_engagement_vs_followers cannot run: views_only.csv "
                              "(parameter 'data', influencers) has no engagement column")
    assert "none of engagements, engagement_rate, avg_likes, likes" in message
    assert message.endswith("it has account_id, platform, followers")  # contract columns only


def test_needs_met_by_the_sample_and_a_companion_file() -> None:
    assert check(find("engagement"), {"data": "sample"}).inputs == {"data": "sample",
                                                                   "posts": "sample"}
    # niche clustering: text may come from the posts when the account table has none
    ok = preflight(find("niches"), {"data": str(sample_file("influencers")),
                                    "posts": str(sample_file("posts")),
                                    "columns": {"bio": None, "hashtags": None}})
    assert ok.ok, ok.problems


def test_missing_file_and_mixed_inputs_are_refused(tmp_path: Path) -> None:
    gone = preflight(find("engagement"), {"data": str(tmp_path / "nope.csv")})
    assert "parameter 'data': no such file or folder" in gone.message()
    posts = preflight(find("engagement"), {"data": None, "posts": str(tmp_path / "p.csv")})
    assert "parameter 'posts': no such file or folder" in posts.message()
    mixed = preflight(find("niches"), {"data": str(sample_file("influencers")), "posts": "sample"})
    assert "never mixed" in mixed.message()
    nothing = preflight(find("roi"), {"data": None, "influencers": None})
    assert "no input given: set 'data' or 'influencers'" in nothing.message()
    with pytest.raises(PreflightError):
        check(find("roi"), {"data": None, "influencers": None})


def test_unreadable_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("handle,likes\na,1\n")
    result = preflight(find("engagement"), {"data": str(bad)})
    assert "parameter 'data' (influencers)" in result.message() and "followers" in result.message()


def test_run_refused_before_the_kernel_leaves_nothing(no_engagement, tmp_path, capsys, monkeypatch) -> None:
    def no_kernel(*args, **kwargs):
        raise AssertionError("a kernel was started for a refused run")

    monkeypatch.setattr("inflresearch.report.execute.papermill.execute_notebook", no_kernel)
    reports = tmp_path / "reports"
    code = main(["run", str(project_root() / NB01), "-p", "data", str(no_engagement),
                 "--reports", str(reports)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "views_only.csv" in err
    assert "no engagement column" in err
    assert _folders(reports) == [] and not (reports / "index.html").exists()


def test_plan_records_a_refused_run_without_a_run_folder(no_engagement, tmp_path) -> None:
    reports = tmp_path / "reports"
    plan = Plan(name="t", runs=[PlannedRun((project_root() / NB01).resolve(),
                                           {"data": str(no_engagement)})])
    result = run_plan(plan, root=reports)
    assert [r["status"] for r in result.runs] == ["refused"] and result.refused == 1
    assert "no engagement column" in result.runs[0]["error"]
    assert _folders(reports) == [result.folder]  # only the plan folder
    assert "failed" not in (reports / "index.html").read_text().lower().split("<h2>runs</h2>")[-1]


def test_validate_for_checks_the_notebooks_needs(no_engagement, capsys) -> None:
    code = main(["validate", str(no_engagement), "--table", "influencers", "--for", NB01])
    captured = capsys.readouterr()
    assert code == 2 and "has no engagement column" in captured.err
    code = main(["validate", str(sample_file("influencers")), "--table", "influencers",
                 "--for", NB02])
    assert code == 0
    assert "meets the needs of notebook 02_niche_clustering as parameter 'data'" in (
        capsys.readouterr().out)
    code = main(["validate", str(sample_file("campaigns")), "--table", "campaigns", "--for", NB01])
    assert code == 2 and "reads no campaigns table" in capsys.readouterr().err


def test_global_youtube_is_refused_for_notebook_01_naming_the_missing_column(real_data) -> None:
    path = real_data / "global_youtube_stats_2023" / "Global YouTube Statistics.csv"
    result = preflight(find("engagement"), {"data": str(path)})
    message = result.message()
    assert not result.ok and "\n" not in message
    assert "Global YouTube Statistics.csv" in message and "has no engagement column" in message
    assert "none of engagements, engagement_rate, avg_likes, likes" in message


def test_too_few_usable_rows_and_extra_columns_do_not_meet_needs(tmp_path: Path) -> None:
    few = tmp_path / "few.csv"
    few.write_text("handle,followers,avg likes\n" + "".join(f"a{i},{1000 + i},{10 + i}\n"
                                                            for i in range(15)))
    message = preflight(find("engagement"), {"data": str(few)}).message()
    assert "few.csv (parameter 'data', influencers) has 15 usable rows, fewer than the 20" in message
    # a non-contract column called "likes" (a lifetime total) is no engagement column
    total = tmp_path / "totals.csv"
    total.write_text("handle,followers,likes\n" + "".join(f"a{i},{1000 + i},{9 ** 6}\n"
                                                          for i in range(30)))
    assert "has no engagement column" in preflight(find("engagement"),
                                                   {"data": str(total)}).message()
