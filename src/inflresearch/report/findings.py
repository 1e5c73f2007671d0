"""What the findings page of a plan and the index say, read from the run folders' results.json.

The findings page groups the claims by research question (`questions.discover`), leads with the
key-findings sentences, shows the grid values (parameters that differ between the plan's runs) as
columns, adds a page-level Holm adjustment across every claim on the page next to each report's
own, and lists what changed since the previous run of the same plan (estimate moved, verdict
changed). The index summary of a run names its data files, simulated or real, and its verdicts.

Example:
    >>> varying([{"data": "sample", "tiers": "blog"}, {"data": "sample", "tiers": "industry"}])
    ['tiers']
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inflresearch import claims
from inflresearch.claims import Claim, format_p, holm
from inflresearch.questions import discover
from inflresearch.report.folders import href, read_results, run_status
from inflresearch.report.key_findings import Finding, finding, is_simulated
from inflresearch.report.run_changes import plan_runs, run_changes
from inflresearch.report.tables import label, readable_value
from inflresearch.text import sig

PLAN_FILE = "plan.json"
OTHER = "Other claims"


def _read(path: Path) -> dict[str, Any] | None:
    try:
        document = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return None
    return document if isinstance(document, dict) else None


def varying(parameter_sets: Sequence[Mapping[str, Any]]) -> list[str]:
    """Parameter names whose values differ between the given sets (the grid of a sweep)."""
    names = sorted({k for p in parameter_sets for k in p})
    return [n for n in names if len({json.dumps(p.get(n), sort_keys=True, default=str)
                                     for p in parameter_sets}) > 1]


def question_title(claim_id: str) -> str:
    """The title of the research question testing `claim_id` (``OTHER`` when none does)."""
    for q in discover():
        if claim_id in q.claims:
            return q.title
    return OTHER


def _fmt(value: Any) -> str:
    return "—" if value is None else sig(float(value), 3)


def _finding(claim: Claim) -> Finding:
    """`finding`, or the statement with why its numbers cannot be put in words: one claim never
    stops the page.

    Example:
        >>> from inflresearch import claims
        >>> _finding(claims.not_testable(claims.MICRO_ROI_EXCEEDS_MACRO, "no cost")).verdict
        'not testable'
    """
    try:
        return finding(claim)
    except (ArithmeticError, ValueError, TypeError) as exc:
        return Finding(claim.id, claim.statement, claim.verdict,
                       f"{claim.statement.rstrip('.')}: the result cannot be put in words "
                       f"({type(exc).__name__}); the table row shows its numbers.", "")


@dataclass
class Row:
    """One claim of one run on the findings page."""

    run_id: str
    notebook: str
    parameters: dict[str, Any]
    claim: Claim
    simulated: bool
    page_p: float | None = None
    change: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        """(notebook, parameters, claim id): what identifies a claim across plan runs."""
        return self.notebook, json.dumps(self.parameters, sort_keys=True, default=str), self.claim.id

    def cells(self, grid: Sequence[str]) -> dict[str, Any]:
        """Template cells."""
        c = self.claim
        f = _finding(c)
        return {
            "sentence": f.sentence, "question": f.question, "answer": f.answer,
            "badge": f.badge, "badge_class": f.badge_class,
            "statement": c.statement, "id": c.id,
            "estimate": _fmt(c.estimate),
            "ci": f"{_fmt(c.ci_low)} to {_fmt(c.ci_high)}" if c.ci_low is not None else "—",
            "ci_label": c.ci_label,
            "p": "—" if c.p_adjusted is None else format_p(c.p_adjusted),
            "page_p": "—" if self.page_p is None else format_p(self.page_p),
            "page_significant": self.page_p is not None and self.page_p < c.alpha,
            "n": f"{c.n:,}", "method": c.method, "note": c.note,
            "grid": [readable_value(self.parameters.get(g)) for g in grid],
            "href": href("..", self.run_id, "report.html"), "simulated": self.simulated,
            "change": self.change,
        }


@dataclass
class FindingsPage:
    """Everything the findings template shows."""

    groups: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    grid: list[str] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    simulated: bool = False
    family: int = 0
    previous: str | None = None
    changes: list[str] = field(default_factory=list)


def plan_rows(root: Path, plan: Mapping[str, Any]) -> tuple[list[Row], list[dict[str, Any]]]:
    """The claim rows of a plan's runs and the records of its failed runs."""
    rows, failed = [], []
    for record in plan.get("runs", []):
        run_id = str(record.get("run_id") or "")
        folder = root / run_id
        doc = read_results(folder) if run_id and folder.is_dir() else None
        run = (doc or {}).get("run", {})
        status = run_status(folder, run) if doc is not None else str(record.get("status") or "failed")
        if doc is None or status != "succeeded":  # failed, refused, interrupted or incomplete
            report = folder / "report.html"
            failed.append({"notebook": Path(str(record.get("notebook", ""))).name, "status": status,
                           "error": record.get("error") or run.get("error") or f"no results ({status})",
                           "href": href("..", run_id, "report.html") if run_id and report.is_file() else None})
            continue
        for c in doc.get("claims", []):
            rows.append(Row(run_id, str(record.get("notebook", "")),
                            dict(record.get("parameters") or {}), claims.from_dict(c),
                            is_simulated(doc)))
    return rows, failed


