"""Engagement-rate definitions as data: parse one, compute it per account, list the grid.

Vendors disagree on what "engagement rate" means. A definition here has four parts, written in
one compact spelling ``STATISTIC:PARTS/DENOMINATOR:WINDOW``:

- statistic over an account's posts: ``mean`` of per-post rates, ``median`` of per-post rates,
  or ``pooled`` (a ratio of sums: all engagements over all the denominator, so posts with a
  larger denominator weigh more);
- parts: what counts as engagement, joined by ``+`` from ``likes``, ``comments``, ``shares``,
  ``saves`` (a part the posts do not have is an error, not a zero);
- denominator: ``followers`` (the account's followers) or ``views`` (each post's views);
- window: ``all`` posts, or ``lastN``, the N latest posts by ``posted_at``.

Named definitions: ``default`` (``mean:likes+comments/followers:all``, what every report used
before this parameter existed), ``hypeauditor`` (``mean:likes+comments/followers:last12``) and
``modash`` (``median:likes/followers:last30``). The default, on an account table without
posts, is the package's one rule (`inflresearch.methods.rates`); other definitions need a posts
table, except those an account table can answer from its per-post averages (``avg_likes``,
``avg_comments``, ``avg_views``) or medians (``median_likes``, ...) over the source's own window.

Example:
    >>> d = parse_definition("Median:likes/followers:last30")
    >>> d.spelling, d.describe()
    ('median:likes/followers:last30', 'median over the latest 30 posts of likes / followers')
    >>> parse_definition("hypeauditor").spelling
    'mean:likes+comments/followers:last12'
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from inflresearch.errors import DataError

STATISTICS = ("mean", "median", "pooled")
PARTS = ("likes", "comments", "shares", "saves")
DENOMINATORS = ("followers", "views")

NAMED: dict[str, tuple[str, str]] = {
    # name: (spelling, source)
    "default": ("mean:likes+comments/followers:all",
                "this package's rule: engagements per post / followers over every post given"),
    "hypeauditor": ("mean:likes+comments/followers:last12",
                    "HypeAuditor: mean (likes + comments) / followers over the last 12 posts"),
    "modash": ("median:likes/followers:last30",
               "Modash: median likes / followers over about 30 recent posts"),
}

_PATTERN = re.compile(r"^(?P<stat>[a-z]+):(?P<parts>[a-z+]+)/(?P<den>[a-z]+)(?::(?P<win>all|last\d+))?$")


@dataclass(frozen=True)
class RateDefinition:
    """One engagement-rate definition (see the module docstring for the spelling)."""

    statistic: str = "mean"
    parts: tuple[str, ...] = ("likes", "comments")
    per: str = "followers"
    window: int | None = None
    name: str | None = None

    @property
    def spelling(self) -> str:
        """The compact spelling: ``'mean:likes+comments/followers:all'``."""
        window = "all" if self.window is None else f"last{self.window}"
        return f"{self.statistic}:{'+'.join(self.parts)}/{self.per}:{window}"

    @property
    def label(self) -> str:
        """The name when it has one, else the spelling (for tables and figures)."""
        return self.name or self.spelling

    @property
    def is_default(self) -> bool:
        """True for the package's default definition (what reports used before the parameter)."""
        return self.spelling == NAMED["default"][0]

    @property
    def pooled(self) -> bool:
        """True when the rate is a ratio of sums over posts."""
        return self.statistic == "pooled"

    def describe(self) -> str:
        """The definition in words.

        Example:
            >>> parse_definition("pooled:likes+comments+shares/views:all").describe()
            'pooled (ratio of sums) over all posts of (likes + comments + shares) / views'
        """
        what = " + ".join(self.parts)
        what = f"({what})" if len(self.parts) > 1 else what
        stat = "pooled (ratio of sums)" if self.pooled else self.statistic
        window = "all posts" if self.window is None else f"the latest {self.window} posts"
        return f"{stat} over {window} of {what} / {self.per}"


