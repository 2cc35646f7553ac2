"""Rendering for the book: reported vs reproduced tables, protocol lines, verdicts, cards.

Everything here formats numbers that come from a results file (`replication.run.results`) and the
reported registry (`replication.reported`); nothing computes or types a number of its own.
"""

from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path

import pandas as pd

from replication.claims.regime import checks_frame, verdict_text
from replication.claims.stats import __doc__ as VERDICT_RULE_DOC
from replication.reported import PAPER_CLAIMS, comparable, reported_value
from replication.run import results as results_io

SMOKE_WARNING = (
    "**Smoke profile**: tiny networks trained for a few dozen steps to test the pipeline. "
    "These numbers are meaningless; build the book at `cpu` or `gpu` to read results."
)
QUICK_WARNING = (
    "**Quick check** (`quick`): this profile's networks, data and metrics run at the smoke profile's budget with "
    "one seed, to see that the whole path works. Its numbers mean nothing; its results have their own file."
)


NBSP = "\u00a0"  # joins "mean ± std (n=…)" so that a narrow column never breaks it over lines
MISSING = "—"

# The unit of each metric that has one, stated in every table header that shows it, so that a
# fraction (ContraGAN's label accuracy, 0.804) is never read against a percentage (CVAE-GAN's top-1, 80.4).
METRIC_UNITS: dict[str, str] = {
    "top-1": "%",
    "accuracy": "%",
    "label accuracy": "fraction",
    "precision": "fraction",
    "recall": "fraction",
    "density": "ratio",
    "coverage": "fraction",
}


def metric_label(metric: str) -> str:
    """The metric's name with its unit, e.g. "top-1 (%)", "label accuracy (fraction)"."""
    unit = METRIC_UNITS.get(metric)
    return metric if unit is None else f"{metric} ({unit})"


def format_mean_std(row: dict, digits: int = 3, with_n: bool = True) -> str:
    """`mean ± std (n=k)`, joined by non-breaking spaces."""
    text = f"{row['mean']:.{digits}f}"
    if row["n"] != 1:
        text += f" ± {row['std']:.{digits}f}"
    if with_n:
        text += f" (n={row['n']})"
    return text.replace(" ", NBSP)


def comparison_frame(results: dict, metrics: list[str] | None = None) -> pd.DataFrame:
    """One line per (method, metric): the paper's value, ours as mean ± std over seeds, and Δ."""
    lines = []
    same_protocol = results.get("protocol", {}).get("comparable_to_paper", True)
    dataset = results_io.dataset_name(results)
    for row in results["rows"]:
        if metrics is not None and row["metric"] not in metrics:
            continue
        paper = reported_value(results["table_id"], row["method"], row["metric"], dataset)
        paper_text = MISSING if paper is None else paper.shown + (f" ({paper.dataset})" if paper.dataset else "")
        delta = MISSING
        if paper is not None and paper.value is not None:
            why_not = comparable(results["table_id"], paper, dataset) or ("" if same_protocol else "other protocol")
            delta = f"{row['mean'] - paper.value:+.3f}" if not why_not else f"n/a: {why_not}"
        lines.append(
            {
                "method": row["method"],
                "metric": metric_label(row["metric"]),
                "paper": paper_text,
                "ours (mean ± std over seeds)": format_mean_std(row),
                "Δ (ours − paper)": delta,
            }
        )
    frame = pd.DataFrame(lines)
    frame.attrs["caption"] = f"{results['table_id']}: the paper's number next to ours, per method and metric"
    return frame


