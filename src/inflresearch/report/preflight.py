"""Pre-flight: before any kernel starts, every input exists, loads and has what the notebook needs.

`preflight(question, parameters)` resolves the inputs (`params.resolve_inputs`: explicit or
absent, never sample mixed with real), reads every given file through the loaders
(`inflresearch.data.load.read_table`, with the notebook's own column mapping) and checks the
question's declared `Need`s against the loaded columns. A long file is read in its first
`HEAD_ROWS` rows only: a need is met once they show a filled column of it, a row minimum once
they hold that many usable rows; a file whose head cannot decide a check (or cannot be read on
its own) is read whole, so a refusal always names what the whole file lacks. `check` raises one `PreflightError`
whose message is one line naming the file and what it lacks, e.g.::

    notebook 01_engagement_vs_followers cannot run: Global YouTube Statistics.csv (parameter
    'data', influencers) has no an engagement column ...; it has followers, avg_views, ...

Loaded files are cached per process (by path, size, modification time, table and mapping), so
`analyze` and the pipeline read each file once (a head read is answered by a whole read too).

Example:
    >>> from inflresearch.questions import find
    >>> preflight(find("engagement"), {"data": "sample"}).ok
    True
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inflresearch.data.contract import TABLES, column_names
from inflresearch.data.mapping import is_mapping_path
from inflresearch.errors import DataError
from inflresearch.params import coerce_mapping_file, resolve_data, resolve_inputs
from inflresearch.questions._base import Need, Question

HEAD_ROWS = 20_000  # rows of a long file the pre-flight reads before it reads the whole file


class PreflightError(ValueError):
    """A run refused before its kernel starts (missing file, unreadable file, missing column)."""


@dataclass(frozen=True)
class LoadedInput:
    """One input file as the notebook will read it: its table and the columns it has.

    ``complete`` False: only the first rows were read, and ``rows`` and ``columns`` are theirs.
    """

    parameter: str
    table: str
    path: Path
    rows: int
    columns: tuple[str, ...]
    summary: str
    complete: bool = True


@dataclass
class Preflight:
    """The outcome of a pre-flight: resolved inputs, loaded files and every problem found."""

    question: Question
    inputs: dict[str, Any]
    loaded: list[LoadedInput] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the notebook can start."""
        return not self.problems

    def message(self) -> str:
        """One line: which notebook cannot run and why."""
        return f"notebook {self.question.stem} cannot run: " + "; ".join(self.problems)


def _mapping(question: Question, parameter: str, table: str,
             parameters: Mapping[str, Any]) -> dict[str, str | None] | None:
    """The column mapping the notebook applies to `parameter`: a dict, per-table blocks, or a
    mapping file's path (as the notebook reads it: `params.coerce_mapping_file`). A ValueError
    naming the parameter when the file cannot be read or maps another table."""
    name = question.mappings.get(parameter)
    value = parameters.get(name) if name else None
    if name is None or value is None:
        return None
    main = parameter == next(iter(question.inputs))
    shared = sum(1 for n in question.mappings.values() if n == name) > 1
    if is_mapping_path(value):
        spec = coerce_mapping_file(value, name)
        if shared and spec.table != table and not (spec.table is None and main):
            return None  # the file is for the other input that shares this parameter
        try:
            return spec.for_table(table)
        except DataError as exc:
            raise ValueError(f"parameter {name!r}: {exc}") from None
    if not isinstance(value, Mapping) or not value:
        return None
    if set(value) <= set(TABLES) and all(isinstance(v, Mapping) or is_mapping_path(v)
                                         for v in value.values()):
        block = value.get(table)
        if is_mapping_path(block):
            return _mapping(question, parameter, table, {name: block})
        return dict(block) if isinstance(block, Mapping) else None
    if shared and not main:
        return None  # a flat mapping shared by name belongs to the main input
    return {str(k): v for k, v in value.items()}


_Read = tuple[int, tuple[str, ...], str, bool]  # usable rows, filled columns, summary, complete
_CACHE: OrderedDict[tuple[object, ...], _Read] = OrderedDict()
_CACHE_SIZE = 8192  # small entries; analyze of thousands of files reads each once
_LOCK = threading.Lock()


def _load(path: str, table: str, mapping: tuple[tuple[str, str | None], ...],
          stamp: tuple[int, int], head: int | None) -> _Read:
    """`_read`, cached per process: a head read is answered by any read of the same file
    (path, table, mapping, size and time), a whole read by a complete one only."""
    key = (path, table, mapping, stamp)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None and (head is not None or hit[3]):
            _CACHE.move_to_end(key)
            return hit
    out = _read(path, table, mapping, head)
    with _LOCK:
        _CACHE[key] = out
        _CACHE.move_to_end(key)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return out


