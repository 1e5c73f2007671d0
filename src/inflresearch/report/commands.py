"""The report sub-commands of `inflresearch`: run, plan, index, demo.

Example:
    >>> from inflresearch.cli import main
    >>> main(["run", "notebooks/01_engagement_vs_followers.ipynb", "-p", "alpha", "0.1"])  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from inflresearch.paths import project_root, reports_dir, sample_dir

DEMO_PLAN = "plans/demo.yml"


def _root(args: argparse.Namespace) -> Path:
    return Path(args.reports) if args.reports else reports_dir()


def _cmd_run(args: argparse.Namespace) -> int:
    from inflresearch.report import parameters as nbparams
    from inflresearch.report.execute import execute_run
    from inflresearch.report.index import build_index

    notebook = Path(args.notebook)
    if not notebook.is_file():
        raise ValueError(f"no such notebook: {notebook}")
    given: dict = {}
    if args.params:
        loaded = yaml.safe_load(Path(args.params).read_text()) or {}
        if not isinstance(loaded, dict):
            raise ValueError(f"{args.params}: expected a mapping of parameter names to values")
        given.update(loaded)
    defaults = nbparams.notebook_defaults(notebook)
    given.update(nbparams.from_cli(defaults, [tuple(p) for p in args.param or []]))
    checked = nbparams.check_types(defaults, given)
    result = execute_run(
        notebook, checked, root=_root(args), cell_timeout=args.timeout, validated=True
    )
    if args.pdf and result.html.is_file():
        from inflresearch.report.pdf import write_pdf

        print(f"  pdf:    {write_pdf(result.html)}")
    index = build_index(_root(args))
    print(f"{result.status}: {result.folder}")
    if result.error:
        print(f"  error: {result.error}")
    print(f"  report: {result.html}\n  index:  {index}")
    return 0 if result.status == "succeeded" else 1


def _print_plan(result, root: Path) -> None:
    for r in result.runs:
        line = f"  {r['status']:<9} {r['notebook']} {r['parameters']} -> {r.get('run_id') or '-'}"
        print(line + (f"\n            error: {r['error']}" if r.get("error") else ""))
    print(f"findings: {result.findings}\nindex:    {root / 'index.html'}")


def _cmd_plan(args: argparse.Namespace) -> int:
    from inflresearch.report.plan import load_plan, run_plan

    plan = load_plan(args.plan)
    result = run_plan(plan, root=_root(args), force=args.force, workers=args.workers)
    _print_plan(result, _root(args))
    return 1 if result.failed else 0


def _cmd_index(args: argparse.Namespace) -> int:
    from inflresearch.report.index import build_index

    print(build_index(_root(args)))
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from inflresearch.report.plan import load_plan, run_plan

    print(f"SIMULATED sample world: {sample_dir()}")
    plan_file = project_root() / DEMO_PLAN
    if not plan_file.is_file():
        print(f"no demo plan ({DEMO_PLAN}) yet: nothing more to run")
        return 0
    result = run_plan(load_plan(plan_file), root=_root(args), force=args.force)
    _print_plan(result, _root(args))
    return 1 if result.failed else 0


def add_report_commands(sub: argparse._SubParsersAction) -> None:
    """Register run, plan, index and demo on the `inflresearch` parser."""
    p = sub.add_parser("run", help="execute one notebook into a new run folder with an HTML report")
    p.add_argument("notebook")
    p.add_argument(
        "-p",
        "--param",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="a parameter (value read as YAML: 0.1, [5000, 10000], null; text stays text)",
    )
    p.add_argument("--params", help="YAML file of parameters (-p values override it)")
    p.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    p.add_argument("--reports", help="reports folder (default: the project's reports/)")
    p.add_argument("--pdf", action="store_true", help="also write report.pdf (for e-mail)")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("plan", help="run a plan of notebooks x parameter sets in parallel")
    p.add_argument("plan")
    p.add_argument("--force", action="store_true", help="re-run runs whose results are cached")
    p.add_argument("--workers", type=int, help="worker processes (default: plan's, else cores)")
    p.add_argument("--reports", help="reports folder (default: the project's reports/)")
    p.set_defaults(func=_cmd_plan)

    p = sub.add_parser("index", help="rebuild reports/index.html from the run folders")
    p.add_argument("--reports", help="reports folder (default: the project's reports/)")
    p.set_defaults(func=_cmd_index)

    p = sub.add_parser("demo", help="the main job: every notebook on the bundled simulated sample")
    p.add_argument("--force", action="store_true", help="re-run even when results are cached")
    p.add_argument("--reports", help="reports folder (default: the project's reports/)")
    p.set_defaults(func=_cmd_demo)
