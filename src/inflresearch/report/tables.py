"""Tables for people: pandas DataFrames rendered as readable, static, page-wide HTML.

Human column labels, thousands separators, rates as percentages, 2-3 significant digits, p-values
as "< 0.001", no index column, missing values as "—", dicts and lists as words, turning points
outside the data written in words, empty tables replaced by one sentence saying why, wide tables
transposed (one or two rows) or put in a scrollable container, and an embedded CSV download of
the unformatted table. Rendering uses pandas' Styler (static HTML, no script, no inline styles:
the report's stylesheet styles the ``ir-table`` class).

Example:
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"p_value": [3.85e-299], "followers": [4924808.0], "engagement_rate": [0.0312]})
    >>> readable(frame).iloc[0].tolist()
    ['< 0.001', '4,924,808', '3.1%']
"""

from __future__ import annotations

import base64
import html
import math
import re
from collections.abc import Callable, Mapping
from datetime import datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from inflresearch.claims import format_p
from inflresearch.safe_csv import to_csv_text
from inflresearch.text import sig

MISSING = "—"
#: a table with more columns than this is transposed (when it has few rows) or scrolls sideways
WIDE = 8
#: longer tables show their first rows (the CSV download holds every row)
MAX_ROWS = 50
ACRONYMS = {"ci": "CI", "roi": "ROI", "roas": "ROAS", "se": "SE", "mde": "MDE", "id": "ID",
            "ols": "OLS", "hc3": "HC3", "p": "p", "n": "n", "k": "k", "url": "URL", "csv": "CSV"}
LABELS: Mapping[str, str] = {
    "ci_low": "CI low", "ci_high": "CI high", "p_value": "p-value", "p_adjusted": "p (two-sided, Holm)",
    "p_two_sided": "p (two-sided, unadjusted)", "p_one_sided": "p (one-sided, unadjusted)",
    "se": "Std. error", "n": "n", "estimate": "Estimate",
    "followers": "Followers", "engagement_rate": "Engagement rate", "roas": "ROAS", "roi": "ROI",
    "log10_followers": "log10 followers", "inside_range": "Inside observed range",
}
_P_COLUMN = re.compile(r"(^p$|^p_|_p$|p_value|pvalue|p_adjusted)")
_RATE_COLUMN = re.compile(r"(rate|share|percent|power|probability|^p_micro_wins)")
_COUNT_COLUMN = re.compile(r"(followers|^n$|^n_|count|rows|activations|campaigns|accounts|posts|"
                           r"engagements|likes|comments|views|budget|cost|revenue)")
_TURNING = re.compile(r"turning_point|^tp$")
_TURNING_BOUND = re.compile(r"(turning_point|^tp|fieller).*(low|high|lo|hi)$|^fieller")
NO_TURNING_POINT = "no turning point within the observed range"
BELOW, ABOVE = "below the observed range", "above the observed range"
_WORDS = {NO_TURNING_POINT, BELOW, ABOVE}


def label(column: Any) -> str:
    """A human column label: ``label('ci_low') == 'CI low'``, ``label('roas_ratio') == 'ROAS ratio'``."""
    name = str(column)
    if name in LABELS:
        return LABELS[name]
    words = [ACRONYMS.get(w.lower(), w) for w in re.split(r"[_\s]+", name) if w]
    text = " ".join(words)
    return text if words[:1] in (["p"], ["n"], ["k"]) else text[:1].upper() + text[1:]


def is_missing(value: Any) -> bool:
    """True for None, NaN, NaT and infinities (pandas' missing values included)."""
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return not math.isfinite(float(value))
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


TINY, HUGE = 1e-4, 1e12


def number(value: float, digits: int = 3) -> str:
    """2-3 significant digits with separators, integers in full, never scientific notation.

    Example:
        >>> number(57090.5), number(3.0), number(7.8e-49), number(-2e-7), number(2.01e30)
        ('57,100', '3', '< 0.0001', '> -0.0001', 'over 1 trillion')
    """
    value = float(value)
    if abs(value) >= HUGE:
        return "over 1 trillion" if value > 0 else "below -1 trillion"
    if 0 < abs(value) < TINY:
        return "< 0.0001" if value > 0 else "> -0.0001"
    if value.is_integer():
        return f"{int(value):,}"
    return sig(value, digits)


def text_of(value: Any) -> str:
    """Any cell as readable text: dicts as ``key: value; ...``, lists comma-separated."""
    if isinstance(value, Mapping):
        return "; ".join(f"{label(k)}: {text_of(v)}" for k, v in value.items())
    if isinstance(value, list | tuple | np.ndarray):
        return ", ".join(text_of(v) for v in value)
    if is_missing(value):
        return MISSING
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, datetime):  # pandas Timestamps included
        return value.strftime("%Y-%m-%d" if value.time() == time() else "%Y-%m-%d %H:%M")
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        return number(float(value))
    return str(value)


def _formatter(column: str, values: pd.Series) -> Callable[[Any], str]:
    name = column.lower()
    if _P_COLUMN.search(name):
        return lambda v: MISSING if is_missing(v) else format_p(float(v))
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if numeric and _RATE_COLUMN.search(name) and values.dropna().abs().le(1).all():
        return lambda v: MISSING if is_missing(v) else sig(100 * float(v), 2 + (abs(v) >= 0.1)) + "%"
    if numeric and _COUNT_COLUMN.search(name) and "per_" not in name and "per " not in name:
        return lambda v: MISSING if is_missing(v) else f"{round(float(v)):,}"
    return text_of


