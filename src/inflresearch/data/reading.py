"""Read one export file into raw headers and a body of text cells, before any coercion.

Formats (by suffix, `FORMATS`): CSV (``.csv``, delimiter sniffed among ``, ; TAB |``), TSV
(``.tsv``, ``.tab``), text (``.txt``, delimiter sniffed), Parquet (``.parquet``, ``.pq``), JSON
(``.json``: records or JSON lines), JSON lines (``.jsonl``, ``.ndjson``), Excel (``.xlsx``,
``.xlsm``: first sheet); any of the text formats may be gzip-compressed (``.csv.gz``). Text is
decoded as UTF-16 or UTF-32 when it starts with their byte-order mark (Excel's "Unicode text"),
else as UTF-8 (with or without BOM), else cp1252, else latin-1. A delimited line with more
fields than the header, or a JSON line that is not an object, becomes a ``malformed line`` record
(`RawFile.malformed`) and the rest of the file is read. Only regular files are read.

Example:
    >>> from inflresearch.paths import sample_file
    >>> raw = read_raw(sample_file("posts"))
    >>> raw.headers[:2], raw.body.shape[0] > 0
    (['account_id', 'post_id'], True)
"""

from __future__ import annotations

import csv
import gzip
import io as _io
import json
import stat
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from inflresearch.data import limits
from inflresearch.errors import DataError
from inflresearch.safe_yaml import MAX_DEPTH, NestedTooDeep

FORMATS = {
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".txt": "csv",
    ".parquet": "parquet", ".pq": "parquet",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".xlsx": "excel", ".xlsm": "excel",
}  # fmt: skip
MALFORMED = "malformed line"
Source: TypeAlias = str | Path | pd.DataFrame
TEXT = pd.StringDtype(na_value=np.nan)  # pandas' default text dtype (pyarrow storage)


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


