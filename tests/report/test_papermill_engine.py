"""The report runner's papermill engine: few saves while running, every output in the end."""

from __future__ import annotations

import nbformat
import papermill.engines
import pytest

from inflresearch.report import papermill_engine
from inflresearch.report.execute import execute_run


def _notebook(folder, n_cells: int, last: str = "pass"):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("run_dir = None")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(f"print('cell {i}')") for i in range(n_cells)),
                nbformat.v4.new_code_cell(last)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = folder / "many.ipynb"
    nbformat.write(nb, path)
    return path


def _printed(folder) -> list[str]:
    """Each code cell's printed text (a print may arrive as several stream messages under load)."""
    nb = nbformat.read(folder / "notebook.ipynb", as_version=4)
    return ["".join(o.get("text", "") for o in c.get("outputs", []) if o.get("output_type") == "stream").strip()
            for c in nb.cells if c.cell_type == "code" and c.get("outputs")]


@pytest.fixture
def writes(monkeypatch):
    """Count papermill's writes of the output notebook while cells run."""
    calls: list[str] = []
    real = papermill.engines.write_ipynb

    def counting(nb, path):
        calls.append(path)
        return real(nb, path)

    monkeypatch.setattr(papermill.engines, "write_ipynb", counting)
    return calls


@pytest.mark.parametrize("every", [0.0, 60.0], ids=["unthrottled", "throttled"])
def test_saves_are_throttled_and_the_final_notebook_has_every_output(tmp_path, monkeypatch,
                                                                     writes, every):
    monkeypatch.setattr(papermill_engine, "SAVE_EVERY", every)
    run = execute_run(_notebook(tmp_path, 12), {}, root=tmp_path / "reports", progress=False)
    assert _printed(run.folder) == [f"cell {i}" for i in range(12)]
    if every:  # first cell start, then papermill's own final save when execution ends
        assert len(writes) <= 3
    else:  # papermill alone: a save when each of the 14 cells starts and when it ends
        assert len(writes) >= 28


def test_a_timed_out_run_keeps_the_outputs_of_the_cells_before_it(tmp_path, monkeypatch):
    monkeypatch.setattr(papermill_engine, "SAVE_EVERY", 60.0)
    notebook = _notebook(tmp_path, 3, last="import time; time.sleep(30)")
    run = execute_run(notebook, {}, root=tmp_path / "reports", cell_timeout=2, progress=False)
    assert run.status == "failed" and "timeout" in (run.error or "").lower()
    assert _printed(run.folder) == ["cell 0", "cell 1", "cell 2"]
