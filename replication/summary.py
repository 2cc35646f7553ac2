"""The summary page: every claim of every replicated table in one table, built from the results files.

One row per claim: paper, table (a link to its notebook page), claim, the paper's reported values
and ours for the methods and metrics the claim compares, the verdict (with the reason where the
claim was not tested) and the profile / scale it ran at. A results file that cannot be read is an
error row; a registered table with no results file at this profile is a "no results yet" row.
Numbers come from the results files and the reported registry only.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from replication import results as results_io
from replication.regime import claim_methods, verdict_text
from replication.reported import reported_value


@dataclass(frozen=True)
class TablePage:
    paper: str
    table: str
    notebook: str  # the notebook's source, relative to the repository root


# Every table a notebook writes (its TABLE_ID) → where it is shown; tests/test_summary.py checks
# that each notebook's table id is here.
TABLES: dict[str, TablePage] = {
    "msgan_table1": TablePage("MSGAN (Mao et al., CVPR 2019)", "Table 1", "notebooks/msgan/table1_labels.py"),
    "cvae_gan_table1": TablePage(
        "CVAE-GAN (Bao et al., ICCV 2017)", "Table 1", "notebooks/cvae_gan/table1_recognisability.py"
    ),
    "cvae_gan_applications": TablePage(
        "CVAE-GAN (Bao et al., ICCV 2017)", "Applications", "notebooks/cvae_gan/applications.py"
    ),
    "alpha_gan_table": TablePage("alpha-GAN (Rosca et al., 2017)", "Battery", "notebooks/alpha_gan/table_battery.py"),
    "contragan_table1": TablePage(
        "ContraGAN (Kang & Park, NeurIPS 2020)", "Table 1", "notebooks/contragan/table1_conditioning.py"
    ),
    "contragan_table2": TablePage(
        "ContraGAN (Kang & Park, NeurIPS 2020)", "Table 2", "notebooks/contragan/table2_sota.py"
    ),
    "contragan_overfitting": TablePage(
        "ContraGAN (Kang & Park, NeurIPS 2020)", "D overfitting", "notebooks/contragan/discriminator_overfitting.py"
    ),
}

COLUMNS = ("paper", "table", "claim", "reported", "ours", "verdict", "profile / scale")
CAPTION = (
    "Every claim replicated in this book: the paper's reported values and ours (mean ± std over seeds) "
    "for the methods and metrics the claim compares, the computed verdict, and the profile and scale "
    "it ran at. Each table name links to its page."
)


def page_href(notebook: str, prefix: str = "../") -> str:
    """The executed notebook's HTML page, relative to the summary page (`book/executed/book/summary`)."""
    return prefix + str(Path(notebook).with_suffix(".html").as_posix())


def _compared(verdict: dict) -> list[tuple[str, list[str]]]:
    """[(metric, [methods in order])] that the verdict's parts compare."""
    by_metric: dict[str, list[str]] = {}
    for part in verdict.get("parts", []):
        methods = by_metric.setdefault(part["metric"], [])
        for method in claim_methods(verdict, [part]):
            if method not in methods:
                methods.append(method)
    return list(by_metric.items())


def _ours(payload: dict, metric: str, method: str) -> str:
    for row in payload["rows"]:
        if row["method"] == method and row["metric"] == metric:
            if row["n"] == 1:
                return f"{row['mean']:.3g} (n=1)"
            return f"{row['mean']:.3g} ± {row['std']:.2g} (n={row['n']})"
    return "not run"


def _reported(table_id: str, metric: str, method: str) -> str:
    entry = reported_value(table_id, method, metric)
    if entry is None:
        return "—"
    if entry.value is not None and entry.spread is not None:
        return f"{entry.value:g} ± {entry.spread:g}"
    return entry.shown


def _values(compared: list[tuple[str, list[str]]], value) -> str:
    """'metric: A x; B y' for each compared metric, one metric a line."""
    return "<br>".join(
        html.escape(f"{metric}: " + "; ".join(f"{method} {value(metric, method)}" for method in methods))
        for metric, methods in compared
    )


def scale_text(payload: dict) -> str:
    prov = payload["provenance"]
    dataset = prov.get("dataset", {})
    name = dataset.get("name", "?") if isinstance(dataset, dict) else str(dataset)
    seeds = len(prov.get("seeds", []))
    return f"{payload['profile']} · {name} · {seeds} seed{'s' if seeds != 1 else ''}"


def _link(table_id: str, prefix: str) -> tuple[str, str]:
    page = TABLES.get(table_id)
    if page is None:
        return html.escape(table_id), html.escape(table_id)
    return html.escape(
        page.paper
    ), f'<a href="{html.escape(page_href(page.notebook, prefix))}">{html.escape(page.table)}</a>'


def summary_rows(scanned: list[tuple[Path, dict | None, str | None]], profile: str, prefix: str = "../") -> list[dict]:
    """Rows (HTML cells, and the row's `table_id`) from `replication.results.scan(profile)`: one per claim, one per unreadable
    file, one per registered table without a results file."""
    rows: list[dict] = []
    seen: set[str] = set()
    for path, payload, error in scanned:
        table_id = Path(path).stem
        seen.add(table_id)
        paper, table = _link(table_id, prefix)
        if payload is None:
            rows.append(
                {
                    "table_id": table_id,
                    "paper": paper,
                    "table": table,
                    "claim": "—",
                    "reported": "—",
                    "ours": "—",
                    "verdict": f"<strong>results file unreadable</strong>: {html.escape(str(error))}",
                    "profile / scale": html.escape(profile),
                }
            )
            continue
        scale = html.escape(scale_text(payload))
        if not payload["verdicts"]:
            cells = (paper, table, "—", "—", "—", "no claim tested", scale)
            rows.append({"table_id": table_id, **dict(zip(COLUMNS, cells, strict=True))})
        for verdict in payload["verdicts"]:
            compared = _compared(verdict)
            rows.append(
                {
                    "table_id": table_id,
                    "paper": paper,
                    "table": table,
                    "claim": html.escape(verdict["claim"]),
                    "reported": _values(compared, partial(_reported, table_id)),
                    "ours": _values(compared, partial(_ours, payload)),
                    "verdict": f"<strong>{html.escape(verdict_text(verdict))}</strong>",
                    "profile / scale": scale,
                }
            )
    for table_id in TABLES:
        if table_id not in seen:
            paper, table = _link(table_id, prefix)
            cells = (paper, table, "—", "—", "—", f"no results yet at profile {html.escape(profile)}", "—")
            rows.append({"table_id": table_id, **dict(zip(COLUMNS, cells, strict=True))})
    order = list(TABLES)
    # by the book's order of tables (unregistered ones last); stable: claims keep their order within a table
    return sorted(rows, key=lambda row: order.index(row["table_id"]) if row["table_id"] in order else len(order))


def summary_html(rows: list[dict], caption: str = CAPTION) -> str:
    """One HTML table (cells are already escaped HTML) with a caption."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in COLUMNS)
    body = "".join("<tr>" + "".join(f"<td>{row[c]}</td>" for c in COLUMNS) + "</tr>" for row in rows)
    return (
        f'<table class="table replication-summary"><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def summary_page(profile: str, root: Path | None = None, prefix: str = "../") -> str:
    """The summary table of every results file of `profile` (under `root`, default the results folder)."""
    return summary_html(summary_rows(results_io.scan(profile, root), profile, prefix))
