"""Pandera schemas of the three tables, built from `contract`.

Every check carries, as its name, the quarantine reason the loader reports for a row that fails
it, so `io` can turn pandera's failure cases into per-row reasons without a second vocabulary:

- required columns must be present and non-missing (``missing <column>``; campaigns: the
  ``account_id`` of an influencer activation, while traditional rows may leave it and
  ``followers`` empty);
- counts and money are non-negative (``negative count in <column>``) and finite and plausible
  (``implausible <column> (> 1e+12)``; followers at most 1e10), ``followers > 0``
  (``followers <= 0``), rates lie in [0, 1] (``rate outside [0, 1]``), ``channel`` is
  ``influencer`` or ``traditional`` (``unknown channel``), likes are at most 50 x followers
  (``likes > 50x followers``);
- keys are unique: account_id + platform (influencers), post_id (posts), activation_id
  (campaigns); the loaders and `aggregate` quarantine a repeat as ``duplicate post_id (first
  seen in 'FILE', row N)`` (`duplicate_reason`), `validate` reports ``duplicate key``.

The value rules are `RowRule`s (`row_rules`), written so that one definition runs on pandas (here,
through pandera) and on Ibis columns (`inflresearch.data.aggregate`, on DuckDB or Spark).

Example:
    >>> import pandas as pd
    >>> df = pd.DataFrame({"account_id": ["a"], "platform": ["instagram"], "followers": [10.0]})
    >>> validate(df, "influencers").shape
    (1, 3)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pandera.pandas as pa

from inflresearch.data.contract import Column, columns
from inflresearch.errors import DataError, quote

KEYS: dict[str, list[str]] = {
    "influencers": ["account_id", "platform"],
    "posts": ["post_id"],
    "campaigns": ["activation_id"],
}
CHANNELS = ("influencer", "traditional")
LIKES_PER_FOLLOWER_MAX = 50.0
DUPLICATE = "duplicate key"
RATE_RANGE = "rate outside [0, 1]"
FOLLOWERS_POSITIVE = "followers <= 0"
TOO_MANY_LIKES = f"likes > {LIKES_PER_FOLLOWER_MAX:g}x followers"
UNKNOWN_CHANNEL = "unknown channel"
# Magnitudes no real row reaches (and below which sums of millions of rows stay finite): more
# followers than people on Earth; a count or an amount of money above a trillion (the most viewed
# video has ~1.6e10 views; no campaign costs or earns 1e12 USD). Infinity is above both.
MAX_FOLLOWERS = 1e10
MAX_AMOUNT = 1e12

_DTYPES = {"text": "str", "number": "float64", "rate": "float64", "datetime": "datetime64[us]",
           "bool": "bool"}  # fmt: skip


def _negative(column: str) -> str:
    return f"negative count in {column}"


def implausible_reason(column: str) -> str:
    """The quarantine reason of a row whose `column` is beyond any real value (or infinite).

    Example:
        >>> implausible_reason("followers"), implausible_reason("revenue")
        ('implausible followers (> 1e+10)', 'implausible revenue (> 1e+12)')
    """
    return f"implausible {column} (> {MAX_FOLLOWERS if column == 'followers' else MAX_AMOUNT:.0e})"


def missing_reason(column: str) -> str:
    """The quarantine reason of a row whose required `column` is empty.

    Example:
        >>> missing_reason("likes")
        'missing likes'
    """
    return f"missing {column}"


def duplicate_reason(key: str, first_file: str, first_row: int | None = None) -> str:
    """The quarantine reason of a row whose key was seen before (the first copy is kept).

    Example:
        >>> duplicate_reason("post_id", "a.csv", 12)
        "duplicate post_id (first seen in 'a.csv', row 12)"
    """
    where = quote(first_file) + ("" if first_row is None else f", row {int(first_row)}")
    return f"duplicate {key} (first seen in {where})"


@dataclass(frozen=True)
class RowRule:
    """One contract rule for a row: `passes(*columns)` is true where the row is fine.

    `passes` uses only comparison and boolean operators (and ``isin``), so the same rule runs
    on pandas Series (the loaders, through pandera) and on Ibis columns (the aggregation step on
    DuckDB or Spark). A missing value passes: "missing <column>" is its own rule.
    """

    reason: str
    columns: tuple[str, ...]
    passes: Callable[..., Any]


def _likes_bounded(likes: Any, followers: Any) -> Any:
    return ~((likes > LIKES_PER_FOLLOWER_MAX * followers) & (followers > 0))


def row_rules(table: str) -> list[RowRule]:
    """The value rules of `table` that the loaders and `aggregate` apply to every row.

    Example:
        >>> [r.reason for r in row_rules("posts")][:3]
        ['negative count in likes', 'implausible likes (> 1e+12)', 'negative count in comments']
    """
    rules: list[RowRule] = []
    for col in columns(table):
        if col.name == "followers":
            rules.append(RowRule(FOLLOWERS_POSITIVE, ("followers",), lambda s: s > 0))
            rules.append(RowRule(implausible_reason("followers"), ("followers",), lambda s: s <= MAX_FOLLOWERS))
        elif col.kind == "number":
            rules.append(RowRule(_negative(col.name), (col.name,), lambda s: s >= 0))
            rules.append(RowRule(implausible_reason(col.name), (col.name,), lambda s: s <= MAX_AMOUNT))
        if col.kind == "rate":
            rules.append(RowRule(RATE_RANGE, (col.name,), lambda s: (s >= 0) & (s <= 1)))
        if col.name == "channel":
            rules.append(RowRule(UNKNOWN_CHANNEL, ("channel",), lambda s: s.isin(CHANNELS)))
    likes = {"influencers": "avg_likes", "posts": "likes"}.get(table)
    if likes:
        rules.append(RowRule(TOO_MANY_LIKES, (likes, "followers"), _likes_bounded))
    return rules


def _column_checks(col: Column, table: str) -> list[pa.Check]:
    return [
        pa.Check(rule.passes, name=rule.reason)
        for rule in row_rules(table)
        if rule.columns == (col.name,)
    ]


def _wide(name: str, fn: Callable[[pd.DataFrame], pd.Series], needs: tuple[str, ...]) -> pa.Check:
    """A row-wise check over several columns that passes when one of them is absent."""

    def check(df: pd.DataFrame) -> pd.Series | bool:
        return fn(df) if all(c in df.columns for c in needs) else True

    return pa.Check(check, name=name)


def _on_frame(rule: RowRule) -> Callable[[pd.DataFrame], pd.Series]:
    """`rule` as a function of the whole frame (for a check over several columns)."""

    def passes(df: pd.DataFrame) -> pd.Series:
        return rule.passes(*(df[c] for c in rule.columns))

    return passes


def _table_checks(table: str) -> list[pa.Check]:
    checks = [
        _wide(rule.reason, _on_frame(rule), rule.columns)
        for rule in row_rules(table)
        if len(rule.columns) > 1
    ]
    if table == "campaigns":
        checks.append(
            _wide(
                missing_reason("account_id"),
                lambda df: ~((df["channel"] == "influencer") & df["account_id"].isna()),
                ("channel", "account_id"),
            )
        )
    return checks


def schema_for(table: str, *, rows: bool = True, keys: bool = True) -> pa.DataFrameSchema:
    """The pandera schema of `table`: row checks (``rows``) and/or unique keys (``keys``).

    Extra columns are allowed (``strict=False``); optional contract columns may be absent.

    Example:
        >>> sorted(schema_for("posts").columns)[:3]
        ['account_id', 'caption', 'comments']
    """
    specs = columns(table)
    cols = {
        c.name: pa.Column(
            _DTYPES[c.kind],
            checks=_column_checks(c, table) if rows else [],
            nullable=not (rows and c.required),
            required=c.required or (table == "campaigns" and c.name == "activation_id"),
            name=c.name,
        )
        for c in specs
    }
    return pa.DataFrameSchema(
        cols,
        checks=_table_checks(table) if rows else [],
        unique=KEYS[table] if keys else None,
        report_duplicates="exclude_first",
        strict=False,
        name=table,
    )


def failing_rows(df: pd.DataFrame, table: str, *, rows: bool = True, keys: bool = False) -> pd.Series:
    """Reasons per failing row of `df` (index -> "reason; reason"), from pandera's lazy validation.

    A dtype failure is not a row problem: it raises `DataError`.

    Example:
        >>> df = pd.DataFrame({"account_id": ["a", "b"], "platform": ["x", "x"],
        ...                    "followers": [10.0, -1.0]})
        >>> failing_rows(df, "influencers").to_dict()
        {1: 'followers <= 0'}
    """
    try:
        schema_for(table, rows=rows, keys=keys).validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return pd.Series(dtype="str")
    structural = cases[cases["index"].isna()]
    if len(structural):
        first = structural.iloc[0]
        if first["check"] == "column_in_dataframe":
            raise DataError(
                f"required column of the {table} contract is missing",
                column=str(first["failure_case"]),
            )
        raise DataError(
            f"wrong type for the {table} contract: {first['failure_case']}, "
            f"expected {first['check']}",
            column=str(first["column"]),
        )
    check = cases["check"].astype(str)
    reason = check.where(check != "not_nullable", cases["column"].astype(str).map(missing_reason))
    reason = reason.where(
        ~check.isin(["field_uniqueness", "multiple_fields_uniqueness"]), DUPLICATE
    )
    frame = pd.DataFrame({"index": cases["index"].astype(int), "reason": reason})
    frame["rank"] = frame["reason"].map(reason_rank)
    frame = frame.drop_duplicates().sort_values(["index", "rank", "reason"], kind="stable")
    return frame.groupby("index", sort=True)["reason"].agg("; ".join)


def reason_rank(reason: str) -> int:
    """Order of reasons within a row: missing values, then sign and range problems, then keys."""
    order = ("missing ", FOLLOWERS_POSITIVE, "negative ", "implausible ", RATE_RANGE, TOO_MANY_LIKES,
             UNKNOWN_CHANNEL, DUPLICATE)  # fmt: skip
    return next((i for i, p in enumerate(order) if reason.startswith(p)), len(order))


def check_structure(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Required columns present, contract dtypes, unique keys; `DataError` otherwise.

    The row checks are left out: use it on tables whose rows were already checked (the loader
    runs it on what it returns, after deriving columns).

    Example:
        >>> check_structure(pd.DataFrame({"account_id": ["a"], "platform": ["x"],
        ...                               "followers": [-1.0]}), "influencers").shape
        (1, 3)
    """
    dupes = failing_rows(df, table, rows=False, keys=True)
    if len(dupes):
        key = " + ".join(KEYS[table])
        raise DataError(f"{len(dupes)} duplicate key(s) ({key})",
                        values=[f"row {i}" for i in dupes.index[:3]])
    return df


def validate(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Check `df` against the full contract of `table`; a `DataError` names the first problems.

    These are the checks a raw export's rows must pass, so a loaded influencers table whose
    *derived* engagement_rate exceeds 1 (possible on TikTok) fails here; use `check_structure`
    on loader output.

    Example:
        >>> validate(pd.DataFrame({"account_id": ["a"], "platform": ["x"], "followers": [0.0]}),
        ...          "influencers")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        inflresearch.errors.DataError: 1 row(s) break the influencers contract: 1 followers <= 0 ...
    """
    bad = failing_rows(df, table, rows=True, keys=True)
    if len(bad):
        counts = bad.str.split("; ").explode().value_counts()
        what = ", ".join(f"{n:,} {reason}" for reason, n in counts.items())
        raise DataError(
            f"{len(bad)} row(s) break the {table} contract: {what}",
            values=[f"row {i}" for i in bad.index[:3]],
        )
    return df