def _read(path: str, table: str, mapping: tuple[tuple[str, str | None], ...],
          head: int | None) -> _Read:
    """Usable rows, filled contract columns, summary and completeness of one file, read whole or
    in its first `head` rows (whole when they cannot be read on their own, e.g. all bad)."""
    from inflresearch.data.load import read_table

    columns = dict(mapping) or None
    try:
        result = read_table(path, table, columns=columns, nrows=head)
    except (DataError, ValueError):
        if head is None:
            raise
        result = read_table(path, table, columns=columns)
    contract = set(column_names(table))  # extra columns never meet a need, whatever their name
    filled = tuple(c for c in result.data.columns
                   if c in contract and result.data[c].notna().any())
    return len(result.data), filled, result.summary(), result.complete


def load_input(path: Path, table: str, mapping: Mapping[str, str | None] | None = None,
               parameter: str = "data", head: int | None = None) -> LoadedInput:
    """Read `path` as `table` (cached), whole or in its first `head` rows (`LoadedInput.complete`
    says which); a `DataError` when it cannot be read.

    Example:
        >>> import shutil, tempfile
        >>> from inflresearch.paths import sample_file
        >>> path = Path(shutil.copy(sample_file("influencers"), tempfile.mkdtemp()))
        >>> head = load_input(path, "influencers", head=100)
        >>> head.rows, head.complete, load_input(path, "influencers").rows
        (100, False, 3000)
    """
    stat = path.stat()
    items = tuple(sorted((mapping or {}).items()))
    rows, filled, summary, complete = _load(str(path), table, items,
                                            (stat.st_size, stat.st_mtime_ns), head)
    return LoadedInput(parameter, table, path, rows, filled, summary, complete)


def _paths(value: Any, parameter: str, table: str) -> list[Path]:
    items = value if isinstance(value, list | tuple) else [value]
    try:
        return [resolve_data(v, table) for v in items]
    except ValueError as exc:
        raise PreflightError(f"parameter {parameter!r}: {exc}") from None


def _unmet(need: Need, loaded: list[LoadedInput]) -> list[LoadedInput]:
    """The loaded files of the need's inputs when none of them has any of its columns."""
    mine = [f for f in loaded if f.parameter in need.inputs]
    if not mine or any(c in f.columns for f in mine for c in need.columns):
        return []
    return mine


def _listing(names: tuple[str, ...], limit: int = 8) -> str:
    """Up to `limit` column names, then how many more."""
    if not names:
        return "no usable column"
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def preflight(question: Question, parameters: Mapping[str, Any], *,
              require_main: bool = True) -> Preflight:
    """Check the inputs of `question` under `parameters` (the effective values: defaults with
    the given ones on top) without starting a kernel; never raises for bad input.

    `require_main` False checks the given files only (``validate --for`` on a companion file).
    """
    try:
        inputs = resolve_inputs(list(question.inputs), parameters)
    except ValueError as exc:
        return Preflight(question, {}, problems=[str(exc)])
    out = Preflight(question, inputs)
    for parameter, table in question.inputs.items():
        value = inputs[parameter]
        if value is None:
            continue
        try:
            paths = _paths(value, parameter, table)
        except PreflightError as exc:
            out.problems.append(str(exc))
            continue
        try:
            mapping = _mapping(question, parameter, table, parameters)
        except ValueError as exc:
            out.problems.append(str(exc))
            continue
        for path in paths:
            if path.is_dir():
                continue  # folders of posts files are read by the aggregation step
            try:
                out.loaded.append(load_input(path, table, mapping, parameter, HEAD_ROWS))
            except (DataError, ValueError, OSError) as exc:
                out.problems.append(f"parameter {parameter!r} ({table}): {exc}")
    if require_main and all(inputs[name] is None for name in question.main_inputs):
        out.problems.append(
            f"no input given: set {' or '.join(repr(n) for n in question.main_inputs)}")
    _read_undecided(question, parameters, out)
    out.problems += _verdicts(question, out.loaded)
    return out


def _read_undecided(question: Question, parameters: Mapping[str, Any], out: Preflight) -> None:
    """Read whole every file read in part whose head fails a check (too few rows, or a need none
    of its inputs' heads meets), so that only whole files are refused."""
    undecided = {id(f) for f in out.loaded if not f.complete
                 and f.rows < question.min_rows.get(f.parameter, 0)}
    undecided |= {id(f) for need in question.needs for f in _unmet(need, out.loaded)
                  if not f.complete}
    loaded = []
    for f in out.loaded:
        if id(f) not in undecided:
            loaded.append(f)
            continue
        mapping = _mapping(question, f.parameter, f.table, parameters)
        try:
            whole = load_input(f.path, f.table, mapping, f.parameter)
        except (DataError, ValueError, OSError) as exc:
            out.problems.append(f"parameter {f.parameter!r} ({f.table}): {exc}")
            continue
        loaded.append(whole)
    out.loaded = loaded