def previous_plan(folder: Path, name: str) -> tuple[str, dict[str, Any]] | None:
    """The newest plan folder before `folder` (same root) that ran the plan called `name`."""
    for path in sorted(folder.parent.glob(f"*/{PLAN_FILE}"), reverse=True):
        if path.parent.name >= folder.name:
            continue
        doc = _read(path)
        if doc is not None and doc.get("name") == name:
            return path.parent.name, doc
    return None


def _two_sided(claim: Claim) -> float:
    p = claim.p_two_sided
    return 1.0 if p is None else p


def _change(old: Claim, new: Claim) -> str:
    parts = []
    if old.verdict != new.verdict:
        parts.append(f"verdict changed from {old.verdict} to {new.verdict}")
    if old.estimate is not None and new.estimate is not None and sig(old.estimate, 3) != sig(new.estimate, 3):
        parts.append(f"estimate moved from {sig(old.estimate, 3)} to {sig(new.estimate, 3)}")
    return "; ".join(parts)


def findings_page(folder: Path, plan: Mapping[str, Any]) -> FindingsPage:
    """The findings page of the plan folder `folder` (its plan.json document is `plan`)."""
    root = folder.parent
    rows, failed = plan_rows(root, plan)
    testable = [r for r in rows if r.claim.testable]
    for r, p in zip(testable, holm([_two_sided(r.claim) for r in testable]), strict=True):
        r.page_p = p
    page = FindingsPage(failed=failed, simulated=any(r.simulated for r in rows), family=len(testable))
    by_notebook: dict[str, list[dict[str, Any]]] = {}
    for record in plan.get("runs", []):
        by_notebook.setdefault(str(record.get("notebook")), []).append(record.get("parameters") or {})
    page.grid = sorted({g for sets in by_notebook.values() for g in varying(sets)})
    before = previous_plan(folder, str(plan.get("name", "")))
    if before is not None:
        page.previous = before[0]
        old = {r.key: r.claim for r in plan_rows(root, before[1])[0]}
        for r in rows:
            if r.key in old:
                r.change = _change(old[r.key], r.claim)
        page.changes = run_changes(plan_runs(root, before[1]), plan_runs(root, plan))
    order = {q.title: i for i, q in enumerate(discover())}
    titles = sorted({question_title(r.claim.id) for r in rows}, key=lambda t: order.get(t, len(order)))
    page.groups = [(t, [r.cells(page.grid) for r in rows if question_title(r.claim.id) == t])
                   for t in titles]
    return page


def grid_labels(grid: Sequence[str]) -> list[str]:
    """Column labels of the grid parameters."""
    return [label(g) for g in grid]


def run_summary(folder: Path, doc: Mapping[str, Any]) -> dict[str, Any]:
    """Index fields of one run: data file names, simulated or real, verdict counts."""
    run = doc.get("run", {})
    counts = Counter(c.get("verdict", "?") for c in doc.get("claims", []))
    return {
        "data_files": ", ".join(Path(str(d.get("path", ""))).name for d in run.get("data", []))
        or "—",
        "simulated": is_simulated(doc),
        "verdict_counts": [(v, counts[v]) for v in claims.VERDICTS if counts.get(v)],
        "error": run.get("error"),
    }
