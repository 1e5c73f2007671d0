"""Account-level checks of the engagement models: range checks and the data overview.

The account frame itself is `inflresearch.methods.elasticity.prepare_accounts`. `range_check`
says when the sample cannot support an elasticity (narrow follower range, a top list, signs of
selection on the outcome), so a notebook warns instead of reporting a confident verdict.

Example:
    >>> from inflresearch.data.synth import simulate_world
    >>> from inflresearch.methods.elasticity import prepare_accounts
    >>> acc = prepare_accounts(simulate_world(seed=1, n_influencers=300, n_campaigns=0).influencers)
    >>> len(acc), bool(range_check(acc).warning)
    (300, False)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from inflresearch.tidy import TidyResult

#: a follower span (5th to 95th percentile) below this many decades is too narrow for an elasticity
MIN_SPAN_DECADES = 1.0
#: every account at or above this follower count: the sample is a top list, not a cross-section
TOP_LIST_FLOOR = 1e6
#: share of accounts with more engagements per post than followers that signals selection on outcome
MAX_SHARE_ABOVE_FOLLOWERS = 0.02
#: (q05 - min) / (q50 - q05) of log engagements below this: a hard floor (a list cut on engagement)
MIN_OUTCOME_EDGE = 0.25


def collapse_rare_levels(
    data: pd.DataFrame, columns: tuple[str, ...] = ("niche", "platform"), min_size: int = 5
) -> pd.DataFrame:
    """Pool levels with fewer than `min_size` accounts into ``"(rare levels)"`` for fixed effects.

    A level held by one account has leverage 1 in a fixed-effects model: its residual is 0 and
    HC3 errors and Cook's distances divide by zero there. Rare levels are pooled; when the pool
    itself has fewer than `min_size` accounts it joins the most common level.

    Example:
        >>> d = pd.DataFrame({"niche": pd.Categorical(["a"] * 6 + ["b"] * 5 + ["typo"])})
        >>> collapse_rare_levels(d)["niche"].tolist()[-1]
        'a'
    """
    out = data
    for column in columns:
        if column not in data.columns:
            continue
        sizes = data[column].value_counts()
        rare = sizes.index[sizes < min_size]
        if len(rare):
            pooled = "(rare levels)" if sizes[rare].sum() >= min_size else str(sizes.index[0])
            values = data[column].astype("string").where(~data[column].isin(rare), pooled)
            out = out.assign(**{column: pd.Categorical(values.to_numpy())})
    return out


@dataclass(frozen=True)
class RangeCheck(TidyResult):
    """Whether the sample can support an elasticity; `table` has one row per check."""

    table: pd.DataFrame

    @property
    def warning(self) -> bool:
        """True when any check failed: report estimates, but no confident verdict."""
        return bool(self.table["flag"].any())

    @property
    def messages(self) -> list[str]:
        """The plain-language messages of the failed checks."""
        return self.table.loc[self.table["flag"], "message"].tolist()

    def summary_frame(self) -> pd.DataFrame:
        """One row per check with its result; the message only where the check failed."""
        flag = self.table["flag"].astype(bool)
        out = self.table.assign(result=flag.map({True: "failed", False: "passed"}),
                                message=self.table["message"].where(flag, None))
        return out[["check", "value", "threshold", "result", "message"]]


def range_check(
    accounts: pd.DataFrame, *, selected_on_outcome: bool | None = None
) -> RangeCheck:
    """Check the follower range and signs of selection in a `prepare_accounts` frame.

    Flags (each a row of ``.table`` with ``check``, ``value``, ``threshold``, ``flag``,
    ``message``): a narrow follower span (5th-95th percentile under one decade), a top list (no
    account under 1M followers: such lists are ranked on engagement or reach), more than 2% of
    accounts with more engagements per post than followers (what a list ranked on engagement
    picks up among small accounts), and a hard floor in log engagement (a list cut on the
    outcome). `selected_on_outcome=True` declares the selection; False overrides the detectors.

    Example:
        >>> d = pd.DataFrame({"followers": np.geomspace(2e6, 5e6, 50), "engagements": 1e4})
        >>> from inflresearch.methods.elasticity import prepare_accounts
        >>> range_check(prepare_accounts(d)).messages[0][:27]
        'The follower range is narro'
    """
    f = accounts["followers"].to_numpy()
    le = np.sort(accounts["log_engagements"].to_numpy())
    q05, q95 = np.quantile(f, [0.05, 0.95])
    span = float(np.log10(q95 / q05))
    above = float(np.mean(accounts["engagements"].to_numpy() > f))
    e05, e50 = np.quantile(le, [0.05, 0.5])
    edge = float((e05 - le[0]) / (e50 - e05)) if e50 > e05 else float("nan")
    auto = selected_on_outcome is None
    rows = [
        ("follower_span_decades", span, MIN_SPAN_DECADES, span < MIN_SPAN_DECADES,
         f"The follower range is narrow: the middle 90% of accounts span {span:.2f} decades "
         f"(under {MIN_SPAN_DECADES:g}), so the elasticity rests on little variation."),
        ("min_followers", float(f.min()), TOP_LIST_FLOOR, bool(f.min() >= TOP_LIST_FLOOR),
         f"Every account has at least {f.min():,.0f} followers: this is a top list, not a "
         "cross-section. Top lists are ranked on engagement or reach, i.e. selected on the "
         "outcome, which biases the elasticity."),
        ("share_engagement_above_followers", above, MAX_SHARE_ABOVE_FOLLOWERS,
         auto and above > MAX_SHARE_ABOVE_FOLLOWERS,
         f"{above:.1%} of accounts get more engagements per post than they have followers; "
         "small accounts enter a list like this only when their engagement is exceptional "
         "(selection on the outcome)."),
        ("outcome_floor_edge", edge, MIN_OUTCOME_EDGE,
         auto and len(le) >= 200 and bool(edge < MIN_OUTCOME_EDGE),
         "Log engagement has a hard lower edge, as when a list is cut at an engagement "
         "threshold (selection on the outcome flattens the slope)."),
        ("declared_selected_on_outcome", float(bool(selected_on_outcome)), 0.0,
         bool(selected_on_outcome),
         "The sample was declared to be selected on engagement (selected_on_outcome=True)."),
    ]
    table = pd.DataFrame(rows, columns=["check", "value", "threshold", "flag", "message"])
    table["flag"] = table["flag"].astype(bool)
    return RangeCheck(table)


def data_overview(raw: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """One-column summary of the input: rows, usable accounts, drops, follower range, missingness.

    Example:
        >>> d = pd.DataFrame({"followers": [1e3, 1e4, 1e5] * 6, "engagements": [50., 0, 2e3] * 6})
        >>> from inflresearch.methods.elasticity import prepare_accounts
        >>> data_overview(d, prepare_accounts(d)).loc["accounts_used", "value"]
        12
    """
    f = accounts["followers"]
    items: dict[str, object] = {
        "rows_in_input": len(raw),
        "accounts_used": len(accounts),
        "dropped_missing_or_nonpositive": accounts.attrs.get("n_dropped_missing", 0),
        "dropped_zero_engagement": accounts.attrs.get("n_dropped_zero", 0),
        "engagement_measure": accounts.attrs.get("engagement_source", "engagements"),
        "followers_min": float(f.min()),
        "followers_median": float(f.median()),
        "followers_max": float(f.max()),
        "median_engagement_rate": float(accounts["engagement_rate"].median()),
    }
    for column in raw.columns:
        share = float(raw[column].isna().mean())
        if share > 0:
            items[f"missing_share:{column}"] = round(share, 4)
    return pd.DataFrame({"value": pd.Series(items, dtype=object)}).rename_axis("item")
