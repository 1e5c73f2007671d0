"""Question 04's analysis on SIMULATED posts: both claims tested, or `not testable` with the reason."""

from __future__ import annotations

import pandas as pd

from inflresearch.data.synth import simulate_world
from inflresearch.questions.creators.adjusted import prepare_posts
from inflresearch.questions.creators.analysis import analyse


def _posts(**knobs) -> pd.DataFrame:
    return simulate_world(seed=3, n_influencers=500, n_campaigns=0, with_text=False, **knobs).posts


def test_both_claims_tested_and_estimates_recorded():
    a = analyse(prepare_posts(_posts()), tier_range=(5e3, 1e6), n_boot=100)
    assert [c.testable for c in a.claims()] == [True, True]
    e = a.estimates()
    assert 0.7 < e["elasticity"] < 0.9 and len(e["shortlist"]) == 10
    assert e["reliability"] > 0.5


def test_undated_posts_leave_the_claims_untestable_but_keep_the_shortlist():
    a = analyse(prepare_posts(_posts().drop(columns="posted_at")), tier_range=(5e3, 1e6), n_boot=50)
    assert [c.verdict for c in a.claims()] == ["not testable", "not testable"]
    assert "no dates" in a.claims()[0].note
    assert a.top is not None and len(a.top) == 10


def test_one_post_per_account_says_how_many_were_left_out():
    a = analyse(prepare_posts(_posts(posts_per_account=1.0)), tier_range=(5e3, 1e6), n_boot=50)
    claim = a.claims()[0]
    assert claim.verdict == "not testable"
    assert "500 of 500 accounts have fewer" in claim.note
    assert "adjusted" in a.reasons  # no spread of posts: no standard errors, said so
