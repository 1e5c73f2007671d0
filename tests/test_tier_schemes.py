"""Tier schemes as data: every shipped scheme's edges against its source table, written out here
by hand from the sources (independently of tier_schemes.yml), and the file's checks."""

from __future__ import annotations

import pandas as pd
import pytest

from inflresearch.tiers import (
    ALL,
    SCHEMES,
    assign_tiers,
    micro_macro,
    parse_schemes,
    scheme,
    scheme_names,
)

K, M = 1_000, 1_000_000
INF = None

# (edges in order, micro range, macro range) as each source gives them
SOURCE_TABLES = {
    # the claims' own words: everyday below 5k, micro 5k-10k, macro 10k-100k, then celebrities
    "blog": ([0, 5 * K, 10 * K, 100 * K, INF], (5 * K, 10 * K), (10 * K, 100 * K)),
    # common benchmark reports, with a sub-nano tier below 1k
    "industry": ([0, 1 * K, 10 * K, 100 * K, 500 * K, M, INF], (10 * K, 100 * K), (500 * K, M)),
    # HypeAuditor March 2018: 0-1K, 1K-5K, 5K-20K, 20K-100K, 100K-1M, >1M
    "hypeauditor_2018": ([0, 1 * K, 5 * K, 20 * K, 100 * K, M, INF], (5 * K, 20 * K), (100 * K, M)),
    # Modash: 1k-5k, 5k-10k, 10k-50k, 50k-100k, 100k-500k, 500k-1M, >1M
    "modash": ([1 * K, 5 * K, 10 * K, 50 * K, 100 * K, 500 * K, M, INF], (10 * K, 50 * K),
               (500 * K, M)),
    # Later x Fohr / IMH: nano <10k, micro 10k-100k, mid 100k-500k, macro 500k-1M, mega >1M
    "later_fohr_imh": ([0, 10 * K, 100 * K, 500 * K, M, INF], (10 * K, 100 * K), (500 * K, M)),
    # Upfluence: micro <20k, mid 20k-400k, macro >400k
    "upfluence": ([0, 20 * K, 400 * K, INF], (0, 20 * K), (400 * K, INF)),
}


@pytest.mark.parametrize("name", sorted(SOURCE_TABLES))
def test_each_scheme_has_its_sources_edges(name: str) -> None:
    edges, micro, macro = SOURCE_TABLES[name]
    s = scheme(name)
    ranges = list(s.tiers.values())
    assert [low for low, _ in ranges] == edges[:-1]
    assert [high for _, high in ranges] == edges[1:]
    assert (s.micro, s.macro) == (micro, macro)
    assert micro_macro(name) == (micro, macro)
    assert s.source and (s.year is None or 2000 < s.year < 2100)


def test_every_shipped_scheme_is_checked_against_a_source_table() -> None:
    assert set(SCHEMES) == set(SOURCE_TABLES)


def test_all_selects_every_scheme_and_names_are_case_insensitive() -> None:
    assert scheme_names(ALL) == tuple(SCHEMES)
    assert scheme_names(" Modash ") == ("modash",)
    with pytest.raises(ValueError, match="unknown tier scheme 'hype'.*'all'"):
        scheme("hype")


def test_assignment_follows_the_scheme() -> None:
    f = pd.Series([500, 4_000, 15_000, 250_000, 2e6])
    assert assign_tiers(f, "hypeauditor_2018").tolist() == [
        "instagram_user", "rookie", "up_and_coming", "maven", "celebrity"]
    assert assign_tiers(f, "modash").isna().tolist() == [True, False, False, False, False]


def _doc(**scheme_fields):
    base = {"title": "X", "source": "s", "year": 2020, "micro": "a", "macro": "b",
            "tiers": {"a": [0, 10], "b": [10, None]}}
    return {"schemes": {"x": base | scheme_fields}}


@pytest.mark.parametrize(("fields", "message"), [
    ({"source": ""}, "missing source"),
    ({"tiers": {"a": [0, 10], "b": [5, None]}}, "tier 'b': overlaps"),
    ({"tiers": {"a": [10, 5], "b": [10, None]}}, "tier 'a': need 0 <= low < high"),
    ({"tiers": {"a": [0, "10k"], "b": [10, None]}}, "must be a number, got '10k'"),
    ({"macro": "c"}, "macro tier 'c' is not one of its tiers"),
    ({"micro": "b", "macro": "a"}, "micro tier must lie below its macro tier"),
    ({"year": "2018"}, "year must be a whole number"),
])
def test_a_bad_scheme_is_one_error_naming_it(fields, message) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        parse_schemes(_doc(**fields))
    assert "scheme 'x'" in str(caught.value)
