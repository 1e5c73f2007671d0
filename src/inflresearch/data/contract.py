"""The three data contracts (influencers, posts, campaigns) as one table of column specs.

This module is the single source of truth for column names, types, units and whether a column is
required. The validation schemas (`schema`), the loaders (`io`), the simulator (`synth`) and the
data dictionary in data/README.md all follow it.

Numbers are float64 (counts too: exports write them as `1.2M`, and NaN marks a missing value);
text is pandas' string dtype; times are timezone-naive UTC datetimes.

Example:
    >>> [c.name for c in CONTRACTS["posts"] if c.required]
    ['account_id', 'post_id', 'likes']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "number", "rate", "datetime", "bool"]
TABLES = ("influencers", "posts", "campaigns")


@dataclass(frozen=True)
class Column:
    """One column of a contract."""

    name: str
    kind: Kind
    unit: str
    required: bool
    description: str


def _c(name: str, kind: Kind, unit: str, required: bool, description: str) -> Column:
    return Column(name, kind, unit, required, description)


CONTRACTS: dict[str, tuple[Column, ...]] = {
    "influencers": (
        _c("account_id", "text", "", True, "account handle or id; unique per platform"),
        _c("platform", "text", "", True, "instagram, tiktok, youtube, ... (lower case); "
           "'unknown' when the file does not say"),
        _c("followers", "number", "accounts", True, "follower (or subscriber) count, > 0"),
        _c("avg_likes", "number", "likes/post", False, "mean likes per post"),
        _c("avg_comments", "number", "comments/post", False, "mean comments per post"),
        _c("avg_views", "number", "views/post", False, "mean views (plays) per post"),
        _c("engagements", "number", "engagements/post", False,
           "mean likes + comments per post; derived when both are given, or from "
           "engagement_rate x followers"),
        _c("engagement_rate", "rate", "fraction", False,
           "engagements per post / followers; a rate the source gives must lie in [0, 1], a derived "
           "one may exceed 1 (short-video accounts with more engagements per post than followers)"),
        _c("niche", "text", "", False, "content category as given by the source"),
        _c("bio", "text", "", False, "profile text"),
        _c("hashtags", "text", "", False, "hashtags, space separated, without '#'"),
        _c("posts_count", "number", "posts", False, "number of posts on the account"),
        _c("country", "text", "", False, "country as given by the source"),
        _c("price_per_post", "number", "USD", False, "price of one sponsored post"),
    ),
    "posts": (
        _c("account_id", "text", "", True, "the posting account"),
        _c("post_id", "text", "", True, "unique post id"),
        _c("posted_at", "datetime", "UTC", False, "publication time"),
        _c("likes", "number", "likes", True, "likes on the post"),
        _c("comments", "number", "comments", False, "comments on the post"),
        _c("views", "number", "views", False, "views or plays"),
        _c("caption", "text", "", False, "caption text"),
        _c("hashtags", "text", "", False, "hashtags, space separated, without '#'"),
        _c("followers", "number", "accounts", False, "followers of the account at post time"),
        _c("platform", "text", "", False, "platform of the account"),
        _c("media_type", "text", "", False, "photo, video, carousel, ..."),
        _c("sponsored", "bool", "", False, "paid partnership / sponsored flag"),
        _c("niche", "text", "", False, "category of the account, when the source gives it"),
    ),
    "campaigns": (
        _c("campaign_id", "text", "", True, "the campaign (activations of one campaign share shocks)"),
        _c("activation_id", "text", "", False, "unique row id; derived from the row number if absent"),
        _c("account_id", "text", "", False, "the influencer; empty for a traditional placement"),
        _c("channel", "text", "", True, "'influencer' or 'traditional'"),
        _c("followers", "number", "accounts", False, "followers of the influencer (empty for traditional)"),
        _c("niche", "text", "", False, "niche of the influencer or campaign"),
        _c("platform", "text", "", False, "platform of the placement"),
        _c("cost", "number", "USD", False, "what the activation cost"),
        _c("impressions", "number", "impressions", False, "impressions (reach)"),
        _c("engagements", "number", "engagements", False, "likes + comments + shares on the activation"),
        _c("clicks", "number", "clicks", False, "clicks"),
        _c("conversions", "number", "conversions", False, "purchases or sign-ups"),
        _c("revenue", "number", "USD", False, "attributed revenue (never earned media value)"),
        _c("earned_media_value", "number", "USD", False,
           "vendor-estimated media value; kept apart from revenue and never called ROI"),
    ),
}


def columns(table: str) -> tuple[Column, ...]:
    """The column specs of `table` ('influencers', 'posts' or 'campaigns')."""
    if table not in CONTRACTS:
        raise ValueError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}")
    return CONTRACTS[table]


def column_names(table: str) -> list[str]:
    """Contract column names of `table`, in contract order."""
    return [c.name for c in columns(table)]
