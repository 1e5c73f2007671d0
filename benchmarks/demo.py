"""Benchmark the main job: the demo plan (every notebook on the sample) versus its floor.

The floor is the same number of empty notebooks executed through papermill and exported to HTML
by the same pipeline with the same number of workers: kernel start-up and export cost, no analysis.
Floor and demo run alternately `--repeat` times (default 3); the medians are compared, since a
shared machine's noise is a few seconds. Then, for the last demo run, where the time goes: per
notebook the seconds of the run, of its kernel's cells (papermill's per-cell durations) and of its
slowest cells. Runs go to a temporary reports folder (never into the project's reports/), with
caching off. The package is byte-compiled first, as `make demo` does.

    .venv/bin/python benchmarks/demo.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import nbformat

from inflresearch.paths import project_root, sample_dir
from inflresearch.report.plan import Plan, PlannedRun, PlanResult, demo_plan, run_plan


def empty_notebook(folder: Path) -> Path:
    """A notebook with a title, a parameters cell and one trivial cell."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("run_dir = None")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Empty"),
        params,
        nbformat.v4.new_code_cell(
            "from inflresearch import runs\n_ = runs.save_results(run_dir, [], {}, notebook='empty')"
        ),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "empty.ipynb"
    nbformat.write(nb, path)
    return path


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (workers and their kernels)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(plan: Plan, root: Path) -> tuple[float, float, PlanResult]:
    """Wall seconds, CPU seconds (less sensitive to other load on a shared machine), result."""
    t0, c0 = time.perf_counter(), _cpu()
    result = run_plan(plan, root=root, force=True)
    return time.perf_counter() - t0, _cpu() - c0, result


def where_the_time_goes(root: Path, result: PlanResult, top: int = 3) -> list[str]:
    """Per run: its seconds, its kernel's cell seconds and its slowest cells (first lines)."""
    lines = []
    for record in result.runs:
        folder = root / record["run_id"]
        run = json.loads((folder / "results.json").read_text())["run"]
        cells = [c for c in nbformat.read(folder / "notebook.ipynb", as_version=4).cells
                 if c.cell_type == "code"]
        spent = sorted(((c.metadata.get("papermill", {}).get("duration") or 0.0,
                         c.source.strip().splitlines()[0][:60]) for c in cells if c.source.strip()),
                       reverse=True)
        lines.append(f"  {Path(record['notebook']).stem}: run {run['seconds']:.1f} s, kernel cells "
                     f"{sum(d for d, _ in spent):.1f} s; slowest: "
                     + "; ".join(f"{d:.1f} s `{first}`" for d, first in spent[:top]))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="alternate runs of floor and demo")
    repeat = max(1, parser.parse_args().repeat)
    sample_dir()  # generate the sample first: not part of the timed job after installation
    compileall.compile_dir(project_root() / "src", quiet=1)  # as `make demo` does
    demo = demo_plan()
    workers = demo.workers or os.cpu_count() or 1
    tmp = Path(tempfile.mkdtemp(prefix="inflresearch-bench-"))
    floors, demos, failed = [], [], 0
    try:
        floor_plan = Plan(name="floor", runs=[PlannedRun(empty_notebook(tmp), {})] * len(demo.runs))
        for i in range(repeat):
            floors.append(timed(floor_plan, tmp / f"floor{i}")[:2])
            wall, cpu, result = timed(demo, tmp / f"demo{i}")
            demos.append((wall, cpu))
            failed += result.failed
        breakdown = where_the_time_goes(tmp / f"demo{repeat - 1}", result)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    full, floor = (statistics.median(w for w, _ in d) for d in (demos, floors))
    full_cpu, floor_cpu = (statistics.median(c for _, c in d) for d in (demos, floors))
    print(f"machine: {os.cpu_count()} cores; workers: {workers}; notebooks in the demo plan: "
          f"{len(demo.runs)}; median of {repeat} alternating runs")
    print(f"demo plan (all notebooks on the sample, HTML, findings, index): {full:6.1f} s"
          f"  (runs: {', '.join(f'{w:.1f}' for w, _ in demos)})"
          + (f"  ({failed} FAILED)" if failed else ""))
    print(f"floor ({len(demo.runs)} empty notebooks, same pipeline):            {floor:6.1f} s"
          f"  (runs: {', '.join(f'{w:.1f}' for w, _ in floors)})")
    print(f"ratio demo / floor: {full / floor:.2f}x   goal: 1.5x")
    print(f"CPU seconds (all processes): demo {full_cpu:.1f}, floor {floor_cpu:.1f}, "
          f"ratio {full_cpu / floor_cpu:.2f}x")
    print("where the time goes (last demo run):", *breakdown, sep="\n")


if __name__ == "__main__":
    main()
