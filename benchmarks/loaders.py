"""Benchmark: load a SIMULATED 1,000,000-row posts CSV with `load_posts` versus a bare read_csv.

Run: .venv/bin/python benchmarks/loaders.py [n_rows]
Prints wall times for: pandas.read_csv (baseline, no parsing rules or validation), read_table
(human-number parsing, dates, pandera validation, quarantine), and the share spent in validation.
The CSV is generated once under benchmarks/_data/ (git-ignored).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd

from inflresearch.data.load import read_table
from inflresearch.data.schema import failing_rows
from inflresearch.data.synth import simulate_world

HERE = Path(__file__).resolve().parent


def main(n_rows: int = 1_000_000) -> None:
    out = HERE / "_data" / f"posts_{n_rows}.csv"
    if not out.is_file():
        n_accounts = max(10, n_rows // 11)  # ~12 posts per account: a few more than needed
        world = simulate_world(seed=1, n_influencers=n_accounts, n_campaigns=1)
        posts = world.posts.head(n_rows)
        out.parent.mkdir(parents=True, exist_ok=True)
        posts.to_csv(out, index=False, date_format="%Y-%m-%dT%H:%M:%S")
    size_mb = out.stat().st_size / 1e6

    t0 = time.perf_counter()
    base = pd.read_csv(out)
    t_base = time.perf_counter() - t0

    t0 = time.perf_counter()
    res = read_table(out, "posts")
    t_load = time.perf_counter() - t0

    t0 = time.perf_counter()
    failing_rows(res.data, "posts", rows=True, keys=True)
    t_valid = time.perf_counter() - t0

    print(f"SIMULATED posts CSV: {len(base):,} rows, {size_mb:.0f} MB")
    print(f"pandas.read_csv (baseline)        {t_base:6.2f} s")
    print(f"read_table(..., 'posts')          {t_load:6.2f} s   ratio to baseline {t_load / t_base:.1f}x")
    print(f"  of which pandera row+key checks {t_valid:6.2f} s")
    print(f"throughput                        {len(base) / t_load:,.0f} rows/s; {res.summary()}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
