"""Findings page and index from run folders: grouping, grid columns, page-level Holm, changes."""

from __future__ import annotations

import html
import json
import re

from inflresearch import claims
from inflresearch.report.index import build_index, write_findings


def _run(root, run_id, estimate, *, tiers="blog", status="succeeded", p=1e-6, data="sample"):
    folder = root / run_id
    folder.mkdir()
    claim = claims.adjust_holm([claims.claim_result(
        claims.ENGAGEMENT_RATE_DECLINES, estimate=estimate, ci_low=estimate - 0.05,
        ci_high=estimate + 0.05, p_value=p, n=500, method="OLS", null=1.0, direction="less")])[0]
    for name in ("report.html", "notebook.ipynb"):  # a complete run folder
        (folder / name).write_text("{}")
    doc = {"run": {"id": run_id, "started": "2026-01-01T00:00:00+00:00", "seconds": 1.0,
                   "package_version": "0", "git_commit": "x",
                   "status": status, "notebook": "notebooks/01_engagement_vs_followers.ipynb",
                   "parameters": {"data": data, "tiers": tiers}, "error": "boom" if status == "failed" else None,
                   "data": [{"path": "/somewhere/influencers.csv", "rows": 500, "sha256": "0" * 64}]},
           "claims": [] if status == "failed" else [claim.to_dict()], "estimates": {}}
    (folder / "results.json").write_text(json.dumps(doc))
    return {"notebook": "notebooks/01_engagement_vs_followers.ipynb", "run_id": run_id,
            "parameters": {"data": data, "tiers": tiers}, "status": status}


def _plan(root, name, runs):
    folder = root / name
    folder.mkdir()
    plan = {"name": "weekly", "started": "2026-01-01T00:00:00", "runs": runs}
    (folder / "plan.json").write_text(json.dumps(plan))
    return html.unescape(write_findings(folder, plan).read_text())


def test_findings_page_compares_a_sweep_and_says_what_changed(tmp_path):
    _plan(tmp_path, "20260101T000000Z-plan-weekly", [
        _run(tmp_path, "20260101T000001Z-a", 0.80), _run(tmp_path, "20260101T000002Z-b", 0.90, tiers="industry")])
    page = _plan(tmp_path, "20260108T000000Z-plan-weekly", [
        _run(tmp_path, "20260108T000001Z-a", 0.70), _run(tmp_path, "20260108T000002Z-b", 0.90, tiers="industry"),
        _run(tmp_path, "20260108T000003Z-c", 0.5, tiers="custom", status="failed")])
    key = page[page.index("Key findings"):page.index("All claims")]
    assert "Engagement versus follower count" in key  # grouped by question
    assert "twice the followers gets a 19% lower engagement rate" in key and "(Tiers: blog)" in key
    assert "<th>Tiers</th>" in page and "<td>industry</td>" in page  # grid value as a column
    assert "estimate moved from 0.800 to 0.700" in page  # in the claim's row
    assert ("01_engagement_vs_followers: Engagement rates drop as follower count grows: estimate "
            "0.800 -> 0.700." in page)  # in the list of changes
    assert "01_engagement_vs_followers: a run added." in page
    assert "Failed runs" in page and "boom" in page
    # page-level Holm across the two claims on the page, next to each report's own
    assert "p (two-sided, Holm, page)" in page and "adjusts across every claim on the page" in page


def test_index_shows_data_source_status_verdicts_and_failures_apart(tmp_path):
    _run(tmp_path, "20260101T000001Z-a", 0.80)
    _run(tmp_path, "20260101T000002Z-b", 0.80, data="data/raw/export.csv")
    _run(tmp_path, "20260101T000003Z-c", 0.80, status="failed")
    page = html.unescape(build_index(tmp_path).read_text())
    runs = page[page.index("<h2>Runs</h2>"):page.index('<h2 id="failed">')]
    assert "influencers.csv" in runs and "simulated" in runs and ">real<" in runs
    assert "1 supported" in runs and "20260101T000003Z-c" not in runs
    failed = page[page.index('<h2 id="failed">'):]
    assert "20260101T000003Z-c" in failed and "boom" in failed
    assert re.search(r"1 failed run\(s\)", page)


def _changed_run(root, run_id, *, tiers="blog", verdict="inconclusive", estimate=-0.24, n=300,
                 sha="0"):
    record = _run(root, run_id, 0.8, tiers=tiers)
    doc = json.loads((root / run_id / "results.json").read_text())
    doc["claims"][0].update(verdict=verdict, estimate=estimate, n=n)
    doc["run"]["data"][0]["sha256"] = sha * 64
    (root / run_id / "results.json").write_text(json.dumps(doc))
    return record


def _changes(page):
    part = page[page.index("Since the previous run"):page.index("All claims")]
    return re.sub(r"<[^>]+>", " ", part)


def test_a_change_of_parameters_verdict_n_or_inputs_is_a_change(tmp_path):
    """Nothing changed reads so only when nothing did; each kind of change is named."""
    _plan(tmp_path, "20260101T000000Z-plan-weekly", [_changed_run(tmp_path, "20260101T000001Z-a")])
    same = _plan(tmp_path, "20260102T000000Z-plan-weekly", [_changed_run(tmp_path, "20260102T000001Z-a")])
    assert "Nothing changed since the previous run" in same
    cases = {
        "parameters changed: tiers blog -> industry": dict(tiers="industry"),
        "verdict inconclusive -> not testable, estimate -0.240 -> none": dict(
            verdict="not testable", estimate=None),
        "n 300 -> 250": dict(n=250),
        "inputs changed: influencers.csv has new content": dict(sha="1"),
    }
    for i, (expected, change) in enumerate(cases.items()):
        day = f"202601{10 + 2 * i}"
        _plan(tmp_path, f"{day}T000000Z-plan-weekly", [_changed_run(tmp_path, f"{day}T000001Z-a")])
        nxt = f"202601{11 + 2 * i}"
        page = _plan(tmp_path, f"{nxt}T000000Z-plan-weekly",
                     [_changed_run(tmp_path, f"{nxt}T000001Z-a", **change)])
        assert "Nothing changed" not in page, expected
        assert expected in _changes(page), (expected, _changes(page))
