"""Published engagement-rate benchmarks by follower tier, each with its source, year and definition.

These are secondary figures from vendor studies as reported in the trade press - not
observations, and not data to fit models on. They sit next to the tier table so a reader sees how
the data at hand compare with what the folklore quotes. Rates are fractions (0.024 = 2.4%);
``statistic`` says whether the source reports a mean over accounts, a median, or does not say.
An empty ``follower_max`` means an open upper end.

The Markerly (2016) like rates are the origin of the micro-influencer claim: Markerly looked at
about 2 million Instagram accounts (unpaid posts) and reported like rates of about 8% below 1k
followers, 4% at 1k-10k, 2.4% at 10k-100k, 1.7% at 100k-1M and 1.66% at 1M-10M.

Example:
    >>> t = benchmarks(platform="instagram", metric="like_rate")
    >>> t.loc[t["follower_min"] == 1_000, "value"].item()
    0.04
"""

from __future__ import annotations

import math

import pandas as pd

_MARKERLY = (
    "Markerly (2016), Instagram follower size vs engagement study, as reported by Digiday "
    "'The rise of micro-influencers on Instagram' and Marketing Dive (Aug 2016)"
)
_MARKERLY_URL = "https://digiday.com/marketing/micro-influencers"
_MARKERLY_DEF = "likes per post / followers; unpaid posts; ~2 million Instagram accounts"
_ER = "(likes + comments) per post / followers"

