"""Parse human-written counts and rates (``1.2M``, ``45.3k``, ``3,400``, ``12 345``, ``2.3%``).

The one rule (applied to every value, vectorised over a Series):

1. Surrounding white space is ignored; a leading ``+``/``-`` (also the Unicode minus) is a sign;
   a leading ``$`` or a trailing ``USD`` is allowed (the contract's money unit) and ignored.
2. Missing (NaN, not an error): an empty string, ``nan``, ``none``, ``null``, ``na``, ``n/a``
   (also ``N/A'``, and with a trailing ``%`` as in ``NaN%``), dashes (``-``, ``--``, ``–``,
   ``—``) and spreadsheet error strings (``#VALUE!``, ``#VALOR!``, ``#N/A``, ``#DIV/0!``,
   ``#REF!``, ...: a ``#`` followed by letters). `MISSING_MARKERS` is that pattern.
3. ``.`` is always the decimal point. A ``,`` followed by exactly three digits (and then no
   further digit) separates thousands: ``1,234`` is 1234 and ``1,234,567.5`` is 1234567.5. Any
   other comma is a decimal comma: ``1,5k`` is 1500 and ``2,3%`` is 0.023. Spaces (also no-break
   and thin spaces), ``'`` and ``_`` separate thousands only between groups of three digits
   (``12 345``, ``1'234,5``). Anything else (``1.234.567``, ``1,2,3``) is unparsable.
4. Counts may carry one suffix, case-insensitive: ``k``/``thousand`` (x 1e3), ``m``/``mn``/
   ``million`` (x 1e6), ``b``/``bn``/``billion`` (x 1e9). Scientific notation (``2.28E+11``) is
   accepted without a suffix. A ``%`` is not a count.
5. Rates are fractions: ``0.023`` stays 0.023 and ``2.3%`` becomes 0.023. A rate never takes a
   k/M/B suffix. A rate written as a bare percent number (``2.3`` meaning 2.3 %) is NOT rescaled:
   it is outside [0, 1] and the loader quarantines it, so write ``2.3%`` or divide by 100.
6. The result is the float nearest to the exact decimal value (``"1.2M"`` gives exactly
   ``1200000.0``, ``"2.3%"`` exactly ``0.023``). Anything else is *unparsable*: NaN in the values
   and flagged in ``Parsed.unparsable`` so the loader can quarantine the row with a reason.

Example:
    >>> parse_count("1.2M"), parse_count("45.3k"), parse_count("12 345"), parse_count("#VALOR!")
    (1200000.0, 45300.0, 12345.0, nan)
    >>> parse_rate("2.3%"), parse_rate("0.023")
    (0.023, 0.023)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, overload

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from inflresearch.errors import quote

NumberKind = Literal["count", "rate"]

_SPACES = "\u00a0\u2007\u202f\u2009"  # no-break, figure, narrow no-break and thin spaces
MISSING_MARKERS = re.compile(
    r"(?i)^(?:|(?:nan|none|null|na|n/a'?)\s*%?|-+|–|—|#¡?[a-z0-9/_.]*[a-z][a-z0-9/_.]*[!?]?)$"
)
_NUMBER = re.compile(
    r"(?i)^(?P<sign>[-+]?)\s*\$?\s*(?:"
    r"(?P<comma>\d{1,3}(?:,\d{3})+(?:\.\d*)?)"  # 1,234,567.89
    r"|(?P<space>\d{1,3}(?:[ '_]\d{3})+(?:[.,]\d+)?)"  # 12 345 / 1'234,5
    r"|(?P<plain>(?:\d+(?:\.\d*|,\d+)?|\.\d+)(?:e[-+]?\d+)?)"  # 1234.5 / 1,5 / .5 / 2.28e+11
    r")\s*(?P<suffix>thousand|million|billion|bn|mn|k|m|b)?\s*(?P<pct>%)?\s*(?:usd)?$"
)
_SCALE = {
    "k": 3, "thousand": 3,
    "m": 6, "mn": 6, "million": 6,
    "b": 9, "bn": 9, "billion": 9,
}  # fmt: skip
_SUFFIXES = list(_SCALE)


@dataclass(frozen=True)
class Parsed:
    """Result of `parse_numbers`: float values (NaN when missing or unparsable) and a flag."""

    values: pd.Series
    unparsable: pd.Series

    def examples(self, raw: pd.Series, k: int = 3) -> list[object]:
        """Up to `k` distinct raw values that could not be parsed (for error messages)."""
        return list(pd.unique(raw[self.unparsable.to_numpy()].astype(str)))[:k]


def _field(parts: pa.StructArray, name: str) -> pa.Array:
    return pc.struct_field(parts, name)


def _parse_strings(text: pd.Series, kind: NumberKind) -> tuple[np.ndarray, np.ndarray]:
    """Parse distinct strings; returns (values, unparsable mask). RE2 via pyarrow, no row loop."""
    arr = pa.array(text.to_numpy(dtype=object), type=pa.string())
    arr = pc.replace_substring_regex(arr, f"[{_SPACES}]", " ")
    arr = pc.utf8_trim_whitespace(pc.replace_substring(arr, "\u2212", "-"))
    missing = pc.match_substring_regex(arr, MISSING_MARKERS.pattern).to_numpy(zero_copy_only=False)
    parts = pc.extract_regex(arr, _NUMBER.pattern)
    matched = parts.is_valid().to_numpy(zero_copy_only=False)
    parts = parts.fill_null({g: "" for g in _NUMBER.groupindex})
    sign, plain = _field(parts, "sign"), _field(parts, "plain")
    digits = pc.binary_join_element_wise(
        pc.replace_substring(_field(parts, "comma"), ",", ""),
        pc.replace_substring(pc.replace_substring_regex(_field(parts, "space"), "[ '_]", ""), ",", "."),
        pc.replace_substring(plain, ",", "."),
        "",
    )
    suffix = pc.utf8_lower(_field(parts, "suffix"))
    position = pc.index_in(suffix, value_set=pa.array(_SUFFIXES))
    scale = pc.take(pa.array(list(_SCALE.values())), pc.fill_null(position, 0))
    scale = pc.if_else(position.is_valid(), scale, 0)
    has_suffix = pc.not_equal(suffix, "").to_numpy(zero_copy_only=False)
    pct = pc.not_equal(_field(parts, "pct"), "")
    exponent = pc.cast(pc.subtract(scale, pc.multiply(pc.cast(pct, pa.int64()), 2)), pa.string())
    has_exp = pc.match_substring(plain, "e", ignore_case=True)
    exponent = pc.if_else(has_exp, "", pc.binary_join_element_wise("e", exponent, ""))
    canonical = pc.binary_join_element_wise(sign, digits, exponent, "")
    pct, has_exp = pct.to_numpy(zero_copy_only=False), has_exp.to_numpy(zero_copy_only=False)
    ok = matched & ~missing & ~(has_exp & (has_suffix | pct))
    ok &= ~pct if kind == "count" else ~has_suffix
    values = np.full(len(arr), np.nan)
    if ok.any():
        values[ok] = pc.cast(canonical.filter(pa.array(ok)), pa.float64()).to_numpy()
    bad = ~missing & ~ok
    bad |= ok & ~np.isfinite(values)
    values[bad] = np.nan
    return values, bad


def parse_numbers(values: pd.Series, kind: NumberKind = "count") -> Parsed:
    """Parse a Series of counts (``kind="count"``) or rates (``kind="rate"``) by the module rule.

    Numeric input is taken as is (non-finite values are unparsable); strings are parsed once per
    distinct value, so 10^6 rows with repeats cost little.

    Example:
        >>> p = parse_numbers(pd.Series(["1.2M", "3,400", "n/a", "lots"]))
        >>> p.values.tolist(), p.unparsable.tolist()
        ([1200000.0, 3400.0, nan, nan], [False, False, False, True])
    """
    if kind not in ("count", "rate"):
        raise ValueError(f"kind must be 'count' or 'rate', got {quote(kind)}")
    series = pd.Series(values)
    index = series.index
    if pd.api.types.is_bool_dtype(series.dtype):
        series = series.astype("object")
    if pd.api.types.is_numeric_dtype(series.dtype):
        out = series.to_numpy(dtype=float, na_value=np.nan)
        bad = np.isinf(out)
        out = np.where(bad, np.nan, out)
        return Parsed(pd.Series(out, index=index), pd.Series(bad, index=index))
    if series.dtype == object:
        nested = series.map(lambda v: isinstance(v, list | dict | set), na_action="ignore")
        if nested.fillna(False).astype(bool).any():
            series = series.where(~nested.fillna(False).astype(bool), _UNHASHABLE)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    uniq = pd.Series(uniques, dtype="object")
    vals = np.full(len(uniq), np.nan)
    bad = np.zeros(len(uniq), dtype=bool)
    if isinstance(series.dtype, pd.StringDtype):
        is_text = np.ones(len(uniq), dtype=bool)
    else:  # object columns (Excel, JSON) mix numbers and strings
        is_text = uniq.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
        nums = pd.to_numeric(uniq[~is_text].map(_as_float), errors="coerce").to_numpy(float)
        vals[~is_text] = np.where(np.isfinite(nums), nums, np.nan)
        bad[~is_text] = ~np.isfinite(nums) & ~np.isnan(nums)
    if is_text.any():
        vals[is_text], bad[is_text] = _parse_strings(uniq[is_text].reset_index(drop=True), kind)
    known = codes >= 0
    taken = np.where(known, codes, 0)
    out = np.full(len(codes), np.nan)
    flag = np.zeros(len(codes), dtype=bool)
    out[known] = vals[taken[known]]
    flag[known] = bad[taken[known]]
    return Parsed(pd.Series(out, index=index), pd.Series(flag, index=index))


@overload
def parse_count(value: pd.Series) -> pd.Series: ...
@overload
def parse_count(value: object) -> float: ...
def parse_count(value: object) -> float | pd.Series:
    """A count from one value (``ValueError`` if unparsable) or a Series (NaN if unparsable).

    Example:
        >>> parse_count("483.1M"), parse_count("1.2b"), parse_count("3,400")
        (483100000.0, 1200000000.0, 3400.0)
    """
    return _parse_one(value, "count")


@overload
def parse_rate(value: pd.Series) -> pd.Series: ...
@overload
def parse_rate(value: object) -> float: ...
def parse_rate(value: object) -> float | pd.Series:
    """A rate (fraction) from one value or a Series: ``"2.3%"`` and ``"0.023"`` give 0.023.

    Example:
        >>> parse_rate("16.60%")
        0.166
    """
    return _parse_one(value, "rate")


_INT_LIMIT = 2**64  # no count or amount of money is this large: a whole number beyond is a mistake


def _as_float(value: object) -> float:
    """A non-string cell of an object column as float; bools, dates, lists, mappings and whole
    numbers of 2**64 or more give inf (unparsable)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        return float("inf")  # flagged unparsable by the caller
    if isinstance(value, int) and abs(value) >= _INT_LIMIT:
        return float("inf")
    return float(value)


class _Unhashable:
    """Stands for a list or mapping cell (JSON), which cannot be factorised: unparsable."""


_UNHASHABLE = _Unhashable()


def _parse_one(value: object, kind: NumberKind) -> float | pd.Series:
    if isinstance(value, pd.Series):
        return parse_numbers(value, kind).values
    parsed = parse_numbers(pd.Series([value], dtype="object"), kind)
    if bool(parsed.unparsable.iloc[0]):
        raise ValueError(f"unparsable {kind}: {quote(value)}")
    return float(parsed.values.iloc[0])
