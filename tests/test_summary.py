"""The summary page's table, from constructed results payloads (no training)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from replication.book import summary
from replication.book.notebook_source import notebook_table
from replication.reported import REPORTED
from replication.run import results

REPO = Path(__file__).resolve().parents[1]


def _payload(table_id: str, verdicts: list[dict], profile: str = "cpu") -> dict:
    rows = [
        {
            "method": "DCGAN",
            "metric": "FID",
            "mean": 30.123,
            "std": 1.5,
            "n": 3,
            "values": [1, 2, 3],
            "seeds": [0, 1, 2],
        },
        {
            "method": "MSGAN",
            "metric": "FID",
            "mean": 28.5,
            "std": 0.75,
            "n": 3,
            "values": [1, 2, 3],
            "seeds": [0, 1, 2],
        },
    ]
    provenance = {k: None for k in results.PROVENANCE_KEYS}
    provenance.update(profile=profile, dataset={"name": "mnist5k"}, seeds=[0, 1, 2])
    return {
        "schema_version": 1,
        "table_id": table_id,
        "profile": profile,
        "rows": rows,
        "protocol": {},
        "verdicts": verdicts,
        "provenance": provenance,
        "details": {},
    }


def _verdict(claim: str, verdict: str, **extra) -> dict:
    part = {"metric": "FID", "claim": "lower", "method_a": "DCGAN", "method_b": "MSGAN", "verdict": verdict}
    return {"claim": claim, "verdict": verdict, "parts": [part], **extra}


def _cells(page: str) -> list[list[str]]:
    body = page.split("<tbody>", 1)[1]
    return [re.findall(r"<td>(.*?)</td>", row) for row in body.split("</tr>") if "<td>" in row]


def test_one_row_per_claim_with_ours_reported_verdict_scale_and_link():
    held = _verdict("MSGAN lowers FID", "holds")
    skipped = _verdict(
        "MSGAN is more diverse", "not tested", not_tested_because="the baseline collapses does not hold (0.1)"
    )
    scanned = [(Path("cpu/msgan_table1.json"), _payload("msgan_table1", [held, skipped]), None)]
    page = summary.summary_html(summary.summary_rows(scanned, "cpu"))
    rows = _cells(page)
    assert "<caption>" in page and all(f"<th>{c}</th>" in page.replace("&amp;", "&") for c in summary.COLUMNS)
    first, second = rows[0], rows[1]
    assert first[0] == 'MSGAN (Mao et al., CVPR 2019), <a href="../notebooks/msgan/table1_labels.html">Table 1</a>'
    assert first[1] == "MSGAN lowers FID"
    assert first[3] == "<em>mnist5k</em><br>FID: DCGAN 30.1 ± 1.5, MSGAN 28.5 ± 0.75"
    assert first[4] == "no: ours on mnist5k, the paper on CIFAR-10"
    assert first[5] == "<strong>holds</strong>"
    assert first[6] == "—"  # parts without p-values (a results file from before the analysis plan)
    assert first[7] == "cpu · mnist5k · 3 seeds"
    assert second[5] == "<strong>not tested</strong>: the baseline collapses does not hold (0.1)"
    # the reported column comes from the registry: MSGAN's cells are registered (value or "see paper")
    expected = {r.method: r.shown for r in REPORTED if r.table_id == "msgan_table1" and r.metric == "FID"}
    shown = [expected.get(method, "—") for method in ("DCGAN", "MSGAN")]
    if shown == ["see paper", "see paper"]:
        assert first[2] == "<em>CIFAR-10</em><br>FID: see paper"
    else:
        assert first[2] == f"<em>CIFAR-10</em><br>FID: DCGAN {shown[0]}, MSGAN {shown[1]}"
    # every other registered table gets a "no results yet" row
    missing = [r for r in rows if r[5].startswith("no results yet")]
    assert len(missing) == len(summary.TABLES) - 1
    assert len(rows) == 2 + len(missing)


def test_comparable_only_on_the_papers_data_set_and_features():
    payload = _payload("msgan_table1", [])
    assert summary.comparability("msgan_table1", payload) == "no: ours on mnist5k, the paper on CIFAR-10"
    payload["provenance"]["dataset"] = {"name": "cifar10"}
    assert summary.comparability("msgan_table1", payload) == "yes: CIFAR-10"
    payload["protocol"] = {"extractor": {"name": "classifier:cifar10", "stand_in_for": "inception-v3"}}
    assert summary.comparability("msgan_table1", payload).startswith("no: CIFAR-10, but features of a classifier")
    payload["protocol"] = {"comparable_to_paper": False}
    assert summary.comparability("msgan_table1", payload) == "no: CIFAR-10, another protocol"


def test_the_tally_counts_every_claim_by_paper_and_verdict(tmp_path):
    verdicts = [_verdict("a", "holds"), _verdict("b", "not tested"), _verdict("c", "not tested")]
    scanned = [
        (Path("cpu/msgan_table1.json"), _payload("msgan_table1", verdicts), None),
        (Path("cpu/alpha_gan_table.json"), _payload("alpha_gan_table", [_verdict("d", "inconclusive")]), None),
        (Path("cpu/contragan_table1.json"), None, "not valid JSON"),
    ]
    tally = summary.verdict_tally(scanned)
    assert tally["MSGAN (Mao et al., CVPR 2019)"] == {
        "holds": 1,
        "does not hold": 0,
        "inconclusive": 0,
        "not tested": 2,
    }
    assert sum(tally["alpha-GAN (Rosca et al., 2017)"].values()) == 1
    assert sum(tally["ContraGAN (Kang & Park, NeurIPS 2020)"].values()) == 0
    text = summary.tally_html(tally)
    assert "<strong>4 claims</strong>: 1 holds, 0 does not hold, 1 inconclusive, 2 not tested." in text
    assert "<caption>Claims by verdict, per paper</caption>" in text
    assert text.count("<tr>") == 1 + len(tally) + 1  # head, one row per paper, the total


def test_an_unreadable_results_file_is_an_error_row(tmp_path):
    folder = tmp_path / "cpu"
    folder.mkdir()
    (folder / "contragan_table1.json").write_text('{"truncated": ')
    page = summary.summary_page("cpu", root=tmp_path)
    row = next(r for r in _cells(page) if "table1_conditioning" in r[0])
    assert row[5].startswith("<strong>results file unreadable</strong>: cpu/contragan_table1.json is not valid JSON")
    assert str(tmp_path) not in page  # no machine path on a page


def test_a_method_that_was_not_run_and_html_in_texts_are_shown_safely():
    verdict = _verdict("<b>VAE</b> & co", "not run")
    verdict["parts"][0]["method_b"] = "VAE"
    scanned = [(Path("cpu/alpha_gan_table.json"), _payload("alpha_gan_table", [verdict]), None)]
    row = next(r for r in _cells(summary.summary_html(summary.summary_rows(scanned, "cpu"))) if "battery" in r[0])
    assert row[1] == "&lt;b&gt;VAE&lt;/b&gt; &amp; co"
    assert row[3] == "<em>mnist5k</em><br>FID: DCGAN 30.1 ± 1.5, VAE not run"


@pytest.mark.parametrize("table_id", sorted(summary.TABLES))
def test_every_registered_table_names_an_existing_notebook_that_writes_it(table_id):
    notebook = REPO / summary.TABLES[table_id].notebook
    assert notebook.exists()
    assert notebook_table(notebook.read_text()).table_id == table_id


def test_every_table_notebook_is_registered():
    registered = {page.notebook for page in summary.TABLES.values()}
    assert {p.relative_to(REPO).as_posix() for p in REPO.glob("notebooks/*/*.py")} <= registered


def test_a_verdict_outside_the_four_gets_its_own_tally_column_so_rows_add_up():
    scanned = [(Path("cpu/alpha_gan_table.json"), _payload("alpha_gan_table", [_verdict("a", "not run")]), None)]
    text = summary.tally_html(summary.verdict_tally(scanned))
    assert "<th>not run</th>" in text
    assert "<strong>1 claims</strong>: 0 holds, 0 does not hold, 0 inconclusive, 0 not tested, 1 not run." in text


def _tested(claim: str, verdict: str, p_holds: float, p_does_not_hold: float) -> dict:
    out = _verdict(claim, verdict)
    out["parts"][0].update(p_holds_adjusted=p_holds, p_does_not_hold_adjusted=p_does_not_hold)
    return out


def test_the_book_wide_family_holm_adjusts_over_the_tested_claims():
    # three tested claims (p for "does not hold" 0.01, 0.04, 0.03 → Holm 0.03, 0.06, 0.06), one not tested, and
    # one from a results file without p-values: the last two are outside the family ("—")
    claims = [
        _tested("c1", "does not hold", 0.99, 0.01),
        _tested("c2", "does not hold", 0.99, 0.04),
        _tested("c3", "does not hold", 0.99, 0.03),
        {**_tested("c4", "not tested", 0.001, 0.9), "not_tested_because": "x"},
        _verdict("c5", "holds"),
    ]
    scanned = [(Path("cpu/msgan_table1.json"), _payload("msgan_table1", claims), None)]
    family = summary.book_family(scanned)
    assert set(family) == {("msgan_table1", 0), ("msgan_table1", 1), ("msgan_table1", 2)}
    assert [family["msgan_table1", i]["p_does_not_hold"] for i in range(3)] == pytest.approx([0.03, 0.06, 0.06])
    assert [family["msgan_table1", i]["verdict"] for i in range(3)] == ["does not hold", "inconclusive", "inconclusive"]
    rows = _cells(summary.summary_html(summary.summary_rows(scanned, "cpu")))
    assert rows[0][6] == "<strong>does not hold</strong> (adjusted p 0.030)"
    assert rows[1][6].startswith("<strong>inconclusive</strong> (adjusted p 1.000 holds, 0.060 does not hold")
    assert rows[3][6] == rows[4][6] == "—"
    page = summary.summary_page("cpu", root=REPO / "results")  # the committed results, written before the plan
    assert "Holm over the book" in page


def _png(width: int, height: int) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_the_gallery_shows_each_tables_first_figure_scaled_down_and_linked(tmp_path):
    import base64
    import io
    import json

    from PIL import Image

    from replication.book import thumbnails

    figure = _png(600, 300)
    inline = f'<figure class="replication-figure"><img src="data:image/png;base64,{base64.b64encode(figure).decode()}"></figure>'
    cells = [
        {"cell_type": "code", "outputs": [{"output_type": "stream", "text": "training…"}]},
        {"cell_type": "code", "outputs": [{"output_type": "display_data", "data": {"text/html": [inline]}}]},
        {"cell_type": "code", "outputs": [{"output_type": "display_data", "data": {"image/png": "AAAA"}}]},
    ]
    notebook = tmp_path / Path(summary.TABLES["msgan_table1"].notebook).with_suffix(".ipynb")
    notebook.parent.mkdir(parents=True)
    notebook.write_text(json.dumps({"cells": cells}))
    assert thumbnails.first_figure_png(notebook) == figure  # the first figure, not a later one
    assert thumbnails.first_figure_png(tmp_path / "missing.ipynb") is None

    gallery = thumbnails.gallery_html(tmp_path)
    assert gallery.count('class="replication-thumb"') == 1  # only the table whose notebook exists
    assert 'href="../notebooks/msgan/table1_labels.html"' in gallery and "MSGAN, Table 1" in gallery
    shown = base64.b64decode(gallery.split("data:image/png;base64,")[1].split('"')[0])
    assert Image.open(io.BytesIO(shown)).size == (240, 120)
    assert thumbnails.gallery_html(tmp_path / "nothing") == ""


def test_numbers_sit_under_their_data_set_beside_the_real_datas_value_and_not_tested_links_its_regime_check():
    failed_check = {"name": "the baseline collapses", "met": False, "failed": "the baseline does not collapse"}
    failed_check["measurement"] = "LPIPS 0.9 vs real 0.8"  # on the table's page, not in the summary
    skipped = _verdict("MSGAN is more diverse", "not tested", regime=[failed_check, {"name": "x", "met": True}])
    payload = _payload("msgan_table1", [skipped])
    payload["rows"].append(
        {"method": "real data (held-out)", "metric": "FID", "mean": 1.87, "std": 0.0, "n": 3, "values": [1.87] * 3}
    )
    scanned = [(Path("cpu/msgan_table1.json"), payload, None)]
    row = _cells(summary.summary_html(summary.summary_rows(scanned, "cpu")))[0]
    assert row[2].startswith("<em>CIFAR-10</em><br>FID: ")  # the paper's number under the paper's data set
    assert row[3] == "<em>mnist5k</em><br>FID: DCGAN 30.1 ± 1.5, MSGAN 28.5 ± 0.75; real data (held-out) 1.87"
    href = "../notebooks/msgan/table1_labels.html#regime-check"
    assert row[5] == f'<strong>not tested</strong>: the baseline does not collapse (<a href="{href}">regime check</a>)'


@pytest.mark.parametrize("table_id", sorted(summary.TABLES))
def test_every_table_page_has_the_regime_check_section_the_summary_links_to(table_id):
    source = (REPO / summary.TABLES[table_id].notebook).read_text()
    assert re.search(r"^# ## Regime check$", source, re.MULTILINE), summary.TABLES[table_id].notebook
