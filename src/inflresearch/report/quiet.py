"""Quiet notebook runs: no kernel noise on the terminal, one line per finished notebook.

Each line a successful run used to print, where it came from, and the narrowest fix:

- ``[IPKernelApp] WARNING | Kernel is running over TCP without encryption``: ipykernel warns when
  its connection file has no CurveZMQ key. `QuietKernelManager` asks jupyter_client to provision
  one (``transport_encryption="auto"``: only for kernels whose kernelspec declares ``curve``
  support, and only when pyzmq has CurveZMQ), so the channels are encrypted and the warning has
  no cause. Kernels without support still run, unencrypted, and still warn.
- ``[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel``: jupyter_client interrupts (SIGINT)
  a kernel before every shutdown; when the signal lands while the finished kernel handles a
  message, ipykernel logs it as an error. `QuietKernelManager` does not interrupt a kernel it is
  shutting down (a kernel still busy is killed after the usual grace period).
- pydevd's "frozen modules ... may make the debugger miss breakpoints" warning, printed by the
  debugger a kernel loads when the kernelspec lacks ``-Xfrozen_modules=off``: the kernel gets
  ``PYDEVD_DISABLE_FILE_VALIDATION=1``, as ``ipykernel install`` itself sets.

`progress_line` is the one line per notebook (a check mark and the duration on a terminal, a
timestamped plain log line otherwise, e.g. under cron).

Example:
    >>> progress_line("notebooks/02_niche_clustering.ipynb", "succeeded", 12.34, tty=False)[20:]
    ' inflresearch: 02_niche_clustering succeeded in 12.3 s'
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import zmq
from jupyter_client.manager import AsyncKernelManager

KERNEL_ENV = {"PYDEVD_DISABLE_FILE_VALIDATION": "1"}


class QuietKernelManager(AsyncKernelManager):
    """A kernel manager with encrypted channels that shuts kernels down without SIGINT.

    Example:
        >>> QuietKernelManager().transport_encryption in {"auto", "disabled"}
        True
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if zmq.has("curve"):
            self.transport_encryption = "auto"

    async def _async_interrupt_kernel(self) -> None:
        if self.shutting_down:  # the pre-shutdown interrupt: nothing is running to interrupt
            return
        await super()._async_interrupt_kernel()

    async def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:  # type: ignore[override]
        """Shut the kernel down; at once when this process was interrupted (Ctrl-C, SIGTERM): the
        kernel may be mid-cell, and a graceful shutdown would wait for it and then print the
        kernel's ZMQ traceback when its sockets close under the cell."""
        from inflresearch.report.interrupts import interrupted

        await super().shutdown_kernel(now=now or interrupted(), restart=restart)


def kernel_options() -> dict[str, Any]:
    """Keyword arguments for `papermill.execute_notebook` that keep the kernel quiet.

    Sets the debugger variable of `KERNEL_ENV` in this process's environment (unless already
    set), which the kernel inherits.

    Example:
        >>> kernel_options()["kernel_manager_class"].__name__
        'QuietKernelManager'
    """
    for name, value in KERNEL_ENV.items():
        os.environ.setdefault(name, value)
    return {"kernel_manager_class": QuietKernelManager}


def progress_line(notebook: str | Path, status: str, seconds: float | None, *,
                  tty: bool | None = None) -> str:
    """One line for a finished notebook: short on a terminal, a plain log line otherwise.

    Example:
        >>> progress_line("nb/01_x.ipynb", "failed", 3.0, tty=True)
        '✗ 01_x  failed  3.0 s'
    """
    tty = sys.stderr.isatty() if tty is None else tty
    name = Path(notebook).stem
    took = "" if seconds is None else f"{seconds:.1f} s"
    if tty:
        mark = {"succeeded": "✓", "cached": "·"}.get(status, "✗")
        return f"{mark} {name}  {status}  {took}".rstrip()
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{stamp} inflresearch: {name} {status}" + (f" in {took}" if took else "")


def report_progress(notebook: str | Path, status: str, seconds: float | None = None) -> None:
    """Print `progress_line` to stderr (flushed: a plan's runs finish one by one)."""
    print(progress_line(notebook, status, seconds), file=sys.stderr, flush=True)
