"""A simulated world with known truth: demo data and the ground estimators are tested on.

Everything here is SIMULATED. Every knob an estimator is later asked to recover is recorded in
`World.truth` (and in truth.json next to the CSV files), together with a `"simulated": true` flag.

The generative model, per account i with followers F_i (truncated Pareto on [min, max]):

    log E[likes_ip] = log(rate_ref * F_ref) + niche_k + b_k * x_i + c * x_i**2 + u_i
                      + platform_p * x_i + year_t + media_m + sponsored * s_ip + e_ip,
    x_i = log(F_i / F_ref),   u_i ~ N(0, account_sd),   b_k = b + N(0, niche_elasticity_sd)

likes ~ NegativeBinomial(mean, shape=dispersion); comments likewise at comment_ratio x likes.
The account effect u_i is **persistent** (the same on every post of the account: what makes one
creator reliably better than another of her size); e_ip ~ N(0, post_sd) is **post-level noise**
shared by a post's likes, comments and views (0 by default: then the NB dispersion is the only
post-level noise, and no extra random numbers are drawn).
Engagement *rate* then falls with followers exactly when the elasticity b < 1. With c < 0
absolute engagement has an interior maximum at F_ref * exp(-b / (2c)).

Text: each niche has its own vocabulary; an account draws content words from its main niche with
probability p_i = logistic(logit(topic_purity) + focus_slope * (log10 F_i - 5)), otherwise from a
secondary niche or any niche, and mixes in common filler words. `vocab_overlap` replaces that share
of every niche's vocabulary with one pool shared by all niches (weak, overlapping niches).

Data problems of real exports (off by default; engagement, text and prices follow the TRUE
followers, the influencer and post tables report contaminated ones, the campaign table the true
ones): `fake_follower_share` of accounts at 100k followers bought `fake_follower_fraction` extra
(never engaging) followers, a share rising with size by `fake_follower_slope` per decade on the
logit scale; follower growth between post and crawl, log growth ~ N(`crawl_growth_mean`,
`crawl_growth_sd`); `text_volume_slope`: posts per account scale as (F / F_ref) ** slope, so
larger accounts post more text (without any change in focus).

Price per post: price_ref * (F / F_ref) ** price_elasticity * LogNormal(0, price_sd).
Campaigns: influencer activations (accounts drawn at random) and traditional placements; a
campaign shock N(0, campaign_sd) multiplies the conversion rate of all its activations;
impressions ~ reach, engagements ~ NB, clicks ~ Poisson(engagements x click_rate),
conversions ~ Binomial(clicks, conversion rate), revenue = conversions x order value.
Conversion rates are calibrated so that an account at F_ref with zero random effects, and a
traditional placement, have the expected ROAS `influencer_roas` / `traditional_roas`;
activations whose followers lie in `roas_lift_range` convert `roas_lift` times as often.

Example:
    >>> w = simulate_world(seed=1, n_influencers=200, n_campaigns=5)
    >>> sorted(w.tables())
    ['campaigns', 'influencers', 'posts']
    >>> w.truth["elasticity"]
    0.8
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from inflresearch.atomic import atomic_write_text
from inflresearch.safe_csv import to_csv_text

THEMES: dict[str, list[str]] = {
    "fitness": "workout gym training protein muscle cardio squat deadlift fitfam gains hiit yoga "
    "running marathon stretch strength coach bodybuilding abs recovery mobility athlete sweat "
    "crossfit kettlebell pilates endurance bulk shred lifting".split(),
    "food": "recipe dinner brunch vegan baking pasta dessert chef homemade foodie pizza sushi "
    "ramen breakfast salad cookies bread kitchen delicious cake chocolate tacos curry noodles "
    "grill spicy snack coffee foodporn plantbased".split(),
    "travel": "travel wanderlust beach mountains roadtrip passport explore island hiking sunset "
    "adventure backpacking hotel flight vacation journey paris bali tokyo camping ocean "
    "traveler destination cruise airport itinerary nomad landscape lake wander".split(),
    "beauty": "makeup skincare lipstick foundation eyeliner glow serum mascara contour nails "
    "beauty palette blush highlighter eyeshadow lashes moisturizer cleanser tutorial concealer "
    "brows gloss haircare curls fragrance spa facial glam cosmetics bronzer".split(),
    "gaming": "gaming gamer fortnite twitch stream playstation xbox nintendo esports console "
    "minecraft controller speedrun valorant rpg pcgaming loot boss level multiplayer "
    "streamer headset clips ranked patch quest pixel arcade retro warzone".split(),
    "fashion": "fashion outfit ootd style streetwear denim sneakers dress vintage designer "
    "runway lookbook accessories handbag boots jacket trend wardrobe tailoring couture "
    "thrift blazer knit silk menswear stylist collection jewelry hat linen".split(),
    "parenting": "baby toddler mom dad parenting family kids newborn pregnancy motherhood "
    "nursery bedtime homeschool siblings playdate diaper milestones preschool bump momlife "
    "dadlife naptime storytime lunchbox daycare twins teething crayons backpack playground".split(),
    "pets": "dog puppy cat kitten pets doggo rescue adopt paws walkies vet leash grooming "
    "catsofinstagram dogsofinstagram treats fetch bark meow furry hamster parrot bunny "
    "aquarium kennel training breed labrador husky tabby whiskers".split(),
    "tech": "tech gadget smartphone laptop coding developer software startup ai review unboxing "
    "apple android keyboard setup monitor programming python cloud robot drone camera "
    "wearable battery chip linux opensource hardware upgrade benchmark".split(),
    "music": "music guitar singer songwriter concert album piano producer beats vocals band "
    "drums studio playlist rap jazz cover acoustic tour festival dj melody lyrics single "
    "release remix bass orchestra choir vinyl".split(),
}
COMMON_WORDS = (
    "love today happy life day new best time good great thanks friends weekend amazing "
    "beautiful fun check link bio share follow like moment week morning night always"
).split()
GENERIC_TAGS = ["love", "instagood", "photooftheday", "fyp", "happy", "follow"]
COUNTRIES = ["United States", "India", "Brazil", "Indonesia", "United Kingdom", "Germany", "Mexico"]
MEDIA_TYPES = ("photo", "video", "carousel")


@dataclass
class World:
    """The three simulated tables and the truth that generated them."""

    influencers: pd.DataFrame
    posts: pd.DataFrame
    campaigns: pd.DataFrame
    truth: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by contract name."""
        return {"influencers": self.influencers, "posts": self.posts, "campaigns": self.campaigns}


