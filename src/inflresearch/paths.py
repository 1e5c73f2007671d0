"""Where things live, independent of the current directory.

The project root is found from this file (src layout, editable install); `INFLRESEARCH_HOME`
overrides it, for installs outside a clone.

Example:
    >>> (project_root() / "src" / "inflresearch").is_dir() or "INFLRESEARCH_HOME" in os.environ
    True
"""

from __future__ import annotations

import os
from pathlib import Path

SAMPLE_SEED = 7


def project_root() -> Path:
    """The folder holding notebooks/, data/ and reports/."""
    env = os.environ.get("INFLRESEARCH_HOME")
    if env:
        return Path(env).expanduser().resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "notebooks").is_dir():
            return parent
    return Path.cwd().resolve()


def reports_dir() -> Path:
    """Where run folders and the index are written."""
    return project_root() / "reports"


def sample_dir(*, create: bool = True) -> Path:
    """The bundled SIMULATED sample world (data/sample), generated on first use (seed 7)."""
    out = project_root() / "data" / "sample"
    if create and not (out / "truth.json").is_file():
        from inflresearch.data.synth import simulate_world, write_world

        write_world(simulate_world(seed=SAMPLE_SEED), out)
    return out


def sample_file(table: str) -> Path:
    """Path of one table of the sample world, e.g. ``sample_file("posts")``."""
    return sample_dir() / f"{table}.csv"
