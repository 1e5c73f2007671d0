"""The template's claims in words: per claim id, the function writing its key-findings sentence
(in business units, with its interval: see ``questions/engagement/words.py``).

Example:
    >>> dict(SENTENCES)
    {}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from inflresearch.claims import Claim

SENTENCES: Mapping[str, Callable[[Claim], str]] = {}
