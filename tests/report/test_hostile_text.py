"""Text from data stays text: Markdown injection is escaped where it enters, rendered reports and
Markdown cells are sanitised, and folder names never become script links.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from types import SimpleNamespace

import nbformat
from html_checks import assert_self_contained
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from run_folders import plan_folder, results, run_folder

from inflresearch.questions.engagement import notebook as nb01
from inflresearch.questions.niches import notebook as nb02
from inflresearch.questions.roi import notebook as nb03
from inflresearch.report.html import render_html
from inflresearch.report.index import build_index
from inflresearch.report.safe import clean_fragment
from inflresearch.text import md_escape

HOSTILE = [
    "[clk](javascript:document.title='x').csv",
    "[up](JaVaScRiPt:alert(1))",
    "[sp]( javascript:alert(1))",
    "[vb](vbscript:msgbox(1))",
    "[a][1]\n\n[1]: javascript:x",
    "![x](https://example.org/a.png)",
    "<img src=x onerror=alert(1)>",
    "<a href='javascript:alert(1)'>raw</a>",
    "[d](data:text/html;base64,PHNjcmlwdD4=)",
    "<img src='//example.org/b.png'>",
]


class _Attributes(HTMLParser):
    """Every (tag, attribute, value) of a page, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [(tag, name, value or "") for name, value in attrs]


def assert_inert(page: str) -> None:
    """No script link, no remote or foreign image, no event handler anywhere in `page`."""
    assert_self_contained(page)
    parser = _Attributes()
    parser.feed(page)
    for tag, name, value in parser.found:
        low = re.sub(r"[\x00-\x20]", "", value).lower()
        assert not name.startswith("on"), (tag, name, value)
        if name in ("href", "src", "action", "formaction", "xlink:href", "srcset"):
            assert not low.startswith(("javascript:", "vbscript:", "data:text")), value
        if name in ("src", "srcset"):
            assert low.startswith("data:image/"), value  # nothing loads from anywhere on open


def _no_link_or_image(markdown: str) -> None:
    rendered = markdown2html_mistune(markdown)
    assert "<a " not in rendered and "<img" not in rendered, rendered


def test_md_escape_renders_hostile_text_literally():
    for text in HOSTILE:
        rendered = markdown2html_mistune("- " + md_escape(text))
        assert "<a " not in rendered and "<img" not in rendered, rendered
        # the text itself survives, as text
        assert "clk" in markdown2html_mistune(md_escape(HOSTILE[0]))


def test_the_notebook_glue_escapes_data_values():
    summaries = [f"{t} (influencers): 10 rows" for t in HOSTILE]
    inputs = SimpleNamespace(summaries=summaries, campaigns=object())
    for text in HOSTILE:
        _no_link_or_image(nb01.data_banner(SimpleNamespace(simulated=False, platform=text), inputs))
        _no_link_or_image(
            nb02.data_banner(SimpleNamespace(simulated=False, category_column=text), inputs)
        )
        _no_link_or_image(nb03.data_banner(SimpleNamespace(simulated=True), inputs))


def _hostile_notebook() -> nbformat.NotebookNode:
    cells = [nbformat.v4.new_markdown_cell("# Hostile\n\n" + "\n\n".join(HOSTILE))]
    for text in HOSTILE:
        code = nbformat.v4.new_code_cell("display(x)")
        code.outputs = [
            nbformat.v4.new_output(
                "display_data", data={"text/markdown": text, "text/plain": "x"}
            ),
            nbformat.v4.new_output("display_data", data={"text/html": text}),
        ]
        cells.append(code)
    cells.append(nbformat.v4.new_raw_cell("<img src=x onerror=alert(2)>"))
    return nbformat.v4.new_notebook(cells=cells)


def test_a_rendered_report_with_hostile_text_is_inert():
    results = {"run": {"id": "r", "status": "succeeded", "parameters": {"data": HOSTILE[0]}}}
    page = render_html(_hostile_notebook(), results)
    assert_inert(page)
    assert 'class="ir-toc"' in page and 'class="ir-header"' in page  # the template survives
    assert "<style" in page  # the template's own styles are kept (head only)


def test_clean_fragment_keeps_only_allowed_urls():
    for text in HOSTILE:
        clean = clean_fragment(markdown2html_mistune(text)) + clean_fragment(text)
        assert_inert(clean)
    embedded = '<img src="data:image/png;base64,iVBORw0KGgo=">'
    assert clean_fragment(embedded) == embedded
    assert 'href="#Data"' in clean_fragment('<a href="#Data">x</a>')


def test_markdown_cells_are_sanitised():
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# T\n\n<img src=x onerror=alert(1)>\n\n<script>1</script>")]
    )
    page = render_html(nb, {"run": {}})
    assert "onerror" not in page and "<script" not in page.lower()
    assert_inert(page)




def test_folder_names_never_become_script_links(tmp_path):
    name = "javascript:alert(1)"
    run_folder(tmp_path, name, results(name))
    plan_folder(tmp_path, "vbscript:x", [name])
    index = build_index(tmp_path).read_text()
    assert_inert(index)
    assert 'href="./javascript%3Aalert%281%29/report.html"' in index
    assert 'href="./vbscript%3Ax/findings.html"' in index
    assert 'href="javascript' not in index and 'href="vbscript' not in index
