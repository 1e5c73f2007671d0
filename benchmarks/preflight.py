"""Benchmark the pre-flight: a head read (the first `HEAD_ROWS` rows) versus a whole read.

SIMULATED inputs written once under benchmarks/_data/preflight/ (git-ignored) by
`benchmarks/scaling.py`'s `write_world`: an influencers CSV of 1M accounts (notebook 01's input)
and a posts CSV of 3M posts (notebook 02's world: 300,000 accounts with 10 posts each). Each
measurement runs in its own Python process (a cold per-process cache) and reports its wall and
CPU seconds (user + sys) for `preflight` on the engagement question:

- "head": the pre-flight as it runs (`preflight`, the first rows of each file);
- "whole": the same after reading each file whole, as the pre-flight did before (`load_input`
  without ``head``; the pre-flight then answers from the cache).

    .venv/bin/python benchmarks/preflight.py              # 1M accounts, 3M posts
    .venv/bin/python benchmarks/preflight.py --quick      # 100k accounts, 300k posts
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data" / "preflight"


def make_data(accounts: int, posts: int) -> dict[str, Path]:
    """The influencers and posts CSVs (written when missing), by input name."""
    sys.path.insert(0, str(HERE))
    from scaling import write_world

    inputs = {}
    for name, question, size in (("accounts", "01", accounts), ("posts", "02", posts)):
        folder = DATA / f"{name}_{size}"
        if not folder.is_dir():
            folder.mkdir(parents=True)
            write_world(question, size, folder)
        inputs[name] = folder / ("influencers.csv" if name == "accounts" else "posts.csv")
    return inputs


def child(mode: str, name: str, path: str) -> None:
    """One pre-flight in this process; prints a JSON line."""
    import inflresearch.data.load  # noqa: F401 - imported before the clock starts
    from inflresearch.questions import find
    from inflresearch.report.preflight import load_input, preflight

    parameter, table = ("data", "influencers") if name == "accounts" else ("posts", "posts")
    given = {"data": None, parameter: path}
    question = find("engagement")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    if mode == "whole":
        load_input(Path(path), table)
    result = preflight(question, given)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    [loaded] = result.loaded
    print(json.dumps({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime - cpu0,
                      "ok": result.ok, "summary": loaded.summary}))


def measure(mode: str, name: str, path: Path) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, name, str(path)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=os.environ.copy())
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100k accounts and 300k posts")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "NAME", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    accounts, posts = (100_000, 300_000) if args.quick else (1_000_000, 3_000_000)
    start = time.perf_counter()
    inputs = make_data(accounts, posts)
    print(f"SIMULATED inputs ready in {DATA.relative_to(HERE.parent)} "
          f"({time.perf_counter() - start:.0f} s); load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores (wall time suffers from it; CPU time less)")
    print(f"{'input':22} | {'whole read':^15} | {'head read':^15} | speed-up (wall / CPU)")
    for name, path in inputs.items():
        whole, head = measure("whole", name, path), measure("head", name, path)
        assert whole["ok"] and head["ok"], "both pre-flights let the run start"
        label = f"{accounts:,} accounts" if name == "accounts" else f"{posts:,} posts"
        print(f"{label:22} | {whole['seconds']:5.1f} s / {whole['cpu']:4.1f} s | "
              f"{head['seconds']:5.2f} s / {head['cpu']:4.2f} s | "
              f"{whole['seconds'] / head['seconds']:5.0f}x / {whole['cpu'] / head['cpu']:4.0f}x")
        print(f"{'':22}   whole: {whole['summary']}\n{'':22}   head:  {head['summary']}")


if __name__ == "__main__":
    main()
