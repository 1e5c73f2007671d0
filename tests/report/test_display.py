"""Tables for people: the display formatter in a real kernel, through the report pipeline."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

import pandas as pd
import pytest

from inflresearch.report import tables
from inflresearch.report.execute import execute_run

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "fixture_tables.ipynb"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    result = execute_run(FIXTURE, {}, root=tmp_path_factory.mktemp("reports"), progress=False)
    assert result.status == "succeeded", result.error
    return result


def _tables(page: str) -> list[str]:
    return re.findall(r"<table.*?</table>", page, re.S)


def test_readable_cells():
    frame = pd.DataFrame({"p_value": [3.85e-299, 0.0321, None], "followers": [57090.5, 4924808.0, 3.0],
                          "engagement_rate": [0.0312, 0.1234, float("nan")],
                          "turning_point": [7.6e38, 2.5e5, 1e3], "followers_min": [1e3, 1e3, 2e3],
                          "followers_max": [5e6, 5e6, 5e6], "groups": [{"a": 1}, None, [1, 2]]})
    cells = tables.readable(frame)
    assert cells["p_value"].tolist() == ["< 0.001", "0.032", "—"]
    assert cells["followers"].tolist() == ["57,090", "4,924,808", "3"]
    assert cells["engagement_rate"].tolist() == ["3.1%", "12.3%", "—"]
    assert cells["turning_point"].tolist() == [tables.NO_TURNING_POINT, "250,000", tables.NO_TURNING_POINT]
    assert cells["groups"].tolist() == ["A: 1", "—", "1, 2"]
    bounds = tables.readable(pd.DataFrame({"tp_ci_low": [7.8e-49, 2e3], "fieller_high": [2e30, 4e6],
                                           "followers_min": [1e3, 1e3], "followers_max": [5e6, 5e6],
                                           "curvature": [-0.000469, 3.2e-9]}))
    assert bounds.to_numpy().tolist() == [
        [tables.BELOW, tables.ABOVE, "1,000", "5,000,000", "-0.000469"],
        ["2,000", "4,000,000", "1,000", "5,000,000", "< 0.0001"]]
    assert [tables.label(c) for c in ["ci_low", "p_value", "roas_ratio", "n_boot"]] == [
        "CI low", "p-value", "ROAS ratio", "n boot"]
    assert tables.number(0.797123456) == "0.797" and tables.number(-1.5) == "-1.50"
    nullable = pd.DataFrame({"n": pd.array([1200, None], dtype="Int64"), "tier": ["micro", pd.NA],
                             "when": [pd.Timestamp("2026-01-02"), pd.NaT], "ok": [True, False]})
    assert tables.readable(nullable).to_numpy().tolist() == [
        ["1,200", "micro", "2026-01-02", "yes"], ["—", "—", "—", "no"]]


def test_report_tables_read_like_a_person_wrote_them(run):
    page = html.unescape(run.html.read_text())
    found = _tables(page)
    assert found, "no table rendered"
    for table in found:
        text = re.sub(r"<[^>]+>", " ", table)
        assert not re.search(r"\d[eE][+-]?\d", text), "scientific notation in a table"
        assert "NaN" not in text and "None" not in text and "rows ×" not in text
        assert "<th" in table and "blank level0" not in table  # no index column
    assert "< 0.001" in page and "57,090" in page and "4,924,808" in page and "3.1%" in page
    assert tables.NO_TURNING_POINT in page and "—" in page
    assert "a long message that must wrap rather than be cut off " * 3 in page  # not truncated
    assert "No rows to show: no account had a category column." in page
    assert "<td>Term</td>" in page and "<td>p-value</td>" in page  # human labels (transposed)
    # the 21-column, 2-row table is transposed: one row per column
    assert "Column 20" in page and "<th>Row 2</th>" in page.replace('class="col_heading level0 col2" ', "")


def test_every_table_downloads_as_csv_from_the_report(run):
    page = run.html.read_text()
    links = re.findall(r'<a[^>]*href="data:text/csv;base64,([^"]+)"[^>]*>Download CSV</a>', page)
    assert len(links) == 3  # fit, wide and diagnostics; the empty table has no download
    first = base64.b64decode(links[0]).decode()
    # the columns on screen, under the screen's headers; numbers as a person reads them
    assert first.splitlines()[0].startswith("Term,Estimate,p-value,Followers")
    assert "< 0.001" in first and "e-299" not in first and "3.85" not in first
    assert 'download="model-fit.csv"' in page and 'download="table.csv"' not in page


def test_run_folder_holds_the_tables_as_csv(run):
    saved = sorted(p.name for p in (run.folder / "tables").iterdir())
    assert saved[0] == "table-01-model-fit.csv" and len(saved) == 3
    assert pd.read_csv(run.folder / "tables" / saved[0])["Followers"].tolist() == [57090.5, 4924808.0]


def test_cells_tagged_details_or_appendix_fold(run):
    page = run.html.read_text()
    assert re.search(r"<details class=\"ir-details\"><summary>Model diagnostics</summary>.*?residuals",
                     page, re.S)
    assert re.search(r"<summary>Appendix</summary>.*?appendix text", page, re.S)


def test_outside_ipython_nothing_is_registered():
    from inflresearch.report.display import use_report_display

    assert use_report_display() is False


def test_long_tables_show_their_first_rows_and_download_all():
    page = tables.to_html(pd.DataFrame({"account": range(1000)}), "accounts")
    assert page.count("<tr>") == tables.MAX_ROWS + 1 and "The first 50 of 1,000 rows" in page
    payload = re.search(r"base64,([^\"]+)", page)[1]
    assert len(base64.b64decode(payload).decode().splitlines()) == 1001


def test_csv_holds_the_columns_on_screen_with_readable_numbers():
    """An item/value table keeps its Item column (a labelled index) in the CSV, row names as on
    screen, p-values as on screen, years without separators; an unnamed table is named after its
    columns, not "table"."""
    items = pd.DataFrame({"value": [5e-324, 22667, 0.0316, 2019]},
                         index=pd.Index(["p_value", "rows_in_input", "median_engagement_rate",
                                         "first_year"], name="item"))
    page = tables.to_html(items)
    assert ">Rows in input</td>" in page and ">3.2%</td>" in page
    assert ">2019</td>" in page and "2,019" not in page and "rows_in_input" not in page
    assert 'download="item-value.csv"' in page
    csv = base64.b64decode(re.search(r"base64,([^\"]+)", page)[1]).decode().splitlines()
    assert csv[0] == "Item,Value" and csv[1] == "p-value,< 0.001" and csv[2] == "Rows in input,22667"
    assert not any(re.search(r"\d[eE][+-]?\d", line) for line in csv)
    years = tables.readable(pd.DataFrame({"year": [2019, 2020], "cpm_usd": [1.5, 2.0]}))
    assert years["year"].tolist() == ["2019", "2020"]
    assert tables.label("cpm_usd") == "CPM USD"
