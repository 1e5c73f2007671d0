"""The shortlist a person uses: the tier's top N by shrunk adjusted score, flags by printed rules."""

from __future__ import annotations

import numpy as np
import pandas as pd

from inflresearch.data.synth import simulate_world
from inflresearch.questions.creators.adjusted import adjusted_engagement, prepare_posts
from inflresearch.questions.creators.shortlist import FLAG_RULES, flags, shortlist


def test_each_flag_fires_on_its_rule_only():
    t = pd.DataFrame({"n_posts": [3.0, 20, 20, 20, 20], "top_post_share": [0.4, 0.9, 0.1, 0.1, 0.1],
                      "comments_per_like": [0.05, 0.05, 0.001, 0.05, 0.05],
                      "mean_engagements": [10.0, 10, 10, 500, 10], "followers": 100.0})
    assert flags(t).tolist() == ["few posts", "one viral post", "few comments",
                                 "engagement above followers", ""]
    assert set(FLAG_RULES) == {"few posts", "one viral post", "few comments",
                               "engagement above followers"}


def test_no_comments_column_raises_no_comment_flag():
    t = pd.DataFrame({"n_posts": [20.0, 20], "top_post_share": 0.1, "comments_per_like": np.nan,
                      "mean_engagements": 10.0, "followers": 100.0})
    assert flags(t).tolist() == ["", ""]


def test_shortlist_stays_in_the_tier_and_ranks_by_the_shrunk_score():
    w = simulate_world(seed=5, n_influencers=800, n_campaigns=0, with_text=False)
    a = adjusted_engagement(prepare_posts(w.posts))
    s = shortlist(a, tier_range=(5e3, 1e5), n_pick=10)
    assert len(s) == 10 and s["followers"].between(5e3, 1e5 - 1).all()
    assert s["multiple"].is_monotonic_decreasing
    assert (s["multiple_ci_low"] <= s["multiple"]).all() and (s["multiple"] <= s["multiple_ci_high"]).all()
    niche = str(s["niche"].iloc[0])
    assert (shortlist(a, tier_range=(5e3, 1e5), niche=niche)["niche"] == niche).all()


def test_an_empty_tier_says_why():
    w = simulate_world(seed=5, n_influencers=200, n_campaigns=0, with_text=False)
    s = shortlist(adjusted_engagement(prepare_posts(w.posts)), tier_range=(1e8, None))
    assert s.empty and "100,000,000 or more followers" in s.attrs["empty_reason"]
