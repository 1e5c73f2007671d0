"""Execute one notebook with papermill into a new run folder, then write results.json and HTML.

A run folder ``reports/<run-id>/`` holds ``notebook.ipynb`` (executed, partial on failure),
``report.html``, ``results.json`` and any ``quarantine-*.csv`` the notebook wrote. A failing cell, a
cell timeout and a dead kernel all give status ``failed``; the HTML then shows the error.

Example:
    >>> run = execute_run("notebooks/01_engagement_vs_followers.ipynb", {"data": "sample"})  # doctest: +SKIP
    >>> run.status, run.folder.name  # doctest: +SKIP
    ('succeeded', '20261125T120000123456Z-01-engagement-vs-followers')
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import papermill

from inflresearch.atomic import atomic_write_text
from inflresearch.paths import project_root, reports_dir
from inflresearch.report import parameters as nbparams
from inflresearch.report import quiet
from inflresearch.report.html import write_html
from inflresearch.report.provenance import cache_key, git_commit, package_version
from inflresearch.runs import RESULTS, new_run_dir

NOTEBOOK_FILE = "notebook.ipynb"
HTML_FILE = "report.html"


@dataclass(frozen=True)
class RunResult:
    """Outcome of one run."""

    folder: Path
    status: str  # "succeeded", "failed" or "cached"
    error: str | None = None

    @property
    def html(self) -> Path:
        """The run's report."""
        return self.folder / HTML_FILE


def relative_notebook(notebook: Path) -> str:
    """The notebook path relative to the project root when it lies inside it."""
    try:
        return str(notebook.resolve().relative_to(project_root()))
    except ValueError:
        return str(notebook)


def execute_run(
    notebook: str | Path,
    parameters: dict[str, Any] | None = None,
    *,
    root: str | Path | None = None,
    cell_timeout: int = 600,
    progress: bool | None = None,
    validated: bool = False,
) -> RunResult:
    """Validate parameters, execute the notebook into a new run folder, write results.json + HTML."""
    notebook = Path(notebook).resolve()
    if not notebook.is_file():
        raise ValueError(f"no such notebook: {notebook}")
    params = dict(parameters or {}) if validated else nbparams.validate(notebook, parameters or {})
    defaults = nbparams.notebook_defaults(notebook)
    key = cache_key(notebook, params)
    folder = new_run_dir(notebook.stem, root=root if root is not None else reports_dir())
    if "run_dir" in defaults:
        params["run_dir"] = str(folder)
    on_tty = sys.stderr.isatty() if progress is None else progress
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    status, error = "succeeded", None
    try:
        papermill.execute_notebook(
            str(notebook),
            str(folder / NOTEBOOK_FILE),
            parameters=params,
            kernel_name="python3",
            cwd=str(project_root()),
            execution_timeout=cell_timeout,
            progress_bar=on_tty,
            log_output=not on_tty,
            request_save_on_cell_execute=True,
            **quiet.kernel_options(),
        )
    except papermill.PapermillExecutionError as exc:
        status, error = "failed", f"{exc.ename}: {exc.evalue}"
    except Exception as exc:  # cell timeout, dead kernel, kernel start failure
        status, error = "failed", f"{type(exc).__name__}: {exc}"
        if not (folder / NOTEBOOK_FILE).exists():
            (folder / "error.txt").write_text(traceback.format_exc())
    seconds = round(time.perf_counter() - t0, 3)
    # the effective parameters: the notebook's defaults with the given values on top
    shown = {k: v for k, v in {**defaults, **params}.items() if k != "run_dir"}
    run = {
        "id": folder.name,
        "notebook": relative_notebook(notebook),
        "parameters": shown,
        "status": status,
        "started": started.isoformat(timespec="seconds"),
        "seconds": seconds,
        "package_version": package_version(),
        "git_commit": git_commit(),
        "cache_key": key,
        "error": error,
    }
    results = complete_results(folder, run)
    write_html(folder / NOTEBOOK_FILE, folder / HTML_FILE, results)
    return RunResult(folder=folder, status=status, error=error)


def complete_results(folder: Path, run: dict[str, Any]) -> dict[str, Any]:
    """Merge the run block into the notebook's results.json (or create one) atomically."""
    path = folder / RESULTS
    document: dict[str, Any] = {"claims": [], "estimates": {}}
    if path.is_file():
        try:
            document = json.loads(path.read_text())
        except json.JSONDecodeError as exc:
            run = {**run, "status": "failed", "error": f"results.json unreadable: {exc}"}
    if run["status"] == "succeeded" and not path.is_file():
        run = {**run, "status": "failed", "error": "the notebook wrote no results.json"}
    merged_run = {**document.get("run", {}), **run}
    merged_run.setdefault("data", [])
    out = {
        "run": merged_run,
        "claims": document.get("claims", []),
        "estimates": document.get("estimates", {}),
    }
    atomic_write_text(path, json.dumps(out, indent=2, allow_nan=False) + "\n")
    return out
