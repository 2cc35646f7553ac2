"""ContraGAN (Kang & Park, NeurIPS 2020; arXiv 2006.12681): reported numbers and claims.

Each number below carries its own source. The numbers are arXiv v1's Tables 1 and 2 (CIFAR-10 and
Tiny ImageNet FID), which survive as images in the official repository; the NeurIPS version's tables
(with ImageNet) were not found, except its BigGAN baseline in the official README.
"""

from __future__ import annotations

from replication.reported import DataRow, Reported

_TABLE1_SOURCE = (
    "Kang & Park, arXiv 2006.12681 v1, Table 1 (FID, 'mean ± variance'; CIFAR-10 and Tiny ImageNet rows): image docs/figures/Table1.png "
    "in POSTECH-CVLab/PyTorch-StudioGAN (commit 96e09cb, 2020-06-23)"
)
_TABLE2_SOURCE = (
    "Kang & Park, arXiv 2006.12681 v1, Table 2 (FID; CIFAR-10 and Tiny ImageNet rows): image docs/figures/Table2.png in "
    "POSTECH-CVLab/PyTorch-StudioGAN; '*' values are quoted there from the original papers"
)

# (backbone, head) → (FID, ±) on CIFAR-10
_TABLE1_CIFAR10 = {
    ("SNDCGAN", "ACGAN"): (21.439, 0.581),
    ("SNDCGAN", "projection"): (19.524, 0.249),
    ("SNDCGAN", "2C"): (18.788, 0.571),
    ("SNResGAN", "ACGAN"): (11.588, 0.093),
    ("SNResGAN", "projection"): (11.025, 0.177),
    ("SNResGAN", "2C"): (11.334, 0.126),
    ("BigGAN", "ACGAN"): (10.697, 0.129),
    ("BigGAN", "projection"): (10.739, 0.016),
    ("BigGAN", "2C"): (10.597, 0.273),
}

# head → FID on Tiny ImageNet with BigGAN, Table 1's last row (no ± printed)
_TABLE1_TINY = {"ACGAN": 221.381, "projection": 40.981, "2C": 32.094}
# method → FID on Tiny ImageNet, arXiv v1 Table 2's second row
_TABLE2_TINY = {"SNResGAN": 46.969, "SAGAN": 42.558, "BigGAN": 34.090, "ContraGAN": 30.286}
_IMAGENET_SOURCE = (
    "Kang & Park, NeurIPS 2020 camera-ready: ImageNet 128 px values not found in its tables; the abstract "
    "(papers.nips.cc/paper_files/paper/2020/hash/f490c742cd8318b8ee6dca10af2a163f-Abstract.html) claims a 7.7 % "
    "lower FID than BigGAN"
)
_IMAGENET_BIGGAN_SOURCE = (
    "POSTECH-CVLab/PyTorch-StudioGAN README.md at commit 620796f (2021-05-09), ImageNet 128 row labelled 'Paper' "
    "(BigGAN + TTUR, the baseline of the paper's ImageNet comparison)"
)

CIFAR10, TINY, IMAGENET = "CIFAR-10", "Tiny ImageNet", "ImageNet 128 px"
ROWS: dict[str, tuple[DataRow, ...]] = {
    "contragan_table1": (DataRow(CIFAR10, "cifar10"), DataRow(TINY, "tiny-imagenet")),
    "contragan_table2": (
        DataRow(CIFAR10, "cifar10"),
        DataRow(TINY, "tiny-imagenet"),
        DataRow(IMAGENET, "imagenet"),
    ),
    "contragan_overfitting": (
        DataRow(
            "the paper's overfitting figure",
            "cifar10",
            "the figure is qualitative and its data set is not recorded here; the book runs CIFAR-10",
        ),
    ),
}

ENTRIES: tuple[Reported, ...] = (
    *(
        Reported(
            "contragan_table1",
            f"{backbone} + {head}",
            "FID",
            value,
            _TABLE1_SOURCE,
            "P",
            spread=spread,
            dataset=CIFAR10,
        )
        for (backbone, head), (value, spread) in _TABLE1_CIFAR10.items()
    ),
    *(
        Reported("contragan_table1", f"BigGAN + {head}", "FID", value, _TABLE1_SOURCE, "P", dataset=TINY)
        for head, value in _TABLE1_TINY.items()
    ),
    *(Reported("contragan_table2", m, "FID", v, _TABLE2_SOURCE, "P", dataset=TINY) for m, v in _TABLE2_TINY.items()),
    Reported("contragan_table2", "BigGAN", "FID", 21.072, _IMAGENET_BIGGAN_SOURCE, "P", dataset=IMAGENET),
    *(
        Reported("contragan_table2", m, "FID", None, _IMAGENET_SOURCE, "not found", dataset=IMAGENET)
        for m in ("SNResGAN", "SAGAN", "ContraGAN", "ContraGAN + CR")
    ),
    Reported(
        "contragan_table2",
        "ContraGAN + CR",
        "FID",
        None,
        "Kang & Park 2020: no ContraGAN + CR value in the paper's tables (the paper only says ContraGAN 'can "
        "benefit from consistency regularization')",
        "not found",
        dataset=TINY,
    ),
    Reported(
        "contragan_table2",
        "SNResGAN",
        "FID",
        17.5,
        _TABLE2_SOURCE,
        "P",
        note="'*': from the SNGAN/CRGAN paper",
        dataset=CIFAR10,
    ),
    Reported("contragan_table2", "SAGAN", "FID", 17.283, _TABLE2_SOURCE, "P", dataset=CIFAR10),
    Reported(
        "contragan_table2",
        "BigGAN",
        "FID",
        10.722,
        _TABLE2_SOURCE,
        "P",
        note="the authors' BigGAN run; the BigGAN paper's own value quoted beside it is 14.73",
        dataset=CIFAR10,
    ),
    Reported("contragan_table2", "ContraGAN", "FID", 10.322, _TABLE2_SOURCE, "P", dataset=CIFAR10),
    Reported(
        "contragan_table2",
        "ContraGAN + CR",
        "FID",
        None,
        "not in the paper's tables; the paper only says ContraGAN 'can benefit from consistency regularization'. "
        "StudioGAN's README (commit 620796f) lists 7.685 under another protocol (10k test images), not comparable",
        "not found",
        dataset=CIFAR10,
    ),
    Reported(
        "contragan_overfitting",
        "2C",
        "D gap (train − held-out)",
        None,
        "Kang & Park 2020, abstract and discriminator-overfitting figure: a qualitative claim, no number",
        "not found",
        dataset="the paper's overfitting figure",
    ),
)

CLAIMS: dict[str, str] = {
    "contragan_table1": (
        "With the same backbone, conditioning D by the 2C loss gives a lower FID than ACGAN and projection "
        "(Kang & Park 2020, arXiv v1 Table 1: true on SNDCGAN and BigGAN, not on SNResGAN, CIFAR-10)."
    ),
    "contragan_table2": (
        "ContraGAN has a lower FID than SNResGAN, SAGAN and BigGAN (CIFAR-10: 10.322 vs 10.722 for BigGAN, "
        "+3.7%; arXiv v1 Table 2), and benefits from consistency regularisation."
    ),
    "contragan_overfitting": (
        "The 2C loss reduces the discriminator's overfitting to the training images compared with projection "
        "(Kang & Park 2020, abstract)."
    ),
}
