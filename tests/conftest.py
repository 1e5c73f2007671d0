"""Shared fixtures: small simulated worlds (session-scoped, so each is built once per worker) and
one end-to-end run of each question's notebook, shared by every test that reads it.

A test reading ``question_run(name)`` is marked ``xdist_group(notebook_runs.run_group(name))``:
with ``--dist loadgroup`` (the Makefile's) all of them land on one worker, so each notebook runs
once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from notebook_runs import small_parameters, write_hostile_world

from inflresearch.data.synth import World, simulate_world
from inflresearch.questions import discover
from inflresearch.report.execute import RunResult, execute_run

REAL_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"


@pytest.fixture(scope="session")
def small_world() -> World:
    """A small SIMULATED world with the default truth (fast)."""
    return simulate_world(seed=11, n_influencers=600, n_campaigns=30)


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The folder of real public exports; tests using it skip when it is absent."""
    if not REAL_DATA.is_dir():
        pytest.skip("the real public exports (../shared/data/real next to the project) are not present")
    return REAL_DATA


@pytest.fixture(scope="session")
def hostile_world(tmp_path_factory) -> dict[str, Path]:
    """The hostile SIMULATED world of `notebook_runs.write_hostile_world`, once per worker."""
    return write_hostile_world(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="session")
def question_run(hostile_world, tmp_path_factory) -> Callable[[str], RunResult]:
    """``question_run(name)``: the question's notebook run once through the report pipeline on the
    hostile world with its small parameters (cached for the session)."""
    questions = {q.name: q for q in discover()}
    done: dict[str, RunResult] = {}

    def run(name: str) -> RunResult:
        if name not in done:
            q = questions[name]
            done[name] = execute_run(q.path, small_parameters(q, hostile_world),
                                     root=tmp_path_factory.mktemp(f"run-{name}"), progress=False)
        return done[name]

    return run
