"""Pandera schemas of the three tables, built from `contract`.

Every check carries, as its name, the quarantine reason the loader reports for a row that fails
it, so `io` can turn pandera's failure cases into per-row reasons without a second vocabulary:

- required columns must be present and non-missing (``missing <column>``; campaigns: the
  ``account_id`` of an influencer activation, while traditional rows may leave it and
  ``followers`` empty);
- counts and money are non-negative (``negative count in <column>``), ``followers > 0``
  (``followers <= 0``), rates lie in [0, 1] (``rate outside [0, 1]``), ``channel`` is
  ``influencer`` or ``traditional`` (``unknown channel``), likes are at most 50 x followers
  (``likes > 50x followers``);
- keys are unique (``duplicate key``): account_id + platform (influencers), post_id (posts),
  activation_id (campaigns).

Example:
    >>> import pandas as pd
    >>> df = pd.DataFrame({"account_id": ["a"], "platform": ["instagram"], "followers": [10.0]})
    >>> validate(df, "influencers").shape
    (1, 3)
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pandera.pandas as pa

from inflresearch.data.contract import Column, columns
from inflresearch.errors import DataError

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

_DTYPES = {"text": "str", "number": "float64", "rate": "float64", "datetime": "datetime64[us]",
           "bool": "bool"}  # fmt: skip


def _missing(column: str) -> str:
    return f"missing {column}"


def _negative(column: str) -> str:
    return f"negative count in {column}"


def _column_checks(col: Column) -> list[pa.Check]:
    checks: list[pa.Check] = []
    if col.name == "followers":
        checks.append(pa.Check(lambda s: s > 0, name=FOLLOWERS_POSITIVE))
    elif col.kind == "number":
        checks.append(pa.Check(lambda s: s >= 0, name=_negative(col.name)))
    if col.kind == "rate":
        checks.append(pa.Check(lambda s: (s >= 0) & (s <= 1), name=RATE_RANGE))
    if col.name == "channel":
        checks.append(pa.Check(lambda s: s.isin(CHANNELS), name=UNKNOWN_CHANNEL))
    return checks


def _wide(name: str, fn: Callable[[pd.DataFrame], pd.Series], needs: tuple[str, ...]) -> pa.Check:
    """A row-wise check over several columns that passes when one of them is absent."""

    def check(df: pd.DataFrame) -> pd.Series | bool:
        return fn(df) if all(c in df.columns for c in needs) else True

    return pa.Check(check, name=name)


def _table_checks(table: str) -> list[pa.Check]:
    likes = {"influencers": "avg_likes", "posts": "likes"}.get(table)
    checks = []
    if likes:
        checks.append(
            _wide(
                TOO_MANY_LIKES,
                lambda df: ~((df[likes] > LIKES_PER_FOLLOWER_MAX * df["followers"])
                             & (df["followers"] > 0)),
                (likes, "followers"),
            )
        )
    if table == "campaigns":
        checks.append(
            _wide(
                _missing("account_id"),
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
            checks=_column_checks(c) if rows else [],
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
    reason = check.where(check != "not_nullable", cases["column"].astype(str).map(_missing))
    reason = reason.where(
        ~check.isin(["field_uniqueness", "multiple_fields_uniqueness"]), DUPLICATE
    )
    frame = pd.DataFrame({"index": cases["index"].astype(int), "reason": reason})
    frame["rank"] = frame["reason"].map(_rank)
    frame = frame.drop_duplicates().sort_values(["index", "rank", "reason"], kind="stable")
    return frame.groupby("index", sort=True)["reason"].agg("; ".join)


def _rank(reason: str) -> int:
    """Order of reasons within a row: missing values, then sign and range problems, then keys."""
    order = ("missing ", FOLLOWERS_POSITIVE, "negative ", RATE_RANGE, TOO_MANY_LIKES,
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
