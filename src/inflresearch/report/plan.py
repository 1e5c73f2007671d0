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

Notebook paths are relative to the project root. The file is read without YAML tags or aliases and
checked against a schema; a wrong key or type gets one message naming it. A run whose notebook
source, parameters, input files and package code hash to the key of an earlier successful run is
skipped and reported as ``cached`` (unless ``force``). Runs execute in worker processes, each
taking the next run when done: a worker killed by the operating system fails only its run. Each
run's kernel gets its share of the cores as its BLAS/OpenMP thread count (`worker_threads`), so
parallel runs do not oversubscribe them. Every run, cached ones included, is listed in the plan
folder's plan.json and findings page; the index is rebuilt at the end, also after Ctrl-C or SIGTERM (running
and waiting runs are then recorded ``interrupted``).

Example:
    >>> expand_grid({"data": "sample"}, {"tiers": ["blog", "industry"]})
    [{'data': 'sample', 'tiers': 'blog'}, {'data': 'sample', 'tiers': 'industry'}]
"""

from __future__ import annotations

import contextlib
import itertools
import json
import multiprocessing
import os
import signal
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

import jsonschema

from inflresearch.atomic import atomic_write_text
from inflresearch.errors import quote
from inflresearch.paths import project_root, reports_dir
from inflresearch.questions import discover
from inflresearch.report import interrupts, quiet
from inflresearch.report import parameters as nbparams
from inflresearch.report.execute import execute_run, record_failure, relative_notebook
from inflresearch.report.folders import read_results, run_status
from inflresearch.report.index import PLAN_FILE, build_index, write_findings
from inflresearch.report.provenance import cache_key, input_files
from inflresearch.report.warm_kernel import WarmKernel
from inflresearch.runs import new_run_dir

_PLAN_KEYS = {"name", "description", "workers", "cell_timeout", "runs", "pdf"}
_RUN_KEYS = {"notebook", "parameters", "grid"}
PLAN_FILE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": ["string", "number"]},
        "description": {"type": ["string", "null"]},
        "workers": {"type": ["integer", "null"], "minimum": 1},
        "cell_timeout": {"type": "integer", "minimum": 1},
        "runs": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["notebook"],
                "properties": {
                    "notebook": {"type": "string", "minLength": 1},
                    "parameters": {"type": ["object", "null"]},
                    "grid": {
                        "type": ["object", "null"],
                        "additionalProperties": {"type": "array", "minItems": 1},
                    },
                },
            },
        },
    },
}
_JSON_TYPES = {"object": "a mapping", "array": "a list", "string": "text", "integer": "an integer",
               "number": "a number", "null": "null"}


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
    index_error: str | None = None  # why the index could not be rebuilt (the runs are recorded)

    @property
    def failed(self) -> int:
        """Number of runs that did not succeed (failed, interrupted or incomplete)."""
        return sum(r["status"] not in ("succeeded", "cached") for r in self.runs)

    @property
    def refused(self) -> int:
        """Number of runs the pre-flight refused (never started)."""
        return sum(r["status"] == "refused" for r in self.runs)

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


def _schema_message(error: jsonschema.ValidationError) -> str:
    """One line naming the key (``runs[2].grid.alpha``), what it must be and what it is."""
    where = "".join(f"[{p + 1}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    key = where.lstrip(".") or "the plan"
    if error.validator == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        expected = " or ".join(str(_JSON_TYPES.get(str(w), w)) for w in wanted)
        return f"key {key!r} must be {expected}, got {quote(error.instance)}"
    if error.validator in ("minimum", "minItems", "minLength"):
        return f"key {key!r} is too small: {quote(error.instance)}"
    return f"key {key!r}: {error.message[:200]}"


def load_plan(path: str | Path) -> Plan:
    """Parse and validate a plan file (every parameter set is checked against its notebook)."""
    path = Path(path)
    spec = nbparams.read_yaml(path, "plan")
    if not isinstance(spec, dict) or not isinstance(spec.get("runs"), list) or not spec["runs"]:
        raise ValueError(f"{path}: a plan needs a non-empty 'runs' list")
    unknown = set(spec) - _PLAN_KEYS
    if unknown:
        raise ValueError(
            f"{path}: unknown plan key(s) {sorted(map(quote, unknown))}; allowed: {sorted(_PLAN_KEYS)}"
        )
    for i, entry in enumerate(spec["runs"], 1):
        if not isinstance(entry, dict) or "notebook" not in entry:
            raise ValueError(f"{path}: run {i} needs a 'notebook'")
        extra = set(entry) - _RUN_KEYS
        if extra:
            raise ValueError(
                f"{path}: run {i}: unknown key(s) {sorted(map(quote, extra))}; "
                f"allowed: {sorted(_RUN_KEYS)}"
            )
    errors = sorted(
        jsonschema.Draft202012Validator(PLAN_FILE_SCHEMA).iter_errors(spec),
        key=lambda e: [str(p) for p in e.absolute_path],
    )
    if errors:
        raise ValueError(f"{path}: {_schema_message(errors[0])}")
    runs = []
    for i, entry in enumerate(spec["runs"], 1):
        notebook = Path(entry["notebook"])
        if not notebook.is_absolute():
            notebook = project_root() / notebook
        if not notebook.is_file():
            raise ValueError(f"{path}: run {i}: no such notebook {quote(entry['notebook'])}")
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


def demo_plan() -> Plan:
    """The main job (`make demo`): every discovered question on the SIMULATED sample, each of its
    inputs given as ``sample`` (none absent); a new question joins it by being discovered.

    Example:
        >>> [(r.notebook.stem, r.parameters) for r in demo_plan().runs][0]
        ('01_engagement_vs_followers', {'data': 'sample', 'posts': 'sample'})
    """
    runs = [PlannedRun(q.path.resolve(), nbparams.validate(q.path, dict.fromkeys(q.inputs, "sample")))
            for q in discover()]
    return Plan(name="demo", runs=runs)


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
        doc = read_results(folder)
        if doc is None:
            continue
        run = doc["run"]
        if run_status(folder, run) == "succeeded" and run.get("cache_key"):
            found[run["cache_key"]] = folder.name
    return found


#: thread-pool variables of OpenBLAS, MKL and OpenMP (scikit-learn, numpy, scipy)
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def worker_threads(n_workers: int, cores: int | None = None) -> int:
    """Threads per run's kernel so that parallel runs do not oversubscribe the cores.

    Example:
        >>> worker_threads(2, cores=2), worker_threads(2, cores=8), worker_threads(4, cores=2)
        (1, 4, 1)
    """
    return max(1, (cores or os.cpu_count() or 1) // max(1, n_workers))


def _work(planned: PlannedRun, folder: str, cell_timeout: int, kernel: WarmKernel | None) -> None:
    """Worker process: execute one run into `folder` (in `kernel`, started for it); an error
    outside the notebook is recorded."""
    started = datetime.now(UTC)
    try:
        execute_run(
            planned.notebook,
            planned.parameters,
            cell_timeout=cell_timeout,
            progress=False,
            validated=True,
            folder=Path(folder),
            kernel=kernel,
        )
    except KeyboardInterrupt:
        pass  # execute_run has recorded the run as interrupted
    except Exception as exc:  # a broken run must not stop the rest of the plan
        error = f"{type(exc).__name__}: {exc}"
        record_failure(Path(folder), planned.notebook, planned.parameters, "failed", error,
                       started=started)
    finally:
        if kernel is not None:  # when the run failed before its notebook started
            kernel.shutdown()


def _serve(conn: Any, cell_timeout: int, threads: int, first: str) -> None:
    """Worker process: execute runs sent as ``(planned, folder, upcoming)`` one after another,
    answering ``"done"`` after each; it exits when the plan closes the connection.

    A worker is started before its first run's pre-flight, and starts a kernel at once for the
    notebook `first` (a `WarmKernel`: its imports run while the pre-flight reads the inputs);
    while a run executes, the kernel of the next one starts for the notebook `upcoming` names
    (None: no run waits). Each run has a kernel of its own, shut down as soon as its notebook has
    executed. Kernels inherit `threads` as their BLAS/OpenMP thread count, unless the caller's
    environment sets one (`THREAD_VARIABLES`). The first SIGINT or SIGTERM (from the terminal or
    from the plan) interrupts its run, which is then recorded undisturbed by the next one."""
    interrupts.interrupt_once()
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, str(threads))
    kernel: WarmKernel | None = None
    try:
        kernel = _warm_kernel(first)
        while True:
            planned, folder, upcoming = conn.recv()
            current, kernel = kernel, None
            if upcoming is not None:
                kernel = _warm_kernel(upcoming)
            _work(planned, folder, cell_timeout, current)
            conn.send("done")
    except (EOFError, OSError, KeyboardInterrupt):  # the plan ended, or was interrupted
        pass
    finally:
        if kernel is not None:
            kernel.shutdown()
        conn.close()


def _warm_kernel(notebook: str) -> WarmKernel | None:
    """A kernel for the next run, of `notebook`, or None when one cannot start (papermill then
    starts one and reports its error in the run)."""
    try:
        return WarmKernel(notebook)
    except Exception:  # noqa: BLE001 - the run itself will report a kernel that cannot start
        return None


def _exit_reason(code: int | None) -> str:
    """``'killed by signal SIGKILL'`` for -9, ``'exit code 1'`` for 1."""
    if code is not None and code < 0:
        try:
            return f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


@dataclass
class _Running:
    process: Any
    conn: Any
    planned: PlannedRun
    folder: Path
    started: datetime


def _outcome(running: _Running, *, interrupted: bool) -> tuple[str, str | None]:
    """Status and error of a finished worker, from its results.json; a worker that left none
    (killed, or stopped by Ctrl-C) is recorded here."""
    doc = read_results(running.folder)
    if doc is not None:
        return run_status(running.folder, doc["run"]), doc["run"].get("error")
    if interrupted:
        status, error = "interrupted", f"interrupted ({interrupts.stopped_by()}) before the run finished"
    else:
        error = f"the worker process died ({_exit_reason(running.process.exitcode)})"
        status = "failed"
    record_failure(running.folder, running.planned.notebook, running.planned.parameters, status,
                   error, started=running.started)
    return status, error


def _run_all(
    todo: list[tuple[int, PlannedRun]],
    records: list[dict[str, Any]],
    root: Path,
    n_workers: int,
    cell_timeout: int,
) -> None:
    """Run `todo` with at most `n_workers` worker processes, filling `records` in place.

    Workers are started first; each run's pre-flight runs here as its turn comes, overlapping
    the workers' start-up and the kernels already running. A worker that finishes a run takes
    the next; one that dies fails its run only and is replaced."""
    context = multiprocessing.get_context("spawn")
    threads = worker_threads(n_workers)
    waiting = list(todo)
    running: dict[int, _Running] = {}
    idle: list[tuple[Any, Any]] = []  # workers without a run: (process, connection)
    try:
        while waiting or running:
            while len(idle) < min(n_workers - len(running), len(waiting)):
                conn, child = context.Pipe()
                first = str(waiting[len(idle)][1].notebook)  # the run it is likely to take
                process = context.Process(target=_serve, args=(child, cell_timeout, threads, first))
                process.start()
                child.close()
                idle.append((process, conn))
            while waiting and idle:
                i, planned = waiting.pop(0)
                refusal = _refusal(planned)
                if refusal is not None:  # refused before any kernel: no run folder, not indexed
                    records[i].update(run_id="", status="refused", error=refusal)
                    quiet.report_progress(records[i]["notebook"], "refused")
                    continue
                process, conn = idle.pop(0)
                folder = new_run_dir(planned.notebook.stem, root=root)
                upcoming = str(waiting[0][1].notebook) if waiting else None
                with contextlib.suppress(OSError):  # a worker that died starting up is
                    conn.send((planned, str(folder), upcoming))  # recorded below as died
                running[i] = _Running(process, conn, planned, folder, datetime.now(UTC))
            if not running:
                break
            wait([w for r in running.values() for w in (r.conn, r.process.sentinel)], timeout=5)
            for i, r in list(running.items()):
                if _answered(r):
                    idle.append((r.process, r.conn))
                elif r.process.exitcode is not None:
                    r.process.join()
                    r.conn.close()
                else:
                    continue
                status, error = _outcome(r, interrupted=False)
                records[i].update(run_id=r.folder.name, status=status, error=error)
                quiet.report_progress(records[i]["notebook"], status)
                del running[i]
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (`interrupts.stop_on_signals`)
        with interrupts.deferred():
            _stop_workers(running)
            for i, r in running.items():
                status, error = _outcome(r, interrupted=True)
                records[i].update(run_id=r.folder.name, status=status, error=error)
            for i, _ in waiting:
                records[i].update(run_id="", status="interrupted",
                                  error=f"not started: {interrupts.stopped_by()}")
        raise
    finally:
        for _, conn in idle:  # no run left for them: closing the connection ends them
            conn.close()
        for process, _ in idle:
            process.join(timeout=30)
            if process.exitcode is None:
                process.kill()
                process.join()


STOP_GRACE = 120  # seconds a stopped worker has to record its run before it is killed


def _stop_workers(running: dict[int, _Running]) -> None:
    """Interrupt every running worker at once and wait for each to record its run.

    A terminal's Ctrl-C reaches the workers too; the signal sent here reaches them when only
    this process was signalled (``kill -INT``, a SIGTERM from cron or CI). A worker ignores the
    second of the two (`interrupts.interrupt_once`). One still running after `STOP_GRACE`
    seconds is killed (its kernel exits with it: it watches its parent) and recorded here."""
    sent = signal.SIGTERM if interrupts.stopped_by() == "SIGTERM" else signal.SIGINT
    for r in running.values():
        r.conn.close()  # each worker exits once its run is recorded
        if r.process.exitcode is None and r.process.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(r.process.pid, sent)
    deadline = time.monotonic() + STOP_GRACE
    for r in running.values():
        r.process.join(timeout=max(0.0, deadline - time.monotonic()))
        if r.process.exitcode is None:
            r.process.kill()
            r.process.join()


def _answered(running: _Running) -> bool:
    """True when the worker reported its run done (it is then free for the next one)."""
    try:
        return bool(running.conn.poll()) and running.conn.recv() == "done"
    except (EOFError, OSError):  # the worker died: its exit code tells why
        return False


def _refusal(planned: PlannedRun) -> str | None:
    """The pre-flight's one-line reason why `planned` cannot start, or None."""
    from inflresearch.report.preflight import PreflightError, check_notebook

    try:
        check_notebook(planned.notebook, planned.parameters)
    except PreflightError as exc:
        return str(exc)
    return None


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
        record: dict[str, Any] = {"notebook": relative_notebook(planned.notebook), "parameters": shown}
        key = cache_key(planned.notebook, planned.parameters)
        if key in cached:  # same notebook, parameters, input files and code: it passed before
            record.update(run_id=cached[key], status="cached", error=None)
        else:  # the pre-flight runs as its turn comes (`_run_all`)
            todo.append((len(records), planned))
        records.append(record)
    n_workers = max(1, min(workers or plan.workers or os.cpu_count() or 1, len(todo) or 1))
    try:
        _run_all(largest_first(todo), records, root, n_workers, plan.cell_timeout)
        if plan.pdf:  # the plan option `pdf: true`
            from inflresearch.report.pdf import PDF_FILE, write_pdf

            for record in records:
                run_folder = root / str(record.get("run_id") or "")
                if record["status"] == "succeeded" and not (run_folder / PDF_FILE).exists():
                    write_pdf(run_folder / "report.html")
    finally:  # also after Ctrl-C or SIGTERM: the plan, its findings and the index are written
        with interrupts.deferred():
            result = _write_plan(plan, root, records, started, time.perf_counter() - t0, n_workers)
    return result


