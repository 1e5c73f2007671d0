"""What changed since the previous run of a plan: parameters, inputs, verdicts, estimates and n.

Runs of the two plans are paired by notebook and by their order among that notebook's runs (so a
run whose parameters changed is still compared, and the change of parameters is named); claims
are paired by id. Every difference is a change: a parameter, an input file (added, removed, new
content or a different row count), a verdict, an estimate (to three significant digits, or one
that appeared or disappeared) and the sample size n. An empty list means nothing changed.

Example:
    >>> old = [{"notebook": "01.ipynb", "parameters": {"alpha": 0.05},
    ...         "doc": {"run": {"data": []}, "claims": []}}]
    >>> new = [{"notebook": "01.ipynb", "parameters": {"alpha": 0.1},
    ...         "doc": {"run": {"data": []}, "claims": []}}]
    >>> run_changes(old, new)
    ['01: parameters changed: alpha 0.05 -> 0.1.']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from inflresearch import claims
from inflresearch.report.folders import read_results
from inflresearch.text import sig

#: one run of a plan: its notebook, parameters and results.json document (None: no results)
RunDoc = Mapping[str, Any]


def plan_runs(root: Path, plan: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The runs of a plan document with their results.json (``doc`` None when unreadable)."""
    out = []
    for record in plan.get("runs", []):
        run_id = str(record.get("run_id") or "")
        folder = root / run_id
        doc = read_results(folder) if run_id and folder.is_dir() else None
        out.append({"notebook": str(record.get("notebook", "")),
                    "parameters": dict(record.get("parameters") or {}), "doc": doc})
    return out


def _value(value: Any) -> str:
    if isinstance(value, float):
        return sig(value, 3) if abs(value) >= 1 else f"{value:g}"
    return "none" if value is None else str(value)


def parameter_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """``['alpha 0.05 -> 0.1']``: every parameter given a different value (or given in one only).

    Example:
        >>> parameter_changes({"alpha": 0.05, "seed": 1}, {"alpha": 0.05, "tiers": "blog"})
        ['seed 1 -> none', 'tiers none -> blog']
    """
    return [f"{k} {_value(old.get(k))} -> {_value(new.get(k))}"
            for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]


def input_changes(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> list[str]:
    """What changed in the input files (results.json ``run.data``), by file name.

    Example:
        >>> a = {"run": {"data": [{"path": "/x/a.csv", "sha256": "1", "rows": 10}]}}
        >>> b = {"run": {"data": [{"path": "/y/a.csv", "sha256": "2", "rows": 12},
        ...                       {"path": "b.csv", "sha256": "3", "rows": 5}]}}
        >>> input_changes(a, b)
        ['a.csv has new content (10 -> 12 rows)', 'b.csv added']
    """
    def files(doc: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
        data = ((doc or {}).get("run") or {}).get("data") or []
        return {Path(str(d.get("path", ""))).name: d for d in data if isinstance(d, Mapping)}

    before, after = files(old), files(new)
    out = []
    for name in sorted(set(before) | set(after)):
        if name not in before:
            out.append(f"{name} added")
        elif name not in after:
            out.append(f"{name} removed")
        elif before[name].get("sha256") != after[name].get("sha256"):
            rows = (f" ({before[name].get('rows'):,} -> {after[name].get('rows'):,} rows)"
                    if before[name].get("rows") != after[name].get("rows") else "")
            out.append(f"{name} has new content{rows}")
    return out


def claim_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """What changed in one claim record (results.json): verdict, estimate, n.

    Example:
        >>> claim_changes({"verdict": "inconclusive", "estimate": -0.24, "n": 300},
        ...               {"verdict": "not testable", "estimate": None, "n": 0})
        ['verdict inconclusive -> not testable', 'estimate -0.240 -> none', 'n 300 -> 0']
    """
    out = []
    if old.get("verdict") != new.get("verdict"):
        out.append(f"verdict {old.get('verdict')} -> {new.get('verdict')}")
    a, b = old.get("estimate"), new.get("estimate")
    shown_a = "none" if a is None else sig(float(a), 3)
    shown_b = "none" if b is None else sig(float(b), 3)
    if shown_a != shown_b:
        out.append(f"estimate {shown_a} -> {shown_b}")
    if old.get("n") != new.get("n"):
        out.append(f"n {_value(old.get('n'))} -> {_value(new.get('n'))}")
    return out


def _pairs(old: Sequence[RunDoc], new: Sequence[RunDoc]) -> list[tuple[RunDoc | None, RunDoc | None]]:
    """Runs paired by notebook and order among that notebook's runs."""
    def by_notebook(runs: Sequence[RunDoc]) -> dict[str, list[RunDoc]]:
        out: dict[str, list[RunDoc]] = {}
        for r in runs:
            out.setdefault(str(r["notebook"]), []).append(r)
        return out

    a, b = by_notebook(old), by_notebook(new)
    pairs: list[tuple[RunDoc | None, RunDoc | None]] = []
    for notebook in sorted(set(a) | set(b)):
        left, right = a.get(notebook, []), b.get(notebook, [])
        pairs.extend((left[i] if i < len(left) else None, right[i] if i < len(right) else None)
                     for i in range(max(len(left), len(right))))
    return pairs


def run_changes(old: Sequence[RunDoc], new: Sequence[RunDoc]) -> list[str]:
    """One line per changed run of a plan against its previous run (none: nothing changed)."""
    lines = []
    for before, after in _pairs(old, new):
        run = before or after
        assert run is not None
        name = Path(str(run["notebook"])).stem
        if before is None or after is None:
            lines.append(f"{name}: a run {'added' if before is None else 'removed'}.")
            continue
        parts = []
        params = parameter_changes(before["parameters"], after["parameters"])
        if params:
            parts.append("parameters changed: " + ", ".join(params))
        inputs = input_changes(before["doc"], after["doc"])
        if inputs:
            parts.append("inputs changed: " + ", ".join(inputs))
        if (before["doc"] is None) != (after["doc"] is None):
            parts.append("results " + ("now missing" if after["doc"] is None else "now present"))
        old_claims = {c.get("id"): c for c in (before["doc"] or {}).get("claims", [])}
        new_claims = {c.get("id"): c for c in (after["doc"] or {}).get("claims", [])}
        for cid in sorted(set(old_claims) | set(new_claims), key=str):
            statement = claims.CLAIMS.get(str(cid), str(cid)).rstrip(".")
            if cid not in old_claims or cid not in new_claims:
                parts.append(f"{statement}: {'new claim' if cid not in old_claims else 'claim gone'}")
                continue
            changed = claim_changes(old_claims[cid], new_claims[cid])
            if changed:
                parts.append(f"{statement}: " + ", ".join(changed))
        if parts:
            lines.append(f"{name}: " + "; ".join(parts) + ".")
    return lines
