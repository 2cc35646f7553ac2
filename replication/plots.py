"""Figures: sample grids (one row per class) and loss curves."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
from torchvision.utils import make_grid


def image_grid(images: torch.Tensor, nrow: int) -> np.ndarray:
    """[N, C, H, W] in [-1, 1] → an HxWx3 (or HxW) array in [0, 1] for imshow."""
    grid = make_grid(images.detach().float().cpu().clamp(-1, 1) * 0.5 + 0.5, nrow=nrow, padding=1, pad_value=1.0)
    array = grid.permute(1, 2, 0).numpy()
    return array[..., 0] if images.shape[1] == 1 else array


def plot_class_grids(grids: dict[str, torch.Tensor], per_class: int, title: str = ""):
    """Side-by-side panels, one per method; each row of a panel holds one class's samples."""
    fig, axes = plt.subplots(1, len(grids), figsize=(4.2 * len(grids), 4.4), squeeze=False)
    for ax, (name, images) in zip(axes[0], grids.items(), strict=False):
        ax.imshow(image_grid(images, per_class), cmap="gray", vmin=0, vmax=1)
        ax.set_title(name)
        ax.axis("off")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_loss_curves(histories: dict[str, dict[str, list[float]]], keys: list[str], smooth: int = 25):
    """One panel per loss name; one line per run (running mean over `smooth` steps)."""
    fig, axes = plt.subplots(1, len(keys), figsize=(4.5 * len(keys), 3.2), squeeze=False)
    for ax, key in zip(axes[0], keys, strict=False):
        for run, history in histories.items():
            if key not in history:
                continue
            values = np.asarray(history[key], dtype=np.float64)
            window = max(1, min(smooth, len(values)))
            smoothed = np.convolve(values, np.ones(window) / window, mode="valid")
            ax.plot(np.arange(len(smoothed)) + window - 1, smoothed, label=run, lw=1)
        ax.set_title(key)
        ax.set_xlabel("step")
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    return fig
