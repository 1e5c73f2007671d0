"""Files beyond the documented size limits (data/README.md, "Size limits") are refused with one
`DataError` before the expensive step: gzip bombs, Excel sheets declaring or holding a cell at
XFD1048576, millions of duplicate rows, a header of millions of columns. Never MemoryError,
ArrowException or a traceback, and memory stays bounded."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from inflresearch.cli import main
from inflresearch.data import limits
from inflresearch.data.load import read_table
from inflresearch.errors import DataError


def _refused(path: Path, capsys: pytest.CaptureFixture[str], what: str) -> None:
    with pytest.raises(DataError, match=f"too large: {what}"):
        read_table(path, "influencers")
    assert main(["validate", str(path), "--table", "influencers"]) == 2
    err = capsys.readouterr().err
    assert "too large" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, err


def _peak_rss_mb(path: Path) -> float:
    """Peak memory of a fresh interpreter that runs `validate` on `path`, in MB."""
    script = ("import resource, sys; from inflresearch.cli import main; "
              f"code = main(['validate', {str(path)!r}, '--table', 'influencers']); "
              "print(code, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    code, kb = out.split()[-2:]
    assert code == "2"
    return int(kb) / 1024


def _workbook(folder: Path, name: str, dimension: str | None) -> Path:
    """A 5 KB workbook with a cell at XFD1048576, its <dimension> as given (None: removed)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["account_id", "followers"])
    sheet.append(["a", 10])
    sheet["XFD1048576"] = 1
    plain = folder / "plain.xlsx"
    book.save(plain)
    path = folder / name
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                new = b"" if dimension is None else f'<dimension ref="{dimension}"/>'.encode()
                data = re.sub(rb'<dimension ref="[^"]*"\s*/>', new, data)
            out.writestr(info, data)
    return path


@pytest.mark.parametrize("dimension", ["A1:XFD1048576", None, "A1:B2"], ids=["declared", "missing", "lying"])
def test_excel_with_a_cell_at_xfd1048576_is_refused(tmp_path: Path, capsys, dimension: str | None) -> None:
    path = _workbook(tmp_path, "far.xlsx", dimension)
    assert path.stat().st_size < 10_000
    _refused(path, capsys, "16,384 columns")


def test_a_normal_workbook_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "ok.xlsx"
    pd.DataFrame({"account_id": ["a", "b"], "followers": [10, 20]}).to_excel(path, index=False)
    assert read_table(path, "influencers").data["followers"].tolist() == [10.0, 20.0]


def test_ten_million_duplicate_rows_are_refused(tmp_path: Path, capsys) -> None:
    path = tmp_path / "dupes.csv"
    with path.open("wb") as fh:
        fh.write(b"account_id,followers\n")
        for _ in range(10):
            fh.write(b"a,1\n" * 1_000_000)
    _refused(path, capsys, "more than 5,000,000 rows")


def test_a_header_of_millions_of_columns_is_refused(tmp_path: Path, capsys) -> None:
    path = tmp_path / "wide.csv.gz"
    path.write_bytes(gzip.compress(b"a," * 2_000_000 + b"b\n1,2\n"))
    _refused(path, capsys, "2,000,001 columns")


def test_decompression_stops_at_the_byte_limit(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(limits, "MAX_BYTES", 1_000_000)
    path = tmp_path / "big.csv.gz"
    path.write_bytes(gzip.compress(b"account_id,bio\n" + b"a," + b"x" * 50_000_000 + b"\n"))
    _refused(path, capsys, "more than 1,000,000 bytes once decompressed")


def test_a_plain_file_over_the_byte_limit_is_refused_unread(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(limits, "MAX_BYTES", 1_000)
    path = tmp_path / "big.csv"
    path.write_text("account_id,followers\n" + "a,1\n" * 1_000)
    _refused(path, capsys, "4,021 bytes")


def test_rows_across_the_files_of_one_read_are_bounded(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(limits, "MAX_ROWS", 50)
    for name in ("a.csv", "b.csv"):
        (tmp_path / name).write_text("account_id,followers\n" + "".join(f"{name}{i},1\n" for i in range(30)))
    _refused(tmp_path, capsys, "60 rows in 2 files")


def test_a_large_json_file_is_refused_before_parsing(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(limits, "MAX_JSON_BYTES", 10_000)
    path = tmp_path / "big.jsonl"
    path.write_text('{"account_id": "a", "followers": 1}\n' * 1_000)
    _refused(path, capsys, "36,000 bytes")


def test_parquet_rows_come_from_its_metadata(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(limits, "MAX_ROWS", 100)
    path = tmp_path / "big.parquet"
    pd.DataFrame({"account_id": [str(i) for i in range(200)], "followers": 1.0}).to_parquet(path)
    _refused(path, capsys, "200 rows")


def test_many_quoted_line_breaks_are_not_mistaken_for_rows(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(limits, "MAX_ROWS", 100)
    path = tmp_path / "captions.csv"
    caption = '"' + "line\n" * 20 + '"'
    path.write_text("account_id,followers,bio\n" + "".join(f"a{i},1,{caption}\n" for i in range(90)))
    assert len(read_table(path, "influencers").data) == 90  # 1,891 lines, 90 records


@pytest.mark.slow
def test_a_4_mb_gzip_of_2_to_the_30_lines_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.csv.gz"
    with gzip.open(path, "wb", compresslevel=9) as fh:
        fh.write(b"account_id,followers\n")
        block = b"1,2\n" * (1 << 20)
        for _ in range(1 << 10):
            fh.write(block)
    assert path.stat().st_size < 5_000_000
    assert _peak_rss_mb(path) < 1_000  # measured: about 350 MB (it stops after 50 million lines)


@pytest.mark.slow
def test_excel_and_duplicate_rows_are_refused_in_bounded_memory(tmp_path: Path) -> None:
    dupes = tmp_path / "dupes.csv"
    with dupes.open("wb") as fh:
        fh.write(b"account_id,followers\n")
        for _ in range(10):
            fh.write(b"a,1\n" * 1_000_000)
    assert _peak_rss_mb(dupes) < 1_000  # measured: about 370 MB (5.7 GB before the limits)
    assert _peak_rss_mb(_workbook(tmp_path, "far.xlsx", None)) < 1_000  # about 150 MB (was > 4 GB)
