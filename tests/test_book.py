"""End to end at the smoke profile: papermill executes every notebook, jupyter-book builds the
HTML, nbval re-runs the executed table notebook, and a rerun skips what is up to date."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from replication.book.runner import main as run_notebooks
from replication.claims.stats import adjust_within_claim, combine_verdicts, compare_paired
from replication.run import results

TABLE_NOTEBOOK = Path("notebooks/msgan/table1_labels.ipynb")


def _text(html_file: Path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html_file.read_text()))


MACHINE_PATH = re.compile(r"(?<![\w.:/])/(tmp|home|root|work|Users)/")
PIPE_PARAGRAPH = re.compile(r"<p>[^<]*\|[^<]*-{3,}[^<]*\|")  # a Markdown table left as one paragraph
NAN_CELL = re.compile(r"<td[^>]*>\s*(nan|NaN|None|<NA>)\s*</td>")


def page_defects(page: str) -> list[str]:
    """What a reader must never see on a built page (issue #13, items 2, 5 and 11)."""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    defects = []
    if PIPE_PARAGRAPH.search(page):
        defects.append("a pipe table rendered as a paragraph")
    if MACHINE_PATH.search(page):
        defects.append(f"a machine path: {MACHINE_PATH.search(page).group(0)}")
    if NAN_CELL.search(page):
        defects.append(f"a missing-value cell: {NAN_CELL.search(page).group(0)}")
    if "IProgress" in text or "TqdmWarning" in text:
        defects.append("the TqdmWarning/IProgress stderr block")
    if "injected-parameters" in page or "executed_dir" in text or 'tag_parameters"' in page:
        defects.append("a papermill parameters cell")
    if page.count("THEBE_JS_URL") > 1:
        defects.append("thebe's configuration loaded twice")
    if re.search(r"<td[^>]*>\s*(True|False)\s*</td>", page):
        defects.append("a boolean shown as True/False")
    return defects


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
    assert verdict.get("verdict_in_regime_would_be", verdict["verdict"]) == combine_verdicts(
        [p.verdict for p in adjust_within_claim(parts)]
    )
    names = [check["name"] for check in verdict["regime"]]  # the working-baseline gates first, then the collapse
    assert names[-1] == "the baseline (DCGAN) is less diverse than the real data"
    assert names[0] == "the outputs are data (inside the real data's feature manifold)"


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


def test_no_built_page_shows_a_defect_a_reader_would_see(smoke_book):
    html = smoke_book / "_build" / "html"
    pages = sorted(html.rglob("*.html"))
    assert len(pages) > 15
    found = {str(p.relative_to(html)): page_defects(p.read_text()) for p in pages}
    assert {page: d for page, d in found.items() if d} == {}
    assert not any(".pytest_cache" in str(p) or "__pycache__" in str(p) for p in html.rglob("*"))
    intro = (html / "book/intro.html").read_text()
    assert 'rel="icon"' in intro and (html / "_static/favicon.svg").exists()


def test_every_results_page_has_a_banner_captioned_tables_and_figures_and_linked_sources(smoke_book):
    html = smoke_book / "_build" / "html"
    table_pages = sorted((html / "book/executed/notebooks").rglob("*.html"))
    cards = sorted((html / "book/executed/book").glob("*/card.html"))
    assert len(table_pages) == 10 and len(cards) == 4
    for page in [*table_pages, *cards, html / "book/executed/book/status.html"]:
        markup = page.read_text()
        text = _text(page)
        assert "Built at profile smoke" in text and "meaningless" in text, page.name  # the smoke warning banner
        assert re.search(r"commit \S{10} \((dirty|clean|state unknown)\)", text), page.name
    for page in html.rglob("*.html"):
        for table in re.findall(r"<table.*?</table>", page.read_text(), flags=re.S):
            assert "<caption" in table, f"{page.relative_to(html)}: a table without a caption"
    for page in table_pages:
        markup = page.read_text()
        assert "<figcaption><strong>Figure 1.</strong>" in markup, page.name
        assert not re.search(r'alt="[^"]*\.(png|svg)"', markup), page.name  # alt says what it shows
    card = (html / "book/executed/book/contragan/card.html").read_text()
    assert 'href="https://arxiv.org/abs/2006.12681' in card
    assert 'href="https://github.com/POSTECH-CVLab/PyTorch-StudioGAN"' in card
    assert 'href="https://arxiv.org/abs/1903.05628"' in (html / "book/intro.html").read_text()


def test_the_speed_page_renders_every_committed_bench_file(tmp_path, monkeypatch):
    """Each file in results/bench/ (device benches and the cpu-book measurement) gets its own table."""
    import shutil

    import jupytext
    import papermill

    repo = Path(__file__).resolve().parents[1]
    shutil.copytree(repo / "results" / "bench", tmp_path / "results" / "bench")
    monkeypatch.setenv("REPLICATION_RESULTS", str(tmp_path / "results"))
    jupytext.write(jupytext.read(repo / "book" / "benchmark.py"), tmp_path / "benchmark.ipynb")
    papermill.execute_notebook(
        str(tmp_path / "benchmark.ipynb"),
        str(tmp_path / "out.ipynb"),
        parameters={"profile": "cpu"},
        kernel_name="python3",
        cwd=str(repo),
        progress_bar=False,
    )
    shown = (tmp_path / "out.ipynb").read_text()
    assert "The cpu book&#x27;s training per method" in shown or "The cpu book's training per method" in shown
    assert "Training speed on" in shown
    assert shown.count("<details>") >= 4  # the long tables are folded, the estimated hours too
    assert "<summary>Estimated training hours per table and profile" in shown
