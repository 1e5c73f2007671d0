"""Coerce raw text cells to the contract's types, and normalise handles, platforms and ids.

Counts and rates go through `inflresearch.data.human_numbers`; ``posted_at`` from ISO 8601 text
or unix seconds (milliseconds when >= 1e11) to timezone-naive UTC; ``sponsored`` from
true/false/yes/no/1/0 (missing: False); text is stripped with missing markers as NaN; a leading
``@`` is dropped from handles; ``platform`` and ``channel`` are lower-cased; ``hashtags`` become
space-separated words without ``#``. Each coercer returns the values and, where a value can fail
to parse, a mask of the failures (the loader turns them into quarantine reasons).

Example:
    >>> frame, problems = coerce(pd.DataFrame({"likes": ["1.2k", "x"]}), "posts")
    >>> frame["likes"].tolist(), [(m.tolist(), why) for m, why in problems]
    ([1200.0, nan], [([False, True], 'unparsable number in likes')])
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from inflresearch.data.contract import column_names, columns
from inflresearch.data.human_numbers import MISSING_MARKERS, parse_numbers
from inflresearch.data.reading import TEXT

_TRUE = ("true", "t", "yes", "y", "1", "1.0")
_FALSE = ("false", "f", "no", "n", "0", "0.0")
_DECORATION = r"[\s=\-_*~.]*"


def _arrow(values: pd.Series) -> pa.Array:
    """The values as a pyarrow string array (missing as null), for RE2 string kernels."""
    if not (isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"):
        values = values.astype(TEXT)
    return pa.array(values.array)


def _series(values: pa.Array | pa.ChunkedArray, index: pd.Index) -> pd.Series:
    return pd.Series(pd.array(values, dtype=TEXT), index=index)


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


def text_values(values: pd.Series) -> pd.Series:
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


def coerce(body: pd.DataFrame, table: str) -> tuple[pd.DataFrame, list[tuple[pd.Series, str]]]:
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
            out[name] = text_values(raw)
        else:
            out[name] = raw
    return pd.DataFrame(out, index=body.index), problems


def normalise(frame: pd.DataFrame, table: str, platform: str | None) -> pd.DataFrame:
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


def derive_engagement(frame: pd.DataFrame) -> pd.DataFrame:
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


def ordered(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    contract = [c for c in column_names(table) if c in frame]
    return frame[contract + [c for c in frame.columns if c not in contract]]



def empty_rows(body: pd.DataFrame) -> np.ndarray:
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
