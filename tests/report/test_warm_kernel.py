"""A warm kernel imports what its notebook imports at the top level of its cells, nothing else."""

from __future__ import annotations

import nbformat

from inflresearch.report.warm_kernel import notebook_imports


def test_top_level_imports_of_code_cells_in_order_once_each(tmp_path):
    cells = [
        nbformat.v4.new_markdown_cell("import markdown_is_not_code"),
        nbformat.v4.new_code_cell("%matplotlib inline\nimport numpy as np, pandas\nimport numpy"),
        nbformat.v4.new_code_cell("from inflresearch.questions import engagement as e, find\n"
                                  "from . import relative\nfrom os.path import *"),
        nbformat.v4.new_code_cell("if False:\n    import only_when_needed\ndef f():\n    import inner"),
        nbformat.v4.new_code_cell("this is not python"),
    ]
    path = tmp_path / "n.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    assert notebook_imports(path) == (
        "numpy", "pandas", "inflresearch.questions", "inflresearch.questions.engagement",
        "inflresearch.questions.find", "os.path")


def test_a_notebook_that_cannot_be_read_warms_nothing(tmp_path):
    assert notebook_imports(tmp_path / "missing.ipynb") == ()
    (tmp_path / "broken.ipynb").write_text("{not json")
    assert notebook_imports(tmp_path / "broken.ipynb") == ()
