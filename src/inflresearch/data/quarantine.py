"""The one quarantine writer, and the one-line count of quarantine reasons.

Example:
    >>> count_reasons(pd.DataFrame({"reason": ["missing likes", "missing likes; empty row"]}))
    '2 missing likes'
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from inflresearch.atomic import atomic_write_new
from inflresearch.errors import DataError
from inflresearch.safe_csv import write_csv


def count_reasons(quarantined: pd.DataFrame) -> str:
    """``"121 missing followers, 3 duplicate post_id"``: rows by first reason, detail left out.

    Example:
        >>> count_reasons(pd.DataFrame({"reason": ["malformed line (line 6: 4 fields, expected 3)",
        ...                                        "missing likes; negative count in views"]}))
        '1 malformed line, 1 missing likes'
    """
    first = quarantined["reason"].astype("str").str.split("; ").str[0].str.split(" (", regex=False).str[0]
    counts = first.value_counts(sort=False).sort_index()
    counts = counts.sort_values(ascending=False, kind="stable")
    return ", ".join(f"{n:,} {reason}" for reason, n in counts.items())


def _quarantine_names(table: str) -> Iterable[str]:
    yield f"quarantine-{table}.csv"
    for n in itertools.count(2):
        yield f"quarantine-{table}-{n}.csv"


def write_quarantine(quarantined: pd.DataFrame, folder: str | Path, table: str) -> Path:
    """The one quarantine writer: ``quarantine-<table>.csv`` in `folder`, ``source_file`` first,
    formula-like text neutralised (`inflresearch.safe_csv`).

    Written atomically and never over an existing file: when the name is taken (an earlier
    check, or an input of that name) the next free ``quarantine-<table>-2.csv``, ``-3``, ... is
    used. Returns the path written. A folder that cannot be created or written raises
    `DataError`.

    Example:
        >>> import tempfile
        >>> d, q = tempfile.mkdtemp(), pd.DataFrame({"source_file": ["a.csv"], "reason": ["x"]})
        >>> [write_quarantine(q, d, "posts").name for _ in range(2)]
        ['quarantine-posts.csv', 'quarantine-posts-2.csv']
    """
    frame = quarantined
    if "source_file" in frame.columns and frame.columns[0] != "source_file":
        frame = frame[["source_file", *(c for c in frame.columns if c != "source_file")]]
    try:
        return atomic_write_new(
            folder, iter(_quarantine_names(table)), lambda tmp: write_csv(frame, tmp)
        )
    except OSError as exc:
        raise DataError(f"cannot write the quarantine file: {exc.strerror or exc}",
                        path=folder) from None


def quarantine_counts(folder: str | Path | None) -> dict[str, int]:
    """Rows per ``quarantine-<name>.csv`` in a run folder: ``{'influencers': 3}``.

    Records are counted by Python's csv reader with no field-size limit (a quarantined caption
    of a million characters is one cell), so quoted line breaks do not count twice.

    Example:
        >>> import tempfile
        >>> d = tempfile.mkdtemp()
        >>> _ = write_quarantine(pd.DataFrame({"source_file": ["a.csv"], "caption": ["x" * 200_000],
        ...                                    "reason": ["missing likes"]}), d, "posts")
        >>> quarantine_counts(d)
        {'posts': 1}
    """
    if folder is None or not Path(folder).is_dir():
        return {}
    counts: dict[str, int] = {}
    limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    try:
        for path in sorted(Path(folder).glob("quarantine-*.csv")):
            with path.open(newline="", encoding="utf-8", errors="replace") as fh:
                counts[path.stem.removeprefix("quarantine-")] = max(0, sum(1 for _ in csv.reader(fh)) - 1)
    finally:
        csv.field_size_limit(limit)
    return {k: v for k, v in counts.items() if v}