#: source, url, year, platform, tier, follower_min, follower_max, metric, statistic, definition,
#: value, value_max, note
_ROWS: tuple[tuple, ...] = (
    (_MARKERLY, _MARKERLY_URL, 2016, "instagram", "<1k", 0, 1_000, "like_rate", "unknown",
     _MARKERLY_DEF, 0.08, None, "'about 8%'"),
    (_MARKERLY, _MARKERLY_URL, 2016, "instagram", "1k-10k", 1_000, 10_000, "like_rate",
     "unknown", _MARKERLY_DEF, 0.04, None, ""),
    (_MARKERLY, _MARKERLY_URL, 2016, "instagram", "10k-100k", 10_000, 100_000, "like_rate",
     "unknown", _MARKERLY_DEF, 0.024, None, "Marketing Dive quotes 2.37%"),
    (_MARKERLY, _MARKERLY_URL, 2016, "instagram", "100k-1M", 100_000, 1_000_000, "like_rate",
     "unknown", _MARKERLY_DEF, 0.017, None, "read from the study's chart as quoted (~1.7%)"),
    (_MARKERLY, "https://www.marketingdive.com/news/brand-marketers-see-higher-engagement-with-"
     "micro-influencers-survey/418109/", 2016, "instagram", "1M-10M", 1_000_000, 10_000_000,
     "like_rate", "unknown", _MARKERLY_DEF, 0.0166, None, ""),
    ("Later x Fohr (2021), 3.5M Instagram posts, via adquadrant.com",
     "https://www.adquadrant.com/influencer-marketing-how-to-determine-rates-for-your-e-"
     "commerce-brand-in-2022/", 2021, "instagram", "nano 1k-10k", 1_000, 10_000,
     "engagement_rate", "mean", _ER, 0.04, None, ""),
    ("TrendHERO State of Influencer Marketing on Instagram, via jasonfalls.com",
     "https://jasonfalls.com/state-of-influencer-marketing-instagram/", None, "instagram",
     "2k-5k", 2_000, 5_000, "engagement_rate", "mean", _ER, 0.046, None, "US accounts"),
    ("TrendHERO State of Influencer Marketing on Instagram, via jasonfalls.com",
     "https://jasonfalls.com/state-of-influencer-marketing-instagram/", None, "instagram",
     "1M+", 1_000_000, None, "engagement_rate", "mean", _ER, 0.015, None, "US accounts"),
    ("HypeAuditor blog, 36,000 Instagram influencers",
     "https://hypeauditor.com/blog/how-do-micro-influencers-and-mega-influencers-compare-in-"
     "instagram-engagement-rates", None, "instagram", "20k-1M+", 20_000, None,
     "engagement_rate", "unknown", _ER, 0.0154, 0.0162,
     "roughly flat between 20k and 1M+; higher below 20k"),
    ("HypeAuditor 2020 State of Instagram Influencer Marketing in Australia, via Business "
     "Insider AU", "https://www.businessinsider.com.au/australian-influencer-earnings-2020-2020-"
     "12", 2020, "instagram", "1M+", 1_000_000, None, "engagement_rate", "unknown", _ER, 0.0222,
     None, "Australia only"),
    ("Statista (2023), worldwide, via Google Dataset Search snippet",
     "https://datasetsearch.research.google.com/search?query=average+engagement+rate+on+"
     "instagram+for+influencers", 2023, "instagram", "nano 1k-10k", 1_000, 10_000,
     "engagement_rate", "mean", _ER, 0.0219, None, "all-tier average 1.85%"),
    ("Statista (2021), United Kingdom, via Google Dataset Search snippet",
     "https://datasetsearch.research.google.com/search?query=average+engagement+rate+on+"
     "instagram+for+influencers", 2021, "instagram", "1k-5k", 1_000, 5_000, "engagement_rate",
     "mean", _ER, 0.0459, None, "United Kingdom"),
    ("Statista (2021), United Kingdom, via Google Dataset Search snippet",
     "https://datasetsearch.research.google.com/search?query=average+engagement+rate+on+"
     "instagram+for+influencers", 2021, "instagram", "5k-20k", 5_000, 20_000, "engagement_rate",
     "mean", _ER, 0.0226, None, "United Kingdom"),
    ("Statista (2023), United States H1, via Google Dataset Search snippet",
     "https://datasetsearch.research.google.com/search?query=average+engagement+rate+on+"
     "instagram+for+influencers", 2023, "instagram", "5k-10k", 5_000, 10_000, "engagement_rate",
     "mean", _ER, 0.0515, None, "United States, Jan-Jun 2023"),
    ("Statista (2023), United States H1, via Google Dataset Search snippet",
     "https://datasetsearch.research.google.com/search?query=average+engagement+rate+on+"
     "instagram+for+influencers", 2023, "instagram", "1M+", 1_000_000, None, "engagement_rate",
     "mean", _ER, 0.0254, None, "United States, Jan-Jun 2023"),
)
COLUMNS = ["source", "url", "year", "platform", "tier", "follower_min", "follower_max", "metric",
           "statistic", "definition", "value", "value_max", "note"]
METRICS = ("like_rate", "engagement_rate")


def benchmarks(platform: str | None = None, metric: str | None = None) -> pd.DataFrame:
    """The published benchmarks, optionally for one platform and metric (like_rate/engagement_rate).

    Example:
        >>> sorted(benchmarks()["metric"].unique())
        ['engagement_rate', 'like_rate']
    """
    if metric is not None and metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; expected one of {', '.join(METRICS)}")
    table = pd.DataFrame(list(_ROWS), columns=COLUMNS)
    table["year"] = table["year"].astype("Int64")
    for column in ("follower_min", "follower_max", "value", "value_max"):
        table[column] = table[column].astype(float)
    if platform is not None:
        table = table[table["platform"] == str(platform).lower()]
    if metric is not None:
        table = table[table["metric"] == metric]
    return table.reset_index(drop=True)


def citation(row: pd.Series) -> str:
    """A one-line citation of a benchmark row: source, year, URL.

    Example:
        >>> citation(benchmarks().iloc[0])[:16]
        'Markerly (2016),'
    """
    year = row["year"]
    when = "" if year is pd.NA or (isinstance(year, float) and math.isnan(year)) else f" [{year}]"
    return f"{row['source']}{when}. {row['url']}"
