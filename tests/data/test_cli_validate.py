"""`inflresearch validate FILE --table T`: summary, quarantine file, exit codes, no tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from inflresearch.cli import main


@pytest.fixture()
def export(tmp_path: Path) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(
        "Instagram handle,Subscribers count,Avg. Likes,Country\n"
        "@ann,1.2M,45.3k,Spain\nbob,,10,France\ncy,3,400,Peru\nann,5,1,Chile\n",
        encoding="utf-8",
    )
    return path


def test_usable_file_prints_summary_and_exits_0(export: Path, capsys) -> None:
    code = main(["validate", str(export), "--table", "influencers",
                 "--column", "Instagram handle=account_id", "--platform", "instagram"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines() == [
        f"{export} (influencers): kept 1 of 4 rows; 3 quarantined: 1 duplicate account_id, "
        "1 likes > 50x followers, 1 missing followers",
        "mapping: --column",
        "columns (source header -> contract column: first values):",
        "  'Instagram handle' -> account_id: 'ann'",
        "  'Subscribers count' -> followers: 1,200,000",
        "  'Avg. Likes' -> avg_likes: 45,300",
        "  'Country' -> country: 'Spain'",
        "  (not in the file) -> platform: 'instagram'",
        "usable",
    ]


def test_quarantine_dir_receives_the_rows(export: Path, tmp_path: Path, capsys) -> None:
    qdir = tmp_path / "q"
    code = main(["validate", str(export), "--table", "influencers", "--quarantine-dir", str(qdir),
                 "--column", "Instagram handle=account_id", "--column", "Country="])
    out = capsys.readouterr().out
    target = qdir / "quarantine-influencers.csv"
    assert code == 0 and f"-> {target}" in out
    text = target.read_text(encoding="utf-8")
    assert "country_src" in text and "missing followers" in text


def test_unusable_file_exits_2_with_one_line(export: Path, tmp_path: Path, capsys) -> None:
    assert main(["validate", str(export), "--table", "posts"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {export}: column 'post_id': no usable post_id, likes columns")
    assert err.count("\n") == 1
    assert main(["validate", str(tmp_path / "nope.csv"), "--table", "influencers"]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["validate", str(export), "--table", "influencers", "--column", "x"]) == 2
    assert "--column expects SOURCE=CONTRACT_NAME" in capsys.readouterr().err


def test_console_script_prints_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "inflresearch.cli", "validate", str(bad), "--table", "influencers"],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: ") and "columns={" in proc.stderr
