"""Benchmark the aggregation step: DuckDB (via the package) versus pandas read + groupby.

SIMULATED posts (numpy, short hashtag text, no captions) for 30,000 accounts are written once into
benchmarks/_data/ (git-ignored) as ten Parquet files of 1M posts each and once as ten CSV files.
Each measurement runs in its own Python process, which reports its wall time (after imports) and
its own peak resident memory (getrusage RUSAGE_SELF, which counts DuckDB's native memory too).

- DuckDB "full": `aggregate_posts` as the CLI runs it (numbers, dates, latest followers, niche,
  the latest 50 hashtag texts per account);
- DuckDB "numbers": the same without the text columns (max_text_posts=0), the like-for-like
  comparison with the pandas baseline, which computes the same numeric table (n_posts, mean and
  median likes/comments/views, engagements, pooled engagement rate, first/last post, followers
  at the latest post) after reading the files with pyarrow.

    .venv/bin/python benchmarks/aggregate.py            # 1M, 2M, 5M, 10M Parquet + 10M CSV
    .venv/bin/python benchmarks/aggregate.py --quick    # 1M and 2M only
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

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data" / "aggregate"
N_ACCOUNTS = 30_000
PER_FILE = 1_000_000
N_FILES = 10
WORDS = (
    "fitness food travel beauty gaming fashion parenting pets tech music gym recipe beach "
    "makeup stream outfit baby puppy laptop guitar vegan hiking skincare console denim"
).split()


def make_data(n_files: int = N_FILES, seed: int = 1) -> None:
    """Write the SIMULATED posts as Parquet (and CSV) files; skipped when they are there."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    (DATA / "parquet").mkdir(parents=True, exist_ok=True)
    (DATA / "csv").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    followers = np.round(1e3 * (1 - rng.random(N_ACCOUNTS) * (1 - 1e-4**0.35)) ** (-1 / 0.35))
    rate = 0.02 * (followers / 1e5) ** -0.2 * np.exp(rng.normal(0, 0.5, N_ACCOUNTS))
    account = pc.binary_join_element_wise(
        "sim_", pa.array(np.arange(N_ACCOUNTS)).cast(pa.string()), ""
    )
    niches = pa.array(WORDS[:6])
    niche_of = rng.integers(0, 6, N_ACCOUNTS)
    pairs = pa.array([f"{a} {b}" for a in WORDS for b in WORDS])
    start = np.datetime64("2020-01-01T00:00:00", "s").astype(np.int64)
    for k in range(n_files):
        pq_path = DATA / "parquet" / f"posts_{k:02d}.parquet"
        csv_path = DATA / "csv" / f"posts_{k:02d}.csv"
        if pq_path.exists() and csv_path.exists():
            continue
        n = PER_FILE
        owner = rng.integers(0, N_ACCOUNTS, n)
        mean = followers[owner] * rate[owner]
        likes = rng.poisson(rng.gamma(2.0, mean / 2.0)).astype(float)
        table = pa.table(
            {
                "account_id": account.take(pa.array(owner)),
                "post_id": pc.binary_join_element_wise(
                    "p", pa.array(np.arange(k * n, (k + 1) * n)).cast(pa.string()), ""
                ),
                "posted_at": pa.array(
                    start + rng.integers(0, 3 * 365 * 86400, n), pa.int64()
                ).cast(pa.timestamp("s")),
                "likes": likes,
                "comments": rng.poisson(likes * 0.04).astype(float),
                "views": rng.poisson(likes * 12.0).astype(float),
                "followers": followers[owner],
                "platform": pa.array(np.full(n, "instagram")),
                "niche": niches.take(pa.array(niche_of[owner])),
                "hashtags": pairs.take(pa.array(rng.integers(0, len(pairs), n))),
            }
        )
        pq.write_table(table, pq_path)
        pacsv.write_csv(table, csv_path)


def files(fmt: str, n_files: int) -> list[str]:
    suffix = "parquet" if fmt == "parquet" else "csv"
    return [str(DATA / fmt / f"posts_{k:02d}.{suffix}") for k in range(n_files)]


