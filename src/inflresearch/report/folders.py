"""Reading run folders: a folder's results.json checked against the schema, its status, and
relative links between folders. Shared by the index, the findings page and plans.

Example:
    >>> read_results(Path("no-such-folder")) is None
    True
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote as url_quote

from inflresearch.report.schema_check import validate_results
from inflresearch.runs import RESULTS

OUTPUTS = ("report.html", "notebook.ipynb")


def refuse_constant(name: str) -> None:
    """For `json.loads`'s ``parse_constant``: NaN and Infinity are not JSON."""
    raise ValueError(f"{name} is not valid JSON")


def load_results(folder: Path) -> tuple[dict[str, Any] | None, str | None]:
    """A run folder's results.json checked against its schema, or None and why it is unusable
    (the reason is None when there is no results.json at all)."""
    path = folder / RESULTS
    if not path.is_file():
        return None, None
    try:
        document = json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse_constant)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return None, f"{RESULTS}: {str(exc)[:200]}"
    run = document.get("run") if isinstance(document, dict) else None
    if isinstance(run, dict) and "status" not in run:
        return None, f"{RESULTS} has no run status: the run never finished (stopped or killed)"
    try:
        validate_results(document)
    except ValueError as exc:
        return None, f"{RESULTS}: {str(exc)[:200]}"
    return document, None


def read_results(folder: Path) -> dict[str, Any] | None:
    """A run folder's schema-valid results.json, or None when absent, unreadable or invalid."""
    return load_results(folder)[0]


def run_status(folder: Path, run: dict[str, Any]) -> str:
    """The recorded status, except that a ``succeeded`` run missing an output is ``incomplete``.

    Example:
        >>> run_status(Path("no-such-folder"), {"status": "succeeded"})
        'incomplete'
    """
    status = str(run.get("status", "unknown"))
    needed = ("report.html",) if run.get("by_hand") else OUTPUTS  # a hand run keeps no executed copy
    if status == "succeeded" and not all((folder / name).is_file() for name in needed):
        return "incomplete"
    return status


def href(*parts: str) -> str:
    """A relative, URL-encoded link: ``href("..", "a b", "report.html")`` -> ``'../a%20b/report.html'``;
    a first part other than ``..`` gets ``./`` so no name can act as a URL scheme."""
    encoded = "/".join(p if p == ".." else url_quote(p, safe="") for p in parts)
    return encoded if parts and parts[0] == ".." else "./" + encoded
