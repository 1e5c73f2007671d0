"""The `inflresearch` command. Errors in input are reported in one line, never as a traceback.

Usage: ``main(["simulate", "--help"])`` is ``inflresearch simulate --help``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from inflresearch.errors import DataError, printable, quote
from inflresearch.report.commands import add_report_commands
from inflresearch.report.interrupts import stop_on_signals


def _cmd_simulate(args: argparse.Namespace) -> int:
    from pathlib import Path

    from inflresearch.data.synth import simulate_world, write_world

    if Path(args.out).exists() and not Path(args.out).is_dir():
        raise DataError("is a file; --out names a folder", path=args.out)
    world = simulate_world(seed=args.seed, n_influencers=args.n_influencers)
    out = write_world(world, args.out)
    print(
        f"SIMULATED world (seed {args.seed}): {len(world.influencers):,} accounts, "
        f"{len(world.posts):,} posts, {len(world.campaigns):,} activations -> {out}"
    )
    return 0


def _cmd_aggregate(args: argparse.Namespace) -> int:
    import time
    from pathlib import Path

    from inflresearch.data.aggregate import aggregate_posts, write_accounts, write_posts_quarantine

    out = Path(args.out)
    if out.exists():
        raise DataError(
            "output exists; choose a new name or remove it (never overwritten)", path=out
        )
    start = time.perf_counter()
    columns, preset = None, None
    if args.mapping:
        from inflresearch.data.mapping_file import read_mapping

        columns = read_mapping(args.mapping).for_table("posts")
    else:  # a known export is mapped by its preset, as `validate` and the notebooks do
        from inflresearch.data.aggregate import resolve_files
        from inflresearch.report.commands import posts_preset, unix_time_column

        files = resolve_files(args.posts)[0]
        preset = posts_preset(files)
        if preset is not None:
            columns = dict(preset.columns)
            print(f"preset {preset.describe()}")
            dates = unix_time_column(files[0], columns)
            if dates is not None:  # the engines read dates as text: Unix seconds do not cast
                columns[dates] = None
                print(f"note: {quote(dates)} holds Unix seconds, which this step does not read as dates: "
                      "posted_at left out (followers are each account's largest value)")
    result = aggregate_posts(
        args.posts, engine=args.engine, skip_bad_files=args.skip_bad_files,
        max_text_posts=args.max_text_posts, spark_master=args.spark_master, columns=columns,
    )
    if preset is not None and preset.platform and "platform" in result.accounts:
        unknown = result.accounts["platform"] == "unknown"  # the export has no platform column
        result.accounts.loc[unknown, "platform"] = preset.platform
    write_accounts(result.accounts, out)
    print(f"{result.summary()} -> {out} ({time.perf_counter() - start:.1f} s)")
    written = write_posts_quarantine(result, args.quarantine_dir or out.parent)
    if written is not None:
        print(f"quarantined posts with reasons -> {written}")
    for skipped in result.skipped:
        print(f"skipped: {skipped.path}: {skipped.reason}", file=sys.stderr)
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from inflresearch.data.column_report import mapping_lines, suspicious_picks
    from inflresearch.data.load import read_table
    from inflresearch.data.mapping_file import read_mapping

    spec = read_mapping(args.mapping) if args.mapping else None
    mapping: dict[str, str | None] = dict(spec.columns) if spec else {}
    for item in args.column:
        source, sep, target = item.rpartition("=")
        if not sep or not source:
            raise ValueError(f"--column expects SOURCE=CONTRACT_NAME, got {quote(item)}")
        mapping[source] = target or None
    table = args.table or (spec.table if spec else None) or _detected_table(args.file)
    if spec is not None and spec.table not in (None, table):
        raise ValueError(f"--mapping {args.mapping} is for the {spec.table} table, not {table}")
    platform = args.platform or (spec.platform if spec else None)
    result = read_table(args.file, table, columns=mapping or None, platform=platform)
    summary = result.summary()
    if result.preset is not None:  # named once, on its own line below
        summary = summary.replace(f"; preset {result.preset.name}", "")
    print(f"{args.file} ({table}): {summary}")
    if result.preset is not None:
        print(f"preset: {result.preset.describe()}")
    elif mapping:
        print(f"mapping: {args.mapping or '--column'}" + (" and --column" if spec and args.column else ""))
    else:
        print("mapping: the alias map (no preset matches these headers)")
    described = result.preset or spec
    for note in described.notes if described else ():
        print(f"  note: {note}")
    print("columns (source header -> contract column: first values):")
    for line in mapping_lines(result):
        print(f"  {line}")
    warnings = result.warnings + suspicious_picks(result)
    for line in warnings:
        print(f"warning: {line}")
    if args.for_notebook:
        from inflresearch.report.preflight import check_file

        print(check_file(args.for_notebook, args.file, table, mapping or None))
    if args.quarantine_dir is not None:
        written = result.write_quarantine(args.quarantine_dir)
        if written is not None:
            print(f"quarantined rows with reasons -> {written}")
    print(f"usable, with {len(warnings)} warning{'s' if len(warnings) > 1 else ''}: check the mapping"
          if warnings else "usable")
    return 0


def _detected_table(file: str) -> str:
    """The table of a file (validate without --table): its preset's, else guessed as `analyze`
    guesses it (the first contract, in `file_scan.RECOGNITION_ORDER`, the file meets), saying so."""
    from inflresearch.data.load import read_headers
    from inflresearch.data.presets import detect_preset
    from inflresearch.report.file_scan import RECOGNITION_ORDER, recognise

    preset = detect_preset(read_headers(file))
    if preset is not None:
        return preset.table
    found = recognise(file)
    if found.table is None:
        raise ValueError(f"--table is required: no preset matches the headers and {found.summary}")
    print(f"table: guessed as {found.table}, as `analyze` does (the first of "
          f"{', '.join(RECOGNITION_ORDER)} whose required columns the file has; no preset matches "
          "its headers); give --table to choose another")
    return found.table


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per task."""
    parser = argparse.ArgumentParser(prog="inflresearch", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("simulate", help="write a simulated world (CSV tables + truth.json)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--n-influencers", type=int, default=3000)
    p.add_argument("--out", required=True, help="output folder")
    p.set_defaults(func=_cmd_simulate)

    p = sub.add_parser("aggregate", help="posts files -> account table (DuckDB, or Spark)")
    p.add_argument("posts", nargs="+", help="posts files: Parquet/CSV/JSON-lines, folders or globs")
    p.add_argument("--out", required=True, help="output .parquet or .csv (must not exist)")
    p.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    p.add_argument("--skip-bad-files", action="store_true",
                   help="leave out unreadable files (listed) instead of stopping")
    p.add_argument("--max-text-posts", type=int, default=50,
                   help="captions/hashtags of the latest N posts per account (0: no text columns)")
    p.add_argument("--quarantine-dir", default=None,
                   help="write quarantine-posts.csv (rows left out, with reasons) into this folder "
                        "(default: the folder of --out; never overwrites)")
    p.add_argument("--spark-master", default=None,
                   help="Spark master, e.g. spark://host:7077, yarn, local[4] (default: Spark's)")
    p.add_argument("--mapping", default=None, metavar="FILE.yml",
                   help="a posts mapping file (source header -> contract column); see data/README.md")
    p.set_defaults(func=_cmd_aggregate)

    p = sub.add_parser("validate", help="check one export against a table contract")
    p.add_argument("file", help="CSV/TSV/TXT, Parquet, JSON(-lines) or Excel file, or a folder "
                                "of them (duplicate keys across files quarantined)")
    p.add_argument("--table", choices=["influencers", "posts", "campaigns"],
                   help="the contract (default: the mapping file's table, else the detected preset's)")
    p.add_argument("--mapping", default=None, metavar="FILE.yml",
                   help="a mapping file (table, columns, platform); see data/README.md")
    p.add_argument("--column", action="append", default=[], metavar="SRC=DEST",
                   help="map a source column to a contract column (repeatable; DEST empty: ignore; "
                        "added to --mapping)")
    p.add_argument("--platform", default=None, help="platform when the file has no such column")
    p.add_argument("--for", dest="for_notebook", metavar="NOTEBOOK", default=None,
                   help="also check the columns this notebook needs (e.g. notebooks/01_...)")
    p.add_argument("--quarantine-dir", default=None,
                   help="write quarantine-<table>.csv (rows with reasons) into this folder "
                        "(the next free quarantine-<table>-N.csv if taken; never overwrites)")
    p.set_defaults(func=_cmd_validate)

    add_report_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; SIGTERM stops a command as Ctrl-C does."""
    args = build_parser().parse_args(argv)
    stop_on_signals()
    try:
        return int(args.func(args) or 0)
    except (DataError, ValueError) as exc:  # one line, control characters in names escaped
        print(f"error: {printable(str(exc))}", file=sys.stderr)
        return 2
    except OSError as exc:  # a folder that cannot be created or written, a path under a file
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {printable(where + str(exc.strerror or exc))}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
