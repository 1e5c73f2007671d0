"""Pre-flight on long files: the first `HEAD_ROWS` rows decide what they can, the whole file the
rest, and the verdicts are those of a whole read (issue 25)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from inflresearch.data import load, reading
from inflresearch.questions import find
from inflresearch.report import preflight as pf

HEAD = 50  # a small head, so that "long" files stay small


@pytest.fixture()
def small_head(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """HEAD_ROWS set to `HEAD`; the ``nrows`` of every `read_table` call, in order."""
    calls: list[int | None] = []
    real = load.read_table

    def counted(*args, **kwargs):
        calls.append(kwargs.get("nrows"))
        return real(*args, **kwargs)

    monkeypatch.setattr(pf, "HEAD_ROWS", HEAD)
    monkeypatch.setattr(load, "read_table", counted)
    return calls


def _accounts(path: Path, n: int, *, likes_from: int | None = 0) -> Path:
    """An account table of `n` rows; likes filled from row `likes_from` on (None: never)."""
    likes = ["" if likes_from is None or i < likes_from else str(10 + i) for i in range(n)]
    pd.DataFrame({"account_id": [f"a{i}" for i in range(n)],
                  "followers": [1000 + i for i in range(n)], "avg_likes": likes}).to_csv(path, index=False)
    return path


def test_a_long_file_is_read_in_its_head_only(tmp_path: Path, small_head) -> None:
    path = _accounts(tmp_path / "long.csv", 10 * HEAD)
    result = pf.preflight(find("engagement"), {"data": str(path)})
    assert result.ok, result.problems
    assert small_head == [HEAD]  # one read, of the head: never the whole file
    [f] = result.loaded
    assert not f.complete and f.rows == HEAD
    assert f.summary.startswith(f"kept {HEAD} of the first {HEAD} rows read")


def test_a_file_that_fits_in_the_head_is_read_as_before(tmp_path: Path, small_head) -> None:
    path = _accounts(tmp_path / "short.csv", HEAD - 10)
    [f] = pf.preflight(find("engagement"), {"data": str(path)}).loaded
    whole = load.read_table(path, "influencers")
    assert f.complete and f.rows == len(whole.data) and f.summary == whole.summary()


def test_a_need_met_only_after_the_head_still_passes(tmp_path: Path, small_head) -> None:
    path = _accounts(tmp_path / "late.csv", 4 * HEAD, likes_from=3 * HEAD)
    result = pf.preflight(find("engagement"), {"data": str(path)})
    assert result.ok, result.problems
    assert small_head == [HEAD, None]  # the head could not decide: then the whole file
    assert result.loaded[0].complete and result.loaded[0].rows == 4 * HEAD


def test_an_empty_needed_column_fails_with_the_whole_files_message(tmp_path: Path, small_head,
                                                                   monkeypatch) -> None:
    path = _accounts(tmp_path / "never.csv", 4 * HEAD, likes_from=None)
    message = pf.preflight(find("engagement"), {"data": str(path)}).message()
    assert small_head == [HEAD, None]
    monkeypatch.setattr(pf, "HEAD_ROWS", 10 * HEAD)  # as before: one read of the whole file
    pf._CACHE.clear()
    assert pf.preflight(find("engagement"), {"data": str(path)}).message() == message
    assert "never.csv (parameter 'data', influencers) has no engagement column" in message


def test_too_few_usable_rows_in_the_head_reads_the_whole_file(tmp_path: Path, small_head) -> None:
    path = _accounts(tmp_path / "bad_start.csv", 4 * HEAD)
    frame = pd.read_csv(path)
    frame.loc[: 2 * HEAD, "followers"] = -1  # quarantined: the head has no usable row
    frame.to_csv(path, index=False)
    result = pf.preflight(find("engagement"), {"data": str(path)})
    assert result.ok, result.problems
    assert small_head == [HEAD, None] and result.loaded[0].rows == 4 * HEAD - 2 * HEAD - 1


def test_head_reads_of_csv_with_quoted_line_breaks_and_parquet(tmp_path: Path) -> None:
    csv = tmp_path / "quoted.csv"
    csv.write_text("account_id,bio\n" + "".join(f'a{i},"line\none {i}"\n' for i in range(30)))
    raw = reading.read_raw(csv, nrows=10)  # 12 lines: the cut falls inside a record
    assert not raw.complete and len(raw.body) == 5
    assert raw.body[1].tolist() == [f"line\none {i}" for i in range(5)]
    assert reading.read_raw(csv, nrows=100).complete
    frame = pd.DataFrame({"account_id": [f"a{i}" for i in range(30)], "followers": range(30)})
    frame.to_parquet(tmp_path / "a.parquet")
    head = reading.read_raw(tmp_path / "a.parquet", nrows=10)
    whole = reading.read_raw(tmp_path / "a.parquet")
    assert not head.complete and whole.complete
    pd.testing.assert_frame_equal(head.body, whole.body.head(10))
