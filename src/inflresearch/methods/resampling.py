"""Vectorised, seeded resampling shared by the ROI tests: cluster bootstrap and permutations.

A cluster bootstrap replicate draws clusters (campaigns) with replacement; because every statistic
here is a function of per-cluster sums, a replicate is a matrix product of the cluster multiplicity
counts with the per-cluster sums, computed for blocks of replicates at once.

Example:
    >>> sums = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> reps = cluster_bootstrap_sums(sums, 4, seed=1)
    >>> reps.shape, bool(np.allclose(reps.sum(axis=1) % 1, 0))
    ((4, 2), True)
"""

from __future__ import annotations

import numpy as np

_BLOCK_CELLS = 4_000_000  # replicates x clusters per block: bounds memory at ~32 MB


def bootstrap_counts(rng: np.random.Generator, n_clusters: int, n_boot: int) -> np.ndarray:
    """Multiplicity of each cluster in `n_boot` resamples of `n_clusters` clusters (int matrix).

    Example:
        >>> c = bootstrap_counts(np.random.default_rng(0), 5, 3)
        >>> c.shape, c.sum(axis=1).tolist()
        ((3, 5), [5, 5, 5])
    """
    draws = rng.integers(0, n_clusters, size=(n_boot, n_clusters))
    offsets = (np.arange(n_boot) * n_clusters)[:, None]
    flat = np.bincount((draws + offsets).ravel(), minlength=n_boot * n_clusters)
    return flat.reshape(n_boot, n_clusters)


def cluster_bootstrap_sums(
    cluster_sums: np.ndarray, n_boot: int, *, seed: int | np.random.Generator = 0
) -> np.ndarray:
    """Bootstrap replicates of column totals: resample the rows (clusters) of `cluster_sums`.

    `cluster_sums` is (clusters x K): per-cluster sums of K quantities. Returns (n_boot x K).
    Pass the rows themselves as clusters for a naive (i.i.d.) bootstrap.

    Example:
        >>> cluster_bootstrap_sums(np.ones((10, 1)), 3, seed=2).ravel().tolist()
        [10.0, 10.0, 10.0]
    """
    sums = np.asarray(cluster_sums, dtype=float)
    if sums.ndim != 2 or len(sums) == 0:
        raise ValueError("cluster_sums must be a non-empty 2-D array (clusters x quantities)")
    if n_boot < 1:
        raise ValueError("n_boot must be at least 1")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    n_clusters = len(sums)
    block = max(1, _BLOCK_CELLS // n_clusters)
    out = np.empty((n_boot, sums.shape[1]))
    for start in range(0, n_boot, block):
        stop = min(n_boot, start + block)
        out[start:stop] = bootstrap_counts(rng, n_clusters, stop - start) @ sums
    return out


def percentile_ci(reps: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided (1 - alpha) percentile interval per column, ignoring NaN replicates.

    Example:
        >>> lo, hi = percentile_ci(np.arange(101.0)[:, None], 0.1)
        >>> float(lo[0]), float(hi[0])
        (5.0, 95.0)
    """
    reps = np.asarray(reps, dtype=float)
    if reps.ndim == 1:
        reps = reps[:, None]
    lo = np.full(reps.shape[1], np.nan)
    hi = np.full(reps.shape[1], np.nan)
    for j in range(reps.shape[1]):
        col = reps[:, j][np.isfinite(reps[:, j])]
        if len(col):
            lo[j], hi[j] = np.quantile(col, [alpha / 2, 1 - alpha / 2])
    return lo, hi


def bootstrap_p(reps: np.ndarray, null: float, direction: str) -> float:
    """One-sided percentile-bootstrap p-value for ``estimate > null`` ("greater") or "less".

    The share of replicates on the null's side, with the +1 correction so it is never 0; it is
    the p-value that inverts the percentile interval.

    Example:
        >>> bootstrap_p(np.array([0.5, 1.0, 2.0, 3.0]), 0.0, "greater")
        0.2
    """
    col = np.asarray(reps, dtype=float)
    col = col[np.isfinite(col)]
    if len(col) == 0:
        return float("nan")
    if direction not in ("greater", "less"):
        raise ValueError("direction must be 'greater' or 'less'")
    beyond = np.sum(col <= null) if direction == "greater" else np.sum(col >= null)
    return float((beyond + 1) / (len(col) + 1))


def stratified_permutations(
    strata: np.ndarray, n_perm: int, *, seed: int | np.random.Generator = 0
) -> np.ndarray:
    """Index arrays that permute rows within strata; `strata` must be sorted (integer codes).

    Returns (n_perm x n) indices: ``labels[idx[p]]`` is the p-th within-stratum permutation.

    Example:
        >>> idx = stratified_permutations(np.array([0, 0, 1, 1, 1]), 2, seed=0)
        >>> bool((np.sort(idx[:, :2], axis=1) == [0, 1]).all())
        True
    """
    strata = np.asarray(strata)
    if np.any(np.diff(strata) < 0):
        raise ValueError("strata must be sorted")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    keys = strata[None, :].astype(float) + rng.random((n_perm, len(strata)))
    return np.argsort(keys, axis=1, kind="stable")
