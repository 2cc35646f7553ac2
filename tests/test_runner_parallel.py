"""The runner executes table notebooks in parallel worker processes, longest first, each kernel with its
share of the cores, and records that in status.json (issue #17)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fake_notebooks import HEADER, write_notebook

from replication.book import runner
from replication.book.runner import main as run_notebooks
from replication.book.runner import run_all

RECORDS = HEADER + (
    "import json, os, time\n"
    "import torch\n"
    "start = time.time()\n"
    "time.sleep({sleep})\n"
    "record = {{'threads': torch.get_num_threads(), 'omp': os.environ.get('OMP_NUM_THREADS'), "
    "'start': start, 'end': time.time()}}\n"
    "open({out!r}, 'w').write(json.dumps(record))\n"
)


def _tree(root: Path, sleeps: dict[str, float], records: Path) -> None:
    for name, sleep in sleeps.items():
        write_notebook(root, RECORDS.format(sleep=sleep, out=str(records / f"{name}.json")), name)


def test_two_notebooks_run_at_once_each_with_its_share_of_the_cores(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(
        os, "cpu_count", lambda: 4
    )  # the workers inherit nothing of this: threads travel as an argument
    root, records = tmp_path / "root", tmp_path / "records"
    records.mkdir()
    _tree(root, {"a": 4, "b": 4}, records)
    entries = run_all("smoke", root / "book" / "executed", root, jobs=2)
    assert [e["notebook"] for e in entries] == ["notebooks/fake/a.py", "notebooks/fake/b.py"]
    assert all(e["status"] == "ok" and e["threads"] == 2 and e["parallel_jobs"] == 2 for e in entries)
    seen = {name: json.loads((records / f"{name}.json").read_text()) for name in ("a", "b")}
    assert all(r["threads"] == 2 and r["omp"] == "2" for r in seen.values())  # the kernels got 2 threads each
    assert seen["a"]["start"] < seen["b"]["end"] and seen["b"]["start"] < seen["a"]["end"]  # they overlapped
    status = json.loads((root / "book" / "executed" / "status.json").read_text())
    assert [e["threads"] for e in status["notebooks"]] == [2, 2]
    assert "2 notebooks at once, 2 thread(s) each" in capsys.readouterr().out


def test_the_longest_notebook_by_its_last_wall_time_starts_first(tmp_path, capsys):
    root, records = tmp_path / "root", tmp_path / "records"
    records.mkdir()
    _tree(root, {"a": 0, "b": 0, "c": 0}, records)
    out = root / "book" / "executed"
    out.mkdir(parents=True)
    previous = [
        {"notebook": f"notebooks/fake/{n}.py", "kind": "table", "wall_time_s": t}
        for n, t in zip("abc", (5, 50, 20), strict=True)
    ]
    (out / "status.json").write_text(json.dumps({"profile": "smoke", "notebooks": previous}))
    run_all("smoke", out, root, jobs=1)
    started = [line.split()[1] for line in capsys.readouterr().out.splitlines() if line.startswith("[run] notebooks/")]
    assert started == ["notebooks/fake/b.py", "notebooks/fake/c.py", "notebooks/fake/a.py"]


def test_one_job_leaves_the_threads_alone(tmp_path):
    root, records = tmp_path / "root", tmp_path / "records"
    records.mkdir()
    _tree(root, {"a": 0}, records)
    entries = run_all("smoke", root / "book" / "executed", root, jobs=1)
    assert entries[0]["threads"] is None and entries[0]["parallel_jobs"] == 1
    assert json.loads((records / "a.json").read_text())["omp"] == os.environ.get("OMP_NUM_THREADS")


def test_threads_per_job_splits_the_cores(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert runner.threads_per_job(1) is None and runner.threads_per_job(2) == 1 and runner.threads_per_job(3) == 1
    monkeypatch.setattr(os, "cpu_count", lambda: 16)
    assert runner.threads_per_job(2) == 8


@pytest.mark.parametrize("value", ["0", "-1"])
def test_jobs_below_one_is_a_usage_error(value, capsys):
    with pytest.raises(SystemExit) as stop:
        run_notebooks(["--profile", "smoke", "--jobs", value])
    assert stop.value.code == 2 and "--jobs must be ≥ 1" in capsys.readouterr().err
