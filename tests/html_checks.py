"""Checks shared by the report tests: a stakeholder's HTML is self-contained and inert."""

from __future__ import annotations

import re

REMOTE = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?https?://", re.I)


def assert_self_contained(page: str) -> None:
    """No resource from the network, no script, no iframe."""
    assert not REMOTE.search(page), "a resource is loaded from the network"
    assert "<script" not in page.lower(), "the page carries a script"
    assert "<iframe" not in page.lower()
