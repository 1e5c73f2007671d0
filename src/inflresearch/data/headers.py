"""Header normalisation and the alias map from export column names to contract column names.

Rules (deterministic, applied in this order):

1. Every header is normalised: Unicode NFKC, accents dropped, lower case, ``%`` read as ``pct``
   and ``#`` as ``n``, every run of other characters (spaces, line breaks, punctuation) becomes
   one ``_``, leading/trailing ``_`` removed. ``"Avg. Likes"`` -> ``avg_likes``,
   ``"#Followers"`` -> ``n_followers``, ``"Authentic engagement\\r\\n"`` -> ``authentic_engagement``.
   An empty header becomes ``column_<position>`` (1-based).
2. Duplicate normalised names keep their order: the first keeps the name, the second becomes
   ``<name>_2``, the third ``<name>_3`` (skipping names already taken).
3. Explicit ``columns={source: contract_name}`` entries are applied first; a source key matches a
   raw header exactly or after normalisation (so ``"Followers"`` and ``"followers_2"`` both work).
   ``{source: None}`` keeps that column out of the contract (e.g. an *audience* country that
   would otherwise be taken as the creator's ``country``).
4. Each contract column not yet mapped takes the first source column, in the table's alias
   order (`ALIASES`, the contract name itself first), that is still unmapped.
5. Every other column keeps its normalised name; if that name is a contract column name (filled
   from another source column, or excluded with ``None``) it is kept as ``<name>_src``.

Example:
    >>> normalise_header(" Avg. Likes\\n")
    'avg_likes'
    >>> resolve_columns(["Username", "Subscribers count", "Subscribers count"], "influencers").names
    ['account_id', 'followers', 'subscribers_count_2']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from inflresearch.data.contract import column_names

_HANDLES = (
    "username", "user_name", "user", "handle", "account", "account_name", "screen_name",
    "profile", "channel_info", "influencer_insta_name", "instagram_name", "instagram_handle",
    "tiktoker_name", "tiktoker", "tiktok_handle", "youtube_channel", "youtuber", "channel",
    "channel_name", "creator", "influencer", "owner_username", "author",
)  # fmt: skip
_FOLLOWERS = (
    "follower_count", "followers_count", "n_followers", "num_followers", "number_of_followers",
    "subscribers", "subscriber_count", "subscribers_count", "n_subscribers", "followers_at_crawl",
    "fans", "fan_count",
)  # fmt: skip
_NICHE = ("category", "category_1", "genre", "main_category", "content_category", "topic")

ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "influencers": {
        "account_id": _HANDLES,
        "platform": ("network", "social_network", "site"),
        "followers": _FOLLOWERS,
        "avg_likes": ("likes_avg", "average_likes", "mean_likes", "likes_per_post"),
        "avg_comments": ("comments_avg", "average_comments", "mean_comments", "comments_per_post"),
        "avg_views": ("views_avg", "average_views", "mean_views", "avg_plays", "views_per_post"),
        "engagements": (
            "engagement_avg", "engagement_average", "avg_engagement", "average_engagement",
            "eng_avg", "avg_engagements", "mean_engagements", "engagements_per_post",
        ),
        "engagement_rate": (
            "er", "eng_rate", "avg_engagement_rate", "engagement_rate_mean", "60_day_eng_rate",
        ),
        "niche": _NICHE,
        "bio": ("biography", "description", "about"),
        "hashtags": ("tags", "top_hashtags"),
        "posts_count": (
            "posts", "n_posts", "post_count", "num_posts", "number_of_posts", "media_count",
            "uploads", "total_posts", "posts_at_crawl", "n_total_vids",
        ),
        "country": ("creator_country", "country_region"),
        "price_per_post": ("price", "cost_per_post", "rate_per_post", "post_price", "fee"),
    },
    "posts": {
        "account_id": _HANDLES,
        "post_id": ("id", "shortcode", "media_id", "video_id"),
        "posted_at": (
            "taken_at", "taken_at_utc", "taken_at_timestamp", "created_at", "create_time",
            "created_time", "timestamp", "published_at", "publish_time", "post_date", "date",
            "datetime", "time",
        ),
        "likes": ("n_likes", "like_count", "likes_count", "num_likes", "digg_count", "hearts"),
        "comments": ("n_comments", "comment_count", "comments_count", "num_comments"),
        "views": (
            "n_views", "view_count", "views_count", "plays", "n_plays", "play_count",
            "video_views", "video_view_count",
        ),
        "caption": ("text", "description", "desc", "title", "body"),
        "hashtags": ("tags",),
        "followers": _FOLLOWERS,
        "platform": ("network", "social_network", "site"),
        "media_type": ("typename", "type", "post_type", "media"),
        "sponsored": (
            "is_sponsored", "is_sponsored_tag", "paid_partnership", "is_paid_partnership",
            "is_ad",
        ),
        "niche": _NICHE,
    },
    "campaigns": {
        "campaign_id": ("campaign", "campaign_name"),
        "activation_id": ("placement_id", "row_id"),
        "account_id": tuple(h for h in _HANDLES if h != "channel"),
        "channel": ("channel_type", "medium"),
        "followers": _FOLLOWERS,
        "niche": _NICHE,
        "platform": ("network", "social_network", "site"),
        "cost": ("spend", "amount_spent", "cost_usd", "spend_usd", "fee", "price"),
        "impressions": ("imps", "n_impressions"),
        "engagements": ("engagement", "interactions"),
        "clicks": ("link_clicks", "n_clicks"),
        "conversions": ("purchases", "orders", "n_conversions"),
        "revenue": ("sales", "purchase_value", "conversion_value", "revenue_usd"),
        "earned_media_value": ("emv", "media_value"),
    },
}


def normalise_header(name: object) -> str:
    """One header in snake_case (see the module rules); ``""`` when nothing is left.

    Example:
        >>> normalise_header("Eng. (Avg.)"), normalise_header("60_day_eng_rate")
        ('eng_avg', '60_day_eng_rate')
    """
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", str(name)))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("%", " pct ").replace("#", " n ")
    return re.sub(r"[\W_]+", "_", text).strip("_")


def unique_headers(names: Sequence[object]) -> list[str]:
    """Normalised, de-duplicated headers: ``["a", "A", ""]`` -> ``["a", "a_2", "column_3"]``.

    Example:
        >>> unique_headers(["Followers", "Followers", "followers_2"])
        ['followers', 'followers_2', 'followers_2_2']
    """
    out: list[str] = []
    taken: set[str] = set()
    for position, raw in enumerate(names, start=1):
        base = normalise_header(raw) or f"column_{position}"
        name, k = base, 1
        while name in taken:
            k += 1
            name = f"{base}_{k}"
        taken.add(name)
        out.append(name)
    return out


@dataclass(frozen=True)
class ColumnMap:
    """Result of `resolve_columns`: the new name of every source column, in source order;
    ``unknown`` keys of ``columns=`` that match no header, ``excluded`` the raw headers that
    ``columns=`` kept out of the contract (mapped to None)."""

    raw: list[str]
    names: list[str]
    unknown: list[str]
    excluded: list[str] = field(default_factory=list)

    def source_of(self) -> dict[str, str]:
        """Contract-or-extra name -> raw source header (for provenance)."""
        return dict(zip(self.names, self.raw, strict=True))


def resolve_columns(
    raw: Sequence[object], table: str, columns: Mapping[str, str | None] | None = None
) -> ColumnMap:
    """New names for the source headers `raw` of `table` (rules 1-5 of the module docstring).

    ``unknown`` lists the keys of `columns` that match no source header (the loader turns that
    into a `DataError`). A target that is not a contract column raises ``ValueError``.

    Example:
        >>> resolve_columns(["name", "instagram name"], "influencers", {"name": "account_id"}).names
        ['account_id', 'instagram_name']
    """
    contract = column_names(table)
    texts = [str(r) for r in raw]
    normal = unique_headers(texts)
    names: list[str | None] = [None] * len(texts)
    filled: set[str] = set()
    unknown: list[str] = []
    excluded: set[int] = set()
    for key, target in (columns or {}).items():
        if target is not None and target not in contract:
            raise ValueError(
                f"columns={{{key!r}: {target!r}}}: {target!r} is not a column of the {table} "
                f"contract ({', '.join(contract)})"
            )
        if target is not None and target in filled:
            raise ValueError(f"columns=: two source columns are mapped to {target!r}")
        hits = [i for i, (r, n) in enumerate(zip(texts, normal, strict=True)) if key in (r, n)]
        hits = hits or [i for i, n in enumerate(normal) if n == normalise_header(key)]
        free = [i for i in hits if names[i] is None and i not in excluded]
        if not free:
            unknown.append(key)
        elif target is None:
            excluded.add(free[0])
        else:
            names[free[0]] = target
            filled.add(target)
    aliases = ALIASES[table]
    for target in contract:
        if target in filled:
            continue
        for candidate in (target, *aliases.get(target, ())):
            hit = next(
                (i for i, n in enumerate(normal)
                 if n == candidate and names[i] is None and i not in excluded),
                None,
            )
            if hit is not None:
                names[hit] = target
                filled.add(target)
                break
    final = [
        n if n is not None else (f"{normal[i]}_src" if normal[i] in contract else normal[i])
        for i, n in enumerate(names)
    ]
    return ColumnMap(
        raw=texts, names=unique_headers(final), unknown=unknown, excluded=[texts[i] for i in sorted(excluded)]
    )