def _truncated_pareto(rng: np.random.Generator, n: int, lo: float, hi: float, alpha: float) -> np.ndarray:
    u = rng.random(n)
    tail = 1.0 - (lo / hi) ** alpha
    return lo * (1.0 - u * tail) ** (-1.0 / alpha)


def _negbin(rng: np.random.Generator, mean: np.ndarray, shape: float) -> np.ndarray:
    """Negative binomial counts with the given mean and variance mean + mean^2 / shape."""
    return rng.poisson(rng.gamma(shape, np.asarray(mean, dtype=float) / shape)).astype(float)


def _vocabularies(rng: np.random.Generator, n_niches: int, overlap: float) -> tuple[list[str], list[list[str]]]:
    names = list(THEMES)[:n_niches] + [f"niche{k + 1}" for k in range(len(THEMES), n_niches)]
    size = 30
    vocab = [THEMES[n][:size] if n in THEMES else [f"{n}w{j}" for j in range(size)] for n in names]
    n_shared = int(round(overlap * size))
    if n_shared:
        shared = [f"shared{j}" for j in range(size)]
        vocab = [shared[:n_shared] + words[: size - n_shared] for words in vocab]
        vocab = [list(rng.permutation(words)) for words in vocab]
    return names, vocab


def _texts(
    rng: np.random.Generator,
    owner: np.ndarray,
    main: np.ndarray,
    second: np.ndarray,
    purity: np.ndarray,
    vocab: list[list[str]],
    n_words: float,
    common_share: float,
) -> list[str]:
    """One text per row of `owner` (account index), mixing niche and common words."""
    n_rows, width = len(owner), max(2, int(round(n_words * 1.6)))
    k = len(vocab)
    p = purity[owner][:, None]
    draw = rng.random((n_rows, width))
    niche = np.where(
        draw < p,
        main[owner][:, None],
        np.where(draw < p + (1 - p) * 0.6, second[owner][:, None], rng.integers(0, k, (n_rows, width))),
    )
    vocab_arr = np.array(vocab, dtype=object)
    word = vocab_arr[niche, rng.integers(0, vocab_arr.shape[1], (n_rows, width))]
    common = np.array(COMMON_WORDS, dtype=object)[rng.integers(0, len(COMMON_WORDS), (n_rows, width))]
    word = np.where(rng.random((n_rows, width)) < common_share, common, word)
    lengths = np.clip(rng.poisson(n_words, n_rows), 2, width)
    return [" ".join(row[:m]) for row, m in zip(word.tolist(), lengths.tolist(), strict=True)]


