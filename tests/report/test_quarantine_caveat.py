"""A quarantined row with a huge cell (beyond the csv module's default 131,072-character field
limit) is counted in the report's caveats; the run still renders its report."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from inflresearch.data.quarantine import write_quarantine
from inflresearch.data.synth import simulate_world
from inflresearch.questions import discover
from inflresearch.report.execute import execute_run
from inflresearch.report.key_findings import caveats, quarantined_rows

HUGE = "x" * 300_000


def test_a_huge_quarantined_cell_is_counted(tmp_path: Path) -> None:
    q = pd.DataFrame({"source_file": ["a.csv"] * 2, "source_row": [1, 2],
                      "caption": [HUGE, "short\nwith a line break"], "reason": ["missing likes"] * 2})
    write_quarantine(q, tmp_path, "posts")
    assert quarantined_rows(tmp_path) == {"posts": 2}
    lines = caveats({"run": {"parameters": {"data": "x.csv"}}}, [], tmp_path)
    assert "2 posts rows failed the data checks and were left out (listed in quarantine-posts.csv)." in lines


def test_a_run_with_a_huge_quarantined_cell_renders_its_report(tmp_path: Path) -> None:
    question = next(q for q in discover() if q.name == "engagement")
    inf = simulate_world(seed=5, n_influencers=300, n_campaigns=2).influencers
    inf.loc[0, "bio"] = HUGE
    inf.loc[0, "followers"] = -1  # quarantined, with its 300,000-character bio
    data = tmp_path / "influencers.csv"
    inf.to_csv(data, index=False)
    run = execute_run(question.path, {"data": str(data), **question.small_parameters},
                      root=tmp_path / "reports", progress=False)
    doc = json.loads((run.folder / "results.json").read_text())
    assert run.status == "succeeded", doc["run"].get("error")
    assert run.html.is_file()
    assert "1 influencers row failed the data checks" in run.html.read_text()
