"""Benchmark the main job: the demo plan (every notebook on the sample) versus its floor.

The floor is the same number of empty notebooks executed through papermill and exported to HTML
by the same pipeline with the same number of workers: kernel start-up and export cost, no analysis.
Runs go to a temporary reports folder (never into the project's reports/), with caching off.

    .venv/bin/python benchmarks/demo.py
"""

from __future__ import annotations

import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from inflresearch.paths import project_root, sample_dir
from inflresearch.report.plan import Plan, PlannedRun, load_plan, run_plan


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


def timed(plan: Plan, root: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (less sensitive to other load on a shared machine), failures."""
    t0, c0 = time.perf_counter(), _cpu()
    result = run_plan(plan, root=root, force=True)
    return time.perf_counter() - t0, _cpu() - c0, result.failed


def main() -> None:
    sample_dir()  # generate the sample first: not part of the timed job after installation
    demo = load_plan(project_root() / "plans" / "demo.yml")
    workers = demo.workers or os.cpu_count() or 1
    tmp = Path(tempfile.mkdtemp(prefix="inflresearch-bench-"))
    try:
        floor_plan = Plan(name="floor", runs=[PlannedRun(empty_notebook(tmp), {})] * len(demo.runs))
        floor, floor_cpu, _ = timed(floor_plan, tmp / "floor")
        full, full_cpu, failed = timed(demo, tmp / "demo")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"machine: {os.cpu_count()} cores; workers: {workers}; notebooks in the demo plan: {len(demo.runs)}")
    print(f"demo plan (all notebooks on the sample, HTML, findings, index): {full:6.1f} s"
          f"{'  (' + str(failed) + ' FAILED)' if failed else ''}")
    print(f"floor ({len(demo.runs)} empty notebooks, same pipeline):            {floor:6.1f} s")
    print(f"ratio demo / floor: {full / floor:.2f}x   goal: demo under 90 s")
    print(f"CPU seconds (all processes): demo {full_cpu:.1f}, floor {floor_cpu:.1f}, "
          f"ratio {full_cpu / floor_cpu:.2f}x")


if __name__ == "__main__":
    main()
