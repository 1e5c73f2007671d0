"""Key findings: one business-units sentence per claim, generated from results.json records."""

from __future__ import annotations

import json
import re

import nbformat

from inflresearch import claims
from inflresearch.report.html import render_html
from inflresearch.report.key_findings import key_findings, sentence


def _record(claim_id, alpha=0.05, **kw):
    base = dict(estimate=0.797, ci_low=0.788, ci_high=0.806, p_value=1e-9, n=3000, method="m",
                null=1.0, direction="less", alpha=alpha)
    base.update(kw)
    claim = claims.adjust_holm([claims.claim_result(claim_id, **base)])[0]
    return json.loads(json.dumps(claim.to_dict()))  # the results.json round trip


def test_elasticity_sentence_is_the_rate_change_per_doubling():
    c = claims.from_dict(_record(claims.ENGAGEMENT_RATE_DECLINES))
    # 2^(b-1) - 1 at b = 0.797, 0.788, 0.806: -13.1%, -13.7%, -12.6%
    assert sentence(c) == ("Does the engagement rate fall as follower count grows? Yes — an account "
                           "with twice the followers gets a 13% lower engagement rate "
                           "(95% CI 13% to 14% lower).")
    up = claims.from_dict(_record(claims.ENGAGEMENT_RATE_DECLINES, estimate=1.1, ci_low=0.95,
                                  ci_high=1.25))
    assert sentence(up).startswith("Does the engagement rate fall as follower count grows? Not "
                                   "shown — an "
                                   "account with twice the followers gets a 7.2% higher engagement "
                                   "rate (95% CI 3.4% lower to 19% higher). This data could only "
                                   "detect a change of ")


def test_interval_label_follows_alpha():
    c = claims.from_dict(_record(claims.ENGAGEMENT_RATE_DECLINES, alpha=0.1))
    assert "(90% CI " in sentence(c)


def test_roi_sentence_names_the_groups_in_business_units():
    record = _record(claims.MICRO_ROI_EXCEEDS_MACRO, estimate=1.3, ci_low=0.4, ci_high=2.2,
                     null=0.0, direction="greater", groups={"a": "micro 5k-10k", "b": "macro 10k-100k"})
    text = sentence(claims.from_dict(record))
    assert text == ("Do micro-influencers return more per unit spent than macro-influencers? Yes — "
                    "micro (5k–10k) campaigns returned 1.30 more in revenue per unit spent than "
                    "macro (10k–100k) (95% CI 0.40 to 2.20 more).")


def test_unknown_claim_gets_a_generic_sentence_and_untestable_says_why():
    odd = claims.claim_result("brand_new_claim", statement="Something holds.", estimate=2.0,
                              ci_low=1.0, ci_high=3.0, p_value=0.01, n=10, method="m")
    assert sentence(odd) == ("Something holds. Yes — estimate 2.00 (95% CI 1.00 to 3.00) against 0 "
                             "if the claim were false.")
    no = claims.not_testable(claims.MICRO_ROI_EXCEEDS_MACRO, "no cost column")
    assert sentence(no).endswith("? Not testable with this data (no cost column).")


def test_caveats_simulated_quarantine_assumptions_and_family(tmp_path):
    (tmp_path / "quarantine-influencers.csv").write_text("a,reason\n1,x\n2,y\n3,z\n")
    doc = {"run": {"parameters": {"data": "sample"}},
           "claims": [_record(claims.MICRO_ROI_EXCEEDS_MACRO, estimate=0.2, ci_low=-0.1,
                              ci_high=0.5, p_value=0.2, null=0.0, direction="greater",
                              assumption_based=True)]}
    kf = key_findings(doc, tmp_path)
    assert kf.findings[0].badge == "Inconclusive"
    assert "includes no effect" in kf.findings[0].certainty
    text = "\n".join(kf.caveats)
    assert text.startswith("SIMULATED data")
    assert "3 influencers rows failed the data checks" in text
    assert "assumed inputs" in text and "n = 3,000" in text
    real = key_findings({"run": {"parameters": {"data": "x.csv"}}, "claims": []})
    assert not any("SIMULATED" in c for c in real.caveats)


def test_report_opens_with_the_key_findings():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# A report\n\nIntro text."),
        nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
            "stream", name="stdout", text="diagnostic output")], metadata={"tags": ["details"]}),
    ])
    doc = {"run": {"status": "succeeded", "parameters": {"data": "/tmp/abc/influencers.csv", "engine": None}},
           "claims": [_record(claims.ENGAGEMENT_RATE_DECLINES)]}
    page = render_html(nb, doc)
    body = page[page.index("<body"):]
    first = body.index("Key findings")
    assert first < body.index("Intro text")
    assert body.index("13% lower engagement rate") < body.index("Intro text")
    assert re.search(r'<details class="ir-details"><summary>Details</summary>.*diagnostic output', body, re.S)
    run_details = body[body.index('id="run-details"'):]
    assert "influencers.csv" in run_details and "/tmp/abc" not in page and "None" not in run_details
    assert 'href="#glossary"' in body[:body.index("Intro text")] and 'id="glossary"' in body


