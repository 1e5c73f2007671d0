"""The mapping file: one YAML format saying which table a file is and how its columns map.

The same file works in ``inflresearch validate --mapping FILE``, ``inflresearch aggregate
--mapping FILE``, and in notebooks and plans as the ``columns`` parameter
(``inflresearch run NOTEBOOK -p columns my-mapping.yml``). The shipped presets for known public
exports (`inflresearch.data.presets`) are written in the same format, plus a header signature::

    table: influencers          # influencers, posts or campaigns (optional in notebooks)
    platform: youtube           # optional: fills the platform when the file has none
    preset: hypeauditor-youtube-2022-11-12   # optional: start from a shipped preset
    columns:                    # source header (as written, or normalised) -> contract column
      Youtube channel: account_id
      Followers: followers
      Country: null             # null: keep this column out of the contract
    notes:                      # optional: caveats a report should repeat
      - "Country is the audience's country, not the creator's"

Columns not named keep the alias map of `inflresearch.data.headers`. A user's file is read by
`inflresearch.data.mapping_file.read_mapping`.

Example:
    >>> m = parse_mapping({"table": "posts", "columns": {"Hearts": "likes"}}, "example")
    >>> m.table, m.columns
    ('posts', {'Hearts': 'likes'})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inflresearch.data.contract import TABLES, column_names
from inflresearch.errors import DataError, quote

KEYS = ("table", "platform", "columns", "notes")
FILE_KEYS = ("preset",)  # only in a user's mapping file: start from a shipped preset


@dataclass(frozen=True, kw_only=True)
class ColumnMapping:
    """A parsed mapping file: the table, ``{source header: contract column or None}``, the
    platform to fill and notes; `origin` says where it came from (a file path or a preset)."""

    table: str | None
    columns: dict[str, str | None]
    platform: str | None = None
    notes: tuple[str, ...] = ()
    origin: str = ""

    def for_table(self, table: str) -> dict[str, str | None]:
        """The columns for a loader of `table`; a mapping written for another table is refused.

        Example:
            >>> parse_mapping({"table": "posts", "columns": {}}, "m.yml").for_table("influencers")
            Traceback (most recent call last):
            ...
            inflresearch.errors.DataError: m.yml: a mapping for the posts table, used for influencers
        """
        if self.table is not None and self.table != table:
            raise DataError(f"a mapping for the {self.table} table, used for {table}", path=self.origin)
        return dict(self.columns)


def parse_mapping(data: Any, origin: str, *, extra: tuple[str, ...] = ()) -> ColumnMapping:
    """Check the parsed YAML `data` of a mapping file (`extra`: further allowed top-level keys).

    Every problem raises one `DataError` naming `origin`.

    Example:
        >>> parse_mapping({"columns": {"Fans": "followers"}}, "m.yml").table is None
        True
        >>> parse_mapping({"columns": {"Fans": "fans"}, "table": "influencers"}, "m.yml")
        ... # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        inflresearch.errors.DataError: m.yml: column 'fans': not a column of the influencers ...
    """
    if not isinstance(data, Mapping):
        raise DataError(
            "a mapping file is a YAML mapping with 'columns:' (and 'table:', 'platform:', "
            f"'notes:'); got {quote(data)}", path=origin,
        )
    unknown = [k for k in data if k not in KEYS + extra]
    if unknown:
        raise DataError(f"unknown key {quote(unknown[0])}; expected {', '.join(KEYS)}", path=origin)
    table = data.get("table")
    if table is not None and table not in TABLES:
        raise DataError(f"table must be one of {', '.join(TABLES)}; got {quote(table)}", path=origin)
    columns = data.get("columns")
    if columns is None:
        raise DataError("no 'columns:' entry (source header -> contract column)", path=origin)
    if not isinstance(columns, Mapping):
        raise DataError(f"'columns:' must map source headers to contract columns; got {quote(columns)}",
                        path=origin)
    out: dict[str, str | None] = {}
    for source, target in columns.items():
        if target is not None and not isinstance(target, str):
            raise DataError(f"target must be a contract column name or null; got {quote(target)}",
                            path=origin, column=str(source))
        if table is not None and target is not None and target not in column_names(table):
            raise DataError(
                f"not a column of the {table} contract ({', '.join(column_names(table))})",
                path=origin, column=target,
            )
        out[str(source)] = target
    platform = data.get("platform")
    if platform is not None and not isinstance(platform, str):
        raise DataError(f"platform must be text; got {quote(platform)}", path=origin)
    notes = data.get("notes") or []
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        raise DataError(f"notes must be a list of text lines; got {quote(notes)}", path=origin)
    return ColumnMapping(table=table, columns=out, platform=platform, notes=tuple(notes), origin=origin)


def is_mapping_path(value: object) -> bool:
    """True for text or a path that names a YAML mapping file (by its suffix).

    Example:
        >>> is_mapping_path("my-columns.yml"), is_mapping_path({"a": "b"})
        (True, False)
    """
    return isinstance(value, str | Path) and Path(str(value).strip()).suffix.lower() in (".yml", ".yaml")
