"""Values no real row reaches (followers above 1e10, a count or an amount above 1e12, infinity)
are quarantined with a reason, so they cannot turn a headline into "50% lower (CI 50% to 50%)"
or fail a run; the runs from the hardening review then report sane numbers."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from inflresearch.data.aggregate import aggregate_posts
from inflresearch.data.load import read_table
from inflresearch.paths import sample_file
from inflresearch.questions import discover
from inflresearch.report.execute import execute_run

MAX_FOLLOWERS, MAX_AMOUNT = 1e10, 1e12  # the documented caps (data/README.md)


def _sample(table: str) -> pd.DataFrame:
    return pd.read_csv(sample_file(table), dtype=str, keep_default_na=False)


def test_absurd_followers_are_quarantined_with_a_reason(tmp_path: Path) -> None:
    inf = _sample("influencers")
    inf.loc[:9, "followers"] = "1e308"
    inf.loc[10, "followers"] = str(MAX_FOLLOWERS)  # the edge itself is kept
    inf.loc[11, "followers"] = "10.1b"
    path = tmp_path / "inf.csv"
    inf.to_csv(path, index=False)
    res = read_table(path, "influencers")
    assert res.summary() == "kept 2,989 of 3,000 rows; 11 quarantined: 11 implausible followers"
    assert set(res.quarantined["reason"]) == {"implausible followers (> 1e+10)"}
    assert res.data["followers"].max() == MAX_FOLLOWERS


def test_absurd_money_and_counts_are_quarantined(tmp_path: Path) -> None:
    camps = _sample("campaigns")
    camps.loc[:4, "revenue"] = "1e308"
    camps.loc[5, "cost"] = "2e12"
    path = tmp_path / "camps.csv"
    camps.to_csv(path, index=False)
    res = read_table(path, "campaigns")
    reasons = res.quarantined["reason"].tolist()
    assert reasons == ["implausible revenue (> 1e+12)"] * 5 + ["implausible cost (> 1e+12)"]
    assert np.isfinite(res.data[["cost", "revenue"]].sum()).all()


def test_infinity_and_huge_numbers_from_a_typed_file_are_quarantined(tmp_path: Path) -> None:
    frame = pd.DataFrame({"account_id": ["a", "b", "c", "d"], "post_id": ["1", "2", "3", "4"],
                          "likes": [1.0, math.inf, 2.0, 1e300], "views": [1.0, 2.0, -math.inf, 1.0]})
    path = tmp_path / "posts.parquet"
    frame.to_parquet(path)
    res = read_table(path, "posts")
    assert res.data["post_id"].tolist() == ["1"]
    assert res.quarantined["reason"].tolist() == ["unparsable number in likes", "unparsable number in views",
                                                  "implausible likes (> 1e+12)"]


def test_aggregate_applies_the_same_rule() -> None:
    posts = pd.DataFrame({"account_id": ["a", "a"], "post_id": ["1", "2"], "likes": [3.0, 2 * MAX_AMOUNT]})
    result = aggregate_posts(posts)
    assert result.quarantined["reason"].tolist() == ["implausible likes (> 1e+12)"]


def _claims(run) -> dict[str, dict]:
    doc = json.loads((run.folder / "results.json").read_text())
    assert run.status == "succeeded", doc["run"].get("error")
    return {c["id"]: c for c in doc["claims"]}


def test_a_run_with_absurd_followers_reports_the_clean_estimate(tmp_path: Path) -> None:
    question = next(q for q in discover() if q.name == "engagement")
    inf = _sample("influencers")
    bad = np.random.default_rng(3).choice(len(inf), 10, replace=False)
    inf.loc[bad, "followers"] = "1e308"
    path = tmp_path / "inf.csv"
    inf.to_csv(path, index=False)
    run = execute_run(question.path, {"data": str(path), **question.small_parameters},
                      root=tmp_path / "reports", progress=False)
    claim = _claims(run)["engagement_rate_declines"]
    assert claim["ci_low"] < claim["estimate"] < claim["ci_high"]  # not "50% (CI 50% to 50%)"
    assert 0.5 < claim["estimate"] < 1.0  # the sample's elasticity (truth 0.80), not b -> 0
    assert "10 influencers rows failed the data checks" in run.html.read_text()


@pytest.mark.filterwarnings("ignore")
def test_a_run_with_absurd_revenue_succeeds(tmp_path: Path) -> None:
    question = next(q for q in discover() if q.name == "roi")
    camps = _sample("campaigns")
    camps.loc[:4, "revenue"] = "1e308"
    path = tmp_path / "camps.csv"
    camps.to_csv(path, index=False)
    run = execute_run(question.path, {"data": str(path), **question.small_parameters},
                      root=tmp_path / "reports", progress=False)
    for claim in _claims(run).values():
        if claim["verdict"] != "not testable":
            assert all(math.isfinite(claim[k]) for k in ("estimate", "ci_low", "ci_high")), claim
