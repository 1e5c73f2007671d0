"""Tables for people: pandas DataFrames rendered as readable, static, page-wide HTML.

Human column labels (snake_case row names too), thousands separators (years without), rates as
percentages, 2-3 significant digits, p-values as "< 0.001", no index column, missing values as "—",
dicts and lists as words, turning points outside the data written in words, empty tables replaced
by one sentence saying why, wide tables transposed (one or two rows) or put in a scrollable
container, and an embedded CSV download named after the table, holding the same columns in plain
digits (`csv_frame`). Rendering uses pandas' Styler (static HTML, no script, no inline styles: the
report's stylesheet styles the ``ir-table`` class).

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
            "ols": "OLS", "hc3": "HC3", "hc4": "HC4", "p": "p", "n": "n", "k": "k", "url": "URL",
            "csv": "CSV", "cpm": "CPM", "cpe": "CPE", "cpc": "CPC", "cpa": "CPA", "top5": "Top-5",
            "ctr": "CTR", "nb2": "NB2",
            "ppml": "PPML", "ari": "ARI", "nmi": "NMI", "nmf": "NMF", "tfidf": "TF-IDF",
            "kish": "Kish", "holm": "Holm", "usd": "USD", "eur": "EUR"}
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
_YEAR_COLUMN = re.compile(r"(^|_)years?($|_)")
#: columns whose values name the row (snake_case names there are shown as labels)
LABEL_COLUMNS = frozenset({"item", "field", "metric", "statistic", "quantity", "measure", "check",
                           "term", "parameter", "outcome", "shape", "scenario", "group", "model"})
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
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
    if name in LABEL_COLUMNS:
        return lambda v: label(v) if isinstance(v, str) and _SNAKE.match(v) else text_of(v)
    if _YEAR_COLUMN.search(name) and pd.api.types.is_numeric_dtype(values):
        return lambda v: MISSING if is_missing(v) else str(round(float(v)))
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
    rows = _row_labels(shown)
    if rows is not None:  # an item/value table: each value formatted by its row's name
        key, value = shown.columns
        cells[value] = [_formatter(str(name), pd.Series([v]))(v) if isinstance(name, str) else
                        text_of(v) for name, v in zip(shown[key], shown[value], strict=True)]
    return pd.DataFrame(cells, columns=shown.columns)


def _row_labels(frame: pd.DataFrame) -> pd.Series | None:
    """The label column of a two-column item/value table (its rows are named quantities)."""
    if frame.shape[1] != 2 or str(frame.columns[0]).lower() not in LABEL_COLUMNS:
        return None
    return frame.iloc[:, 0]


def _plain(value: Any) -> Any:
    """A CSV cell: floats in plain digits, every digit kept, never scientific notation (below
    1e-12 in size: a bound, as on screen).

    Example:
        >>> _plain(4924808.0), _plain(3.85e-7), _plain(-5e-324)
        ('4924808', '0.000000385', '> -0.000000000001')
    """
    if not isinstance(value, float | np.floating):
        return value
    number = float(value)
    if not math.isfinite(number) or number == 0:
        return value
    if abs(number) < 1e-12:
        return "< 0.000000000001" if number > 0 else "> -0.000000000001"
    return np.format_float_positional(number, trim="-")


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as its CSV download and saved file hold it: the columns shown on screen (a
    labelled index kept as a column) under the screen's headers, p-values as on screen
    ("< 0.001"), other numbers in plain digits (every digit kept), every row.

    Example:
        >>> t = pd.DataFrame({"value": [5e-324, 1234.5]},
        ...                  index=pd.Index(["p_value", "n"], name="item"))
        >>> csv_frame(t).to_dict("list")
        {'Item': ['p-value', 'n'], 'Value': ['< 0.001', '1234.5']}
        >>> csv_frame(pd.DataFrame({"p_value": [5e-324], "year": [2019.0]})).iloc[0].tolist()
        ['< 0.001', '2019']
    """
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    frame = frame.reset_index(drop=True)
    out = pd.DataFrame(index=range(len(frame)))
    for column in frame.columns:
        name = str(column).lower()
        values = frame[column]
        if _P_COLUMN.search(name) and pd.api.types.is_numeric_dtype(values):
            out[label(column)] = [MISSING if is_missing(v) else format_p(float(v)) for v in values]
        elif _YEAR_COLUMN.search(name) and pd.api.types.is_numeric_dtype(values):
            out[label(column)] = [None if is_missing(v) else str(round(float(v))) for v in values]
        elif name in LABEL_COLUMNS:
            out[label(column)] = [label(v) if isinstance(v, str) and _SNAKE.match(v) else v
                                  for v in values]
        else:
            out[label(column)] = [_plain(v) for v in values]
    rows = _row_labels(frame)
    if rows is not None:  # an item/value table: p-values by their row's name, as on screen
        value = out.columns[1]
        out[value] = [format_p(float(raw)) if isinstance(k, str) and _P_COLUMN.search(k.lower())
                      and isinstance(raw, float | int) and not is_missing(raw) else v
                      for k, raw, v in zip(rows, frame.iloc[:, 1], out[value], strict=True)]
    return out


