"""Platforms side by side, proved on simulated worlds (SIMULATED): two datasets with the same
elasticity b are called different about alpha of the time; two with different b are told apart;
Holm holds the family-wise error across several pairs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from inflresearch.methods.elasticity import log_log_slope
from inflresearch.report.platforms import compare_estimates, comparison_sentence

ALPHA = 0.05


def _dataset(rng: np.random.Generator, b: float, n: int = 250) -> tuple[float, float]:
    """b and its HC4 standard error on one simulated platform: followers log-uniform over 1k-3M,
    heteroskedastic, heavy-tailed noise (the HC4 estimator's job)."""
    x = np.log(10 ** rng.uniform(3, 6.5, n))
    noise = rng.standard_t(5, n) * (0.3 + 0.1 * (x - x.min()))
    slope = log_log_slope(pd.DataFrame({"log_followers": x, "log_engagements": 1.0 + b * x + noise}))
    return slope.estimate, slope.se


def _compare(rng: np.random.Generator, bs: list[float]) -> pd.DataFrame:
    fits = [_dataset(rng, b) for b in bs]
    table = pd.DataFrame({"dataset": [f"d{i}" for i in range(len(bs))], "platform": "p",
                          "estimate": [f[0] for f in fits], "se": [f[1] for f in fits]})
    return compare_estimates(table, alpha=ALPHA)


@pytest.mark.slow
def test_same_b_is_called_different_about_alpha_of_the_time() -> None:
    rng = np.random.default_rng(24)
    worlds = 300
    rate = np.mean([_compare(rng, [0.85, 0.85])["significant"].iloc[0] for _ in range(worlds)])
    # binomial standard error at 0.05 and 300 worlds: 0.013
    assert 0.015 <= rate <= 0.09, rate  # 0.050 measured


def test_different_b_is_detected() -> None:
    rng = np.random.default_rng(7)
    worlds = 60
    found = [_compare(rng, [0.80, 0.95]).iloc[0] for _ in range(worlds)]
    power = np.mean([r["significant"] for r in found])
    assert power >= 0.9, power  # 0.98 over 100 worlds
    # the interval of the difference covers the true -0.15
    coverage = np.mean([r["ci_low"] <= -0.15 <= r["ci_high"] for r in found])
    assert coverage >= 0.88, coverage


@pytest.mark.slow
def test_holm_keeps_the_family_wise_error_across_three_datasets_of_equal_b() -> None:
    rng = np.random.default_rng(3)
    worlds = 300
    any_false = np.mean([_compare(rng, [0.9, 0.9, 0.9])["significant"].any() for _ in range(worlds)])
    assert any_false <= 0.08, any_false  # 0.037 measured


def test_fewer_than_two_usable_estimates_give_no_comparison_and_sentences_say_the_caveat() -> None:
    one = pd.DataFrame({"dataset": ["a", "b"], "platform": ["x", "y"], "estimate": [0.8, np.nan],
                        "se": [0.1, np.nan]})
    assert compare_estimates(one).empty
    two = pd.DataFrame({"dataset": ["Kim 2020", "TikTok 2020"], "platform": ["instagram", "tiktok"],
                        "estimate": [0.8, 0.82], "se": [0.05, 0.05]})
    row = compare_estimates(two).iloc[0]
    assert not row["significant"]
    sentence = comparison_sentence(row, n_pairs=1)
    assert "no difference shown at alpha = 0.05" in sentence and "Kim 2020 (instagram)" in sentence
