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
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from inflresearch import claims
from inflresearch.claims import Claim, format_p, holm
from inflresearch.questions import discover
from inflresearch.report.folders import href, read_results, run_status
from inflresearch.report.key_findings import Finding, finding, is_simulated
from inflresearch.report.platforms import SideBySide, side_by_side
from inflresearch.report.run_changes import plan_runs, run_changes
from inflresearch.report.skips import ALL_FILES, SkipLine, group_skips, short_reason
from inflresearch.report.tables import label, readable_value
from inflresearch.text import sig

PLAN_FILE = "plan.json"
_SKIP_PREFIX = re.compile(r"^notebook \S+ cannot run: |\(parameter '[^']*', \w+\) ")
ANALYZE_FILE = "analyze.json"  # what `inflresearch analyze` knows of the plan's datasets
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
    data: frozenset[str] = frozenset()  # SHA-256 of the run's input files
    estimates: dict[str, Any] = field(default_factory=dict)
    dataset: str = ""  # the dataset's name (an `analyze`), else its files
    platform: str | None = None
    dataset_id: int | None = None
    same: str = ""  # why this row is not counted again in the page's Holm family

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
            "change": self.change, "dataset": self.dataset, "same": self.same,
        }


@dataclass
class FindingsPage:
    """Everything the findings template shows."""

    groups: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    grid: list[str] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    simulated: bool = False
    all_simulated: bool = False  # every run: the banner says so once, rows are not tagged
    family: int = 0
    previous: str | None = None
    changes: list[str] = field(default_factory=list)
    answers: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)  # testable only
    skips: list[SkipLine] = field(default_factory=list)
    datasets: list[dict[str, Any]] = field(default_factory=list)
    platforms: SideBySide | None = None
    same_data: int = 0  # rows shown but not counted again in the page's Holm family


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
        inputs = [d for d in run.get("data", []) if isinstance(d, dict)]
        data = frozenset(str(d.get("sha256", "")) for d in inputs)
        names = ", ".join(dict.fromkeys(Path(str(d.get("path", ""))).name for d in inputs))
        label = "SIMULATED sample" if is_simulated(doc) else names
        for c in doc.get("claims", []):
            rows.append(Row(run_id, str(record.get("notebook", "")),
                            dict(record.get("parameters") or {}), claims.from_dict(c),
                            is_simulated(doc), data=data, estimates=dict(doc.get("estimates") or {}),
                            dataset=label))
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
    """The findings page of the plan folder `folder` (its plan.json document is `plan`).

    The testable claims come first (``answers``); the not-testable ones and the notebooks an
    `analyze` skipped are grouped by reason (``skips``). Rows are named by their dataset (the
    ``analyze.json`` an `analyze` writes next to plan.json, else their files); a row whose data
    another row already tested (byte-identical inputs, or the same accounts: `mark_same_data`)
    is shown but counted once only in the page-level Holm family."""
    root = folder.parent
    rows, failed = plan_rows(root, plan)
    record = _read(folder / ANALYZE_FILE) or {}
    datasets = [d for d in record.get("datasets", []) if isinstance(d, dict)]
    _name_rows(rows, datasets)
    _mark_same_data(rows, datasets)
    testable = [r for r in rows if r.claim.testable and not r.same]
    for r, p in zip(testable, holm([_two_sided(r.claim) for r in testable]), strict=True):
        r.page_p = p
    page = FindingsPage(failed=failed, simulated=any(r.simulated for r in rows),
                        all_simulated=bool(rows) and all(r.simulated for r in rows), family=len(testable),
                        same_data=sum(bool(r.same) and r.claim.testable for r in rows))
    by_notebook: dict[str, list[dict[str, Any]]] = {}
    for run in plan.get("runs", []):
        by_notebook.setdefault(str(run.get("notebook")), []).append(run.get("parameters") or {})
    page.grid = sorted({g for sets in by_notebook.values() for g in varying(sets)} - _inputs())  # inputs: the dataset
    before = previous_plan(folder, str(plan.get("name", "")))
    if before is not None:
        page.previous = before[0]
        old = {r.key: r.claim for r in plan_rows(root, before[1])[0]}
        for r in rows:
            if r.key in old:
                r.change = _change(old[r.key], r.claim)
        page.changes = run_changes(plan_runs(root, before[1]), plan_runs(root, plan))
    questions = discover()
    order = {q.title: i for i, q in enumerate(questions)}
    title_of = {c: q.title for q in questions for c in q.claims}
    title = {id(r): title_of.get(r.claim.id, OTHER) for r in rows}
    titles = sorted(set(title.values()), key=lambda t: order.get(t, len(order)))
    rows.sort(key=lambda r: (not r.claim.testable, bool(r.same)))  # stable: answers first, in run order
    cells = {id(r): r.cells(page.grid) for r in rows}
    page.groups = [(t, [cells[id(r)] for r in rows if title[id(r)] == t]) for t in titles]
    page.answers = [(t, answers) for t, answers in
                    ((t, [cells[id(r)] for r in rows if r.claim.testable and title[id(r)] == t]) for t in titles)
                    if answers]
    page.skips = group_skips([(short_reason(r.claim.note), r.dataset or r.run_id, r.claim.statement)
                              for r in rows if not r.claim.testable]
                             + _skipped_notebooks(record))
    page.datasets = [d for d in datasets if d.get("table")]
    page.platforms = _platforms(rows, page.simulated)
    return page