def parse_definition(value: str | RateDefinition | None) -> RateDefinition:
    """A definition from its compact spelling or name; `ValueError` quoting a bad value.

    Example:
        >>> parse_definition("mean:likes/reach")
        Traceback (most recent call last):
        ...
        ValueError: er_definition 'mean:likes/reach': the denominator must be followers or views, got 'reach'
    """
    if isinstance(value, RateDefinition):
        return value
    text = "default" if value is None else str(value).strip().lower().replace(" ", "")
    name = None
    if text in NAMED:
        name, text = text, NAMED[text][0]
    where = f"er_definition {value!r}"
    match = _PATTERN.match(text)
    if not match:
        raise ValueError(f"{where}: expected STATISTIC:PARTS/DENOMINATOR[:WINDOW], e.g. "
                         f"'mean:likes+comments/followers:last12', or one of {', '.join(NAMED)}")
    stat, den = match["stat"], match["den"]
    if stat not in STATISTICS:
        raise ValueError(f"{where}: the statistic must be {', '.join(STATISTICS)}, got {stat!r}")
    parts = tuple(match["parts"].split("+"))
    bad = [p for p in parts if p not in PARTS]
    if bad or not all(parts) or len(set(parts)) != len(parts):
        raise ValueError(f"{where}: engagement parts are {', '.join(PARTS)} joined by '+' "
                         f"(each once), got {match['parts']!r}")
    if den not in DENOMINATORS:
        raise ValueError(f"{where}: the denominator must be followers or views, got {den!r}")
    win = match["win"] or "all"
    window = None if win == "all" else int(win[4:])
    if window is not None and window < 1:
        raise ValueError(f"{where}: the window must be all or lastN with N >= 1, got {win!r}")
    ordered = tuple(p for p in PARTS if p in parts)
    return RateDefinition(stat, ordered, den, window, name)


