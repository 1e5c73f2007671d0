"""Benchmark: each question through the package API at three sizes, with a per-step breakdown.

For every size, one SIMULATED world (`inflresearch.data.synth`) is written as CSV to a temporary
folder by one process; a fresh process then runs the notebook's own API on it (`notebook_params`
-> `load_inputs` -> `run_analysis`) and reports its wall time, CPU time and peak memory (the
process's maximum resident set). Every function the notebook module calls is timed (CPU seconds, one
line per step, nested steps indented), so a step that grows faster than its data shows up by name.

Sizes (defaults): 01 engagement 10k / 100k / 1M accounts (influencers table only); 02 niches
100k / 300k / 1M posts (10 posts per account, with text); 03 ROI 30k / 100k / 300k campaign rows
(the campaigns table and its influencers). Per question it prints the exponent of time against
size between consecutive sizes and over the whole span (1 = linear; n log n between 100k and 1M
is about 1.06), the same for each step, and the goals of issue 25:
01 on 1M within 4x its time on 10k; 02 on 1M posts <= 40 s and <= 2 GB; 03 on 300k <= 40 s.

    .venv/bin/python benchmarks/scaling.py [--question 01 02 03] [--sizes 10000 100000]
"""

from __future__ import annotations

import argparse
import functools
import inspect
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SIZES = {"01": (10_000, 100_000, 1_000_000), "02": (100_000, 300_000, 1_000_000),
         "03": (30_000, 100_000, 300_000)}
UNITS = {"01": "accounts", "02": "posts", "03": "campaign rows"}
POSTS_PER_ACCOUNT = 10
ROWS_PER_CAMPAIGN = 10  # activations_per_campaign (5, 15)


def write_world(question: str, size: int, folder: Path) -> dict[str, str]:
    """Simulate the world of `question` at `size` and write its CSV files; the notebook's inputs."""
    from inflresearch.data.synth import simulate_world, write_world

    if question == "01":
        world = simulate_world(seed=1, n_influencers=size, n_campaigns=0, with_text=False,
                               posts_per_account=1)
        write_world(world, folder)
        return {"data": str(folder / "influencers.csv")}
    if question == "02":
        world = simulate_world(seed=1, n_influencers=size // POSTS_PER_ACCOUNT, n_campaigns=0,
                               posts_per_account=POSTS_PER_ACCOUNT)
        write_world(world, folder)
        return {"data": str(folder / "influencers.csv"), "posts": str(folder / "posts.csv")}
    world = simulate_world(seed=1, n_influencers=max(3000, size // 10),
                           n_campaigns=size // ROWS_PER_CAMPAIGN, activations_per_campaign=(5, 15),
                           with_text=False, posts_per_account=1)
    write_world(world, folder)
    return {"data": str(folder / "campaigns.csv"), "influencers": str(folder / "influencers.csv")}


class Steps:
    """Times every call of the functions (and the classes' `fit`) a notebook module uses."""

    def __init__(self) -> None:
        self.depth = 0
        self.records: list[tuple[int, str, float, float]] = []

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            self.depth += 1
            start, cpu = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.depth -= 1
                self.records.append((self.depth, name, time.perf_counter() - start,
                                     time.process_time() - cpu))
        return timed

    def instrument(self, module: Any) -> None:
        for name, obj in list(vars(module).items()):
            if not getattr(obj, "__module__", "").startswith("inflresearch") or name.startswith("_"):
                continue
            if inspect.isclass(obj) and "fit" in vars(obj):
                obj.fit = self.wrap(f"{name}.fit", obj.fit)
            elif inspect.isfunction(obj):
                setattr(module, name, self.wrap(name, obj))

    def totals(self) -> list[tuple[int, str, float, float]]:
        """(depth, name, seconds, CPU seconds) summed over calls, in order of first completion."""
        out: dict[tuple[int, str], tuple[float, float]] = {}
        for depth, name, seconds, cpu in self.records:
            wall0, cpu0 = out.get((depth, name), (0.0, 0.0))
            out[(depth, name)] = (wall0 + seconds, cpu0 + cpu)
        return [(d, n, w, c) for (d, n), (w, c) in out.items()]


def run_one(question: str, files: dict[str, str], run_dir: str) -> dict[str, Any]:
    """The notebook's API on `files` in this process: seconds, CPU seconds, peak MB, steps."""
    import importlib

    module = importlib.import_module(
        {"01": "inflresearch.questions.engagement.notebook",
         "02": "inflresearch.questions.niches.notebook",
         "03": "inflresearch.questions.roi.notebook"}[question])
    steps = Steps()
    steps.instrument(module)
    c0, t0 = time.process_time(), time.perf_counter()
    p = module.notebook_params(**files, run_dir=run_dir)
    inputs = module.load_inputs(p)
    module.run_analysis(inputs, p)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb, "steps": steps.totals()}


