"""Load influencer, post and campaign exports into the contract tables, quarantining bad rows.

Formats (by suffix): CSV (``.csv``, delimiter sniffed among ``, ; TAB |``), TSV (``.tsv``,
``.tab``), text (``.txt``, delimiter sniffed), Parquet (``.parquet``, ``.pq``), JSON (``.json``:
records or JSON lines), JSON lines (``.jsonl``, ``.ndjson``), Excel (``.xlsx``, ``.xlsm``: first
sheet); any of the text formats may be gzip-compressed (``.csv.gz``). Text is decoded as UTF-8
(with or without BOM), else cp1252, else latin-1. A `pandas.DataFrame` is accepted too.

What happens to a file (see data/README.md for the full rules):

1. headers are normalised and mapped to contract names (`inflresearch.data.headers`; ``columns=``
   overrides the alias map; without it, the preset of a known export whose headers match,
   `inflresearch.data.presets`);
2. values are coerced: counts and rates by `inflresearch.data.human_numbers`, ``posted_at`` from ISO 8601
   strings or unix seconds (milliseconds when >= 1e11) to timezone-naive UTC, ``sponsored`` from
   true/false/yes/no/1/0 (missing: False), text stripped with missing markers as NaN, a leading
   ``@`` dropped from handles, ``platform`` and ``channel`` lower-cased, ``hashtags`` as
   space-separated words without ``#`` (from ``a|b``, ``['a', 'b']`` or ``#a #b``);
3. rows that break the contract (`inflresearch.data.schema`) are quarantined with a reason, never
   dropped silently: ``empty row``, ``unparsable number in <col>``, ``unparsable date in <col>``,
   ``unparsable value in <col>``, ``missing <required col>``, ``followers <= 0``,
   ``negative count in <col>``, ``rate outside [0, 1]``, ``likes > 50x followers``,
   ``unknown channel``, ``malformed line (line N: ...)`` (more fields than the header, a JSON
   line that is not an object), ``duplicate <key> (first seen in 'FILE', row N)`` (the first
   occurrence among good rows is kept, across all the files of one call: a folder or a list);
4. influencers: ``engagements`` = ``avg_likes + avg_comments`` where both exist, else
   ``engagement_rate x followers``; ``engagement_rate`` = ``engagements / followers`` where the
   source gives none (a derived rate may exceed 1: TikTok likes are not bounded by followers; a
   rate *given* by the source must lie in [0, 1]). Campaigns: ``activation_id`` = ``row-<n>``
   where absent.

A column whose values are mostly unparsable is a column problem, not a row problem: an optional
one is left out with a warning (`LoadResult.warnings`, also in the summary), a required one is
fatal. Fatal problems raise one `DataError` naming the file, the column and up to 3 offending
values: missing, unreadable or empty file, not a regular file (a pipe or device), a required
column not found or mostly unparsable, every row quarantined.
Input files are only read, never written.

Example:
    >>> from inflresearch.paths import sample_file
    >>> res = read_table(sample_file("influencers"), "influencers")
    >>> res.summary()
    'kept 3,000 of 3,000 rows; none quarantined'
"""

from __future__ import annotations

import csv
import gzip
import io as _io
import itertools
import json
import logging
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from inflresearch.atomic import atomic_write_new
from inflresearch.data.contract import column_names, columns
from inflresearch.data.headers import resolve_columns
from inflresearch.data.human_numbers import MISSING_MARKERS, parse_numbers
from inflresearch.data.presets import Preset, detect_preset
from inflresearch.data.schema import KEYS, check_structure, duplicate_reason, failing_rows
from inflresearch.errors import DataError, quote

log = logging.getLogger(__name__)

FORMATS = {
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".txt": "csv",
    ".parquet": "parquet", ".pq": "parquet",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".xlsx": "excel", ".xlsm": "excel",
}  # fmt: skip
EMPTY_ROW = "empty row"
MALFORMED = "malformed line"
_TRUE = ("true", "t", "yes", "y", "1", "1.0")
_FALSE = ("false", "f", "no", "n", "0", "0.0")
_DECORATION = r"[\s=\-_*~.]*"
_FILLED = {("influencers", "platform"), ("campaigns", "activation_id")}  # the loader supplies them
Source: TypeAlias = str | Path | pd.DataFrame
Sources: TypeAlias = Source | Sequence[str | Path]
_STR = pd.StringDtype(na_value=np.nan)  # pandas' default text dtype (pyarrow storage)