def _numbers(df: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(df[column], errors="coerce").astype(float)


def _windowed(posts: pd.DataFrame, window: int | None, account: str) -> pd.DataFrame:
    if window is None:
        return posts
    if "posted_at" not in posts.columns or posts["posted_at"].isna().all():
        raise DataError(f"a window of the latest {window} posts needs post dates",
                        column="posted_at")
    when = pd.to_datetime(posts["posted_at"], errors="coerce", utc=True)
    ordered = posts.assign(_when=when).sort_values([account, "_when"], ascending=[True, False],
                                                   na_position="last", kind="stable")
    return ordered.groupby(account, sort=False).head(window).drop(columns="_when")


def post_rates(
    posts: pd.DataFrame,
    definition: RateDefinition | str,
    *,
    followers: pd.Series | None = None,
    account: str = "account_id",
) -> pd.DataFrame:
    """Per account: the rate under `definition` from a posts table, and posts used.

    Followers are the account's: `followers` (indexed by account id) when given, else the
    posts' ``followers`` column at the account's latest post. Posts with a missing part, or a
    denominator that is missing or not positive, are left out. Returns one row per account with
    ``account_id``, ``followers``, ``rate``, ``n_posts`` (used) and ``engagements`` = rate x
    followers (engagements per post on the follower scale, what the elasticity models; for a
    per-view rate it is the follower-scaled view rate).

    Example:
        >>> p = pd.DataFrame({"account_id": ["a", "a", "b"], "likes": [10., 30, 5],
        ...                   "comments": [0., 2, 1], "followers": [100., 100, 50]})
        >>> post_rates(p, "median:likes/followers:all")[["account_id", "rate"]].values.tolist()
        [['a', 0.2], ['b', 0.1]]
    """
    d = parse_definition(definition)
    needed = [account, *d.parts] + (["views"] if d.per == "views" else [])
    for column in needed:
        if column not in posts.columns:
            raise DataError(f"engagement rate {d.spelling!r} needs a posts column {column!r}",
                            column=column)
    used = _windowed(posts, d.window, account)
    if followers is None:
        if "followers" not in used.columns:
            raise DataError("the posts have no followers column", column="followers")
        latest = _windowed(posts, 1, account) if "posted_at" in posts.columns and \
            posts["posted_at"].notna().any() else posts.groupby(account, sort=False).tail(1)
        followers = _numbers(latest, "followers").set_axis(latest[account].to_numpy())
    fol = followers.groupby(level=0).first()
    top = sum((_numbers(used, p) for p in d.parts), start=pd.Series(0.0, index=used.index))
    acct_f = used[account].map(fol).astype(float)
    bottom = acct_f if d.per == "followers" else _numbers(used, "views")
    ok = top.notna() & np.isfinite(bottom) & (bottom > 0) & (top >= 0)
    frame = pd.DataFrame({account: used[account], "top": top, "bottom": bottom})[ok]
    frame["r"] = frame["top"] / frame["bottom"]
    g = frame.groupby(account, sort=True)
    if d.statistic == "mean":
        rate = g["r"].mean()
    elif d.statistic == "median":
        rate = g["r"].median()
    else:
        rate = g["top"].sum() / g["bottom"].sum()
    out = pd.DataFrame({account: rate.index, "followers": fol.reindex(rate.index).to_numpy(),
                        "rate": rate.to_numpy(), "n_posts": g.size().to_numpy()})
    out["engagements"] = out["rate"] * out["followers"]
    out.attrs["er_definition"] = d.spelling
    return out


_ACCOUNT_COLUMNS = {"mean": "avg_{}", "median": "median_{}"}


def account_rates(accounts: pd.DataFrame, definition: RateDefinition | str) -> pd.Series:
    """The rate under `definition` from an account table's per-post averages or medians.

    Only definitions over the source's own window (``all``) can be answered, and ``pooled``
    only as the mean (a per-post average over followers is already a ratio of sums when
    followers are constant); a missing column is a `DataError` naming it.

    Example:
        >>> a = pd.DataFrame({"followers": [100.], "avg_likes": [8.], "avg_comments": [2.]})
        >>> account_rates(a, "mean:likes+comments/followers:all").tolist()
        [0.1]
    """
    d = parse_definition(definition)
    if d.window is not None:
        raise DataError(f"engagement rate {d.spelling!r} needs a posts table (an account table "
                        "has no post window)", column="posts")
    pattern = _ACCOUNT_COLUMNS["median" if d.statistic == "median" else "mean"]
    names = [pattern.format(p) for p in d.parts] + (
        [pattern.format("views")] if d.per == "views" else [])
    for column in [*names, "followers"]:
        if column not in accounts.columns or not accounts[column].notna().any():
            raise DataError(f"engagement rate {d.spelling!r} needs an account column {column!r} "
                            "(or a posts table)", column=column)
    if d.statistic == "median" and len(d.parts) > 1:
        raise DataError(f"engagement rate {d.spelling!r}: a median of a sum cannot be formed "
                        "from per-part medians; give a posts table", column="posts")
    top = sum((_numbers(accounts, pattern.format(p)).fillna(0.0) if p != d.parts[0]
               else _numbers(accounts, pattern.format(p)) for p in d.parts),
              start=pd.Series(0.0, index=accounts.index))
    bottom = _numbers(accounts, "followers" if d.per == "followers" else pattern.format("views"))
    return (top / bottom.where(bottom > 0)).rename("rate")


def definition_grid(
    columns: Iterable[str],
    *,
    posts: bool,
    windows: Sequence[int | None] = (None, 12),
) -> list[RateDefinition]:
    """Every definition a table can answer: statistics x parts x denominators x windows.

    With a posts table (`posts`): mean and median; likes, likes + comments, and likes +
    comments + shares (+ saves) when those columns exist; per follower, and per view when
    ``views`` exists; over all posts and the latest 12. Without: what `account_rates` can form
    from the account columns present (``avg_*`` / ``median_*``), over the source's window.

    Example:
        >>> [d.spelling for d in definition_grid(["likes", "comments"], posts=True)][:2]
        ['mean:likes/followers:all', 'mean:likes/followers:last12']
        >>> len(definition_grid(["avg_likes", "avg_comments", "median_likes"], posts=False))
        3
    """
    cols = set(columns)
    if posts:
        extra = tuple(p for p in ("shares", "saves") if p in cols)
        part_sets: list[tuple[str, ...]] = [("likes",)] + ([("likes", "comments")] if "comments" in cols else [])
        if extra and "comments" in cols:
            part_sets.append(("likes", "comments", *extra))
        pers = ["followers"] + (["views"] if "views" in cols else [])
        combos = itertools.product(("mean", "median"), part_sets, pers, windows)
        return [RateDefinition(s, parts, per, w) for s, parts, per, w in combos]
    out = []
    for stat in ("mean", "median"):
        prefix = "avg" if stat == "mean" else "median"
        part_sets = [("likes",)] + ([("likes", "comments")] if stat == "mean" else [])
        for parts in part_sets:
            for per in ("followers", "views"):
                needed = {f"{prefix}_{p}" for p in parts} | (
                    {f"{prefix}_views"} if per == "views" else set())
                if needed <= cols:
                    out.append(RateDefinition(stat, parts, per, None))
    return out
