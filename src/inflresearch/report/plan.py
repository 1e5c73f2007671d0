"""Plans: lists of notebooks x parameter sets, run in parallel worker processes, with caching.

A plan file (YAML, read with the safe loader)::

    name: weekly
    workers: 2            # optional; default: number of cores
    pdf: true             # optional; also write report.pdf in each successful run folder
    cell_timeout: 600     # optional; seconds per cell
    runs:
      - notebook: notebooks/01_engagement_vs_followers.ipynb
        parameters: {data: sample}
        grid: {tiers: [blog, industry]}   # optional: one run per combination

Notebook paths are relative to the project root. A run whose notebook source, parameters and input
files hash to the key of an earlier successful run is skipped and reported as ``cached`` (unless
``force``). Every run, cached ones included, is listed in the plan folder's plan.json and findings
page; the index is rebuilt at the end.

Example:
    >>> expand_grid({"data": "sample"}, {"tiers": ["blog", "industry"]})
    [{'data': 'sample', 'tiers': 'blog'}, {'data': 'sample', 'tiers': 'industry'}]
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from inflresearch.atomic import atomic_write_text
from inflresearch.paths import project_root, reports_dir
from inflresearch.report import parameters as nbparams
from inflresearch.report.execute import RunResult, execute_run, relative_notebook
from inflresearch.report.index import PLAN_FILE, build_index, read_results, write_findings
from inflresearch.report.provenance import cache_key
from inflresearch.runs import new_run_dir

_PLAN_KEYS = {"name", "description", "workers", "cell_timeout", "runs", "pdf"}
_RUN_KEYS = {"notebook", "parameters", "grid"}


@dataclass(frozen=True)
class PlannedRun:
    """One notebook with one validated parameter set."""

    notebook: Path
    parameters: dict[str, Any]


@dataclass
class Plan:
    """A parsed plan file."""

    name: str
    runs: list[PlannedRun]
    workers: int | None = None
    cell_timeout: int = 600
    source: Path | None = None
    pdf: bool = False


@dataclass
class PlanResult:
    """What a plan run produced."""

    folder: Path
    runs: list[dict[str, Any]] = field(default_factory=list)

    @property
    def failed(self) -> int:
        """Number of failed runs."""
        return sum(r["status"] == "failed" for r in self.runs)

    @property
    def findings(self) -> Path:
        """The plan's findings page."""
        return self.folder / "findings.html"


def expand_grid(
    parameters: dict[str, Any], grid: dict[str, list[Any]] | None
) -> list[dict[str, Any]]:
    """The parameter sets of one plan entry: `parameters` merged with each grid combination."""
    if not grid:
        return [dict(parameters)]
    names = list(grid)
    for name in names:
        if not isinstance(grid[name], list) or not grid[name]:
            raise ValueError(f"grid entry {name!r} must be a non-empty list")
    return [
        dict(parameters, **dict(zip(names, combo, strict=True)))
        for combo in itertools.product(*grid.values())
    ]


def load_plan(path: str | Path) -> Plan:
    """Parse and validate a plan file (every parameter set is checked against its notebook)."""
    path = Path(path)
    try:
        spec = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read plan: {exc}") from None
    if not isinstance(spec, dict) or not isinstance(spec.get("runs"), list) or not spec["runs"]:
        raise ValueError(f"{path}: a plan needs a non-empty 'runs' list")
    unknown = set(spec) - _PLAN_KEYS
    if unknown:
        raise ValueError(
            f"{path}: unknown plan key(s) {sorted(unknown)}; allowed: {sorted(_PLAN_KEYS)}"
        )
    runs = []
    for i, entry in enumerate(spec["runs"], 1):
        if not isinstance(entry, dict) or "notebook" not in entry:
            raise ValueError(f"{path}: run {i} needs a 'notebook'")
        extra = set(entry) - _RUN_KEYS
        if extra:
            raise ValueError(
                f"{path}: run {i}: unknown key(s) {sorted(extra)}; allowed: {sorted(_RUN_KEYS)}"
            )
        notebook = Path(entry["notebook"])
        if not notebook.is_absolute():
            notebook = project_root() / notebook
        if not notebook.is_file():
            raise ValueError(f"{path}: run {i}: no such notebook {entry['notebook']}")
        for params in expand_grid(entry.get("parameters") or {}, entry.get("grid")):
            try:
                checked = nbparams.validate(notebook, params)
            except ValueError as exc:
                raise ValueError(f"{path}: run {i} ({notebook.name}): {exc}") from None
            runs.append(PlannedRun(notebook.resolve(), checked))
    workers = spec.get("workers")
    return Plan(
        name=str(spec.get("name") or path.stem),
        runs=runs,
        workers=None if workers is None else int(workers),
        cell_timeout=int(spec.get("cell_timeout", 600)),
        source=path,
        pdf=_flag(spec.get("pdf", False), path, "pdf"),
    )


