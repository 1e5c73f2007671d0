"""A PDF of a report for e-mail, printed by WeasyPrint (a PyPI package; no browser needed).

The report is self-contained (figures are data URIs), so the PDF is built offline: any URL other
than an embedded ``data:`` one is refused rather than fetched (the HTML file itself is read from
disk). Collapsed ``<details>`` sections
print expanded, so the PDF holds everything the HTML does.

Usage: ``write_pdf("run/report.html", "run/report.pdf")`` returns the PDF's path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from inflresearch.atomic import atomic_write

PDF_FILE = "report.pdf"
# the print stylesheet: A4 with margins, every <details> open, no download links (dead on paper),
# every table set to the page width with its cells wrapping between words; a table wider than
# `tables.WIDE` columns printed as its split parts (`tables.print_parts`) instead of the
# sideways-scrolling whole, so no column is cut off at the margin; figures no taller than half
# a page; headings kept with what follows
PRINT_CSS = """
@page { size: A4; margin: 14mm 12mm; }
body.jp-Notebook { max-width: none; padding: 0; }
details > * { display: block; }
details > summary { font-weight: 600; }
.ir-csv, .ir-download { display: none; }
.ir-table-wrap { overflow: visible; max-width: 100%; }
.ir-table-wrap table, table.ir-table { width: 100%; font-size: 7pt; }
.ir-table-wrap th, .ir-table-wrap td, table.ir-table th, table.ir-table td {
  max-width: none; white-space: normal; overflow-wrap: break-word; padding: 1pt 2pt; }
.ir-table-wrap.ir-wide { display: none; }
.ir-print-split { display: block; }
.jp-Cell, .jp-Cell-outputWrapper, .jp-Cell-inputWrapper, .jp-OutputArea, .jp-OutputArea-child,
.jp-OutputArea-output, .ir-table-wrap, .ir-print-split { break-inside: auto !important; }
img { max-width: 100%; max-height: 120mm; object-fit: contain; }
h1, h2, h3, h4 { break-after: avoid; }
"""


def document(html_file: str | Path) -> Any:
    """The laid-out pages of `html_file` as WeasyPrint prints them (offline, `PRINT_CSS`): a
    ``weasyprint.Document``, for `write_pdf` and for checking what the paper holds."""
    try:
        from weasyprint import CSS, HTML
        from weasyprint.urls import URLFetcher
    except ImportError:
        raise ValueError("a PDF needs WeasyPrint: pip install 'inflresearch[pdf]'") from None
    offline = URLFetcher(allowed_protocols={"data"})  # embedded data: URIs only, no network
    css = CSS(string=PRINT_CSS, url_fetcher=offline)
    return HTML(filename=str(html_file), url_fetcher=offline).render(stylesheets=[css])


def printed_text(html_file: str | Path) -> str:
    """The text of every page of the PDF of `html_file`, in reading order, whitespace collapsed
    (a word broken across lines shows as two words)."""
    def walk(box: Any) -> Any:
        yield getattr(box, "text", "") or ""
        for child in getattr(box, "children", []):
            yield from walk(child)

    pages = document(html_file).pages
    return " ".join(" ".join(t for page in pages for t in walk(page._page_box)).split())


def write_pdf(html_file: str | Path, out: str | Path | None = None) -> Path:
    """Print `html_file` to `out` (default: ``report.pdf`` beside it), atomically; returns `out`."""
    html_file = Path(html_file)
    target = Path(out) if out is not None else html_file.with_name(PDF_FILE)
    if target.exists():
        raise FileExistsError(f"{target} exists: a PDF is never overwritten")
    pages = document(html_file)
    return atomic_write(target, lambda tmp: pages.write_pdf(str(tmp)))
