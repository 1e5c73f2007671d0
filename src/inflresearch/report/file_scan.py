"""The files `inflresearch analyze` is given: found, bounded, deduplicated and recognised.

`find_files` walks the given folders without following links out of them and keeps every
table-shaped regular file once; whatever it will not read is listed with the reason (a FIFO or
device named on the command line is "not a regular file", a link out of the given folders is not
followed). `recognise_files` hashes each file (byte-identical files are analysed once, the copies
listed as such) and recognises its table (`recognise`). A file that cannot be read (a size cap,
nesting too deep: the loaders' one-line `DataError`) is listed with that reason and the others go
on. Nothing of an unrecognised file's content is ever quoted: its reason names what it lacks in
general terms, with quoted values, the folder's absolute path and control characters removed.

Example:
    >>> from inflresearch.paths import sample_dir
    >>> found = find_files([sample_dir()])
    >>> [p.name for p in found.files], found.listed
    (['campaigns.csv', 'influencers.csv', 'posts.csv', 'truth.json'], [])
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from inflresearch.data.load import read_headers
from inflresearch.data.presets import Preset, detect_preset
from inflresearch.errors import DataError, printable, shorten
from inflresearch.report.preflight import LoadedInput, load_input
from inflresearch.runs import sha256_file

RECOGNITION_ORDER = ("campaigns", "posts", "influencers")  # the most specific contract first
READ_ERRORS = (DataError, ValueError, OSError, RecursionError)  # one file's problem, never the folder's
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Recognised:
    """What one file is: its table and preset, or (table None) why it is not analysed."""

    path: Path
    table: str | None
    preset: str | None
    rows: int
    summary: str
    status: str = "recognised"  # or: not recognised, unreadable, identical, not read
    sha256: str = ""  # of the file's bytes, when it was read


@dataclass
class Found:
    """The regular table-shaped files to read, and the paths listed without being read."""

    files: list[Path] = field(default_factory=list)
    listed: list[Recognised] = field(default_factory=list)


def _suffixes() -> tuple[str, ...]:
    from inflresearch.data.load import FORMATS

    return tuple(FORMATS) + tuple(f"{s}.gz" for s in FORMATS if s not in (".parquet", ".pq",
                                                                           ".xlsx", ".xlsm"))


def _not_read(path: Path, why: str) -> Recognised:
    return Recognised(path, None, None, 0, why, status="not read")


def _kind(path: Path) -> str:
    """Why `path` is not a regular file: ``'not a regular file (a FIFO)'``."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return "not a regular file (a broken link)"
    kinds = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))
    return "not a regular file" + next((f" ({name})" for test, name in kinds if test(mode)), "")


def _inside(path: Path, folders: Sequence[Path]) -> bool:
    return any(path.is_relative_to(f) for f in folders)


def find_files(paths: Iterable[str | Path]) -> Found:
    """The table-shaped regular files of `paths` (folders walked without following links out
    of the given folders), sorted, each once; named paths that are not read are listed."""
    suffixes = _suffixes()
    items = [Path(p).expanduser().absolute() for p in paths]
    for item in items:
        if not item.exists() and not item.is_symlink():
            raise DataError("no such file or folder", path=item)
    bounds = [i.resolve() for i in items if i.is_dir()]
    out = Found()
    candidates: list[Path] = []
    for item in items:
        if not item.is_dir():
            if not item.is_file():
                out.listed.append(_not_read(item, _kind(item)))
            elif not item.name.lower().endswith(suffixes):
                out.listed.append(_not_read(item, "not a table file (CSV/TSV/TXT, Parquet, JSON, "
                                                  "Excel or gzipped text)"))
            else:
                candidates.append(item)
            continue
        for folder, dirs, names in os.walk(item):
            here = Path(folder)
            for name in sorted(d for d in dirs if (here / d).is_symlink()):
                out.listed.append(_not_read(here / name, "a link to a folder: not followed"))
            dirs.sort()
            for name in sorted(names):
                path = here / name
                if not name.lower().endswith(suffixes):
                    continue  # other files in a folder are ignored
                if path.is_symlink() and not _inside(path.resolve(), bounds):
                    out.listed.append(_not_read(path, "a link out of the given folders: not followed"))
                elif not path.is_file():
                    out.listed.append(_not_read(path, _kind(path)))
                else:
                    candidates.append(path)
    seen: set[Path] = set()
    for path in sorted(candidates):
        if path.resolve() not in seen:
            seen.add(path.resolve())
            out.files.append(path)
    return out