def largest_first(todo: list[tuple[int, PlannedRun]]) -> list[tuple[int, PlannedRun]]:
    """`todo` in the order the runs start: largest input files first (ties keep the plan's
    order), so that a plan does not wait on one long run started last while its other workers
    are idle (longest job first). Results keep the plan's order whatever the start order.

    Example:
        >>> runs = [(i, PlannedRun(Path("n.ipynb"), {"data": d})) for i, d in
        ...         enumerate(["README.md", "LICENSE", "README.md", "no-such.csv"])]
        >>> [i for i, _ in largest_first(runs)]
        [0, 2, 1, 3]
    """
    def size(planned: PlannedRun) -> int:
        params = {k: v for k, v in planned.parameters.items() if k != "run_dir"}
        total = 0
        for path in input_files(params):
            with contextlib.suppress(OSError):
                total += path.stat().st_size
        return total

    return sorted(todo, key=lambda item: -size(item[1]))


def _write_plan(
    plan: Plan,
    root: Path,
    records: list[dict[str, Any]],
    started: datetime,
    seconds: float,
    n_workers: int,
) -> PlanResult:
    """Write plan.json, the findings page and the index."""
    folder = new_run_dir(f"plan-{plan.name}", root=root)
    document = {
        "name": plan.name,
        "plan_file": str(plan.source) if plan.source else None,
        "started": started.isoformat(timespec="seconds"),
        "seconds": round(seconds, 3),
        "workers": n_workers,
        "runs": records,
    }
    atomic_write_text(folder / PLAN_FILE, json.dumps(document, indent=2) + "\n")
    write_findings(folder, document)
    try:
        build_index(root)
    except OSError as exc:  # every run and the plan are recorded: say so before this error
        problem = f"index not written: {root / 'index.html'}: {exc.strerror or exc}"
        return PlanResult(folder=folder, runs=records, index_error=problem)
    return PlanResult(folder=folder, runs=records)
