"""Size limits of one read: checked before a file is parsed, so memory stays bounded.

The loaders hold a whole table in memory (about 6 bytes of RAM per byte of CSV: `validate` on a
1 GB, 4.7 million-row posts CSV peaks near 6 GB). Files beyond these limits are refused with one
`DataError` naming the limit, before the expensive step:

- `MAX_BYTES`: text (CSV/TSV/TXT) after gzip decompression, 1 GiB; decompression stops at the
  limit (or at `MAX_LINES`), so a small gzip bomb costs at most that much;
- `MAX_JSON_BYTES`: JSON and JSON lines (parsed into Python objects, many times their size), 256 MiB;
- `MAX_ROWS`: records of one file, or of all the files of one call, 5 million; `MAX_LINES`: 50
  million lines (ten per record: quoted line breaks make more lines than records);
- `MAX_COLUMNS`: 1,000 columns; `MAX_CELLS`: rows x columns, 100 million;
- Excel: the first sheet's declared dimension and its cells' own references (``XFD1048576``
  is 17 billion cells) within `MAX_COLUMNS` and `MAX_EXCEL_CELLS` (20 million), and the unzipped
  workbook within `MAX_BYTES`;
- Parquet: rows and columns from the file's metadata.

Larger posts data belongs in ``inflresearch aggregate`` (DuckDB or Spark), which streams.

Example:
    >>> check_shape("x.csv", rows=6_000_000, columns=3)
    Traceback (most recent call last):
    ...
    inflresearch.errors.DataError: x.csv: too large: 6,000,000 rows, more than the 5,000,000 a file may have ...
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import re
import zipfile
import zlib
from pathlib import Path

from inflresearch.errors import DataError

MAX_BYTES = 1024**3
MAX_JSON_BYTES = 256 * 1024**2
MAX_ROWS = 5_000_000
MAX_LINES = 10 * MAX_ROWS
MAX_COLUMNS = 1_000
MAX_CELLS = 100_000_000
MAX_EXCEL_CELLS = 20_000_000  # openpyxl and pandas hold every cell as a Python object
_CHUNK = 16 * 1024**2
_HINT = "(data/README.md, 'Size limits'); split the file, or aggregate posts with `inflresearch aggregate`"


def too_large(path: object, what: str) -> DataError:
    """The one error for a file beyond a limit: ``too large: <what> <hint>``."""
    return DataError(f"too large: {what} {_HINT}", path=path)


def read_bytes(path: Path, *, compressed: bool, limit: int) -> bytes:
    """The bytes of `path` (gunzipped when `compressed`), refused beyond `limit` bytes or
    `MAX_LINES` lines.

    The file is read in chunks and reading stops at the first chunk past a limit: a 4 MB gzip of
    2**30 short lines costs about 100 MB of memory (its first 50 million lines), not its 4 GB.
    """
    if not compressed and path.stat().st_size > limit:
        raise too_large(path, f"{path.stat().st_size:,} bytes, more than the {limit:,} a text file may have")
    chunks: list[bytes] = []
    total = lines = 0
    try:
        with gzip.open(path, "rb") if compressed else path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                total += len(chunk)
                lines += chunk.count(b"\n")
                if total > limit:
                    raise too_large(path, f"more than {limit:,} bytes once decompressed")
                if lines > MAX_LINES:
                    raise too_large(path, f"more than {MAX_LINES:,} lines")
                chunks.append(chunk)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise DataError(f"unreadable gzip file: {exc}", path=path) from None
    return b"".join(chunks)


def check_shape(path: object, *, rows: int, columns: int, max_cells: int | None = None) -> None:
    """Refuse more than `MAX_ROWS` rows, `MAX_COLUMNS` columns or `max_cells` (`MAX_CELLS`) cells."""
    max_cells = MAX_CELLS if max_cells is None else max_cells
    if columns > MAX_COLUMNS:
        raise too_large(path, f"{columns:,} columns, more than the {MAX_COLUMNS:,} a file may have")
    if rows > MAX_ROWS:
        raise too_large(path, f"{rows:,} rows, more than the {MAX_ROWS:,} a file may have")
    if rows * columns > max_cells:
        raise too_large(path, f"{rows:,} rows x {columns:,} columns, more than {max_cells:,} cells")


def check_delimited(path: object, data: bytes, text: str, sep: str) -> None:
    """Columns from the header line; rows from the line count, and when that is over a limit,
    from the records themselves (quoted line breaks make more lines than records).

    Example:
        >>> check_delimited("x.csv", b"a,b\\n1,2\\n", "a,b\\n1,2\\n", ",")
    """
    end = text.find("\n")
    columns = (text if end < 0 else text[:end]).count(sep) + 1
    check_shape(path, rows=0, columns=columns)
    lines = data.count(b"\n")
    if lines <= MAX_ROWS and lines * columns <= MAX_CELLS:
        return
    limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    most = min(MAX_ROWS, MAX_CELLS // columns)
    try:
        records = sum(1 for _ in itertools.islice(csv.reader(io.StringIO(text, newline=""), delimiter=sep),
                                                  most + 2)) - 1  # the header is no record
    except csv.Error:
        return  # the readers report the broken quoting
    finally:
        csv.field_size_limit(limit)
    if records > most:
        raise too_large(path, f"more than {most:,} rows of {columns:,} columns (at most {MAX_ROWS:,} rows "
                              f"and {MAX_CELLS:,} cells)")


def check_excel(path: Path) -> None:
    """The workbook unzipped within `MAX_BYTES`, the first sheet's declared dimension within the
    row, column and cell limits (openpyxl pads every row to the declared width)."""
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        with zipfile.ZipFile(path) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return  # pandas names the corruption
    if unzipped > MAX_BYTES:
        raise too_large(path, f"{unzipped:,} bytes unzipped, more than {MAX_BYTES:,}")
    try:
        book = load_workbook(path, read_only=True)
    except Exception:  # noqa: BLE001 - pandas reads it again and names the problem
        return
    try:
        sheet = book.worksheets[0]
        rows, columns = sheet.max_row or 0, sheet.max_column or 0
        member = getattr(sheet, "_worksheet_path", None)
    finally:
        book.close()
    check_shape(path, rows=rows, columns=columns, max_cells=MAX_EXCEL_CELLS)
    if member:  # the declared dimension may be missing or lie: the cells' own references decide
        with zipfile.ZipFile(path) as archive:
            rows, columns = _used_range(archive, member)
        check_shape(path, rows=rows, columns=columns, max_cells=MAX_EXCEL_CELLS)


_CELL_REF = re.compile(rb'<c\b[^>]*?\sr="([A-Z]{1,3})([0-9]{1,7})"')


def _used_range(archive: zipfile.ZipFile, member: str) -> tuple[int, int]:
    """The last row and column that hold a cell in a sheet's XML, read in chunks."""
    rows = columns = 0
    tail = b""
    with archive.open(member) as fh:
        while chunk := fh.read(_CHUNK):
            text, tail = tail + chunk, chunk[-256:]
            refs = _CELL_REF.findall(text)
            if refs:
                rows = max(rows, max(int(r) for _, r in refs))
                letters = {c for c, _ in refs}
                columns = max(columns, max(_column_number(c) for c in letters))
    return rows, columns


def _column_number(letters: bytes) -> int:
    """``b"A"`` -> 1, ``b"XFD"`` -> 16,384."""
    number = 0
    for char in letters:
        number = number * 26 + char - 64
    return number


def check_parquet(path: Path) -> None:
    """Rows and columns from the Parquet metadata, before the table is read."""
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except Exception:  # noqa: BLE001 - pandas reads it again and names the problem
        return
    check_shape(path, rows=meta.num_rows, columns=meta.num_columns)