def _out_of_range(frame: pd.DataFrame) -> pd.DataFrame:
    """Turning points outside the row's observed follower range (or absurdly large) as words."""
    out = frame.copy()
    low = frame.get("followers_min")
    high = frame.get("followers_max")
    for column in frame.columns:
        name = str(column).lower()
        if not pd.api.types.is_numeric_dtype(frame[column]) or "log" in name:
            continue
        values = frame[column].astype(float)
        if _TURNING_BOUND.search(name) and low is not None and high is not None:
            words = np.where(values < low.astype(float), BELOW,
                             np.where(values > high.astype(float), ABOVE, ""))
            out[column] = [w or v for w, v in zip(words, values.astype(object), strict=True)]
        elif _TURNING.search(name):
            outside = values.abs() > HUGE
            if low is not None and high is not None:
                outside |= (values < low.astype(float)) | (values > high.astype(float))
            out[column] = values.astype(object).where(~outside, NO_TURNING_POINT)
    return out


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as text cells for people (same columns, no index semantics).

    Example:
        >>> readable(pd.DataFrame({"turning_point": [7.6e38], "note": [None]})).iloc[0].tolist()
        ['no turning point within the observed range', '—']
    """
    shown = _out_of_range(frame.reset_index(drop=True))
    cells = {}
    for column in shown.columns:
        fmt = _formatter(str(column), frame[column]) if column in frame else text_of
        cells[column] = [v if isinstance(v, str) and v in _WORDS else fmt(v)
                         for v in shown[column]]
    return pd.DataFrame(cells, columns=shown.columns)


def csv_link(frame: pd.DataFrame, name: str = "table") -> str:
    """An ``<a download>`` link holding the unformatted table as an embedded ``data:text/csv``
    (formula-like text neutralised, `inflresearch.safe_csv`)."""
    payload = base64.b64encode(to_csv_text(frame).encode()).decode()
    file_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "table"
    return (f'<a class="ir-download" download="{html.escape(file_name)}.csv" '
            f'href="data:text/csv;base64,{payload}">Download CSV</a>')


def empty_reason(frame: pd.DataFrame) -> str:
    """Why a table is empty: ``frame.attrs['empty_reason']`` or a default sentence."""
    reason = str(frame.attrs.get("empty_reason") or "nothing in this run's data fits this table")
    return f"No rows to show: {reason.rstrip('.')}."


def to_html(frame: pd.DataFrame, name: str | None = None, *, download: bool = True) -> str:
    """The frame as a readable HTML table (or one sentence when it is empty).

    Example:
        >>> "<td" in to_html(pd.DataFrame({"a": [1]})), to_html(pd.DataFrame({"a": []}))
        (True, '<p class="ir-empty">No rows to show: nothing in this run\\'s data fits this table.</p>')
    """
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        return f'<p class="ir-empty">{html.escape(empty_reason(frame), quote=False)}</p>'
    if not isinstance(frame.index, pd.RangeIndex):  # a labelled index is data: keep it as columns
        frame = frame.reset_index()
    shown = readable(frame.head(MAX_ROWS))
    side = frame.attrs.get("p_value_sided")  # `claims.declare_p_side`
    shown.columns = [f"p ({side})" if c == "p_value" and side else label(c) for c in shown.columns]
    transposed = shown.shape[1] > WIDE and shown.shape[0] <= 2
    if transposed:
        shown = shown.T.reset_index()
        shown.columns = ["Field", *(["Value"] if shown.shape[1] == 2 else
                                    [f"Row {i + 1}" for i in range(shown.shape[1] - 1)])]
    styler = (shown.style.hide(axis="index")
              .format(escape="html").format_index(escape="html", axis=1))
    table = styler.to_html(exclude_styles=True)
    table = re.sub(r' id="T_[^"]*"', "", table)
    link = csv_link(frame, name or str(frame.attrs.get("name") or "table")) if download else ""
    more = (f"The first {MAX_ROWS} of {len(frame):,} rows; the CSV holds all of them. "
            if len(frame) > MAX_ROWS else "")
    return (f'<div class="ir-table-wrap">{table}</div>'
            + (f'<p class="ir-csv">{more}{link}</p>' if link or more else ""))


def readable_value(value: Any) -> str:
    """A parameter value for the "Run details" section: file names, not paths; ``None`` as "—".

    Example:
        >>> readable_value("/tmp/x/influencers.csv"), readable_value(None), readable_value([5000, 10000])
        ('influencers.csv', '—', '5,000, 10,000')
        >>> readable_value(["/tmp/x/a.csv", "/tmp/x/b.csv"])  # a list of files: their names
        'a.csv, b.csv'
    """
    if isinstance(value, list | tuple) and value and all(isinstance(v, str) for v in value):
        return ", ".join(readable_value(v) for v in value)
    if isinstance(value, str) and ("/" in value or "\\" in value):
        return Path(value.replace("\\", "/")).name or value
    return text_of(value)
