"""Figures: sample grids (one row per class) and loss curves, shown as numbered, captioned figures.

`show_figure(fig, caption, alt)` displays a figure in a notebook as HTML `<figure>` with an `alt`
text that says what it shows and a caption "Figure k. …" (k counts the figures of the notebook).
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import math

import matplotlib.pyplot as plt
import numpy as np
import torch
from torchvision.utils import make_grid

LEGEND_FONTSIZE = 10  # points, at about 1:1 on the page (figures are embedded at 100 dpi)
plt.rcParams["legend.fontsize"] = LEGEND_FONTSIZE

_figure_numbers = itertools.count(1)


def image_grid(images: torch.Tensor, nrow: int) -> np.ndarray:
    """[N, C, H, W] in [-1, 1] → an HxWx3 (or HxW) array in [0, 1] for imshow."""
    grid = make_grid(images.detach().float().cpu().clamp(-1, 1) * 0.5 + 0.5, nrow=nrow, padding=1, pad_value=1.0)
    array = grid.permute(1, 2, 0).numpy()
    return array[..., 0] if images.shape[1] == 1 else array


def grid_shape(panels: int) -> tuple[int, int]:
    """(rows, columns) for `panels` sample panels: one row up to three, else two or three per row,
    so that each panel keeps a readable width on the page."""
    columns = panels if panels <= 3 else 2 if panels <= 6 else 3
    return math.ceil(panels / columns), columns


def plot_class_grids(grids: dict[str, torch.Tensor], per_class: int, title: str = ""):
    """One panel per method, wrapped into rows; each row of a panel holds one class's samples."""
    rows, columns = grid_shape(len(grids))
    fig, axes = plt.subplots(rows, columns, figsize=(4.6 * columns, 4.9 * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, (name, images) in zip(axes.flat, grids.items(), strict=False):
        ax.imshow(image_grid(images, per_class), cmap="gray", vmin=0, vmax=1)
        ax.set_title(name, fontsize=12)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_loss_curves(histories: dict[str, dict[str, list[float]]], keys: list[str], smooth: int = 25):
    """One panel per loss name, two panels a row; one line per run (running mean over `smooth` steps),
    with one legend below the panels. A run with a single logged point draws a marker, so its panel is
    never empty. The figure is sized for the page's width so that the legend stays readable."""
    columns = min(len(keys), 2)
    rows = math.ceil(len(keys) / columns)
    fig, axes = plt.subplots(
        rows,
        columns,
        figsize=(4.0 * columns, 3.0 * rows + 0.3 * len(histories) / 2 + 0.5),
        squeeze=False,
        layout="constrained",
    )
    for ax in axes.flat[len(keys) :]:
        ax.axis("off")
    labelled: dict[str, object] = {}
    for ax, key in zip(axes.flat, keys, strict=False):
        for run, history in histories.items():
            if key not in history or len(history[key]) == 0:
                continue
            values = np.asarray(history[key], dtype=np.float64)
            window = max(1, min(smooth, len(values)))
            smoothed = np.convolve(values, np.ones(window) / window, mode="valid")
            marker = "o" if len(smoothed) < 3 else None
            colour = f"C{list(histories).index(run) % 10}"
            (line,) = ax.plot(
                np.arange(len(smoothed)) + window - 1, smoothed, label=run, lw=1, marker=marker, color=colour
            )
            labelled.setdefault(run, line)
        ax.set_title(key)
        ax.set_xlabel("step")
    if labelled:
        fig.legend(
            list(labelled.values()),
            list(labelled),
            loc="outside lower center",
            ncol=2 if len(labelled) > 1 else 1,
            fontsize=LEGEND_FONTSIZE,
            frameon=False,
        )
    return fig


def figure_html(fig, caption: str, alt: str, number: int, dpi: int = 100) -> str:
    """A `<figure>` holding `fig` as an embedded PNG, its alt text and a numbered caption."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f'<figure class="replication-figure" id="figure-{number}" style="margin:1em 0">'
        f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" style="max-width:100%">'
        f"<figcaption><strong>Figure {number}.</strong> {html.escape(caption)}</figcaption></figure>"
    )


def show_figure(fig, caption: str, alt: str) -> None:
    """In a notebook: display `fig` as the next numbered figure with its caption and alt text, then close
    it (returns nothing, so that a cell ending with it shows no stray output)."""
    from IPython.display import HTML, display

    display(HTML(figure_html(fig, caption, alt, next(_figure_numbers))))
    plt.close(fig)


def describe_grids(grids: dict[str, torch.Tensor], per_class: int) -> str:
    """Alt text of a `plot_class_grids` figure."""
    names = ", ".join(grids)
    return f"Generated samples of {names}: one panel per method, each row one class, {per_class} samples per row."


def plot_translation_rows(inputs: torch.Tensor, outputs: dict[str, torch.Tensor]):
    """One row per input: the input, then each method's outputs for it from different noise vectors
    (`outputs[method]` is [M, N, C, H, W]), methods side by side, a panel each."""
    panels = 1 + len(outputs)
    widths = [1] + [next(iter(outputs.values())).shape[0]] * len(outputs)
    fig, axes = plt.subplots(
        1,
        panels,
        figsize=(1.1 * sum(widths) + 0.4, 1.1 * len(inputs) + 0.6),
        gridspec_kw={"width_ratios": widths},
        squeeze=False,
    )
    axes[0, 0].imshow(image_grid(inputs, 1), cmap="gray", vmin=0, vmax=1)
    axes[0, 0].set_title("input", fontsize=11)
    for ax, (name, images) in zip(axes[0, 1:], outputs.items(), strict=True):
        per_input = images.transpose(0, 1).flatten(0, 1)  # input-major: row k holds input k's outputs
        ax.imshow(image_grid(per_input, images.shape[0]), cmap="gray", vmin=0, vmax=1)
        ax.set_title(name, fontsize=11)
    for ax in axes.flat:
        ax.axis("off")
    fig.tight_layout()
    return fig


def plot_caption_rows(captions: list[str] | None, outputs: dict[str, torch.Tensor]):
    """One row per caption (written beside it): each method's outputs for it from different noise vectors
    (`outputs[method]` is [M, N, C, H, W]), methods side by side, a panel each."""
    first = next(iter(outputs.values()))
    rows = first.shape[1]
    fig, axes = plt.subplots(
        1, len(outputs), figsize=(1.1 * first.shape[0] * len(outputs) + 3.4, 1.1 * rows + 0.6), squeeze=False
    )
    for ax, (name, images) in zip(axes[0], outputs.items(), strict=True):
        per_caption = images.transpose(0, 1).flatten(0, 1)  # caption-major: row k holds caption k's outputs
        ax.imshow(image_grid(per_caption, images.shape[0]), cmap="gray", vmin=0, vmax=1)
        ax.set_title(name, fontsize=11)
        ax.axis("off")
    if not captions:
        fig.tight_layout()
        return fig
    fig.subplots_adjust(left=3.2 / fig.get_figwidth(), right=0.99, top=0.88, bottom=0.02, wspace=0.05)
    for k, text in enumerate(captions):
        axes[0, 0].text(
            -0.02, 1 - (k + 0.5) / rows, text, transform=axes[0, 0].transAxes, ha="right", va="center", fontsize=8
        )
    return fig
