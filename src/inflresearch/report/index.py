"""The index of all runs (reports/index.html) and the findings page of a plan.

Both are rebuilt from the run folders' results.json files, so they can always be regenerated;
both are written atomically. Jinja2 autoescaping keeps data-derived text as text, and every link
is relative (``./``) and URL-encoded, so no folder name becomes a script link. A results.json or
plan.json that does not match its schema never stops the page: the folder is listed under
"skipped folders" with the reason. A run recorded ``succeeded`` whose report.html or notebook is
missing counts as ``incomplete``: it is not reused from the cache and its claims are not shown.

Example:
    >>> import tempfile
    >>> build_index(tempfile.mkdtemp()).name
    'index.html'
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
import jsonschema

from inflresearch.atomic import atomic_write_text
from inflresearch.errors import quote
from inflresearch.params import simulated_inputs
from inflresearch.report.findings import findings_page, grid_labels, run_summary
from inflresearch.report.folders import href, load_results, read_results, refuse_constant, run_status
from inflresearch.report.platforms import FRAME_CAVEAT
from inflresearch.runs import RESULTS
from inflresearch.text import sig

PLAN_FILE = "plan.json"
PLAN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["name", "runs"],
    "properties": {
        "name": {"type": "string"},
        "started": {"type": "string"},
        "runs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["status", "run_id"],
                "properties": {
                    "status": {"type": "string"},
                    "run_id": {"type": "string"},
                },
            },
        },
    },
}
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    keep_trailing_newline=True,
)


def _verdicts(claims: list[dict[str, Any]]) -> str:
    counts = Counter(c.get("verdict", "?") for c in claims)
    return ", ".join(f"{n} {v}" for v, n in sorted(counts.items())) or "no claims"


def _fmt(value: Any) -> str:
    return "" if value is None else f"{value:.3g}" if isinstance(value, float) else str(value)


def collect_runs(root: Path) -> list[dict[str, Any]]:
    """One summary per run folder under `root`, newest first (see `collect_runs_and_skipped`)."""
    return collect_runs_and_skipped(root)[0]


def collect_runs_and_skipped(root: Path) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Run summaries, newest first, and the folders skipped because their results.json is unusable.

    A folder with neither results.json nor plan.json (e.g. a run still in progress) is ignored.
    """
    runs, skipped = [], []
    for folder in sorted((p for p in root.iterdir() if p.is_dir()), reverse=True):
        doc, problem = load_results(folder)
        if doc is None:
            if problem:
                skipped.append({"id": folder.name, "reason": problem})
            continue
        run = doc["run"]
        params = ", ".join(f"{k}={quote(v)}" for k, v in sorted(run.get("parameters", {}).items()))
        html = folder / "report.html"
        runs.append(
            {
                "id": folder.name,
                "notebook": Path(run.get("notebook", "")).name,
                "parameters": params,
                "status": run_status(folder, run),
                "simulated": ", ".join(simulated_inputs(run)),
                "verdicts": _verdicts(doc.get("claims", [])),
                "seconds": run.get("seconds", ""),
                "by_hand": bool(run.get("by_hand")),
                "html": href(folder.name, "report.html") if html.is_file() else None,
                "results": href(folder.name, RESULTS),
                **run_summary(folder, doc),  # data files, simulated or real, verdict counts
            }
        )
    return runs, skipped


def load_plan_record(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """A plan folder's plan.json checked against its shape, or None and why it is unusable."""
    try:
        plan = json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse_constant)
        jsonschema.validate(plan, PLAN_SCHEMA)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "top level"
        return None, f"{PLAN_FILE}: {exc.message[:200]} (at {where})"
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return None, f"{PLAN_FILE}: {str(exc)[:200]}"
    return plan, None


def collect_plans(root: Path) -> list[dict[str, Any]]:
    """One summary per plan folder (holding plan.json) under `root`, newest first."""
    return collect_plans_and_skipped(root)[0]


def _run_folder(root: Path, run_id: str) -> Path | None:
    """The run folder `run_id` names inside `root`, or None for an empty or escaping name."""
    if not run_id or "/" in run_id or "\\" in run_id or run_id in (".", ".."):
        return None
    return root / run_id


def collect_plans_and_skipped(root: Path) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Plan summaries, newest first, and the plan folders skipped because plan.json is unusable."""
    plans, skipped = [], []
    for path in sorted((p for p in root.glob(f"*/{PLAN_FILE}") if p.is_file()), reverse=True):
        plan, problem = load_plan_record(path)
        if plan is None:
            skipped.append({"id": path.parent.name, "reason": problem or PLAN_FILE})
            continue
        statuses = Counter(r["status"] for r in plan["runs"])
        claims = []
        for r in plan["runs"]:
            folder = _run_folder(root, r["run_id"])
            doc = read_results(folder) if folder is not None else None
            if folder is not None and doc is not None and run_status(folder, doc["run"]) == "succeeded":
                claims += doc["claims"]
        plans.append(
            {
                "name": plan["name"],
                "started": plan.get("started", ""),
                "summary": ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())),
                "verdicts": _verdicts(claims),
                "href": href(path.parent.name, "findings.html"),
            }
        )
    return plans, skipped


def build_index(root: str | Path) -> Path:
    """Write ``<root>/index.html`` listing every plan and run, newest first, and the skipped
    folders with the reason."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    runs, skipped_runs = collect_runs_and_skipped(root)
    plans, skipped_plans = collect_plans_and_skipped(root)
    skipped_ids = {s["id"] for s in skipped_plans}
    page = _ENV.get_template("index.html.j2").render(
        runs=runs,
        plans=plans,
        skipped=skipped_plans + [s for s in skipped_runs if s["id"] not in skipped_ids],
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
    )
    return atomic_write_text(root / "index.html", page)


def write_findings(plan_folder: Path, plan: dict[str, Any]) -> Path:
    """Write ``findings.html`` of a plan folder: one table of every claim across its runs."""
    page = _ENV.get_template("findings.html.j2").render(
        plan=plan["name"],
        started=plan.get("started", ""),
        page=(page := findings_page(plan_folder, plan)),  # grouped claims, grid, Holm, changes
        grid_labels=grid_labels,
        caveat=FRAME_CAVEAT,
        sig=lambda x: sig(float(x), 3),
        dataset_names={d["id"]: d["name"] for d in page.datasets},
    )
    return atomic_write_text(plan_folder / "findings.html", page)
