"""Load influencer, post and campaign exports into the contract tables, quarantining bad rows.

The steps live in their own modules: `inflresearch.data.reading` reads a file (any supported
format) into raw headers and text cells, `inflresearch.data.coercion` turns cells into the
contract's types, `inflresearch.data.quarantine` writes the rows set aside; this module maps the
headers, applies the row rules and combines the files of one call. A `pandas.DataFrame` is
accepted instead of a path.

What happens to a file (see data/README.md for the full rules):

1. headers are normalised and mapped to contract names (`inflresearch.data.headers`; ``columns=``
   overrides the alias map; without it, the preset of a known export whose headers match,
   `inflresearch.data.presets`);
2. values are coerced: counts and rates by `inflresearch.data.human_numbers`, ``posted_at`` from ISO 8601
   strings or unix seconds (milliseconds when >= 1e11) to timezone-naive UTC, ``sponsored`` from
   true/false/yes/no/1/0 (missing: False), text stripped with missing markers as NaN, a leading
   ``@`` dropped from handles, ``platform`` and ``channel`` lower-cased, ``hashtags`` as
   space-separated words without ``#`` (from ``a|b``, ``['a', 'b']`` or ``#a #b``);
3. rows that break the contract (`inflresearch.data.schema`) are quarantined with a reason, never
   dropped silently: ``empty row``, ``unparsable number in <col>``, ``unparsable date in <col>``,
   ``unparsable value in <col>``, ``missing <required col>``, ``followers <= 0``,
   ``negative count in <col>``, ``rate outside [0, 1]``, ``likes > 50x followers``,
   ``unknown channel``, ``malformed line (line N: ...)`` (more fields than the header, a JSON
   line that is not an object), ``duplicate <key> (first seen in 'FILE', row N)`` (the first
   occurrence among good rows is kept, across all the files of one call: a folder or a list);
4. influencers: ``engagements`` = ``avg_likes + avg_comments`` where both exist, else
   ``engagement_rate x followers``; ``engagement_rate`` = ``engagements / followers`` where the
   source gives none (a derived rate may exceed 1: TikTok likes are not bounded by followers; a
   rate *given* by the source must lie in [0, 1]). Campaigns: ``activation_id`` = ``row-<n>``
   where absent.

A column whose values are mostly unparsable is a column problem, not a row problem: an optional
one is left out with a warning (`LoadResult.warnings`, also in the summary), a required one is
fatal. Fatal problems raise one `DataError` naming the file, the column and up to 3 offending
values: missing, unreadable or empty file, not a regular file (a pipe or device), a required
column not found or mostly unparsable, every row quarantined.
Input files are only read, never written.

Example:
    >>> from inflresearch.paths import sample_file
    >>> res = read_table(sample_file("influencers"), "influencers")
    >>> res.summary()
    'kept 3,000 of 3,000 rows; none quarantined'
"""

from __future__ import annotations

import logging
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeAlias

import numpy as np
import pandas as pd

from inflresearch.data import limits
from inflresearch.data.coercion import (
    coerce,
    derive_engagement,
    empty_rows,
    normalise,
    ordered,
    text_values,
)
from inflresearch.data.contract import column_names, columns
from inflresearch.data.headers import resolve_columns
from inflresearch.data.presets import Preset, detect_preset
from inflresearch.data.quarantine import count_reasons, write_quarantine
from inflresearch.data.reading import FORMATS, Source, data_files, file_mode, read_headers, read_raw
from inflresearch.data.schema import KEYS, check_structure, duplicate_reason, failing_rows
from inflresearch.errors import DataError, quote

__all__ = [
    "FORMATS", "LoadResult", "count_reasons", "data_files", "load_campaigns", "load_influencers",
    "load_posts", "read_headers", "read_table", "write_quarantine",
]  # fmt: skip

log = logging.getLogger(__name__)

EMPTY_ROW = "empty row"
_FILLED = {("influencers", "platform"), ("campaigns", "activation_id")}  # the loader supplies them
Sources: TypeAlias = Source | Sequence[str | Path]


