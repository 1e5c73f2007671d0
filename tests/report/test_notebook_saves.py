"""The executed notebook is written atomically: a save that fails (here under a file-size limit,
as `ulimit -f` sets) keeps the previous complete notebook and names "File too large"."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import nbformat

from inflresearch.report.papermill_engine import AtomicNotebookFiles, atomic_output

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "fixture_report.ipynb"
LIMIT = 8192  # bytes: more than the first saves of the fixture, less than its finished notebook


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


def test_a_file_size_limit_fails_the_run_naming_it_and_keeps_a_whole_notebook(tmp_path):
    root = tmp_path / "reports"
    done = subprocess.run(
        [sys.executable, "-m", "inflresearch.cli", "run", str(FIXTURE), "--reports", str(root)],
        preexec_fn=_limited, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 1, done.stderr
    first, error = done.stdout.splitlines()[:2]
    assert first.startswith("failed: ")
    assert "File too large" in error and "notebook.ipynb" in error  # was "does not appear to be JSON"
    (folder,) = [p for p in root.iterdir() if p.is_dir()]
    notebook = folder / "notebook.ipynb"
    if notebook.exists():  # the last save that fitted, complete
        nbformat.validate(nbformat.read(notebook, as_version=4))
    assert not list(folder.glob(".*.tmp"))
    run = json.loads((folder / "results.json").read_text())["run"]
    assert run["status"] == "failed" and "File too large" in run["error"]


def test_a_failed_save_leaves_the_previous_notebook_in_place(tmp_path, monkeypatch):
    target = tmp_path / "notebook.ipynb"
    files = AtomicNotebookFiles()
    files.write('{"cells": []}', atomic_output(target))
    assert files.read(atomic_output(target)) == '{"cells": []}'

    write_bytes = Path.write_bytes

    def full(self, data):  # the disk fills up half way through the write
        write_bytes(self, data[:5])
        raise OSError(27, "File too large")

    monkeypatch.setattr(Path, "write_bytes", full)
    try:
        files.write('{"cells": [1, 2, 3]}', atomic_output(target))
    except OSError as exc:
        assert exc.filename == str(target) and exc.strerror == "File too large"
    else:
        raise AssertionError("the failed save was not reported")
    monkeypatch.undo()
    assert target.read_text() == '{"cells": []}' and [p.name for p in tmp_path.iterdir()] == [
        "notebook.ipynb"]
