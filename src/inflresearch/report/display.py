"""Readable tables in notebooks and reports, turned on with one call.

`use_report_display()` registers a ``text/html`` formatter for `pandas.DataFrame` on the running
IPython kernel, so every displayed table is rendered by `tables.to_html` (human labels, no index,
"—" for missing, embedded CSV download); given the run folder it also saves each displayed table
as ``tables/table-NN-<name>.csv`` there (never overwriting a file).

Example:
    >>> use_report_display()  # outside IPython: nothing to register
    False
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pandas as pd

from inflresearch.report import tables
from inflresearch.safe_csv import write_csv
from inflresearch.tidy import TidyResult

TABLES_DIR = "tables"


class TableSaver:
    """Renders DataFrames for people and (with a run folder) keeps each one as CSV."""

    def __init__(self, run_dir: str | Path | None = None) -> None:
        self.folder = Path(run_dir) / TABLES_DIR if run_dir else None
        self._numbers = itertools.count(1)

    def save(self, frame: pd.DataFrame, name: str | None = None) -> Path | None:
        """Write `frame` as the next ``table-NN-<name>.csv`` (exclusive create: never overwrites),
        with the columns shown on screen (`tables.csv_frame`)."""
        if self.folder is None or frame.empty:
            return None
        self.folder.mkdir(parents=True, exist_ok=True)
        slug = tables.table_name(frame, name)
        while True:
            path = self.folder / f"table-{next(self._numbers):02d}-{slug}.csv"
            try:
                with path.open("x", newline="") as fh:
                    write_csv(tables.csv_frame(frame), fh)
                return path
            except FileExistsError:
                continue

    def __call__(self, frame: pd.DataFrame) -> str:
        """The HTML of `frame` (the IPython formatter protocol)."""
        self.save(frame)
        return tables.to_html(frame)


def use_report_display(run_dir: str | Path | None = None) -> bool:
    """Render every DataFrame displayed in this kernel as a readable table; True when registered.

    With `run_dir` each displayed non-empty table is also saved as CSV under ``run_dir/tables/``.
    Name a table for its download and file with ``frame.attrs["name"] = "elasticity"``; say why an
    empty one is empty with ``frame.attrs["empty_reason"] = "..."``.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of the notebooks
        return False
    shell: Any = get_ipython()
    if shell is None:
        return False
    saver = TableSaver(run_dir)
    html = shell.display_formatter.formatters["text/html"]
    html.for_type(pd.DataFrame, saver)
    html.for_type(TidyResult, lambda result: saver(named(result.summary_frame(), type(result).__name__)))
    return True


def named(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """`frame` with a download name, unless it has one (``ElasticityResult`` -> ``elasticity``)."""
    if not frame.attrs.get("name"):
        frame = frame.copy()
        frame.attrs["name"] = re.sub(r"(Result|Test|Check)$", "", name).lower() or "table"
    return frame
