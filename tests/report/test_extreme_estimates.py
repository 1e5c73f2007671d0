"""Absurd elasticities (far beyond 2^1024 per doubling) never overflow: the run withholds the
verdict where the data cannot support one, and one such claim never stops a page."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from inflresearch import claims
from inflresearch.cli import main
from inflresearch.methods.rates import rate_change_per_doubling
from inflresearch.paths import sample_file
from inflresearch.questions.engagement.elasticity import elasticity_row
from inflresearch.report.index import write_findings
from inflresearch.report.key_findings import key_findings

ROOT = Path(__file__).resolve().parents[2]
NB01 = ROOT / "notebooks" / "01_engagement_vs_followers.ipynb"


def test_the_rate_change_is_exact_where_it_fits_a_float_and_infinite_beyond():
    assert rate_change_per_doubling(0.8) == 2 ** -0.2 - 1
    assert rate_change_per_doubling(-5000.0) == -1.0
    assert [rate_change_per_doubling(b) for b in (1025.5, 5000.0, 1e9)] == [math.inf] * 3
    row = elasticity_row(5000.0, 10.0, 400, 0.05, method="OLS")  # was OverflowError
    assert row["estimate"].item() == 5000.0 and np.isinf(row["rate_change_per_doubling"].item())


def _results(estimate: float) -> dict:
    claim = claims.claim_result(claims.ENGAGEMENT_RATE_DECLINES, estimate=estimate,
                                ci_low=estimate - 50, ci_high=estimate + 50, p_value=0.9, n=400,
                                method="OLS", null=1.0, direction="less")
    return {"run": {"id": "absurd", "notebook": "notebooks/01_engagement_vs_followers.ipynb",
                    "parameters": {"data": "x.csv"}, "status": "succeeded",
                    "started": "2026-01-01T00:00:00+00:00", "seconds": 1.0,
                    "package_version": "0", "git_commit": None, "cache_key": "k", "data": [],
                    "error": None},
            "claims": [c.to_dict() for c in claims.adjust_holm([claim])], "estimates": {}}


def test_a_schema_valid_absurd_estimate_is_stated_as_the_elasticity():
    (finding,) = key_findings(_results(5000.0)).findings
    assert "elasticity b = 5,000" in finding.sentence and "twice the followers" not in finding.sentence
    (usual,) = key_findings(_results(0.8)).findings
    assert "twice the followers" in usual.sentence


def test_one_absurd_claim_never_stops_the_findings_page(tmp_path):
    for run_id, estimate in (("absurd", 5000.0), ("usual", 0.8)):
        folder = tmp_path / run_id
        folder.mkdir()
        (folder / "results.json").write_text(json.dumps(_results(estimate)))
        (folder / "report.html").write_text("<html></html>")
        (folder / "notebook.ipynb").write_text("{}")
    plan = tmp_path / "plan-x"
    plan.mkdir()
    runs = [{"notebook": "notebooks/01_engagement_vs_followers.ipynb", "parameters": {"data": r},
             "run_id": r, "status": "succeeded"} for r in ("absurd", "usual")]
    page = write_findings(plan, {"name": "x", "started": "", "runs": runs}).read_text()
    assert "5,000" in page and "twice the followers" in page  # both claims are on the page


def test_followers_in_a_hair_wide_range_withhold_the_verdict_instead_of_failing(tmp_path, capsys):
    accounts = pd.read_csv(sample_file("influencers")).head(400)
    accounts["followers"] = np.where(np.arange(400) % 2 == 0, 10_000, 10_001)
    accounts.to_csv(tmp_path / "narrow.csv", index=False)
    code = main(["run", str(NB01), "-p", "data", str(tmp_path / "narrow.csv"), "-p", "n_boot", "20",
                 "--reports", str(tmp_path / "reports")])
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("succeeded"), out  # was: OverflowError, run failed
    (results,) = (tmp_path / "reports").glob("*/results.json")
    declines = next(c for c in json.loads(results.read_text())["claims"]
                    if c["id"] == claims.ENGAGEMENT_RATE_DECLINES)
    assert declines["verdict"] == "not testable" and "follower range is narrow" in declines["note"]
