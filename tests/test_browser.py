"""The smoke book as a reader sees it: every page opened in headless Chromium (Debian's `chromium`,
driven by Playwright through `executable_path`; `.ci/run` installs it), once per session.

Each test is one check over every page: no console error, no failed request, no broken internal
link, no image that does not load, no raw TeX left unrendered, no `nan` table cell, no pipe table
left as a paragraph, no absolute machine path, no traceback or stderr block in an output; and on every
table page, the verdict table's verdict columns in view without scrolling. Pages are opened in a 1400×900
window (a laptop's; the content column is then about 850 px wide).
Skipped, with the reason, only where Playwright or Chromium is not installed.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHECKS = (
    "console error",
    "failed request",
    "broken internal link",
    "image not loaded",
    "raw TeX",
    "nan cell",
    "pipe-table paragraph",
    "machine path",
    "traceback or stderr output",
)
MACHINE_PATH = re.compile(r"(?<![\w.:/])/(?:tmp|home|root|work|Users|private|var/folders|opt|mnt|data)/[\w.-]")
PIPE_TABLE = re.compile(r"\|\s*:?-{3,}:?\s*\|")
REDIRECT = re.compile(r'<meta http-equiv="Refresh" content="0; url=([^"#]+)', re.IGNORECASE)
NAN = re.compile(r"(?<![\w.])nan(?![\w])", re.IGNORECASE)
VIEWPORT = {"width": 1400, "height": 900}
VERDICT_COLUMNS = ("part verdict", "claim verdict")  # replication/book/page.py: verdict_frame
PAGE_TEXT: dict[str, str] = {}  # page → the text a reader sees (document.body.innerText), filled by `audit`
SECTIONS: dict[str, dict[str, str]] = {}  # page → section id → the section's text (innerText), filled by `audit`
VERDICT_HEADERS: dict[str, list[dict]] = {}  # page → the verdict columns' header cells and their edges, by `audit`

# Run in the page after load: everything the checks need, in one round trip. A verdict column's header cell
# is clipped when its right edge passes the right edge of its nearest ancestor that clips or scrolls sideways
# (overflow-x auto, scroll, hidden or clip), or of the window where none does. The walk starts above the
# table: a table grows to hold its cells, so its own overflow (the book's CSS sets auto) never clips them.
AUDIT_JS = """
async () => {
  const VERDICT_COLUMNS = __VERDICT_COLUMNS__;
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  const main = document.querySelector('main') || document.body;
  const clone = main.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, mjx-container, .MathJax').forEach(e => e.remove());
  return {
    links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
    broken_images: Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0)
                        .map(i => i.getAttribute('src')),
    text: clone.textContent,
    body_text: document.body.innerText,
    cells: Array.from(main.querySelectorAll('td, th')).map(c => c.innerText.trim()),
    paragraphs: Array.from(main.querySelectorAll('p')).map(p => p.textContent),
    error_outputs: Array.from(main.querySelectorAll('.output.stderr, .output.traceback, .output.error'))
                        .map(e => e.innerText.slice(0, 200)),
    sections: Object.fromEntries(Array.from(main.querySelectorAll('section[id]')).map(s => [s.id, s.innerText])),
    verdict_headers: Array.from(main.querySelectorAll('th'))
      .filter(th => VERDICT_COLUMNS.includes(th.innerText.trim()))
      .map(th => {
        let limit = document.documentElement.clientWidth;
        for (let e = th.closest('table').parentElement; e; e = e.parentElement) {
          if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(e).overflowX)) {
            limit = Math.min(limit, e.getBoundingClientRect().right);
            break;
          }
        }
        return {text: th.innerText.trim(), right: th.getBoundingClientRect().right, limit: limit};
      }),
  };
}
""".replace("__VERDICT_COLUMNS__", json.dumps(VERDICT_COLUMNS))


def chromium_path() -> str | None:
    for name in (os.environ.get("REPLICATION_CHROMIUM"), "chromium", "chromium-browser"):
        if name and (found := shutil.which(name)):
            return found
    return None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output clean
        pass


@pytest.fixture(scope="session")
def book_html(request) -> Path:
    """The smoke book's HTML (tests/conftest.py builds it once per session), or an already built book's
    `_build/html` given as REPLICATION_BOOK_HTML (to audit a build without rebuilding it)."""
    given = os.environ.get("REPLICATION_BOOK_HTML")
    if given:
        return Path(given).resolve()
    return request.getfixturevalue("smoke_book") / "_build" / "html"


@pytest.fixture(scope="session")
def served_book(book_html):
    html = book_html
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(html)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield html, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _pages(html: Path) -> list[str]:
    skip = ("_static/", "_sources/", "_images/")
    return sorted(
        p.relative_to(html).as_posix()
        for p in html.rglob("*.html")
        if not p.relative_to(html).as_posix().startswith(skip)
    )


def _internal_target(href: str, base: str, html: Path) -> Path | None:
    """The built file an internal link points to (None for external and in-page links)."""
    if not href.startswith(base):
        return None
    path = unquote(urlparse(href).path)
    target = html / path.lstrip("/")
    return target / "index.html" if path.endswith("/") or target.is_dir() else target


@pytest.fixture(scope="session")
def audit(served_book):
    """{check: [finding, …]} over every page of the smoke book."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed (pip install -e '.[test]' installs it)"
    )
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium is not installed: `apt-get install -y chromium` (.ci/run does it as root)")
    html, base = served_book
    machine_paths = {str(html.parent.parent), str(Path.home())}
    findings: dict[str, list[str]] = {check: [] for check in CHECKS}
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=VIEWPORT)
        for page_path in _pages(html):

            def note(check: str, text: str, where: str = page_path) -> None:
                findings[check].append(f"{where}: {text}")

            redirect = REDIRECT.search((html / page_path).read_text(encoding="utf-8", errors="replace"))
            if redirect:  # jupyter-book's index.html: check where it leads, open that page itself
                if not (html / page_path).parent.joinpath(redirect.group(1)).is_file():
                    note("broken internal link", redirect.group(1))
                continue
            page = context.new_page()

            page.on("console", lambda m, note=note: m.type == "error" and note("console error", m.text))
            page.on("pageerror", lambda e, note=note: note("console error", str(e)))
            page.on("requestfailed", lambda r, note=note: note("failed request", f"{r.url} ({r.failure})"))
            page.on(
                "response", lambda r, note=note: r.status >= 400 and note("failed request", f"{r.url} ({r.status})")
            )
            page.goto(base + page_path, wait_until="load")
            seen = page.evaluate(AUDIT_JS)
            page.close()
            for href in seen["links"]:
                target = _internal_target(href, base, html)
                if target is not None and not target.is_file():
                    note("broken internal link", href.removeprefix(base))
            for src in seen["broken_images"]:
                note("image not loaded", str(src))
            for token in ("\\(", "\\)", "$$", "\\[", "\\begin{"):
                if token in seen["text"]:
                    at = seen["text"].index(token)
                    note("raw TeX", repr(seen["text"][max(0, at - 40) : at + 40]))
            for cell in seen["cells"]:
                if NAN.search(cell):
                    note("nan cell", repr(cell[:80]))
            for paragraph in seen["paragraphs"]:
                if PIPE_TABLE.search(paragraph):
                    note("pipe-table paragraph", repr(paragraph[:80]))
            text = seen["body_text"]
            PAGE_TEXT[page_path] = text
            SECTIONS[page_path] = seen["sections"]
            VERDICT_HEADERS[page_path] = seen["verdict_headers"]
            for match in MACHINE_PATH.finditer(text):
                note("machine path", repr(text[max(0, match.start() - 30) : match.end() + 40]))
            for path in machine_paths:
                if path in text and path not in ("/", ""):
                    note("machine path", path)
            for block in seen["error_outputs"]:
                note("traceback or stderr output", repr(block))
            if "Traceback (most recent call last)" in text:
                note("traceback or stderr output", "Traceback (most recent call last)")
        browser.close()
    return findings


