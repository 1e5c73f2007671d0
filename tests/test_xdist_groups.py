"""The shared notebook runs rely on `--dist loadgroup` sending a group's tests to one worker."""

from __future__ import annotations

import pytest


@pytest.mark.xdist_group("probe")
def test_loadgroup_tags_the_tests_of_a_group(request):
    """pytest-xdist groups by a suffix on the node id; a pytest that ignores it (9.2 with xdist
    3.8) would spread a group over the workers and run each shared notebook more than once."""
    if getattr(request.config.option, "loadgroup", False):
        assert request.node.nodeid.endswith("@probe"), request.node.nodeid