def test_badge_and_certainty():
    kf = key_findings({"run": {}, "claims": [_record(claims.ENGAGEMENT_RATE_DECLINES)]})
    assert (kf.findings[0].badge, kf.findings[0].badge_class) == ("Supported", "supported")
    assert kf.findings[0].certainty == "Holm-adjusted two-sided p < 0.001"


def test_first_screen_states_the_claim_then_the_answer():
    """Each finding is two elements, the claim's question (``claim-statement``) before its answer
    (``claim-answer``: the badge, "Yes/No/Not shown — ..." and how sure)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A report")])
    doc = {"run": {"status": "succeeded", "parameters": {"data": "x.csv"}},
           "claims": [_record(claims.ENGAGEMENT_RATE_DECLINES),
                      claims.not_testable(claims.MICRO_ROI_EXCEEDS_MACRO, "no cost").to_dict()]}
    body = render_html(nb, doc)
    statements = [m.start() for m in re.finditer(r'class="claim-statement"', body)]
    answers = [m.start() for m in re.finditer(r'class="claim-answer"', body)]
    assert len(statements) == len(answers) == 2
    assert all(s < a for s, a in zip(statements, answers, strict=True))
    assert statements[1] > answers[0]  # question, answer, question, answer
    first = body[statements[0]:statements[1]]
    assert "Does the engagement rate fall as follower count grows?" in first
    assert first.index("Yes — an account") > first.index('class="claim-answer"')


def test_real_data_names_its_dataset_and_carries_its_notes():
    rec = {"path": "a.csv", "sha256": "0" * 64, "rows": 3,
           "dataset": {"preset": "kim2020-instagram-posts", "name": "Kim 2020 Instagram post sample",
                       "source": "Kim et al., WWW 2020", "year": 2019,
                       "notes": ["followers at crawl time"]}}
    kf = key_findings({"run": {"parameters": {"data": "a.csv"}, "data": [rec, dict(rec)]},
                       "claims": []})
    assert kf.caveats[:2] == ("Data: Kim 2020 Instagram post sample (Kim et al., WWW 2020; data of "
                              "2019).", "Followers at crawl time.")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A report")])
    page = render_html(nb, {"run": {"status": "succeeded", "data": [rec]}, "claims": []})
    header = page[page.index('class="ir-meta"'):page.index('id="key-findings"')]
    assert "Kim 2020 Instagram post sample" in header and "a.csv" in header
    plain = key_findings({"run": {"data": [{**rec, "dataset": None}]}, "claims": []})
    assert not any(c.startswith("Data:") for c in plain.caveats)


def _specs(own: float, others: list[float], alpha_firm: bool = False) -> dict:
    rows = [{"primary": True, "micro": "5k-10k", "macro": "10k-100k", "estimate": own,
             "supported": alpha_firm and own > 0, "contradicted": alpha_firm and own < 0}]
    rows += [{"primary": False, "macro": "100k+", "estimate": e, "supported": False,
              "contradicted": False} for e in others]
    return {"spec_curve": {"specs": rows}}


def test_a_tier_choice_the_specification_curve_disagrees_with_is_on_the_first_screen():
    # demo report 03's case: the report's own edges the only one of 17 below zero
    doc = {"run": {}, "claims": [], "estimates": _specs(-0.3, [0.2] * 16 + [-0.1])}
    line = next(c for c in key_findings(doc).caveats if c.startswith("The answer depends"))
    assert "of the 17 other tier definitions of the specification curve, 1 give a difference below " \
           "zero and 16 one above zero" in line
    assert "micro 5k-10k, macro 10k-100k" in line
    # why the curve can differ from the report: other edges, each read unadjusted
    assert line.endswith("(each definition tested on its own, unadjusted; their macro tiers are 100k+).")
    # most other edges agree in sign and verdict: nothing to say
    agree = {"run": {}, "claims": [], "estimates": _specs(0.3, [0.2] * 12 + [-0.1] * 5)}
    assert not any(c.startswith("The answer depends") for c in key_findings(agree).caveats)
    # same sign, but the report's verdict is firm where most others are not
    firm = {"run": {}, "claims": [], "estimates": _specs(0.3, [0.2] * 17, alpha_firm=True)}
    assert ("micro returns more than macro (significantly)" in "".join(key_findings(firm).caveats)
            and "without a firm verdict in 17 (" in "".join(key_findings(firm).caveats))
