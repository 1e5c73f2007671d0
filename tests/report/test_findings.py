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


TOP_LIST = ("elasticity b = -0.02 (CI -0.1 to 0.06) is not interpretable here: Every account has at "
            "least {n} followers: this is a top list, not a cross-section.")


def _decline_run(root, run_id, sha, *, b=0.88, se=0.004, note=None, tiers="blog"):
    """A run of notebook 01 on inputs with the given SHA-256s: b tested, or not testable (`note`)."""
    folder = root / run_id
    folder.mkdir()
    if note is None:
        claim = claims.adjust_holm([claims.claim_result(
            claims.ENGAGEMENT_RATE_DECLINES, estimate=b, ci_low=b - 2 * se, ci_high=b + 2 * se,
            p_value=1e-9, n=500, method="OLS", null=1.0, direction="less")])[0]
    else:
        claim = claims.not_testable(claims.ENGAGEMENT_RATE_DECLINES, note)
    for name in ("report.html", "notebook.ipynb"):
        (folder / name).write_text("{}")
    params = {"data": f"/abs/path/{run_id}.csv", "posts": None, "tiers": tiers}
    doc = {"run": {"id": run_id, "started": "2026-01-01T00:00:00+00:00", "seconds": 1.0,
                   "package_version": "0", "git_commit": "x", "status": "succeeded",
                   "notebook": "notebooks/01_engagement_vs_followers.ipynb", "parameters": params,
                   "error": None,
                   "data": [{"path": f"/abs/path/{run_id}-{i}.csv", "rows": 500, "sha256": h * 64}
                            for i, h in enumerate(sha)]},
           "claims": [claim.to_dict()],
           "estimates": {"elasticity": b, "elasticity_se": se, "elasticity_ci_low": b - 2 * se,
                         "elasticity_ci_high": b + 2 * se, "n_accounts": 500,
                         "tiers": [{"scheme": "blog", "tier": tier, "n": n, "median_rate": rate,
                                    "median_rate_ci_low": rate * 0.9, "median_rate_ci_high": rate * 1.1}
                                   for tier, n, rate in (("micro", 300, 0.05 * b), ("macro", 200, 0.02 * b))]}}
    (folder / "results.json").write_text(json.dumps(doc))
    return {"notebook": "notebooks/01_engagement_vs_followers.ipynb", "run_id": run_id,
            "parameters": params, "status": "succeeded"}


def _dataset(i, name, platform, sha, same_as=None):
    return {"id": i, "table": "posts", "files": [f"f{i}.csv"], "name": name, "platform": platform,
            "preset": None, "notes": ["followers at crawl time"], "sha256": [h * 64 for h in sha], "accounts": 500,
            "same_as": same_as, "shared": 480 if same_as is not None else 0}


def test_analyze_findings_lead_with_answers_name_datasets_and_count_the_same_data_once(tmp_path):
    runs = [_decline_run(tmp_path, "20260101T000001Z-top1", ["e"], note=TOP_LIST.format(n="1,900,000")),
            _decline_run(tmp_path, "20260101T000002Z-kim", ["a"], b=0.88, se=0.004),
            _decline_run(tmp_path, "20260101T000003Z-derived", ["b"], b=0.88, se=0.005),
            _decline_run(tmp_path, "20260101T000004Z-tiktok", ["c", "d"], b=0.945, se=0.0145),
            _decline_run(tmp_path, "20260101T000005Z-copy", ["c", "d"], b=0.945, se=0.0145),
            _decline_run(tmp_path, "20260101T000006Z-top2", ["f"], note=TOP_LIST.format(n="2,200,000"))]
    folder = tmp_path / "20260101T000000Z-plan-analyze"
    folder.mkdir()
    record = {"datasets": [_dataset(0, "Kim 2020 Instagram post sample", "instagram", ["a"]),
                           _dataset(1, "Kim derived table", "instagram", ["b"], same_as=0),
                           _dataset(2, "TikTok 2020 video scrape, 2 files", "tiktok", ["c", "d"]),
                           _dataset(3, "HypeAuditor June", "instagram", ["e"]),
                           _dataset(4, "HypeAuditor September", "instagram", ["f"])],
              "skipped": [{"notebook": "03_roi_micro_vs_macro", "file": "any",
                           "reason": "no campaigns table among the files: micro_roi_exceeds_macro not testable"}]}
    (folder / "analyze.json").write_text(json.dumps(record))
    plan = {"name": "analyze", "started": "2026-01-01T00:00:00", "runs": runs}
    (folder / "plan.json").write_text(json.dumps(plan))
    page = " ".join(html.unescape(write_findings(folder, plan).read_text()).split())
    # answers first: the first verdict sentence comes before any not-testable line
    assert page.index('class="claim-answer"') < page.index("Not testable on these data")
    assert page.index('class="claim-statement"') < page.index('class="claim-answer"')
    # two top lists, one line; the question with no table, one line
    assert page.count("2 datasets: not testable: a top list of the biggest accounts") == 1
    assert "HypeAuditor June; HypeAuditor September" in page
    assert "On all files: not testable: no campaigns table among the files" in page
    # datasets named, no absolute path anywhere
    assert "(Kim 2020 Instagram post sample)" in page and "/abs/path" not in page
    # the derived table and the byte-identical copy are shown but counted once: Kim + TikTok
    assert "where 2 claims are tested together" in page
    assert "largely the same accounts as Kim 2020 Instagram post sample (480 of 500 accounts)" in page
    assert "the same input files as TikTok 2020 video scrape, 2 files (byte-identical)" in page
    # platforms side by side: one pair, its z-test, the caveat and the forest plot
    platforms = page[page.index("Platforms side by side"):page.index("Not testable on these data")]
    assert "0.880 on Kim 2020 Instagram post sample and 0.945 on TikTok 2020 video scrape, 2 files" in platforms
    assert "Holm across 1 pair" in platforms and "sampling frame" in platforms
    assert 'src="data:image/png;base64,' in platforms
    assert "HypeAuditor June; HypeAuditor September" in platforms  # left out, with why
    # the rate tiers side by side: one row per tier, one column per compared dataset
    tiers = platforms[platforms.index("Engagement rate by tier (blog tiers)"):]
    assert "<td>micro</td><td>4.40% (3.96–4.84%), n 300</td><td>4.72% (4.25–5.20%), n 300</td>" in tiers


def test_a_plan_over_simulated_data_says_so_before_anything_else(tmp_path):
    page = _plan(tmp_path, "20260101T000000Z-plan-weekly", [_run(tmp_path, "20260101T000001Z-a", 0.80)])
    assert page.index("SIMULATED data") < page.index("<h1>")
