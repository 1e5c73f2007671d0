"""Execute one notebook with papermill into a new run folder, then write results.json and HTML.

A run folder ``reports/<run-id>/`` holds ``notebook.ipynb`` (executed, partial on failure),
``report.html``, ``results.json`` and any ``quarantine-*.csv`` the notebook wrote. A failing cell, a
cell timeout and a dead kernel all give status ``failed``; the HTML then shows the error. So does a
notebook that writes no results.json, or one that is not valid JSON of the published schema (the
original is kept as ``results.invalid.json``). Ctrl-C gives status ``interrupted``. The status and
error returned are always those recorded in results.json, and report.html is written before the
final results.json, so a run recorded ``succeeded`` has all its outputs.

Usage: ``execute_run("notebooks/01_engagement_vs_followers.ipynb", {"data": "sample"})`` returns
the run (``status`` ``'succeeded'``, ``folder`` ``reports/<UTC timestamp>-01-engagement-vs-followers``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
import time
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import papermill

from inflresearch.paths import project_root, reports_dir
from inflresearch.report import interrupts, quiet
from inflresearch.report import parameters as nbparams
from inflresearch.report.html import write_html
from inflresearch.report.papermill_engine import ENGINE, atomic_output
from inflresearch.report.provenance import (
    cache_key,
    changed_inputs,
    git_commit,
    input_hashes,
    package_version,
)
from inflresearch.report.schema_check import validate_results
from inflresearch.report.warm_kernel import WarmKernel
from inflresearch.runs import RESULTS, new_run_dir, write_results

NOTEBOOK_FILE = "notebook.ipynb"
HTML_FILE = "report.html"
INVALID_RESULTS = "results.invalid.json"
_PROBE_RUN: dict[str, Any] = {
    "id": "probe", "notebook": "", "parameters": {}, "status": "failed",
    "started": "2000-01-01T00:00:00+00:00", "seconds": 0, "package_version": "",
    "git_commit": None, "data": [],
}


class _KnownParameters(logging.Filter):
    """Drop papermill's "Passed unknown parameter" warning: names and types are checked by
    `inflresearch.report.parameters` before the kernel starts, and papermill's own parser does
    not read typed annotations such as ``platform: str | None = None``."""

    def filter(self, record: logging.LogRecord) -> bool:  # noqa: D102 (logging API)
        return not record.getMessage().startswith("Passed unknown parameter")


logging.getLogger("papermill").addFilter(_KnownParameters())

@dataclass(frozen=True)
class RunResult:
    """Outcome of one run."""

    folder: Path
    status: str  # "succeeded", "failed", "interrupted" or "cached"
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
    folder: Path | None = None,
    kernel: WarmKernel | None = None,
) -> RunResult:
    """Validate parameters, execute the notebook into a new run folder, write results.json + HTML.

    `folder` is an empty run folder made beforehand (a plan makes one per run, so it can record a
    worker that dies); by default a new one is created under `root`. `kernel` is a kernel
    started for this run (`WarmKernel`), shut down at once when the notebook has executed, before
    the report is written; without it papermill starts (and stops) one. On Ctrl-C
    the run is recorded ``interrupted`` and KeyboardInterrupt is raised again.
    """
    notebook = Path(notebook).resolve()
    if not notebook.is_file():
        raise ValueError(f"no such notebook: {notebook}")
    params = dict(parameters or {}) if validated else nbparams.validate(notebook, parameters or {})
    defaults = nbparams.notebook_defaults(notebook)
    if folder is None:
        folder = new_run_dir(notebook.stem, root=root if root is not None else reports_dir())
    if "run_dir" in defaults:
        params["run_dir"] = str(folder)
    on_tty = sys.stderr.isatty() if progress is None else progress
    before = input_hashes(params)  # the inputs as the kernel will find them when it starts
    key = cache_key(notebook, params, before)
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    status, error = "succeeded", None
    interrupted = False
    try:
        papermill.execute_notebook(
            str(notebook),
            atomic_output(folder / NOTEBOOK_FILE),  # every save complete, or the previous one kept
            parameters=params,
            kernel_name="python3",
            engine_name=ENGINE,
            cwd=str(project_root()),
            execution_timeout=cell_timeout,
            progress_bar=on_tty,
            log_output=not on_tty,
            request_save_on_cell_execute=True,
            **quiet.kernel_options(),
            **({} if kernel is None else {"km": kernel.km}),
        )
    except papermill.PapermillExecutionError as exc:
        status, error = "failed", f"{exc.ename}: {exc.evalue}"
    except Exception as exc:  # cell timeout, dead kernel, kernel start failure
        status, error = "failed", f"{type(exc).__name__}: {exc}"
        if not (folder / NOTEBOOK_FILE).exists():
            (folder / "error.txt").write_text(traceback.format_exc())
    except KeyboardInterrupt:
        status, interrupted = "interrupted", True
        error = f"interrupted ({interrupts.stopped_by()}) before the run finished"
    finally:
        if kernel is not None:
            kernel.shutdown()
    seconds = round(time.perf_counter() - t0, 3)
    run = run_block(folder, notebook, params, status, error, started=started, seconds=seconds, key=key)
    with interrupts.deferred() if interrupted else contextlib.nullcontext():  # recorded whole
        results = finish_run(folder, run, before)
    if interrupted:
        raise KeyboardInterrupt
    return RunResult(folder=folder, status=results["run"]["status"], error=results["run"]["error"])


def run_block(
    folder: Path,
    notebook: Path,
    parameters: dict[str, Any],
    status: str,
    error: str | None,
    *,
    started: datetime,
    seconds: float,
    key: str | None = None,
) -> dict[str, Any]:
    """The ``run`` block of results.json; the parameters shown are the notebook's defaults with
    the given values on top (``run_dir`` left out). `key` is the cache key taken before the
    kernel started (default: from the inputs as they are now)."""
    defaults = nbparams.notebook_defaults(notebook)
    shown = {k: v for k, v in {**defaults, **parameters}.items() if k != "run_dir"}
    return {
        "id": folder.name,
        "notebook": relative_notebook(notebook),
        "parameters": shown,
        "status": status,
        "started": started.isoformat(timespec="seconds"),
        "seconds": seconds,
        "package_version": package_version(),
        "git_commit": git_commit(),
        "cache_key": key if key is not None else cache_key(notebook, parameters),
        "error": error,
    }


def record_failure(
    folder: Path, notebook: Path, parameters: dict[str, Any], status: str, error: str,
    *, started: datetime,
) -> dict[str, Any]:
    """Record a run that ended outside the notebook (a dead worker, an interrupted plan) as
    `status` with `error`, keeping whatever partial notebook the folder holds."""
    seconds = max(0.0, round((datetime.now(UTC) - started).total_seconds(), 3))
    run = run_block(folder, notebook, parameters, status, error, started=started, seconds=seconds)
    return finish_run(folder, run)


def finish_run(folder: Path, run: dict[str, Any],
               before: dict[Path, str] | None = None) -> dict[str, Any]:
    """Complete results.json with the run block and write report.html, the report first.

    `before` are the input hashes taken before the kernel started: when a file the notebook
    recorded has other content, the run keeps no cache key (``cache_refused`` says why), so its
    result is never served for either version of the file.
    """
    results = complete_results(folder, run)
    changed = changed_inputs(results["run"].get("data") or [], before or {})
    if changed:
        results["run"].pop("cache_key", None)
        results["run"]["cache_refused"] = ("input changed during the run, not cached: "
                                           + ", ".join(changed))
    try:
        write_html(folder / NOTEBOOK_FILE, folder / HTML_FILE, results)
    except Exception as exc:  # a report that cannot be rendered fails the run, visibly
        reason = (exc.strerror if isinstance(exc, OSError) and exc.strerror  # e.g. File too large
                  else f"{type(exc).__name__}: {exc}")
        problem = f"report.html not written: {reason}"
        earlier = results["run"].get("error") if results["run"]["status"] != "succeeded" else None
        results["run"].update(status="failed", error=f"{earlier}; {problem}" if earlier else problem)
    write_results(folder, results)
    return results


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def notebook_document(path: Path) -> tuple[dict[str, Any], str | None]:
    """The claims and estimates a notebook wrote to `path`, or empty ones and the reason they are
    unusable (absent, not JSON, NaN, not an object, not matching the schema)."""
    empty: dict[str, Any] = {"run": {}, "claims": [], "estimates": {}}
    if not path.is_file():
        return empty, "the notebook wrote no results.json"
    try:
        document = json.loads(path.read_text(encoding="utf-8"), parse_constant=_reject_constant)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return empty, f"results.json unreadable: {exc}"
    return checked_document(document)


def checked_document(document: Any) -> tuple[dict[str, Any], str | None]:
    """A notebook's results document checked against the schema (the run block aside), or empty
    claims and estimates and the reason it is unusable."""
    empty: dict[str, Any] = {"run": {}, "claims": [], "estimates": {}}
    if not isinstance(document, dict):
        return empty, f"results.json holds a JSON {type(document).__name__}, not an object"
    document = {"run": {}, "claims": [], "estimates": {}, **document}
    notebook_run = document["run"] if isinstance(document["run"], dict) else {}
    probe = {**document, "run": {**_PROBE_RUN, "data": notebook_run.get("data", [])}}
    try:
        validate_results(probe)
    except ValueError as exc:
        return empty, str(exc)
    return document, None


def complete_results(folder: Path, run: dict[str, Any],
                     written: dict[str, Any] | None = None) -> dict[str, Any]:
    """Merge the run block into the notebook's results document: `written` (a notebook run by
    hand, not yet on disk) or its results.json; an unusable file is kept as
    ``results.invalid.json`` and the run marked failed with the reason."""
    path = folder / RESULTS
    document, problem = notebook_document(path) if written is None else checked_document(written)
    if problem is not None:
        if path.is_file():
            path.replace(folder / INVALID_RESULTS)
        if run["status"] == "succeeded":
            run = {**run, "status": "failed", "error": problem}
    notebook_run = document["run"]  # what the notebook recorded (data, inputs); the pipeline's run wins
    merged_run = {"data": notebook_run.get("data", []),
                  **{k: v for k, v in notebook_run.items() if k == "inputs"}, **run}
    return {"run": merged_run, "claims": document["claims"], "estimates": document["estimates"]}
