"""The demo's reports, findings page and index as a stakeholder opens them: Chromium at 1280 px.

Runs the demo plan into ``reports/browser-check/`` (the project's git-ignored reports folder), then
opens every page in Debian's Chromium driven by Playwright (``/usr/bin/chromium``; Playwright never
downloads a browser) and keeps a screenshot of each page's first screen next to it
(``screenshot.png`` in each run folder, ``screenshot-findings.png``, ``screenshot-index.png``).
Run with ``make test-browser``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from inflresearch.paths import project_root, reports_dir

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
WIDTH, FIRST_SCREEN = 1280, 1000
SCIENTIFIC = re.compile(r"\d(?:\.\d+)?[eE][+-]?\d+")


@pytest.fixture(scope="module")
def demo_pages():
    from inflresearch.report.plan import demo_plan, run_plan

    if not (project_root() / "data" / "sample" / "truth.json").is_file():
        pytest.skip("no simulated sample: run `make sample` first")
    root = reports_dir() / "browser-check"
    result = run_plan(demo_plan(), root=root, force=True)
    assert not result.failed, result.runs
    reports = [root / r["run_id"] / "report.html" for r in result.runs]
    return {"reports": reports, "findings": result.findings, "index": root / "index.html"}


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="make test-browser installs playwright")
    if not CHROMIUM.is_file():
        pytest.skip("no /usr/bin/chromium (make test-browser installs Debian's chromium as root)")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


def _open(browser, path: Path, screenshot: Path, verdicts: str) -> dict:
    """Open `path` at 1280 px; return what the checks need (`verdicts`: their CSS selector)."""
    page = browser.new_page(viewport={"width": WIDTH, "height": FIRST_SCREEN})
    left, errors = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            left.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri(), wait_until="load")
    facts = page.evaluate("""(selector) => ({
        scrollWidth: document.documentElement.scrollWidth,
        images: [...document.images].map(i => ({src: i.src.slice(0, 40), ok: i.complete && i.naturalWidth > 0})),
        tables: [...document.querySelectorAll('table')].map(t => t.innerText),
        verdicts: [...document.querySelectorAll(selector)]
            .map(e => e.getBoundingClientRect().bottom + window.scrollY),
    })""", verdicts)
    page.screenshot(path=str(screenshot))
    page.close()
    return {**facts, "left": left, "errors": errors}


def _check(facts: dict, name: str, *, verdicts_first: bool = True) -> None:
    assert facts["scrollWidth"] <= WIDTH, f"{name}: document {facts['scrollWidth']} px wide"
    assert all(i["ok"] for i in facts["images"]), f"{name}: images not loaded {facts['images']}"
    assert facts["left"] == [], f"{name}: requests left the page: {facts['left']}"
    assert facts["errors"] == [], f"{name}: console errors {facts['errors']}"
    for text in facts["tables"]:
        assert not SCIENTIFIC.search(text), f"{name}: scientific notation in a table: {SCIENTIFIC.search(text)[0]}"
        assert "NaN" not in text and "rows ×" not in text, f"{name}: raw pandas text in a table"
    if verdicts_first:
        assert facts["verdicts"], f"{name}: no verdict sentences"
        assert max(facts["verdicts"]) <= FIRST_SCREEN, f"{name}: verdicts end at {max(facts['verdicts'])} px"


def test_every_demo_report_reads_in_the_first_screen(browser, demo_pages):
    for report in demo_pages["reports"]:
        facts = _open(browser, report, report.parent / "screenshot.png", ".ir-findings li")
        _check(facts, report.parent.name)
        assert facts["images"], f"{report.parent.name}: no figure"


def test_findings_page_leads_with_the_verdicts(browser, demo_pages):
    findings = demo_pages["findings"]
    _check(_open(browser, findings, findings.parent / "screenshot-findings.png", ".findings li"),
           "findings")


def test_index(browser, demo_pages):
    index = demo_pages["index"]
    # the newest runs' verdict counts (the first rows) are on the first screen
    _check(_open(browser, index, index.parent / "screenshot-index.png",
                 "tbody tr:first-child td .badge"), "index")
