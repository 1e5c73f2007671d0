"""Run folders and the results.json a notebook writes.

A run folder is ``reports/<run-id>/`` with a sortable UTC timestamp plus a short slug as id; it is
created exclusively, so nothing is ever overwritten. A notebook run by the report pipeline gets its
folder as the ``run_dir`` parameter; one run by hand in JupyterLab gets a new folder.

Example:
    >>> import tempfile
    >>> d = new_run_dir("01 engagement", root=tempfile.mkdtemp())
    >>> d.name[:2], d.name.endswith("-01-engagement")
    ('20', True)
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from inflresearch.atomic import atomic_write_text
from inflresearch.claims import Claim
from inflresearch.paths import reports_dir

RESULTS = "results.json"


def slugify(text: str, limit: int = 40) -> str:
    """Lower-case ASCII slug: ``'01 Engagement!'`` -> ``'01-engagement'``."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].strip("-") or "run"


def new_run_dir(slug: str, *, root: str | Path | None = None) -> Path:
    """Create and return a new, empty run folder named ``<UTC timestamp>-<slug>``."""
    base = Path(root) if root is not None else reports_dir()
    base.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    for attempt in range(1000):
        suffix = "" if attempt == 0 else f"-{attempt}"
        path = base / f"{stamp}{suffix}-{slugify(slug)}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue
    raise RuntimeError(f"could not create a new run folder under {base}")


def folder_time(folder: Path) -> datetime | None:
    """When a run folder was made (`runs.new_run_dir` names it by its UTC time), or None.

    Example:
        >>> folder_time(Path("20261203T141854932685Z-03-roi")).isoformat(timespec="seconds")
        '2026-12-03T14:18:54+00:00'
    """
    try:
        return datetime.strptime(folder.name[:22], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def sha256_file(path: str | Path) -> str:
    """SHA-256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value


def results_document(
    claims: Sequence[Claim],
    estimates: dict[str, Any],
    *,
    notebook: str,
    data: list[dict[str, Any]] | None = None,
    inputs: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The results.json a notebook writes: its ``run`` block (notebook, `data` records of the
    input files, ``inputs``: per input parameter its paths and whether it is simulated), the
    Holm-adjusted `claims` and the `estimates`. The report pipeline completes the run block.

    Example:
        >>> sorted(results_document([], {}, notebook="01_x", inputs={"data": None})["run"])
        ['data', 'inputs', 'notebook']
    """
    if any(c.holm_family_size is None for c in claims):
        raise ValueError("results take Holm-adjusted claims (claims.adjust_holm)")
    run: dict[str, Any] = {"notebook": notebook, "data": list(data or [])}
    if inputs is not None:
        run["inputs"] = dict(inputs)
    return {"run": run, "claims": [c.to_dict() for c in claims], "estimates": estimates}


def write_results(folder: str | Path, document: Mapping[str, Any]) -> Path:
    """The one writer of results.json: `document` as strict JSON (no NaN), written atomically.

    Example:
        >>> import tempfile
        >>> write_results(tempfile.mkdtemp(), {"run": {}, "claims": [], "estimates": {}}).name
        'results.json'
    """
    path = Path(folder) / RESULTS
    atomic_write_text(path, json.dumps(_jsonable(dict(document)), indent=2, allow_nan=False) + "\n")
    return path


def save_results(
    run_dir: str | Path | None,
    claims: Sequence[Claim],
    estimates: dict[str, Any],
    *,
    notebook: str,
    data: list[dict[str, Any]] | None = None,
) -> Path:
    """`results_document` written by `write_results` into `run_dir` (a new run folder when None).

    `claims` must come from `claims.adjust_holm`; `data` is a list of ``{"path", "sha256",
    "rows"}`` records of the inputs.
    """
    folder = Path(run_dir) if run_dir else new_run_dir(Path(notebook).stem)
    folder.mkdir(parents=True, exist_ok=True)
    return write_results(folder, results_document(claims, estimates, notebook=notebook, data=data))


def dataset_record(preset: Any) -> dict[str, Any] | None:
    """What a known-export preset says about the data set a file comes from, for results.json:
    ``{preset, name, source, year, notes}`` (None without a preset).

    Example:
        >>> from inflresearch.data.presets import get_preset
        >>> d = dataset_record(get_preset("top-instagram-200"))
        >>> d["preset"], d["name"], d["year"]
        ('top-instagram-200', 'Top 200 Instagram influencers', 2022)
    """
    if preset is None:
        return None
    return {"preset": preset.name, "name": preset.title, "source": preset.source or None,
            "year": preset.year, "notes": list(preset.notes)}


def data_record(path: str | Path, rows: int, dataset: Mapping[str, Any] | None = None
                ) -> dict[str, Any]:
    """Provenance record of one input file for results.json, with the known data set it comes
    from (`dataset_record`; None when no preset matched)."""
    return {"path": str(path), "sha256": sha256_file(path), "rows": int(rows),
            "dataset": dict(dataset) if dataset is not None else None}
