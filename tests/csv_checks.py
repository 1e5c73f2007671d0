"""Checks shared by the tests of written CSVs: no text cell would run as a spreadsheet formula."""

from __future__ import annotations

import base64
import csv
import io
import re
from pathlib import Path

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d[\d,]*\.?\d*|\.\d+)([eE][+-]?\d+)?%?")
DOWNLOAD = re.compile(r"data:text/csv;base64,([A-Za-z0-9+/=]*)")


def formula_cells(text: str) -> list[str]:
    """The cells (headers included) of CSV `text` that start like a formula and are no number."""
    limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    finally:
        csv.field_size_limit(limit)
    return [cell for row in rows for cell in row if cell.startswith(TRIGGERS) and not NUMBER.fullmatch(cell)]


def written_csvs(folder: Path) -> dict[str, str]:
    """Every CSV under `folder`: the files, and the downloads embedded in its HTML pages."""
    found = {str(p.relative_to(folder)): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.csv"))}
    for page in sorted(folder.rglob("*.html")):
        for i, payload in enumerate(DOWNLOAD.findall(page.read_text(encoding="utf-8"))):
            found[f"{page.relative_to(folder)} download {i + 1}"] = base64.b64decode(payload).decode()
    return found


def assert_no_formula_cells(folder: Path) -> int:
    """No CSV written under `folder` holds a formula-like text cell; returns how many were checked."""
    csvs = written_csvs(folder)
    bad = {name: cells[:3] for name, text in csvs.items() if (cells := formula_cells(text))}
    assert not bad, f"formula-like cells written: {bad}"
    return len(csvs)