_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
)


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    """Text and the encoding that read it: UTF-16 or UTF-32 by their byte-order mark (Excel's
    "Unicode text"), else UTF-8 (BOM or not), else cp1252, else latin-1.

    Example:
        >>> _decode("a,b\\n1,2\\n".encode("utf-16"), Path("x.txt"))
        ('a,b\\n1,2\\n', 'utf-16')
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise DataError(f"starts with a {encoding.upper()} byte-order mark but is not valid "
                                f"{encoding.upper()} ({exc.reason} at byte {exc.start:,}); re-save it "
                                "as UTF-8", path=path) from None
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
class RawFile:
    """A file as read: raw headers, a body with positional columns (index = record number - 1),
    the records that could not be read as rows, and the encoding. ``complete`` is False when only
    the first records were read (`read_raw` with ``nrows``)."""

    label: str
    headers: list[str]
    body: pd.DataFrame
    malformed: pd.DataFrame
    encoding: str | None = None
    complete: bool = True


def _malformed(records: list[tuple[int, str, str]]) -> pd.DataFrame:
    """Quarantine rows for unreadable records: (record number, what is wrong, the raw text)."""
    return pd.DataFrame(
        {"source_row": [r[0] for r in records], "raw_line": [r[2] for r in records],
         "reason": [f"{MALFORMED} ({r[1]})" for r in records]}  # fmt: skip
    )


_NO_MALFORMED = _malformed([])


def _head_bytes(path: Path, compressed: bool, nrows: int) -> tuple[bytes, bool]:
    """The first ``nrows + 2`` lines of `path` (the header, `nrows` records and one more that a
    quoted line break may have cut short) and whether the file goes on after them."""
    want = nrows + 2
    chunks: list[bytes] = []
    lines = 0
    try:
        with gzip.open(path, "rb") if compressed else path.open("rb") as fh:
            while lines < want and (chunk := fh.read(1024**2)):
                chunks.append(chunk)
                lines += chunk.count(b"\n")
            data = b"".join(chunks)
            if lines < want:
                return data, False
            end = -1
            for _ in range(want):
                end = data.index(b"\n", end + 1)
            return data[: end + 1], end + 1 < len(data) or bool(fh.read(1))
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise DataError(f"unreadable gzip file: {exc}", path=path) from None


def _first_records(raw: RawFile, nrows: int) -> RawFile:
    """`raw` cut to its first `nrows` records, the last record read left out (it may be cut)."""
    keep = min(nrows, len(raw.body) + len(raw.malformed) - 1)
    body = raw.body[raw.body.index < keep]
    malformed = raw.malformed[raw.malformed["source_row"] <= keep]
    return replace(raw, body=body, malformed=malformed, complete=False)


def _read_text(path: Path, fmt: str, compressed: bool, nrows: int | None = None) -> RawFile:
    limit = limits.MAX_JSON_BYTES if fmt in ("json", "jsonl") else limits.MAX_BYTES
    more = False
    if nrows is not None and fmt not in ("json", "jsonl") and (
        compressed or path.stat().st_size <= limit  # beyond: the whole read refuses it
    ):
        data, more = _head_bytes(path, compressed, nrows)
        if more and data.startswith(tuple(bom for bom, _ in _BOMS)):  # lines of 2 or 4 bytes
            more = False
            data = limits.read_bytes(path, compressed=compressed, limit=limit)
    else:
        data = limits.read_bytes(path, compressed=compressed, limit=limit)
    raw = _read_text_data(path, fmt, data)
    return _first_records(raw, nrows) if more and nrows is not None else raw


def _read_text_data(path: Path, fmt: str, data: bytes) -> RawFile:
    """The `data` of a text file, decoded and parsed by its format."""
    text, encoding = _decode(data, path)
    if not text or text.isspace():
        raise DataError("empty file", path=path)
    if fmt in ("json", "jsonl"):
        headers, body, malformed = _read_json(path, text, lines=fmt == "jsonl")
        return RawFile(str(path), headers, body, malformed, encoding)
    sep = "\t" if fmt == "tsv" else _sniff_separator(text)
    limits.check_delimited(path, data, text, sep)
    utf8 = data[3:] if encoding == "utf-8-sig" and data.startswith(b"\xef\xbb\xbf") else data
    if encoding != "utf-8-sig":  # pyarrow reads UTF-8 only
        utf8 = text.encode("utf-8")
    try:
        headers, body = _read_delimited_arrow(text, utf8, sep)
    except (pa.ArrowInvalid, csv.Error, StopIteration, _Ragged):
        headers, body, malformed = _read_delimited_lines(path, text, sep)
        return RawFile(str(path), headers, body, malformed, encoding)
    return RawFile(str(path), headers, body, _NO_MALFORMED, encoding)


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
    frame = pd.DataFrame({i: pd.array(body.column(i), dtype=TEXT) for i in range(width)})
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
        {i: pd.array(cells[:, i], dtype=TEXT) for i in range(width)},
        index=pd.Index(np.asarray(numbers, dtype=np.int64) - 1),
    )
    return list(headers or []), body, _malformed(bad)


def _read_json(
    path: Path, text: str, *, lines: bool
) -> tuple[list[str], pd.DataFrame, pd.DataFrame]:
    """`_parse_json`, refusing values nested more than `MAX_DEPTH` deep (one `DataError`, where
    the parsers and later ``str()`` of a cell would end in a RecursionError)."""
    try:
        headers, frame, malformed = _parse_json(path, text, lines=lines)
    except RecursionError:
        raise DataError(str(NestedTooDeep()), path=path) from None
    for header, column in zip(headers, frame.columns, strict=True):
        values = frame[column]
        if values.dtype == object and any(_deeper_than(v, MAX_DEPTH - 1) for v in values):
            raise DataError(str(NestedTooDeep()), path=path, column=header)
    return headers, frame, malformed


def _deeper_than(value: object, limit: int) -> bool:
    """True when `value` holds lists or dicts nested more than `limit` levels (no recursion).

    Example:
        >>> _deeper_than([[1]], 1), _deeper_than([[1]], 2), _deeper_than("[[", 0)
        (True, False, False)
    """
    stack = [(value, 1)] if isinstance(value, list | dict) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack += [(c, depth + 1) for c in children if isinstance(c, list | dict)]
    return False


def _parse_json(
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


def _parquet_head(path: Path, nrows: int) -> pd.DataFrame | None:
    """The first `nrows` rows of a Parquet file as `pd.read_parquet` gives them (through an
    in-memory copy), None when the file has no more rows than that."""
    file = pq.ParquetFile(path)
    if file.metadata.num_rows <= nrows:
        return None
    batch = next(file.iter_batches(batch_size=nrows))
    head = pa.Table.from_batches([batch]).replace_schema_metadata(file.schema_arrow.metadata)
    buffer = _io.BytesIO()
    pq.write_table(head, buffer)
    buffer.seek(0)
    return pd.read_parquet(buffer)


def _read_binary(path: Path, fmt: str, nrows: int | None = None) -> tuple[list[str], pd.DataFrame, bool]:
    """Headers, body and whether the body is the whole file (``nrows``: Parquet's first rows)."""
    if fmt == "parquet":
        limits.check_parquet(path)
    else:
        limits.check_excel(path)
    try:
        if fmt == "parquet":
            head = _parquet_head(path, nrows) if nrows is not None else None
            frame = pd.read_parquet(path) if head is None else head
            return [str(c) for c in frame.columns], frame, head is None
        frame = pd.read_excel(path, sheet_name=0, header=None, dtype=object)
    except PermissionError:
        raise
    except Exception as exc:  # corrupt files raise zip, XML, arrow or OS errors, by engine
        raise DataError(f"unreadable as {fmt}: {type(exc).__name__}: {exc}", path=path) from None
    if frame.empty:
        return [], frame, True
    headers = ["" if pd.isna(h) else str(h) for h in frame.iloc[0]]
    return headers, frame.iloc[1:].reset_index(drop=True), True


def file_mode(path: Path) -> int:
    """The file mode of `path`; `DataError` when it is missing or cannot be looked at."""
    try:
        return path.stat().st_mode
    except FileNotFoundError:
        raise DataError("no such file", path=path) from None
    except OSError as exc:  # e.g. inside a folder without read/execute permission
        raise DataError(f"cannot read: {exc.strerror or exc}", path=path) from None


def read_raw(source: Source, nrows: int | None = None) -> RawFile:
    """The raw headers and body of one file (or DataFrame).

    With `nrows`, a delimited text or Parquet file longer than that is read only in part: its
    first `nrows` records at most (`RawFile.complete` False); other files are read whole.

    Example:
        >>> from inflresearch.paths import sample_file
        >>> raw = read_raw(sample_file("posts"), nrows=10)
        >>> len(raw.body), raw.complete
        (10, False)
    """
    if isinstance(source, pd.DataFrame):
        body = source.copy()
        headers = [str(c) for c in body.columns]
        return RawFile("<DataFrame>", headers, body.reset_index(drop=True), _NO_MALFORMED)
    path = Path(source).expanduser()
    mode = file_mode(path)
    if stat.S_ISDIR(mode):
        raise DataError("is a folder; pass one file", path=path)
    if not stat.S_ISREG(mode):
        raise DataError("not a regular file (a pipe, device or socket); pass a file", path=path)
    fmt, compressed = _format(path)
    try:
        if fmt in ("parquet", "excel"):
            headers, body, complete = _read_binary(path, fmt, nrows)
            return RawFile(str(path), headers, body, _NO_MALFORMED, complete=complete)
        return _read_text(path, fmt, compressed, nrows)
    except PermissionError as exc:
        raise DataError(f"cannot read: {exc.strerror}", path=path) from None
    except (MemoryError, pa.ArrowMemoryError, pa.ArrowCapacityError):  # within the limits, on a small machine
        raise limits.too_large(path, "not enough memory to read it") from None


def read_headers(source: Source) -> list[str]:
    """The raw headers of a file (as the loaders read them), e.g. to detect its preset.

    Example:
        >>> from inflresearch.paths import sample_file
        >>> read_headers(sample_file("posts"))[:2]
        ['account_id', 'post_id']
    """
    return read_raw(source).headers


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
        if stat.S_ISREG(file_mode(entry)):
            files.append(entry)
    if not files:
        known = ", ".join(sorted(FORMATS))
        raise DataError(f"is a folder without data files ({known})", path=folder)
    return files