def _preset(path: Path) -> Preset | None:
    """The known-export preset of `path`, or None (also when its headers cannot be read)."""
    try:
        return detect_preset(read_headers(path))
    except READ_ERRORS:
        return None


def reason_without_content(exc: BaseException, path: Path) -> str:
    """A read error as one line that quotes nothing of the file: its path, quoted values and
    control characters removed.

    Example:
        >>> reason_without_content(DataError("bad header", path="/d/x.csv", values=["secret"]),
        ...                        Path("/d/x.csv"))
        'bad header'
    """
    text = str(exc)
    if isinstance(exc, DataError) and exc.values:
        text = text[: text.rfind(" (e.g. ")]
    for prefix in {str(path), str(getattr(exc, "path", None) or path), str(path.resolve())}:
        text = text.replace(f"{prefix}: ", "").replace(prefix, path.name)
    text = _QUOTED.sub("'…'", text)
    if isinstance(exc, OSError) and exc.strerror:
        text = exc.strerror
    return printable(shorten(" ".join(text.split()) or type(exc).__name__, 200))


def recognise(path: str | Path) -> Recognised:
    """The table (and preset) of one file; table None with a content-free reason when it
    loads as none (``unreadable`` when every table fails alike, e.g. a size cap).

    Example:
        >>> from inflresearch.paths import sample_file
        >>> recognise(sample_file("campaigns")).table
        'campaigns'
    """
    path = Path(path)
    preset = _preset(path)
    order = [preset.table] if preset is not None else list(RECOGNITION_ORDER)
    reasons = []
    for table in order:
        try:
            loaded: LoadedInput = load_input(path, table)
        except READ_ERRORS as exc:
            reasons.append(reason_without_content(exc, path))
            continue
        name = preset.name if preset is not None else None
        return Recognised(path, table, name, loaded.rows, loaded.summary)
    if len(set(reasons)) == 1 and len(order) > 1:
        return Recognised(path, None, None, 0, reasons[0], status="unreadable")
    tables = ", ".join(order)
    return Recognised(path, None, None, 0,
                      f"its columns meet none of the {tables} contracts (`inflresearch validate "
                      f"FILE --table TABLE` names what is missing)", status="not recognised")


def recognise_files(files: Sequence[Path], progress: Progress | None = None,
                    label: Callable[[Path], str] = lambda p: p.name) -> list[Recognised]:
    """`recognise` each file once per content: a byte-identical copy (same SHA-256) is listed as
    ``identical`` to the first (named by `label`) and not analysed again. `progress(done, total)`
    is called before the first file and after each one."""
    out: list[Recognised] = []
    first: dict[str, Path] = {}
    for done, path in enumerate(files):
        if progress is not None:
            progress(done, len(files))
        try:
            digest = sha256_file(path)
        except OSError as exc:
            out.append(Recognised(path, None, None, 0, reason_without_content(exc, path),
                                  status="unreadable"))
            continue
        if digest in first:
            out.append(Recognised(path, None, None, 0, f"byte-identical to {label(first[digest])}: "
                                  "analysed once, as that file", status="identical"))
            continue
        first[digest] = path
        out.append(replace(recognise(path), sha256=digest))
    if progress is not None:
        progress(len(files), len(files))
    return out
