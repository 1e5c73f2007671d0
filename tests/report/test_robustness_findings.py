"""The first screen shows each claim's line across its grid of definitions and the run's
engagement-rate definition, read from results.json (``estimates.robustness``, ``er_definition``)."""

from __future__ import annotations

import json

import nbformat

from inflresearch import claims
from inflresearch.report.html import render_html
from inflresearch.report.key_findings import key_findings

LINE = ("inconclusive under 6 of 7 tier schemes (each at alpha, unadjusted); the one exception: "
        "upfluence (0-20k vs 400k+) (supported).")


def _doc() -> dict:
    claim = claims.adjust_holm([claims.claim_result(
        claims.MICRO_ROI_EXCEEDS_MACRO, estimate=-0.2, ci_low=-0.6, ci_high=0.3, p_value=0.4,
        n=700, method="m", null=0.0, direction="greater")])[0]
    return {"run": {"status": "succeeded", "parameters": {}},
            "claims": [json.loads(json.dumps(claim.to_dict()))],
            "estimates": {"robustness": {claims.MICRO_ROI_EXCEEDS_MACRO: {"line": LINE},
                                         "some_other_claim": {"line": "not shown"}},
                          "er_definition": {"words": "median over the latest 30 posts of likes "
                                                     "/ followers (median:likes/followers:last30)"}}}


def test_each_claim_gets_its_own_line_and_the_definition_is_a_caveat() -> None:
    kf = key_findings(_doc())
    assert [f.robustness for f in kf.findings] == [LINE]
    assert ("Engagement rate in this report: median over the latest 30 posts of likes / "
            "followers (median:likes/followers:last30).") in kf.caveats
    assert key_findings({"run": {}, "claims": _doc()["claims"]}).findings[0].robustness == ""


def test_the_line_is_on_the_first_screen_escaped() -> None:
    doc = _doc()
    doc["estimates"]["robustness"][claims.MICRO_ROI_EXCEEDS_MACRO]["line"] = LINE + " <b>x</b>"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("Intro text")])
    page = render_html(nb, doc)
    body = page[page.index("<body"):]
    assert body.index("Across definitions: inconclusive under 6 of 7") < body.index("Intro text")
    assert "&lt;b&gt;x&lt;/b&gt;" in body and "<b>x</b>" not in body