def wide_frame(results: dict, metrics: list[str] | None = None) -> pd.DataFrame:
    """Methods as rows and metrics as columns, cells 'mean ± std' (the compact view). Where a metric
    has the same number of seeds n in every row, n goes into its header instead of every cell."""
    chosen = [row for row in results["rows"] if metrics is None or row["metric"] in metrics]
    seeds_per_metric: dict[str, set[int]] = {}
    for row in chosen:
        seeds_per_metric.setdefault(row["metric"], set()).add(row["n"])
    header = {
        metric: metric_label(metric) + (f" (n={next(iter(ns))})" if len(ns) == 1 else "")
        for metric, ns in seeds_per_metric.items()
    }
    cells: dict[str, dict[str, str]] = {}
    for row in chosen:
        uniform = len(seeds_per_metric[row["metric"]]) == 1
        cells.setdefault(row["method"], {"method": row["method"]})[header[row["metric"]]] = format_mean_std(
            row, with_n=not uniform
        )
    frame = pd.DataFrame(list(cells.values()), columns=["method", *header.values()]).fillna(MISSING)
    frame.attrs["caption"] = f"{results['table_id']}: every metric, mean ± std over seeds (n seeds)"
    return frame


def protocol_line(results: dict) -> str:
    """The one-line protocol printed above every table."""
    p = results["protocol"]
    parts = [f"profile **{results['profile']}**"]
    parts += [f"{key.replace('_', ' ')}: {_cell(value)}" for key, value in p.items() if not isinstance(value, dict)]
    extractor = p.get("extractor")
    if isinstance(extractor, dict):
        text = f"features: `{extractor['name']}` (sha256 {extractor['sha256'][:12]}…)"
        if extractor.get("stand_in_for"):
            text += f" — a stand-in for {extractor['stand_in_for']}: not comparable to the paper's FID"
        parts.append(text)
    return "Protocol — " + "; ".join(parts)


def verdict_frame(results: dict) -> pd.DataFrame:
    """One line per part of each claim: the claim, the part and the two verdicts first (a wide table scrolls
    sideways, and the verdicts must show without scrolling), then the seed-paired difference, its interval (with
    its level), the part's t-test p → Holm-adjusted within its claim, the exact sign-flip p, and its power line.
    The claim and its verdict are written on its first part's line only (the lines below it are its other
    parts)."""
    lines = []
    for verdict in results["verdicts"]:
        for index, part in enumerate(verdict["parts"]):
            first = index == 0
            lines.append(
                {
                    "claim": verdict["claim"] if first else "",
                    "part": _part_text(part),
                    "part verdict": part["verdict"],
                    "claim verdict": verdict_text(verdict) if first else "",
                    "mean Δ (B − A)": _signed(part["mean_difference"]),
                    "interval": _part_interval(part),
                    "p (t) → Holm": _p_for_verdict(part),
                    "p (sign-flip)": _p(part.get(_direction(part, "p_signflip_holds", "p_signflip_does_not_hold"))),
                    "power (80 %)": power_text(part),
                    "n seeds": part["n"],
                }
            )
    frame = pd.DataFrame(lines)
    frame.attrs["caption"] = (
        "Verdicts: each part of each claim, with the seed-paired difference, its interval, the p-value of the claim's "
        "direction (t test → Holm-adjusted within the claim; the exact sign-flip p beside it; for a part that does not "
        "hold, the p-value of the opposite direction, marked (against)) and its power"
    )
    return frame


def _signed(value: float | None) -> str:
    return MISSING if value is None else f"{value:+.4f}"


def _interval(low: float | None, high: float | None) -> str:
    """The interval, or "—" where none exists (one seed, or a method not run)."""
    return MISSING if low is None or high is None else f"[{low:+.4f}, {high:+.4f}]"


def _part_interval(part: dict) -> str:
    """The part's interval with its level; a log-scale part's as a ratio B/A ("ratio 1.17 [1.14, 1.19], 90 %").
    Results written before the analysis plan carry no level: theirs was the 95 % interval."""
    low, high = part.get("ci_low"), part.get("ci_high")
    if low is None or high is None:
        return MISSING
    level = part.get("confidence") or 0.95
    if part.get("scale") == "log":
        ratio = math.exp(part["estimate"]) if part.get("estimate") is not None else None
        text = (
            "ratio " + (f"{ratio:.3f} " if ratio is not None else "")
        ) + f"[{math.exp(low):.3f}, {math.exp(high):.3f}]"
    else:
        text = _interval(low, high)
    return f"{text}, {level:.0%}".replace(" ", NBSP)