def _verdicts(question: Question, loaded: list[LoadedInput]) -> list[str]:
    """The problems of the loaded files: too few usable rows, needs none of them meets."""
    problems = []
    for f in loaded:
        least = question.min_rows.get(f.parameter, 0)
        if f.rows < least:
            problems.append(f"{f.path.name} (parameter {f.parameter!r}, {f.table}) has "
                            f"{f.rows:,} usable rows, fewer than the {least} it needs "
                            f"({f.summary})")
    for need in question.needs:
        for f in _unmet(need, loaded):
            problems.append(
                f"{f.path.name} (parameter {f.parameter!r}, {f.table}) has no {need.what}: "
                f"none of {', '.join(need.columns)}; it has {_listing(f.columns)}"
            )
    return problems


def check(question: Question, parameters: Mapping[str, Any]) -> Preflight:
    """`preflight`, raising `PreflightError` with its one-line message when the run cannot start.

    Example:
        >>> from inflresearch.questions import find
        >>> check(find("roi"), {"data": "sample", "influencers": "sample"}).inputs["influencers"]
        'sample'
    """
    result = preflight(question, parameters)
    if not result.ok:
        raise PreflightError(result.message())
    return result


def _from_caller(value: Any, base: Path, *, mapping: bool) -> Any:
    """`value` with each relative path that exists under `base` made absolute (for a mapping
    parameter only mapping-file paths, never column names)."""
    if isinstance(value, list | tuple):
        return [_from_caller(v, base, mapping=mapping) for v in value]
    if isinstance(value, Mapping):
        return {k: _from_caller(v, base, mapping=True) for k, v in value.items()} if mapping else value
    if not isinstance(value, str) or not value.strip() or value == "sample":
        return value
    if mapping and not is_mapping_path(value):
        return value
    try:
        path = Path(value).expanduser()
        found = not path.is_absolute() and (base / path).exists()
    except (OSError, ValueError):  # text that cannot name a file (too long, NUL bytes)
        return value
    return str((base / path).resolve()) if found else value


def caller_paths(notebook: str | Path, parameters: Mapping[str, Any],
                 cwd: str | Path | None = None) -> dict[str, Any]:
    """`parameters` with the notebook's input and mapping-file paths that are relative to the
    caller's directory `cwd` made absolute, so the pre-flight and the kernel (which runs in the
    project root) read the same file; other relative paths stay as given (project root).

    Example:
        >>> nb = "notebooks/01_engagement_vs_followers.ipynb"
        >>> caller_paths(nb, {"data": "README.md", "alpha": 0.1}, cwd=".")["data"].endswith("/README.md")
        True
    """
    from inflresearch.questions import find

    try:
        question = find(str(notebook))
    except KeyError:
        return dict(parameters)
    base = Path(cwd) if cwd is not None else Path.cwd()
    mappings = set(question.mappings.values())
    return {k: _from_caller(v, base, mapping=k in mappings)
            if k in question.inputs or k in mappings else v for k, v in parameters.items()}


def check_notebook(notebook: str | Path, parameters: Mapping[str, Any]) -> Preflight | None:
    """`check` for the question whose notebook is `notebook`, with its defaults under
    `parameters`; None for a notebook that is no research question (nothing to check)."""
    from inflresearch.questions import find
    from inflresearch.report.parameters import notebook_defaults

    try:
        question = find(str(notebook))
    except KeyError:
        return None
    return check(question, {**notebook_defaults(notebook), **parameters})


def check_file(notebook: str | Path, path: str | Path, table: str,
               mapping: Mapping[str, str | None] | None = None) -> str:
    """``validate FILE --for NOTEBOOK``: one line saying the file meets the notebook's needs, or
    `PreflightError` naming what it lacks.

    Example:
        >>> from inflresearch.paths import sample_file
        >>> print(check_file("notebooks/01_engagement_vs_followers.ipynb",
        ...                  sample_file("influencers"), "influencers"))
        influencers.csv meets the needs of notebook 01_engagement_vs_followers as parameter 'data'
    """
    from inflresearch.questions import find

    question = find(str(notebook))
    slots = [p for p, t in question.inputs.items() if t == table]
    if not slots:
        takes = ", ".join(f"{p} ({t})" for p, t in question.inputs.items())
        raise PreflightError(f"notebook {question.stem} reads no {table} table; it takes {takes}")
    parameter = slots[0]
    given: dict[str, Any] = {name: None for name in question.inputs} | {parameter: str(path)}
    if mapping and parameter in question.mappings:
        given[question.mappings[parameter]] = {table: dict(mapping)}
    result = preflight(question, given, require_main=False)
    if not result.ok:
        raise PreflightError(result.message())
    return f"{Path(path).name} meets the needs of notebook {question.stem} as parameter {parameter!r}"
