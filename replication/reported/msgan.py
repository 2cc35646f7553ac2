"""MSGAN (Mao et al., CVPR 2019): reported numbers and the claims the book tests.

Each number below carries its own source. No numeric cell of MSGAN's tables was reachable, so every
value is None ("see paper").
"""

from __future__ import annotations

from replication.reported import DataRow, Reported

_MSGAN_TABLE1_SOURCE = (
    "Mao et al., CVPR 2019, Table 1 (conditioned on labels, CIFAR-10). The numeric cells were not "
    "reachable when the registry was compiled (no PDF at hand; the official README has none)."
)

ROWS: dict[str, tuple[DataRow, ...]] = {"msgan_table1": (DataRow("CIFAR-10", "cifar10"),)}

ENTRIES: tuple[Reported, ...] = tuple(
    Reported("msgan_table1", method, metric, None, _MSGAN_TABLE1_SOURCE, "not found", dataset="CIFAR-10")
    for method in ("DCGAN", "MSGAN")
    for metric in ("FID", "NDB", "JSD")
)

CLAIMS: dict[str, str] = {
    "msgan_table1": (
        "Adding the mode-seeking term to a label-conditioned DCGAN lowers NDB and JSD (more "
        "diverse samples, closer bin proportions) without hurting FID "
        "(Mao et al. 2019, abstract: 'improving diversity without loss of quality'; Table 1)."
    ),
}