@dataclass
class LoadResult:
    """What `read_table` returns: the contract table, the quarantined rows and a summary.

    ``quarantined`` holds ``source_file`` (the file's name), ``source_row`` (1-based number of the
    data record in that file; the header is not counted), the raw values under normalised column
    names (``raw_line`` for a malformed line) and ``reason`` ("; "-joined when a row has several;
    the summary counts the first, without its parenthesised detail). ``columns`` maps each contract
    column to the source header it came from; ``source_rows[i]`` is the source row of
    ``data.iloc[i]`` in file ``row_files[i]``. ``preset`` is the known-export preset that mapped
    the columns (None: the alias map or the caller's ``columns=``); ``left_out`` the source headers
    kept out of the contract (mapped to None, or a column-level problem); ``warnings`` the
    column-level problems, one line each.
    """

    table: str
    path: str
    data: pd.DataFrame
    quarantined: pd.DataFrame
    n_read: int
    columns: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    source_rows: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    row_files: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))
    preset: Preset | None = None
    left_out: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: ``kept 9,812 of 10,000 rows; 188 quarantined: 121 missing followers, ...``,
        then ``; preset <name>`` when a preset mapped the columns and ``; warning: ...`` per
        column-level problem."""
        head = f"kept {len(self.data):,} of {self.n_read:,} rows"
        if not len(self.quarantined):
            return f"{head}; none quarantined{self._extras()}"
        return f"{head}; {len(self.quarantined):,} quarantined: {count_reasons(self.quarantined)}{self._extras()}"

    def _extras(self) -> str:
        preset = f"; preset {self.preset.name}" if self.preset is not None else ""
        return preset + "".join(f"; warning: {w}" for w in self.warnings)

    def write_quarantine(self, folder: str | Path) -> Path | None:
        """Write ``quarantine-<table>.csv`` into `folder` (see `write_quarantine`); None when
        nothing was quarantined.

        Example:
            >>> import tempfile
            >>> from inflresearch.paths import sample_file
            >>> read_table(sample_file("posts"), "posts").write_quarantine(tempfile.mkdtemp())
        """
        if not len(self.quarantined):
            return None
        return write_quarantine(self.quarantined, folder, self.table)


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
    """The one quarantine writer: ``quarantine-<table>.csv`` in `folder`, ``source_file`` first.

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
            folder, iter(_quarantine_names(table)), lambda tmp: frame.to_csv(tmp, index=False)
        )
    except OSError as exc:
        raise DataError(f"cannot write the quarantine file: {exc.strerror or exc}",
                        path=folder) from None


# --- reading -----------------------------------------------------------------------------------


def _format(path: Path) -> tuple[str, bool]:
    suffixes = [s.lower() for s in path.suffixes]
    compressed = bool(suffixes) and suffixes[-1] == ".gz"
    if compressed:
        suffixes = suffixes[:-1]
    fmt = FORMATS.get(suffixes[-1] if suffixes else "")
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise DataError(f"unsupported file type; expected one of {known} (optionally .gz)", path=path)
    if compressed and fmt in ("parquet", "excel"):
        raise DataError(f"compressed {fmt} files are not supported; decompress first", path=path)
    return fmt, compressed


