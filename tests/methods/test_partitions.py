"""The contingency-table ARI and NMI equal scikit-learn's on random, degenerate and subsampled
partitions, so the resampling loops that use them give the same CIs and p-values."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from inflresearch.methods.partitions import ari, codes, nmi


@pytest.mark.parametrize("seed", range(6))
def test_equal_to_sklearn_on_random_and_related_partitions(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 400))
    a = rng.integers(0, int(rng.integers(1, 9)), n)
    b = np.where(rng.random(n) < rng.random(), a, rng.integers(0, int(rng.integers(1, 9)), n))
    names = np.array(list("abcdefghij"))[a]  # strings are coded like sklearn's labels
    for x, y in ((codes(names), codes(b)), (codes(a), codes(b)[rng.permutation(n)])):
        assert ari(x, y) == pytest.approx(adjusted_rand_score(x, y), abs=1e-12)
        assert nmi(x, y) == pytest.approx(normalized_mutual_info_score(x, y), abs=1e-12)
    idx = rng.choice(n, n // 2, replace=False)  # a subsample leaves codes unused
    x, y = codes(a), codes(b)
    assert ari(x[idx], y[idx]) == pytest.approx(adjusted_rand_score(a[idx], b[idx]), abs=1e-12)
    assert nmi(x[idx], y[idx]) == pytest.approx(normalized_mutual_info_score(a[idx], b[idx]),
                                                abs=1e-12)


@pytest.mark.parametrize(("a", "b"), [
    ([0, 0, 0], [0, 0, 0]), ([0, 1, 2], [0, 1, 2]), ([0, 0, 0], [0, 1, 2]), ([0, 0, 1], [1, 1, 0]),
])
def test_degenerate_partitions_match_sklearn(a, b):
    a, b = np.array(a), np.array(b)
    assert ari(a, b) == pytest.approx(adjusted_rand_score(a, b))
    assert nmi(a, b) == pytest.approx(normalized_mutual_info_score(a, b))
