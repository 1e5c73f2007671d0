"""What the ROI report says about a verdict: p-values that name their side and adjustment, the
real reason when a cap withholds a verdict, and the smallest detectable effect beside every
`inconclusive`, in business units."""

from __future__ import annotations

import json

import pytest

from inflresearch import claims
from inflresearch.data.synth import simulate_campaign_world
from inflresearch.questions.roi import notebook as roi
from inflresearch.questions.roi.comparisons import micro_vs_macro
from inflresearch.questions.roi.portfolios import equal_budget_portfolios
from inflresearch.report.key_findings import certainty, key_findings, sentence
from inflresearch.report.schema_check import results_schema, validate_results
from inflresearch.report.tables import label


@pytest.fixture(scope="module")
def claim_test():
    w = simulate_campaign_world(seed=4, kind="blog_tiers")
    return micro_vs_macro(w.campaigns, micro=(5e3, 1e4), macro=(1e4, 1e5), n_boot=200)


def test_roi_tables_label_their_p_values_one_sided_and_unadjusted(claim_test):
    shown = roi.compact(claim_test.table)
    assert "p_value" not in shown.columns
    assert label("p_one_sided") == "p (one-sided, unadjusted)"
    assert [label(c) for c in shown.columns if c.startswith("p")] == ["p (one-sided, unadjusted)"]
    assert label("p_adjusted") == "p (two-sided, Holm)"
    # the one-sided p is the share of replicates on the null's side: it is not the two-sided p
    p = shown["p_one_sided"].iloc[0]
    assert p == pytest.approx(claim_test.claim.p_value)


def _saved(claim: claims.Claim) -> dict:
    doc = {"run": {"id": "r", "notebook": "n", "parameters": {}, "status": "succeeded",
                   "started": "2026-01-01T00:00:00+00:00", "seconds": 1.0,
                   "package_version": "0", "git_commit": None, "data": []},
           "claims": [claim.to_dict()], "estimates": {}}
    return json.loads(json.dumps(doc, default=float).replace("NaN", "null"))


def test_results_json_says_each_p_values_side_and_adjustment(claim_test):
    c = claims.adjust_holm([claim_test.claim, claims.not_testable(
        claims.TEN_MICRO_BEAT_ONE_MACRO, "no budget"), claim_test.claim])[0]
    doc = _saved(c)
    validate_results(doc)
    record = doc["claims"][0]
    assert record["p_value_sided"] == "one-sided, in the claimed direction, unadjusted"
    assert record["p_adjusted_method"] == "two-sided, Holm across the report's 2 tested claims"
    props = results_schema()["properties"]["claims"]["items"]["properties"]
    assert {"p_value_sided", "p_adjusted_method", "detectable_effect", "detectable_basis"} <= set(props)
    # a record written before these fields existed still validates and reads back
    old = {k: v for k, v in record.items() if k not in ("p_value_sided", "p_adjusted_method")}
    validate_results({**doc, "claims": [old]})
    assert claims.from_dict(old).p_adjusted == c.p_adjusted


def test_a_capped_verdict_names_the_cap_not_significance():
    """The issue's example: interval [88, 582], Holm p = 0.036, withheld for 13 effective
    creators; the first screen read "not significant at alpha 0.05"."""
    c = claims.claim_result(
        claims.TEN_MICRO_BEAT_ONE_MACRO, estimate=335.0, ci_low=88.0, ci_high=582.0,
        p_value=0.006, n=400, method="m", verdict_cap="inconclusive",
        verdict_cap_reason="large rests on 13 effective accounts (Kish), fewer than 30")
    family = claims.adjust_holm([c, c, c])
    assert family[0].p_adjusted == pytest.approx(0.036)
    words = certainty(family[0])
    assert "not significant" not in words
    assert words.endswith("verdict withheld: large rests on 13 effective accounts (Kish), "
                          "fewer than 30")
    # when the interval includes the null as well, both reasons are given
    wide = claims.adjust_holm([claims.claim_result(
        claims.TEN_MICRO_BEAT_ONE_MACRO, estimate=100.0, ci_low=-50.0, ci_high=250.0,
        p_value=0.2, n=400, method="m", verdict_cap="inconclusive",
        verdict_cap_reason="no creator ids")])[0]
    assert certainty(wide).endswith("includes no effect; a firm verdict would be withheld "
                                    "anyway: no creator ids")