def _decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding that read it: UTF-8 (BOM or not), else cp1252, else latin-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _sniff_separator(text: str) -> str:
    """The most frequent of ``, ; TAB |`` in the header line (ties: comma, then tab)."""
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    counts = {sep: first.count(sep) for sep in (",", "\t", ";", "|")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


@dataclass(frozen=True)
class _Raw:
    """A file as read: raw headers, a body with positional columns (index = record number - 1),
    the records that could not be read as rows, and the encoding."""

    label: str
    headers: list[str]
    body: pd.DataFrame
    malformed: pd.DataFrame
    encoding: str | None = None


def _malformed(records: list[tuple[int, str, str]]) -> pd.DataFrame:
    """Quarantine rows for unreadable records: (record number, what is wrong, the raw text)."""
    return pd.DataFrame(
        {"source_row": [r[0] for r in records], "raw_line": [r[2] for r in records],
         "reason": [f"{MALFORMED} ({r[1]})" for r in records]}  # fmt: skip
    )


_NO_MALFORMED = _malformed([])


def _read_text(path: Path, fmt: str, compressed: bool) -> _Raw:
    data = path.read_bytes()
    if compressed:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise DataError(f"unreadable gzip file: {exc}", path=path) from None
    text, encoding = _decode(data)
    if not text or text.isspace():
        raise DataError("empty file", path=path)
    if fmt in ("json", "jsonl"):
        headers, body, malformed = _read_json(path, text, lines=fmt == "jsonl")
        return _Raw(str(path), headers, body, malformed, encoding)
    sep = "\t" if fmt == "tsv" else _sniff_separator(text)
    utf8 = data[3:] if encoding == "utf-8-sig" and data.startswith(b"\xef\xbb\xbf") else data
    if encoding == "cp1252":
        utf8 = text.encode("utf-8")
    try:
        headers, body = _read_delimited_arrow(text, utf8, sep)
    except (pa.ArrowInvalid, csv.Error, StopIteration, _Ragged):
        headers, body, malformed = _read_delimited_lines(path, text, sep)
        return _Raw(str(path), headers, body, malformed, encoding)
    return _Raw(str(path), headers, body, _NO_MALFORMED, encoding)


class _Ragged(Exception):
    """A record with another number of fields than the header: read the file line by line."""


def _read_delimited_arrow(text: str, utf8: bytes, sep: str) -> tuple[list[str], pd.DataFrame]:
    """Fast path: pyarrow's multi-threaded CSV reader, every cell as text ("" when empty)."""
    width = len(next(csv.reader(_io.StringIO(text), delimiter=sep)))
    names = [f"c{i}" for i in range(width)]

    ragged: list[object] = []

    def skip(row: object) -> str:
        ragged.append(row)
        return "skip"

    table = pacsv.read_csv(
        _io.BytesIO(utf8),
        read_options=pacsv.ReadOptions(column_names=names),
        # quoted line breaks need the serial parser; without any quote the parallel one is exact
        parse_options=pacsv.ParseOptions(
            delimiter=sep, newlines_in_values='"' in text, invalid_row_handler=skip
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    if ragged:
        raise _Ragged
    headers = [table.column(i)[0].as_py() if table.num_rows else "" for i in range(width)]
    body = table.slice(1)
    frame = pd.DataFrame({i: pd.array(body.column(i), dtype=_STR) for i in range(width)})
    return headers, frame


def _read_delimited_lines(
    path: Path, text: str, sep: str
) -> tuple[list[str], pd.DataFrame, pd.DataFrame]:
    """Slow path for ragged files, record by record (Python's csv module).

    A record shorter than the header is padded with ""; one with more fields than the header
    (beyond empty trailing ones) is malformed: it is quarantined with its line number and the
    rest of the file loads.
    """
    lines = _io.StringIO(text, newline="")
    reader = csv.reader(lines, delimiter=sep)
    limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)  # a long caption is a field, not an error
    records: list[list[str]] = []
    numbers: list[int] = []
    bad: list[tuple[int, str, str]] = []
    headers: list[str] | None = None
    end = 0
    try:
        for fields in reader:
            start, end = end + 1, reader.line_num
            if not fields:
                continue
            if headers is None:
                headers = fields
                continue
            width = len(headers)
            if len(fields) > width and any(f.strip() for f in fields[width:]):
                where = f"line {start}" if start == end else f"lines {start}-{end}"
                raw = sep.join(fields)
                bad.append((len(records) + len(bad) + 1,
                            f"{where}: {len(fields)} fields, expected {width}", raw))
                continue
            records.append((fields + [""] * width)[:width])
            numbers.append(len(records) + len(bad))
    except csv.Error as exc:
        raise DataError(f"unreadable as delimited text at line {end + 1}: {exc}",
                        path=path) from None
    finally:
        csv.field_size_limit(limit)
    width = len(headers or [])
    cells = np.array(records, dtype=object).reshape(len(records), width)
    body = pd.DataFrame(
        {i: pd.array(cells[:, i], dtype=_STR) for i in range(width)},
        index=pd.Index(np.asarray(numbers, dtype=np.int64) - 1),
    )
    return list(headers or []), body, _malformed(bad)


def _read_json(
    path: Path, text: str, *, lines: bool
) -> tuple[list[str], pd.DataFrame, pd.DataFrame]:
    """JSON records or JSON lines: pandas' fast reader, else the standard library's (integers of
    any size, which the number parser then flags), record by record for JSON lines, where a line
    that is not a JSON object is quarantined with its line number."""
    attempts = [lines] if lines else [False, True]
    for as_lines in attempts:
        try:
            frame = pd.read_json(_io.StringIO(text), lines=as_lines, dtype=False)
        except ValueError:
            continue
        return [str(c) for c in frame.columns], frame, _NO_MALFORMED
    records: object = None
    bad: list[tuple[int, str, str]] = []
    error = "no JSON object"
    if not lines:
        try:
            records = json.loads(text)
        except json.JSONDecodeError as exc:
            error = str(exc)
    if records is None:
        records, bad = _json_lines(text)
        if not records:
            raise DataError(f"unreadable as JSON: {error}", path=path)
    if isinstance(records, dict):
        records = [records]
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise DataError("JSON must be an array of objects or one object per line", path=path)
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame()
    taken = {b[0] for b in bad}
    numbers = [n for n in range(1, len(records) + len(bad) + 1) if n not in taken]
    frame.index = pd.Index(np.asarray(numbers, dtype=np.int64) - 1)
    return [str(c) for c in frame.columns], frame, _malformed(bad)


def _json_lines(text: str) -> tuple[list[dict[str, object]], list[tuple[int, str, str]]]:
    """Objects of the JSON lines of `text`; the lines that are not a JSON object, with reasons."""
    records: list[dict[str, object]] = []
    bad: list[tuple[int, str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            bad.append((len(records) + len(bad) + 1, f"line {number}: not JSON: {exc.msg}", line))
            continue
        if isinstance(value, dict):
            records.append(value)
        else:
            bad.append((len(records) + len(bad) + 1, f"line {number}: not a JSON object", line))
    return records, bad


def _read_binary(path: Path, fmt: str) -> tuple[list[str], pd.DataFrame]:
    try:
        if fmt == "parquet":
            frame = pd.read_parquet(path)
            return [str(c) for c in frame.columns], frame
        frame = pd.read_excel(path, sheet_name=0, header=None, dtype=object)
    except PermissionError:
        raise
    except Exception as exc:  # corrupt files raise zip, XML, arrow or OS errors, by engine
        raise DataError(f"unreadable as {fmt}: {type(exc).__name__}: {exc}", path=path) from None
    if frame.empty:
        return [], frame
    headers = ["" if pd.isna(h) else str(h) for h in frame.iloc[0]]
    return headers, frame.iloc[1:].reset_index(drop=True)


def _stat(path: Path) -> int:
    """The file mode of `path`; `DataError` when it is missing or cannot be looked at."""
    try:
        return path.stat().st_mode
    except FileNotFoundError:
        raise DataError("no such file", path=path) from None
    except OSError as exc:  # e.g. inside a folder without read/execute permission
        raise DataError(f"cannot read: {exc.strerror or exc}", path=path) from None


def _read_raw(source: Source) -> _Raw:
    """The raw headers and body of one file (or DataFrame)."""
    if isinstance(source, pd.DataFrame):
        body = source.copy()
        headers = [str(c) for c in body.columns]
        return _Raw("<DataFrame>", headers, body.reset_index(drop=True), _NO_MALFORMED)
    path = Path(source).expanduser()
    mode = _stat(path)
    if stat.S_ISDIR(mode):
        raise DataError("is a folder; pass one file", path=path)
    if not stat.S_ISREG(mode):
        raise DataError("not a regular file (a pipe, device or socket); pass a file", path=path)
    fmt, compressed = _format(path)
    try:
        if fmt in ("parquet", "excel"):
            headers, body = _read_binary(path, fmt)
            return _Raw(str(path), headers, body, _NO_MALFORMED)
        return _read_text(path, fmt, compressed)
    except PermissionError as exc:
        raise DataError(f"cannot read: {exc.strerror}", path=path) from None


def read_headers(source: Source) -> list[str]:
    """The raw headers of a file (as the loaders read them), e.g. to detect its preset.

    Example:
        >>> from inflresearch.paths import sample_file
        >>> read_headers(sample_file("posts"))[:2]
        ['account_id', 'post_id']
    """
    return _read_raw(source).headers


def data_files(folder: str | Path) -> list[Path]:
    """The data files of `folder` (by suffix, see `FORMATS`; hidden files left out), sorted.

    Example:
        >>> from inflresearch.paths import sample_file
        >>> [p.name for p in data_files(sample_file("posts").parent)]
        ['campaigns.csv', 'influencers.csv', 'posts.csv', 'truth.json']
    """
    folder = Path(folder)
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise DataError(f"cannot list the folder: {exc.strerror or exc}", path=folder) from None
    files = []
    for entry in entries:
        suffixes = [s.lower() for s in entry.suffixes]
        if suffixes and suffixes[-1] == ".gz":
            suffixes = suffixes[:-1]
        if entry.name.startswith((".", "_")) or not suffixes or suffixes[-1] not in FORMATS:
            continue
        if stat.S_ISREG(_stat(entry)):
            files.append(entry)
    if not files:
        known = ", ".join(sorted(FORMATS))
        raise DataError(f"is a folder without data files ({known})", path=folder)
    return files


# --- coercion ----------------------------------------------------------------------------------


def _arrow(values: pd.Series) -> pa.Array:
    """The values as a pyarrow string array (missing as null), for RE2 string kernels."""
    if not (isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"):
        values = values.astype(_STR)
    return pa.array(values.array)


def _series(values: pa.Array | pa.ChunkedArray, index: pd.Index) -> pd.Series:
    return pd.Series(pd.array(values, dtype=_STR), index=index)


def _null_where(arr: pa.Array, mask: pa.Array) -> pa.Array:
    return pc.if_else(pc.fill_null(mask, True), pa.scalar(None, arr.type), arr)


def _text_arrow(values: pd.Series) -> pa.Array:
    if pd.api.types.is_bool_dtype(values.dtype) or pd.api.types.is_integer_dtype(values.dtype):
        values = values.astype("object")
    if pd.api.types.is_float_dtype(values.dtype):
        finite = values.dropna().to_numpy(dtype=float)
        values = (values.astype("Int64") if np.all(np.mod(finite, 1) == 0) else values)
        values = values.astype("object")
    if values.dtype == object:
        values = values.map(_cell_text, na_action="ignore")
    arr = pc.utf8_trim_whitespace(_arrow(values))
    return _null_where(arr, pc.match_substring_regex(arr, MISSING_MARKERS.pattern))


def _text(values: pd.Series) -> pd.Series:
    """Text with surrounding blanks stripped and missing markers (``""``, ``nan``, ``N/A``,
    ``#VALUE!``, ``-``, ...) as NaN; integral numbers without a trailing ``.0``."""
    return _series(_text_arrow(values), values.index)


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _datetimes(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Timezone-naive UTC datetimes from ISO 8601 text or unix seconds (ms when >= 1e11)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        out = values.dt.tz_convert("UTC").dt.tz_localize(None)
        return out.astype("datetime64[us]"), pd.Series(False, index=values.index)
    if pd.api.types.is_datetime64_dtype(values.dtype):
        return values.astype("datetime64[us]"), pd.Series(False, index=values.index)
    if values.dtype == object:
        values = values.map(
            lambda v: v.isoformat() if isinstance(v, datetime) else v, na_action="ignore"
        )
    arr = _text_arrow(values)
    numeric = pc.fill_null(pc.match_substring_regex(arr, r"^[-+]?\d+(\.\d*)?$"), False)
    is_number = numeric.to_numpy(zero_copy_only=False)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    if is_number.any():
        number = pc.cast(arr.filter(numeric), pa.float64()).to_numpy()
        seconds = np.where(np.abs(number) < 1e11, number, number / 1000.0)
        out[is_number] = pd.to_datetime(seconds, unit="s", errors="coerce")
    present = arr.is_valid().to_numpy(zero_copy_only=False)
    rest = present & ~is_number
    if rest.any():
        text = _series(arr, values.index)[rest]
        parsed = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
        out[rest] = parsed.dt.tz_localize(None).astype("datetime64[us]")
    return out, pd.Series(present & out.isna().to_numpy(), index=values.index)


def _bools(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """True/False from booleans, 1/0 and true/false/yes/no/t/f/y/n text; missing is False."""
    if pd.api.types.is_bool_dtype(values.dtype):
        out = values.astype("boolean").fillna(False).astype(bool)
        return out, pd.Series(False, index=values.index)
    text = pc.utf8_lower(_text_arrow(values))
    true = pc.fill_null(pc.is_in(text, pa.array(_TRUE)), False).to_numpy(zero_copy_only=False)
    false = pc.fill_null(pc.is_in(text, pa.array(_FALSE)), False).to_numpy(zero_copy_only=False)
    bad = text.is_valid().to_numpy(zero_copy_only=False) & ~true & ~false
    return pd.Series(true, index=values.index), pd.Series(bad, index=values.index)


def _hashtags(values: pd.Series) -> pd.Series:
    """Space-separated hashtags without ``#`` from ``a|b``, ``['a', 'b']``, ``#a #b`` or ``a, b``."""
    arr = pc.replace_substring_regex(_text_arrow(values), r"[\[\]\"'#,|;\s]+", " ")
    arr = pc.utf8_trim_whitespace(arr)
    return _series(_null_where(arr, pc.equal(arr, "")), values.index)


def _coerce(body: pd.DataFrame, table: str) -> tuple[pd.DataFrame, list[tuple[pd.Series, str]]]:
    """Contract columns coerced to their kinds; extra columns as text; per-column parse failures."""
    out: dict[str, pd.Series] = {}
    problems: list[tuple[pd.Series, str]] = []
    kinds = {c.name: c.kind for c in columns(table)}
    for name in body.columns:
        raw = body[name]
        kind = kinds.get(name)
        if kind in ("number", "rate"):
            parsed = parse_numbers(raw, "rate" if kind == "rate" else "count")
            out[name] = parsed.values
            problems.append((parsed.unparsable, f"unparsable number in {name}"))
        elif kind == "datetime":
            out[name], bad = _datetimes(raw)
            problems.append((bad, f"unparsable date in {name}"))
        elif kind == "bool":
            out[name], bad = _bools(raw)
            problems.append((bad, f"unparsable value in {name}"))
        elif name == "hashtags":
            out[name] = _hashtags(raw)
        elif kind == "text" or raw.dtype == object or pd.api.types.is_string_dtype(raw.dtype):
            out[name] = _text(raw)
        else:
            out[name] = raw
    return pd.DataFrame(out, index=body.index), problems


def _normalise(frame: pd.DataFrame, table: str, platform: str | None) -> pd.DataFrame:
    if "account_id" in frame:
        handle = pc.utf8_trim_whitespace(
            pc.replace_substring_regex(_arrow(frame["account_id"]), r"^@+", "")
        )
        frame["account_id"] = _series(_null_where(handle, pc.equal(handle, "")), frame.index)
    fill = platform.strip().lower() if platform else ("unknown" if table == "influencers" else None)
    if "platform" in frame:
        frame["platform"] = _series(pc.utf8_lower(_arrow(frame["platform"])), frame.index)
        if fill:
            frame["platform"] = frame["platform"].fillna(fill)
    elif fill:
        position = column_names(table).index("platform")
        at = sum(c in frame for c in column_names(table)[:position])
        frame.insert(at, "platform", pd.Series(fill, index=frame.index, dtype="str"))
    if "channel" in frame:
        frame["channel"] = _series(pc.utf8_lower(_arrow(frame["channel"])), frame.index)
    if table == "campaigns":
        rows = "row-" + pd.Series(frame.index + 1, index=frame.index).astype("str")
        if "activation_id" in frame:
            frame["activation_id"] = frame["activation_id"].fillna(rows)
        else:
            frame.insert(1 if "campaign_id" in frame else 0, "activation_id", rows)
    return frame


def _derive_engagement(frame: pd.DataFrame) -> pd.DataFrame:
    """Influencers: fill engagements and engagement_rate from each other and from likes/comments."""
    have = set(frame.columns)
    followers = frame["followers"].where(frame["followers"] > 0)
    eng = frame["engagements"] if "engagements" in have else pd.Series(np.nan, index=frame.index)
    if {"avg_likes", "avg_comments"} <= have:
        eng = eng.fillna(frame["avg_likes"] + frame["avg_comments"])
    if "engagement_rate" in have:
        eng = eng.fillna(frame["engagement_rate"] * followers)
    rate = frame["engagement_rate"] if "engagement_rate" in have else eng.where(eng.isna())
    rate = rate.fillna(eng / followers)
    if eng.notna().any() or "engagements" in have:
        frame["engagements"] = eng.astype("float64")
    if rate.notna().any() or "engagement_rate" in have:
        frame["engagement_rate"] = rate.astype("float64")
    return frame


def _ordered(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    contract = [c for c in column_names(table) if c in frame]
    return frame[contract + [c for c in frame.columns if c not in contract]]


# --- checks ------------------------------------------------------------------------------------


def _empty_rows(body: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell is blank, missing or decoration such as ``=====``."""
    empty = np.ones(len(body), dtype=bool)
    for name in body.columns:
        col = body[name]
        if col.dtype == object:
            col = col.map(str, na_action="ignore")
        elif not pd.api.types.is_string_dtype(col.dtype):
            empty &= col.isna().to_numpy()
            continue
        blank = pc.match_substring_regex(_arrow(col), f"^{_DECORATION}$")
        empty &= pc.fill_null(blank, True).to_numpy(zero_copy_only=False)
        if not empty.any():
            break
    return empty


def _add(reasons: pd.Series, mask: pd.Series | np.ndarray, reason: str) -> pd.Series:
    mask = np.asarray(mask, dtype=bool)
    if mask.any():
        current = reasons[mask]
        reasons[mask] = current.where(current == "", current + "; ") + reason
    return reasons


def _drop_implied(reasons: pd.Series, table: str) -> pd.Series:
    """Drop "missing <col>" where "unparsable number in <col>" already explains the gap."""
    text = reasons.astype("str")
    for spec in columns(table):
        if spec.required:
            unparsable = text.str.contains(f"unparsable number in {spec.name}", regex=False)
            if unparsable.any():
                text = text.where(
                    ~unparsable, text.str.replace(f"; missing {spec.name}", "", regex=False)
                )
    return text.astype(object)


def _listing(headers: list[str], limit: int = 30) -> str:
    """The headers quoted (each shortened by `quote`), at most `limit` of them."""
    shown = ", ".join(quote(h.strip()) for h in headers[:limit])
    return shown + (f", ... ({len(headers) - limit:,} more)" if len(headers) > limit else "")


def _required_present(frame: pd.DataFrame, table: str, label: str, raw: list[str]) -> None:
    missing = [
        c.name for c in columns(table)
        if c.required and c.name not in frame and (table, c.name) not in _FILLED
    ]
    if missing:
        have = _listing(raw) or "none"
        what = ", ".join(missing)
        raise DataError(
            f"no usable {what} column{'s' if len(missing) > 1 else ''} (required by the {table} "
            f"contract); the file has columns {have}; map one with "
            f"columns={{'<source column>': '{missing[0]}'}}",
            path=label,
            column=missing[0],
        )


def _all_bad(label: str, table: str, quarantined: pd.DataFrame) -> DataError:
    first = quarantined["reason"].str.split("; ").str[0]
    top = first.value_counts().index[0]
    column = next((c for c in quarantined.columns if top.endswith(f" {c}")), None)
    if column is None and "followers" in top:
        column = "followers" if "followers" in quarantined else None
    values = []
    if column is not None:
        values = list(pd.unique(quarantined.loc[first == top, column].astype("str")))[:3]
    counts = ", ".join(f"{n:,} {r}" for r, n in first.value_counts().items())
    return DataError(
        f"no usable rows: all {len(quarantined):,} {table} rows quarantined ({counts})",
        path=label,
        column=column,
        values=values,
    )


# --- public API ------------------------------------------------------------------------------


def read_table(
    path: Sources,
    table: str,
    *,
    columns: Mapping[str, str | None] | None = None,
    platform: str | None = None,
) -> LoadResult:
    """Read one export, a folder of exports or a list of them as the contract table `table`
    ('influencers', 'posts' or 'campaigns').

    ``columns={"source header": "contract_name"}`` overrides the alias map (``None`` keeps a
    column out of the contract); without it, a known export's preset (`inflresearch.data.presets`)
    maps the columns when the headers match one. ``platform`` fills the platform when the file
    lacks it (else the preset's platform). A folder
    means its data files (`data_files`). Files are read in order, and a key seen before, in the
    same or an earlier file, is quarantined as ``duplicate post_id (first seen in 'a.csv', row
    12)``: each post (account, activation) is counted once.

    Example:
        >>> from inflresearch.paths import sample_file
        >>> res = read_table(sample_file("posts"), "posts", platform="instagram")
        >>> res.data["likes"].dtype, res.data["posted_at"].dtype
        (dtype('float64'), dtype('<M8[us]'))
        >>> read_table([sample_file("posts")] * 2, "posts").summary()
        'kept 36,213 of 72,426 rows; 36,213 quarantined: 36,213 duplicate post_id'
    """
    column_names(table)  # validates the table name
    sources = _sources(path)
    parts = [_read_part(source, table, columns, platform) for source in sources]
    if len(parts) == 1:
        label = parts[0].label
    elif isinstance(path, str | Path):
        label = str(path)
    else:
        label = ", ".join(part.label for part in parts)
    return _combine(parts, table, label)


def _sources(path: Sources) -> list[Source]:
    if isinstance(path, pd.DataFrame):
        return [path]
    if isinstance(path, str | Path):
        folder = Path(path).expanduser()
        return list(data_files(folder)) if stat.S_ISDIR(_stat(folder)) else [folder]
    items: list[Source] = []
    for item in path:
        items += _sources(item)
    if not items:
        raise DataError("no input files given")
    return items


@dataclass(frozen=True)
class _Part:
    """One file after the row checks: its good rows (coerced, and raw) and its quarantine."""

    label: str
    frame: pd.DataFrame
    raw: pd.DataFrame
    quarantined: pd.DataFrame
    n_read: int
    columns: dict[str, str]
    encoding: str | None
    preset: Preset | None = None
    left_out: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return Path(self.label).name


def _read_part(
    source: Source, table: str, columns: Mapping[str, str | None] | None, platform: str | None
) -> _Part:
    raw = _read_raw(source)
    label, body = raw.label, raw.body
    if not len(body.columns) or not (len(body) or len(raw.malformed)):
        raise DataError("empty: no data rows", path=label)
    preset, columns, platform, warnings = _preset_for(raw.headers, table, columns, platform)
    mapping = resolve_columns(raw.headers, table, columns)
    if mapping.unknown:
        have = _listing(raw.headers)
        raise DataError(
            f"columns= names a column the file does not have; the file has {have}",
            path=label,
            column=mapping.unknown[0],
        )
    body.columns = mapping.names
    _required_present(body, table, label, raw.headers)
    frame, problems = _coerce(body, table)
    frame, problems, left_out, column_warnings = _column_problems(
        body, frame, problems, table, label, mapping.source_of()
    )
    frame = _normalise(frame, table, platform)
    reasons = _reasons(body, frame, problems, table)
    good = (reasons == "").to_numpy()
    source_body = body.rename(columns={"source_row": "source_row_src", "reason": "reason_src",
                                       "source_file": "source_file_src"})
    quarantined = source_body[~good]
    quarantined.insert(0, "source_row", quarantined.index + 1)
    quarantined["reason"] = reasons[~good].astype("str")
    quarantined = pd.concat(
        [quarantined, raw.malformed] if len(raw.malformed) else [quarantined], ignore_index=True
    ).sort_values("source_row", kind="stable")
    quarantined.insert(0, "source_file", Path(label).name)
    quarantined = quarantined.reset_index(drop=True)
    if not good.any():
        raise _all_bad(label, table, quarantined)
    used = {n: r for n, r in mapping.source_of().items() if n in frame.columns and n in column_names(table)}
    excluded = [*mapping.excluded, *(mapping.source_of()[n] for n in left_out)]
    return _Part(label, frame[good], source_body[good], quarantined, len(body) + len(raw.malformed),
                 used, raw.encoding, preset, tuple(excluded), tuple(warnings + column_warnings))


def _combine(parts: list[_Part], table: str, label: str) -> LoadResult:
    """The good rows of all parts with every key kept once (its first occurrence), the rest and
    every part's quarantine in one quarantine table."""
    many = len(parts) > 1
    frame = pd.concat([p.frame for p in parts], ignore_index=True) if many else parts[0].frame
    rows = np.concatenate([p.frame.index.to_numpy() + 1 for p in parts])
    files = np.concatenate([np.full(len(p.frame), p.name, dtype=object) for p in parts])
    keys = KEYS[table]
    key = frame[keys].reset_index(drop=True)
    dupe = key.duplicated(keep="first").to_numpy()
    quarantined = [p.quarantined for p in parts]
    if dupe.any():
        first = key[~dupe].assign(_file=files[~dupe], _row=rows[~dupe])
        seen = key[dupe].merge(first, on=keys, how="left")
        reasons = [duplicate_reason(keys[0], f, r) for f, r in zip(seen["_file"], seen["_row"], strict=True)]
        raw = pd.concat([p.raw for p in parts], ignore_index=True) if many else parts[0].raw
        dupes = raw.reset_index(drop=True)[dupe]
        dupes.insert(0, "source_row", rows[dupe])
        dupes.insert(0, "source_file", files[dupe])
        quarantined.append(dupes.assign(reason=reasons))
    data = frame.reset_index(drop=True)[~dupe].reset_index(drop=True)
    if table == "influencers":
        data = _derive_engagement(data)
    data = check_structure(_ordered(data, table), table)
    q = pd.concat(quarantined, ignore_index=True) if len(quarantined) > 1 else quarantined[0]
    order = {p.name: i for i, p in reversed(list(enumerate(parts)))}
    q = q.sort_values(["source_file", "source_row"], key=lambda c: c.map(order)
                      if c.name == "source_file" else c, kind="stable")
    mapping: dict[str, str] = {}
    for part in parts:
        mapping = {**part.columns, **mapping}
    presets = {p.preset.name if p.preset else None for p in parts}
    preset = parts[0].preset if len(presets) == 1 else None
    if preset is not None:
        data.attrs["preset"] = preset.name
    warnings = [w if not many else f"{p.name}: {w}" for p in parts for w in p.warnings]
    left_out = list(dict.fromkeys(h for p in parts for h in p.left_out))
    return LoadResult(
        table, label, data, q.reset_index(drop=True), sum(p.n_read for p in parts), mapping,
        parts[0].encoding, rows[~dupe], files[~dupe], preset, left_out, warnings,
    )


def _preset_for(
    raw_headers: list[str], table: str, columns: Mapping[str, str | None] | None, platform: str | None
) -> tuple[Preset | None, Mapping[str, str | None] | None, str | None, list[str]]:
    """The preset of a file read without ``columns=`` (its columns and platform), and a warning when
    the headers are those of a known export of another table."""
    if columns:
        return None, columns, platform, []
    preset = detect_preset(raw_headers)
    if preset is None:
        return None, columns, platform, []
    if preset.table != table:
        return None, columns, platform, [
            f"the headers are those of {preset.describe()}, a {preset.table} table, not {table}"
        ]
    return preset, preset.columns, platform or preset.platform, []


COLUMN_LEVEL = 0.5  # more than this share of a column's values unparsable: a column problem
SUSPICIOUS = 0.1  # more than this share: a warning (the rows are quarantined)
MIN_VALUES = 20  # below this many values a bad value is a row problem only


def _column_problems(
    body: pd.DataFrame,
    frame: pd.DataFrame,
    problems: list[tuple[pd.Series, str]],
    table: str,
    label: str,
    sources: dict[str, str],
) -> tuple[pd.DataFrame, list[tuple[pd.Series, str]], list[str], list[str]]:
    """Columns whose values are mostly unparsable (> 50% of at least 20 non-empty values): a
    required one refuses the file, another is left out of the table with a warning (its rows are
    not quarantined for it). Between 10% and 50% is a warning; those rows are quarantined.

    Returns the frame, the row problems still to quarantine, the contract names left out and
    the warnings."""
    required = {c.name for c in columns(table) if c.required}
    kept: list[tuple[pd.Series, str]] = []
    left_out: list[str] = []
    warnings: list[str] = []
    for mask, reason in problems:
        name = reason.rsplit(" ", 1)[-1]
        bad = int(mask.sum())
        present = int(_text(body[name]).notna().sum()) if bad else 0
        if bad == 0 or present < MIN_VALUES or bad <= SUSPICIOUS * present:
            kept.append((mask, reason))
            continue
        source = sources.get(name, name).strip()
        values = list(pd.unique(body[name][mask.to_numpy(dtype=bool)]))[:3]
        kind = "dates" if "date" in reason else "numbers" if "number" in reason else "valid values"
        what = f"{bad:,} of {present:,} values in {quote(source)} (-> {name}) are not {kind}"
        examples = ", ".join(quote(v) for v in values)
        if bad <= COLUMN_LEVEL * present:
            warnings.append(f"{what} (e.g. {examples}); those rows are quarantined")
            kept.append((mask, reason))
        elif name in required:
            raise DataError(
                f"{what}: the column looks mislabelled; map another column to {name} with "
                f"columns={{'<source column>': '{name}'}}",
                path=label, column=name, values=values,
            )
        else:
            warnings.append(f"{what} (e.g. {examples}): the column looks mislabelled and is left out "
                            f"of the table (columns={{{source!r}: None}} says so and silences this)")
            frame = frame.drop(columns=name)
            left_out.append(name)
    return frame, kept, left_out, warnings


def _reasons(
    body: pd.DataFrame, frame: pd.DataFrame, problems: list[tuple[pd.Series, str]], table: str
) -> pd.Series:
    """Quarantine reasons per row ("" for a good row): empty rows, parse failures and the row
    checks of the schema (duplicate keys are found across files, in `_combine`)."""
    reasons = pd.Series("", index=frame.index, dtype=object)
    empty = _empty_rows(body)
    reasons = _add(reasons, empty, EMPTY_ROW)
    for mask, reason in problems:
        reasons = _add(reasons, mask.to_numpy(dtype=bool) & ~empty, reason)
    row_reasons = failing_rows(frame[~empty], table, rows=True, keys=False)
    for text, idx in row_reasons.groupby(row_reasons, sort=False).groups.items():
        reasons = _add(reasons, frame.index.isin(idx), str(text))
    return _drop_implied(reasons, table)


def _load(
    table: str,
    path: Source,
    columns: Mapping[str, str | None] | None,
    platform: str | None,
    quarantine_dir: str | Path | None,
) -> pd.DataFrame:
    result = read_table(path, table, columns=columns, platform=platform)
    log.info("%s (%s): %s", result.path, table, result.summary())
    if quarantine_dir is not None:
        result.write_quarantine(quarantine_dir)
    return result.data


def load_influencers(
    path: Source,
    *,
    columns: Mapping[str, str | None] | None = None,
    platform: str | None = None,
    quarantine_dir: str | Path | None = None,
) -> pd.DataFrame:
    """The influencers table of `path` (see `read_table`); bad rows go to
    ``quarantine_dir/quarantine-influencers.csv`` when a folder is given.

    Example:
        >>> from inflresearch.paths import sample_file
        >>> load_influencers(sample_file("influencers"))["followers"].min() > 0
        np.True_
    """
    return _load("influencers", path, columns, platform, quarantine_dir)


def load_posts(
    path: Source,
    *,
    columns: Mapping[str, str | None] | None = None,
    platform: str | None = None,
    quarantine_dir: str | Path | None = None,
) -> pd.DataFrame:
    """The posts table of `path` (see `read_table`).

    Example:
        >>> from inflresearch.paths import sample_file
        >>> load_posts(sample_file("posts"))["post_id"].is_unique
        True
    """
    return _load("posts", path, columns, platform, quarantine_dir)


def load_campaigns(
    path: Source,
    *,
    columns: Mapping[str, str | None] | None = None,
    platform: str | None = None,
    quarantine_dir: str | Path | None = None,
) -> pd.DataFrame:
    """The campaigns table of `path` (see `read_table`).

    Example:
        >>> from inflresearch.paths import sample_file
        >>> sorted(load_campaigns(sample_file("campaigns"))["channel"].unique())
        ['influencer', 'traditional']
    """
    return _load("campaigns", path, columns, platform, quarantine_dir)
