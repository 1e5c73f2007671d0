"""Presets for known public exports, shipped with the package and detected by their headers.

Each preset is a mapping file (`inflresearch.data.mapping`) with a name, a title and a header
``signature``: the file's normalised headers (`inflresearch.data.headers.unique_headers`). A file
matches a preset when its normalised headers are exactly the signature, in any order; an edited
export (a column added or removed) matches none and falls back to the alias map, so a preset never
applies to a file it was not written for. The loaders use the detected preset when no
``columns=`` mapping is given and say which one they used (`LoadResult.preset`).

The presets live in ``known_exports/*.yml`` next to this module, one file per source, with notes,
the ``source`` (who published the data, where) and the ``year`` the data describes shared by every
preset of the file at its top level (a preset may override ``source`` and ``year``).

Example:
    >>> detect_preset(["Rank", "name", "instagram name", "Category_1", "Category_2", "followers",
    ...                "followers", "country", "Eng. (Auth.)", "Eng. (Auth.)", "Eng. (Avg.)",
    ...                "Eng. (Avg.)"]).name
    'hypeauditor-instagram-2022-12'
    >>> detect_preset(["account_id", "followers"]) is None
    True
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from inflresearch.data.headers import unique_headers
from inflresearch.data.mapping import ColumnMapping, parse_mapping
from inflresearch.errors import DataError

FOLDER = Path(__file__).with_name("known_exports")


@dataclass(frozen=True, kw_only=True)
class Preset(ColumnMapping):
    """A mapping for one known export layout, with the header signature that detects it."""

    table: str
    name: str
    title: str
    signature: frozenset[str]
    source: str = ""
    year: int | None = None

    def describe(self) -> str:
        """``name (title)`` for summaries and reports.

        Example:
            >>> get_preset("top-instagram-200").describe()
            'top-instagram-200 (Top 200 Instagram influencers)'
        """
        return f"{self.name} ({self.title})"


def _parse_file(path: Path) -> list[Preset]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    shared = tuple(data.get("notes") or ())
    out = []
    for entry in data["presets"]:
        own = ("name", "title", "signature", "source", "year")
        body = {k: v for k, v in entry.items() if k not in own}
        mapping = parse_mapping(body, f"{path.name}: {entry['name']}")
        if mapping.table is None:
            raise DataError(f"preset {entry['name']!r} names no table", path=path)
        out.append(Preset(
            name=entry["name"], title=entry["title"], signature=frozenset(entry["signature"]),
            table=mapping.table, columns=mapping.columns, platform=mapping.platform,
            notes=mapping.notes + shared, origin=f"preset {entry['name']}",
            source=str(entry.get("source", data.get("source", ""))),
            year=entry.get("year", data.get("year")),
        ))
    return out


@functools.cache
def all_presets() -> tuple[Preset, ...]:
    """Every shipped preset, in file-name order.

    Example:
        >>> len({p.name for p in all_presets()}) == len(all_presets())
        True
    """
    return tuple(p for path in sorted(FOLDER.glob("*.yml")) for p in _parse_file(path))


def get_preset(name: str) -> Preset:
    """The preset called `name` (``ValueError`` listing the names when there is none)."""
    for preset in all_presets():
        if preset.name == name:
            return preset
    raise ValueError(f"no preset {name!r}; known: {', '.join(p.name for p in all_presets())}")


def detect_preset(headers: Sequence[object]) -> Preset | None:
    """The preset whose signature is exactly the normalised `headers` (any order), or None."""
    have = frozenset(unique_headers(headers))
    return next((p for p in all_presets() if p.signature == have), None)
