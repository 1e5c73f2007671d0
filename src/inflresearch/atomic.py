"""Atomic file writes: write to a temporary file in the same folder, then move it to the target.

An interrupted run never leaves a half-written file behind. With ``exclusive=True`` the move
never replaces anything: the finished file is hard-linked to its name, which fails when the
name exists, so of two writers racing for one name exactly one wins and the other gets
`FileExistsError`.

Example:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> atomic_write_text(p, "hello").read_text()
    'hello'
    >>> atomic_write_text(p, "again", exclusive=True)
    Traceback (most recent call last):
    ...
    FileExistsError: [Errno 17] File exists: ...
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

# link() is not offered by every file system (FAT, some network mounts): claim the name instead
_NO_LINK = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS}


def _publish_new(tmp: str, path: Path) -> None:
    """Give the finished `tmp` the name `path` without ever replacing an existing file."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in _NO_LINK:
            raise
        # claim the name exclusively (a rival's claim fails), then move the content onto it
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        os.replace(tmp, path)
    else:
        os.unlink(tmp)


def atomic_write(
    path: str | Path, write: Callable[[Path], object], *, exclusive: bool = False
) -> Path:
    """Call `write(tmp_path)` and atomically move the result to `path`.

    ``exclusive=True``: raise `FileExistsError` instead of replacing an existing `path` (also
    when another process creates it while `write` runs).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:200]}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        if exclusive:
            _publish_new(tmp, path)
        else:
            os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_new(
    folder: str | Path, names: Iterator[str], write: Callable[[Path], object]
) -> Path:
    """Write atomically to the first of `names` that does not exist in `folder`; never replaces.

    Example:
        >>> import tempfile, itertools
        >>> d = tempfile.mkdtemp()
        >>> names = lambda: (f"q-{i}.csv" for i in itertools.count(1))
        >>> [atomic_write_new(d, names(), lambda p: p.write_text("x")).name for _ in range(2)]
        ['q-1.csv', 'q-2.csv']
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)  # a file in the way raises here, not in the loop
    for name in names:
        if (folder / name).exists():
            continue
        try:
            return atomic_write(folder / name, write, exclusive=True)
        except FileExistsError:  # taken while we wrote: try the next name
            continue
    raise FileExistsError(errno.EEXIST, "no free name", str(folder))


def atomic_write_bytes(path: str | Path, data: bytes, *, exclusive: bool = False) -> Path:
    """Write `data` to `path` atomically (``exclusive``: never replace an existing file)."""
    return atomic_write(path, lambda tmp: tmp.write_bytes(data), exclusive=exclusive)


def atomic_write_text(path: str | Path, text: str, *, exclusive: bool = False) -> Path:
    """Write `text` (UTF-8, no newline translation) to `path` atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"), exclusive=exclusive)
