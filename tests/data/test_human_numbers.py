"""The human-number parser: the documented rule, checked by examples and by hypothesis properties.

Every property compares with an exact reference (`decimal.Decimal`): the parser must return the
float nearest to the decimal value the string denotes, not something within a tolerance.
"""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inflresearch.data.human_numbers import parse_count, parse_numbers, parse_rate

SUFFIXES = {"k": 3, "K": 3, "m": 6, "M": 6, "b": 9, "B": 9, "bn": 9, "mn": 6, "thousand": 3,
            "million": 6, "billion": 9}  # fmt: skip
SEPARATORS = [",", " ", "\u00a0", "\u202f", "'", "_"]

# mantissas as exact decimals with up to 3 decimals, like the exports write them (483.1, 0.89)
mantissa = st.decimals(min_value=0, max_value=999_999, places=3, allow_nan=False)


def grouped(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.2M", 1_200_000.0), ("45.3k", 45_300.0), ("3,400", 3_400.0), ("12 345", 12_345.0),
        ("483.1M", 483_100_000.0), ("1.2B", 1.2e9), ("1.2b", 1.2e9), ("0.023", 0.023),
        ("29.0b", 29e9), ("0.89k", 890.0), ("1,234,567.5", 1_234_567.5), ("1'234,5", 1234.5),
        ("1,5k", 1500.0), ("2.28E+11", 2.28e11), ("$1,200", 1200.0), ("1200 USD", 1200.0),
        ("-5", -5.0), ("\u22125", -5.0), (".5", 0.5), ("5.", 5.0), (" 7 ", 7.0),
        ("1.2 M", 1.2e6), ("3 thousand", 3000.0), ("+4", 4.0), ("1.5bn", 1.5e9),
        ("12\u00a0345", 12345.0),
    ],
)  # fmt: skip
def test_documented_count_examples(text: str, expected: float) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "nan", "NaN", "None", "null", "n/a", "N/A", "N/A'", "NA", "-", "--", "—", "#VALOR!",
     "#VALUE!", "#N/A", "#DIV/0!", "#REF!", "#NAME?", "#¡VALOR!", "NaN%", "  "],
)  # fmt: skip
def test_missing_markers_are_missing_not_errors(text: str) -> None:
    parsed = parse_numbers(pd.Series([text]))
    assert math.isnan(parsed.values.iloc[0])
    assert not parsed.unparsable.iloc[0]
    assert math.isnan(parse_count(text))


@pytest.mark.parametrize(
    "text",
    ["lots", "1.234.567", "1,", "1,2,3", "inf", "1e400", "#5", "2e3k", "1.2kk", "12 34",
     "€100", "1.2M%", "0x10", "1_2"],
)  # fmt: skip
def test_unparsable_counts_are_flagged(text: str) -> None:
    parsed = parse_numbers(pd.Series(["1", text]))
    assert parsed.unparsable.tolist() == [False, True]
    assert math.isnan(parsed.values.iloc[1])
    with pytest.raises(ValueError, match="unparsable count"):
        parse_count(text)


def test_rates_take_percent_but_no_suffix_and_counts_no_percent() -> None:
    assert parse_rate("2.3%") == 0.023
    assert parse_rate("16.60%") == 0.166
    assert parse_rate("0.023") == 0.023
    assert parse_rate("2,3%") == 0.023
    assert parse_rate("2.3") == 2.3  # not rescaled: the loader quarantines it as out of range
    with pytest.raises(ValueError):
        parse_rate("1.2k")
    with pytest.raises(ValueError):
        parse_count("2.3%")


def test_the_comma_rule_resolves_ambiguity_one_way() -> None:
    """Exactly three digits after a comma always mean thousands (documented ambiguity)."""
    assert parse_count("1,234") == 1234.0
    assert parse_count("1,23") == 1.23
    assert parse_count("1,2345") == 1.2345
    assert parse_count("1 234,567") == 1234.567  # space-grouped: the comma is decimal


@settings(max_examples=300, deadline=None)
@given(n=st.integers(min_value=0, max_value=10**15), sep=st.sampled_from(SEPARATORS))
def test_grouped_integers_round_trip(n: int, sep: str) -> None:
    assert parse_count(grouped(n, sep)) == float(n)


