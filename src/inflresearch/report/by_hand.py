"""A notebook run by hand (JupyterLab, VS Code): its report and the index, from one call.

`inflresearch.report.finish.report` calls `finish_by_hand` when the run folder was not made by the report pipeline
(no executed ``notebook.ipynb`` in it): the run block of results.json is completed (status,
time, provenance, ``by_hand: true``), ``report.html`` is rendered from results.json (the claims
and verdicts, the inputs, which of them were simulated; the figures stay in the notebook: a
kernel cannot read its own outputs, and a saved copy may be stale), and the index is rebuilt.

Usage: ``finish_by_hand(run_folder, document)`` returns the paths of report.html and the index.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat

from inflresearch.atomic import atomic_write_text
from inflresearch.claims import from_dict, plain_words
from inflresearch.report.execute import HTML_FILE, complete_results
from inflresearch.report.html import render_html
from inflresearch.report.index import build_index
from inflresearch.report.provenance import git_commit, package_version
from inflresearch.runs import write_results


def _summary(results: dict[str, Any], notebook: str) -> nbformat.NotebookNode:
    run = results["run"]
    lines = [f"# {html.escape(notebook)} (run by hand)",
             "Run interactively, not by `inflresearch run`: this page holds the claims, verdicts "
             "and inputs from results.json; the figures and tables are in the notebook itself. "
             "For the full report, run it with `inflresearch run`."]
    inputs = run.get("inputs") or {}
    for name, record in inputs.items():
        if record:
            tag = " (SIMULATED)" if record.get("simulated") else ""
            lines.append(f"- input `{html.escape(name)}`: "
                         f"{html.escape(', '.join(record.get('paths', [])))}{tag}")
        else:
            lines.append(f"- input `{html.escape(name)}`: none")
    claims = [
        f"- **{html.escape(c['id'])}** -> **{html.escape(c['verdict'])}**: "
        f"{html.escape(plain_words(from_dict(c)))}"
        for c in results.get("claims", [])
    ]
    cells = [nbformat.v4.new_markdown_cell("\n\n".join(lines[:2]) + "\n\n" + "\n".join(lines[2:]))]
    cells.append(nbformat.v4.new_markdown_cell("## Claims\n\n" + ("\n".join(claims) or "none")))
    return nbformat.v4.new_notebook(cells=cells)


def finish_by_hand(folder: Path, document: dict[str, Any]) -> tuple[Path, Path]:
    """Complete the notebook's results `document`, write it (once) with report.html, and rebuild
    the index of `folder`'s parent."""
    written = document.get("run", {})
    notebook = str(written.get("notebook", folder.name))
    run = {
        "id": folder.name,
        "notebook": notebook,
        "parameters": written.get("parameters", {}),
        "status": "succeeded",
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": 0.0,
        "package_version": package_version(),
        "git_commit": git_commit(),
        "error": None,
        "by_hand": True,
    }
    results = complete_results(folder, run, document)
    page = render_html(_summary(results, Path(notebook).stem), results, fallback_title=notebook)
    report = atomic_write_text(folder / HTML_FILE, page)
    write_results(folder, results)
    return report, build_index(folder.parent)