def test_roi_claims_carry_the_cap_reason(claim_test):
    w = simulate_campaign_world(seed=1, kind="heavy_tail", micro_roas_lift=3.0)
    r = micro_vs_macro(w.campaigns, micro=(5e3, 1e4), macro=(1e4, None), n_boot=200).claim
    assert r.details["verdict_cap"] == "inconclusive"
    assert "effective accounts (Kish), fewer than 30" in r.details["verdict_cap_reason"]
    assert claim_test.claim.details["verdict_cap_reason"] is None


def test_inconclusive_findings_state_the_smallest_detectable_effect_in_business_units():
    w = simulate_campaign_world(seed=5, kind="blog_tiers", n_campaigns=30)
    c = w.campaigns
    mm = micro_vs_macro(c, micro=(5e3, 1e4), macro=(1e4, 1e5), n_boot=200).claim
    pf = equal_budget_portfolios(c, micro=(5e3, 1e4), large=(1e4, None), n_portfolios=500,
                                 n_boot=50).claim
    found = {f.claim_id: f for f in key_findings(_saved_many([mm, pf])).findings}
    for cid, unit in ((claims.MICRO_ROI_EXCEEDS_MACRO, "in revenue per unit spent"),
                      (claims.TEN_MICRO_BEAT_ONE_MACRO, "in revenue at the budget")):
        f = found[cid]
        assert f.verdict == "inconclusive", cid
        assert "This data could only detect a difference of " in f.sentence
        # at the verdict's level: Holm's first step over the report's two tested claims
        assert f"or more {unit} (80% power, two-sided at 0.025" in f.sentence


def _saved_many(items: list[claims.Claim]) -> dict:
    adjusted = claims.adjust_holm(items)
    doc = _saved(adjusted[0])
    doc["claims"] = [json.loads(json.dumps(c.to_dict(), default=float).replace("NaN", "null"))
                     for c in adjusted]
    return doc


@pytest.mark.parametrize("claim_id", list(claims.CLAIMS))
def test_every_claim_type_states_its_detectable_effect_or_why_not(claim_id):
    c = claims.adjust_holm([claims.claim_result(
        claim_id, estimate=0.1, ci_low=-0.1, ci_high=0.3, p_value=0.2, n=100, method="m")])[0]
    text = sentence(claims.from_dict(json.loads(json.dumps(c.to_dict()))))
    assert ("This data could only detect" in text
            or "The smallest detectable effect is not computable: " in text), text
    if claim_id in claims.NO_SINGLE_EFFECT:
        assert "not computable" in text


def test_a_declared_p_side_labels_the_rendered_column():
    import pandas as pd

    from inflresearch.report.tables import to_html

    table = pd.DataFrame({"estimate": [0.1], "p_value": [0.2]})
    assert ">p-value</th>" in to_html(table, download=False)
    sided = claims.declare_p_side(table, "two-sided, unadjusted")
    assert ">p (two-sided, unadjusted)</th>" in to_html(sided, download=False)
    assert ">p (one-sided, unadjusted)</th>" in to_html(claims.one_sided_p(table), download=False)


def test_currency_parameter_puts_money_in_its_currency(tmp_path):
    """Without a currency money is "per unit spent"; with one, amounts carry its symbol."""
    import pytest

    from inflresearch.questions.roi.notebook import notebook_params
    from inflresearch.report.key_findings import answer, detectable

    record = claims.claim_result(claims.MICRO_ROI_EXCEEDS_MACRO, estimate=1.3, ci_low=-0.4,
                                 ci_high=3.0, p_value=0.2, n=400, method="m", null=0.0,
                                 direction="greater", currency="EUR")
    text = answer(record)
    assert "returned €1.30 more in revenue per €1 spent" in text and "(95% CI €0.40 less" in text
    assert "in revenue per €1 spent (80% power" in detectable(record)
    bare = claims.claim_result(claims.MICRO_ROI_EXCEEDS_MACRO, estimate=1.3, ci_low=0.4,
                               ci_high=3.0, p_value=0.001, n=400, method="m")
    assert "1.30 more in revenue per unit spent" in answer(bare) and "€" not in answer(bare)
    assert notebook_params(currency="eur", run_dir=str(tmp_path)).currency == "EUR"
    with pytest.raises(ValueError, match="parameter 'currency'"):
        notebook_params(currency="euros", run_dir=str(tmp_path))
