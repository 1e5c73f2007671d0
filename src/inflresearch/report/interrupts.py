"""Ctrl-C and SIGTERM stop a run, a plan or an analysis the same way.

Cron, CI timeouts and ``kill`` send SIGTERM; a terminal sends SIGINT (Ctrl-C). `stop_on_signals`
makes SIGTERM raise KeyboardInterrupt like SIGINT, so both take the one path that records running
runs as ``interrupted`` and ends the workers; `interrupted` then tells the kernel manager to stop
a kernel at once instead of waiting for its cell. In a plan's worker `interrupt_once` does the same for
the first of either signal and ignores the next ones, so a worker interrupted by the terminal and
again by its plan still records its run; `deferred` holds both signals off while results are
being written. `stopped_by` names the signal received, for the messages.

Example:
    >>> stopped_by()
    'Ctrl-C'
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)
_received: list[str] = []


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _raise(signum: int, frame: FrameType | None) -> None:
    _received.append("SIGTERM" if signum == signal.SIGTERM else "Ctrl-C")
    raise KeyboardInterrupt


def _raise_once(signum: int, frame: FrameType | None) -> None:
    for s in SIGNALS:
        signal.signal(s, signal.SIG_IGN)
    _raise(signum, frame)


def stop_on_signals() -> None:
    """SIGINT and SIGTERM raise KeyboardInterrupt in the main thread (and are remembered)."""
    if _main_thread():
        for s in SIGNALS:
            signal.signal(s, _raise)


def interrupt_once() -> None:
    """The first SIGINT or SIGTERM raises KeyboardInterrupt; later ones are ignored (a worker)."""
    if _main_thread():
        for s in SIGNALS:
            signal.signal(s, _raise_once)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Ignore SIGINT and SIGTERM inside the block (recording what was interrupted); the
    handlers are restored after it."""
    if not _main_thread():
        yield
        return
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)


def interrupted() -> bool:
    """True once this process received SIGINT or SIGTERM through these handlers."""
    return bool(_received)


def stopped_by() -> str:
    """``'SIGTERM'`` when SIGTERM stopped this process, else ``'Ctrl-C'``."""
    return _received[-1] if _received else "Ctrl-C"
