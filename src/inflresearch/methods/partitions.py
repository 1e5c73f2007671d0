"""Agreement between two partitions (ARI, NMI) from their contingency table, for resampling loops.

scikit-learn's `adjusted_rand_score` and `normalized_mutual_info_score` validate and re-encode
their label arrays on every call, which dominates loops of hundreds of subsamples and permutations
of a few thousand accounts. Here the labels are integer-coded once (`codes`) and each replicate
costs one `np.bincount`; the formulas are scikit-learn's (pair counts for ARI, arithmetic-mean
normalised mutual information), so the values are the same to rounding.

Example:
    >>> a, b = codes(["x", "x", "y", "y"]), codes([1, 1, 2, 3])
    >>> round(ari(a, b), 4), round(nmi(a, b), 4)
    (0.5714, 0.8)
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import mutual_info_score


def codes(labels: object) -> np.ndarray:
    """Labels as integer codes 0..n_labels-1 (sorted label order).

    Example:
        >>> codes(["b", "a", "b"]).tolist()
        [1, 0, 1]
    """
    return np.unique(np.asarray(labels), return_inverse=True)[1].astype(np.int64).ravel()


def contingency(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Counts of each (a, b) code pair, rows and columns that are empty left out.

    Example:
        >>> contingency(np.array([0, 0, 2]), np.array([1, 1, 0])).tolist()
        [[0, 2], [1, 0]]
    """
    nb = int(b.max()) + 1 if len(b) else 1
    na = int(a.max()) + 1 if len(a) else 1
    table = np.bincount(a * nb + b, minlength=na * nb).reshape(na, nb)
    return table[table.sum(1) > 0][:, table.sum(0) > 0]


def ari(a: np.ndarray, b: np.ndarray) -> float:
    """Adjusted Rand index of two integer-coded partitions of the same items.

    Example:
        >>> ari(np.array([0, 0, 1, 1]), np.array([1, 1, 0, 0]))
        1.0
    """
    c = contingency(a, b)
    n = int(c.sum())
    sum_squares = int((c * c).sum())
    n_c, n_k = c.sum(axis=1), c.sum(axis=0)
    fp = int((c @ n_k).sum()) - sum_squares
    fn = int((c.T @ n_c).sum()) - sum_squares
    tp = sum_squares - n
    tn = n * n - fp - fn - sum_squares
    if fn == 0 and fp == 0:
        return 1.0
    return float(2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn)))


def _entropy(counts: np.ndarray) -> float:
    pi = counts[counts > 0].astype(np.float64)
    total = pi.sum()
    return float(-np.sum((pi / total) * (np.log(pi) - np.log(total))))


def nmi(a: np.ndarray, b: np.ndarray) -> float:
    """Normalised mutual information (arithmetic mean of the entropies) of two coded partitions.

    Example:
        >>> nmi(np.array([0, 0, 1, 1]), np.array([0, 0, 0, 0]))
        0.0
    """
    c = contingency(a, b)
    if c.shape[0] == c.shape[1] == 1:
        return 1.0
    mi = mutual_info_score(None, None, contingency=c)
    if mi == 0:
        return 0.0
    return float(mi / np.mean([_entropy(c.sum(axis=1)), _entropy(c.sum(axis=0))]))
