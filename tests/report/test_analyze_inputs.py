"""What `inflresearch analyze` reads and prints: only the given folders, no file content echoed,
escaped names, identical files once, non-regular files listed, a bad file never stopping the rest,
unknown parameters refused, and progress, --dry-run and --max-runs before any kernel starts."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from inflresearch.cli import main
from inflresearch.errors import DataError
from inflresearch.paths import sample_file
from inflresearch.report import file_scan
from inflresearch.report.analyze import plan_analysis, write_page
from inflresearch.report.plan import PlanResult

SECRET = "API_KEY=hunter2-do-not-print"


@pytest.fixture
def accounts(tmp_path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    lines = sample_file("influencers").read_text().splitlines(keepends=True)
    (folder / "creators.csv").write_text("".join(lines[:301]))
    return folder


def _analyze(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["analyze", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_links_out_of_the_folder_are_not_followed_and_no_content_is_quoted(accounts, tmp_path,
                                                                            capsys):
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "keys.csv").write_text(f"{SECRET}\n1\n")
    (accounts / "keys.csv").symlink_to(outside / "keys.csv")
    (accounts / "sub").symlink_to(outside, target_is_directory=True)
    (accounts / "notes.csv").write_text(f"{SECRET}\nsecond line\n")  # unrecognised, inside
    code, out, err = _analyze(capsys, str(accounts), "--dry-run")
    assert code == 0, err
    assert "file     keys.csv: not read: a link out of the given folders: not followed" in out
    assert "file     sub: not read: a link to a folder: not followed" in out
    assert "file     notes.csv: not recognised: its columns meet none" in out
    assert "hunter2" not in out + err and str(tmp_path) not in out + err
    planned = plan_analysis([accounts])
    page = write_page(tmp_path, planned, PlanResult(folder=tmp_path)).read_text()
    assert "hunter2" not in page and str(tmp_path) not in page and "notes.csv" in page


def test_control_characters_in_file_names_are_escaped(accounts, capsys):
    (accounts / "creators.csv").rename(accounts / "evil\x1b]0;pwned\x07\nfile     forged.csv")
    code, out, err = _analyze(capsys, str(accounts), "--dry-run")
    assert code == 0, err
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "evil\\x1b]0;pwned\\x07\\nfile     forged.csv: influencers" in out
    assert not any(line.startswith("file     forged.csv") for line in out.splitlines())


def test_byte_identical_files_are_analysed_once_and_noted(accounts, capsys):
    (accounts / "zz-copy").mkdir()
    shutil.copy(accounts / "creators.csv", accounts / "zz-copy" / "creators.csv")
    planned = plan_analysis([accounts])
    copy = next(f for f in planned.files if f.path.parent.name == "zz-copy")
    assert copy.status == "identical" and copy.table is None
    assert copy.summary == "byte-identical to creators.csv: analysed once, as that file"
    inputs = [str(v) for r in planned.runs for v in r.parameters.values() if isinstance(v, str)]
    assert not any("zz-copy" in v for v in inputs)  # one run per notebook, one Holm family member
    assert sum(v.endswith("creators.csv") for v in inputs) == len(planned.runs) > 0
    code, out, _ = _analyze(capsys, str(accounts), "--dry-run")
    assert "file     zz-copy/creators.csv: identical: byte-identical to creators.csv" in out


def test_fifos_and_devices_named_explicitly_are_listed_as_not_regular_files(accounts, capsys):
    fifo = accounts / "pipe.csv"
    os.mkfifo(fifo)
    (accounts / "zero.csv").symlink_to("/dev/zero")
    code, out, err = _analyze(capsys, str(fifo), str(accounts / "zero.csv"),
                              str(accounts / "creators.csv"), "--dry-run")
    assert code == 0, err
    assert "file     pipe.csv: not read: not a regular file (a FIFO)" in out
    assert "file     zero.csv: not read: not a regular file (a character device)" in out
    assert "file     creators.csv: influencers" in out


@pytest.mark.parametrize("error", [
    DataError("decompressed size exceeds the cap of 1 GB", path="PLACEHOLDER", values=[SECRET]),
    RecursionError("maximum recursion depth exceeded"),
])
def test_a_file_that_cannot_be_read_is_listed_and_the_rest_go_on(accounts, monkeypatch, capsys,
                                                                 error):
    shutil.copy(sample_file("campaigns"), accounts / "huge.csv")
    real = file_scan.load_input

    def capped(path, table, *args, **kwargs):
        if path.name == "huge.csv":
            if isinstance(error, DataError):
                raise DataError("decompressed size exceeds the cap of 1 GB", path=path, values=[SECRET])
            raise error
        return real(path, table, *args, **kwargs)

    monkeypatch.setattr(file_scan, "load_input", capped)
    code, out, err = _analyze(capsys, str(accounts), "--dry-run")
    assert code == 0, err
    reason = ("decompressed size exceeds the cap of 1 GB" if isinstance(error, DataError)
              else str(error))
    assert f"file     huge.csv: unreadable: {reason}" in out
    assert "file     creators.csv: influencers" in out and "planned  " in out
    assert "hunter2" not in out and str(accounts) not in out


def test_unknown_parameters_are_refused_before_any_file_is_read(accounts, capsys):
    code, out, err = _analyze(capsys, str(accounts), "-p", "alpah", "0.1")
    assert code == 2 and out == ""
    assert err.startswith("error: unknown parameter(s) 'alpah'; the notebooks take alpha, ")
    code, _, err = _analyze(capsys, str(accounts), "-p", "alpha", "high")
    assert code == 2 and "parameter 'alpha' expects float" in err


def test_progress_dry_run_and_max_runs_start_no_kernel(accounts, tmp_path, capsys):
    for i in range(3):
        lines = sample_file("influencers").read_text().splitlines(keepends=True)
        (accounts / f"more-{i}.csv").write_text("".join(lines[:1] + lines[1 + 100 * i:301 + 100 * i]))
    reports = tmp_path / "reports"
    code, out, err = _analyze(capsys, str(accounts), "--dry-run", "--max-runs", "2", "--reports",
                              str(reports))
    assert code == 0, err  # a dry run lists every run, whatever the cap
    assert err.splitlines()[0] == "scanning 4 table files ..." and "scanned 4 of 4" in err
    planned = [line for line in out.splitlines() if line.startswith("planned  ")]
    assert len(planned) >= 4 and not reports.exists()
    code, out, err = _analyze(capsys, str(accounts), "--max-runs", "2", "--reports", str(reports))
    assert code == 2
    assert f"error: {len(planned)} runs planned, more than --max-runs 2" in err
    assert len([line for line in out.splitlines() if line.startswith("planned  ")]) == len(planned)
    assert not reports.exists() or not any(p.is_dir() for p in reports.iterdir())
