"""The report sub-commands of `inflresearch`: run, plan, analyze, index, demo; and the known-export
preset of the files `inflresearch aggregate` is given (`posts_preset`).

Usage: ``inflresearch.cli.main(["run", "notebooks/01_engagement_vs_followers.ipynb", "-p", "alpha",
"0.1"])`` is ``inflresearch run notebooks/01_engagement_vs_followers.ipynb -p alpha 0.1``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inflresearch import runs
from inflresearch.errors import quote
from inflresearch.paths import reports_dir, sample_dir

if TYPE_CHECKING:
    from inflresearch.data.presets import Preset
    from inflresearch.report.plan import PlanResult

MAX_RUNS = 200  # analyze's default cap on runs: kernels are what takes the time
INTERRUPTED = 130  # the shell's exit code for Ctrl-C (SIGTERM is handled alike)


def _root(args: argparse.Namespace) -> Path:
    """The reports folder (a relative one from the caller's directory, made absolute before any
    kernel starts in the project root), created if needed; one-line ValueError when it is a file
    or unwritable."""
    root = Path(args.reports).expanduser().absolute() if args.reports else reports_dir()
    if root.exists() and not root.is_dir():
        raise ValueError(f"--reports {quote(str(root))}: not a folder")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"--reports {quote(str(root))}: cannot create it: {exc.strerror}") from None
    if not os.access(root, os.W_OK | os.X_OK):
        raise ValueError(f"--reports {quote(str(root))}: not writable")
    return root


def _index(root: Path) -> tuple[Path, str | None]:
    """Rebuild the index; its path and, when it cannot be written, one line naming it."""
    from inflresearch.report.index import build_index

    try:
        return build_index(root), None
    except OSError as exc:
        return root / "index.html", f"index not written: {root / 'index.html'}: {exc.strerror or exc}"


def _interrupted(what: str) -> int:
    from inflresearch.report.interrupts import stopped_by

    print(f"interrupted: {what} stopped by {stopped_by()} (recorded as 'interrupted')", file=sys.stderr)
    return INTERRUPTED


def _cmd_run(args: argparse.Namespace) -> int:
    from inflresearch.report import parameters as nbparams
    from inflresearch.report.execute import execute_run
    from inflresearch.report.preflight import caller_paths, check_notebook

    notebook = Path(args.notebook)
    if not notebook.is_file():
        raise ValueError(f"no such notebook: {quote(str(notebook))}")
    root = _root(args)
    given: dict[str, Any] = {}
    if args.params:
        loaded = nbparams.read_yaml(args.params, "parameters")
        if loaded is not None and not isinstance(loaded, dict):
            raise ValueError(f"{args.params}: expected a mapping of parameter names to values")
        given.update(loaded or {})
    found = nbparams.notebook_parameters(notebook)
    defaults = {name: p.default for name, p in found.items()}
    types = {name: p.annotation for name, p in found.items()}
    given.update(nbparams.from_cli(defaults, [tuple(p) for p in args.param or []], types))
    checked = caller_paths(notebook, nbparams.check_types(defaults, given, types))
    check_notebook(notebook, checked)  # refused here: no kernel, no run folder, nothing indexed
    try:
        result = execute_run(notebook, checked, root=root, cell_timeout=args.timeout, validated=True)
    except KeyboardInterrupt:
        _, problem = _index(root)
        if problem:
            print(f"error: {problem}", file=sys.stderr)
        return _interrupted("the run was")
    print(f"{result.status}: {result.folder}")
    if result.error:
        print(f"  error: {result.error}")
    if args.pdf and result.html.is_file():
        from inflresearch.report.pdf import write_pdf

        print(f"  pdf:    {write_pdf(result.html)}")
    index, problem = _index(root)
    print(f"  report: {result.html}" + ("" if problem else f"\n  index:  {index}"), flush=True)
    if problem:  # the run is recorded; only the listing of runs is out of date
        print(f"error: {problem}", file=sys.stderr)
        return 2
    return 0 if result.status == "succeeded" else 1


def yaml_flow(parameters: object) -> str:
    """Parameters as one line of YAML (flow style), not a Python dict.

    Example:
        >>> yaml_flow({"alpha": 0.1, "tiers": "blog", "micro_range": None})
        '{alpha: 0.1, micro_range: null, tiers: blog}'
    """
    import yaml

    return str(yaml.safe_dump(parameters, default_flow_style=True, sort_keys=True)).strip()


def _print_plan(result: PlanResult, root: Path) -> bool:
    """Print every run's status, the findings page and the index (or why it is not written,
    last and on stderr); False when the index could not be written."""
    for r in result.runs:
        run_id = r.get("run_id") or "-"
        made = runs.folder_time(Path(run_id)) if r["status"] == "cached" else None
        when = f" (made {made:%Y-%m-%d %H:%M} UTC)" if made else ""
        line = f"  {r['status']:<9} {r['notebook']} {yaml_flow(r['parameters'])} -> {run_id}{when}"
        print(line + (f"\n            error: {r['error']}" if r.get("error") else ""))
    print(f"findings: {result.findings}" + ("" if result.index_error else f"\nindex:    {root / 'index.html'}"),
          flush=True)
    if result.index_error:
        print(f"error: {result.index_error}", file=sys.stderr)
    return result.index_error is None


def _cmd_plan(args: argparse.Namespace) -> int:
    from inflresearch.report.plan import load_plan, run_plan

    plan = load_plan(args.plan)
    root = _root(args)
    try:
        result = run_plan(plan, root=root, force=args.force, workers=args.workers)
    except KeyboardInterrupt:
        return _interrupted("the plan was")
    if not _print_plan(result, root):
        return 2
    return 1 if result.failed or result.refused else 0


class _ScanProgress:
    """Progress of `analyze`'s scan on stderr: the file count first, then at most one line every
    `every` seconds, and the last file."""

    def __init__(self, every: float = 5.0) -> None:
        self.every = every
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        import time

        now = time.monotonic()
        if done == 0:
            print(f"scanning {total:,} table file{'s' * (total != 1)} ...", file=sys.stderr, flush=True)
        elif done == total or now - self.last >= self.every:
            print(f"scanned {done:,} of {total:,}", file=sys.stderr, flush=True)
        else:
            return
        self.last = now


def _cmd_analyze(args: argparse.Namespace) -> int:
    from inflresearch.report.analyze import TooManyRuns, analyze, report_lines
    from inflresearch.report.parameters import parse_cli_value

    extra = {name: parse_cli_value(text) for name, text in args.param or []}
    root = None if args.dry_run else _root(args)
    try:
        planned, result = analyze(args.paths, root=root, workers=args.workers, force=args.force,
                                  parameters=extra, progress=_ScanProgress(),
                                  dry_run=args.dry_run, max_runs=args.max_runs or None)
    except TooManyRuns as exc:
        print("\n".join(report_lines(exc.planned, None)))
        raise
    except KeyboardInterrupt:
        return _interrupted("the analysis was")
    print("\n".join(report_lines(planned, result)))
    if result is None:
        return 0 if args.dry_run and planned.runs else 1
    if result.index_error:
        return 2
    return 1 if result.failed else 0


def _cmd_index(args: argparse.Namespace) -> int:
    from inflresearch.report.index import build_index

    print(build_index(_root(args)))
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from inflresearch.report.plan import demo_plan, run_plan

    print(f"SIMULATED sample world: {sample_dir()}")
    root = _root(args)
    try:
        result = run_plan(demo_plan(), root=root, force=args.force)
    except KeyboardInterrupt:
        return _interrupted("the demo was")
    if not _print_plan(result, root):
        return 2
    return 1 if result.failed else 0


def add_report_commands(sub: argparse._SubParsersAction) -> None:
    """Register run, plan, analyze, index and demo on the `inflresearch` parser."""
    p = sub.add_parser("run", help="execute one notebook into a new run folder with an HTML report")
    p.add_argument("notebook")
    p.add_argument(
        "-p",
        "--param",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="a parameter (value read as YAML: 0.1, [5000, 10000], null, ~; text where YAML "
        "does not fit the parameter's type)",
    )
    p.add_argument("--params", help="YAML file of parameters (-p values override it)")
    p.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    p.add_argument("--reports", help="reports folder (default: the project's reports/)")
    p.add_argument("--pdf", action="store_true", help="also write report.pdf (for e-mail)")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser(
        "plan", help="run a plan of notebooks x parameter sets in parallel",
        description="Run every notebook of a plan file over its parameter sets, in parallel; reuse "
        "runs whose notebook, parameters and input files are unchanged (unless --force); write "
        "the plan's findings page and the index.")
    p.add_argument("plan", help="the plan file (YAML): name, runs (notebook, parameters or a grid "
                   "of them), optional workers, cell_timeout and pdf")
    p.add_argument("--force", action="store_true", help="re-run runs whose results are cached")
    p.add_argument("--workers", type=int, help="worker processes (default: plan's, else cores)")
    p.add_argument("--reports", help="reports folder (default: the project's reports/)")
    p.set_defaults(func=_cmd_plan)

    p = sub.add_parser("analyze", help="raw exports -> every notebook whose needs they meet "
                       "-> findings page")
    p.add_argument("paths", nargs="+", metavar="FILE_OR_FOLDER")
    p.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"),
                   help="a parameter for every notebook that has it (value read as YAML)")
    p.add_argument("--force", action="store_true", help="re-run runs whose results are cached")
    p.add_argument("--workers", type=int, help="worker processes (default: cores)")
    p.add_argument("--reports", help="reports folder (default: the project's reports/)")
    p.add_argument("--dry-run", action="store_true",
                   help="recognise the files and list the runs it would start; start none")
    p.add_argument("--max-runs", type=int, default=MAX_RUNS, metavar="N",
                   help=f"refuse to start more than N runs (default {MAX_RUNS}; 0: no limit)")
    p.set_defaults(func=_cmd_analyze)

    p = sub.add_parser("index", help="rebuild reports/index.html from the run folders")
    p.add_argument("--reports", help="reports folder (default: the project's reports/)")
    p.set_defaults(func=_cmd_index)

    p = sub.add_parser("demo", help="the main job: every notebook on the bundled simulated sample")
    p.add_argument("--force", action="store_true", help="re-run even when results are cached")
    p.add_argument("--reports", help="reports folder (default: the project's reports/)")
    p.set_defaults(func=_cmd_demo)


def posts_preset(files: list[str]) -> Preset | None:
    """The known-export posts preset of every one of `files` (as `validate` detects it), None
    when none of them is a known export; one ValueError when they mix layouts, or mix a known
    export with other files: aggregating them together would need two mappings, and would put
    two sources in one account table.

    Example:
        >>> from inflresearch.paths import sample_file
        >>> posts_preset([str(sample_file("posts"))]) is None
        True
    """
    from inflresearch.data.presets import detect_preset
    from inflresearch.data.reading import read_headers

    found: dict[str, list[str]] = {}
    for path in files:
        try:
            preset = detect_preset(read_headers(path))
        except (OSError, ValueError):  # unreadable here: aggregate names it in its own error
            preset = None
        found.setdefault(preset.name if preset is not None and preset.table == "posts" else "", []).append(path)
    if not found or set(found) == {""}:
        return None
    if len(found) > 1:
        groups = "; ".join(f"{name or 'no known export'}: {', '.join(Path(p).name for p in paths[:3])}"
                           + (f" and {len(paths) - 3:,} more" if len(paths) > 3 else "")
                           for name, paths in found.items())
        raise ValueError(f"these posts files come from different sources ({groups}): aggregate each "
                         "source on its own (or give --mapping for all of them)")
    from inflresearch.data.presets import get_preset

    return get_preset(next(iter(found)))


def unix_time_column(path: str, columns: dict[str, str | None]) -> str | None:
    """The source column mapped to ``posted_at`` when its first values are whole numbers (Unix
    seconds, as in the TikTok 2020 scrape's ``create_time``), else None.

    Example:
        >>> import tempfile
        >>> f = Path(tempfile.mkdtemp()) / "v.csv"
        >>> _ = f.write_text("id,create_time\\n1,1604768557\\n")
        >>> unix_time_column(str(f), {"id": "post_id", "create_time": "posted_at"})
        'create_time'
    """
    import pandas as pd

    source = next((k for k, v in columns.items() if v == "posted_at"), None)
    if source is None or not path.lower().endswith((".csv", ".csv.gz")):
        return None
    try:
        head = pd.read_csv(path, usecols=[source], nrows=20, dtype=str)[source].dropna()
    except (OSError, ValueError):
        return None
    return source if len(head) and head.str.fullmatch(r"\d{9,11}").all() else None
