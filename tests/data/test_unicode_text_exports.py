"""Excel's "Unicode text" (UTF-16 with a byte-order mark, tab-separated) and UTF-32 exports are
decoded by their byte-order mark; a file whose mark lies is one line asking for UTF-8."""

from __future__ import annotations

from pathlib import Path

import pytest

from inflresearch.cli import main
from inflresearch.data.load import read_table
from inflresearch.errors import DataError

TEXT = "Username\tFollowers\tAvg. Likes\tBio\n@zoë\t1.2M\t45.3k\tcafé ☕ — 東京\nbob\t3,400\t10\tplain\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("suffix", [".txt", ".csv", ".tsv"])
def test_unicode_text_is_decoded_by_its_byte_order_mark(tmp_path: Path, encoding: str, suffix: str) -> None:
    data = TEXT.encode(encoding)
    if not encoding.endswith(("16", "32")):  # the -le/-be codecs write no mark: add Excel's
        data = "\ufeff".encode(encoding) + data
    path = tmp_path / f"export{suffix}"
    path.write_bytes(data)
    res = read_table(path, "influencers")
    assert res.encoding in ("utf-16", "utf-32")
    assert res.data["account_id"].tolist() == ["zoë", "bob"]
    assert res.data["followers"].tolist() == [1_200_000.0, 3_400.0]
    assert res.data["bio"].tolist() == ["café ☕ — 東京", "plain"]
    assert path.read_bytes() == data  # the input is only read


def test_a_byte_order_mark_on_text_that_is_not_utf16_is_one_line(tmp_path: Path, capsys) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes(b"\xff\xfe" + "a,b\n1,2\n".encode("utf-16-le") + b"\x00\xd8")  # a lone surrogate
    with pytest.raises(DataError, match="re-save it as UTF-8"):
        read_table(path, "influencers")
    assert main(["validate", str(path), "--table", "influencers"]) == 2
    err = capsys.readouterr().err
    assert "re-save it as UTF-8" in err and len(err.strip().splitlines()) == 1


def test_gzipped_utf16_is_decoded(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "export.csv.gz"
    path.write_bytes(gzip.compress(TEXT.encode("utf-16")))
    assert read_table(path, "influencers").data["followers"].tolist() == [1_200_000.0, 3_400.0]
