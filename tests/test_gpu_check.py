"""data_scripts/gpu_check.sh (issue #26, item 3): its --dry-run prints the plan with projected times and runs
nothing; with `--device cpu --quick` it runs end to end on a CPU (marked `rehearsal`: `make rehearsal`, which CI
runs after `make test`). On a lent GPU it runs without options."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def dry_run(*options: str) -> str:
    env = {**os.environ, "PYTHON": sys.executable, "CHECK_WORK": "/nonexistent/never-made"}
    done = subprocess.run(
        ["bash", str(REPO / "data_scripts" / "gpu_check.sh"), "--dry-run", *options],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    return done.stdout


def test_the_dry_run_prints_each_part_with_its_time_sized_from_the_h200_bench():
    plan = dry_run()
    lines = plan.splitlines()
    assert lines[0].startswith("gpu_check plan on cuda")
    assert "(a) dress rehearsal: 13 notebook case(s)" in plan and "stopped at 240 s" in plan
    assert "2 methods × 3 seeds × 2000 steps" in plan and "2 × 3 × 2000 × 13.4 ms = 2.7 min" in plan
    assert "(c) results, executed notebooks, figures" in plan and "$OUT" in plan
    total = float(lines[-1].split("≈")[1].split("min")[0])
    assert lines[-1].startswith("  total") and 5 < total < 9.5  # one call of the device tool: ≤ 10 min


def test_the_settings_size_the_plan(monkeypatch):
    monkeypatch.setenv("CHECK_STEPS", "1000")
    assert "2 × 3 × 1000 × 13.4 ms = 1.3 min" in dry_run()
    quick = dry_run("--device", "cpu", "--quick")
    assert quick.startswith("gpu_check plan on cpu (--quick)") and "1 notebook case(s)" in quick
    assert "-p quick True" in quick


def test_an_unknown_option_is_refused():
    done = subprocess.run(
        ["bash", str(REPO / "data_scripts" / "gpu_check.sh"), "--fast"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and "unknown option --fast" in done.stderr


@pytest.mark.rehearsal
def test_the_script_runs_on_a_cpu_and_brings_back_results_figures_and_its_timing(tmp_path):
    """`gpu_check.sh --device cpu --quick` end to end (about 3 minutes on 2 cores): one rehearsal case, the MSGAN
    Table 1 slice at -p quick True, and in $OUT the slice's results file, its executed notebook, the page's
    figures and the timing JSON with both parts' exit status."""
    out, work = tmp_path / "out", tmp_path / "work"
    env = {**os.environ, "PYTHON": sys.executable, "OUT": str(out), "CHECK_WORK": str(work)}
    done = subprocess.run(
        ["bash", str(REPO / "data_scripts" / "gpu_check.sh"), "--device", "cpu", "--quick"],
        capture_output=True,
        text=True,
        env=env,
        timeout=1500,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    timing = json.loads((out / "bench" / "gpu-check-cpu.json").read_text())
    assert timing["rehearsal"]["exit_status"] == 0 and timing["slice"]["exit_status"] == 0
    assert [case["table"] for case in timing["rehearsal"]["cases"]] == ["msgan_table1"]
    assert timing["settings"] == {"device": "cpu", "quick": True, "dataset": "cifar10"}
    assert timing["provenance"]["git_commit"]
    quick = json.loads((out / "results" / "gpu" / "msgan_table1.cifar10.quick.json").read_text())
    assert quick["provenance"]["settings_overridden"]["quick"] is True
    assert (out / "table1_labels.executed.ipynb").exists() and len(list((out / "figures").glob("*.png"))) >= 2
