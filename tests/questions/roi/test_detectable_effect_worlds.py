"""The smallest detectable effect a finding states is the effect found 80% of the time.

In SIMULATED worlds whose true effect equals the MDE the data state (`claims.detectable_effect`,
read from each world's own interval), the claim is `supported` in about 80% of them. Monte-Carlo
error of a share over N worlds: sqrt(0.8 x 0.2 / N) (0.033 at 150, 0.02 at 400); the bands are
three of them.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from inflresearch import claims
from inflresearch.data.synth import simulate_campaign_world
from inflresearch.questions.roi.comparisons import compare_pooled
from inflresearch.questions.roi.metrics import label_groups


def _supported_and_mde(claim: claims.Claim) -> tuple[bool, float]:
    one = claims.adjust_holm([claim])[0]  # a one-claim family: the level is alpha
    return one.verdict == "supported", float(claims.detectable_effect(one)["detectable_effect"])


@pytest.mark.slow
def test_roi_worlds_at_the_stated_mde_are_supported_80_percent_of_the_time():
    """Blog tiers with creator ids (Kish > 30), true ROI difference 0.95 (ROAS 1.5 x lift): the
    worlds state an MDE of 0.965 +- 0.019 on average and 77% +- 3.5% of them are supported
    (measured over seeds 3000-3149). The SE-based MDE used before (2.8 bootstrap SEs) said
    1.06 where 87% +- 3% were supported: it overstated the MDE by ~10%."""
    effect, n_worlds = 0.95, 150
    hits, mdes = [], []
    for seed in range(5000, 5000 + n_worlds):
        w = simulate_campaign_world(seed=seed, kind="blog_tiers", micro_roas_lift=1 + effect / 1.5)
        assert w.truth["true_roi_difference"] == pytest.approx(effect)
        c = w.campaigns.assign(_g=label_groups(w.campaigns["followers"],
                                               {"micro": (5e3, 1e4), "macro": (1e4, 1e5)}))
        row = compare_pooled(c, group="_g", a="micro", b="macro", metrics=("roi",), n_boot=399,
                             seed=seed, cluster2="account_id").table.iloc[0]
        hit, mde = _supported_and_mde(claims.claim_result(
            claims.MICRO_ROI_EXCEEDS_MACRO, estimate=row["estimate"], ci_low=row["ci_low"],
            ci_high=row["ci_high"], p_value=row["p_value"], n=int(row["n"]), method="pigeonhole"))
        hits.append(hit)
        mdes.append(mde)
    mde_mean, mde_se = np.mean(mdes), np.std(mdes, ddof=1) / np.sqrt(n_worlds)
    assert abs(mde_mean - effect) < 3 * mde_se + 0.05 * effect, (mde_mean, mde_se)
    rate = np.mean(hits)
    assert abs(rate - 0.8) < 3 * np.sqrt(0.8 * 0.2 / n_worlds), rate


def _slope_worlds(rng: np.random.Generator, slope: float, n: int, n_worlds: int
                  ) -> tuple[list[bool], list[float]]:
    """OLS slope with a t interval in `n_worlds` worlds y = slope x + N(0, 1) noise."""
    t = stats.t.ppf(0.975, n - 2)
    hits, mdes = [], []
    for _ in range(n_worlds):
        x = rng.standard_normal(n)
        y = slope * x + rng.standard_normal(n)
        b, a = np.polyfit(x, y, 1)
        resid = y - a - b * x
        se = np.sqrt(resid @ resid / (n - 2) / ((x - x.mean()) @ (x - x.mean())))
        hit, mde = _supported_and_mde(claims.claim_result(
            "slope_positive", statement="The slope is positive.", estimate=b,
            ci_low=b - t * se, ci_high=b + t * se, p_value=float(stats.t.sf(b / se, n - 2)),
            n=n, method="OLS"))
        hits.append(hit)
        mdes.append(mde)
    return hits, mdes


@pytest.mark.slow
def test_an_interval_based_mde_is_found_80_percent_of_the_time():
    """A slope with a t interval (n = 200, unit noise): the MDE read from the interval in null
    worlds is 2.8 SE ~ 0.2; at that true slope 80% +- 2% of 400 worlds are supported."""
    rng = np.random.default_rng(11)
    n, n_worlds = 200, 400
    _, null_mdes = _slope_worlds(rng, 0.0, n, n_worlds)
    stated = float(np.mean(null_mdes))
    assert stated == pytest.approx(2.8 / np.sqrt(n), rel=0.05)
    hits, _ = _slope_worlds(rng, stated, n, n_worlds)
    rate = np.mean(hits)
    assert abs(rate - 0.8) < 3 * np.sqrt(0.8 * 0.2 / n_worlds), rate
