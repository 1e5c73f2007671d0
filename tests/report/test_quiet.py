"""A successful notebook run prints no kernel warning or stray ERROR line; one line per notebook."""

from __future__ import annotations

import asyncio
import re

import nbformat
import pytest
from jupyter_client.manager import AsyncKernelManager

from inflresearch.report import quiet
from inflresearch.report.execute import execute_run

NOISE = re.compile(r"WARNING|ERROR|KeyboardInterrupt|without encryption|frozen.modules|"
                   r"PYDEVD|Debugger warning", re.IGNORECASE)


def _notebook(folder):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("run_dir = None")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(
        "import sys\n"
        "print('kernel-stderr-reaches-the-test', file=sys.__stderr__, flush=True)\n"
        "from inflresearch import runs\n"
        "_ = runs.save_results(run_dir, [], {}, notebook='quiet')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = folder / "quiet.ipynb"
    nbformat.write(nb, path)
    return path


def test_a_successful_run_prints_no_kernel_warning_or_error_line(tmp_path, capfd):
    notebook = _notebook(tmp_path)
    for _ in range(2):  # start-up and shutdown noise is racy: two kernels
        result = execute_run(notebook, {}, root=tmp_path / "reports", progress=False)
        assert result.status == "succeeded", result.error
    err = capfd.readouterr().err
    # the kernel's own stderr is captured here (else the test would prove nothing)
    assert err.count("kernel-stderr-reaches-the-test") == 2
    noise = [line for line in err.splitlines() if NOISE.search(line)]
    assert noise == []


def test_kernel_manager_skips_only_the_pre_shutdown_interrupt(monkeypatch):
    calls = []

    async def interrupt(self):
        calls.append(self.shutting_down)

    monkeypatch.setattr(AsyncKernelManager, "_async_interrupt_kernel", interrupt)
    km = quiet.QuietKernelManager()
    asyncio.run(km._async_interrupt_kernel())  # a user's interrupt still goes through
    km.shutting_down = True
    asyncio.run(km._async_interrupt_kernel())
    assert calls == [False]


def test_kernel_options_set_the_debugger_variable_without_overriding(monkeypatch):
    monkeypatch.delenv("PYDEVD_DISABLE_FILE_VALIDATION", raising=False)
    assert quiet.kernel_options() == {"kernel_manager_class": quiet.QuietKernelManager}
    import os

    assert os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] == "1"
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "0")
    quiet.kernel_options()
    assert os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] == "0"


@pytest.mark.parametrize(("tty", "expected"), [
    (True, r"^✓ 02_niche_clustering  succeeded  12\.3 s$"),
    (False, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ inflresearch: 02_niche_clustering succeeded "
            r"in 12\.3 s$"),
])
def test_one_progress_line_per_notebook_for_terminals_and_cron(tty, expected):
    line = quiet.progress_line("notebooks/02_niche_clustering.ipynb", "succeeded", 12.34, tty=tty)
    assert re.match(expected, line) and "\n" not in line
