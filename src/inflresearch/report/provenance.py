"""Provenance of a run: package version, git commit, input data hashes, cache keys.

A cache key covers the notebook source, the parameters, every input file's content, the package
version and, in a git checkout, the last commit of ``src/`` plus any uncommitted change under it,
so editing the package's own code invalidates cached runs.

Example:
    >>> isinstance(package_version(), str)
    True
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

from inflresearch import __version__
from inflresearch.paths import project_root, sample_dir
from inflresearch.runs import sha256_file


def package_version() -> str:
    """The installed inflresearch version."""
    return __version__


def git_commit(root: Path | None = None) -> str | None:
    """HEAD commit of the project (suffixed ``+dirty`` with uncommitted changes), None without git."""
    root = root or project_root()
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        if head.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def code_version(root: Path | None = None) -> str:
    """The package version, and in a git checkout the last commit of ``src/`` and a hash of its
    uncommitted changes; the package's own code is part of every cache key.

    Example:
        >>> code_version().startswith(package_version())
        True
    """
    root = root or project_root()
    parts = [package_version()]
    commit = _git(root, "log", "-1", "--format=%H", "--", "src")
    if commit:
        parts.append(commit.strip())
        diff = _git(root, "diff", "HEAD", "--", "src")
        if diff:
            parts.append(hashlib.sha256(diff.encode()).hexdigest())
    return " ".join(parts)


def _as_path(value: str) -> Path | None:
    """`value` as an existing file or folder (relative to the project root), else None; text that
    cannot name a file (too long, NUL bytes) is not a path."""
    try:
        path = Path(value).expanduser()
        if not path.is_absolute():
            path = project_root() / path
        return path if path.exists() else None
    except (OSError, ValueError):
        return None


def input_files(parameters: dict[str, Any]) -> list[Path]:
    """Files a run reads, found from its parameter values: existing paths, and "sample" for the
    bundled sample world. Folders contribute their files (sorted)."""
    found: list[Path] = []
    for value in parameters.values():
        values = value if isinstance(value, list | tuple) else [value]
        for v in values:
            if not isinstance(v, str) or not v.strip():
                continue
            if v == "sample":
                folder = sample_dir()
                found.extend(sorted(p for p in folder.iterdir() if p.suffix in (".csv", ".json")))
                continue
            path = _as_path(v)
            if path is None:
                continue
            if path.is_file():
                found.append(path)
            elif path.is_dir():
                found.extend(sorted(p for p in path.rglob("*") if p.is_file()))
    return sorted(set(found))


def input_hashes(parameters: dict[str, Any]) -> dict[Path, str]:
    """SHA-256 of every input file of `parameters` (`input_files`), by resolved path.

    Example:
        >>> all(len(h) == 64 for h in input_hashes({"data": "sample"}).values())
        True
    """
    params = {k: v for k, v in parameters.items() if k != "run_dir"}
    return {path.resolve(): sha256_file(path) for path in input_files(params)}


def cache_key(notebook: Path, parameters: dict[str, Any],
              hashes: dict[Path, str] | None = None) -> str:
    """Hash of the notebook source, the parameters, every input file's content and `code_version`.

    ``run_dir`` is not part of the key: it names where a run goes, not what it computes. `hashes`
    are the inputs' `input_hashes` when already taken (a run takes them before its kernel starts).
    """
    digest = hashlib.sha256()
    digest.update(code_version().encode())
    digest.update(Path(notebook).read_bytes())
    params = {k: v for k, v in parameters.items() if k != "run_dir"}
    digest.update(json.dumps(params, sort_keys=True, default=str).encode())
    for path, sha in sorted((hashes if hashes is not None else input_hashes(params)).items()):
        digest.update(str(path.name).encode())
        digest.update(sha.encode())
    return digest.hexdigest()


def changed_inputs(recorded: list[dict[str, Any]], before: dict[Path, str]) -> list[str]:
    """The files a notebook recorded (``run.data``: path and sha256) whose content differs from
    the hash taken before its kernel started: the file changed during the run.

    Example:
        >>> changed_inputs([{"path": "/x.csv", "sha256": "b"}], {Path("/x.csv"): "a"})
        ['/x.csv']
    """
    out = []
    for record in recorded:
        try:
            path = Path(str(record.get("path"))).resolve()
        except (OSError, ValueError):
            continue
        if path in before and record.get("sha256") != before[path]:
            out.append(str(record.get("path")))
    return out
