"""The one confidence interval for a median: distribution-free, from order statistics.

For n values, the interval [x_(j), x_(n+1-j)] with j the largest integer such that
P(Binomial(n, 1/2) < j) <= alpha / 2 covers the population median with probability at least
1 - alpha for any continuous distribution (exactly, not asymptotically). No resampling, so the
same values always give the same interval; NaN when n is too small for any such interval.

Example:
    >>> median_ci(np.arange(1.0, 21.0), 0.05)
    (6.0, 15.0)
"""

from __future__ import annotations

import numpy as np
from scipy import stats

MIN_N = 6  # below this even [min, max] covers the median less than 95% of the time


def median_ci(values: np.ndarray, alpha: float = 0.05) -> tuple[float, float]:
    """Order-statistic (1 - alpha) interval for the median of `values` (NaNs ignored).

    Example:
        >>> median_ci(np.array([1.0, 2.0, 3.0]), 0.05)
        (nan, nan)
    """
    x = np.sort(np.asarray(values, dtype=float))
    x = x[np.isfinite(x)]
    n = len(x)
    j = int(stats.binom.ppf(alpha / 2, n, 0.5)) if n else 0
    if n < MIN_N or j < 1:
        return float("nan"), float("nan")
    return float(x[j - 1]), float(x[n - j])
