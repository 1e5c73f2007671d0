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
import os
from collections.abc import Mapping
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat

from inflresearch.atomic import atomic_write_text
from inflresearch.claims import from_dict
from inflresearch.paths import project_root
from inflresearch.report.execute import HTML_FILE, complete_results
from inflresearch.report.html import render_html
from inflresearch.report.index import build_index
from inflresearch.report.key_findings import answer, certainty, question
from inflresearch.report.provenance import git_commit, package_version
from inflresearch.runs import folder_time, write_results


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
    claims = [f"- **{html.escape(question(c))}** {html.escape(answer(c))} "
              f"({html.escape(certainty(c) or c.verdict)})"
              for c in (from_dict(record) for record in results.get("claims", []))]
    cells = [nbformat.v4.new_markdown_cell("\n\n".join(lines[:2]) + "\n\n" + "\n".join(lines[2:]))]
    cells.append(nbformat.v4.new_markdown_cell("## Claims\n\n" + ("\n".join(claims) or "none")))
    return nbformat.v4.new_notebook(cells=cells)


def hand_parameters(p: Any) -> dict[str, Any]:
    """The parameters of a run by hand, as the notebook's validating call coerced them (a
    `RunParams` dataclass; the run folder, inputs record and simulated flag are kept apart).

    Example:
        >>> from dataclasses import dataclass
        >>> from pathlib import Path
        >>> @dataclass
        ... class P:
        ...     notebook: str; run_dir: Path; alpha: float; data: Path
        >>> hand_parameters(P("01_x", Path("/r/1"), 0.05, Path("/d/a.csv")))
        {'alpha': 0.05, 'data': '/d/a.csv'}
    """
    skip = {"notebook", "run_dir", "inputs", "simulated"}
    out = {f.name: getattr(p, f.name) for f in fields(p) if f.name not in skip}
    return {k: str(v) if isinstance(v, Path) else v for k, v in out.items()}


def notebook_path(stem: str) -> str:
    """Where the notebook run by hand is: the Jupyter server's session path (``JPY_SESSION_NAME``,
    set by Jupyter Server 2 in each kernel) when it names an ``.ipynb``, else the project's
    ``notebooks/<stem>.ipynb``; relative to the project (outside it: the file name only).

    Example:
        >>> notebook_path("01_engagement_vs_followers")
        'notebooks/01_engagement_vs_followers.ipynb'
    """
    session = os.environ.get("JPY_SESSION_NAME", "")
    path = Path(session) if session.endswith(".ipynb") else (
        project_root() / "notebooks" / f"{Path(stem).stem}.ipynb")
    try:  # inside the project: relative to it, so no machine path reaches a page
        return path.resolve().relative_to(project_root().resolve()).as_posix()
    except ValueError:
        return path.name



def finish_by_hand(folder: Path, document: dict[str, Any],
                   parameters: Mapping[str, Any] | None = None,
                   started: datetime | None = None) -> tuple[Path, Path]:
    """Complete the notebook's results `document` (with the run's `parameters`, the notebook's
    path and the time it `started`), write it (once) with report.html, and rebuild the index of
    `folder`'s parent."""
    written = document.get("run", {})
    notebook = notebook_path(str(written.get("notebook", folder.name)))
    now = datetime.now(UTC)
    start = started or folder_time(folder) or now
    run = {
        "id": folder.name,
        "notebook": notebook,
        "parameters": dict(parameters if parameters is not None else written.get("parameters", {})),
        "status": "succeeded",
        "started": start.isoformat(timespec="seconds"),
        "seconds": round(max(0.0, (now - start).total_seconds()), 1),
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