@dataclass
class LoadResult:
    """What `read_table` returns: the contract table, the quarantined rows and a summary.

    ``quarantined`` holds ``source_file`` (the file's name), ``source_row`` (1-based number of the
    data record in that file; the header is not counted), the raw values under normalised column
    names (``raw_line`` for a malformed line) and ``reason`` ("; "-joined when a row has several;
    the summary counts the first, without its parenthesised detail). ``columns`` maps each contract
    column to the source header it came from; ``source_rows[i]`` is the source row of
    ``data.iloc[i]`` in file ``row_files[i]``. ``preset`` is the known-export preset that mapped
    the columns (None: the alias map or the caller's ``columns=``); ``left_out`` the source headers
    kept out of the contract (mapped to None, or a column-level problem); ``warnings`` the
    column-level problems, one line each. ``complete`` is False when only the first rows of a
    file were read (``read_table(nrows=)``): then ``n_read`` counts those rows only.
    """

    table: str
    path: str
    data: pd.DataFrame
    quarantined: pd.DataFrame
    n_read: int
    columns: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    source_rows: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    row_files: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))
    preset: Preset | None = None
    left_out: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    complete: bool = True

    def summary(self) -> str:
        """One line: ``kept 9,812 of 10,000 rows; 188 quarantined: 121 missing followers, ...``,
        then ``; preset <name>`` when a preset mapped the columns and ``; warning: ...`` per
        column-level problem."""
        first = "" if self.complete else "the first "
        head = f"kept {len(self.data):,} of {first}{self.n_read:,} rows{'' if self.complete else ' read'}"
        if not len(self.quarantined):
            return f"{head}; none quarantined{self._extras()}"
        return f"{head}; {len(self.quarantined):,} quarantined: {count_reasons(self.quarantined)}{self._extras()}"

    def _extras(self) -> str:
        preset = f"; preset {self.preset.name}" if self.preset is not None else ""
        return preset + "".join(f"; warning: {w}" for w in self.warnings)

    def write_quarantine(self, folder: str | Path) -> Path | None:
        """Write ``quarantine-<table>.csv`` into `folder` (see `write_quarantine`); None when
        nothing was quarantined.

        Example:
            >>> import tempfile
            >>> from inflresearch.paths import sample_file
            >>> read_table(sample_file("posts"), "posts").write_quarantine(tempfile.mkdtemp())
        """
        if not len(self.quarantined):
            return None
        return write_quarantine(self.quarantined, folder, self.table)



# --- checks ------------------------------------------------------------------------------------


def _add(reasons: pd.Series, mask: pd.Series | np.ndarray, reason: str) -> pd.Series:
    mask = np.asarray(mask, dtype=bool)
    if mask.any():
        current = reasons[mask]
        reasons[mask] = current.where(current == "", current + "; ") + reason
    return reasons


def _drop_implied(reasons: pd.Series, table: str) -> pd.Series:
    """Drop "missing <col>" where "unparsable number in <col>" already explains the gap."""
    text = reasons.astype("str")
    for spec in columns(table):
        if spec.required:
            unparsable = text.str.contains(f"unparsable number in {spec.name}", regex=False)
            if unparsable.any():
                text = text.where(
                    ~unparsable, text.str.replace(f"; missing {spec.name}", "", regex=False)
                )
    return text.astype(object)


def _listing(headers: list[str], limit: int = 30) -> str:
    """The headers quoted (each shortened by `quote`), at most `limit` of them."""
    shown = ", ".join(quote(h.strip()) for h in headers[:limit])
    return shown + (f", ... ({len(headers) - limit:,} more)" if len(headers) > limit else "")


def _required_present(frame: pd.DataFrame, table: str, label: str, raw: list[str]) -> None:
    missing = [
        c.name for c in columns(table)
        if c.required and c.name not in frame and (table, c.name) not in _FILLED
    ]
    if missing:
        have = _listing(raw) or "none"
        what = ", ".join(missing)
        raise DataError(
            f"no usable {what} column{'s' if len(missing) > 1 else ''} (required by the {table} "
            f"contract); the file has columns {have}; map one with "
            f"columns={{'<source column>': '{missing[0]}'}}",
            path=label,
            column=missing[0],
        )


