"""The summary page: every claim of every replicated table in one table, built from the results files.

One row per claim: paper, table (a link to its notebook page), claim, the paper's reported values
and ours for the methods and metrics the claim compares, the verdict (with the reason where the
claim was not tested), the verdict under Holm over all of the book's tested claims (`book_family`)
and the profile / scale it ran at. A results file that cannot be read is an
error row; a registered table with no results file at this profile is a "no results yet" row.
Numbers come from the results files and the reported registry only.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from replication.claims.regime import claim_methods, verdict_text
from replication.claims.stats import ALPHA, DOES_NOT_HOLD, HOLDS, INCONCLUSIVE, claim_p_values, holm
from replication.reported import data_row, main_row, reported_value
from replication.run import results as results_io
from replication.run.results import dataset_name


@dataclass(frozen=True)
class TablePage:
    paper: str
    table: str
    notebook: str  # the notebook's source, relative to the repository root


# Every table a notebook writes (its TABLE_ID) → where it is shown; tests/test_summary.py checks
# that each notebook's table id is here.
TABLES: dict[str, TablePage] = {
    "msgan_table1": TablePage("MSGAN (Mao et al., CVPR 2019)", "Table 1", "notebooks/msgan/table1_labels.py"),
    "msgan_pix2pix": TablePage("MSGAN (Mao et al., CVPR 2019)", "Pix2Pix", "notebooks/msgan/table2_pix2pix.py"),
    "msgan_drit": TablePage("MSGAN (Mao et al., CVPR 2019)", "DRIT", "notebooks/msgan/table3_drit.py"),
    "msgan_stackgan": TablePage("MSGAN (Mao et al., CVPR 2019)", "StackGAN++", "notebooks/msgan/table4_stackgan.py"),
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

BOOK_FAMILY = "verdict, Holm over the book"
COLUMNS = (
    "paper / table",
    "claim",
    "reported",
    "ours",
    "comparable to the paper?",
    "verdict",
    BOOK_FAMILY,
    "profile / scale",
)
VERDICTS = ("holds", "does not hold", "inconclusive", "not tested")  # the tally's columns, in this order
CAPTION = (
    "Every claim replicated in this book: the paper's reported values and ours (mean ± std over seeds, with the "
    "real data's own value where the table measured one), each under its data set, for the methods and metrics the "
    "claim compares; whether the two measure the same thing (data set and features), the computed verdict (a claim "
    "not tested names its failed preconditions and links to its page's regime check), and the profile and scale it "
    "ran at. Each table links to its page."
)
BOOK_FAMILY_NOTE = (
    "<p><em>Verdict, Holm over the book</em>: each verdict is tested at family-wise α = 0.05 within its own claim "
    "(Holm over the claim's parts). The extra column widens the family to every tested claim of the book at this "
    "profile: a claim's p for “holds” is the largest of its parts' adjusted p, for “does not hold” the smallest, and "
    "Holm runs over the claims (“—”: not tested, not run, one seed, or a results file without p-values).</p>"
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
    """mean ± std over seeds; n only where it differs from the table's number of seeds."""
    seeds = len(payload["provenance"].get("seeds", []))
    for row in payload["rows"]:
        if row["method"] == method and row["metric"] == metric:
            n = "" if row["n"] == seeds else f" (n={row['n']})"
            if row["n"] == 1:
                return f"{row['mean']:.3g}{n}"
            return f"{row['mean']:.3g} ± {row['std']:.2g}{n}"
    return "not run"


def _reported(table_id: str, dataset: str | None, metric: str, method: str) -> str:
    """The paper's cell in the row the run's data set belongs to (the table's main row otherwise)."""
    entry = reported_value(table_id, method, metric, dataset)
    if entry is None:
        return "—"
    if entry.value is not None and entry.spread is not None:
        return f"{entry.value:g} ± {entry.spread:g}"
    return entry.shown


def real_reference(payload: dict, metric: str) -> str:
    """'; real data (held-out) 3.33': the real images' own value of `metric` in the results, where the table
    measured one (the data's diversity, a real-vs-real FID), so that a stand-in's scale can be read."""
    refs = [row for row in payload["rows"] if row["metric"] == metric and str(row["method"]).startswith("real")]
    return "".join(f"; {row['method']} {row['mean']:.3g}" for row in refs)


def _values(compared: list[tuple[str, list[str]]], value, dataset: str, extra=None) -> str:
    """The data set in italics, then 'metric: A x, B y' for each compared metric, one metric a line ('metric:
    see paper' when no method has a number); `extra(metric)` is appended to a metric's line."""
    lines = []
    for metric, methods in compared:
        values = [value(metric, method) for method in methods]
        if all(v == "see paper" for v in values):
            lines.append(f"{metric}: see paper")
        else:
            shown = ", ".join(f"{m} {v}" for m, v in zip(methods, values, strict=True))
            lines.append(f"{metric}: {shown}{extra(metric) if extra else ''}")
    return f"<em>{html.escape(dataset)}</em><br>" + "<br>".join(html.escape(line) for line in lines)


