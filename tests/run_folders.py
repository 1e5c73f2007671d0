"""Fake run and plan folders for the index, findings and cache tests (results.json written by hand).

Example:
    >>> results("r1")["run"]["status"]
    'succeeded'
"""

from __future__ import annotations

import json
from pathlib import Path

CLAIM = {
    "id": "c", "statement": "s", "estimate": 1.0, "ci_low": 0.5, "ci_high": 1.5, "p_value": 0.01,
    "p_adjusted": 0.01, "verdict": "supported", "n": 10, "method": "m", "note": "",
}


def results(run_id: str, *, status: str = "succeeded", claims: list | None = None) -> dict:
    return {
        "run": {
            "id": run_id, "notebook": "notebooks/x.ipynb", "parameters": {"data": "sample"},
            "status": status, "started": "2026-01-01T00:00:00+00:00", "seconds": 1.0,
            "package_version": "0", "git_commit": None, "cache_key": f"key-{run_id}", "data": [],
            "error": None,
        },
        "claims": [dict(CLAIM)] if claims is None else claims,
        "estimates": {},
    }


def run_folder(root: Path, name: str, document: object, outputs: bool = True) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(json.dumps(document))
    if outputs:
        (folder / "report.html").write_text("<html></html>")
        (folder / "notebook.ipynb").write_text("{}")
    return folder


def plan_folder(root: Path, name: str, run_ids: list[str]) -> Path:
    folder = root / name
    folder.mkdir()
    runs = [{"notebook": "x", "parameters": {}, "run_id": r, "status": "succeeded"} for r in run_ids]
    (folder / "plan.json").write_text(json.dumps({"name": name, "started": "", "runs": runs}))
    return folder