def _flag(value: object, path: Path, key: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{path}: {key!r} must be true or false, not {value!r}")
    return value


def successful_runs_by_key(root: Path) -> dict[str, str]:
    """cache key -> id of the newest successful run with that key."""
    found: dict[str, str] = {}
    if not root.is_dir():
        return found
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        run = (read_results(folder) or {}).get("run", {})
        if run.get("status") == "succeeded" and run.get("cache_key"):
            found[run["cache_key"]] = folder.name
    return found


def _execute(planned: PlannedRun, root: str, cell_timeout: int) -> tuple[str, str, str | None]:
    try:
        result: RunResult = execute_run(
            planned.notebook,
            planned.parameters,
            root=root,
            cell_timeout=cell_timeout,
            progress=False,
            validated=True,
        )
        return result.folder.name, result.status, result.error
    except Exception as exc:  # a broken run must not stop the rest of the plan
        return "", "failed", f"{type(exc).__name__}: {exc}"


def run_plan(
    plan: Plan, *, root: str | Path | None = None, force: bool = False, workers: int | None = None
) -> PlanResult:
    """Run every planned run (skipping cached ones unless `force`), then write findings and index."""
    root = Path(root) if root is not None else reports_dir()
    root.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    cached = {} if force else successful_runs_by_key(root)
    records: list[dict[str, Any]] = []
    todo: list[tuple[int, PlannedRun]] = []
    for planned in plan.runs:
        shown = {k: v for k, v in planned.parameters.items() if k != "run_dir"}
        record = {"notebook": relative_notebook(planned.notebook), "parameters": shown}
        key = cache_key(planned.notebook, planned.parameters)
        if key in cached:
            record.update(run_id=cached[key], status="cached", error=None)
        else:
            todo.append((len(records), planned))
        records.append(record)
    n_workers = max(1, min(workers or plan.workers or os.cpu_count() or 1, len(todo) or 1))
    if todo:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=n_workers, mp_context=context) as pool:
            futures = [(i, pool.submit(_execute, p, str(root), plan.cell_timeout)) for i, p in todo]
            for i, future in futures:
                run_id, status, error = future.result()
                records[i].update(run_id=run_id, status=status, error=error)
    if plan.pdf:  # the plan option `pdf: true`
        from inflresearch.report.pdf import PDF_FILE, write_pdf

        for record in records:
            run_folder = root / str(record.get("run_id") or "")
            if record["status"] != "failed" and record.get("run_id") and not (run_folder / PDF_FILE).exists():
                write_pdf(run_folder / "report.html")
    folder = new_run_dir(f"plan-{plan.name}", root=root)
    document = {
        "name": plan.name,
        "plan_file": str(plan.source) if plan.source else None,
        "started": started.isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - t0, 3),
        "workers": n_workers,
        "runs": records,
    }
    atomic_write_text(folder / PLAN_FILE, json.dumps(document, indent=2) + "\n")
    write_findings(folder, document)
    build_index(root)
    return PlanResult(folder=folder, runs=records)
