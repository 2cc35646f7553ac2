"""The papers' reported numbers, one entry per cell, each with its source.

The research behind every entry is `shared/reported_tables.md` (marks: P primary, S secondary,
B widely quoted; "not found" cells keep value None and render as "see paper"). Never type a
number here without a source that a reader can open.
"""

from __future__ import annotations

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

    @property
    def shown(self) -> str:
        return "see paper" if self.value is None else f"{self.value:g}"


_MSGAN_TABLE1_SOURCE = (
    "Mao et al., CVPR 2019, Table 1 (conditioned on labels, CIFAR-10). The numeric cells were not "
    "reachable when the registry was compiled (no PDF at hand; the official README has none)."
)

REPORTED: tuple[Reported, ...] = tuple(
    Reported("msgan_table1", method, metric, None, _MSGAN_TABLE1_SOURCE, "not found")
    for method in ("DCGAN", "MSGAN")
    for metric in ("FID", "NDB", "JSD")
)

PAPER_CLAIMS: dict[str, str] = {
    "msgan_table1": (
        "Adding the mode-seeking term to a label-conditioned DCGAN lowers NDB and JSD (more "
        "diverse samples, closer bin proportions) without hurting FID "
        "(Mao et al. 2019, abstract: 'improving diversity without loss of quality'; Table 1)."
    ),
}


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
