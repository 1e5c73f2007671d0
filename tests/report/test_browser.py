"""The demo's reports, findings page and index as a stakeholder opens them: Chromium at 1280 px
and on a 390 px phone; and the same for `inflresearch analyze` over a folder mixing Kim-format
Instagram posts and TikTok-format videos (the SYNTHETIC files of ``tests/fixtures/exports/mixed``).

Runs the demo plan into ``reports/browser-check/`` and the analyze into
``reports/browser-check-analyze/`` (the project's git-ignored reports folder), then opens every page
in Debian's Chromium driven by Playwright (``/usr/bin/chromium``; Playwright never downloads a
browser) and keeps a screenshot of each page's first screen next to it (``screenshot.png`` in each
run folder, ``screenshot-findings.png``, ``screenshot-index.png``). Checked on every page: claim
statements (class ``claim-statement``) come before their verdict sentences (``claim-answer``) on
the first screen, no absolute path, nothing wider than 390 px at 390 px (tables scroll inside);
on the analyze findings page the first testable answer is within the first 1,000 px.
Run with ``make test-browser``.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from inflresearch.paths import project_root, reports_dir

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
WIDTH, FIRST_SCREEN, PHONE = 1280, 1000, 390
MIXED = Path(__file__).parents[1] / "fixtures" / "exports" / "mixed"
ABSOLUTE = re.compile(r"(?:^|[\s(\"'=:,])(?:/(?:home|tmp|work|root|usr|var|opt|srv|mnt|Users)/|[A-Za-z]:\\)")
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


@pytest.fixture(scope="module")
def analyze_pages():
    from inflresearch.report.analyze import analyze

    root = reports_dir() / "browser-check-analyze"
    planned, result = analyze([MIXED], root=root, force=True, workers=2,
                              parameters={"n_boot": 200, "n_portfolios": 500})
    assert result is not None and not result.failed, result and result.runs
    reports = [root / r["run_id"] / "report.html" for r in result.runs]
    return {"reports": reports, "findings": result.findings, "analyze": result.folder / "analyze.html",
            "index": root / "index.html"}


def _every_page(pages: dict) -> list[Path]:
    return [*pages["reports"], *(pages[k] for k in ("findings", "analyze", "index") if k in pages)]


def _facts(browser, path: Path, width: int) -> dict:
    """What the reading checks need from `path` opened at `width` px."""
    page = browser.new_page(viewport={"width": width, "height": FIRST_SCREEN})
    page.goto(path.as_uri(), wait_until="load")
    facts = page.evaluate("""() => {
        const top = e => e.getBoundingClientRect().top + window.scrollY;
        const bottom = e => e.getBoundingClientRect().bottom + window.scrollY;
        const statements = [...document.querySelectorAll('.claim-statement')];
        const pairs = [...document.querySelectorAll('.claim-answer')].map(a => {
            const before = statements.filter(s => s.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING);
            const s = before[before.length - 1];
            return {answer: top(a), answerEnd: bottom(a), statement: s ? top(s) : null};
        });
        return {
            scrollWidth: document.documentElement.scrollWidth,
            text: document.body.innerText,
            links: [...document.querySelectorAll('[href], [src]')]
                .map(e => e.getAttribute('href') || e.getAttribute('src') || '')
                .filter(u => !u.startsWith('data:')),
            pairs: pairs,
        };
    }""")
    page.close()
    return facts


def _no_absolute_path(facts: dict, name: str) -> None:
    home, tmp = str(Path.home()), tempfile.gettempdir()
    for where in (facts["text"], *facts["links"]):
        for prefix in (str(project_root()), str(MIXED), home, tmp):
            assert prefix not in where, f"{name}: absolute path {prefix!r} on the page"
        found = ABSOLUTE.search(where)
        assert found is None, f"{name}: absolute path: {where[max(0, found.start() - 40):found.end() + 40]!r}"


def _claims_before_answers(facts: dict, name: str) -> None:
    first = [p for p in facts["pairs"] if p["answer"] <= FIRST_SCREEN]
    assert first, f"{name}: no verdict sentence (class claim-answer) on the first screen"
    for p in first:
        assert p["statement"] is not None and p["statement"] <= p["answer"], \
            f"{name}: a verdict sentence at {p['answer']:.0f} px has no claim statement before it"


@pytest.mark.parametrize("which", ["demo", "analyze"])
def test_claims_precede_their_answers_on_every_first_screen(browser, demo_pages, analyze_pages, which):
    pages = demo_pages if which == "demo" else analyze_pages
    for path in [pages["findings"], *pages["reports"]]:  # the findings page first: it is ours alone
        _claims_before_answers(_facts(browser, path, WIDTH), f"{which}: {path.parent.name}/{path.name}")


@pytest.mark.parametrize("which", ["demo", "analyze"])
def test_no_absolute_path_and_nothing_wider_than_a_phone(browser, demo_pages, analyze_pages, which):
    pages = demo_pages if which == "demo" else analyze_pages
    for path in _every_page(pages):
        name = f"{which}: {path.parent.name}/{path.name}"
        facts = _facts(browser, path, PHONE)
        _no_absolute_path(facts, name)
        assert facts["scrollWidth"] <= PHONE, f"{name}: {facts['scrollWidth']} px wide at {PHONE} px"


def test_analyze_findings_lead_with_a_testable_answer_and_compare_the_platforms(browser, analyze_pages):
    findings = analyze_pages["findings"]
    facts = _facts(browser, findings, WIDTH)
    assert facts["pairs"] and facts["pairs"][0]["answerEnd"] <= FIRST_SCREEN, \
        f"first testable answer ends at {facts['pairs'][0]['answerEnd'] if facts['pairs'] else None} px"
    text = " ".join(facts["text"].split())
    assert "Kim 2020 Instagram post sample" in text and "TikTok 2020 video scrape" in text
    assert "Platforms side by side" in text and "Holm across 1 pair" in text
    _check(_open(browser, findings, findings.parent / "screenshot-findings.png", ".claim-answer"),
           "analyze findings")