def measure(question: str, size: int) -> dict[str, Any]:
    """Write the world in one process, run the API on it in another; that process's figures."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, __file__, "--write", question, str(size), tmp], check=True)
        out = subprocess.run([sys.executable, __file__, "--run", question, tmp],
                             check=True, capture_output=True, text=True)
        return json.loads(out.stdout.splitlines()[-1])


def exponent(t1: float, t2: float, n1: int, n2: int) -> float:
    """The slope of log time against log size between two sizes."""
    return math.log(t2 / t1) / math.log(n2 / n1) if t1 > 0 and t2 > 0 else float("nan")


def report(question: str, sizes: tuple[int, ...], results: list[dict[str, Any]]) -> None:
    print(f"\nquestion {question} ({UNITS[question]}):")
    for size, r in zip(sizes, results, strict=True):
        print(f"  {size:>9,}: {r['seconds']:7.1f} s wall, {r['cpu']:7.1f} s CPU, "
              f"peak {r['peak_mb']:7.0f} MB")
    for i in range(len(sizes) - 1):
        (n1, r1), (n2, r2) = (sizes[i], results[i]), (sizes[i + 1], results[i + 1])
        print(f"  exponent of time {n1:,} -> {n2:,}: "
              f"{exponent(r1['seconds'], r2['seconds'], n1, n2):.2f} (wall), "
              f"{exponent(r1['cpu'], r2['cpu'], n1, n2):.2f} (CPU)")
    print(f"  ratio largest / smallest: {results[-1]['seconds'] / results[0]['seconds']:.1f}x "
          f"for {sizes[-1] / sizes[0]:.0f}x the data")
    per = [{(d, n): c for d, n, _, c in r["steps"]} for r in results]
    print("  steps (CPU seconds at each size, less sensitive to other load than wall time; "
          "exponent between the two largest sizes):")
    for depth, name, *_ in results[-1]["steps"]:
        times = [p.get((depth, name), float("nan")) for p in per]
        if depth > 2 or max(times) < 0.05:
            continue
        e = exponent(times[-2], times[-1], sizes[-2], sizes[-1]) if len(sizes) > 1 else float("nan")
        flag = "  <- faster than n log n" if e > 1.15 and times[-1] > 1.0 else ""
        print(f"    {'  ' * depth}{name:<32} " + " ".join(f"{t:7.2f}" for t in times)
              + f"   exp {e:5.2f}{flag}")
    goal = {"01": f"goal: 1M within 4x of 10k -> {results[-1]['seconds'] / results[0]['seconds']:.1f}x",
            "02": f"goal: 1M posts <= 40 s and <= 2 GB -> {results[-1]['seconds']:.1f} s, "
                  f"{results[-1]['peak_mb'] / 1024:.2f} GB",
            "03": f"goal: 300k rows <= 40 s -> {results[-1]['seconds']:.1f} s"}[question]
    if sizes == SIZES[question]:
        print(f"  {goal}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--write":
        question, size, folder = sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
        files = write_world(question, size, folder)
        (folder / "files.json").write_text(json.dumps(files))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--run":
        question, folder = sys.argv[2], Path(sys.argv[3])
        files = json.loads((folder / "files.json").read_text())
        print(json.dumps(run_one(question, files, str(folder / "run"))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--question", nargs="+", default=["01", "02", "03"], choices=list(SIZES))
    parser.add_argument("--sizes", nargs="+", type=int, help="overrides the three default sizes")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load {load:.2f}; SIMULATED data; one process per size")
    for question in args.question:
        sizes = tuple(args.sizes) if args.sizes else SIZES[question]
        results = [measure(question, size) for size in sizes]
        report(question, sizes, results)
    print(f"load at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
