"""A kernel started ahead of its run, with the modules its notebook imports already imported.

A plan worker starts the kernel of its next run while the current one executes (`plan._serve`),
so kernel start-up and the notebook's imports (about 2 CPU seconds for a question's scientific
stack) leave the run's critical path. What is imported is read from the notebook itself
(`notebook_imports`: the import statements at the top level of its code cells), so a question
notebook gets its whole stack and a small notebook pays for nothing it does not use.

Example:
    >>> "inflresearch.questions.engagement.notebook" in notebook_imports(
    ...     "notebooks/01_engagement_vs_followers.ipynb")
    True
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager
from jupyter_client.blocking import BlockingKernelClient
from jupyter_core.utils import run_sync

from inflresearch.paths import project_root
from inflresearch.report import quiet

#: run silently in the warm kernel, in a namespace of its own: a module that fails to import is
#: left for the notebook to report
_WARM_UP = """import importlib
for _name in {names!r}:
    try:
        importlib.import_module(_name)
    except Exception:
        pass
"""


def _cell_imports(source: str) -> list[str]:
    """Modules imported by the top-level statements of one cell; from-imports also name the
    submodule they may import (``from a import b`` -> ``a``, ``a.b``). Relative imports and
    cells that do not parse are skipped."""
    try:
        tree = ast.parse(TransformerManager().transform_cell(source))
    except SyntaxError:
        return []
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names += [node.module, *(f"{node.module}.{a.name}" for a in node.names if a.name != "*")]
    return names


@functools.lru_cache(maxsize=64)
def _imports(path: str, stamp: tuple[int, int]) -> tuple[str, ...]:
    cells = nbformat.read(path, as_version=4).cells
    found = (name for cell in cells if cell.cell_type == "code" for name in _cell_imports(cell.source))
    return tuple(dict.fromkeys(found))


def notebook_imports(notebook: str | Path) -> tuple[str, ...]:
    """The modules `notebook` imports at the top level of its code cells, in order, once each;
    empty for a notebook that cannot be read (its run reports why)."""
    try:
        stat = Path(notebook).stat()
        return _imports(str(notebook), (stat.st_size, stat.st_mtime_ns))
    except (OSError, ValueError):
        return ()


class WarmKernel:
    """A kernel started for one run, importing its notebook's modules while another run executes.

    The imports run in a namespace of their own (``exec(..., {})``), silently and outside the
    history, so the notebook starts in the kernel's pristine user namespace with execution
    count 1, as in a kernel started for it; only Python's module cache is warm. One kernel
    serves one run (`execute.execute_run` shuts it down as soon as the notebook has executed).
    """

    def __init__(self, notebook: str | Path) -> None:
        self.km = quiet.kernel_options()["kernel_manager_class"](kernel_name="python3")
        run_sync(self.km.start_kernel)(cwd=str(project_root()))
        self._kc: BlockingKernelClient = self.km.blocking_client()
        self._kc.start_channels()
        code = _WARM_UP.format(names=notebook_imports(notebook))
        self._kc.execute(f"exec({code!r}, {{}})", silent=True, store_history=False)

    def shutdown(self) -> None:
        """Stop the kernel at once (its run's outputs are saved: nothing is left to wait for);
        a second call does nothing."""
        if self._kc.channels_running:
            self._kc.stop_channels()
        # killed directly, not through the manager's coroutines: running the event loop again
        # would wake the finished (or interrupted) notebook client's pending tasks
        process = getattr(self.km.provisioner, "process", None)
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        self.km.cleanup_connection_file()