def scale_text(payload: dict) -> str:
    seeds = len(payload["provenance"].get("seeds", []))
    return f"{payload['profile']} · {dataset_name(payload)} · {seeds} seed{'s' if seeds != 1 else ''}"


def paper_dataset(table_id: str, ours: str) -> str:
    """The data set of the paper's row beside ours: its own row for our data set, else the table's main row."""
    shown_row = data_row(table_id, ours) or main_row(table_id)
    return shown_row.paper_name if shown_row else "the paper's data set"


def comparability(table_id: str, payload: dict) -> str:
    """Whether our numbers measure what the paper's do: 'yes' only on the paper's own data set and protocol;
    else what differs, with both data sets named."""
    ours = dataset_name(payload)
    row = data_row(table_id, ours)
    paper = paper_dataset(table_id, ours)
    if row is None:
        return f"no: ours on {ours}, the paper on {paper}"
    protocol = payload.get("protocol", {})
    extractor = protocol.get("extractor")
    if isinstance(extractor, dict) and extractor.get("stand_in_for"):
        return f"no: {paper}, but features of a classifier stand in for {extractor['stand_in_for']}"
    if protocol.get("comparable_to_paper") is False:
        return f"no: {paper}, another protocol"
    if row.substitute:
        return f"partly: {ours} stands in for {paper} ({row.substitute})"
    return f"yes: {paper}"


def _link(table_id: str, prefix: str) -> str:
    """'<paper>, <a>table</a>': the paper and a link to the table's page."""
    page = TABLES.get(table_id)
    if page is None:
        return html.escape(table_id)
    href = html.escape(page_href(page.notebook, prefix))
    return f'{html.escape(page.paper)}, <a href="{href}">{html.escape(page.table)}</a>'


def _verdict_cell(verdict: dict, regime_href: str | None = None) -> str:
    """The verdict in bold, then the reason where the claim was not tested: each failed precondition's short
    phrase (its measurement is on the table's page), linked to the page's regime check."""
    failed = [c.get("failed") or c["name"] for c in verdict.get("regime", []) if not c.get("met", True)]
    if verdict["verdict"] == "not tested" and failed and regime_href:
        reasons = "; ".join(html.escape(reason) for reason in dict.fromkeys(failed))
        return f'<strong>not tested</strong>: {reasons} (<a href="{html.escape(regime_href)}">regime check</a>)'
    text = verdict_text(verdict)
    head, sep, reason = text.partition(": ")
    if sep and head == verdict["verdict"]:
        return f"<strong>{html.escape(head)}</strong>: {html.escape(reason)}"
    return f"<strong>{html.escape(text)}</strong>"


FamilyKey = tuple[str, int]  # (table id, the claim's index in its results file)


def book_family(scanned: list[tuple[Path, dict | None, str | None]], alpha: float = ALPHA) -> dict[FamilyKey, dict]:
    """Holm over every tested claim of `scanned` (a verdict of holds / does not hold / inconclusive whose parts
    carry adjusted p-values): (table id, claim index) → {"verdict", "p_holds", "p_does_not_hold"} with the
    book-wide adjusted p-values. A claim's p for "holds" is the largest of its parts' Holm-adjusted p (every
    part must hold), for "does not hold" the smallest (one part suffices); Holm adjusts each over the claims."""
    keys, held, failed = [], [], []
    for path, payload, _error in scanned:
        if payload is None:
            continue
        for index, verdict in enumerate(payload.get("verdicts", [])):
            p = claim_p_values(verdict.get("parts", []))
            if verdict.get("verdict") in (HOLDS, DOES_NOT_HOLD, INCONCLUSIVE) and p is not None:
                keys.append((Path(path).stem, index))
                held.append(p[0])
                failed.append(p[1])
    out = {}
    for key, ph, pf in zip(keys, holm(held), holm(failed), strict=True):
        verdict = HOLDS if ph < alpha else DOES_NOT_HOLD if pf < alpha else INCONCLUSIVE
        out[key] = {"verdict": verdict, "p_holds": ph, "p_does_not_hold": pf}
    return out


def _p(value: float) -> str:
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def _family_cell(entry: dict | None) -> str:
    """The verdict under Holm over the book, with the adjusted p that decided it ("—" outside the family)."""
    if entry is None:
        return "—"
    verdict = entry["verdict"]
    if verdict == HOLDS:
        detail = f"adjusted p {_p(entry['p_holds'])}"
    elif verdict == DOES_NOT_HOLD:
        detail = f"adjusted p {_p(entry['p_does_not_hold'])}"
    else:
        detail = f"adjusted p {_p(entry['p_holds'])} holds, {_p(entry['p_does_not_hold'])} does not hold"
    return f"<strong>{html.escape(verdict)}</strong> ({html.escape(detail)})"


def _row(table_id: str, *cells: str) -> dict:
    return {"table_id": table_id, **dict(zip(COLUMNS, cells, strict=True))}


