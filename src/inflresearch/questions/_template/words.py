"""The template's claims in words: per claim id, the question it asks (`QUESTIONS`, optional) and
the function writing the evidence of its key-findings answer, after "Yes", "No" or "Not shown"
(in business units, with its interval: see ``questions/engagement/words.py``).

Example:
    >>> dict(SENTENCES)
    {}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from inflresearch.claims import Claim

QUESTIONS: Mapping[str, str] = {}

SENTENCES: Mapping[str, Callable[[Claim], str]] = {}
