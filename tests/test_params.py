"""Every input explicit or absent: companions follow a sample main input only; sample and real
inputs are never mixed; which inputs were simulated is recorded per input."""

from __future__ import annotations

from pathlib import Path

import pytest

from inflresearch.params import input_records, resolve_inputs, simulated_inputs
from inflresearch.paths import sample_file
from inflresearch.questions import discover
from inflresearch.questions.engagement import notebook as nb01
from inflresearch.questions.niches import notebook as nb02
from inflresearch.questions.roi import notebook as nb03


@pytest.fixture()
def own_file(tmp_path: Path) -> Path:
    path = tmp_path / "mine.csv"
    path.write_text(sample_file("influencers").read_text())
    return path


def test_companions_follow_a_sample_main_input_only() -> None:
    assert resolve_inputs(["data", "posts"], {"data": "sample"}) == {"data": "sample",
                                                                    "posts": "sample"}
    assert resolve_inputs(["data", "posts"], {"data": "x.csv"}) == {"data": "x.csv", "posts": None}
    for absent in (None, "", "none", "null", " None "):
        assert resolve_inputs(["data", "posts"], {"data": "x.csv", "posts": absent})["posts"] is None
    # an explicit companion stays, the main input may be absent
    assert resolve_inputs(["data", "posts"], {"data": None, "posts": "p.csv"}) == {
        "data": None, "posts": "p.csv"}


@pytest.mark.parametrize("given", [
    {"data": "x.csv", "posts": "sample"},
    {"data": "sample", "posts": "p.csv"},
    {"data": ["a.csv", "sample"], "posts": None},
    {"data": None, "posts": ["sample", "p.csv"]},
])
def test_sample_and_real_inputs_are_never_mixed(given: dict) -> None:
    with pytest.raises(ValueError, match="never mixed") as info:
        resolve_inputs(["data", "posts"], given)
    assert "sample" in str(info.value) and "real" in str(info.value)


def test_each_question_declares_its_inputs_main_first() -> None:
    for q in discover():
        assert list(q.inputs)[0] == "data"
        assert set(q.main_inputs) <= set(q.inputs) and set(q.claim_inputs) <= set(q.inputs)
        for need in q.needs:
            assert set(need.inputs) <= set(q.inputs) and need.columns and need.what


def test_notebook_02_real_data_has_no_simulated_posts(own_file: Path, tmp_path: Path) -> None:
    p = nb02.notebook_params(data=str(own_file), run_dir=tmp_path)
    assert p.posts is None and not p.simulated
    assert p.inputs["posts"] is None and p.inputs["data"]["simulated"] is False
    with pytest.raises(ValueError, match="'posts' is 'sample'"):
        nb02.notebook_params(data=str(own_file), posts="sample", run_dir=tmp_path)


def test_notebook_03_refuses_simulated_campaigns_next_to_real_creators(own_file: Path,
                                                                      tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="'data' is 'sample'.*'influencers' is real"):
        nb03.notebook_params(data="sample", influencers=str(own_file), run_dir=tmp_path)
    p = nb03.notebook_params(data=None, influencers=str(own_file), run_dir=tmp_path)
    assert p.data is None and not p.simulated and p.inputs["data"] is None


def test_notebook_01_sample_brings_its_sample_posts(tmp_path: Path) -> None:
    p = nb01.notebook_params(data="sample", run_dir=tmp_path)
    assert p.simulated and p.posts == (sample_file("posts"),)
    assert simulated_inputs({"inputs": p.inputs}) == ["data", "posts"]


def test_input_records_and_simulated_inputs(own_file: Path) -> None:
    tables = {"data": "influencers", "posts": "posts"}
    rec = input_records({"data": str(own_file), "posts": None}, tables)
    assert rec == {"data": {"table": "influencers", "paths": [str(own_file)], "simulated": False},
                   "posts": None}
    assert simulated_inputs({"inputs": rec}) == []
    rec = input_records({"data": "sample", "posts": "sample"}, tables)
    assert rec["posts"]["paths"] == ["data/sample/posts.csv"] and rec["posts"]["simulated"]
    # a file of the sample folder given by its path is simulated too
    rec = input_records({"data": str(sample_file("influencers"))}, {"data": "influencers"})
    assert rec["data"]["simulated"] is True
    # results.json written before run.inputs existed: the parameters say it
    assert simulated_inputs({"parameters": {"data": "sample", "alpha": 0.05}}) == ["data"]
