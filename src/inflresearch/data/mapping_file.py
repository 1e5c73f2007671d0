"""A user's mapping file (``.yml``): the mapping format of `inflresearch.data.mapping`, which may
start from a shipped preset (``preset: NAME``).

Example:
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "m.yml"
    >>> _ = f.write_text("preset: kim2020-instagram-influencers\\ncolumns:\\n  Fans: followers\\n")
    >>> read_mapping(f).table
    'influencers'
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from inflresearch import safe_yaml
from inflresearch.data.headers import normalise_header
from inflresearch.data.mapping import FILE_KEYS, ColumnMapping, parse_mapping
from inflresearch.data.presets import get_preset
from inflresearch.errors import DataError
from inflresearch.safe_yaml import NestedTooDeep


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