@settings(max_examples=300, deadline=None)
@given(m=mantissa, suffix=st.sampled_from(sorted(SUFFIXES)), space=st.sampled_from(["", " "]))
def test_suffixed_counts_equal_the_exact_decimal(m: Decimal, suffix: str, space: str) -> None:
    text = f"{m}{space}{suffix}"
    assert parse_count(text) == float(m.scaleb(SUFFIXES[suffix]))


@settings(max_examples=300, deadline=None)
@given(m=mantissa, sep=st.sampled_from([",", " "]))
def test_grouped_decimals_round_trip(m: Decimal, sep: str) -> None:
    whole, _, frac = f"{m:f}".partition(".")
    text = grouped(int(whole), sep) + ("." + frac if frac else "")
    assert parse_count(text) == float(m)


@settings(max_examples=300, deadline=None)
@given(m=st.decimals(min_value=0, max_value=100, places=4, allow_nan=False))
def test_percent_rates_are_fractions(m: Decimal) -> None:
    assert parse_rate(f"{m}%") == float(m.scaleb(-2))
    assert parse_rate(f"{m.scaleb(-2)}") == float(m.scaleb(-2))


@settings(max_examples=300, deadline=None)
@given(x=st.floats(min_value=0, max_value=1e300, allow_nan=False, allow_infinity=False))
def test_python_float_repr_round_trips(x: float) -> None:
    assert parse_count(repr(x)) == x


@settings(max_examples=200, deadline=None)
@given(m=mantissa, suffix=st.sampled_from(["", "k", "M"]), pad=st.sampled_from(["", " ", "\t"]))
def test_sign_and_padding(m: Decimal, suffix: str, pad: str) -> None:
    value = parse_count(f"{m}{suffix}")
    assert parse_count(f"{pad}-{m}{suffix}{pad}") == -value


@settings(max_examples=100, deadline=None)
@given(
    items=st.lists(
        st.one_of(
            mantissa.map(lambda d: f"{d}k"),
            st.integers(0, 10**9).map(lambda n: f"{n:,}"),
            st.sampled_from(["", "n/a", "#VALOR!", "junk", "1.2.3"]),
            st.none(),
        ),
        max_size=40,
    )
)
def test_vectorised_equals_scalar(items: list[str | None]) -> None:
    """The Series parser (unique values, pyarrow kernels) agrees with one-at-a-time parsing."""
    parsed = parse_numbers(pd.Series(items, dtype="object"))
    for item, value, bad in zip(items, parsed.values, parsed.unparsable, strict=True):
        if item is None:
            assert math.isnan(value) and not bad
            continue
        try:
            expected = parse_count(item)
        except ValueError:
            assert bad and math.isnan(value)
        else:
            assert not bad
            assert value == expected or (math.isnan(value) and math.isnan(expected))


def test_string_dtype_object_dtype_and_index_are_respected() -> None:
    s = pd.Series(["1k", None, "2k", "1k"], index=[10, 11, 12, 13], dtype="str")
    parsed = parse_numbers(s)
    assert parsed.values.index.tolist() == [10, 11, 12, 13]
    np.testing.assert_array_equal(parsed.values.to_numpy(), [1000.0, np.nan, 2000.0, 1000.0])
    mixed = parse_numbers(pd.Series([5, 2.5, "3k", None, True], dtype="object"))
    assert mixed.values.tolist()[:3] == [5.0, 2.5, 3000.0]


def test_numeric_input_passes_through_and_infinities_are_flagged() -> None:
    parsed = parse_numbers(pd.Series([1.0, np.nan, np.inf, 3]))
    assert parsed.unparsable.tolist() == [False, False, True, False]
    assert parsed.values.iloc[0] == 1.0 and parsed.values.iloc[3] == 3.0


def test_examples_helper_and_bad_kind() -> None:
    raw = pd.Series(["1", "x", "y", "x", "z", "w"])
    assert parse_numbers(raw).examples(raw) == ["x", "y", "z"]
    with pytest.raises(ValueError, match="kind"):
        parse_numbers(raw, "percent")  # type: ignore[arg-type]