def pandas_accounts(paths: list[str], fmt: str) -> pd.DataFrame:
    """The baseline: read the files with pandas (pyarrow engine), compute the numeric table."""
    read = pd.read_parquet if fmt == "parquet" else (lambda p: pd.read_csv(p, engine="pyarrow"))
    df = pd.concat([read(p) for p in paths], ignore_index=True)
    df["posted_at"] = pd.to_datetime(df["posted_at"])
    df["eng"] = df["likes"] + df["comments"]
    g = df.groupby(["platform", "account_id"], sort=True)
    out = g.agg(
        n_posts=("likes", "size"), avg_likes=("likes", "mean"), median_likes=("likes", "median"),
        avg_comments=("comments", "mean"), median_comments=("comments", "median"),
        avg_views=("views", "mean"), median_views=("views", "median"), engagements=("eng", "mean"),
        eng_sum=("eng", "sum"), fol_sum=("followers", "sum"),
        first_post_at=("posted_at", "min"), last_post_at=("posted_at", "max"),
    )
    latest = df.sort_values(["posted_at", "post_id"]).groupby(["platform", "account_id"]).last()
    out["followers"] = latest["followers"]
    out["niche"] = latest["niche"]
    out["engagement_rate"] = out.pop("eng_sum") / out.pop("fol_sum")
    return out.reset_index()


def child(kind: str, fmt: str, n_files: int) -> None:
    """One measurement in this process; prints a JSON line."""
    import ibis  # noqa: F401 - imported before the clock starts, like pandas

    from inflresearch.data.aggregate import aggregate_posts

    paths = files(fmt, n_files)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    if kind == "pandas":
        rows = len(pandas_accounts(paths, fmt))
    else:
        text = 50 if kind == "duckdb_full" else 0
        rows = len(aggregate_posts(paths, max_text_posts=text).accounts)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu0
    peak = usage.ru_maxrss / 1024**2  # KiB -> GiB
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_gib": peak, "accounts": rows}))


def measure(kind: str, fmt: str, n_files: int) -> dict:
    cmd = [sys.executable, __file__, "--child", kind, fmt, str(n_files)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=os.environ.copy())
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1M and 2M posts only")
    parser.add_argument(
        "--child", nargs=3, metavar=("KIND", "FORMAT", "N_FILES"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return
    sizes = [1, 2] if args.quick else [1, 2, 5, 10]
    start = time.perf_counter()
    make_data(max(sizes))
    print(f"SIMULATED posts for {N_ACCOUNTS:,} accounts ready in {DATA} "
          f"({time.perf_counter() - start:.0f} s); {os.cpu_count()} cores")
    print(f"load average before the runs: {os.getloadavg()[0]:.1f} (other work on the machine "
          "inflates wall time; CPU time is less sensitive to it)")
    print("each cell: wall seconds / CPU seconds / peak RSS GiB")
    header = (f"{'format':7} {'posts':>5} | {'duckdb full':^20} | {'duckdb numbers':^20} | "
              f"{'pandas':^20} | pandas / duckdb numbers")
    print(header)
    print("-" * len(header))
    runs = [("parquet", k) for k in sizes] + [("csv", max(sizes))]
    for fmt, k in runs:
        r = {kind: measure(kind, fmt, k) for kind in ("duckdb_full", "duckdb_numbers", "pandas")}
        cells = " | ".join(
            f"{v['seconds']:5.1f} / {v['cpu']:5.1f} / {v['peak_gib']:4.2f}" for v in r.values()
        )
        d, p = r["duckdb_numbers"], r["pandas"]
        print(f"{fmt:7} {k:>4}M | {cells} | {p['seconds'] / d['seconds']:4.1f}x wall, "
              f"{p['cpu'] / d['cpu']:4.1f}x CPU, {p['peak_gib'] / d['peak_gib']:4.1f}x memory")


if __name__ == "__main__":
    main()