def _p(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def _p_pair(raw: float | None, adjusted: float | None) -> str:
    """'0.012 → 0.036' (the part's p, then Holm within its claim); one value where Holm left it unchanged."""
    if raw is None:
        return MISSING
    if adjusted is None or _p(adjusted) == _p(raw):
        return _p(raw)
    return f"{_p(raw)} → {_p(adjusted)}"


def _direction(part: dict, holds_key: str, against_key: str) -> str:
    """The key of the p-value behind the part's verdict: the claim's direction, or the opposite one for a part
    that does not hold."""
    return against_key if part.get("verdict") == "does not hold" else holds_key


def _p_for_verdict(part: dict) -> str:
    """The t-test p → Holm of the direction the part's verdict took; "(against)" for a part that does not hold,
    whose p is that of the opposite conclusion (the claim's own p is near 1 there and says nothing)."""
    if part.get("verdict") == "does not hold":
        return _p_pair(part.get("p_does_not_hold"), part.get("p_does_not_hold_adjusted")) + " (against)"
    return _p_pair(part.get("p_holds"), part.get("p_holds_adjusted"))


def power_text(part: dict) -> str:
    """'underpowered at n = 5: ≈ 60 seeds needed for 80 % power' when the part needs more seeds than it had;
    else the seeds it needs and its minimum detectable effect; "—" where undefined (one seed, no spread).
    Power is that of showing the part holds: a part already shown not to hold needs none."""
    if part.get("verdict") == "does not hold":
        return "decided: the part does not hold"
    needed, n, mde = part.get("seeds_for_80_power"), part.get("n", 0), part.get("mde")
    if mde is None and needed is None:
        return MISSING
    log = part.get("scale") == "log"
    effect = MISSING if mde is None else (f"{math.expm1(mde):.1%}" if log else f"{mde:.3g}")
    if needed is None:
        return f"MDE {effect} at n = {n}"
    if needed > n:
        return f"underpowered at n = {n}: ≈ {needed} seeds needed for 80 % power (MDE {effect})"
    return f"{needed} seeds suffice for 80 % power (MDE {effect} at n = {n})"


def _part_text(part: dict) -> str:
    a, b, metric = part["method_a"], part["method_b"], metric_label(part["metric"])
    if part.get("scale") == "log" and part["margin"] is not None:
        margin = f"{math.expm1(part['margin']):.0%}, as a ratio"  # stored as log(1 + δ)
    else:
        margin = "?" if part["margin"] is None else f"{part['margin']:.3g}"  # None: not run
    if part["claim"] == "within":
        return f"{b} within ±{margin} of {a} on {metric}"
    if part["claim"] == "not worse":
        return f"{b} not worse than {a} on {metric} (margin {margin})"
    if part["claim"] == "not lower":
        return f"{b} not lower than {a} on {metric} (margin {margin})"
    scale = " (log ratio)" if part.get("scale") == "log" else ""
    return f"{b} {part['claim']} than {a} on {metric}{scale}"


def verdict_rule() -> str:
    """The verdict rule, as stated in `replication.claims.stats`, for printing under a table."""
    return VERDICT_RULE_DOC.split("\n\n", 1)[1].strip()


def details_block(summary: str, frame: pd.DataFrame) -> str:
    """An expandable HTML section (rendered by the book and by Jupyter)."""
    return f"<details><summary>{html.escape(summary)}</summary>\n\n{html_table(frame, summary)}\n\n</details>"


# ---------------------------------------------------------------------------------------------------
# Tables as a reader sees them: no pandas index, "—" for a missing value, yes/no for booleans, no
# truncated text, a caption, and a container that scrolls sideways instead of overflowing the page.


def _cell(value) -> str:
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    try:
        if pd.isna(value):
            return MISSING
    except (TypeError, ValueError):  # lists and other containers
        pass
    if isinstance(value, float):
        return f"{value:.6g}"
    text = str(value)
    return MISSING if text.strip().lower() in ("nan", "none", "<na>", "nat") else text


def tidy_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` as displayed: a meaningful index becomes a column, a default one is dropped; column
    levels are joined with " · "; every cell is text ("—" for missing, yes/no for booleans)."""
    out = frame.copy()
    default_index = isinstance(out.index, pd.RangeIndex) and out.index.name is None
    if not default_index:
        names = [name or "" for name in out.index.names]
        out.index = out.index.set_names(names)
        out = out.reset_index()
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = [" · ".join(str(p) for p in parts if str(p)) for parts in out.columns]
    out.columns = [str(c) for c in out.columns]
    out = out.astype(object).apply(lambda column: column.map(_cell))
    out.index = pd.RangeIndex(len(out))
    return out


def html_table(frame: pd.DataFrame, caption: str | None = None) -> str:
    """The HTML of `frame` (see `tidy_frame`) with a caption, inside a horizontally scrolling box."""
    caption = caption or frame.attrs.get("caption")
    tidy = tidy_frame(frame)
    blank = [c for c in tidy.columns if len(tidy) and (tidy[c] == "").all()]  # e.g. an error column with no error
    tidy = tidy.drop(columns=blank)
    with pd.option_context("display.max_colwidth", None):
        markup = tidy.to_html(
            index=False, border=0, escape=True, classes="replication-table", na_rep=MISSING, justify="left"
        )
    if caption:
        markup = markup.replace(">\n", f">\n<caption>{html.escape(caption)}</caption>\n", 1)
    return f'<div class="replication-table-box" style="overflow-x:auto;max-width:100%">\n{markup}\n</div>'


class Table:
    """A displayable table: `display(book.table(frame, "caption"))` in a notebook renders `html_table`."""

    def __init__(self, frame: pd.DataFrame, caption: str | None = None):
        self.frame = frame
        self.caption = caption or frame.attrs.get("caption")

    def _repr_html_(self) -> str:
        return html_table(self.frame, self.caption)


def table(frame: pd.DataFrame, caption: str | None = None) -> Table:
    return Table(frame, caption)


def markdown_table(frame: pd.DataFrame) -> str:
    """A pipe table (cards are Markdown), with the same cell rules as `html_table`."""
    tidy = tidy_frame(frame)
    head = "| " + " | ".join(tidy.columns) + " |"
    rule = "|" + "|".join("---" for _ in tidy.columns) + "|"
    body = ["| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |" for row in tidy.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def _register_display_formatter() -> None:
    """In a kernel, every DataFrame displayed without `book.table` still follows the table rules."""
    pd.set_option("display.max_colwidth", None)
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, lambda f: html_table(f))


_register_display_formatter()


# ---------------------------------------------------------------------------------------------------
# The banner on every page built from results: profile, data set, date, commit; a warning at smoke.


def _commit_text(commit: str, dirty: bool | None) -> str:
    state = {True: "dirty", False: "clean", None: "state unknown"}[dirty]
    return f"`{str(commit)[:10]}` ({state})"


def banner_markdown(profile: str, datasets, dates, commits, quick: bool = False) -> str:
    """A MyST admonition saying what built the page; `commits` holds (commit, dirty) pairs; `quick`: a quick check."""
    datasets = sorted({str(d) for d in datasets}) or ["—"]
    dates = sorted({str(d)[:10] for d in dates})
    date_text = MISSING if not dates else dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}"
    commit_text = ", ".join(_commit_text(c, d) for c, d in sorted(set(commits), key=str)) or MISSING
    line = (
        f"Built at profile **{profile}** · data set {', '.join(f'`{d}`' for d in datasets)} · "
        f"date {date_text} (UTC) · commit {commit_text}"
    )
    if profile == "smoke" or quick:
        return f"```{{warning}}\n{line}\n\n{QUICK_WARNING if quick else SMOKE_WARNING}\n```"
    return f"```{{note}}\n{line}\n```"


def banner(results: dict) -> str:
    """The banner of a page built from one results file (its own provenance)."""
    prov = results["provenance"]
    quick = bool((prov.get("settings_overridden") or {}).get("quick"))
    return banner_markdown(
        results["profile"],
        [prov["dataset"]["name"]],
        [prov["date_utc"]],
        [(prov["git_commit"], prov["git_dirty"])],
        quick,
    )


def run_banner(profile: str, dataset: str, quick: bool = False) -> str:
    """The banner at the top of a table notebook: this run's profile, data set, today and the checkout's commit
    (the same values its results file's provenance records)."""
    import datetime as dt

    commit, dirty = results_io.git_state()
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    return banner_markdown(profile, [dataset], [now], [(commit, dirty)], quick)


def page_banner(profile: str, table_ids: list[str] | None = None, root: Path | None = None) -> str:
    """The banner of a page that summarises several results files (cards, status): their data sets, dates
    and commits; the checkout's commit and today when there are none yet."""
    import datetime as dt

    datasets, dates, commits = set(), set(), set()
    for _, payload, _error in results_io.scan(profile, root):
        if payload is None or (table_ids is not None and payload.get("table_id") not in table_ids):
            continue
        try:
            prov = payload["provenance"]
            datasets.add(prov["dataset"]["name"])
            dates.add(prov["date_utc"])
            commits.add((prov["git_commit"], prov["git_dirty"]))
        except (KeyError, TypeError):
            continue
    if not commits:
        commits.add(results_io.git_state())
        dates.add(dt.datetime.now(dt.timezone.utc).isoformat())
    return banner_markdown(profile, datasets, dates, commits)


# ---------------------------------------------------------------------------------------------------
# Outbound links: the papers, the repositories and the sources of every reported number.

PAPERS = {
    "1703.10155": "CVAE-GAN (Bao et al., ICCV 2017)",
    "1903.05628": "MSGAN (Mao et al., CVPR 2019)",
    "1706.04987": "alpha-GAN (Rosca et al., 2017)",
    "2006.12681": "ContraGAN (Kang & Park, NeurIPS 2020)",
}
REPOSITORIES = (
    "HelenMao/MSGAN",
    "POSTECH-CVLab/PyTorch-StudioGAN",
    "sivajeetsabdakar/cvae-gan-pytorch-reproduction",
)
_ARXIV = re.compile(r"arXiv[: ]?(\d{4}\.\d{4,5})(?: (v\d+))?")


_LINK = re.compile(r"(\[[^\]]*\]\([^)\s]*\))")  # a Markdown link: [text](url)


def escape_emphasis(text: str) -> str:
    """Plain `text` with Markdown's emphasis characters (and the backslash) escaped: a source quoting the
    columns 'StackGAN++*' and '+MS*' is not italics."""
    return re.sub(r"([\\*_])", r"\\\1", text)


def _escape_outside_urls(text: str) -> str:
    """`text` (Markdown whose only markup is links) with `*` and `_` escaped everywhere but in link targets."""
    parts = _LINK.split(text)
    for i, part in enumerate(parts):
        if i % 2:  # a link: escape its text, keep its URL
            label, url = part[1:].split("](", 1)
            parts[i] = f"[{escape_emphasis(label)}]({url}"
        else:
            parts[i] = escape_emphasis(part)
    return "".join(parts)


def link_sources(text: str) -> str:
    """`text` (plain text, or Markdown whose only markup is links) with arXiv identifiers, the known GitHub
    repositories and the commits cited in them turned into links, and Markdown's emphasis characters (`*`,
    `_`) escaped outside the link targets."""
    text = _ARXIV.sub(
        lambda m: f"[{m.group(0)}](https://arxiv.org/abs/{m.group(1)}{m.group(2) or ''})",
        text,
    )
    cited = [repo for repo in REPOSITORIES if repo in text]
    for repo in cited:
        text = text.replace(repo, f"[{repo}](https://github.com/{repo})")
    if len(cited) == 1:
        text = re.sub(
            r"commit ([0-9a-f]{7,40})\b",
            lambda m: f"commit [{m.group(1)}](https://github.com/{cited[0]}/commit/{m.group(1)})",
            text,
        )
    return _escape_outside_urls(text)


def sources_markdown(table_id: str) -> str:
    """Numbered list of the sources of `table_id`'s reported numbers (the registry in
    `replication/reported/`), each with its mark and links; "" when none are registered."""
    from replication.reported import REPORTED

    sources: dict[str, dict[str, None]] = {}  # source → its cells, in order, each once
    rows: dict[str, dict[str, None]] = {}  # source → the data set rows it covers
    for entry in REPORTED:
        if entry.table_id == table_id:
            key = f"{entry.source} [{entry.mark}]"
            sources.setdefault(key, {})[f"{entry.method} · {entry.metric}"] = None
            rows.setdefault(key, {})[entry.dataset] = None
    if not sources:
        return ""
    lines = [
        f"{i}. {link_sources(source)} — for {escape_emphasis(', '.join(cells))}"
        + (f" ({escape_emphasis(', '.join(r for r in rows[source] if r))})" if any(rows[source]) else "")
        for i, (source, cells) in enumerate(sources.items(), 1)
    ]
    marks = "P primary, S secondary (quoted by a third party), B widely quoted, not found: no number available"
    return f"**Sources of the reported numbers** (registry `replication/reported/`; marks: {marks}):\n\n" + "\n".join(
        lines
    )


def replication_card(results: dict) -> str:
    """Markdown card: claim → setup → our result → verdict, with the protocol line."""
    table_id = results["table_id"]
    claim = PAPER_CLAIMS.get(table_id, "(no claim registered)")
    prov = results["provenance"]
    verdict_lines = "\n".join(f"- **{verdict_text(v)}** — {v['claim']}" for v in results["verdicts"])
    frame = wide_frame(results)
    rows = markdown_table(frame)
    text = (
        f"**Claim.** {link_sources(claim)}\n\n"
        f"**Setup.** data set `{prov['dataset']['name']}`, seeds {prov['seeds']}, device {prov['device']}, "
        f"commit {_commit_text(prov['git_commit'], prov['git_dirty'])}, {prov['date_utc']}.\n\n"
        f"{protocol_line(results)}\n\n"
        f"**Our result.**\n\n```{{table}} {frame.attrs['caption']}\n{rows}\n```\n\n"
        f"**Verdict.**\n\n{verdict_lines}\n"
    )
    sources = sources_markdown(table_id)
    if sources:
        text += "\n" + sources + "\n"
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


RUN_COLUMNS = ["notebook", "profile", "status", "wall_time_s", "threads", "parallel_jobs", "date_utc", "error"]


def short_date(value) -> str:
    """An ISO date-time in UTC as "YYYY-MM-DD HH:MM" (the column header says UTC)."""
    text = str(value)
    if len(text) >= 16 and text[10] == "T":
        return f"{text[:10]} {text[11:16]}"
    return text


_ABSOLUTE_PATH = re.compile(r"(?<![\w.~])/(?:[^\s'\"`:,;()\[\]<>]+/)+([^\s'\"`:,;()\[\]<>]*)")


def strip_machine_paths(text: str) -> str:
    """`text` with every absolute path shortened to `…/<name>`: no builder's folder reaches a page."""
    return _ABSOLUTE_PATH.sub(lambda m: f"…/{m.group(1)}", str(text))


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
    frame = pd.DataFrame(runs, columns=RUN_COLUMNS).astype(object).fillna(MISSING)
    frame["error"] = frame["error"].map(lambda e: "" if e == MISSING else strip_machine_paths(e))
    frame["date_utc"] = frame["date_utc"].map(short_date)
    frame = frame.rename(
        columns={"wall_time_s": "wall time (s)", "date_utc": "date (UTC)", "parallel_jobs": "notebooks at once"}
    )
    frame.attrs["caption"] = (
        "Notebooks executed for this build: outcome, wall time of that execution (a notebook whose runs were "
        "already trained, by an earlier execution with the same training settings, only loads and evaluates "
        "them), the torch threads its kernel had and how many table notebooks ran at the same time (— : all "
        "cores, one at a time, or not recorded), and date"
    )
    return frame


def _layout_text(layout: dict | None) -> str:
    """How the runs were trained (`replication.core.parallel.Layout`), e.g. "2 workers × 1 thread"."""
    if not layout:
        return MISSING
    return (
        f"{layout['workers']} worker{'s' if layout['workers'] != 1 else ''} × {layout['threads_per_worker']} thread(s)"
    )


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
                    "training": _layout_text(prov.get("training_layout")),
                    "wall time (s)": prov["wall_time_s"],
                    "seeds": len(prov["seeds"]),
                    "data set": prov["dataset"]["name"],
                    "commit": _commit_text(prov["git_commit"], prov["git_dirty"]).replace("`", ""),
                    "date (UTC)": short_date(prov["date_utc"]),
                    "error": "",
                }
            )
        except (KeyError, TypeError, AttributeError) as bad:
            shown = results_io.display_path(path, root)
            rows.append({"table": path.stem, "profile": path.parent.name, "error": f"{shown}: malformed ({bad!r})"})
    columns = ["table", "profile", "device", "training", "wall time (s)", "seeds", "data set", "commit", "date (UTC)"]
    columns.append("error")
    frame = pd.DataFrame(rows, columns=columns).astype(object).fillna(MISSING)
    frame["error"] = frame["error"].map(lambda e: "" if e == MISSING else strip_machine_paths(e))
    frame.attrs["caption"] = f"Results files of profile {profile}: where, when and with which commit each was produced"
    return frame


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
    frame = frame.round(3)
    frame.attrs["caption"] = f"{results['table_id']}: per class, mean over seeds"
    return frame


