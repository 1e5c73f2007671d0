"""Benchmark the main job: the demo plan (every notebook on the sample) versus its floors.

Compared, alternately `--repeat` times (default 3; medians, since a shared machine's noise is a
few seconds), with the same number of workers:

- the compute floor: the same analyses through the package API (`notebook_params` ->
  `load_inputs` -> `run_analysis` of each question), one fresh process per notebook, as many at
  a time as the demo has workers (goal: demo <= 1.3x);
- plain papermill: ``papermill`` then ``jupyter nbconvert --to html --no-input`` per notebook,
  one after another and two at a time (goal: the demo >= 1.5x faster than two at a time);
- the pipeline floor: the same number of empty notebooks through the demo's own pipeline
  (kernel start-up and export cost, no analysis). Then, for the last demo run, where the time goes: per
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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import yaml

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


API_RUN = """
import sys, json
from pathlib import Path
from inflresearch.questions import discover
notebook, params, run_dir = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
question = next(q for q in discover() if q.path.resolve() == Path(notebook).resolve())
p = question.params(**params, run_dir=run_dir)
question.analyse(question.load(p), p).claims()
"""


def _in_parallel(commands: list[list[list[str]]]) -> float:
    """Wall seconds of running each chain of commands (one after another) beside the others."""
    t0 = time.perf_counter()
    chains = [" && ".join(" ".join(map(_quote, c)) for c in chain) for chain in commands if chain]
    procs = [subprocess.Popen(["bash", "-c", chain], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL) for chain in chains]
    codes = [p.wait() for p in procs]
    if any(codes):
        raise RuntimeError(f"a command failed: {chains}")
    return time.perf_counter() - t0


def _quote(word: str) -> str:
    return "'" + word.replace("'", "'\"'\"'") + "'"


def _split(items: list[list[str]], parts: int) -> list[list[list[str]]]:
    return [items[i::parts] for i in range(parts)]


def plain_papermill(plan: Plan, folder: Path, at_a_time: int) -> float:
    """papermill + ``jupyter nbconvert --to html --no-input`` per run, `at_a_time` chains."""
    bin_dir = Path(sys.executable).parent
    chains: list[list[list[str]]] = [[] for _ in range(at_a_time)]
    for i, run in enumerate(plan.runs):
        out = folder / f"run{i}"
        out.mkdir(parents=True)
        params = {**run.parameters, "run_dir": str(out)}
        chains[i % at_a_time] += [
            [str(bin_dir / "papermill"), str(run.notebook), str(out / "notebook.ipynb"),
             "-y", yaml.safe_dump(params), "--cwd", str(project_root()), "--no-progress-bar"],
            [str(bin_dir / "jupyter"), "nbconvert", "--to", "html", "--no-input",
             str(out / "notebook.ipynb")]]
    return _in_parallel(chains)


def api_floor(plan: Plan, folder: Path, at_a_time: int) -> float:
    """The analyses through the package API, one process per run, `at_a_time` at once."""
    commands = []
    for i, run in enumerate(plan.runs):
        (folder / f"api{i}").mkdir(parents=True)
        commands.append([sys.executable, "-c", API_RUN, str(run.notebook),
                         json.dumps(run.parameters), str(folder / f"api{i}")])
    t0 = time.perf_counter()
    waiting, running = list(commands), []
    while waiting or running:
        while waiting and len(running) < at_a_time:
            running.append(subprocess.Popen(waiting.pop(0), stdout=subprocess.DEVNULL))
        running[0].wait()
        if running[0].returncode:
            raise RuntimeError("an API run failed")
        running = [p for p in running if p.poll() is None]
    return time.perf_counter() - t0


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
    floors, demos, apis, serial, pairs, failed = [], [], [], [], [], 0
    try:
        floor_plan = Plan(name="floor", runs=[PlannedRun(empty_notebook(tmp), {})] * len(demo.runs))
        for i in range(repeat):
            floors.append(timed(floor_plan, tmp / f"floor{i}")[:2])
            wall, cpu, result = timed(demo, tmp / f"demo{i}")
            demos.append((wall, cpu))
            failed += result.failed
            c0 = _cpu()
            apis.append((api_floor(demo, tmp / f"api{i}", workers), _cpu() - c0))
            serial.append(plain_papermill(demo, tmp / f"serial{i}", 1))
            pairs.append(plain_papermill(demo, tmp / f"pairs{i}", 2))
        breakdown = where_the_time_goes(tmp / f"demo{repeat - 1}", result)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    full, floor, api = (statistics.median(w for w, _ in d) for d in (demos, floors, apis))
    full_cpu, floor_cpu, api_cpu = (statistics.median(c for _, c in d)
                                    for d in (demos, floors, apis))
    one, two = statistics.median(serial), statistics.median(pairs)
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; workers: {workers}; "
          f"notebooks in the demo plan: {len(demo.runs)}; median of {repeat} alternating runs")
    print(f"demo plan (all notebooks on the sample, HTML, findings, index): {full:6.1f} s"
          f"  (runs: {', '.join(f'{w:.1f}' for w, _ in demos)})"
          + (f"  ({failed} FAILED)" if failed else ""))
    print(f"compute floor (the analyses through the API, {workers} processes at a time): "
          f"{api:6.1f} s  (runs: {', '.join(f'{w:.1f}' for w, _ in apis)})")
    print(f"plain papermill + nbconvert, one after another: {one:6.1f} s; two at a time: "
          f"{two:6.1f} s")
    print(f"floor ({len(demo.runs)} empty notebooks, same pipeline):            {floor:6.1f} s"
          f"  (runs: {', '.join(f'{w:.1f}' for w, _ in floors)})")
    print(f"ratio demo / compute floor: {full / api:.2f}x   goal: <= 1.3x")
    print(f"plain papermill / demo: one after another {one / full:.2f}x (goal >= 2.5x), two at a "
          f"time {two / full:.2f}x (goal >= 1.5x)")
    print(f"ratio demo / empty-notebook floor: {full / floor:.2f}x")
    print(f"CPU seconds (all processes): demo {full_cpu:.1f}, compute floor {api_cpu:.1f} "
          f"(ratio {full_cpu / api_cpu:.2f}x), empty floor {floor_cpu:.1f}")
    print(f"load at the end: {os.getloadavg()[0]:.2f}")
    print("where the time goes (last demo run):", *breakdown, sep="\n")


if __name__ == "__main__":
    main()
