"""Size-adjusted engagement and its empirical-Bayes shrinkage on SIMULATED worlds with known truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
from creator_worlds import KNOBS

from inflresearch.data.synth import simulate_world
from inflresearch.questions.creators.adjusted import adjusted_engagement, prepare_posts
from inflresearch.questions.creators.reliability import split_halves
from inflresearch.questions.creators.shortlist import early_scores
from inflresearch.questions.creators.shrinkage import fit_normal_normal


def test_spread_of_account_effects_recovered():
    """tau^2 estimates account_sd^2 = 0.16: mean over 8 worlds within 3 MC standard errors."""
    estimates = [adjusted_engagement(prepare_posts(simulate_world(
        seed=s, n_influencers=500, account_sd=0.4, **KNOBS).posts)).eb.tau2 for s in range(8)]
    mean, se = np.mean(estimates), np.std(estimates, ddof=1) / np.sqrt(len(estimates))
    assert abs(mean - 0.16) < 3 * se + 0.01, (mean, se)


def test_elasticity_recovered_from_posts():
    a = adjusted_engagement(prepare_posts(simulate_world(
        seed=3, n_influencers=800, elasticity=0.7, **KNOBS).posts))
    assert a.slope.ci_low < 0.7 < a.slope.ci_high


def test_shrunk_scores_predict_later_posts_better_than_raw_scores():
    """The point of shrinkage: out of sample, the posterior mean has the smaller squared error."""
    h = split_halves(prepare_posts(simulate_world(
        seed=4, n_influencers=800, account_sd=0.3, **{**KNOBS, "posts_per_account": 7.0}).posts))
    scored = early_scores(h)
    raw_error = np.mean((scored["y_late"] - scored["y_early"]) ** 2)
    shrunk_error = np.mean((scored["y_late"] - (scored["predicted"] + scored["score"])) ** 2)
    assert shrunk_error < 0.9 * raw_error


def test_an_account_with_one_lucky_post_does_not_top_the_ranking():
    rng = np.random.default_rng(0)
    posts = pd.DataFrame({
        "account_id": np.repeat([f"a{i}" for i in range(40)], 10),
        "likes": np.exp(5 + np.repeat(rng.normal(0, 0.5, 40), 10) + rng.normal(0, 1, 400)).round(),
        "followers": np.repeat(np.geomspace(1e4, 1e5, 40), 10),
    })
    lucky = pd.DataFrame({"account_id": ["lucky"], "likes": [np.exp(5 + 2.5).round()],
                          "followers": [1e4]})
    table = adjusted_engagement(prepare_posts(pd.concat([posts, lucky]))).table.set_index("account")
    assert table.loc["lucky", "score"] == table["score"].max()  # best raw score by far
    assert table.loc["lucky", "rank"] > 1
    width = np.log(table["multiple_ci_high"] / table["multiple_ci_low"])
    assert width["lucky"] == width.max()


def test_no_spread_of_true_effects_shrinks_everyone_to_the_size_prediction():
    r = np.random.default_rng(1).normal(0, 0.3, 2000)
    fit = fit_normal_normal(r, np.full(2000, 0.09))
    assert fit.tau2 < 0.005 and np.all(fit.shrinkage > 0.9)
