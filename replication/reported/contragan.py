"""ContraGAN (Kang & Park, NeurIPS 2020; arXiv 2006.12681): reported numbers and claims.

Each number below carries its own source. Table 1 is arXiv v1's Table 1 (CIFAR-10 and Tiny ImageNet FID),
which survives as an image in the official repository. Table 2 is the NeurIPS 2020 camera-ready comparison
with state-of-the-art GANs (CIFAR-10, Tiny ImageNet and ImageNet 128 px: the version the book names); each
cell's note gives arXiv v1's Table 2 value where it differs.
"""

from __future__ import annotations

from replication.reported import DataRow, Reported

_TABLE1_SOURCE = (
    "Kang & Park, arXiv 2006.12681 v1, Table 1 (FID, 'mean ± variance'; CIFAR-10 and Tiny ImageNet rows): image docs/figures/Table1.png "
    "in POSTECH-CVLab/PyTorch-StudioGAN (commit 96e09cb, 2020-06-23)"
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
_TABLE2_NEURIPS_SOURCE = (
    "Kang & Park, ContraGAN: Contrastive Learning for Conditional Image Generation, NeurIPS 2020 (camera-ready; "
    "papers.nips.cc/paper_files/paper/2020/hash/f490c742cd8318b8ee6dca10af2a163f-Abstract.html), the comparison "
    "with state-of-the-art GANs (FID, mean ± standard deviation over runs where printed; '*' = taken from the "
    "original papers). The abstract's 7.3 % for Tiny ImageNet is its text; the table's column says +7.2 %"
)
# (method, data set) → (FID, ±, arXiv v1 Table 2's value where it differs)
_TABLE2_NEURIPS = {
    ("SAGAN", "CIFAR-10"): (17.127, 0.220, 17.283),
    ("BigGAN", "CIFAR-10"): (10.739, 0.016, 10.722),
    ("ContraGAN", "CIFAR-10"): (10.597, 0.273, 10.322),
    ("SNResGAN", "Tiny ImageNet"): (47.055, 3.234, 46.969),
    ("SAGAN", "Tiny ImageNet"): (46.221, 3.655, 42.558),
    ("BigGAN", "Tiny ImageNet"): (31.771, 3.968, 34.090),
    ("ContraGAN", "Tiny ImageNet"): (29.492, 1.296, 30.286),
    ("BigGAN", "ImageNet 128 px"): (21.072, None, None),
    ("ContraGAN", "ImageNet 128 px"): (19.443, None, None),
}
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
    *(
        Reported(
            "contragan_table2",
            method,
            "FID",
            value,
            _TABLE2_NEURIPS_SOURCE,
            "P",
            spread=spread,
            note=f"arXiv v1 Table 2: {v1:g}" if v1 is not None and v1 != value else "",
            dataset=dataset,
        )
        for (method, dataset), (value, spread, v1) in _TABLE2_NEURIPS.items()
    ),
    Reported(
        "contragan_table2",
        "SNResGAN",
        "FID",
        17.5,
        _TABLE2_NEURIPS_SOURCE,
        "P",
        note="'*': from the SNGAN/CR-GAN paper (as in arXiv v1)",
        dataset=CIFAR10,
    ),
    *(
        Reported(
            "contragan_table2",
            m,
            "FID",
            None,
            "Kang & Park, NeurIPS 2020 camera-ready comparison table: '—' (no ImageNet run of this method)",
            "not found",
            dataset=IMAGENET,
        )
        for m in ("SNResGAN", "SAGAN")
    ),
    *(
        Reported(
            "contragan_table2",
            "ContraGAN + CR",
            "FID",
            None,
            "Kang & Park 2020: no ContraGAN + CR value in the paper's tables (the paper only says ContraGAN 'can "
            "benefit from consistency regularization'); StudioGAN's README (commit 620796f) lists 7.685 on CIFAR-10 "
            "under another protocol (10k test images), not comparable",
            "not found",
            dataset=dataset,
        )
        for dataset in (CIFAR10, TINY, IMAGENET)
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
        "ContraGAN has a lower FID than SNResGAN, SAGAN and BigGAN (NeurIPS 2020 camera-ready: CIFAR-10 10.597 ± "
        "0.273 vs 10.739 ± 0.016 for BigGAN, +1.3 %; Tiny ImageNet +7.2 %; ImageNet 128 px 19.443 vs 21.072, +7.7 %), "
        "and benefits from consistency regularisation."
    ),
    "contragan_overfitting": (
        "The 2C loss reduces the discriminator's overfitting to the training images compared with projection "
        "(Kang & Park 2020, abstract)."
    ),
}
