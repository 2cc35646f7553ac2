"""End to end at the smoke profile: papermill executes every notebook, jupyter-book builds the
HTML, nbval re-runs the executed table notebook, and a rerun skips what is up to date."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from replication import results
from replication.runner import main as run_notebooks
from replication.stats import combine_verdicts, compare_paired

TABLE_NOTEBOOK = Path("notebooks/msgan/table1_labels.ipynb")


def _text(html_file: Path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html_file.read_text()))


def test_every_notebook_executed_and_its_results_carry_a_computed_verdict(smoke_book):
    status = json.loads((smoke_book / "book/executed/status.json").read_text())
    statuses = {e["notebook"]: e["status"] for e in status["notebooks"]}
    assert all(value == "ok" for value in statuses.values()), statuses
    assert {"notebooks/msgan/table1_labels.py", "book/msgan/card.py", "book/status.py", "book/benchmark.py"} <= set(
        statuses
    )
    saved = results.load("msgan_table1", "smoke")
    assert {(r["method"], r["metric"]) for r in saved["rows"]} >= {
        (m, k) for m in ("DCGAN", "MSGAN") for k in ("FID", "NDB", "JSD")
    }
    assert all(r["n"] == 2 for r in saved["rows"])
    assert saved["protocol"]["extractor"]["name"] == "classifier:mnist5k"
    assert saved["provenance"]["profile"] == "smoke" and saved["provenance"]["dataset"]["name"] == "mnist5k"
    # the stored verdict is what the rule gives on the stored per-seed values
    values = {(r["method"], r["metric"]): r["values"] for r in saved["rows"]}
    parts = [
        compare_paired("NDB", "DCGAN", values["DCGAN", "NDB"], "MSGAN", values["MSGAN", "NDB"], "lower"),
        compare_paired("JSD", "DCGAN", values["DCGAN", "JSD"], "MSGAN", values["MSGAN", "JSD"], "lower"),
        compare_paired("FID", "DCGAN", values["DCGAN", "FID"], "MSGAN", values["MSGAN", "FID"], "not worse", 0.05),
    ]
    verdict = saved["verdicts"][0]
    assert verdict.get("verdict_in_regime_would_be", verdict["verdict"]) == combine_verdicts([p.verdict for p in parts])
    assert verdict["regime"][0]["name"] == "the baseline (DCGAN) is less diverse than the real data"


def test_the_built_book_shows_the_msgan_table_card_and_status(smoke_book):
    html = smoke_book / "_build" / "html"
    table = _text(html / "book/executed/notebooks/msgan/table1_labels.html")
    assert "Table 1: reported vs reproduced" in table
    assert "see paper" in table and "NDB" in table and "JSD" in table
    assert (
        "Protocol — profile smoke" in table and "classifier:mnist5k" in table and "stand-in for inception-v3" in table
    )
    assert re.search(r"Verdict: (holds|does not hold|inconclusive|not tested)", table) and "Regime check" in table
    assert "meaningless" in table  # smoke numbers are labelled as such
    assert "<img" in (html / "book/executed/notebooks/msgan/table1_labels.html").read_text()  # sample grids
    card = _text(html / "book/executed/book/msgan/card.html")
    assert "Claim." in card and "Verdict." in card and "Our result." in card
    status = _text(html / "book/executed/book/status.html")
    assert "notebooks/msgan/table1_labels.py" in status and "msgan_table1" in status
    assert (html / "index.html").exists() and (html / "book/methods.html").exists()


def test_nbval_reruns_the_executed_notebook(smoke_book, tmp_path):
    notebook = smoke_book / "book/executed" / TABLE_NOTEBOOK
    # the re-run writes its results elsewhere: rewriting the book's results file would (rightly) make the
    # runner treat the executed notebook as stale
    env = {**os.environ, "REPLICATION_RESULTS": str(tmp_path / "results")}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            str(notebook),
            "-p",
            "no:cacheprovider",
            "-q",
            "--rootdir",
            str(notebook.parent),
        ],
        capture_output=True,
        text=True,
        cwd=notebook.parent,
        env=env,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    assert re.search(r"\d+ passed", run.stdout)


def test_a_second_run_skips_the_up_to_date_table_notebook(smoke_book, capsys):
    executed = smoke_book / "book" / "executed"
    assert (
        run_notebooks(
            ["--profile", "smoke", "--root", str(smoke_book), "--out", str(executed), "--only", "table1_labels"]
        )
        == 0
    )
    assert "[up to date] notebooks/msgan/table1_labels.py" in capsys.readouterr().out
