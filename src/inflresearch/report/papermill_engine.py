"""The papermill engine of the report runner: nbclient, with the per-cell saves throttled, and
the output notebook written atomically.

Papermill writes the whole output notebook (every figure, base64-encoded, and a schema
validation) when each cell starts and again when it ends: on the demo's notebooks about 65 writes,
0.7 CPU seconds per run, taken from the kernels running beside it. This engine writes at most once
every `SAVE_EVERY` seconds at cell boundaries instead. The notebook is still always written when
execution ends (success, failing cell, cell timeout or dead kernel: papermill's own final save,
which is not throttled), and papermill's autosave still covers a cell running for minutes; a
worker killed outright loses at most the last `SAVE_EVERY` seconds of outputs.

Every write of the output notebook (the throttled saves, papermill's failure and final saves) goes
through `AtomicNotebookFiles`, a papermill I/O handler for paths made with `atomic_output`: the
notebook is written to a temporary file beside it and renamed, so a save that fails (a full disk,
a file-size limit) leaves the previous complete save in place, never a truncated notebook, and
the error names notebook.ipynb.

Example:
    >>> ENGINE in papermill_engines._engines
    True
    >>> atomic_output("/tmp/run/notebook.ipynb")
    'inflresearch-atomic:///tmp/run/notebook.ipynb'
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from papermill.engines import NBClientEngine, papermill_engines
from papermill.iorw import LocalHandler, papermill_io

from inflresearch.atomic import atomic_write_text

ENGINE = "inflresearch"
SCHEME = "inflresearch-atomic://"
SAVE_EVERY = 5.0  # seconds between two saves of the output notebook at cell boundaries


class ThrottledSaves(NBClientEngine):
    """nbclient execution whose cell-boundary saves are at most `SAVE_EVERY` seconds apart."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
        """Execute with `nb_man.save` throttled; restored before papermill's final save."""
        save = nb_man.save
        last = [-SAVE_EVERY]

        def throttled(**save_kwargs: Any) -> None:
            now = time.monotonic()
            if now - last[0] >= SAVE_EVERY:
                save(**save_kwargs)
                last[0] = now

        nb_man.save = throttled
        try:
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
        finally:
            nb_man.save = save


papermill_engines.register(ENGINE, ThrottledSaves)


def atomic_output(path: str | Path) -> str:
    """The output path to give papermill so that `AtomicNotebookFiles` writes the notebook."""
    return SCHEME + str(Path(path).absolute())


class AtomicNotebookFiles:
    """papermill I/O for `atomic_output` paths: local files, each write atomic (temp + rename)."""

    @staticmethod
    def _local(path: str) -> Path:
        return Path(path.removeprefix(SCHEME))

    def read(self, path: str) -> str:
        """The notebook's text."""
        return str(LocalHandler().read(str(self._local(path))))

    def write(self, buf: str, path: str) -> None:
        """Replace the notebook at once; an OSError names the notebook, not the temporary file."""
        target = self._local(path)
        try:
            atomic_write_text(target, buf)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from None

    def listdir(self, path: str) -> list[str]:
        """The folder's entries."""
        return [str(p) for p in self._local(path).iterdir()]

    def pretty_path(self, path: str) -> str:
        """The local path, without the scheme."""
        return str(self._local(path))


papermill_io.register(SCHEME, AtomicNotebookFiles())
