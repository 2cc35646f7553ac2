"""Rendering for the book: reported vs reproduced tables, protocol lines, verdicts, cards.

Everything here formats numbers that come from a results file (`replication.results`) and the
reported registry (`replication.reported`); nothing computes or types a number of its own.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pandas as pd

from replication import results as results_io
from replication.regime import verdict_text
from replication.reported import PAPER_CLAIMS, reported_value
from replication.stats import __doc__ as VERDICT_RULE_DOC

SMOKE_WARNING = (
    "**Smoke profile**: tiny networks trained for a few dozen steps to test the pipeline. "
    "These numbers are meaningless; build the book at `cpu` or `gpu` to read results."
)


def format_mean_std(row: dict, digits: int = 3) -> str:
    if row["n"] == 1:
        return f"{row['mean']:.{digits}f} (n=1)"
    return f"{row['mean']:.{digits}f} ± {row['std']:.{digits}f} (n={row['n']})"


def comparison_frame(results: dict, metrics: list[str] | None = None) -> pd.DataFrame:
    """One line per (method, metric): the paper's value, ours as mean ± std over seeds, and Δ."""
    lines = []
    comparable = results.get("protocol", {}).get("comparable_to_paper", True)
    for row in results["rows"]:
        if metrics is not None and row["metric"] not in metrics:
            continue
        paper = reported_value(results["table_id"], row["method"], row["metric"])
        paper_text = paper.shown if paper is not None else "—"
        delta = "—"
        if paper is not None and paper.value is not None:
            delta = f"{row['mean'] - paper.value:+.3f}" if comparable else "n/a: other data set"
        lines.append(
            {
                "method": row["method"],
                "metric": row["metric"],
                "paper": paper_text,
                "ours (mean ± std over seeds)": format_mean_std(row),
                "Δ (ours − paper)": delta,
            }
        )
    return pd.DataFrame(lines)


def wide_frame(results: dict, metrics: list[str] | None = None) -> pd.DataFrame:
    """Methods as rows and metrics as columns, cells 'mean ± std' (the compact view)."""
    cells: dict[str, dict[str, str]] = {}
    for row in results["rows"]:
        if metrics is None or row["metric"] in metrics:
            cells.setdefault(row["method"], {})[row["metric"]] = format_mean_std(row)
    return pd.DataFrame(cells).T


def protocol_line(results: dict) -> str:
    """The one-line protocol printed above every table."""
    p = results["protocol"]
    parts = [f"profile **{results['profile']}**"]
    parts += [f"{key.replace('_', ' ')}: {value}" for key, value in p.items() if not isinstance(value, dict)]
    extractor = p.get("extractor")
    if isinstance(extractor, dict):
        text = f"features: `{extractor['name']}` (sha256 {extractor['sha256'][:12]}…)"
        if extractor.get("stand_in_for"):
            text += f" — a stand-in for {extractor['stand_in_for']}: not comparable to the paper's FID"
        parts.append(text)
    return "Protocol — " + "; ".join(parts)


def verdict_frame(results: dict) -> pd.DataFrame:
    lines = []
    for verdict in results["verdicts"]:
        for part in verdict["parts"]:
            lines.append(
                {
                    "claim": verdict["claim"],
                    "part": _part_text(part),
                    "mean Δ (B − A)": _signed(part["mean_difference"]),
                    "95% CI": _interval(part["ci_low"], part["ci_high"]),
                    "n seeds": part["n"],
                    "part verdict": part["verdict"],
                    "claim verdict": verdict_text(verdict),
                }
            )
    return pd.DataFrame(lines)


def _signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.4f}"


def _interval(low: float | None, high: float | None) -> str:
    """The 95 % interval, or "—" where none exists (one seed, or a method not run)."""
    return "—" if low is None or high is None else f"[{low:+.4f}, {high:+.4f}]"


def _part_text(part: dict) -> str:
    a, b, metric = part["method_a"], part["method_b"], part["metric"]
    margin = "?" if part["margin"] is None else f"{part['margin']:.3g}"  # None: not run
    if part["claim"] == "within":
        return f"{b} within ±{margin} of {a} on {metric}"
    if part["claim"] == "not worse":
        return f"{b} not worse than {a} on {metric} (margin {margin})"
    return f"{b} {part['claim']} than {a} on {metric}"


