"""What a findings page could not test, one line per reason with the datasets it covers.

Each run's not-testable claims carry a long note with that file's own numbers ("Every account has
at least 1,900,000 followers: this is a top list, ..."). `short_reason` reads the reason out of the
note (a known kind of sample in a few words, else its first sentence) so that fifteen top-list
files make one line: "15 datasets: not testable: a top list, selected on the outcome".

Example:
    >>> short_reason("sample unsuitable for a shape test: Every account has at least 2,200,000 "
    ...              "followers: this is a top list, not a cross-section. Top lists are ranked ...")
    'a top list of the biggest accounts, selected on the outcome (ranked on engagement or reach)'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# a phrase of the notebooks' notes -> the reason in a few words (first match wins)
KNOWN = (
    ("this is a top list", "a top list of the biggest accounts, selected on the outcome "
                           "(ranked on engagement or reach)"),
    ("more engagements per post than they have followers",
     "a top list: small accounts enter it only when their engagement is exceptional "
     "(selected on the outcome)"),
    ("follower range is narrow", "the follower range is too narrow (the middle 90% of accounts span "
                                 "less than one decade)"),
)
ALL_FILES = "all files"  # what a question with no table of its kind among the files covers
_PREFIX = re.compile(r"^(?:.*? is not interpretable here|sample unsuitable for [^:]*): ")


def short_reason(note: str | None) -> str:
    """The reason of a not-testable note in a few words (see the module's example)."""
    text = " ".join((note or "no reason given").split())
    for phrase, reason in KNOWN:
        if phrase in text:
            return reason
    text = _PREFIX.sub("", text)
    first = re.split(r"(?<=[.;])\s", text, maxsplit=1)[0]
    return first.rstrip(".;")


@dataclass
class SkipLine:
    """One reason and what it covers: datasets (or files) and claims or notebooks."""

    reason: str
    datasets: list[str] = field(default_factory=list)
    what: list[str] = field(default_factory=list)

    def sentence(self) -> str:
        """``'3 datasets: not testable: <reason>'``.

        Example:
            >>> SkipLine("no cost column", ["a", "b"], ["ROI"]).sentence()
            '2 datasets: not testable: no cost column'
        """
        n = len(self.datasets)
        if self.datasets == [ALL_FILES]:
            return f"On all files: not testable: {self.reason}"
        return f"{n:,} dataset{'s' if n != 1 else ''}: not testable: {self.reason}"


def group_skips(items: Iterable[tuple[str, str, str]]) -> list[SkipLine]:
    """(reason, dataset, what) triples grouped by reason, in order of first appearance; each
    dataset and each `what` (a claim statement or a notebook) listed once per line.

    Example:
        >>> [(s.reason, s.datasets) for s in group_skips([("top", "A", "c1"), ("top", "B", "c1"),
        ...                                                ("narrow", "C", "c1"), ("top", "A", "c2")])]
        [('top', ['A', 'B']), ('narrow', ['C'])]
    """
    lines: dict[str, SkipLine] = {}
    for reason, dataset, what in items:
        line = lines.setdefault(reason, SkipLine(reason))
        if dataset not in line.datasets:
            line.datasets.append(dataset)
        if what not in line.what:
            line.what.append(what)
    return list(lines.values())
