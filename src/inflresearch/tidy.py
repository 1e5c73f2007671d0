"""Results that print themselves: a tidy table (one row per estimate) with fixed core columns.

Every estimator's result holds its estimates in ``.table``, a DataFrame whose core columns are
`CORE_COLUMNS` (``estimate``, ``ci_low``, ``ci_high``, ``p_value``, ``n``, ``method``; other
columns follow). In a notebook a result shows that table, as statsmodels' summaries do, so cells
end with the result itself.

Example:
    >>> import pandas as pd
    >>> from dataclasses import dataclass
    >>> @dataclass
    ... class Fit(TidyResult):
    ...     table: pd.DataFrame
    >>> fit = Fit(pd.DataFrame({"estimate": [0.8], "ci_low": [0.7], "ci_high": [0.9],
    ...                         "p_value": [0.01], "n": [100], "method": ["OLS"]}))
    >>> "<table" in fit._repr_html_(), list(fit.summary_frame().columns[:2])
    (True, ['estimate', 'ci_low'])
"""

from __future__ import annotations

import pandas as pd

CORE_COLUMNS = ("estimate", "ci_low", "ci_high", "p_value", "n", "method")


class TidyResult:
    """Mixin for result dataclasses with a ``table`` attribute."""

    table: pd.DataFrame

    def summary_frame(self) -> pd.DataFrame:
        """The tidy table: one row per estimate, core columns first."""
        core = [c for c in CORE_COLUMNS if c in self.table.columns]
        return self.table[[*core, *(c for c in self.table.columns if c not in core)]]

    def _repr_html_(self) -> str:
        return str(self.summary_frame().to_html(index=False, na_rep="—"))


def missing_core_columns(table: pd.DataFrame) -> list[str]:
    """The core columns a tidy table lacks (empty when it has them all)."""
    return [c for c in CORE_COLUMNS if c not in table.columns]
