"""The papers' reported numbers, one entry per cell, each with its source.

Every entry names its source (marks: P primary, S secondary,
B widely quoted; "not found" cells keep value None and render as "see paper"). Never type a
number here without a source that a reader can open.

A table reports one row per data set (ContraGAN's Table 2: CIFAR-10 and Tiny ImageNet). Each paper
module lists them in `ROWS` (`DataRow`: the paper's name for the set, the `dataset=` this book loads
for it, and, when the book runs a stand-in, why); every entry names its row in `dataset`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class DataRow:
    """One data set a paper's table reports on, and the data set (`load_dataset` name) the book runs it on."""

    paper_name: str  # as the paper names it: "Tiny ImageNet"
    dataset: str  # what `dataset=` loads for it: "tiny-imagenet"
    substitute: str = ""  # non-empty when `dataset` stands in for the paper's own set: what and why


@dataclass(frozen=True)
class Reported:
    table_id: str
    method: str
    metric: str
    value: float | None  # None: not available to us; the book shows "see paper"
    source: str  # where the number (or its absence) comes from
    mark: str  # "P", "S", "B" or "not found"
    note: str = ""
    spread: float | None = None  # the ± the paper prints beside the value, where it prints one
    dataset: str = ""  # the row: a `DataRow.paper_name` of this table ("" only for tables with one row)

    @property
    def shown(self) -> str:
        return "see paper" if self.value is None else f"{self.value:g}"


# One module per paper in replication/reported/, each with ENTRIES (Reported, …) and CLAIMS.
PAPER_MODULES = ("msgan", "cvae_gan", "alpha_gan", "contragan")


def _collect() -> tuple[tuple[Reported, ...], dict[str, str], dict[str, tuple[DataRow, ...]]]:
    entries: list[Reported] = []
    claims: dict[str, str] = {}
    rows: dict[str, tuple[DataRow, ...]] = {}
    for name in PAPER_MODULES:
        module = importlib.import_module(f"replication.reported.{name}")
        entries.extend(module.ENTRIES)
        claims.update(module.CLAIMS)
        rows.update(module.ROWS)
    return tuple(entries), claims, rows


REPORTED, PAPER_CLAIMS, DATA_ROWS = _collect()


def data_row(table_id: str, dataset: str | None) -> DataRow | None:
    """The row of `table_id` that the book runs on `dataset` (a `load_dataset` name), or None."""
    return next((row for row in DATA_ROWS.get(table_id, ()) if row.dataset == dataset), None)


def main_row(table_id: str) -> DataRow | None:
    """The table's first row: the one shown beside runs on any other data set (the offline digits)."""
    rows = DATA_ROWS.get(table_id, ())
    return rows[0] if rows else None


def reported_for(table_id: str) -> list[Reported]:
    entries = [r for r in REPORTED if r.table_id == table_id]
    if not entries:
        tables = sorted({r.table_id for r in REPORTED})
        raise ValueError(f"No reported numbers registered for {table_id!r}. Tables: {', '.join(tables)}.")
    return entries


def reported_value(table_id: str, method: str, metric: str, dataset: str | None = None) -> Reported | None:
    """The paper's cell for (method, metric) in the row the book runs on `dataset`; the main row's
    cell when `dataset` is none of the table's rows (e.g. the offline digits)."""
    row = data_row(table_id, dataset) or main_row(table_id)
    wanted = row.paper_name if row is not None else ""
    for entry in REPORTED:
        if (entry.table_id, entry.method, entry.metric, entry.dataset) == (table_id, method, metric, wanted):
            return entry
    return None


def comparable(table_id: str, entry: Reported, dataset: str | None) -> str:
    """'' when a run on `dataset` measures the same thing as `entry`'s row, else why not (shown as 'n/a: …')."""
    row = data_row(table_id, dataset)
    if row is None or row.paper_name != entry.dataset:
        return "other data set"
    return "substitute data set" if row.substitute else ""
