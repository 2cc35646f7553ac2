"""The papers' reported numbers, one entry per cell, each with its source.

Every entry names its source (marks: P primary, S secondary,
B widely quoted; "not found" cells keep value None and render as "see paper"). Never type a
number here without a source that a reader can open.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


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

    @property
    def shown(self) -> str:
        return "see paper" if self.value is None else f"{self.value:g}"


# One module per paper in replication/reported/, each with ENTRIES (Reported, …) and CLAIMS.
PAPER_MODULES = ("msgan", "cvae_gan", "alpha_gan", "contragan")


def _collect() -> tuple[tuple[Reported, ...], dict[str, str]]:
    entries: list[Reported] = []
    claims: dict[str, str] = {}
    for name in PAPER_MODULES:
        module = importlib.import_module(f"replication.reported.{name}")
        entries.extend(module.ENTRIES)
        claims.update(module.CLAIMS)
    return tuple(entries), claims


REPORTED, PAPER_CLAIMS = _collect()


def reported_for(table_id: str) -> list[Reported]:
    entries = [r for r in REPORTED if r.table_id == table_id]
    if not entries:
        tables = sorted({r.table_id for r in REPORTED})
        raise ValueError(f"No reported numbers registered for {table_id!r}. Tables: {', '.join(tables)}.")
    return entries


def reported_value(table_id: str, method: str, metric: str) -> Reported | None:
    for entry in REPORTED:
        if (entry.table_id, entry.method, entry.metric) == (table_id, method, metric):
            return entry
    return None
