"""The papermill engine of the report runner: nbclient, with the per-cell saves throttled.

Papermill writes the whole output notebook (every figure, base64-encoded, and a schema
validation) when each cell starts and again when it ends: on the demo's notebooks about 65 writes,
0.7 CPU seconds per run, taken from the kernels running beside it. This engine writes at most once
every `SAVE_EVERY` seconds at cell boundaries instead. The notebook is still always written when
execution ends (success, failing cell, cell timeout or dead kernel: papermill's own final save,
which is not throttled), and papermill's autosave still covers a cell running for minutes; a
worker killed outright loses at most the last `SAVE_EVERY` seconds of outputs.

Example:
    >>> ENGINE in papermill_engines._engines
    True
"""

from __future__ import annotations

import time
from typing import Any

from papermill.engines import NBClientEngine, papermill_engines

ENGINE = "inflresearch"
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
