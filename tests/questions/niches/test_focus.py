"""The niche-focus test (`micro_audiences_more_focused`) on SIMULATED worlds with a known
focus_slope."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from inflresearch.data.synth import simulate_world
from inflresearch.questions.niches.focus import focus_data, focus_test, topic_entropy
from inflresearch.questions.niches.model import NicheModel
from inflresearch.questions.niches.text import account_documents


def _focus(seed: int, focus_slope: float, n: int = 1500):
    w = simulate_world(seed=seed, n_influencers=n, n_campaigns=0, focus_slope=focus_slope)
    docs = account_documents(w.influencers, w.posts, text_columns=["bio", "hashtags"],
                             post_text_columns=["caption", "hashtags"])
    model = NicheModel(n_niches=6, n_resamples=0, seed=seed).fit(docs)
    return focus_test(focus_data(model, docs, w.influencers))


def test_entropy_is_normalised():
    mix = np.array([[1.0, 0, 0, 0], [0.25] * 4, [0.5, 0.5, 0, 0]])
    np.testing.assert_allclose(topic_entropy(mix), [0.0, 1.0, 0.5])
    with pytest.raises(ValueError):
        topic_entropy(np.ones(3))


@pytest.mark.parametrize(("slope", "verdict"), [(-0.5, "supported"), (0.5, "contradicted")])
def test_the_sign_of_focus_slope_is_recovered(slope, verdict):
    r = _focus(seed=3, focus_slope=slope)
    assert r.claim.verdict == verdict
    assert np.sign(r.claim.estimate) == np.sign(slope)
    assert r.claim.direction == "less" and r.claim.details["mde"] > 0
    assert r.claim.ci_low < r.claim.estimate < r.claim.ci_high


def test_too_few_accounts_is_not_testable():
    d = pd.DataFrame({"followers": [1e3, 1e4, 1e5], "focus": [0.5, 0.4, 0.3], "n_tokens": 10})
    assert focus_test(d).claim.verdict == "not testable"


@pytest.mark.slow
def test_false_positive_rate_without_a_focus_effect():
    """focus_slope = 0: the one-sided 5% test must reject in about 5% of worlds (not more)."""
    p = np.array([_focus(seed=s, focus_slope=0.0, n=800).claim.p_value for s in range(60)])
    rate = float((p < 0.05).mean())
    assert rate <= 0.12, rate  # 60 worlds: 5% +- 2.8% sd; 0.12 is > 2.4 sd above 0.05
    assert 0.2 < float(np.mean(p)) < 0.8  # p-values spread over (0, 1), not piled at one end