def verdict_rule() -> str:
    """The verdict rule, as stated in `replication.stats`, for printing under a table."""
    return VERDICT_RULE_DOC.split("\n\n", 1)[1].strip()


def details_block(summary: str, frame: pd.DataFrame) -> str:
    """An expandable HTML section (rendered by the book and by Jupyter)."""
    return f"<details><summary>{html.escape(summary)}</summary>\n\n{frame.to_html(border=0)}\n\n</details>"


def replication_card(results: dict) -> str:
    """Markdown card: claim → setup → our result → verdict, with the protocol line."""
    table_id = results["table_id"]
    claim = PAPER_CLAIMS.get(table_id, "(no claim registered)")
    prov = results["provenance"]
    verdict_lines = "\n".join(f"- **{verdict_text(v)}** — {v['claim']}" for v in results["verdicts"])
    rows = wide_frame(results).to_markdown()
    text = (
        f"**Claim.** {claim}\n\n"
        f"**Setup.** data set `{prov['dataset']['name']}`, seeds {prov['seeds']}, device {prov['device']}, "
        f"commit `{prov['git_commit'][:10]}`{' (dirty)' if prov['git_dirty'] else ''}, {prov['date_utc']}.\n\n"
        f"{protocol_line(results)}\n\n"
        f"**Our result.**\n\n{rows}\n\n"
        f"**Verdict.**\n\n{verdict_lines}\n"
    )
    if results["profile"] == "smoke":
        text = SMOKE_WARNING + "\n\n" + text
    return text


def card_section(title: str, table_id: str, profile: str, root: Path | None = None) -> str:
    """A `## title` section with the card of `table_id`, or one line saying why there is none (no traceback)."""
    path = results_io.results_path(table_id, profile, root)
    shown = results_io.display_path(path, root)
    if not path.exists():
        return f"## {title}\n\nNo results yet: `{shown}` does not exist; run its notebook at profile `{profile}`."
    try:
        return f"## {title}\n\n" + replication_card(results_io.read_file(path, root))
    except (ValueError, OSError) as error:
        return f"## {title}\n\n**Results file unreadable.** {error}"
    except (KeyError, TypeError, AttributeError) as error:
        return f"## {title}\n\n**Results file unreadable.** `{shown}`: malformed ({type(error).__name__}: {error})"


RUN_COLUMNS = ["notebook", "profile", "status", "wall_time_s", "date_utc", "error"]


def notebook_runs_frame(status_file: Path) -> pd.DataFrame:
    """The table notebooks' runs recorded in the runner's status.json; one error line if it is unreadable."""
    if not Path(status_file).exists():
        return pd.DataFrame([], columns=RUN_COLUMNS)
    try:
        entries = json.loads(Path(status_file).read_text(encoding="utf-8"))["notebooks"]
        runs = [e for e in entries if e.get("kind") == "table"]
    except (ValueError, OSError, KeyError, TypeError, AttributeError) as error:
        message = f"{Path(status_file).name} is unreadable ({type(error).__name__}); re-run the runner"
        return pd.DataFrame([{"notebook": "—", "status": "unknown", "error": message}], columns=RUN_COLUMNS)
    return pd.DataFrame(runs, columns=RUN_COLUMNS).astype(object).fillna("")


def results_files_frame(profile: str, root: Path | None = None) -> pd.DataFrame:
    """One row per results file of `profile` with its provenance, or with the error when it cannot be read."""
    rows = []
    for path, payload, error in results_io.scan(profile, root):
        if payload is None:
            rows.append({"table": path.stem, "profile": path.parent.name, "error": error})
            continue
        try:
            prov = payload["provenance"]
            rows.append(
                {
                    "table": payload["table_id"],
                    "profile": payload["profile"],
                    "device": prov["device"],
                    "wall time (s)": prov["wall_time_s"],
                    "seeds": len(prov["seeds"]),
                    "data set": prov["dataset"]["name"],
                    "commit": prov["git_commit"][:10] + (" (dirty)" if prov["git_dirty"] else ""),
                    "date (UTC)": prov["date_utc"],
                    "error": "",
                }
            )
        except (KeyError, TypeError, AttributeError) as bad:
            shown = results_io.display_path(path, root)
            rows.append({"table": path.stem, "profile": path.parent.name, "error": f"{shown}: malformed ({bad!r})"})
    columns = ["table", "profile", "device", "wall time (s)", "seeds", "data set", "commit", "date (UTC)", "error"]
    return pd.DataFrame(rows, columns=columns).astype(object).fillna("")