def table_name(frame: pd.DataFrame, name: str | None = None) -> str:
    """A file name for a table's CSV: the given name, the frame's ``attrs["name"]``, else one
    made from its first column headers (never a bare "table" for a table with columns).

    Example:
        >>> table_name(pd.DataFrame({"outcome": [1], "curvature": [2], "kind": [3]}))
        'outcome-curvature-kind'
        >>> table_name(pd.DataFrame({"a": [1]}), "elasticity")
        'elasticity'
    """
    given = name or frame.attrs.get("name")
    if not given:
        if not isinstance(frame.index, pd.RangeIndex):
            frame = frame.reset_index()
        given = "-".join(str(c) for c in list(frame.columns)[:3]) or "table"
    return re.sub(r"[^A-Za-z0-9.]+", "-", str(given)).strip("-").lower() or "table"


def csv_link(frame: pd.DataFrame, name: str | None = None) -> str:
    """An ``<a download>`` link named after the table (`table_name`) holding its `csv_frame` as an
    embedded ``data:text/csv`` (formula-like text neutralised, `inflresearch.safe_csv`)."""
    payload = base64.b64encode(to_csv_text(csv_frame(frame)).encode()).decode()
    file_name = table_name(frame, name)
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
    link = csv_link(frame, name) if download else ""
    more = (f"The first {MAX_ROWS} of {len(frame):,} rows; the CSV holds all of them. "
            if len(frame) > MAX_ROWS else "")
    csv = f'<p class="ir-csv">{more}{link}</p>' if link or more else ""
    if shown.shape[1] <= WIDE:
        return f'<div class="ir-table-wrap">{_html_table(shown)}</div>{csv}'
    # on screen the whole table scrolls sideways; on paper it is split (`print_parts`)
    parts = "".join(f'<div class="ir-table-wrap">{_html_table(part)}</div>'
                    for part in print_parts(shown))
    return (f'<div class="ir-table-wrap ir-wide">{_html_table(shown)}</div>'
            f'<div class="ir-print-split">{parts}</div>{csv}')


def _html_table(shown: pd.DataFrame) -> str:
    styler = (shown.style.hide(axis="index")
              .format(escape="html").format_index(escape="html", axis=1))
    return re.sub(r' id="T_[^"]*"', "", styler.to_html(exclude_styles=True))


#: columns per printed part of a wide table (the first, repeated, included)
PRINT_WIDTH = 6


def print_parts(shown: pd.DataFrame, width: int = PRINT_WIDTH) -> list[pd.DataFrame]:
    """A wide table as parts of at most `width` columns for paper, each repeating the first
    column (the row's name), so every column is printed and none is cut off at the margin.

    Example:
        >>> t = pd.DataFrame([range(12)], columns=[f"c{i}" for i in range(12)])
        >>> [list(p.columns) for p in print_parts(t, 5)][1]
        ['c0', 'c5', 'c6', 'c7', 'c8']
    """
    first, rest = shown.columns[:1], list(shown.columns[1:])
    step = max(1, width - 1)
    return [shown[[*first, *rest[i:i + step]]] for i in range(0, len(rest), step)]


def readable_value(value: Any) -> str:
    """A parameter value for the "Run details" section: file names, not paths; ``None`` as "—".

    Example:
        >>> readable_value("/tmp/x/influencers.csv"), readable_value(None), readable_value(0.05)
        ('influencers.csv', '—', '0.05')
        >>> readable_value(["/tmp/x/a.csv", "/tmp/x/b.csv"])  # a list of files: their names
        'a.csv, b.csv'
    """
    if isinstance(value, list | tuple) and value and all(isinstance(v, str) for v in value):
        return ", ".join(readable_value(v) for v in value)
    if isinstance(value, str) and ("/" in value or "\\" in value):
        return Path(value.replace("\\", "/")).name or value
    if isinstance(value, float) and math.isfinite(value) and not value.is_integer():
        text = number(value)  # 0.05, not 0.0500: the one format of alpha and other levels
        return text.rstrip("0").rstrip(".") if "." in text and "<" not in text else text
    return text_of(value)