def _all_bad(label: str, table: str, quarantined: pd.DataFrame) -> DataError:
    first = quarantined["reason"].str.split("; ").str[0]
    top = first.value_counts().index[0]
    column = next((c for c in quarantined.columns if top.endswith(f" {c}")), None)
    if column is None and "followers" in top:
        column = "followers" if "followers" in quarantined else None
    values = []
    if column is not None:
        values = list(pd.unique(quarantined.loc[first == top, column].astype("str")))[:3]
    counts = ", ".join(f"{n:,} {r}" for r, n in first.value_counts().items())
    return DataError(
        f"no usable rows: all {len(quarantined):,} {table} rows quarantined ({counts})",
        path=label,
        column=column,
        values=values,
    )



# --- public API ------------------------------------------------------------------------------


def read_table(
    path: Sources,
    table: str,
    *,
    columns: Mapping[str, str | None] | None = None,
    platform: str | None = None,
    nrows: int | None = None,
) -> LoadResult:
    """Read one export, a folder of exports or a list of them as the contract table `table`
    ('influencers', 'posts' or 'campaigns').

    ``columns={"source header": "contract_name"}`` overrides the alias map (``None`` keeps a
    column out of the contract); without it, a known export's preset (`inflresearch.data.presets`)
    maps the columns when the headers match one. ``platform`` fills the platform when the file
    lacks it (else the preset's platform). A folder
    means its data files (`data_files`). Files are read in order, and a key seen before, in the
    same or an earlier file, is quarantined as ``duplicate post_id (first seen in 'a.csv', row
    12)``: each post (account, activation) is counted once. ``nrows`` reads at most the first
    that many records of each delimited text or Parquet file (`read_raw`; e.g. to look at a long
    file's columns quickly); `LoadResult.complete` says whether anything was left unread.

    Example:
        >>> from inflresearch.paths import sample_file
        >>> res = read_table(sample_file("posts"), "posts", platform="instagram")
        >>> res.data["likes"].dtype, res.data["posted_at"].dtype
        (dtype('float64'), dtype('<M8[us]'))
        >>> read_table([sample_file("posts")] * 2, "posts").summary()
        'kept 36,213 of 72,426 rows; 36,213 quarantined: 36,213 duplicate post_id'
    """
    column_names(table)  # validates the table name
    sources = _sources(path)
    parts: list[_Part] = []
    for source in sources:
        parts.append(_read_part(source, table, columns, platform, nrows))
        read = sum(part.n_read for part in parts)
        if read > limits.MAX_ROWS:
            raise limits.too_large(path if isinstance(path, str | Path) else parts[-1].label,
                                   f"{read:,} rows in {len(parts)} files, more than the {limits.MAX_ROWS:,} "
                                   "one read may have")
    if len(parts) == 1:
        label = parts[0].label
    elif isinstance(path, str | Path):
        label = str(path)
    else:
        label = ", ".join(part.label for part in parts)
    return _combine(parts, table, label)


def _sources(path: Sources) -> list[Source]:
    if isinstance(path, pd.DataFrame):
        return [path]
    if isinstance(path, str | Path):
        folder = Path(path).expanduser()
        return list(data_files(folder)) if stat.S_ISDIR(file_mode(folder)) else [folder]
    items: list[Source] = []
    for item in path:
        items += _sources(item)
    if not items:
        raise DataError("no input files given")
    return items


@dataclass(frozen=True)
class _Part:
    """One file after the row checks: its good rows (coerced, and raw) and its quarantine."""

    label: str
    frame: pd.DataFrame
    raw: pd.DataFrame
    quarantined: pd.DataFrame
    n_read: int
    columns: dict[str, str]
    encoding: str | None
    preset: Preset | None = None
    left_out: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    complete: bool = True

    @property
    def name(self) -> str:
        return Path(self.label).name


