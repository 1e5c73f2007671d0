"""The datasets of an `analyze`: named by their known export, and the same data found once.

A dataset is what one run is given: one account or campaign file, or the posts files of one
folder and one preset. It is named by its preset's title ("Kim 2020 Instagram post sample"), else
by its files (relative to the analysed folders). Two datasets hold *the same data* when most of
the accounts of the smaller one are in the other (`SAME_ACCOUNTS`, e.g. Kim's per-account table
derived from its posts, or two monthly snapshots of one top list): the page shows both and counts
the claims of the second (``same_as`` names the first) once only in its Holm family. The first is
the posts table (the rawer data) when there is one, else the dataset with more accounts.
Byte-identical files never become two datasets (`inflresearch.report.file_scan`).

Example:
    >>> a = Dataset(0, "posts", ["p.csv"], "Kim posts", "instagram", accounts=frozenset("abcd"))
    >>> b = Dataset(1, "influencers", ["i.csv"], "Kim accounts", "instagram",
    ...             accounts=frozenset("abc"))
    >>> [d.same_as for d in mark_same_data([b, a])]
    [0, None]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

SAME_ACCOUNTS = 0.5  # share of the smaller dataset's accounts also in the other: the same data


@dataclass(frozen=True)
class Dataset:
    """One run input of an `analyze`: its table, files (labels), name, platform and accounts."""

    id: int
    table: str
    files: list[str]
    name: str
    platform: str | None
    preset: str | None = None
    notes: tuple[str, ...] = ()
    sha256: tuple[str, ...] = ()
    accounts: frozenset[str] = field(default_factory=frozenset, repr=False)
    same_as: int | None = None
    shared: int = 0

    def record(self) -> dict[str, Any]:
        """The JSON record (``analyze.json``) of this dataset, without its account ids."""
        return {"id": self.id, "table": self.table, "files": self.files, "name": self.name,
                "platform": self.platform, "preset": self.preset, "notes": list(self.notes),
                "sha256": list(self.sha256), "accounts": len(self.accounts),
                "same_as": self.same_as, "shared": self.shared}


def dataset_name(title: str | None, files: Sequence[str]) -> str:
    """The preset's title with the number of files, else the file labels.

    Example:
        >>> dataset_name("TikTok 2020 video scrape", ["a.csv", "b.csv"])
        'TikTok 2020 video scrape, 2 files'
        >>> dataset_name(None, ["scrape/posts.csv"])
        'scrape/posts.csv'
    """
    if title:
        return title + (f", {len(files)} files" if len(files) > 1 else "")
    return files[0] if len(files) == 1 else f"{files[0]} and {len(files) - 1} more files"


def unique_names(datasets: Sequence[Dataset]) -> list[Dataset]:
    """The datasets with a file label added to any name that two of them share."""
    counts: dict[str, int] = {}
    for d in datasets:
        counts[d.name] = counts.get(d.name, 0) + 1
    return [replace(d, name=f"{d.name}, {d.files[0]}") if counts[d.name] > 1 else d for d in datasets]


def _priority(d: Dataset) -> tuple[bool, int, int]:
    return d.table != "posts", -len(d.accounts), d.id


def mark_same_data(datasets: Sequence[Dataset], threshold: float = SAME_ACCOUNTS) -> list[Dataset]:
    """The datasets with ``same_as`` set on each one whose accounts are mostly (more than
    `threshold` of the smaller set) those of a dataset ranked before it (posts first, then more
    accounts); ``shared`` counts the accounts in common. Returned in the given order."""
    ranked = sorted(datasets, key=_priority)
    first: list[Dataset] = []
    marked: dict[int, Dataset] = {}
    for d in ranked:
        match = next((f for f in first if d.accounts and f.accounts and
                      len(d.accounts & f.accounts) > threshold * min(len(d.accounts), len(f.accounts))),
                     None)
        if match is None:
            first.append(d)
            marked[d.id] = d
        else:
            marked[d.id] = replace(d, same_as=match.id, shared=len(d.accounts & match.accounts))
    return [marked[d.id] for d in datasets]
