"""A PDF of a report for e-mail, printed by WeasyPrint (a PyPI package; no browser needed).

The report is self-contained (figures are data URIs), so the PDF is built offline: any URL other
than an embedded ``data:`` one is refused rather than fetched (the HTML file itself is read from
disk). Collapsed ``<details>`` sections
print expanded, so the PDF holds everything the HTML does.

Usage: ``write_pdf("run/report.html", "run/report.pdf")`` returns the PDF's path.
"""

from __future__ import annotations

from pathlib import Path

from inflresearch.atomic import atomic_write

PDF_FILE = "report.pdf"
# the print stylesheet: A4 with margins, every <details> open, wide tables shrunk to the page
PRINT_CSS = """
@page { size: A4; margin: 14mm 12mm; }
body.jp-Notebook { max-width: none; padding: 0; }
details > * { display: block; }
details > summary { font-weight: 600; }
.ir-table-wrap { overflow: visible; }
.ir-table-wrap table { font-size: 7.5pt; }
img { max-width: 100%; }
"""


def write_pdf(html_file: str | Path, out: str | Path | None = None) -> Path:
    """Print `html_file` to `out` (default: ``report.pdf`` beside it), atomically; returns `out`."""
    try:
        from weasyprint import CSS, HTML
        from weasyprint.urls import URLFetcher
    except ImportError:
        raise ValueError("a PDF needs WeasyPrint: pip install 'inflresearch[pdf]'") from None

    html_file = Path(html_file)
    target = Path(out) if out is not None else html_file.with_name(PDF_FILE)
    if target.exists():
        raise FileExistsError(f"{target} exists: a PDF is never overwritten")
    offline = URLFetcher(allowed_protocols={"data"})  # embedded data: URIs only, no network
    document = HTML(filename=str(html_file), url_fetcher=offline)
    css = CSS(string=PRINT_CSS, url_fetcher=offline)
    return atomic_write(target, lambda tmp: document.write_pdf(str(tmp), stylesheets=[css]))