def _read_part(
    source: Source, table: str, columns: Mapping[str, str | None] | None, platform: str | None,
    nrows: int | None = None,
) -> _Part:
    raw = read_raw(source, nrows)
    label, body = raw.label, raw.body
    if not len(body.columns) or not (len(body) or len(raw.malformed)):
        raise DataError("empty: no data rows", path=label)
    preset, columns, platform, warnings = _preset_for(raw.headers, table, columns, platform)
    mapping = resolve_columns(raw.headers, table, columns)
    if mapping.unknown:
        have = _listing(raw.headers)
        raise DataError(
            f"columns= names a column the file does not have; the file has {have}",
            path=label,
            column=mapping.unknown[0],
        )
    body.columns = mapping.names
    _required_present(body, table, label, raw.headers)
    frame, problems = coerce(body, table)
    frame, problems, left_out, column_warnings = _column_problems(
        body, frame, problems, table, label, mapping.source_of()
    )
    frame = normalise(frame, table, platform)
    reasons = _reasons(body, frame, problems, table)
    good = (reasons == "").to_numpy()
    source_body = body.rename(columns={"source_row": "source_row_src", "reason": "reason_src",
                                       "source_file": "source_file_src"})
    quarantined = source_body[~good]
    quarantined.insert(0, "source_row", quarantined.index + 1)
    quarantined["reason"] = reasons[~good].astype("str")
    quarantined = pd.concat(
        [quarantined, raw.malformed] if len(raw.malformed) else [quarantined], ignore_index=True
    ).sort_values("source_row", kind="stable")
    quarantined.insert(0, "source_file", Path(label).name)
    quarantined = quarantined.reset_index(drop=True)
    if not good.any():
        raise _all_bad(label, table, quarantined)
    used = {n: r for n, r in mapping.source_of().items() if n in frame.columns and n in column_names(table)}
    excluded = [*mapping.excluded, *(mapping.source_of()[n] for n in left_out)]
    return _Part(label, frame[good], source_body[good], quarantined, len(body) + len(raw.malformed),
                 used, raw.encoding, preset, tuple(excluded), tuple(warnings + column_warnings),
                 raw.complete)


def _without_partial_flags(parts: list[_Part]) -> tuple[list[_Part], list[str]]:
    """The parts with every yes/no column that only some of them have left out, and one warning
    per such column: a file without a ``sponsored`` column says nothing about sponsorship, so its
    rows cannot be False, and a column of True/False/missing is no flag. Columns of other kinds
    that a part lacks are missing values there (NaN, NaT) when the parts are put together.

    Example:
        >>> a = _Part("a.csv", pd.DataFrame({"x": [1.0], "flag": [True]}), pd.DataFrame(),
        ...           pd.DataFrame(), 1, {"x": "x", "flag": "flag"}, None)
        >>> b = _Part("b.csv", pd.DataFrame({"x": [2.0]}), pd.DataFrame(), pd.DataFrame(), 1,
        ...           {"x": "x"}, None)
        >>> kept, said = _without_partial_flags([a, b])
        >>> list(kept[0].frame.columns), said[0][:40]
        (['x'], "column 'flag' is in a.csv only: left out")
    """
    if len(parts) < 2:
        return parts, []
    flags = {c for p in parts for c in p.frame.columns if pd.api.types.is_bool_dtype(p.frame[c].dtype)}
    partial = sorted(c for c in flags if not all(c in p.frame.columns for p in parts))
    if not partial:
        return parts, []
    said = []
    for c in partial:
        have = [p.name for p in parts if c in p.frame.columns]
        lack = [p.name for p in parts if c not in p.frame.columns]
        said.append(f"column {quote(c)} is in {_names(have)} only: left out of the combined table "
                    f"({_names(lack)} {'has' if len(lack) == 1 else 'have'} no such column; "
                    "a missing flag is not False)")
    kept = [replace(p, frame=p.frame.drop(columns=[c for c in partial if c in p.frame.columns]),
                    columns={k: v for k, v in p.columns.items() if k not in partial})
            for p in parts]
    return kept, said


def _names(names: list[str], limit: int = 3) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit:,} more" if len(names) > limit else "")


