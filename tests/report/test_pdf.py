"""PDF of a report: WeasyPrint, offline, never overwriting; `run --pdf` and the plan option."""

from __future__ import annotations

import base64
import http.server
import json
import threading
from pathlib import Path

import nbformat
import pytest

from inflresearch import claims
from inflresearch.cli import main
from inflresearch.report.html import render_html
from inflresearch.report.pdf import write_pdf
from inflresearch.report.plan import load_plan

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "fixture_report.ipynb"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _pdf_text(path: Path) -> str:
    """The text WeasyPrint lays out for `path` (re-rendered: the PDF's streams are compressed)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    def walk(box):
        yield getattr(box, "text", "") or ""
        for child in getattr(box, "children", []):
            yield from walk(child)

    doc = HTML(filename=str(path), url_fetcher=URLFetcher(allowed_protocols={"data"})).render()
    return " ".join(" ".join(t for page in doc.pages for t in walk(page._page_box)).split())


@pytest.fixture()
def requests_seen():
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server API)
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield seen, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_pdf_of_a_report_is_offline_and_never_overwrites(tmp_path, requests_seen):
    seen, url = requests_seen
    claim = claims.adjust_holm([claims.claim_result(
        claims.ENGAGEMENT_RATE_DECLINES, estimate=0.797, ci_low=0.788, ci_high=0.806,
        p_value=1e-9, n=3000, method="m", null=1.0, direction="less")])[0]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        f"# PDF fixture\n\n<img src=\"{url}/remote.png\">\n\n![local](data:image/png;base64,"
        f"{base64.b64encode(PNG).decode()})")])
    page = render_html(nb, {"run": {"status": "succeeded", "parameters": {}},
                            "claims": [claim.to_dict()]})
    page = page.replace("</main>", f'<img src="{url}/template.png"></main>')  # even past the sanitiser
    html_file = tmp_path / "report.html"
    html_file.write_text(page)
    pdf = write_pdf(html_file)
    assert pdf == tmp_path / "report.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 1000
    assert seen == []  # nothing was fetched from the network
    text = _pdf_text(html_file)
    assert "Key findings" in text and "13% lower engagement rate" in text
    with pytest.raises(FileExistsError):
        write_pdf(html_file)


def test_run_with_pdf_flag_writes_report_pdf(tmp_path, capsys):
    assert main(["run", str(FIXTURE), "--reports", str(tmp_path), "--pdf"]) == 0
    (folder,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert (folder / "report.pdf").read_bytes()[:5] == b"%PDF-"
    assert "pdf:" in capsys.readouterr().out


def test_plan_option_pdf_must_be_a_boolean(tmp_path):
    plan = tmp_path / "plan.yml"
    plan.write_text(json.dumps({"name": "p", "pdf": "yes", "runs": [{"notebook": str(FIXTURE)}]}))
    with pytest.raises(ValueError, match="'pdf' must be true or false"):
        load_plan(plan)
    plan.write_text(json.dumps({"name": "p", "pdf": True, "runs": [{"notebook": str(FIXTURE)}]}))
    assert load_plan(plan).pdf is True


def _headers(page: str) -> set[str]:
    """Every column header of the page's HTML tables, as text."""
    import html
    import re

    found = {html.unescape(re.sub(r"<[^>]+>", "", h)).strip()
             for h in re.findall(r"<th[^>]*>(.*?)</th>", page, re.S)}
    return found - {""}


def _printed_headers_and_pages(html_file: Path) -> tuple[set[str], str]:
    from inflresearch.report.pdf import printed_text

    return _headers(html_file.read_text()), printed_text(html_file)


def test_pdf_keeps_every_column_of_a_wide_table(tmp_path):
    """The fixture's 21-column table: on paper split into parts that repeat the first column,
    every header printed whole (none cut at the margin or broken inside a word), no dead
    "Download CSV" text."""
    import pandas as pd

    from inflresearch.report import tables

    wide = pd.DataFrame([[f"value {i}-{r}" for i in range(21)] for r in range(4)],
                        columns=[f"measure_number_{i}" for i in range(21)])
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Wide")])
    page = render_html(nb, {"run": {"status": "succeeded", "parameters": {}}, "claims": []})
    page = page.replace("</main>", tables.to_html(wide, "wide") + "</main>")
    html_file = tmp_path / "report.html"
    html_file.write_text(page)
    headers, text = _printed_headers_and_pages(html_file)
    assert {f"Measure number {i}" for i in range(21)} <= headers
    missing = [h for h in headers if h not in text]
    assert not missing, missing
    assert "value 20-3" in text and "Download CSV" not in text


@pytest.mark.slow
def test_pdf_of_report_03_contains_every_column_header(tmp_path):
    """Notebook 03 on the SIMULATED sample (few replicates): every column header of its HTML
    tables is in the PDF's text, and no page is left more than two-thirds blank between
    content pages."""
    from inflresearch.report.pdf import document

    assert main(["run", "notebooks/03_roi_micro_vs_macro.ipynb", "--reports", str(tmp_path),
                 "-p", "n_boot", "50", "-p", "n_portfolios", "200"]) == 0
    (folder,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    headers, text = _printed_headers_and_pages(folder / "report.html")
    assert len(headers) > 20
    missing = [h for h in headers if h not in text]
    assert not missing, missing
    assert "Download CSV" not in text
    pages = document(folder / "report.html").pages
    assert len(pages) > 3
    fill = [_filled(page) for page in pages]
    assert min(fill[:-1]) > 1 / 3, fill  # no page but the last mostly blank


def _filled(page) -> float:
    """How far down a laid-out page its lowest text or image reaches, as a share of its height."""
    def walk(box):
        yield box
        for child in getattr(box, "children", []):
            yield from walk(child)

    bottom = max((b.position_y + b.height for b in walk(page._page_box)
                  if getattr(b, "text", None) or type(b).__name__.endswith("ReplacedBox")),
                 default=0.0)
    return bottom / page.height
