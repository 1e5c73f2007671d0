"""The one call that ends every notebook: its results written once, and, run by hand, its report.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> from inflresearch.questions import find
    >>> q = find("roi")
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "notebook.ipynb").write_text("{}")  # as the report pipeline leaves it
    >>> p = q.params(data=None, influencers="sample", run_dir=str(folder))
    >>> inputs = q.load(p)
    >>> report(q.analyse(inputs, p), p, inputs).data.endswith("results.json`.")
    True
"""

from __future__ import annotations

from IPython.display import Markdown

from inflresearch.questions import Analysis, Inputs, RunParams
from inflresearch.report.by_hand import finish_by_hand, hand_parameters
from inflresearch.report.execute import NOTEBOOK_FILE
from inflresearch.runs import results_document, write_results
from inflresearch.safe_csv import save_csv


def report(analysis: Analysis, p: RunParams, inputs: Inputs) -> Markdown:
    """Write results.json once into `p.run_dir`: the claims (Holm-adjusted once across the
    report), the estimates, the input files' records and ``run.inputs``; the analysis's `files`
    next to it (never over an existing file). Run by hand (the folder
    holds no executed notebook of the report pipeline), the run block is completed first and
    report.html and the index are written too. Returns a line saying where."""
    document = results_document(analysis.claims(), analysis.estimates(), notebook=p.notebook,
                                data=inputs.records, inputs=p.inputs)
    folder = p.run_dir
    for name, table in analysis.files().items():
        save_csv(table, folder / name)
    if (folder / NOTEBOOK_FILE).is_file():  # the report pipeline completes it and renders
        path = write_results(folder, document)
        return Markdown(f"Results written to `{folder.name}/{path.name}`.")
    page, index = finish_by_hand(folder, document, parameters=hand_parameters(p))
    return Markdown(f"Results written to `{folder.name}/results.json`; report "
                    f"`{folder.name}/{page.name}`; index `{index}` updated.")
