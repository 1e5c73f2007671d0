"""Deeply nested or alias-expanding input (YAML in plans, --params, -p and mapping files; JSON data
files) is refused with one line naming what is wrong, never a RecursionError or a memory blow-up."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from inflresearch import safe_yaml
from inflresearch.cli import main
from inflresearch.data.load import read_table
from inflresearch.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "fixture_report.ipynb"
DEEP_YAML = "[" * 20_000 + "]" * 20_000
# 633 bytes that expand to 10 * 6**14 (8e11) strings without the no-alias rule
ALIAS_BOMB = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n" for i in range(1, 15)
) + "columns: *a14\n"


def _one_line_error(capsys: pytest.CaptureFixture[str], code: int, message: str) -> str:
    err = capsys.readouterr().err
    assert code == 2, err
    assert message in err and "Traceback" not in err and "RecursionError" not in err, err
    assert len(err.strip().splitlines()) == 1, err
    return err


def test_the_loader_refuses_nesting_beyond_the_limit_and_accepts_it_up_to_the_limit() -> None:
    inside = safe_yaml.MAX_DEPTH
    assert safe_yaml.load("[" * inside + "]" * inside) is not None
    for text in ("[" * (inside + 1) + "]" * (inside + 1), DEEP_YAML, "{a: " * 20_000 + "1" + "}" * 20_000):
        with pytest.raises(safe_yaml.NestedTooDeep, match="nested too deep"):
            safe_yaml.load(text)


def test_the_loader_refuses_aliases_and_tags() -> None:
    with pytest.raises(Exception, match="aliases"):
        safe_yaml.load(ALIAS_BOMB)
    with pytest.raises(Exception, match="python/object"):
        safe_yaml.load("!!python/object/apply:os.system ['echo hacked']")


def test_deep_params_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    params = tmp_path / "params.yml"
    params.write_text("alpha: " + DEEP_YAML)
    code = main(["run", str(FIXTURE), "--params", str(params), "--reports", str(tmp_path / "r")])
    err = _one_line_error(capsys, code, "nested too deep")
    assert str(params) in err
    assert not (tmp_path / "r").exists() or not any((tmp_path / "r").iterdir())


def test_deep_cli_value_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", str(FIXTURE), "-p", "bio", DEEP_YAML, "--reports", str(tmp_path / "r")])
    _one_line_error(capsys, code, "parameter 'bio': nested too deep")


def test_deep_plan_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.yml"
    plan.write_text(f"runs:\n  - notebook: {FIXTURE}\n    parameters: {{bio: {DEEP_YAML}}}\n")
    code = main(["plan", str(plan), "--reports", str(tmp_path / "r")])
    err = _one_line_error(capsys, code, "nested too deep")
    assert str(plan) in err


@pytest.mark.parametrize(("content", "message"), [("columns: " + DEEP_YAML, "nested too deep"),
                                                  (ALIAS_BOMB, "aliases")], ids=["deep", "alias-bomb"])
def test_bad_mapping_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    assert len(ALIAS_BOMB.encode()) <= 700
    data = tmp_path / "inf.csv"
    data.write_text("account_id,followers\na,10\n")
    mapping = tmp_path / "m.yml"
    mapping.write_text(content)
    code = main(["validate", str(data), "--table", "influencers", "--mapping", str(mapping)])
    err = _one_line_error(capsys, code, message)
    assert str(mapping) in err


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deep_json_data_file_is_one_data_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str, depth: int
) -> None:
    path = tmp_path / f"deep{suffix}"
    record = '{"account_id": "a", "followers": 5, "extra": ' + "[" * depth + "]" * depth + "}"
    path.write_text(f"[{record}]" if suffix == ".json" else record + "\n")
    with pytest.raises(DataError, match="nested too deep"):
        read_table(path, "influencers")
    code = main(["validate", str(path), "--table", "influencers"])
    _one_line_error(capsys, code, "nested too deep")


def test_json_with_shallow_nesting_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "ok.json"
    path.write_text('[{"account_id": "a", "followers": 5, "extra": [[1, 2], {"k": [3]}]}]')
    assert read_table(path, "influencers").data["followers"].tolist() == [5.0]


def test_an_alias_expanded_value_is_quoted_short() -> None:
    import yaml

    from inflresearch.data.mapping import parse_mapping

    shared = yaml.safe_load(ALIAS_BOMB.replace("*a14", "*a8"))  # 10 * 6**8 = 17 million strings
    tracemalloc.start()
    try:
        with pytest.raises(DataError) as caught:
            parse_mapping({"columns": shared["columns"]}, "m.yml")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(str(caught.value)) < 400
    assert peak < 1_000_000  # the full repr would be 85 MB
