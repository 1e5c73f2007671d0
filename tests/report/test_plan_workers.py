"""Plan workers: each takes the next run, a dead or killed worker fails only its run, and Ctrl-C
records every run as interrupted.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from inflresearch.report.plan import load_plan, run_plan
from inflresearch.report.schema_check import validate_results

ROOT = Path(__file__).resolve().parents[2]


FIXTURE = ROOT / "tests" / "fixtures" / "fixture_report.ipynb"


def _notebook(tmp_path: Path, body: str, name: str = "writer") -> Path:
    """A tiny notebook with a parameters cell (run_dir) and one code cell `body`."""
    params = nbformat.v4.new_code_cell("run_dir = None")
    params.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell(f"# {name}"), params, nbformat.v4.new_code_cell(body)]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def _write_plan(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yml"
    path.write_text(text)
    return path


def test_a_worker_takes_the_next_run_and_a_dead_one_is_replaced(tmp_path):
    """One worker runs the runs one after another; the run after a killed worker still runs."""
    pid = ("import os\nfrom inflresearch import runs\n"
           "_ = runs.save_results(run_dir, [], {'worker': os.getppid()}, notebook='pid')")
    ok = _notebook(tmp_path, pid, name="pid")
    killer = _notebook(
        tmp_path, "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)", name="killer"
    )
    plan_file = _write_plan(
        tmp_path, f"name: reuse\nworkers: 1\nruns:\n  - notebook: {ok}\n  - notebook: {ok}\n"
        f"  - notebook: {killer}\n  - notebook: {ok}\n",
    )
    root = tmp_path / "reports"
    result = run_plan(load_plan(plan_file), root=root)
    assert [r["status"] for r in result.runs] == ["succeeded", "succeeded", "failed", "succeeded"]
    workers = [json.loads((root / r["run_id"] / "results.json").read_text())["estimates"]
               .get("worker") for r in result.runs]
    assert workers[0] == workers[1] and workers[3] not in (None, workers[0])


def test_runs_in_one_worker_share_no_globals_and_start_in_warm_kernels(tmp_path):
    """Each run of a worker has a kernel of its own, started ahead with its notebook's imports
    imported: a global set by one run is absent from the next, the notebook's namespace holds
    none of the warm-up's names, and its cells count from 1 as in a fresh kernel."""
    body = ("import os, sys\nwarm = 'inflresearch.runs' in sys.modules\nfrom inflresearch import runs\n"
            "names = sorted(k for k in globals() if not k.startswith('_'))\n"
            "leaked = 'secret' in globals()\nsecret = 42\n"
            "_ = runs.save_results(run_dir, [], {'leaked': leaked, 'names': ' '.join(names), "
            "'warm': warm, 'count': get_ipython().execution_count, "
            "'kernel': os.getpid(), 'worker': os.getppid()}, notebook='globals')")
    nb = _notebook(tmp_path, body, name="globals")
    plan_file = _write_plan(tmp_path, f"name: fresh\nworkers: 1\nruns:\n  - notebook: {nb}\n"
                            f"  - notebook: {nb}\n  - notebook: {nb}\n")
    root = tmp_path / "reports"
    result = run_plan(load_plan(plan_file), root=root)
    assert [r["status"] for r in result.runs] == ["succeeded"] * 3
    seen = [json.loads((root / r["run_id"] / "results.json").read_text())["estimates"]
            for r in result.runs]
    assert len({s["worker"] for s in seen}) == 1  # one worker ran them all
    assert len({s["kernel"] for s in seen}) == 3  # each in a kernel of its own
    assert not any(s["leaked"] for s in seen)
    assert all(s["warm"] for s in seen)  # the warm-up imported what the notebook imports
    assert {s["count"] for s in seen} == {seen[0]["count"]} and seen[0]["count"] <= 4
    for s in seen:  # the parameters, this cell's own imports and the names IPython defines
        assert set(s["names"].split()) <= {"run_dir", "os", "sys", "warm", "runs", "In", "Out", "exit",
                                           "quit", "get_ipython", "open"}, s["names"]


def test_a_killed_worker_fails_only_its_run(tmp_path):
    killer = _notebook(
        tmp_path, "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)", name="killer"
    )
    plan_file = _write_plan(
        tmp_path,
        f"name: dies\nworkers: 2\nruns:\n  - notebook: {killer}\n"
        f"  - notebook: {FIXTURE}\n    grid: {{bio: [one, two]}}\n",
    )
    root = tmp_path / "reports"
    result = run_plan(load_plan(plan_file), root=root)
    assert [r["status"] for r in result.runs] == ["failed", "succeeded", "succeeded"]
    assert "worker process died (killed by signal SIGKILL)" in result.runs[0]["error"]
    dead = root / result.runs[0]["run_id"]
    doc = json.loads((dead / "results.json").read_text())
    validate_results(doc)
    assert doc["run"]["status"] == "failed" and (dead / "report.html").is_file()
    assert json.loads((result.folder / "plan.json").read_text())["runs"] == result.runs
    assert "1 run(s) failed" in result.findings.read_text()
    index = (root / "index.html").read_text()
    assert dead.name in index and "dies" in index


def test_ctrl_c_marks_the_run_interrupted_lists_it_and_exits_130(tmp_path):
    root = tmp_path / "reports"
    process = subprocess.Popen(
        [sys.executable, "-m", "inflresearch.cli", "run", str(FIXTURE), "-p", "sleep", "60",
         "--reports", str(root)],
        start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 90
    while not list(root.glob("*/notebook.ipynb")) and time.monotonic() < deadline:
        time.sleep(0.3)
    time.sleep(4)  # into the sleeping cell
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=90)
    assert process.returncode == 130
    assert err.strip().splitlines()[-1].startswith("interrupted:")
    assert "KeyboardInterrupt" not in err
    (folder,) = [p for p in root.iterdir() if p.is_dir()]
    doc = json.loads((folder / "results.json").read_text())
    validate_results(doc)
    assert doc["run"]["status"] == "interrupted"
    assert folder.name in (root / "index.html").read_text()


def test_ctrl_c_in_a_plan_records_every_run_and_writes_the_plan(tmp_path):
    plan_file = _write_plan(
        tmp_path,
        f"name: stopped\nworkers: 1\nruns:\n  - notebook: {FIXTURE}\n    parameters: {{sleep: 60}}\n"
        f"    grid: {{bio: [first, second]}}\n",
    )
    root = tmp_path / "reports"
    process = subprocess.Popen(
        [sys.executable, "-m", "inflresearch.cli", "plan", str(plan_file), "--reports", str(root)],
        start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 120
    while not list(root.glob("*/notebook.ipynb")) and time.monotonic() < deadline:
        time.sleep(0.3)
    time.sleep(4)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130
    assert err.strip().splitlines()[-1].startswith("interrupted:")
    (plan_json,) = root.glob("*/plan.json")
    runs = json.loads(plan_json.read_text())["runs"]
    assert [r["status"] for r in runs] == ["interrupted", "interrupted"]
    assert runs[1]["error"] == "not started: Ctrl-C"
    started = json.loads((root / runs[0]["run_id"] / "results.json").read_text())
    assert started["run"]["status"] == "interrupted"
    index = (root / "index.html").read_text()
    assert runs[0]["run_id"] in index and "stopped" in index
