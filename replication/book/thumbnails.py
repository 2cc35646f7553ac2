"""The summary page's gallery: a small copy of each table's first sample figure, linking to its page.

The figure is read from the table's executed notebook (the runner's output folder; a notebook reused from the
committed reference build is copied there too), never redrawn: the thumbnail is the figure the page shows.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
from pathlib import Path

from replication.book.summary import TABLES, page_href

THUMBNAIL_WIDTH = 240  # px
_INLINE_PNG = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def first_figure_png(notebook: Path) -> bytes | None:
    """The PNG bytes of the first figure among `notebook`'s outputs (an `image/png` output or an inline
    `data:image/png` in an HTML output, as `replication.book.plots.show_figure` writes), else None."""
    try:
        cells = json.loads(notebook.read_text())["cells"]
    except (OSError, ValueError, KeyError):
        return None
    for cell in cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                return base64.b64decode("".join(data["image/png"]))
            found = _INLINE_PNG.search("".join(data.get("text/html", "")))
            if found:
                return base64.b64decode(found.group(1))
    return None


def thumbnail(png: bytes, width: int = THUMBNAIL_WIDTH) -> bytes:
    """`png` scaled down to `width` pixels wide (kept as it is when narrower), as PNG bytes."""
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    if image.width > width:
        image = image.resize((width, max(1, round(image.height * width / image.width))), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def gallery_html(executed_dir: Path, prefix: str = "../") -> str:
    """One linked thumbnail per table whose executed notebook has a figure, in the summary's order ("" if none)."""
    tiles = []
    for page in TABLES.values():
        png = first_figure_png(executed_dir / Path(page.notebook).with_suffix(".ipynb"))
        if png is None:
            continue
        source = base64.b64encode(thumbnail(png)).decode()
        label = html.escape(f"{page.paper.split(' (')[0]}, {page.table}")
        tiles.append(
            f'<a class="replication-thumb" href="{html.escape(page_href(page.notebook, prefix))}">'
            f'<img src="data:image/png;base64,{source}" alt="first sample figure of {label}" width="{THUMBNAIL_WIDTH}">'
            f"<span>{label}</span></a>"
        )
    return f'<div class="replication-gallery">{"".join(tiles)}</div>' if tiles else ""