def _combine(parts: list[_Part], table: str, label: str) -> LoadResult:
    """The good rows of all parts with every key kept once (its first occurrence), the rest and
    every part's quarantine in one quarantine table."""
    many = len(parts) > 1
    parts, partial = _without_partial_flags(parts)
    frame = pd.concat([p.frame for p in parts], ignore_index=True) if many else parts[0].frame
    rows = np.concatenate([p.frame.index.to_numpy() + 1 for p in parts])
    files = np.concatenate([np.full(len(p.frame), p.name, dtype=object) for p in parts])
    keys = KEYS[table]
    key = frame[keys].reset_index(drop=True)
    dupe = key.duplicated(keep="first").to_numpy()
    quarantined = [p.quarantined for p in parts]
    if dupe.any():
        first = key[~dupe].assign(_file=files[~dupe], _row=rows[~dupe])
        seen = key[dupe].merge(first, on=keys, how="left")
        reasons = [duplicate_reason(keys[0], f, r) for f, r in zip(seen["_file"], seen["_row"], strict=True)]
        raw = pd.concat([p.raw for p in parts], ignore_index=True) if many else parts[0].raw
        dupes = raw.reset_index(drop=True)[dupe]
        dupes.insert(0, "source_row", rows[dupe])
        dupes.insert(0, "source_file", files[dupe])
        quarantined.append(dupes.assign(reason=reasons))
    data = frame.reset_index(drop=True)[~dupe].reset_index(drop=True)
    if table == "influencers":
        data = derive_engagement(data)
    data = check_structure(ordered(data, table), table)
    q = pd.concat(quarantined, ignore_index=True) if len(quarantined) > 1 else quarantined[0]
    order = {p.name: i for i, p in reversed(list(enumerate(parts)))}
    q = q.sort_values(["source_file", "source_row"], key=lambda c: c.map(order)
                      if c.name == "source_file" else c, kind="stable")
    mapping: dict[str, str] = {}
    for part in parts:
        mapping = {**part.columns, **mapping}
    presets = {p.preset.name if p.preset else None for p in parts}
    preset = parts[0].preset if len(presets) == 1 else None
    if preset is not None:
        data.attrs["preset"] = preset.name
    warnings = [w if not many else f"{p.name}: {w}" for p in parts for w in p.warnings] + partial
    left_out = list(dict.fromkeys(h for p in parts for h in p.left_out))
    return LoadResult(
        table, label, data, q.reset_index(drop=True), sum(p.n_read for p in parts), mapping,
        parts[0].encoding, rows[~dupe], files[~dupe], preset, left_out, warnings,
        all(p.complete for p in parts),
    )


def _preset_for(
    raw_headers: list[str], table: str, columns: Mapping[str, str | None] | None, platform: str | None
) -> tuple[Preset | None, Mapping[str, str | None] | None, str | None, list[str]]:
    """The preset of a file read without ``columns=`` (its columns and platform), and a warning when
    the headers are those of a known export of another table."""
    if columns:
        return None, columns, platform, []
    preset = detect_preset(raw_headers)
    if preset is None:
        return None, columns, platform, []
    if preset.table != table:
        return None, columns, platform, [
            f"the headers are those of {preset.describe()}, a {preset.table} table, not {table}"
        ]
    return preset, preset.columns, platform or preset.platform, []


COLUMN_LEVEL = 0.5  # more than this share of a column's values unparsable: a column problem
SUSPICIOUS = 0.1  # more than this share: a warning (the rows are quarantined)
MIN_VALUES = 20  # below this many values a bad value is a row problem only


