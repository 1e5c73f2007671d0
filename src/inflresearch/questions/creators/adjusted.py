"""Size-adjusted engagement per account, from its posts, with standard errors and shrinkage.

Per post p of account i: y_ip = log(1 + engagements_ip) (likes + comments when comments are
given, else likes). Per account: the mean of y over its posts, and its spread. The size model is
the one elasticity of `methods.elasticity` (OLS with HC4 errors) of the account mean of y on log
followers: pooled, or within niche (niche fixed effects) when a niche is known and asked for.
The account's score is its mean minus the value its size predicts; its standard error is
sqrt(s~^2 / n) with s~^2 the account's post variance moderated toward the pooled one
(`shrinkage.moderated_variance`); the normal-normal model of `shrinkage` then pulls every score
toward the size-predicted value by as much as its noise warrants.

The **adjusted multiple** exp(theta_i) says how many times the engagement expected for the
account's follower count it earns (typical, i.e. geometric-mean, engagements per post). The
**expected rate for its size** is exp(prediction) times Duan's smearing factor over followers,
the arithmetic-mean rate an account of that size would show, comparable with the raw rate.

Example:
    >>> from inflresearch.data.synth import simulate_world
    >>> w = simulate_world(seed=1, n_influencers=300, n_campaigns=0, with_text=False)
    >>> a = adjusted_engagement(prepare_posts(w.posts))
    >>> round(a.slope.estimate, 1), bool(a.table["multiple"].gt(0).all())
    (0.8, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from inflresearch.errors import DataError
from inflresearch.methods.elasticity import Slope, log_log_slope
from inflresearch.questions.creators.shrinkage import (
    NormalNormal,
    fit_normal_normal,
    moderated_variance,
    pooled_variance,
)

MIN_ACCOUNTS = 10
METHOD = ("normal-normal empirical Bayes on the account mean of log(1 + engagements per post) "
          "minus its size prediction (log-log OLS, HC4); REML spread of account effects")


def prepare_posts(posts: pd.DataFrame, accounts: pd.DataFrame | None = None) -> pd.DataFrame:
    """The clean post frame: ``account``, ``posted_at``, ``likes``, ``comments``,
    ``engagements``, ``y`` (log 1 + engagements), ``followers`` (one per account), ``niche``.

    Followers per account are the median of its posts' counts, else taken from `accounts`;
    rows without likes (or without comments when the column exists), and accounts without a
    positive follower count, are left out and counted in ``attrs["n_dropped"]``.

    Example:
        >>> p = pd.DataFrame({"account_id": ["a", "a", "b"], "likes": [9.0, 19, 4],
        ...                   "followers": [100.0, 100, 50]})
        >>> prepare_posts(p)["y"].round(2).tolist()
        [2.3, 3.0, 1.61]
    """
    for column in ("account_id", "likes"):
        if column not in posts.columns:
            raise DataError("column not found in the posts table", column=column)
    account = posts["account_id"].astype("string")
    likes = pd.to_numeric(posts["likes"], errors="coerce")
    has_comments = "comments" in posts.columns and posts["comments"].notna().any()
    comments = pd.to_numeric(posts["comments"], errors="coerce") if has_comments else None
    fol = (pd.to_numeric(posts["followers"], errors="coerce") if "followers" in posts.columns
           else pd.Series(np.nan, index=posts.index))
    per_account = fol.groupby(account).median()
    if accounts is not None and "followers" in accounts.columns:
        lookup = accounts.drop_duplicates("account_id").set_index(
            accounts.drop_duplicates("account_id")["account_id"].astype("string"))["followers"]
        per_account = per_account.reindex(per_account.index.union(lookup.index)).fillna(
            pd.to_numeric(lookup, errors="coerce"))
    followers = account.map(per_account).astype(float)
    engagements = likes if comments is None else likes + comments
    keep = (account.notna() & engagements.notna() & (engagements >= 0) & followers.gt(0)).to_numpy()
    frame = pd.DataFrame({
        "account": account[keep].astype(str).to_numpy(),
        "posted_at": (pd.to_datetime(posts["posted_at"], errors="coerce")[keep].to_numpy()
                      if "posted_at" in posts.columns else pd.NaT),
        "likes": likes[keep].to_numpy(dtype=float),
        "comments": comments[keep].to_numpy(dtype=float) if comments is not None else np.nan,
        "engagements": engagements[keep].to_numpy(dtype=float),
        "followers": followers[keep].to_numpy(dtype=float),
    })
    niche = _niche(posts, accounts)
    frame["niche"] = (frame["account"].map(niche) if niche is not None else pd.NA)
    frame["y"] = np.log1p(frame["engagements"])
    frame.attrs["n_dropped"] = int((~keep).sum())
    frame.attrs["engagements"] = "likes + comments" if comments is not None else "likes"
    return frame


def _niche(posts: pd.DataFrame, accounts: pd.DataFrame | None) -> pd.Series | None:
    for table in (posts, accounts):
        if table is not None and "niche" in table.columns and table["niche"].notna().any():
            known = table.dropna(subset=["niche"])
            return known.groupby(known["account_id"].astype(str))["niche"].first().astype(str)
    return None


def account_table(posts: pd.DataFrame) -> pd.DataFrame:
    """One row per account of a prepared post frame (`prepare_posts`).

    Columns: ``account``, ``followers``, ``niche``, ``n_posts``, ``mean_y``, ``var_y`` (NaN
    with one post), ``mean_engagements``, ``raw_rate`` (mean engagements per post / followers,
    the vendors' engagement rate), ``top_post_share`` (the largest post's share of the account's
    engagements), ``comments_per_like`` (NaN without comments).

    Example:
        >>> p = prepare_posts(pd.DataFrame({"account_id": ["a", "a"], "likes": [1.0, 3],
        ...                                 "followers": [10.0, 10]}))
        >>> account_table(p)[["n_posts", "raw_rate", "top_post_share"]].values.tolist()
        [[2.0, 0.2, 0.75]]
    """
    g = posts.groupby("account", sort=True)
    table = pd.DataFrame({
        "followers": g["followers"].first(),
        "niche": g["niche"].first(),
        "n_posts": g.size().astype(float),
        "mean_y": g["y"].mean(),
        "var_y": g["y"].var(ddof=1),
        "mean_engagements": g["engagements"].mean(),
    })
    total = g["engagements"].sum()
    table["raw_rate"] = table["mean_engagements"] / table["followers"]
    table["top_post_share"] = (g["engagements"].max() / total.where(total > 0)).fillna(0.0)
    likes = g["likes"].sum()
    table["comments_per_like"] = g["comments"].sum(min_count=1) / likes.where(likes > 0)
    return table.reset_index()


@dataclass(frozen=True)
class Adjusted:
    """Size-adjusted engagement: `.table` (one row per account), the size model and the EB fit."""

    table: pd.DataFrame
    slope: Slope
    within_niche: bool
    eb: NormalNormal
    pooled_post_variance: float
    smearing: float
    alpha: float


def adjusted_engagement(posts: pd.DataFrame, *, within_niche: bool = False,
                        alpha: float = 0.05) -> Adjusted:
    """Per-account size-adjusted engagement with standard errors and EB shrinkage.

    `posts` is a prepared post frame (`prepare_posts`). Adds to `account_table` the columns
    ``predicted_y`` (size prediction), ``score`` (mean_y - predicted_y), ``se``, ``shrunk``
    (posterior mean of the account effect), ``shrunk_sd``, ``shrinkage`` (0: own score kept,
    1: replaced by the size prediction), ``multiple`` = exp(shrunk) with ``multiple_ci_low`` /
    ``multiple_ci_high`` (posterior (1 - alpha) interval), ``expected_rate``, ``rank``.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> w = simulate_world(seed=2, n_influencers=200, n_campaigns=0, with_text=False)
        >>> t = adjusted_engagement(prepare_posts(w.posts)).table
        >>> bool((t["multiple_ci_low"] <= t["multiple"]).all())
        True
    """
    table = account_table(posts)
    if len(table) < MIN_ACCOUNTS:
        raise DataError(f"only {len(table)} accounts with usable posts; at least "
                        f"{MIN_ACCOUNTS} are needed for a size model", column="followers")
    table["log_followers"] = np.log(table["followers"])
    niche = within_niche and table["niche"].notna().all() and table["niche"].nunique() > 1
    slope = log_log_slope(table.assign(niche=table["niche"].astype(str)), outcome="mean_y",
                          covariates=("niche",) if niche else (), alpha=alpha)
    table["predicted_y"] = np.asarray(slope.model.fittedvalues)
    table["score"] = table["mean_y"] - table["predicted_y"]
    pooled = pooled_variance(table["var_y"].to_numpy(), table["n_posts"].to_numpy())
    var = moderated_variance(table["var_y"].to_numpy(), table["n_posts"].to_numpy(), pooled)
    table["se"] = np.sqrt(var / table["n_posts"].to_numpy())
    eb = fit_normal_normal(table["score"].to_numpy(), table["se"].to_numpy() ** 2)
    lo, hi = eb.interval(alpha)
    table["shrunk"], table["shrunk_sd"], table["shrinkage"] = (
        eb.posterior_mean - eb.mu, eb.posterior_sd, eb.shrinkage)
    table["multiple"] = np.exp(table["shrunk"])
    table["multiple_ci_low"], table["multiple_ci_high"] = np.exp(lo - eb.mu), np.exp(hi - eb.mu)
    # Duan's smearing: the mean of exp(post residual) turns a predicted mean log into a mean
    own = posts["account"].map(table.set_index("account")["mean_y"])
    smearing = float(np.mean(np.exp(posts["y"] - own)))
    table["expected_rate"] = np.expm1(table["predicted_y"] + eb.mu) * smearing / table["followers"]
    table["rank"] = table["shrunk"].rank(ascending=False, method="first").astype(int)
    return Adjusted(table=table, slope=slope, within_niche=bool(niche), eb=eb,
                    pooled_post_variance=pooled, smearing=smearing, alpha=alpha)