def _name_rows(rows: Sequence[Row], datasets: Sequence[Mapping[str, Any]]) -> None:
    """Each row named by the largest dataset whose files are all among the run's inputs."""
    for r in rows:
        matches = [d for d in datasets if d.get("sha256") and set(d["sha256"]) <= r.data]
        if matches:
            d = max(matches, key=lambda d: len(d["sha256"]))
            r.dataset, r.platform, r.dataset_id = str(d.get("name")), d.get("platform"), d.get("id")


def _inputs() -> set[str]:
    """The parameters that name input files (and their mappings): the dataset, not a grid value."""
    return {name for q in discover() for name in (*q.inputs, *q.mappings.values())} | {"captions"}


def _mark_same_data(rows: Sequence[Row], datasets: Sequence[Mapping[str, Any]]) -> None:
    """Set ``same`` on each row whose claim an earlier row tested on the same data: the same
    input bytes with the same other parameters, or a dataset holding the same accounts."""
    inputs = _inputs()
    first: dict[tuple[str, str, frozenset[str], str], Row] = {}
    for r in rows:
        others = json.dumps({k: v for k, v in r.parameters.items() if k not in inputs},
                            sort_keys=True, default=str)
        key = (Path(r.notebook).stem, r.claim.id, r.data, others)
        if r.data and key in first:
            r.same = (f"the same input files as {first[key].dataset or first[key].run_id} "
                      "(byte-identical): not counted again in the page's Holm family")
        else:
            first.setdefault(key, r)
    by_id = {d.get("id"): d for d in datasets}
    for r in rows:
        d = by_id.get(r.dataset_id)
        if r.same or d is None or d.get("same_as") is None:
            continue
        primary = by_id.get(d["same_as"]) or {}
        if any(o.dataset_id == primary.get("id") and o.claim.id == r.claim.id and o.claim.testable
               for o in rows):
            r.same = (f"largely the same accounts as {primary.get('name')} ({int(d.get('shared') or 0):,} of "
                      f"{int(d.get('accounts') or 0):,} accounts): not counted again in the page's Holm family")


def _skipped_notebooks(record: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(reason, files, question) of each notebook an `analyze` did not run."""
    titles = {q.stem: q.title for q in discover()}
    names = {", ".join(d.get("files", [])): str(d.get("name")) for d in record.get("datasets", [])
             if isinstance(d, dict)}
    out = []
    for s in record.get("skipped", []):
        if isinstance(s, dict):
            files = str(s.get("file", ""))
            reason = str(s.get("reason", ""))
            if files == "any":  # "no posts table among the files: <claim ids> not testable"
                reason, files = reason.split(": ")[0], ALL_FILES
            reason = _SKIP_PREFIX.sub("", reason).replace(Path(files).name, "the file").split(": none of ")[0]
            out.append((reason, names.get(files, files),
                        titles.get(str(s.get("notebook")), str(s.get("notebook")))))
    return out


def _platforms(rows: Sequence[Row], simulated: bool) -> SideBySide | None:
    """The elasticity b of each dataset side by side (one run per dataset: the first that tested
    the decline claim), the datasets that could not enter, with why."""
    picked: dict[frozenset[str], Row] = {}
    left_out: list[tuple[str, str, str]] = []
    for r in rows:
        if r.claim.id != claims.ENGAGEMENT_RATE_DECLINES or r.data in picked:
            continue
        se, b = r.estimates.get("elasticity_se"), r.estimates.get("elasticity")
        if not r.claim.testable or r.same or se is None or b is None:
            why = short_reason(r.claim.note) if not r.claim.testable else r.same or "no standard error"
            left_out.append((why.split(": not counted")[0], r.dataset or r.run_id, ""))
            continue
        picked[r.data] = r
    table = pd.DataFrame([{
        "dataset": r.dataset or r.run_id, "platform": r.platform or r.parameters.get("platform") or "",
        "estimate": float(r.estimates["elasticity"]), "se": float(r.estimates["elasticity_se"]),
        "ci_low": float(r.estimates.get("elasticity_ci_low", float("nan"))),
        "ci_high": float(r.estimates.get("elasticity_ci_high", float("nan"))),
        "n": int(r.estimates.get("n_accounts") or r.claim.n)} for r in picked.values()])
    alpha = min((r.claim.alpha for r in picked.values()), default=0.05)
    lines = [f"{line.reason} ({_count(line.datasets)}: {'; '.join(line.datasets)})" for line in group_skips(left_out)]
    tiers = {str(r.dataset or r.run_id): list(r.estimates.get("tiers") or []) for r in picked.values()}
    return side_by_side(table, alpha=alpha, simulated=simulated, left_out=lines, tiers=tiers)


def _count(datasets: Sequence[str]) -> str:
    return f"{len(datasets):,} dataset{'s' if len(datasets) != 1 else ''}"


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
