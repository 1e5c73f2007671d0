"""The index of all runs (reports/index.html) and the findings page of a plan.

Both are rebuilt from the run folders' results.json files, so they can always be regenerated;
both are written atomically. Jinja2 autoescaping keeps data-derived text as text.

Example:
    >>> build_index("reports")  # doctest: +SKIP
    PosixPath('reports/index.html')
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2

from inflresearch.atomic import atomic_write_text
from inflresearch.report.findings import findings_page, grid_labels, run_summary
from inflresearch.runs import RESULTS

PLAN_FILE = "plan.json"
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    keep_trailing_newline=True,
)


def read_results(folder: Path) -> dict[str, Any] | None:
    """A run folder's results.json, or None when absent or unreadable."""
    try:
        return json.loads((folder / RESULTS).read_text())
    except (OSError, json.JSONDecodeError):
        return None


def _verdicts(claims: list[dict[str, Any]]) -> str:
    counts = Counter(c.get("verdict", "?") for c in claims)
    return ", ".join(f"{n} {v}" for v, n in sorted(counts.items())) or "no claims"


def _fmt(value: Any) -> str:
    return "" if value is None else f"{value:.3g}" if isinstance(value, float) else str(value)


def collect_runs(root: Path) -> list[dict[str, Any]]:
    """One summary per run folder under `root`, newest first."""
    runs = []
    for folder in sorted((p for p in root.iterdir() if p.is_dir()), reverse=True):
        doc = read_results(folder)
        if doc is None or "run" not in doc or "status" not in doc["run"]:
            continue
        run = doc["run"]
        params = ", ".join(f"{k}={v!r}" for k, v in sorted(run.get("parameters", {}).items()))
        html = folder / "report.html"
        runs.append(
            {
                "id": folder.name,
                "notebook": Path(run.get("notebook", "")).name,
                "parameters": params,
                "status": run["status"],
                "verdicts": _verdicts(doc.get("claims", [])),
                "seconds": run.get("seconds", ""),
                "html": f"{folder.name}/report.html" if html.is_file() else None,
                "results": f"{folder.name}/{RESULTS}",
                **run_summary(folder, doc),  # data files, simulated or real, verdict counts
            }
        )
    return runs


def collect_plans(root: Path) -> list[dict[str, Any]]:
    """One summary per plan folder (holding plan.json) under `root`, newest first."""
    plans = []
    for path in sorted(root.glob(f"*/{PLAN_FILE}"), reverse=True):
        try:
            plan = json.loads(path.read_text())
        except json.JSONDecodeError:
            continue
        statuses = Counter(r["status"] for r in plan.get("runs", []))
        claims = [
            c
            for r in plan.get("runs", [])
            for c in (read_results(root / r["run_id"]) or {}).get("claims", [])
        ]
        plans.append(
            {
                "name": plan.get("name", path.parent.name),
                "started": plan.get("started", ""),
                "summary": ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())),
                "verdicts": _verdicts(claims),
                "href": f"{path.parent.name}/findings.html",
            }
        )
    return plans


def build_index(root: str | Path) -> Path:
    """Write ``<root>/index.html`` listing every plan and run, newest first."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    page = _ENV.get_template("index.html.j2").render(
        runs=collect_runs(root),
        plans=collect_plans(root),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
    )
    return atomic_write_text(root / "index.html", page)


def write_findings(plan_folder: Path, plan: dict[str, Any]) -> Path:
    """Write ``findings.html`` of a plan folder: one table of every claim across its runs."""
    page = _ENV.get_template("findings.html.j2").render(
        plan=plan["name"],
        started=plan.get("started", ""),
        page=findings_page(plan_folder, plan),  # grouped claims, grid, page-level Holm, changes
        grid_labels=grid_labels,
    )
    return atomic_write_text(plan_folder / "findings.html", page)
