"""The bought-follower sensitivity on worlds built on its own scenario: true b = 1, a share s of
100k-follower accounts bought +50% followers, the share rising by 1 per decade on the logit
scale. The table must name a share of about s, and never say that no share explains the decline
away when s did."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from inflresearch.data.synth import simulate_world
from inflresearch.questions.engagement.elasticity import (
    contamination_sensitivity,
    elasticity,
    growth_per_decade,
    sensitivity_sentence,
)

STEEP = 2  # the row of the share rising by 1 per decade


def _bought(seed: int, share: float, n: int = 3_000) -> pd.DataFrame:
    return simulate_world(seed=seed, n_influencers=n, n_campaigns=0, with_text=False,
                          posts_per_account=1, elasticity=1.0, fake_follower_share=share,
                          fake_follower_slope=1.0, fake_follower_fraction=0.5).influencers


def test_half_of_large_accounts_buying_is_not_reported_as_no_share():
    """s = 0.5: the correction at the observed count said "No share of accounts with bought
    followers explains the decline away" in this world."""
    table = contamination_sensitivity(elasticity(_bought(500, 0.5)))
    row = table.iloc[STEEP]
    assert row["needed_for_ci"] <= 0.5 and not row["needed"] < row["needed_for_ci"]
    sentence = sensitivity_sentence(table)
    assert "no longer significant" in sentence and "even a share rising" not in sentence


@pytest.mark.slow
def test_named_share_tracks_the_true_share_from_0_to_half():
    """30 worlds of 3,000 accounts per true share s in 0.1-0.5. Before (probability of buying at
    the observed count): "no share explains it" in up to 75% of worlds at s = 0.5 and a median
    share of 0.28 for 0.5. Now: the sentence never denies an explanation (0 of 150; <= 5%
    allowed), the share at which the decline stops being significant is at most s in >= 90% of
    the 150 worlds (Monte-Carlo sd 0.024 at 0.9) and in >= 75% of the 30 worlds of every share
    (sd 0.055 at 0.9: a per-share floor of 0.9 failed by chance, e.g. 26 of 30 at s = 0.1 while
    146 of 150 held). The median share that brings b to 1, where it exists, never overstates s
    and rises with it, but understates it by about a quarter (0.09, 0.16, 0.22, 0.30 for s = 0.1
    to 0.4): the cautious direction, and the report's sentence says to read it as a lower end."""
    denied, below, medians = 0, [], {}
    for share in (0.1, 0.2, 0.3, 0.4, 0.5):
        rows = []
        for seed in range(30):
            table = contamination_sensitivity(elasticity(_bought(600 + seed, share)))
            denied += not np.isfinite(table["needed_for_ci"].iloc[STEEP])
            rows.append(table.iloc[STEEP])
        below.append(np.mean([r["needed_for_ci"] <= share for r in rows]))
        medians[share] = float(np.nanmedian([r["needed"] for r in rows]))
    assert denied <= 0.05 * 150, denied
    assert np.mean(below) >= 0.9 and min(below) >= 0.75, below
    named = [medians[s] for s in sorted(medians)]
    assert all(m <= s + 0.02 for s, m in medians.items()), medians
    assert all(a < b for a, b in zip(named, named[1:], strict=False)), medians
    assert all(m >= 0.6 * s for s, m in medians.items()), medians



def test_a_flat_top_list_needs_growth_beyond_any_number_and_says_so_without_overflow():
    """b near 0 (b = 0.001 was measured on a HypeAuditor YouTube top list) asked expm1 for
    10**999: a RuntimeWarning in the terminal of every analyze. The growth is now infinite."""
    with np.errstate(all="raise"):
        assert growth_per_decade(0.001) == np.inf
        assert growth_per_decade(0.5) == pytest.approx(9.0)
    assert np.isnan(growth_per_decade(1.1)) and np.isnan(growth_per_decade(-0.2))