def summary_rows(scanned: list[tuple[Path, dict | None, str | None]], profile: str, prefix: str = "../") -> list[dict]:
    """Rows (HTML cells, and the row's `table_id`) from `replication.run.results.scan(profile)`: one per
    claim, one per unreadable file, one per registered table without a results file."""
    rows: list[dict] = []
    seen: set[str] = set()
    family = book_family(scanned)
    for path, payload, error in scanned:
        table_id = Path(path).stem
        seen.add(table_id)
        where = _link(table_id, prefix)
        if payload is None:
            unreadable = f"<strong>results file unreadable</strong>: {html.escape(str(error))}"
            rows.append(_row(table_id, where, "—", "—", "—", "—", unreadable, "—", html.escape(profile)))
            continue
        scale = html.escape(scale_text(payload))
        same = html.escape(comparability(table_id, payload))
        dataset = dataset_name(payload)
        paper_data = paper_dataset(table_id, dataset)
        page = TABLES.get(table_id)
        regime_href = page_href(page.notebook, prefix) + "#regime-check" if page else None
        if not payload["verdicts"]:
            rows.append(_row(table_id, where, "—", "—", "—", same, "no claim tested", "—", scale))
        for index, verdict in enumerate(payload["verdicts"]):
            compared = _compared(verdict)
            reported = _values(compared, partial(_reported, table_id, dataset), paper_data)
            ours = _values(compared, partial(_ours, payload), dataset, partial(real_reference, payload))
            claim = html.escape(verdict["claim"])
            wide = _family_cell(family.get((table_id, index)))
            cell = _verdict_cell(verdict, regime_href)
            rows.append(_row(table_id, where, claim, reported, ours, same, cell, wide, scale))
    for table_id in TABLES:
        if table_id not in seen:
            missing = f"no results yet at profile {html.escape(profile)}"
            rows.append(_row(table_id, _link(table_id, prefix), "—", "—", "—", "—", missing, "—", "—"))
    order = list(TABLES)
    # by the book's order of tables (unregistered ones last); stable: claims keep their order within a table
    return sorted(rows, key=lambda row: order.index(row["table_id"]) if row["table_id"] in order else len(order))


def summary_html(rows: list[dict], caption: str = CAPTION) -> str:
    """One HTML table (cells are already escaped HTML) with a caption, scrolling sideways if too wide."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in COLUMNS)
    body = "".join("<tr>" + "".join(f"<td>{row[c]}</td>" for c in COLUMNS) + "</tr>" for row in rows)
    return (
        '<div style="overflow-x: auto"><table class="table replication-summary" style="font-size: 0.85em">'
        f"<caption>{html.escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def verdict_tally(scanned: list[tuple[Path, dict | None, str | None]]) -> dict[str, dict[str, int]]:
    """paper → verdict → number of claims (every verdict of `VERDICTS`, zeros included), in the book's order."""
    tally: dict[str, dict[str, int]] = {}
    for page in TABLES.values():
        tally.setdefault(page.paper, dict.fromkeys(VERDICTS, 0))
    for path, payload, _error in scanned:
        page = TABLES.get(Path(path).stem)
        if payload is None or page is None:
            continue
        for verdict in payload["verdicts"]:
            counts = tally[page.paper]
            counts[verdict["verdict"]] = counts.get(verdict["verdict"], 0) + 1
    return tally


def tally_html(tally: dict[str, dict[str, int]]) -> str:
    """A sentence with the book's totals, then one row per paper: its claims by verdict (a verdict outside
    `VERDICTS`, such as "not run", gets a column of its own, so that every row adds up)."""
    shown = [*VERDICTS, *sorted({v for counts in tally.values() for v in counts} - set(VERDICTS))]
    totals = {v: sum(counts.get(v, 0) for counts in tally.values()) for v in shown}
    claims = sum(totals.values())
    sentence = f"<p><strong>{claims} claims</strong>: " + ", ".join(f"{n} {v}" for v, n in totals.items()) + ".</p>"
    head = "".join(f"<th>{html.escape(c)}</th>" for c in ("paper", *shown, "claims"))
    body = "".join(
        f"<tr><td>{html.escape(paper)}</td>"
        + "".join(f"<td>{counts.get(v, 0)}</td>" for v in shown)
        + f"<td>{sum(counts.values())}</td></tr>"
        for paper, counts in tally.items()
    )
    body += "<tr><td><strong>all</strong></td>" + "".join(f"<td><strong>{totals[v]}</strong></td>" for v in shown)
    body += f"<td><strong>{claims}</strong></td></tr>"
    return (
        sentence + '<table class="table replication-tally"><caption>Claims by verdict, per paper</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def summary_page(profile: str, root: Path | None = None, prefix: str = "../") -> str:
    """The tally of verdicts, then the summary table of every results file of `profile` (under `root`,
    default the results folder)."""
    scanned = results_io.scan(profile, root)
    return tally_html(verdict_tally(scanned)) + summary_html(summary_rows(scanned, profile, prefix)) + BOOK_FAMILY_NOTE
