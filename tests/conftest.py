"""Shared fixtures: small simulated worlds (session-scoped, so each is built once per worker)."""

from __future__ import annotations

from pathlib import Path

import pytest

from inflresearch.data.synth import World, simulate_world

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