def show_table(results: dict, paper_metrics: list[str]) -> None:
    """In a notebook: the protocol line, reported vs reproduced for `paper_metrics`, then all metrics."""
    from IPython.display import Markdown, display

    display(Markdown(protocol_line(results)))
    display(table(comparison_frame(results, paper_metrics)))
    sources = sources_markdown(results["table_id"])
    if sources:
        display(Markdown(sources))
    display(Markdown("All metrics (mean ± std over seeds):"))
    display(table(wide_frame(results)))


def show_verdicts(results: dict) -> None:
    """In a notebook: the verdict table, the rule, and one line per claim with its computed verdict."""
    from IPython.display import Markdown, display

    if not results["verdicts"]:
        display(Markdown("**No verdict**: none of the paper's claims compares methods that were run here."))
        return
    display(table(verdict_frame(results)))
    display(Markdown("**Rule.** " + results["verdicts"][0]["rule"] + "."))
    for verdict in results["verdicts"]:
        display(Markdown(f"**Verdict: {verdict_text(verdict)}** — {verdict['claim']}."))


def show_label_use(results: dict, num_classes: int) -> None:
    """In a notebook: label accuracy and label–class NMI of every method (a conditional table's regime evidence)."""
    from IPython.display import display

    metrics = [m for m in ("label accuracy", "label NMI") if any(r["metric"] == m for r in results["rows"])]
    caption = (
        f"Label accuracy (fraction; chance {1 / num_classes:.2f}) and label–class NMI (0: the label changes nothing; "
        "1: one class per label, right or wrong) of every method, mean ± std over seeds"
    )
    display(table(wide_frame(results, metrics), caption))


def show_setup(profile: str, device, dataset: str, details: str, quick: bool = False) -> None:
    """In a notebook: the run banner, then one line with the profile, the device and `details` (the data and
    the budget, as the table states them)."""
    from IPython.display import Markdown, display

    display(Markdown(run_banner(profile, dataset, quick)))
    display(Markdown(f"Profile **{profile}** on `{device}`; {details}"))


def show_regime(results: dict) -> None:
    """In a notebook: the regime checks stored on the verdicts, one row per precondition, met or not."""
    from IPython.display import display

    display(
        table(
            checks_frame(results["verdicts"]), "Regime checks: each precondition, its measurement and rule, met or not"
        )
    )


def show_reproduce(notebook: str) -> None:
    """In a notebook: the *Reproduce this page* box of `notebook` (its path from the repository root)."""
    from IPython.display import Markdown, display

    from replication.book.reproduce import reproduce_markdown

    display(Markdown(reproduce_markdown(notebook)))


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