def test_every_page_is_audited(served_book):
    html, _ = served_book
    pages = _pages(html)
    for page in (
        "book/intro.html",
        "book/executed/book/summary.html",
        "book/executed/notebooks/msgan/table1_labels.html",
    ):
        assert page in pages


@pytest.mark.parametrize("check", CHECKS)
def test_no_page_fails(audit, check):
    found = sorted(set(audit[check]))
    assert not found, f"{len(found)} {check} finding(s):\n" + "\n".join(found[:40])


def test_the_summary_opens_with_the_tally_of_verdicts(audit):
    text = PAGE_TEXT["book/executed/book/summary.html"]
    assert re.search(r"\d+ claims: \d+ holds, \d+ does not hold, \d+ inconclusive, \d+ not tested\.", text)
    assert "Claims by verdict, per paper" in text and "comparable to the paper?" in text
    assert text.index("Claims by verdict") < text.index("comparable to the paper?")  # the tally comes first
    assert "The tables at a glance" in text  # the gallery (its links and images: the audit's link/image checks)


def test_the_intro_legend_names_all_four_verdicts_and_msgans_four_tables(audit):
    text = PAGE_TEXT["book/intro.html"]
    sections = SECTIONS["book/intro.html"]
    assert "how-to-read-a-table" in sections, sorted(sections)  # book/intro.md: "## How to read a table"
    legend = sections["how-to-read-a-table"]
    assert "A verdict" in legend, legend[:200]
    legend = legend[legend.index("A verdict") :]  # the legend: the list item that defines the four verdicts
    for verdict in ("holds", "does not hold", "inconclusive", "not tested"):
        assert verdict in legend, verdict
    for table in ("Pix2Pix", "DRIT", "StackGAN++"):
        assert table in text, table
    assert "make book" in text


def _table_pages() -> list[str]:
    """The built page of every table notebook (notebooks/<paper>/<table>.py)."""
    notebooks = Path(__file__).resolve().parents[1] / "notebooks"
    return sorted(f"book/executed/notebooks/{p.parent.name}/{p.stem}.html" for p in notebooks.glob("*/*.py"))


def test_every_table_pages_verdict_columns_are_in_view(audit):
    """At 1400 px the verdict table's "part verdict" and "claim verdict" columns show without scrolling: each
    header cell ends inside the box that clips or scrolls it (see AUDIT_JS)."""
    offending = []
    for page in _table_pages():
        if page not in PAGE_TEXT:
            offending.append(f"{page}: not audited")
            continue
        headers = VERDICT_HEADERS[page]
        missing = [c for c in VERDICT_COLUMNS if c not in {h["text"] for h in headers}]
        if missing and "No verdict: none of the paper's claims" not in PAGE_TEXT[page]:
            offending.append(f"{page}: no verdict table with the column(s) {missing}")
        for header in headers:
            if header["right"] > header["limit"] + 1:  # 1 px for sub-pixel layout
                offending.append(
                    f"{page}: '{header['text']}' ends at x = {header['right']:.0f} px, past the right edge of "
                    f"the box that clips it, x = {header['limit']:.0f} px"
                )
    assert not offending, f"{len(offending)} verdict column(s) clipped or missing:\n" + "\n".join(offending)
