"""Cells that several table notebooks repeat, one call each: train, evaluate and save a table; show its loss
curves. Its own module so that a notebook that uses neither does not depend on it."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import torch

from replication.book.plots import plot_loss_curves, show_figure
from replication.run.experiment import save_results


def run_and_save(
    experiment: ModuleType,
    profile_name: str,
    config: Any,
    data: Any,
    device: torch.device,
    progress: bool,
    run: Callable | None = None,
    details: dict | None = None,
) -> tuple[Any, dict]:
    """(table, saved results): train and evaluate every (method, seed) of `experiment`'s table with `run`
    (default its `run_table`; finished runs load) and write its results file with the notebook's `details`."""
    table = (run or experiment.run_table)(config, data, device, progress=progress)
    return table, save_results(experiment, table, profile_name, data, device, details)


def show_loss_curves(histories: dict[str, dict[str, list[float]]], keys: list[str], caption: str, alt: str) -> None:
    """`plot_loss_curves` of `keys`, shown as the next numbered figure."""
    show_figure(plot_loss_curves(histories, keys), caption, alt)