def per_class_frame(results: dict, key: str = "per_class") -> pd.DataFrame:
    """details[key] = {method: {class: {metric: [per-seed values]}}} → class × (method, metric) means."""
    table = results.get("details", {}).get(key, {})
    columns = {}
    for method, classes in table.items():
        for label, metrics in classes.items():
            for metric, values in metrics.items():
                columns.setdefault((method, metric), {})[label] = sum(values) / len(values)
    frame = pd.DataFrame(columns)
    frame.index.name = "class"
    return frame.round(3)


def show_table(results: dict, paper_metrics: list[str]) -> None:
    """In a notebook: the protocol line, reported vs reproduced for `paper_metrics`, then all metrics."""
    from IPython.display import Markdown, display

    display(Markdown(protocol_line(results)))
    display(comparison_frame(results, paper_metrics))
    display(Markdown("All metrics (mean ± std over seeds):"))
    display(wide_frame(results))


def show_verdicts(results: dict) -> None:
    """In a notebook: the verdict table, the rule, and one line per claim with its computed verdict."""
    from IPython.display import Markdown, display

    if not results["verdicts"]:
        display(Markdown("**No verdict**: none of the paper's claims compares methods that were run here."))
        return
    display(verdict_frame(results))
    display(Markdown("**Rule.** " + results["verdicts"][0]["rule"] + "."))
    for verdict in results["verdicts"]:
        display(Markdown(f"**Verdict: {verdict_text(verdict)}** — {verdict['claim']}."))


def reference_note(profile: str, status_file: Path, root: Path | None = None) -> str:
    """Markdown: which machine produced this profile's numbers, which table notebooks came from the committed
    reference build rather than running for this build, and what a rerun on another machine changes."""
    machines: dict[str, list[str]] = {}
    for _path, payload, _error in results_io.scan(profile, root):
        try:
            prov = payload["provenance"]
            torch_version = prov.get("versions", {}).get("torch", "?")
            machine = f"{prov['device']} (torch {torch_version})"
            machines.setdefault(machine, []).append(f"`{payload['table_id']}` ({prov['date_utc'][:10]})")
        except (KeyError, TypeError, AttributeError):
            continue  # an unreadable or malformed file is an error row in the results table
    try:
        entries = json.loads(Path(status_file).read_text(encoding="utf-8"))["notebooks"]
        tables = [e for e in entries if isinstance(e, dict) and e.get("kind") == "table"]
    except (ValueError, OSError, KeyError, TypeError):
        tables = []
    from_reference = [e["notebook"] for e in tables if e.get("source") == "reference"]
    lines = [f"### Where the `{profile}` numbers come from", ""]
    if not machines:
        lines.append(f"No results files at `{profile}` yet.")
    for machine, produced in sorted(machines.items()):
        lines.append(f"- **{machine}**: {', '.join(sorted(produced))}")
    lines.append("")
    if from_reference:
        lines.append(
            f"{len(from_reference)} of {len(tables)} table notebooks were not re-run for this build: their "
            f"code is unchanged since the committed reference build (`book/reference/{profile}/`, results in "
            f"`results/{profile}/`) was produced, so its executed copies are shown."
        )
        lines.append("")
    lines.append(
        "Runs are bit-identical on one machine (same code, seeds and library versions), but not across "
        "CPUs: floating-point work is ordered differently, so a rerun elsewhere moves every number within "
        "its seed noise (the ± beside it, the spread across seeds). Compare verdicts, not digits."
    )
    return "\n".join(lines)
