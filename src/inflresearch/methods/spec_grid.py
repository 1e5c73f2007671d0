"""A claim over a grid of specifications: per-specification verdicts, a count, one line.

A specification is one way of defining what the claim's words mean (a tier scheme, an
engagement-rate definition). The grid is *reported, not mined*: the verdict of record stays the
pre-specified specification's; the grid says whether that verdict survives the other choices.

Each row of a grid table holds ``specification`` (a label), ``primary`` (the pre-specified
row), ``estimate``, ``ci_low``, ``ci_high`` (two-sided 1 - alpha), ``p_value`` (two-sided),
``withheld`` (a verdict the claim's own rules withhold) and ``note``. `grid_verdicts` adds each
row's verdict by the report's rule, unadjusted (two-sided p < alpha and the interval on one side
of the null; the claimed direction is "supported"), and ``p_holm``: Holm's adjustment over the
grid's estimable rows, so that the smallest of them is a summary p valid for "supported under at
least one specification" (family-wise, the number of specifications accounted for).

Example:
    >>> t = pd.DataFrame({"specification": ["a", "b", "c"], "primary": [True, False, False],
    ...                   "estimate": [0.8, 0.7, 1.02], "ci_low": [0.7, 0.6, 0.95],
    ...                   "ci_high": [0.9, 0.8, 1.09], "p_value": [1e-4, 1e-6, 0.6]})
    >>> g = grid_verdicts(t, null=1.0, direction="less", alpha=0.05)
    >>> line = robustness_line(grid_summary(g), unit="definitions")
    >>> line[:82]
    'supported under 2 of 3 definitions (each at alpha, unadjusted); the one exception:'
    >>> line[83:]  # doctest: +NORMALIZE_WHITESPACE
    'c (inconclusive). The verdict of record is the pre-specified a; the grid is reported, not
    searched. Smallest p across the grid, Holm-adjusted for 3 definitions: < 0.001.'
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from inflresearch.claims import format_p

VERDICTS = ("supported", "contradicted", "inconclusive")
_SHOWN = 4  # exceptions named in the line; the rest are counted


def holm(p_values: np.ndarray) -> np.ndarray:
    """Holm step-down adjusted p-values (NaN stays NaN).

    Example:
        >>> holm(np.array([0.01, 0.04, np.nan, 0.03])).round(2).tolist()
        [0.03, 0.06, nan, 0.06]
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full_like(p, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    order = ok[np.argsort(p[ok], kind="stable")]
    m = len(order)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out


def grid_verdicts(table: pd.DataFrame, *, null: float, direction: str, alpha: float) -> pd.DataFrame:
    """`table` with ``verdict`` per specification (unadjusted, the report's rule) and ``p_holm``.

    `direction` is the claimed side of the null: ``"less"`` or ``"greater"``. A row without an
    estimate is ``not estimable``; a ``withheld`` row is at most ``inconclusive``.
    """
    if direction not in ("less", "greater"):
        raise ValueError(f"direction must be 'less' or 'greater', got {direction!r}")
    out = table.copy()
    withheld = out["withheld"].fillna(False).astype(bool) if "withheld" in out else False
    firm = (out["p_value"] < alpha) & ~withheld
    below, above = out["ci_high"] < null, out["ci_low"] > null
    claimed, other = (below, above) if direction == "less" else (above, below)
    out["verdict"] = np.select([out["estimate"].isna(), firm & claimed, firm & other],
                               ["not estimable", "supported", "contradicted"], "inconclusive")
    out["p_holm"] = holm(out["p_value"].where(out["estimate"].notna()).to_numpy(dtype=float))
    return out


def grid_summary(table: pd.DataFrame) -> dict[str, Any]:
    """Counts of a `grid_verdicts` table, the verdict of record and the exceptions to it.

    ``exceptions`` lists the estimable specifications whose verdict differs from the primary
    row's (``[label, verdict]`` pairs); without a primary row the most common verdict stands in
    and ``record`` says so. ``min_p_holm`` is the smallest Holm-adjusted p over the grid.

    Example:
        >>> t = pd.DataFrame({"specification": ["a", "b"], "primary": [True, False],
        ...                   "verdict": ["supported", "inconclusive"], "p_holm": [0.01, 0.3],
        ...                   "estimate": [1.0, 2.0]})
        >>> grid_summary(t)["exceptions"]
        [['b', 'inconclusive']]
    """
    ok = table[table["verdict"] != "not estimable"]
    counts = {v: int((ok["verdict"] == v).sum()) for v in VERDICTS}
    primary = table[table["primary"].astype(bool)] if "primary" in table else table.iloc[:0]
    if len(primary):
        record, of_record = str(primary["verdict"].iloc[0]), str(primary["specification"].iloc[0])
    else:
        record = max(VERDICTS, key=lambda v: counts[v]) if len(ok) else "not estimable"
        of_record = None
    exceptions = [[str(s), str(v)] for s, v in zip(ok["specification"], ok["verdict"], strict=True)
                  if v != record]
    p = ok["p_holm"].to_numpy(dtype=float)
    return {
        "n_specifications": int(len(table)),
        "n_estimable": int(len(ok)),
        "counts": counts,
        "verdict_of_record": record,
        "specification_of_record": of_record,
        "n_agreeing": int(counts.get(record, 0)),
        "exceptions": exceptions,
        "min_p_holm": float(np.nanmin(p)) if len(p) and np.isfinite(p).any() else None,
        "adjustment": "Holm over the grid's estimable specifications",
    }


def robustness_line(summary: dict[str, Any], *, unit: str = "specifications") -> str:
    """One sentence for the key findings: how many specifications agree, and the exceptions.

    Example:
        >>> robustness_line({"n_estimable": 0, "verdict_of_record": "not estimable"})
        'No specification of the grid could be estimated.'
    """
    n = summary["n_estimable"]
    if not n:
        return "No specification of the grid could be estimated."
    record, agree = summary["verdict_of_record"], summary["n_agreeing"]
    exc = summary["exceptions"]
    text = f"{record} under {agree} of {n} {unit} (each at alpha, unadjusted)"
    if exc:
        named = ", ".join(f"{s} ({v})" for s, v in exc[:_SHOWN])
        more = f" and {len(exc) - _SHOWN} more" if len(exc) > _SHOWN else ""
        head = "the one exception" if len(exc) == 1 else f"the {len(exc)} exceptions"
        text += f"; {head}: {named}{more}"
    text += "."
    if summary.get("specification_of_record"):
        text += (f" The verdict of record is the pre-specified {summary['specification_of_record']}; "
                 "the grid is reported, not searched.")
    if summary.get("min_p_holm") is not None:
        text += (f" Smallest p across the grid, Holm-adjusted for {n} {unit}: "
                 f"{format_p(summary['min_p_holm'])}.")
    return text