def _reported_followers(
    rng: np.random.Generator,
    followers: np.ndarray,
    *,
    fake_share: float,
    fake_slope: float,
    fake_fraction: float,
    growth_mean: float,
    growth_sd: float,
) -> np.ndarray:
    """Follower counts as an export reports them: bought followers and growth until the crawl.

    An account buys followers with probability logistic(logit(fake_share) + fake_slope *
    (log10 F - 5)) (the share rises with size when fake_slope > 0) and then reports
    F * (1 + fake_fraction) (bought followers never engage); every account then grows by
    exp(N(growth_mean, growth_sd)) between its posts and the crawl. Both off: the true counts.

    Example:
        >>> f = np.array([1e3, 1e5, 1e7])
        >>> _reported_followers(np.random.default_rng(0), f, fake_share=0.0, fake_slope=0.0,
        ...                     fake_fraction=0.5, growth_mean=0.0, growth_sd=0.0).tolist()
        [1000.0, 100000.0, 10000000.0]
    """
    out = np.asarray(followers, dtype=float).copy()
    if fake_share > 0:
        if not 0 < fake_share < 1:
            raise ValueError("fake_follower_share must lie in [0, 1)")
        logit = np.log(fake_share / (1 - fake_share)) + fake_slope * (np.log10(out) - 5.0)
        bought = rng.random(len(out)) < 1.0 / (1.0 + np.exp(-logit))
        out = np.where(bought, out * (1.0 + fake_fraction), out)
    if growth_mean or growth_sd:
        out = out * np.exp(rng.normal(growth_mean, growth_sd, len(out)))
    return np.round(out)


