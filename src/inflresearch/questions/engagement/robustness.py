"""Does the decline claim survive the engagement-rate definition? The grid and its one line.

`apply_definition` puts the report's `er_definition` into the account table (the default
changes nothing); `decline_grid` re-estimates the elasticity b of `engagement_rate_declines`
under every definition the data can answer (`methods.rate_definitions.definition_grid`), with
the report's own fit as the pre-specified row; `decline_robustness` counts the verdicts and
writes the line for the key findings.

Under a definition the rate r is per account; the elasticity is the slope of
log(r x followers) on log(followers), i.e. 1 + the slope of log r, so b < 1 means "the rate
falls with size" under every definition (for a per-view rate: views-based engagement falls
with followers). The tier scheme does not enter the elasticity, so this claim's grid varies the
rate definition only.

Example:
    >>> from inflresearch.data.synth import simulate_world
    >>> w = simulate_world(seed=1, n_influencers=400, n_campaigns=0, with_text=False)
    >>> g = decline_grid(w.influencers, w.posts, alpha=0.05)
    >>> int(g["primary"].sum()), len(g) > 4
    (1, True)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from inflresearch.data.presets import get_preset
from inflresearch.errors import DataError
from inflresearch.methods.rate_definitions import (
    RateDefinition,
    account_rates,
    definition_grid,
    parse_definition,
    post_rates,
)
from inflresearch.methods.rates import engagements_per_post
from inflresearch.methods.spec_grid import grid_summary, grid_verdicts, robustness_line
from inflresearch.questions.engagement.elasticity import elasticity

ACCOUNT = "account_id"
UNIT = "engagement-rate definitions"


def source_definition(accounts: pd.DataFrame) -> str | None:
    """What a known export says about its own engagement figure (its preset's notes), or None.

    Example:
        >>> d = pd.DataFrame()
        >>> d.attrs["preset"] = "tiktok2020-top250"
        >>> source_definition(d)[:30]
        'Views and Likes are medians of'
    """
    name = accounts.attrs.get("preset")
    if not name:
        return None
    try:
        notes = get_preset(str(name)).notes
    except ValueError:
        return None
    hits = [n for n in notes if any(w in n.lower() for w in ("engagement", "likes", "views"))]
    return "; ".join(hits) or None


def _has_posts(posts: pd.DataFrame | None) -> bool:
    return posts is not None and "likes" in posts.columns and ACCOUNT in posts.columns


def _followers_by_account(accounts: pd.DataFrame) -> pd.Series | None:
    if ACCOUNT not in accounts.columns or "followers" not in accounts.columns:
        return None
    f = pd.to_numeric(accounts["followers"], errors="coerce")
    return f.set_axis(accounts[ACCOUNT].astype(str).to_numpy())


def rates_under(
    accounts: pd.DataFrame, posts: pd.DataFrame | None, definition: RateDefinition | str
) -> pd.DataFrame:
    """``followers`` and ``engagements`` (= rate x followers) per account under `definition`.

    From the posts when given (followers from the account table when it has ids), else from
    the account table's per-post averages or medians (`account_rates`).
    """
    d = parse_definition(definition)
    if _has_posts(posts):
        assert posts is not None
        p = posts.assign(**{ACCOUNT: posts[ACCOUNT].astype(str)})
        return post_rates(p, d, followers=_followers_by_account(accounts))
    rate = account_rates(accounts, d)
    f = pd.to_numeric(accounts["followers"], errors="coerce")
    return pd.DataFrame({"followers": f, "rate": rate, "engagements": rate * f})


def apply_definition(
    accounts: pd.DataFrame, posts: pd.DataFrame | None, definition: RateDefinition | str
) -> pd.DataFrame:
    """The account table with ``engagements`` under `definition` (unchanged for the default).

    Accounts the definition cannot rate (no posts, a zero denominator) get no engagement and
    are dropped and counted by the models as missing.

    Example:
        >>> a = pd.DataFrame({"account_id": ["a"], "followers": [100.], "avg_likes": [8.],
        ...                   "avg_comments": [2.]})
        >>> apply_definition(a, None, "mean:likes/followers:all")["engagements"].tolist()
        [8.0]
    """
    d = parse_definition(definition)
    if d.is_default:
        return accounts
    found = rates_under(accounts, posts, d)
    if _has_posts(posts) and ACCOUNT in accounts.columns:
        by_id = found.set_index(ACCOUNT)["engagements"]
        e = accounts[ACCOUNT].astype(str).map(by_id).astype(float).to_numpy()
    elif _has_posts(posts):
        raise DataError(f"engagement rate {d.spelling!r} from posts needs account ids in the "
                        "account table", column=ACCOUNT)
    else:
        e = found["engagements"].to_numpy()
    out = accounts.assign(engagements=e)
    out.attrs = {**accounts.attrs, "er_definition": d.spelling}
    return out


def definition_words(
    accounts: pd.DataFrame, posts: pd.DataFrame | None, definition: RateDefinition | str
) -> str:
    """The definition of every rate in the report, in words, with its compact spelling.

    For the default on an account table that carries its own figure (a known export), the
    source's definition is named from the preset's notes.

    Example:
        >>> definition_words(pd.DataFrame({"followers": [1.]}), None, "modash")
        'median over the latest 30 posts of likes / followers (median:likes/followers:last30)'
        >>> definition_words(pd.DataFrame({"followers": [1.], "avg_likes": [2.]}), None, None)[:42]
        'avg_likes / followers, from the account ta'
    """
    d = parse_definition(definition)
    if not (d.is_default and not _has_posts(posts)):
        return f"{d.describe()} ({d.spelling})"
    source = source_definition(accounts)
    if source:
        return (f"the account table's own per-post figures, as its source defines them "
                f"({source}); rate = that / followers")
    try:
        column = engagements_per_post(accounts)[1]
    except DataError:
        return f"{d.describe()} ({d.spelling})"
    return (f"{column} / followers, from the account table's own per-post figures over the "
            f"window its source used ({d.spelling} where the table was built from all posts)")


def decline_grid(
    accounts: pd.DataFrame,
    posts: pd.DataFrame | None = None,
    *,
    primary: RateDefinition | str | None = None,
    primary_fit: pd.Series | None = None,
    alpha: float = 0.05,
    withheld: str | None = None,
    windows: tuple[int | None, ...] = (None, 12),
) -> pd.DataFrame:
    """The elasticity b (null 1, claimed side "less") under every answerable definition.

    `primary_fit` (the report's fit row: ``estimate``, ``ci_low``, ``ci_high``,
    ``p_two_sided``, ``n``) is the pre-specified row, labelled with `primary`; without it the
    primary definition is fitted like the others. `withheld` (the range check's reason) marks
    every row withheld. Columns: those of `methods.spec_grid` plus ``definition`` (in words),
    ``n``, ``verdict`` and ``p_holm``.
    """
    first = parse_definition(primary)
    grid = definition_grid(posts.columns if _has_posts(posts) else accounts.columns,  # type: ignore[union-attr]
                           posts=_has_posts(posts), windows=windows)
    specs = [first, *(d for d in grid if d.spelling != first.spelling)]
    rows: list[dict[str, Any]] = []
    for i, d in enumerate(specs):
        row: dict[str, Any] = {"specification": d.label, "definition": d.describe(),
                               "primary": i == 0, "estimate": np.nan, "ci_low": np.nan,
                               "ci_high": np.nan, "p_value": np.nan, "n": 0,
                               "withheld": withheld is not None, "note": withheld or ""}
        try:
            if i == 0 and primary_fit is not None:
                fit = primary_fit
            elif i == 0 and d.is_default:  # the package's one rule on the account table
                fit = elasticity(accounts, alpha=alpha).table.iloc[0]
            else:
                frame = rates_under(accounts, posts, d)
                fit = elasticity(frame[["followers", "engagements"]], alpha=alpha).table.iloc[0]
            row.update(estimate=float(fit["estimate"]), ci_low=float(fit["ci_low"]),
                       ci_high=float(fit["ci_high"]), p_value=float(fit["p_two_sided"]),
                       n=int(fit["n"]))
        except DataError as exc:
            row["note"] = f"not estimable: {exc}"
        rows.append(row)
    table = grid_verdicts(pd.DataFrame(rows), null=1.0, direction="less", alpha=alpha)
    return table


def decline_robustness(grid: pd.DataFrame) -> dict[str, Any]:
    """The grid's summary for results.json, with its key-findings ``line``.

    Example:
        >>> t = pd.DataFrame({"specification": ["default", "x"], "primary": [True, False],
        ...                   "verdict": ["supported", "supported"], "p_holm": [1e-5, 1e-4],
        ...                   "estimate": [0.8, 0.7]})
        >>> decline_robustness(t)["line"][:40]
        'supported under 2 of 2 engagement-rate d'
    """
    summary = grid_summary(grid)
    return {**summary, "varies": UNIT, "line": robustness_line(summary, unit=UNIT),
            "specifications": grid.drop(columns=["withheld"], errors="ignore")
            .astype(object).where(grid.notna(), None).to_dict("records")}
