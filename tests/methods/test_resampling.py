"""The pigeonhole (crossed two-factor) bootstrap and concentration measures, on SIMULATED data."""

from __future__ import annotations

import numpy as np
import pytest

from inflresearch.methods.resampling import (
    _POISSON1_CDF,
    _poisson1_counts,
    cluster_bootstrap_sums,
    kish_effective_n,
    multiplicities,
    pigeonhole_bootstrap_sums,
    top_share,
)


def test_poisson_multiplicities_have_mean_and_variance_one():
    m = multiplicities(np.random.default_rng(0), 500, 400)
    assert m.mean() == pytest.approx(1.0, abs=0.01) and m.var() == pytest.approx(1.0, abs=0.02)
    assert (multiplicities(np.random.default_rng(0), 7, 5, "multinomial").sum(axis=1) == 7).all()
    with pytest.raises(ValueError):
        multiplicities(np.random.default_rng(0), 3, 2, "wild")


def test_poisson_counts_are_the_inverse_cdf_lookup_including_the_tail():
    """The fast counts equal the exact lookup, at the steps themselves and far in the tail."""
    u = np.random.default_rng(3).random((400, 500))
    u[0, :23] = np.r_[0.0, _POISSON1_CDF, np.nextafter(1.0, 0.0)]  # on every step, and ~1
    u[1, :12] = np.nextafter(_POISSON1_CDF[:12], 1.0)  # just above each step: counts 1..12
    expected = np.searchsorted(_POISSON1_CDF, u)
    got = _poisson1_counts(u)
    assert got.dtype == float and (got == expected).all()
    assert got[1, :12].tolist() == list(range(1, 13))  # beyond the eight fast steps too


def test_seeded_and_block_size_free():
    rng = np.random.default_rng(1)
    rows, cols = rng.integers(0, 30, 400), rng.integers(0, 90, 400)
    v = rng.random((400, 3))
    a = pigeonhole_bootstrap_sums(v, rows, cols, 300, seed=5)
    b = pigeonhole_bootstrap_sums(v, rows, cols, 300, seed=5)
    np.testing.assert_array_equal(a, b)
    # each replicate is sum_i w_row[r_i] * w_col[c_i] * v_i: check one by brute force
    g = np.random.default_rng(7)
    one = pigeonhole_bootstrap_sums(v, rows, cols, 1, seed=g)
    g = np.random.default_rng(7)
    wr, wc = multiplicities(g, 30, 1)[0], multiplicities(g, 90, 1)[0]
    np.testing.assert_allclose(one[0], (wr[rows] * wc[cols]) @ v)


def _crossed_mean(rng: np.random.Generator, n_rows: int, n_cols: int, n: int
                  ) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    rows, cols = rng.integers(0, n_rows, n), rng.integers(0, n_cols, n)
    y = rng.normal(0, 1, n_rows)[rows] + rng.normal(0, 1, n_cols)[cols] + rng.normal(0, 1, n)
    return float(y.mean()), rows, cols, y


def test_pigeonhole_variance_covers_both_factors_where_one_way_fails():
    """Row and column effects both matter: the pigeonhole variance of a mean is at least the
    true sampling variance (here measured over 400 fresh worlds) and the one-way (rows only)
    cluster bootstrap is far below it."""
    rng = np.random.default_rng(2)
    means = [_crossed_mean(rng, 40, 60, 1200)[0] for _ in range(400)]
    true_var = np.var(means)
    _, rows, cols, y = _crossed_mean(np.random.default_rng(3), 40, 60, 1200)
    v = np.column_stack([y, np.ones_like(y)])
    reps = pigeonhole_bootstrap_sums(v, rows, cols, 2000, seed=4)
    boot_var = np.var(reps[:, 0] / reps[:, 1])
    row_sums = np.column_stack([np.bincount(rows, col, 40) for col in v.T])
    one_way = cluster_bootstrap_sums(row_sums, 2000, seed=4)
    assert 0.8 * true_var < boot_var < 2.0 * true_var
    assert np.var(one_way[:, 0] / one_way[:, 1]) < 0.75 * true_var


def test_kish_and_top_share():
    assert kish_effective_n(np.ones(50)) == 50.0
    assert kish_effective_n(np.r_[100.0, np.ones(99)]) < 4
    assert kish_effective_n(np.zeros(3)) == 0.0
    assert top_share(np.r_[np.full(5, 10.0), np.ones(50)]) == pytest.approx(0.5)


def test_bad_inputs():
    with pytest.raises(ValueError):
        pigeonhole_bootstrap_sums(np.ones((3, 1)), np.array([0, 1]), np.array([0, 1, 2]), 10)
    with pytest.raises(ValueError):
        pigeonhole_bootstrap_sums(np.ones((2, 1)), np.array([0, -1]), np.array([0, 1]), 10)