def _column_problems(
    body: pd.DataFrame,
    frame: pd.DataFrame,
    problems: list[tuple[pd.Series, str]],
    table: str,
    label: str,
    sources: dict[str, str],
) -> tuple[pd.DataFrame, list[tuple[pd.Series, str]], list[str], list[str]]:
    """Columns whose values are mostly unparsable (> 50% of at least 20 non-empty values): a
    required one refuses the file, another is left out of the table with a warning (its rows are
    not quarantined for it). Between 10% and 50% is a warning; those rows are quarantined.

    Returns the frame, the row problems still to quarantine, the contract names left out and
    the warnings."""
    required = {c.name for c in columns(table) if c.required}
    kept: list[tuple[pd.Series, str]] = []
    left_out: list[str] = []
    warnings: list[str] = []
    for mask, reason in problems:
        name = reason.rsplit(" ", 1)[-1]
        bad = int(mask.sum())
        present = int(text_values(body[name]).notna().sum()) if bad else 0
        if bad == 0 or present < MIN_VALUES or bad <= SUSPICIOUS * present:
            kept.append((mask, reason))
            continue
        source = sources.get(name, name).strip()
        values = list(pd.unique(body[name][mask.to_numpy(dtype=bool)]))[:3]
        kind = "dates" if "date" in reason else "numbers" if "number" in reason else "valid values"
        what = f"{bad:,} of {present:,} values in {quote(source)} (-> {name}) are not {kind}"
        examples = ", ".join(quote(v) for v in values)
        if bad <= COLUMN_LEVEL * present:
            warnings.append(f"{what} (e.g. {examples}); those rows are quarantined")
            kept.append((mask, reason))
        elif name in required:
            raise DataError(
                f"{what}: the column looks mislabelled; map another column to {name} with "
                f"columns={{'<source column>': '{name}'}}",
                path=label, column=name, values=values,
            )
        else:
            warnings.append(f"{what} (e.g. {examples}): the column looks mislabelled and is left out "
                            f"of the table (columns={{{source!r}: None}} says so and silences this)")
            frame = frame.drop(columns=name)
            left_out.append(name)
    return frame, kept, left_out, warnings


def _reasons(
    body: pd.DataFrame, frame: pd.DataFrame, problems: list[tuple[pd.Series, str]], table: str
) -> pd.Series:
    """Quarantine reasons per row ("" for a good row): empty rows, parse failures and the row
    checks of the schema (duplicate keys are found across files, in `_combine`)."""
    reasons = pd.Series("", index=frame.index, dtype=object)
    empty = empty_rows(body)
    reasons = _add(reasons, empty, EMPTY_ROW)
    for mask, reason in problems:
        reasons = _add(reasons, mask.to_numpy(dtype=bool) & ~empty, reason)
    row_reasons = failing_rows(frame[~empty], table, rows=True, keys=False)
    for text, idx in row_reasons.groupby(row_reasons, sort=False).groups.items():
        reasons = _add(reasons, frame.index.isin(idx), str(text))
    return _drop_implied(reasons, table)


def _load(
    table: str,
    path: Source,
    columns: Mapping[str, str | None] | None,
    platform: str | None,
    quarantine_dir: str | Path | None,
) -> pd.DataFrame:
    result = read_table(path, table, columns=columns, platform=platform)
    log.info("%s (%s): %s", result.path, table, result.summary())
    if quarantine_dir is not None:
        result.write_quarantine(quarantine_dir)
    return result.data


def load_influencers(
    path: Source,
    *,
    columns: Mapping[str, str | None] | None = None,
    platform: str | None = None,
    quarantine_dir: str | Path | None = None,
) -> pd.DataFrame:
    """The influencers table of `path` (see `read_table`); bad rows go to
    ``quarantine_dir/quarantine-influencers.csv`` when a folder is given.

    Example:
        >>> from inflresearch.paths import sample_file
        >>> load_influencers(sample_file("influencers"))["followers"].min() > 0
        np.True_
    """
    return _load("influencers", path, columns, platform, quarantine_dir)


def load_posts(
    path: Source,
    *,
    columns: Mapping[str, str | None] | None = None,
    platform: str | None = None,
    quarantine_dir: str | Path | None = None,
) -> pd.DataFrame:
    """The posts table of `path` (see `read_table`).

    Example:
        >>> from inflresearch.paths import sample_file
        >>> load_posts(sample_file("posts"))["post_id"].is_unique
        True
    """
    return _load("posts", path, columns, platform, quarantine_dir)


def load_campaigns(
    path: Source,
    *,
    columns: Mapping[str, str | None] | None = None,
    platform: str | None = None,
    quarantine_dir: str | Path | None = None,
) -> pd.DataFrame:
    """The campaigns table of `path` (see `read_table`).

    Example:
        >>> from inflresearch.paths import sample_file
        >>> sorted(load_campaigns(sample_file("campaigns"))["channel"].unique())
        ['influencer', 'traditional']
    """
    return _load("campaigns", path, columns, platform, quarantine_dir)
