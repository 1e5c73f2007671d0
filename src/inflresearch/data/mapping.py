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

Columns not named keep the alias map of `inflresearch.data.headers`.

Example:
    >>> m = parse_mapping({"table": "posts", "columns": {"Hearts": "likes"}}, "example")
    >>> m.table, m.columns
    ('posts', {'Hearts': 'likes'})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import yaml

from inflresearch import safe_yaml
from inflresearch.data.contract import TABLES, column_names
from inflresearch.errors import DataError, quote
from inflresearch.safe_yaml import NestedTooDeep

if TYPE_CHECKING:
    from inflresearch.data.load import LoadResult

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


def read_mapping(path: str | Path) -> ColumnMapping:
    """Read and check a mapping file (``.yml`` / ``.yaml``).

    ``preset: NAME`` starts from a shipped preset (for an edited copy of a known export, which
    no longer matches the preset's signature): its table, platform, notes and columns, with the
    file's own entries taking precedence (an entry replaces the preset's for the same source
    header or the same contract column).

    Example:
        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "m.yml"
        >>> _ = f.write_text("table: influencers\\ncolumns:\\n  Subscribers count: followers\\n")
        >>> read_mapping(f).columns
        {'Subscribers count': 'followers'}
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise DataError("no such mapping file", path=path)
    try:
        data = safe_yaml.load(path.read_text(encoding="utf-8-sig"))
    except NestedTooDeep as exc:
        raise DataError(str(exc), path=path) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DataError(f"not a readable YAML file: {' '.join(str(exc).split())[:300]}", path=path) from None
    if isinstance(data, Mapping) and "preset" in data:
        data = _with_preset(data, path)
    return parse_mapping(data, str(path), extra=FILE_KEYS)


def _with_preset(data: Mapping[str, Any], path: Path) -> dict[str, Any]:
    from inflresearch.data.headers import normalise_header
    from inflresearch.data.presets import get_preset

    try:
        preset = get_preset(str(data["preset"]))
    except ValueError as exc:
        raise DataError(str(exc), path=path) from None
    own, notes = data.get("columns") or {}, data.get("notes") or []
    if not isinstance(own, Mapping) or not isinstance(notes, list):
        return dict(data)  # parse_mapping names the problem
    keys = {normalise_header(k) for k in own}
    targets = {t for t in own.values() if t is not None}
    columns = {k: t for k, t in preset.columns.items() if normalise_header(k) not in keys and t not in targets}
    return {
        "table": data.get("table", preset.table), "platform": data.get("platform", preset.platform),
        "columns": columns | dict(own), "notes": [*preset.notes, *notes],
    }


def is_mapping_path(value: object) -> bool:
    """True for text or a path that names a YAML mapping file (by its suffix).

    Example:
        >>> is_mapping_path("my-columns.yml"), is_mapping_path({"a": "b"})
        (True, False)
    """
    return isinstance(value, str | Path) and Path(str(value).strip()).suffix.lower() in (".yml", ".yaml")


HANDLE = r"[\w.\-]+"  # what a handle looks like: no spaces, no emoji
NAMED = r"[\w.\-]*[^\W\d_][\w.\-]*"  # a handle with a letter (a rank or an id column is no handle)
HANDLE_MIN = 0.9  # an id column with fewer handle-like values than this is suspicious...
HANDLE_GAIN = 0.2  # ...when another column is this much more handle-like


def _sample(value: object) -> str:
    if isinstance(value, float):
        return f"{int(value):,}" if value.is_integer() else f"{value:.4g}"
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return quote(value, limit=40)


def mapping_lines(result: LoadResult) -> list[str]:
    """The resolved mapping of a load: ``'source header' -> contract column: two sample values``,
    then the source headers left out of the contract.

    Example:
        >>> from inflresearch.data.load import read_table
        >>> frame = pd.DataFrame({"Handle": ["ann", "bob"], "Fans": ["1.2k", "3M"]})
        >>> for line in mapping_lines(read_table(frame, "influencers")): print(line)
        'Handle' -> account_id: 'ann', 'bob'
        'Fans' -> followers: 1,200, 3,000,000
        (not in the file) -> platform: 'unknown'
    """
    lines = []
    for target, source in result.columns.items():
        values = result.data[target].dropna().head(2).tolist()
        samples = ", ".join(_sample(v) for v in values) if values else "(no values)"
        lines.append(f"{quote(source.strip())} -> {target}: {samples}")
    lines += [f"{quote(source.strip())} -> (left out)" for source in result.left_out]
    if "platform" in result.data and "platform" not in result.columns and len(result.data):
        lines.append(f"(not in the file) -> platform: {quote(result.data['platform'].iloc[0])}")
    return lines


def _handle_share(values: pd.Series, pattern: str = HANDLE) -> float:
    distinct = values.dropna().astype("str").drop_duplicates()
    return float(distinct.str.fullmatch(pattern).mean()) if len(distinct) else 0.0


def suspicious_picks(result: LoadResult) -> list[str]:
    """Warnings on mappings that look wrong: an id column with spaces or emoji while another
    column looks like handles; an "audience" country taken as the creator's country.

    Example:
        >>> from inflresearch.data.load import read_table
        >>> frame = pd.DataFrame({"Account": ["Leo Messi", "Kylie 🤍"] * 10,
        ...                       "login": [f"user{i}" for i in range(20)], "followers": [5] * 20})
        >>> suspicious_picks(read_table(frame, "influencers"))[0][:60]
        "account_id comes from 'Account', whose values have spaces or"
    """
    out = []
    data, sources = result.data, result.columns
    if "account_id" in sources:
        share = _handle_share(data["account_id"])
        extra = [c for c in data.columns if c not in sources and c != "platform"
                 and (pd.api.types.is_string_dtype(data[c].dtype) or data[c].dtype == object)]
        better = [(s, c) for c in extra if (s := _handle_share(data[c], NAMED)) >= share + HANDLE_GAIN
                  and data[c].nunique() >= 0.9 * data["account_id"].nunique()]
        if share < HANDLE_MIN and better:
            _, column = max(better)
            odd = data["account_id"][~data["account_id"].astype("str").str.fullmatch(HANDLE)]
            out.append(
                f"account_id comes from {quote(sources['account_id'].strip())}, whose values have "
                f"spaces or emoji (e.g. {', '.join(quote(v) for v in odd.head(2))}), while column "
                f"{column!r} looks like handles (e.g. {', '.join(quote(v) for v in data[column].head(2))}); "
                f"map it with columns={{{column!r}: 'account_id'}}"
            )
    if "country" in sources and "audience" in sources["country"].lower():
        out.append(
            f"country comes from {quote(sources['country'].strip())}: an audience country is not the "
            f"creator's country; keep it out with columns={{{sources['country'].strip()!r}: None}}"
        )
    return out
