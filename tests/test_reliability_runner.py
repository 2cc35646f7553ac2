"""The notebook runner under damage: results files deleted or truncated behind its back, a corrupt
status.json, a bogus profile, a failing notebook, and a corrupt results file on the status page and cards."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from fake_notebooks import HEADER, WRITES_RESULTS, write_notebook

from replication.book import page
from replication.book.runner import main as run_notebooks
from replication.book.runner import run_all
from replication.run import results

REPO = Path(__file__).resolve().parents[1]
FAILS = HEADER + 'raise ValueError("boom: the fake notebook failed on purpose")\n'


@pytest.fixture
def results_dir(tmp_path, monkeypatch):
    path = tmp_path / "results"
    monkeypatch.setenv("REPLICATION_RESULTS", str(path))  # the kernels inherit it
    return path


def _run(root: Path, capsys) -> tuple[list[dict], str, str]:
    entries = run_all("smoke", root / "book" / "executed", root)
    captured = capsys.readouterr()
    return entries, captured.out, captured.err


def test_a_deleted_results_file_makes_its_notebook_run_again(tmp_path, results_dir, capsys):
    root = tmp_path / "root"
    write_notebook(root, WRITES_RESULTS)
    saved = results_dir / "smoke" / "fake_table.json"
    entries, _, _ = _run(root, capsys)
    assert entries[0]["status"] == "ok" and saved.exists()
    assert "[up to date] notebooks/fake/table.py" in _run(root, capsys)[1]
    saved.unlink()
    entries, out, _ = _run(root, capsys)
    assert "[run] notebooks/fake/table.py" in out and entries[0]["status"] == "ok"
    assert saved.exists()


def test_a_truncated_results_file_makes_its_notebook_run_again(tmp_path, results_dir, capsys):
    root = tmp_path / "root"
    write_notebook(root, WRITES_RESULTS)
    saved = results_dir / "smoke" / "fake_table.json"
    _run(root, capsys)
    good = saved.read_text()
    saved.write_text(good[: len(good) // 2])
    entries, out, _ = _run(root, capsys)
    assert "[run] notebooks/fake/table.py" in out and entries[0]["status"] == "ok"
    assert json.loads(saved.read_text())["table_id"] == "fake_table"  # whole again


def test_a_corrupt_status_file_is_set_aside_and_rebuilt(tmp_path, capsys):
    root = tmp_path / "root"
    (root / "notebooks").mkdir(parents=True)
    executed = root / "book" / "executed"
    executed.mkdir(parents=True)
    (executed / "status.json").write_text('{"profile": "smoke", "notebooks": [')  # cut off mid-write
    entries, _, err = _run(root, capsys)
    assert entries == []
    assert "status.json" in err and "set aside" in err and "Traceback" not in err
    set_aside = list(executed.glob("status.json.corrupt-*"))
    assert len(set_aside) == 1 and set_aside[0].read_text().endswith("[")
    assert json.loads((executed / "status.json").read_text()) == {"profile": "smoke", "notebooks": []}


def test_a_bogus_profile_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exited:
        run_notebooks(["--profile", "bogus"])
    assert exited.value.code == 2
    assert "Unknown profile 'bogus'" in capsys.readouterr().err


def _stub(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/bash\n" + text)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


@pytest.mark.parametrize(("runner_rc", "builds"), [(0, True), (1, True), (2, False)])
def test_make_book_builds_after_notebook_failures_but_not_after_a_usage_error(tmp_path, runner_rc, builds):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    marker = tmp_path / "built"
    _stub(tmp_path / "py", f"exit {runner_rc}\n")  # stands in for `python -m replication.book.runner`
    _stub(tmp_path / "venv" / "bin" / "jupyter-book", f"touch {marker}\n")  # stands in for the build
    run = subprocess.run(
        ["make", "--no-print-directory", "book", f"PY={tmp_path / 'py'}", f"VENV={tmp_path / 'venv'}", "STAMP="],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert (run.returncode == 0) == (runner_rc == 0), run.stdout + run.stderr  # make says 2 for any failure
    assert marker.exists() == builds, run.stdout + run.stderr


def test_the_real_runner_exits_2_on_a_bogus_profile():
    run = subprocess.run(
        [sys.executable, "-m", "replication.book.runner", "--profile", "bogus"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert run.returncode == 2 and "Unknown profile" in run.stderr


def test_a_failed_notebook_names_the_error_and_the_kept_partial_notebook(tmp_path, capsys):
    root = tmp_path / "root"
    write_notebook(root, FAILS, name="bad")
    entries, _, err = _run(root, capsys)
    assert entries[0]["status"] == "failed"
    line = next(line for line in err.splitlines() if line.startswith("[failed]"))
    assert "ValueError: boom: the fake notebook failed on purpose" in line
    partial = "book/executed/notebooks/fake/bad.partial.ipynb"
    assert partial in err and str(root) not in err
    assert (root / partial).exists()
    assert "boom" in (root / partial).read_text()  # the whole traceback is in there
    assert entries[0]["error"] == "ValueError: boom: the fake notebook failed on purpose"


def _write_good_and_corrupt(base: Path) -> None:
    rows = [{"method": "A", "metric": "FID", "mean": 1.0, "std": 0.0, "n": 1, "values": [1.0], "seeds": [0]}]
    prov = results.provenance("smoke", {"name": "mnist5k", "sha256": "0"}, "cpu", 1.0, [0])
    results.save("alpha_gan_table", "smoke", rows, {"reference": "none"}, [], prov, root=base)
    (base / "smoke" / "msgan_table1.json").write_text('{"schema_version": 1, "rows": [')


def test_the_status_table_shows_a_corrupt_results_file_as_an_error_row(tmp_path):
    base = tmp_path / "results"
    _write_good_and_corrupt(base)
    frame = page.results_files_frame("smoke", root=base)
    assert list(frame["table"]) == ["alpha_gan_table", "msgan_table1"]
    error = frame.set_index("table").loc["msgan_table1", "error"]
    assert "smoke/msgan_table1.json" in error and "not valid JSON" in error
    assert str(tmp_path) not in error and "Traceback" not in error
    assert frame.set_index("table").loc["alpha_gan_table", "error"] == ""
    layout = frame.set_index("table").loc["alpha_gan_table", "training"]
    assert layout == page._layout_text(results.provenance("smoke", {}, "cpu", 1.0, [0])["training_layout"])
    assert page._layout_text({"workers": 2, "threads_per_worker": 1}) == "2 workers × 1 thread(s)"


def test_a_card_shows_a_corrupt_or_missing_results_file_as_an_error(tmp_path):
    base = tmp_path / "results"
    _write_good_and_corrupt(base)
    broken = page.card_section("Table 1", "msgan_table1", "smoke", root=base)
    assert "## Table 1" in broken and "smoke/msgan_table1.json" in broken and "not valid JSON" in broken
    assert str(tmp_path) not in broken
    missing = page.card_section("Table 9", "nothing_here", "smoke", root=base)
    assert "No results yet" in missing and str(tmp_path) not in missing
    assert "Claim." in page.card_section("Battery", "alpha_gan_table", "smoke", root=base)


def test_the_status_page_and_a_card_execute_with_a_corrupt_results_file(tmp_path, results_dir, capsys):
    root = tmp_path / "root"
    (root / "notebooks").mkdir(parents=True)
    (root / "book" / "msgan").mkdir(parents=True)
    shutil.copy(REPO / "book" / "status.py", root / "book" / "status.py")
    shutil.copy(REPO / "book" / "msgan" / "card.py", root / "book" / "msgan" / "card.py")
    _write_good_and_corrupt(results_dir)
    entries, _, _ = _run(root, capsys)
    assert {e["notebook"]: e["status"] for e in entries} == {"book/msgan/card.py": "ok", "book/status.py": "ok"}
    for page_name in ("book/status.ipynb", "book/msgan/card.ipynb"):
        text = (root / "book" / "executed" / page_name).read_text()
        assert "not valid JSON" in text and str(results_dir) not in text
