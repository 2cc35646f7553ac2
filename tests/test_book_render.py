"""How the book shows tables, banners, sources and figures: the formatting rules, without a build."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib
import nbformat
import pandas as pd
import pytest

from replication.book import page, plots
from replication.book.runner import execute

matplotlib.use("Agg")

LONG_CLAIM = "A claim that is much longer than fifty characters, which pandas would cut with an ellipsis by default."


def _results(n=3, metric="FID", table_id="contragan_table1", profile="smoke", dirty=True):
    rows = [
        {"method": "SNDCGAN + 2C", "metric": metric, "mean": 0.8041, "std": 0.0123, "n": n},
        {"method": "SNDCGAN + ACGAN", "metric": metric, "mean": 0.7, "std": 0.01, "n": n},
    ]
    return {
        "table_id": table_id,
        "profile": profile,
        "protocol": {"comparable_to_paper": False},
        "rows": rows,
        "verdicts": [],
        "provenance": {
            "git_commit": "0123456789abcdef",
            "git_dirty": dirty,
            "dataset": {"name": "mnist5k"},
            "date_utc": "2026-11-29T10:00:00+00:00",
            "seeds": [0, 1, 2],
            "device": "cpu",
        },
    }


def test_html_tables_have_no_index_no_nan_yes_no_booleans_untruncated_text_and_a_caption():
    frame = pd.DataFrame(
        {"claim": [LONG_CLAIM, "short"], "value": [1.5, math.nan], "met": [True, False], "note": [None, "x"]}
    )
    markup = page.html_table(frame, "A caption")
    assert "<caption>A caption</caption>" in markup
    assert LONG_CLAIM in markup and "..." not in markup
    assert "nan" not in markup.lower().replace("nanosecond", "") and "None" not in markup
    assert "—" in markup
    assert ">yes<" in markup and ">no<" in markup and "True" not in markup and "False" not in markup
    assert "<th></th>" not in markup and ">0<" not in markup and ">1<" not in markup  # no integer index column
    assert "overflow-x:auto" in markup  # wide tables scroll instead of overflowing the page


def test_a_named_index_becomes_a_column_and_column_levels_are_joined():
    frame = pd.DataFrame({("DCGAN", "FID"): [1.0, 2.0]}, index=pd.Index(["0", "1"], name="class"))
    tidy = page.tidy_frame(frame)
    assert list(tidy.columns) == ["class", "DCGAN · FID"]
    assert list(tidy["class"]) == ["0", "1"]


def test_a_displayed_table_object_renders_the_same_html():
    frame = pd.DataFrame({"a": [1]})
    assert page.table(frame, "c")._repr_html_() == page.html_table(frame, "c")


def test_wide_frame_puts_a_uniform_n_in_the_header_and_never_breaks_a_cell():
    frame = page.wide_frame(_results(n=3))
    assert list(frame.columns) == ["method", "FID (n=3)"]
    cell = frame.loc[0, "FID (n=3)"]
    assert cell == "0.804\u00a0±\u00a00.012" and " " not in cell
    assert frame.attrs["caption"]


def test_wide_frame_keeps_n_in_cells_when_it_differs_and_shows_missing_cells_as_a_dash():
    payload = _results(n=3)
    payload["rows"][1]["n"] = 2
    payload["rows"].append({"method": "SNDCGAN + 2C", "metric": "IS", "mean": 2.0, "std": 0.1, "n": 3})
    frame = page.wide_frame(payload)
    assert "(n=3)" in frame.loc[0, "FID"] and "(n=2)" in frame.loc[1, "FID"]
    assert frame.loc[1, "IS (n=3)"] == "—"


def test_units_are_stated_in_the_header():
    frame = page.comparison_frame(_results(metric="top-1", table_id="cvae_gan_table1"))
    assert set(frame["metric"]) == {"top-1 (%)"}
    assert frame.loc[0, "ours (mean ± std over seeds)"].startswith("0.804")  # the stored value, unscaled
    wide = page.wide_frame(_results(metric="label accuracy"))
    assert "label accuracy (fraction) (n=3)" in wide.columns


def test_machine_paths_are_shortened():
    text = "FileNotFoundError: /home/someone/work/results/smoke/x.json and /tmp/abc/run.ipynb"
    cleaned = page.strip_machine_paths(text)
    assert "/home/" not in cleaned and "/tmp/" not in cleaned
    assert "…/x.json" in cleaned and "…/run.ipynb" in cleaned


def test_sources_are_links():
    linked = page.link_sources("Kang & Park, arXiv 2006.12681 v1, in POSTECH-CVLab/PyTorch-StudioGAN (commit 96e09cb)")
    assert "(https://arxiv.org/abs/2006.12681v1)" in linked
    assert "(https://github.com/POSTECH-CVLab/PyTorch-StudioGAN)" in linked
    assert "(https://github.com/POSTECH-CVLab/PyTorch-StudioGAN/commit/96e09cb)" in linked
    sources = page.sources_markdown("contragan_table1")
    assert sources.startswith("**Sources") and "https://arxiv.org/abs/2006.12681" in sources
    assert "SNDCGAN + 2C · FID" in sources
    assert "https://github.com/sivajeetsabdakar/cvae-gan-pytorch-reproduction" in page.sources_markdown(
        "cvae_gan_table1"
    )


def test_sources_escape_emphasis_outside_link_targets():
    # a quoted column name 'StackGAN++*' and '+MS*' is not italics; a URL keeps its underscores
    linked = page.link_sources(
        "columns 'StackGAN++*' and '+MS*' of a_b, see [my_repo issue](https://example.org/a_b*c) and arXiv 2006.12681"
    )
    assert "'StackGAN++\\*' and '+MS\\*' of a\\_b" in linked
    assert "[my\\_repo issue](https://example.org/a_b*c)" in linked
    assert "[arXiv 2006.12681](https://arxiv.org/abs/2006.12681)" in linked
    sources = page.sources_markdown("msgan_stackgan")
    assert "'StackGAN++\\*' and '+MS\\* [Mao et al. 2019]'" in sources
    assert "*'" not in sources.replace("\\*", "")  # no unescaped star left
    drit = page.sources_markdown("msgan_drit")
    assert "[ruiliu-ai/DivCo issue #2](https://github.com/ruiliu-ai/DivCo/issues/2)" in drit


def test_the_banner_says_profile_data_set_date_and_commit_and_warns_at_smoke():
    smoke = page.banner(_results(profile="smoke", dirty=True))
    assert smoke.startswith("```{warning}") and "meaningless" in smoke
    assert "**smoke**" in smoke and "`mnist5k`" in smoke and "2026-11-29" in smoke and "`0123456789` (dirty)" in smoke
    cpu = page.banner(_results(profile="cpu", dirty=False))
    assert cpu.startswith("```{note}") and "(clean)" in cpu and "meaningless" not in cpu


def test_a_card_has_a_captioned_table_and_its_sources(tmp_path):
    card = page.replication_card(_results())
    assert "```{table}" in card and "| method |" in card
    assert "https://arxiv.org/abs/2006.12681" in card


def test_the_runner_hides_papermill_parameter_cells(tmp_path):
    source = tmp_path / "page.py"
    source.write_text(
        "# %% tags=['parameters']\nwhere = '/nowhere'\n\n# %%\nprint('shown')\n",
        encoding="utf-8",
    )
    output = tmp_path / "out" / "page.ipynb"
    execute(source, output, {"where": str(tmp_path)}, None)
    cells = nbformat.read(output, as_version=4).cells
    tags = [c.metadata.get("tags", []) for c in cells]
    assert ["parameters", "remove-cell"] in tags and ["injected-parameters", "remove-cell"] in tags
    shown = [c for c in cells if "remove-cell" not in c.metadata.get("tags", [])]
    assert len(shown) == 1 and str(tmp_path) not in nbformat.writes(nbformat.v4.new_notebook(cells=shown))


@pytest.mark.parametrize(("panels", "shape"), [(2, (1, 2)), (3, (1, 3)), (4, (2, 2)), (5, (3, 2)), (9, (3, 3))])
def test_sample_grids_wrap_into_rows(panels, shape):
    assert plots.grid_shape(panels) == shape


def test_a_loss_panel_with_one_logged_point_draws_a_marker_and_legends_are_readable():
    fig = plots.plot_loss_curves({"run A": {"loss": [0.5]}, "run B": {"loss": [0.1] * 50}}, ["loss"])
    ax = fig.axes[0]
    single = [line for line in ax.get_lines() if line.get_label() == "run A"][0]
    assert single.get_marker() == "o" and len(single.get_xdata()) == 1
    assert fig.legends[0].get_texts()[0].get_fontsize() >= 9
    assert fig.get_size_inches()[0] <= 9  # shown at the page's width without shrinking the legend


def test_a_figure_is_shown_with_a_number_a_caption_and_descriptive_alt_text():
    import matplotlib.pyplot as plt

    fig = plt.figure()
    markup = plots.figure_html(fig, "Samples of two methods.", "Generated digits, one row per class", 3)
    assert "<strong>Figure 3.</strong> Samples of two methods." in markup
    assert 'alt="Generated digits, one row per class"' in markup and "data:image/png;base64," in markup
    plt.close(fig)


def test_training_progress_bars_do_not_need_ipywidgets():
    from replication.run.train import _progress_bar

    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        from tqdm.std import tqdm

        assert _progress_bar() is tqdm
    else:
        pytest.skip("ipywidgets is installed: the notebook bar is used")


def test_an_all_blank_column_is_left_out_and_headers_are_left_aligned():
    frame = pd.DataFrame({"notebook": ["a.py"], "error": [""]})
    markup = page.html_table(frame, "c")
    assert "error" not in markup and "a.py" in markup
    assert "text-align: right" not in markup


def test_the_protocol_line_shows_booleans_as_yes_no():
    line = page.protocol_line({"profile": "smoke", "protocol": {"comparable_to_paper": False, "k": 5}})
    assert "comparable to paper: no" in line and "False" not in line


def test_verdict_parts_show_interval_level_holm_sign_flip_and_power_and_old_files_show_dashes():
    from replication.claims.stats import compare_paired
    from replication.run.experiment import claim_verdict

    dcgan, msgan = [122.0, 133.0, 114.0, 211.0, 145.0], [130.0, 150.0, 115.0, 260.0, 150.0]
    parts = [
        compare_paired("NDB", "DCGAN", [5.0, 6.0, 7.0, 6.0, 5.0], "MSGAN", [4.5, 4.0, 6.5, 5.0, 4.0], "lower"),
        compare_paired("FID", "DCGAN", dcgan, "MSGAN", msgan, "not worse", 0.05),
    ]
    results = {"verdicts": [claim_verdict("mode seeking lowers NDB without hurting FID", "r", parts)]}
    frame = page.verdict_frame(results)
    # the verdicts come right after the claim and its part: at 1400 px a wide table clips its last columns
    assert list(frame.columns) == [
        "claim",
        "part",
        "part verdict",
        "claim verdict",
        "mean Δ (B − A)",
        "interval",
        "p (t) → Holm",
        "p (sign-flip)",
        "power (80 %)",
        "n seeds",
    ]
    ndb, fid = frame.to_dict("records")
    assert ndb["claim"] == "mode seeking lowers NDB without hurting FID" and ndb["claim verdict"]
    assert fid["claim"] == fid["claim verdict"] == ""  # the claim's second part: written once, on its first line
    assert ndb["interval"].endswith("95%") and fid["interval"].startswith("ratio") and fid["interval"].endswith("90%")
    assert "→" in ndb["p (t) → Holm"]  # two parts: Holm doubles the smaller p
    assert ndb["p (sign-flip)"] == "0.062"  # five seeds all one way: 2/32
    assert fid["power (80 %)"].startswith("underpowered at n = 5: ≈ ")
    assert "(margin 5%, as a ratio)" in fid["part"]
    old = {"verdicts": [{"claim": "c", "verdict": "holds", "parts": [{**parts[0].as_dict()}]}]}
    for key in ("confidence", "p_holds", "p_holds_adjusted", "p_signflip_holds", "mde", "seeds_for_80_power", "scale"):
        del old["verdicts"][0]["parts"][0][key]
    (line,) = page.verdict_frame(old).to_dict("records")
    assert line["interval"].endswith("95%") and line["p (t) → Holm"] == line["p (sign-flip)"] == "—"
    assert line["power (80 %)"] == "—"
    html = page.html_table(frame)
    assert "nan" not in html.lower() and "None" not in html


def test_a_part_that_does_not_hold_shows_the_p_against_it_and_needs_no_power():
    from replication.claims.stats import compare_paired
    from replication.run.experiment import claim_verdict

    # StackGAN++'s caption part: + MS far below the baseline on every seed
    accuracy = compare_paired(
        "caption class accuracy",
        "StackGAN++",
        [0.84, 0.82, 0.86, 0.85, 0.83],
        "StackGAN++ + MS",
        [0.55, 0.52, 0.58, 0.56, 0.54],
        "not lower",
        0.05,
    )
    assert accuracy.verdict == "does not hold" and accuracy.p_holds > 0.99
    (line,) = page.verdict_frame({"verdicts": [claim_verdict("c", "r", [accuracy])]}).to_dict("records")
    assert line["p (t) → Holm"].endswith(" (against)") and line["p (t) → Holm"].startswith("<0.001")
    assert line["p (sign-flip)"] == "0.031"  # all five seeds one way, against the claim: 1/32
    assert line["power (80 %)"] == "decided: the part does not hold"


def test_the_book_does_not_number_figures_and_tables_across_pages():
    # jupyter-book's default numfig: true numbered a card's table "Table 3" under a page headed Table 1
    from jupyter_book.config import get_final_config

    root = Path(__file__).resolve().parents[1]
    config, _ = get_final_config(
        user_yaml=root / "_config.yml", cli_config={"latex_individualpages": False}, sourcedir=root
    )
    assert config["numfig"] is False
    assert config["html_css_files"] == ["replication.css"] and config["nb_render_markdown_format"] == "myst"