def simulate_world(
    seed: int = 7,
    n_influencers: int = 3000,
    *,
    followers_min: float = 1e3,
    followers_max: float = 1e7,
    followers_tail: float = 0.35,
    reference_followers: float = 1e5,
    elasticity: float = 0.8,
    curvature: float = 0.0,
    like_rate_at_reference: float = 0.02,
    comment_ratio: float = 0.04,
    views_per_like: float = 12.0,
    account_sd: float = 0.5,
    dispersion: float = 2.0,
    post_sd: float = 0.0,
    n_niches: int = 6,
    niche_sd: float = 0.3,
    niche_elasticity_sd: float = 0.0,
    platforms: dict[str, float] | None = None,
    posts_per_account: float = 12.0,
    first_year: int = 2019,
    n_years: int = 5,
    year_trend: float = -0.15,
    sponsored_share: float = 0.1,
    sponsored_effect: float = -0.3,
    media_effects: dict[str, float] | None = None,
    with_text: bool = True,
    words_per_caption: float = 12.0,
    topic_purity: float = 0.7,
    focus_slope: float = -0.3,
    common_share: float = 0.3,
    vocab_overlap: float = 0.0,
    price_at_reference: float = 1500.0,
    price_elasticity: float = 0.9,
    price_sd: float = 0.35,
    n_campaigns: int = 150,
    activations_per_campaign: tuple[int, int] = (4, 20),
    traditional_campaign_share: float = 0.5,
    campaign_sd: float = 0.4,
    reach_rate: float = 0.25,
    click_rate: float = 0.3,
    order_value: float = 60.0,
    influencer_roas: float = 1.5,
    traditional_roas: float = 1.2,
    traditional_cpm: float = 12.0,
    roas_lift: float = 1.0,
    roas_lift_range: tuple[float, float] = (5e3, 1e4),
    # --- data problems of real exports (influencer and post tables; all off by default) -------
    fake_follower_share: float = 0.0,
    fake_follower_slope: float = 0.0,
    fake_follower_fraction: float = 0.5,
    crawl_growth_mean: float = 0.0,
    crawl_growth_sd: float = 0.0,
    text_volume_slope: float = 0.0,
) -> World:
    """Simulate accounts, posts and campaigns with known truth (see the module docstring).

    Example:
        >>> w = simulate_world(seed=3, n_influencers=500, elasticity=0.7, n_campaigns=10)
        >>> w.truth["elasticity"], len(w.influencers)
        (0.7, 500)
    """
    if n_influencers < 1:
        raise ValueError("n_influencers must be at least 1")
    if not 0 < followers_min < followers_max:
        raise ValueError("need 0 < followers_min < followers_max")
    if n_niches < 1:
        raise ValueError("n_niches must be at least 1")
    if account_sd < 0 or post_sd < 0:
        raise ValueError("account_sd and post_sd must be non-negative")
    params = {k: v for k, v in locals().items() if k not in {"platforms", "media_effects"}}
    platforms = dict(platforms or {"instagram": 0.0})
    media_effects = dict(media_effects or {"photo": 0.0, "video": 0.2, "carousel": 0.1})
    rng = np.random.default_rng(seed)
    n = n_influencers

    # --- accounts -----------------------------------------------------------------------------
    followers = np.round(_truncated_pareto(rng, n, followers_min, followers_max, followers_tail))
    x = np.log(followers / reference_followers)
    niche_names, vocab = _vocabularies(rng, n_niches, vocab_overlap)
    niche_effects = rng.normal(0.0, niche_sd, n_niches)
    niche_slopes = elasticity + rng.normal(0.0, niche_elasticity_sd, n_niches)
    main = rng.integers(0, n_niches, n)
    second = (main + rng.integers(1, max(n_niches, 2), n)) % n_niches if n_niches > 1 else main
    platform_names = list(platforms)
    platform = rng.integers(0, len(platform_names), n)
    platform_slope = np.array([platforms[p] for p in platform_names])[platform]
    account_effect = rng.normal(0.0, account_sd, n)
    log_mu = (
        np.log(like_rate_at_reference * reference_followers)
        + niche_effects[main]
        + niche_slopes[main] * x
        + platform_slope * x
        + curvature * x**2
        + account_effect
    )
    logit = np.log(topic_purity / (1 - topic_purity)) + focus_slope * (np.log10(followers) - 5.0)
    purity = 1.0 / (1.0 + np.exp(-logit))
    ids = np.array([f"sim_{i:06d}" for i in range(n)], dtype=object)
    price = np.round(
        price_at_reference * (followers / reference_followers) ** price_elasticity
        * np.exp(rng.normal(0.0, price_sd, n) - price_sd**2 / 2),
        2,
    )

    reported = _reported_followers(
        np.random.default_rng([seed, 12]), followers, fake_share=fake_follower_share,
        fake_slope=fake_follower_slope, fake_fraction=fake_follower_fraction,
        growth_mean=crawl_growth_mean, growth_sd=crawl_growth_sd,
    )

    # --- posts ----------------------------------------------------------------------------------
    volume = (followers / reference_followers) ** text_volume_slope
    n_posts = 1 + rng.poisson(max(posts_per_account - 1.0, 0.0) * volume, n)
    owner = np.repeat(np.arange(n), n_posts)
    m = len(owner)
    year_index = rng.integers(0, n_years, m)
    year_effects = year_trend * np.arange(n_years)
    start = pd.Timestamp(f"{first_year}-01-01").value // 10**9
    seconds = start + year_index * 365 * 86400 + rng.integers(0, 365 * 86400, m)
    media = rng.integers(0, len(MEDIA_TYPES), m)
    media_arr = np.array([media_effects.get(t, 0.0) for t in MEDIA_TYPES])
    sponsored = rng.random(m) < sponsored_share
    post_mu = np.exp(
        log_mu[owner] + year_effects[year_index] + media_arr[media] + sponsored_effect * sponsored
    )
    if post_sd > 0:  # its own stream: the default world's draws stay as they were
        post_mu = post_mu * np.exp(np.random.default_rng([seed, 13]).normal(0.0, post_sd, m))
    likes = _negbin(rng, post_mu, dispersion)
    comments = _negbin(rng, post_mu * comment_ratio, dispersion)
    views = _negbin(rng, post_mu * views_per_like, dispersion)
    posts = pd.DataFrame(
        {
            "account_id": ids[owner],
            "post_id": [f"p{j:08d}" for j in range(m)],
            "posted_at": pd.to_datetime(seconds, unit="s"),
            "likes": likes,
            "comments": comments,
            "views": views,
            "followers": reported[owner],
            "platform": np.array(platform_names, dtype=object)[platform[owner]],
            "media_type": np.array(MEDIA_TYPES, dtype=object)[media],
            "sponsored": sponsored,
            "niche": np.array(niche_names, dtype=object)[main[owner]],
        }
    )
    if with_text:
        posts["caption"] = _texts(rng, owner, main, second, purity, vocab, words_per_caption, common_share)
        tag_text = _texts(rng, owner, main, second, purity, vocab, 3.0, 0.0)
        extra = np.array(GENERIC_TAGS, dtype=object)[rng.integers(0, len(GENERIC_TAGS), m)]
        coin = rng.random(m)
        posts["hashtags"] = [t if r < 0.5 else f"{t} {e}" for t, e, r in zip(tag_text, extra, coin, strict=True)]

    # --- account table (averages over the account's posts, as exports report them) ------------
    grouped = posts.groupby("account_id", sort=True)[["likes", "comments", "views"]].mean()
    influencers = pd.DataFrame(
        {
            "account_id": ids,
            "platform": np.array(platform_names, dtype=object)[platform],
            "followers": reported,
            "avg_likes": grouped["likes"].to_numpy(),
            "avg_comments": grouped["comments"].to_numpy(),
            "avg_views": grouped["views"].to_numpy(),
        }
    )
    influencers["engagements"] = influencers["avg_likes"] + influencers["avg_comments"]
    influencers["engagement_rate"] = influencers["engagements"] / influencers["followers"]
    influencers["niche"] = np.array(niche_names, dtype=object)[main]
    if with_text:
        influencers["bio"] = _texts(rng, np.arange(n), main, second, purity, vocab, 8.0, common_share)
        influencers["hashtags"] = _texts(rng, np.arange(n), main, second, purity, vocab, 4.0, 0.0)
    influencers["posts_count"] = (n_posts + rng.poisson(300, n)).astype(float)
    influencers["country"] = np.array(COUNTRIES, dtype=object)[rng.integers(0, len(COUNTRIES), n)]
    influencers["price_per_post"] = price

    # --- campaigns ------------------------------------------------------------------------------
    eng_per_post = np.exp(log_mu) * (1 + comment_ratio)
    ref_eng = like_rate_at_reference * reference_followers * (1 + comment_ratio) * np.exp(sponsored_effect)
    cvr_influencer = influencer_roas * price_at_reference / (ref_eng * click_rate * order_value)
    trad_cvr = traditional_roas * traditional_cpm / (1000.0 * 0.004 * order_value)
    lo, hi = activations_per_campaign
    rows: list[pd.DataFrame] = []
    for c in range(n_campaigns):
        shock = rng.normal(0.0, campaign_sd)
        k = int(rng.integers(lo, hi + 1))
        who = rng.integers(0, n, k)
        eng = _negbin(rng, eng_per_post[who] * np.exp(sponsored_effect), dispersion)
        clicks = rng.poisson(eng * click_rate).astype(float)
        lift = np.where((followers[who] >= roas_lift_range[0]) & (followers[who] < roas_lift_range[1]), roas_lift, 1.0)
        cvr = np.clip(cvr_influencer * np.exp(shock - campaign_sd**2 / 2) * lift, 0, 1)
        conv = rng.binomial(clicks.astype(np.int64), cvr).astype(float)
        block = pd.DataFrame(
            {
                "campaign_id": f"c{c:04d}",
                "account_id": ids[who],
                "channel": "influencer",
                "followers": followers[who],
                "niche": np.array(niche_names, dtype=object)[main[who]],
                "platform": np.array(platform_names, dtype=object)[platform[who]],
                "cost": np.round(price[who] * np.exp(rng.normal(0, 0.1, k) - 0.005), 2),
                "impressions": rng.poisson(followers[who] * reach_rate * np.exp(rng.normal(0, 0.3, k))).astype(float),
                "engagements": eng,
                "clicks": clicks,
                "conversions": conv,
                "revenue": np.round(conv * order_value * np.exp(rng.normal(0, 0.2, k) - 0.02), 2),
            }
        )
        rows.append(block)
        if rng.random() < traditional_campaign_share:
            t = int(rng.integers(1, 4))
            cost = np.round(np.exp(rng.normal(np.log(20000), 0.6, t)), 2)
            imps = rng.poisson(cost / traditional_cpm * 1000.0).astype(float)
            t_clicks = rng.binomial(imps.astype(np.int64), 0.004).astype(float)
            t_cvr = np.clip(trad_cvr * np.exp(shock - campaign_sd**2 / 2), 0, 1)
            t_conv = rng.binomial(t_clicks.astype(np.int64), t_cvr).astype(float)
            rows.append(
                pd.DataFrame(
                    {
                        "campaign_id": f"c{c:04d}",
                        "account_id": None,
                        "channel": "traditional",
                        "followers": np.nan,
                        "niche": None,
                        "platform": "tv_print_display",
                        "cost": cost,
                        "impressions": imps,
                        "engagements": np.nan,
                        "clicks": t_clicks,
                        "conversions": t_conv,
                        "revenue": np.round(t_conv * order_value * np.exp(rng.normal(0, 0.2, t) - 0.02), 2),
                    }
                )
            )
    campaigns = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["campaign_id"])
    campaigns.insert(1, "activation_id", [f"a{j:06d}" for j in range(len(campaigns))])

    truth: dict[str, Any] = {
        "simulated": True,
        **params,
        "roas_lift_range": list(roas_lift_range),
        "activations_per_campaign": list(activations_per_campaign),
        "platforms": platforms,
        "platform_elasticities": {p: elasticity + s for p, s in platforms.items()},
        "media_effects": media_effects,
        "year_effects": {str(first_year + t): float(e) for t, e in enumerate(year_effects)},
        "niches": niche_names,
        "niche_effects": dict(zip(niche_names, niche_effects.round(6).tolist(), strict=True)),
        "niche_elasticities": dict(zip(niche_names, niche_slopes.round(6).tolist(), strict=True)),
        "niche_vocabularies": dict(zip(niche_names, vocab, strict=True)),
        "turning_point_followers": (
            float(reference_followers * np.exp(-elasticity / (2 * curvature))) if curvature < 0 else None
        ),
        "conversion_rate_influencer": float(cvr_influencer),
        "conversion_rate_traditional": float(trad_cvr),
        "traditional_click_rate": 0.004,
        "cpe_elasticity": price_elasticity - elasticity,
        "n_posts": int(m),
        "n_activations": int(len(campaigns)),
    }
    return World(influencers=influencers, posts=posts, campaigns=campaigns, truth=truth)


