"""Self-contained HTML for stakeholders: no code cells, no prompts, no network resources.

Uses nbconvert's HTMLExporter with the package's ``inflresearch_report`` template (the lab
template minus require.js, MathJax, mermaid and widget scripts), drops JavaScript and SVG outputs,
honours the cell tags ``remove-cell`` / ``remove_cell`` / ``remove-input`` / ``remove_input``, and
cleans every HTML and Markdown output and then the whole rendered body (Markdown cells included)
with the allow-list of `inflresearch.report.safe`: no script, no event handler, no
``javascript:`` link, no remote image. Figures are embedded as data URIs by nbconvert itself.

Usage: ``write_html("run/notebook.ipynb", "run/report.html", results)``.
"""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path
from typing import Any

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor
from traitlets.config import Config

from inflresearch.atomic import atomic_write_text
from inflresearch.errors import shorten
from inflresearch.params import simulated_inputs
from inflresearch.report.key_findings import key_findings
from inflresearch.report.safe import clean_fragment
from inflresearch.report.tables import readable_value

TEMPLATES = Path(__file__).parent / "templates"
REMOVE_CELL = {"remove-cell", "remove_cell", "parameters", "injected-parameters"}
REMOVE_INPUT = {"remove-input", "remove_input"}
_HEADING = re.compile(r'<h([1-3]) id="([^"]+)">(.*?)(?:<a class="anchor-link".*?</a>)?</h\1>', re.S)
_TAGS = re.compile(r"<[^>]+>")
_BODY = re.compile(r"(?P<head>.*?<body\b[^>]*>)(?P<body>.*)(?P<tail></body>.*)\Z", re.S | re.I)
_DROPPED = ("application/javascript", "image/svg+xml", "application/vnd.jupyter.widget-view+json")


class SanitizeOutputs(Preprocessor):
    """Clean HTML and Markdown outputs of code cells; drop script-capable output types."""

    def preprocess_cell(self, cell, resources, index):  # noqa: D102 (nbconvert API)
        for output in cell.get("outputs", []):
            data = output.get("data")
            if not data:
                continue
            for mime in _DROPPED:
                data.pop(mime, None)
            for mime in ("text/html", "text/markdown"):
                if mime in data:
                    value = data[mime]
                    data[mime] = clean_fragment(
                        "".join(value) if isinstance(value, list) else value
                    )
        return cell, resources


@functools.cache
def exporter() -> HTMLExporter:
    """The configured HTML exporter, one per process: a plan's worker renders every run it takes
    with the templates compiled once (its preprocessors keep no state between notebooks)."""
    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = REMOVE_CELL
    config.TagRemovePreprocessor.remove_input_tags = REMOVE_INPUT
    config.TagRemovePreprocessor.enabled = True
    exp = HTMLExporter(
        config=config,
        template_name="inflresearch_report",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    exp.register_preprocessor(TagRemovePreprocessor(config=config), enabled=True)
    exp.register_preprocessor(SanitizeOutputs(), enabled=True)
    return exp


def _title(nb: nbformat.NotebookNode, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if match:
                return match.group(1).strip()
    return fallback


def table_of_contents(body: str) -> str:
    """An escaped <nav> built from the h1-h3 headings of the rendered body."""
    items = []
    for level, anchor, inner in _HEADING.findall(body):
        text = html.unescape(_TAGS.sub("", inner)).strip()
        if text:
            items.append(
                f'<li style="margin-left:{(int(level) - 1) * 1.0}rem">'
                f'<a href="#{html.escape(anchor, quote=True)}">{html.escape(text)}</a></li>'
            )
    if not items:
        return ""
    return '<nav class="ir-toc"><strong>Contents</strong><ul>' + "".join(items) + "</ul></nav>"


def _context(results: dict[str, Any], title: str) -> dict[str, Any]:
    run = results.get("run", {})
    params = run.get("parameters", {})
    return {
        "title": title,
        "run_id": run.get("id", ""),
        "started": run.get("started", ""),
        "status": run.get("status", "unknown"),
        "error": run.get("error"),
        "parameters": [(k, shorten(readable_value(v))) for k, v in sorted(params.items())],
        "simulated": bool(simulated_inputs(run)),
        "simulated_inputs": simulated_inputs(run),
        "package_version": run.get("package_version", ""),
        "git_commit": run.get("git_commit") or "unknown",
        "seconds": run.get("seconds", ""),
        "notebook": run.get("notebook", ""),
        "data": [
            {
                "path": Path(str(d.get("path", ""))).name,
                "rows": d.get("rows"),
                "sha256": d.get("sha256"),
                "dataset": (d.get("dataset") or {}).get("name"),
            }
            for d in run.get("data", [])
        ],
    }


def render_html(
    nb: nbformat.NotebookNode, results: dict[str, Any], fallback_title: str = "report",
    folder: Path | None = None,
) -> str:
    """The report HTML of an executed notebook and its results.json (`folder`: its run folder)."""
    title = _title(nb, fallback_title)
    page, _ = exporter().from_notebook_node(
        nb, resources={"report": _context(results, title), "metadata": {"name": title},
                       "key_findings": key_findings(results, folder)},
    )
    parts = _BODY.match(page)
    if parts is None:
        raise ValueError("the report template produced no <body>")
    body = clean_fragment(parts["body"].replace("<!--IR-TOC-->", "<nav>IR-TOC</nav>", 1))
    body = body.replace("<nav>IR-TOC</nav>", table_of_contents(body), 1)
    return parts["head"] + body + parts["tail"]


def write_html(notebook: str | Path, out: str | Path, results: dict[str, Any]) -> Path:
    """Render `notebook` (possibly partial, or missing when the kernel never started) to `out`."""
    notebook = Path(notebook)
    if notebook.is_file():
        nb = nbformat.read(notebook, as_version=4)
    else:
        nb = nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_markdown_cell("# Run failed before any cell ran")]
        )
    return atomic_write_text(out, render_html(nb, results, fallback_title=notebook.stem,
                                                  folder=Path(out).parent))
