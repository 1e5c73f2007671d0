"""SIGTERM (cron, CI timeouts, kill) and a SIGINT sent to the plan's process alone stop a plan as
Ctrl-C in a terminal does: running and waiting runs recorded ``interrupted``, exit code 130, one
quiet line, and no worker or kernel left running."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from inflresearch.report.schema_check import validate_results

SLEEPER = """
import os, pathlib, time
pathlib.Path(run_dir, "kernel.pid").write_text(str(os.getpid()))
time.sleep(float(sleep))
"""


def _notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell("sleep = 60\nlabel = 'a'\nrun_dir = None")
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [parameters, nbformat.v4.new_code_cell(SLEEPER)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "sleeper.ipynb"
    nbformat.write(nb, path)
    return path


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting to be reaped has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return out


def _wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return condition()


@pytest.mark.parametrize(("sent", "name"), [(signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "Ctrl-C")])
def test_a_signal_to_the_plan_alone_records_every_run_and_leaves_no_process(tmp_path, sent, name):
    notebook = _notebook(tmp_path)
    plan = tmp_path / "plan.yml"
    plan.write_text(f"name: stopped\nworkers: 1\nruns:\n  - notebook: {notebook}\n"
                    f"    grid: {{label: [first, second]}}\n")
    root = tmp_path / "reports"
    process = subprocess.Popen(
        [sys.executable, "-m", "inflresearch.cli", "plan", str(plan), "--reports", str(root)],
        start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert _wait_for(lambda: list(root.glob("*/kernel.pid")), 240), "the kernel never started"
        (pid_file,) = root.glob("*/kernel.pid")
        kernel = int(pid_file.read_text())
        workers = [p for p in _children(process.pid) if _alive(p)]
        os.kill(process.pid, sent)  # the plan's process only: not its workers, not the kernel
        _, err = process.communicate(timeout=300)
    finally:  # whatever the outcome, nothing of this test outlives it
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == 130, err
    assert err.strip().splitlines()[-1] == (
        f"interrupted: the plan was stopped by {name} (recorded as 'interrupted')")
    assert "Traceback" not in err and "ZMQError" not in err
    (plan_json,) = root.glob("*/plan.json")
    runs = json.loads(plan_json.read_text())["runs"]
    assert [r["status"] for r in runs] == ["interrupted", "interrupted"]
    assert runs[0]["error"] == f"interrupted ({name}) before the run finished"
    assert runs[1]["error"] == f"not started: {name}"
    started = json.loads((root / runs[0]["run_id"] / "results.json").read_text())
    validate_results(started)
    assert started["run"]["status"] == "interrupted"
    assert _wait_for(lambda: not any(_alive(p) for p in [kernel, *workers]), 60), (
        f"left running: {[p for p in [kernel, *workers] if _alive(p)]}")