def write_world(world: World, out: str | Path) -> Path:
    """Write the tables as CSV and the truth as truth.json into `out`; same world, same bytes.

    Example:
        >>> import tempfile
        >>> d = write_world(simulate_world(seed=1, n_influencers=50, n_campaigns=2), tempfile.mkdtemp())
        >>> sorted(p.name for p in d.iterdir())
        ['README.md', 'campaigns.csv', 'influencers.csv', 'posts.csv', 'truth.json']
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name, table in world.tables().items():
        text = to_csv_text(table, lineterminator="\n", date_format="%Y-%m-%dT%H:%M:%S")
        atomic_write_text(out / f"{name}.csv", text)
    atomic_write_text(out / "truth.json", json.dumps(world.truth, indent=2, sort_keys=True) + "\n")
    atomic_write_text(
        out / "README.md",
        "# SIMULATED data\n\nThese tables were generated by `inflresearch simulate` "
        f"(seed {world.truth['seed']}). They are not observations of real accounts; truth.json "
        "holds the parameters that generated them.\n",
    )
    return out


# --- campaign worlds for the ROI tests (crossed campaign x creator designs) ----------------------

CAMPAIGN_WORLDS: dict[str, dict[str, Any]] = {
    # Pareto-like followers with an open-ended large tier; cost ~ followers^0.8; few creators
    # carry most of the large group's cost.
    "heavy_tail": {"followers": "pareto", "followers_tail": 0.9, "micro": (5e3, 1e4),
                   "macro": (1e4, None), "campaigns_per_creator": 3.0},
    # the claim's own blog tiers (micro 5k-10k, macro 10k-100k); creators recur in ~12 campaigns
    "blog_tiers": {"followers": "tiers", "micro": (5e3, 1e4), "macro": (1e4, 1e5),
                   "campaigns_per_creator": 12.0},
    # almost every creator appears in one campaign only
    "no_recurrence": {"followers": "pareto", "followers_tail": 1.2, "micro": (5e3, 1e4),
                      "macro": (1e4, None), "campaigns_per_creator": 0.2},
}


def simulate_campaign_world(
    seed: int = 0,
    *,
    kind: str | None = None,
    n_campaigns: int = 60,
    activations_per_campaign: tuple[int, int] = (10, 40),
    followers: str = "pareto",
    followers_min: float = 5e3,
    followers_max: float | None = None,
    followers_tail: float = 1.0,
    micro: tuple[float, float | None] = (5e3, 1e4),
    macro: tuple[float, float | None] = (1e4, None),
    micro_share: float = 0.5,
    campaigns_per_creator: float = 3.0,
    assignment_strength: float = 0.0,
    cost_exponent: float = 0.8,
    price_at_reference: float = 1500.0,
    reference_followers: float = 1e5,
    price_sd: float = 0.3,
    quality_sd: float = 0.4,
    price_quality: float = 0.0,
    roas: float = 1.5,
    micro_roas_lift: float = 1.0,
    creator_sd: float = 0.5,
    campaign_sd: float = 0.4,
    revenue_shape: float = 2.0,
    missing_account_share: float = 0.0,
) -> World:
    """A SIMULATED campaigns table for the ROI tests: crossed campaigns x recurring creators.

    `kind` picks a preset of `CAMPAIGN_WORLDS` ("heavy_tail", "blog_tiers", "no_recurrence");
    explicit keyword arguments are overridden by it only where the preset names them. Per creator:
    followers F (``"pareto"`` from `followers_min`, open-ended when `followers_max` is None, or
    ``"tiers"``: log-uniform within the `micro` or `macro` range, `micro_share` of them micro),
    quality q ~ LogNormal (mean 1, `quality_sd`; it raises engagements and, with `price_quality`,
    the price), a creator luck u ~ LogNormal (mean 1, `creator_sd`) that recurs in every campaign
    she is in. Price = price_ref * (F / F_ref) ** cost_exponent * q ** price_quality * noise.
    Campaign c draws k creators from a pool of ``n_activations / campaigns_per_creator``
    creators; `assignment_strength` > 0 makes big-budget campaigns prefer large creators
    (non-random assignment, independent of the campaign's luck). Revenue = cost * roas *
    lift * q * u * campaign shock * Gamma noise (mean 1), lift = `micro_roas_lift` for creators
    in `micro`. `missing_account_share` of rows lose their creator id.

    The truth records every knob and the estimand: the cost-weighted (pooled) ROI of each group
    over the creator population, ``roas * lift * exp(price_quality * quality_sd**2) - 1``.

    Example:
        >>> w = simulate_campaign_world(seed=1, kind="blog_tiers")
        >>> w.truth["kind"], round(w.truth["true_roi_difference"], 6)
        ('blog_tiers', 0.0)
    """
    knobs: dict[str, Any] = {k: v for k, v in locals().items() if k not in ("seed", "kind")}
    if kind is not None:
        if kind not in CAMPAIGN_WORLDS:
            raise ValueError(f"unknown campaign world {kind!r}; known: {', '.join(CAMPAIGN_WORLDS)}")
        knobs.update(CAMPAIGN_WORLDS[kind])
    if knobs["followers"] not in ("pareto", "tiers"):
        raise ValueError("followers must be 'pareto' or 'tiers'")
    if knobs["campaigns_per_creator"] <= 0:
        raise ValueError("campaigns_per_creator must be positive")
    rng = np.random.default_rng(seed)
    lo_k, hi_k = knobs["activations_per_campaign"]
    sizes = rng.integers(lo_k, hi_k + 1, knobs["n_campaigns"])
    n_pool = max(int(hi_k), int(np.ceil(sizes.sum() / knobs["campaigns_per_creator"])))

    f_min, f_max = knobs["followers_min"], knobs["followers_max"]
    if knobs["followers"] == "pareto":
        u = rng.random(n_pool)
        tail = 1.0 if f_max is None else 1.0 - (f_min / f_max) ** knobs["followers_tail"]
        fol = f_min * (1.0 - u * tail) ** (-1.0 / knobs["followers_tail"])
    else:
        is_micro = rng.random(n_pool) < knobs["micro_share"]
        (a_lo, a_hi), (b_lo, b_hi) = knobs["micro"], knobs["macro"]
        lo_f = np.where(is_micro, a_lo, b_lo)
        hi_f = np.where(is_micro, a_hi, b_hi if b_hi is not None else 10 * b_lo)
        fol = np.exp(rng.uniform(np.log(lo_f), np.log(hi_f)))
    fol = np.round(fol)
    s_q, s_u = knobs["quality_sd"], knobs["creator_sd"]
    quality = np.exp(rng.normal(-s_q**2 / 2, s_q, n_pool))
    luck = np.exp(rng.normal(-s_u**2 / 2, s_u, n_pool))
    p_sd = knobs["price_sd"]
    price = (knobs["price_at_reference"] * (fol / knobs["reference_followers"])
             ** knobs["cost_exponent"] * quality ** knobs["price_quality"]
             * np.exp(rng.normal(-p_sd**2 / 2, p_sd, n_pool)))
    m_lo, m_hi = knobs["micro"]
    in_micro = (fol >= m_lo) & ((fol < m_hi) if m_hi is not None else True)
    lift = np.where(in_micro, knobs["micro_roas_lift"], 1.0)
    niches = np.array(["beauty", "fitness", "food", "tech"])[rng.integers(0, 4, n_pool)]

    # campaigns: Gumbel-top-k draws without replacement; big-budget campaigns prefer big creators
    size_score = (np.log(fol) - np.log(fol).mean()) / max(float(np.log(fol).std()), 1e-9)
    budget = rng.normal(0.0, 1.0, knobs["n_campaigns"])
    s_c = knobs["campaign_sd"]
    shock = np.exp(rng.normal(-s_c**2 / 2, s_c, knobs["n_campaigns"]))
    who_parts, camp_parts = [], []
    for c, k in enumerate(sizes):
        keys = knobs["assignment_strength"] * budget[c] * size_score + rng.gumbel(size=n_pool)
        who_parts.append(np.argpartition(-keys, k - 1)[:k])
        camp_parts.append(np.full(k, c))
    who, camp = np.concatenate(who_parts), np.concatenate(camp_parts)
    n = len(who)
    cost = np.round(price[who] * np.exp(rng.normal(-0.005, 0.1, n)), 2)
    shape = knobs["revenue_shape"]
    mean_rev = cost * knobs["roas"] * lift[who] * quality[who] * luck[who] * shock[camp]
    revenue = np.round(rng.gamma(shape, mean_rev / shape), 2)
    engagements = rng.poisson(fol[who] * 0.03 * quality[who]).astype(float)
    ids = np.array([f"cr{i:05d}" for i in range(n_pool)], dtype=object)
    account = ids[who].copy()
    account[rng.random(n) < knobs["missing_account_share"]] = None
    campaigns = pd.DataFrame({
        "campaign_id": [f"c{c:04d}" for c in camp],
        "activation_id": [f"a{j:06d}" for j in range(n)],
        "account_id": account, "channel": "influencer", "followers": fol[who],
        "niche": niches[who], "cost": cost, "revenue": revenue, "engagements": engagements,
    })
    used, counts = np.unique(who, return_counts=True)
    factor = float(np.exp(knobs["price_quality"] * s_q**2))
    true_roi = {"micro": knobs["roas"] * knobs["micro_roas_lift"] * factor - 1.0,
                "macro": knobs["roas"] * factor - 1.0}
    influencers = pd.DataFrame({"account_id": ids, "followers": fol, "niche": niches,
                                "price_per_post": np.round(price, 2)})
    truth: dict[str, Any] = {
        "simulated": True, "seed": seed, "kind": kind,
        **{k: list(v) if isinstance(v, tuple) else v for k, v in knobs.items()},
        "n_creators_pool": n_pool, "n_creators_used": int(len(used)),
        "mean_campaigns_per_used_creator": float(counts.mean()),
        "n_activations": n, "n_missing_account": int(pd.isna(account).sum()),
        "true_pooled_roi": true_roi,
        "true_roi_difference": true_roi["micro"] - true_roi["macro"],
    }
    return World(influencers=influencers, posts=pd.DataFrame(), campaigns=campaigns, truth=truth)
