"""The one engagement-rate rule every question uses: engagements per post over followers.

Engagements per post come from the first of these columns that holds any value: ``engagements``;
``avg_likes`` + ``avg_comments`` (comments missing count as 0); ``avg_likes``; ``engagement_rate``
x ``followers``. The rate is always engagements per post / followers, so a reported
``engagement_rate`` is used only when the table has no engagement count at all. Counts come
first because they are what the elasticity models; an export's own rate is often computed over
another window or another denominator, and two reports must not disagree on the same row.

Example:
    >>> d = pd.DataFrame({"followers": [1e4], "engagements": [100.0], "engagement_rate": [0.05]})
    >>> engagement_rate(d).tolist()
    [0.01]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from inflresearch.errors import DataError


def _filled(df: pd.DataFrame, column: str) -> bool:
    return column in df.columns and bool(df[column].notna().any())


def _numbers(df: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(df[column], errors="coerce").astype(float)


def engagements_per_post(
    df: pd.DataFrame, engagements: str = "engagements", *, followers: str = "followers"
) -> tuple[pd.Series, str]:
    """Engagements per post by the rule of the module docstring, and where they came from.

    A non-default `engagements` name must exist (no derivation is tried for it).

    Example:
        >>> engagements_per_post(pd.DataFrame({"avg_likes": [10.0], "avg_comments": [2.0]}))
        (0    12.0
        dtype: float64, 'avg_likes + avg_comments')
    """
    if engagements in df.columns and (_filled(df, engagements) or engagements != "engagements"):
        return _numbers(df, engagements), engagements
    if engagements != "engagements":
        raise DataError("engagement column not found", column=engagements)
    if _filled(df, "avg_likes") and "avg_comments" in df.columns:
        total = _numbers(df, "avg_likes") + _numbers(df, "avg_comments").fillna(0.0)
        return total, "avg_likes + avg_comments"
    if _filled(df, "avg_likes"):
        return _numbers(df, "avg_likes"), "avg_likes"
    if _filled(df, "engagement_rate") and followers in df.columns:
        rate = _numbers(df, "engagement_rate")
        return rate * _numbers(df, followers), f"engagement_rate x {followers}"
    raise DataError(
        "no engagement column: need 'engagements', 'avg_likes' (+ 'avg_comments') or "
        "'engagement_rate'", column=engagements,
    )


def engagement_rate(
    df: pd.DataFrame, *, followers: str = "followers", engagements: str = "engagements"
) -> pd.Series:
    """Engagements per post / followers for every row (NaN where followers are missing or <= 0).

    Example:
        >>> engagement_rate(pd.DataFrame({"followers": [1e3, 0.0], "avg_likes": [20.0, 5.0]}))
        0    0.02
        1     NaN
        dtype: float64
    """
    if followers not in df.columns:
        raise DataError("follower column not found", column=followers)
    e = engagements_per_post(df, engagements, followers=followers)[0]
    f = _numbers(df, followers)
    return (e / f.where(f > 0)).where(np.isfinite(f))


def rate_change_per_doubling(b: float) -> float:
    """The change of the engagement rate when followers double, 2^(b - 1) - 1, for an elasticity
    b; ``inf`` where that exceeds a float (b above about 1025) instead of an OverflowError.

    Example:
        >>> rate_change_per_doubling(0.8) < 0, rate_change_per_doubling(5000.0)
        (True, inf)
    """
    with np.errstate(over="ignore"):
        return float(np.exp2(float(b) - 1.0) - 1.0)
