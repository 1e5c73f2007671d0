"""Unusable inputs and outputs give one readable line: an unreadable folder, an output under a file,
long quoted values shortened, a FIFO or device refused.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from inflresearch.cli import main
from inflresearch.data.aggregate import aggregate_posts
from inflresearch.data.load import read_table
from inflresearch.errors import DataError

INFLUENCERS = "account_id,followers,avg_likes\nann,1000,40\nbob,,10\ncy,500,20\n"


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    return err


def _posts_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "account_id": ["a", "a", "a", "b", "b", "c"],
        "post_id": ["1", "2", "3", "4", "5", "6"],
        "likes": [10.0, -5.0, 30.0, 7.0, 9.0, 4.0],
        "comments": [1.0, 1.0, 1.0, 1.0, 1.0, -2.0],
        "followers": [100.0, 100.0, 100.0, 0.0, 0.0, 50.0],
    })


def test_an_unreadable_folder_is_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    locked = tmp_path / "locked" / "export.csv"
    real_stat = Path.stat

    def stat(self: Path, *args, **kwargs):  # what the OS answers inside a folder without x-bit
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", stat)
    assert main(["validate", str(locked), "--table", "influencers"]) == 2
    assert "Permission denied" in one_line_error(capsys)


def test_outputs_under_files_are_one_line(tmp_path: Path, capsys) -> None:
    export = tmp_path / "export.csv"
    export.write_text(INFLUENCERS, encoding="utf-8")
    a_file = tmp_path / "a_file"
    a_file.write_text("x", encoding="utf-8")
    assert main(["validate", str(export), "--table", "influencers",
                 "--quarantine-dir", str(a_file)]) == 2
    assert "a_file" in one_line_error(capsys)
    assert main(["simulate", "--n-influencers", "20", "--out", str(a_file)]) == 2
    assert "--out names a folder" in one_line_error(capsys)
    posts = tmp_path / "posts.csv"
    _posts_frame().to_csv(posts, index=False)
    assert main(["aggregate", str(posts), "--out", str(a_file / "acc.parquet")]) == 2
    assert "a_file" in one_line_error(capsys)
    assert a_file.read_text(encoding="utf-8") == "x"


def test_quoted_values_are_shortened(tmp_path: Path, capsys) -> None:
    huge = "h" * 1_000_000
    path = tmp_path / "wide.csv"
    path.write_text(f"account_id,{huge}\na,1\n", encoding="utf-8")
    assert main(["validate", str(path), "--table", "influencers"]) == 2
    err = one_line_error(capsys)
    assert len(err) < 1000 and "(1,000,002 characters)" in err
    assert main(["validate", str(path), "--table", "influencers", "--column", huge]) == 2
    assert len(one_line_error(capsys)) < 1000
    bad = tmp_path / "bad.csv"
    bad.write_text(f"account_id,followers\na,{huge}\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_table(bad, "influencers")
    assert len(str(info.value)) < 1000


def _validate_in_child(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "inflresearch.cli", "validate", str(path), "--table", "posts"],
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_a_fifo_and_a_device_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    proc = _validate_in_child(fifo)  # used to wait for a writer for ever
    assert proc.returncode == 2 and "not a regular file" in proc.stderr
    if Path("/dev/zero").exists():
        zero = tmp_path / "zero.csv"
        zero.symlink_to("/dev/zero")
        proc = _validate_in_child(zero)  # used to read until memory ran out
        assert proc.returncode == 2 and "not a regular file" in proc.stderr
    with pytest.raises(DataError, match="not a regular file"):
        aggregate_posts(fifo)
