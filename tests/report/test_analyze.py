"""`inflresearch analyze`: files recognised as tables, every notebook whose needs are met run on
them (the rest skipped with a reason), nothing simulated, a findings page; on the real public
exports no run fails."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from inflresearch.cli import main
from inflresearch.data.synth import simulate_world
from inflresearch.report.analyze import analyze, plan_analysis, recognise
from inflresearch.report.file_scan import find_files
from inflresearch.report.folders import read_results

SMALL = {"n_boot": 200, "n_portfolios": 500, "k_min": 3, "k_max": 6}


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> Path:
    """A folder of files as a user would have them: three tables, a views-only list, notes."""
    folder = tmp_path_factory.mktemp("exports")
    world = simulate_world(seed=5, n_influencers=300, n_campaigns=30)
    world.influencers.to_csv(folder / "creators.csv", index=False)
    (folder / "scrape").mkdir()
    world.posts.to_csv(folder / "scrape" / "posts_a.csv", index=False)
    world.campaigns.to_csv(folder / "activations.csv", index=False)
    (folder / "views_only.csv").write_text(
        "channel,subscribers,video views\n" + "".join(f"c{i},{1000 * (i + 1)},{7 * i}\n"
                                                      for i in range(30)))
    (folder / "notes.csv").write_text("topic,comment\nbudget,ask finance\n")
    (folder / "README.md").write_text("not a table\n")
    return folder


def _values(parameters: dict) -> list:
    return [x for v in parameters.values() for x in (v if isinstance(v, list) else [v])]


def test_files_are_recognised_by_their_columns(exports: Path) -> None:
    assert [p.name for p in find_files([exports]).files] == [
        "activations.csv", "creators.csv", "notes.csv", "posts_a.csv", "views_only.csv"]
    assert recognise(exports / "activations.csv").table == "campaigns"
    assert recognise(exports / "creators.csv").table == "influencers"
    assert recognise(exports / "scrape" / "posts_a.csv").table == "posts"
    notes = recognise(exports / "notes.csv")
    assert notes.table is None and notes.status == "not recognised"
    assert "meet none of the campaigns, posts, influencers contracts" in notes.summary


def test_every_notebook_whose_needs_are_met_is_planned_and_nothing_is_simulated(exports) -> None:
    planned = plan_analysis([exports], parameters=SMALL)
    runs = sorted((r.notebook.stem, tuple(sorted(k for k, v in r.parameters.items()
                                                 if v and k in ("data", "posts", "influencers"))))
                  for r in planned.runs)
    assert runs == [
        ("01_engagement_vs_followers", ("data",)),     # creators.csv
        ("01_engagement_vs_followers", ("posts",)),    # accounts aggregated from the posts
        ("02_niche_clustering", ("data",)),            # creators.csv has bios
        ("03_roi_micro_vs_macro", ("data",)),          # activations.csv
        ("04_pick_creators", ("data",)),               # the posts of scrape/
    ]
    for r in planned.runs:
        assert "sample" not in _values(r.parameters)
        # every input other than the one given is explicitly absent
        given = [k for k in ("data", "posts", "influencers") if r.parameters.get(k)]
        assert len(given) == 1
    skipped = {(s.notebook, s.file): s.reason for s in planned.skipped}
    assert "has no engagement column" in skipped[("01_engagement_vs_followers", "views_only.csv")]
    assert "has no text to cluster" in skipped[("02_niche_clustering", "views_only.csv")]


def test_without_campaigns_the_roi_claims_are_listed_not_testable(exports: Path) -> None:
    planned = plan_analysis([exports / "creators.csv"])
    roi = [s for s in planned.skipped if s.notebook == "03_roi_micro_vs_macro"]
    assert len(roi) == 1 and "no campaigns table among the files" in roi[0].reason
    assert "micro_roi_exceeds_macro" in roi[0].reason and "not testable" in roi[0].reason


def test_analyze_runs_and_writes_findings(exports: Path, tmp_path: Path, capsys) -> None:
    reports = tmp_path / "reports"
    code = main(["analyze", str(exports / "activations.csv"), str(exports / "views_only.csv"),
                 "--reports", str(reports), "-p", "n_boot", "200", "-p", "n_portfolios", "500"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "succeeded 03_roi_micro_vs_macro on activations.csv" in out
    assert "skipped  01_engagement_vs_followers on views_only.csv" in out
    plan_folder = next(p for p in reports.iterdir() if p.name.endswith("plan-analyze"))
    assert (plan_folder / "findings.html").is_file()
    page = (plan_folder / "analyze.html").read_text()
    assert "views_only.csv" in page and "has no engagement column" in page
    run_id = json.loads((plan_folder / "plan.json").read_text())["runs"][0]["run_id"]
    doc = read_results(reports / run_id)
    assert doc is not None and {c["verdict"] for c in doc["claims"]} <= {
        "supported", "contradicted", "inconclusive", "not testable"}
    assert doc["run"]["parameters"]["influencers"] is None


def test_real_exports_are_planned_without_a_hand_written_mapping(real_data: Path) -> None:
    planned = plan_analysis([real_data])
    tables = {f.path.name: f.table for f in planned.files}
    assert tables["top_insta_influencers_data.csv"] == "influencers"
    assert tables["posts_sample.csv"] == "posts"
    assert planned.runs, "some notebook runs on the real exports"
    for r in planned.runs:
        assert "sample" not in _values(r.parameters)
    assert any("Global YouTube Statistics.csv" in s.file and "no engagement column" in s.reason
               for s in planned.skipped)
    creators = [r.parameters["data"] for r in planned.runs if r.notebook.stem == "04_pick_creators"]
    assert sorted(Path(d if isinstance(d, str) else d[0]).parent.name for d in creators) == [
        "kim2020_instagram", "tiktok_famous_2020"]  # question 04 on every posts table


@pytest.mark.slow
def test_analyze_over_every_real_export_fails_no_run(real_data: Path, tmp_path: Path) -> None:
    start = time.perf_counter()
    planned, result = analyze([real_data], root=tmp_path, workers=2)
    seconds = time.perf_counter() - start
    assert result is not None
    assert [r for r in result.runs if r["status"] != "succeeded"] == []
    for r in result.runs:
        doc = read_results(tmp_path / r["run_id"])
        assert doc is not None and doc["claims"]
        assert all(c["verdict"] and (c["verdict"] != "not testable" or c["note"])
                   for c in doc["claims"])
        assert "sample" not in _values(doc["run"]["parameters"])
    print(f"analyze: {len(planned.files)} files, {len(result.runs)} runs, "
          f"{len(planned.skipped)} skipped, {seconds:.0f} s")
