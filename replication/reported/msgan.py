"""MSGAN (Mao et al., CVPR 2019): reported numbers and the claims the book tests.

Each number below carries its own source. MSGAN's own PDF was not reachable: MSGAN's CIFAR-10 FID and the
StackGAN++ ± MS cells on CUB-200-2011 are known second-hand, from a later paper that quotes them [S]; every
other value is None ("see paper").
"""

from __future__ import annotations

from replication.reported import DataRow, Reported

_MSGAN_TABLE1_SOURCE = (
    "Mao et al., CVPR 2019, Table 1 (conditioned on labels, CIFAR-10). The numeric cells were not "
    "reachable when the registry was compiled (no PDF at hand; the official README has none)."
)

_PIX2PIX_SOURCE = (
    "Mao et al., CVPR 2019, the Pix2Pix table (conditioned on paired images: facades and maps, the BicycleGAN "
    "project's data). The numeric cells were not reachable (no PDF at hand; the official README has none)."
)

ROWS: dict[str, tuple[DataRow, ...]] = {
    "msgan_table1": (DataRow("CIFAR-10", "cifar10"),),
    "msgan_pix2pix": (DataRow("Facades", "facades"), DataRow("Maps", "maps")),
}

_MSGAN_TABLE1_QUOTED = (
    "Mao et al. 2019's CIFAR-10 FID for MSGAN (DCGAN architecture), as quoted — marked 'copied from other "
    "papers', no ± printed — in Table 2 of a later paper (identified in our notes as MCL-GAN, Choi & Han, "
    "NeurIPS 2022; that attribution not verified). Not read in MSGAN's own PDF"
)

ENTRIES: tuple[Reported, ...] = (
    tuple(
        Reported("msgan_table1", method, metric, None, _MSGAN_TABLE1_SOURCE, "not found", dataset="CIFAR-10")
        for method in ("DCGAN", "MSGAN")
        for metric in ("FID", "NDB", "JSD")
        if (method, metric) != ("MSGAN", "FID")
    )
    + (
        Reported(
            "msgan_table1",
            "MSGAN",
            "FID",
            28.73,
            _MSGAN_TABLE1_QUOTED,
            "S",
            note="secondary: the baseline's FID under the same protocol was not found, so no gain can be computed",
            dataset="CIFAR-10",
        ),
    )
    + tuple(
        Reported("msgan_pix2pix", method, metric, None, _PIX2PIX_SOURCE, "not found", dataset=row)
        for row in ("Facades", "Maps")
        for method in ("Pix2Pix", "Pix2Pix + MS")
        for metric in ("FID", "LPIPS diversity", "NDB", "JSD")
    )
)

CLAIMS: dict[str, str] = {
    "msgan_pix2pix": (
        "The same mode-seeking term makes an image-conditioned generator (Pix2Pix on facades and maps) more "
        "diverse (higher LPIPS between outputs for one input, lower NDB and JSD) at similar or better FID "
        "(Mao et al. 2019, abstract and the Pix2Pix table)."
    ),
    "msgan_table1": (
        "Adding the mode-seeking term to a label-conditioned DCGAN lowers NDB and JSD (more "
        "diverse samples, closer bin proportions) without hurting FID "
        "(Mao et al. 2019, abstract: 'improving diversity without loss of quality'; Table 1)."
    ),
}

# StackGAN++ ± MS on CUB-200-2011: MSGAN's own cells were not read; a later paper quotes them.
_STACKGAN_QUOTED = (
    "Mao et al. 2019's StackGAN++ and StackGAN++ + MS on CUB-200-2011, as quoted in Table 6 ('Quantitative "
    "results on CUB-200-2011', columns 'StackGAN++*' and '+MS* [Mao et al. 2019]') of MCL-GAN (Choi & Han, "
    "NeurIPS 2022); JSD and LPIPS rounded to two decimals there. Not read in MSGAN's own PDF"
)
ROWS["msgan_stackgan"] = (DataRow("CUB-200-2011", "cub200"),)
_STACKGAN_CELLS = {
    ("StackGAN++", "FID"): (25.99, 4.26),
    ("StackGAN++", "NDB"): (38.20, 2.39),
    ("StackGAN++", "JSD"): (0.09, 0.01),
    ("StackGAN++", "LPIPS diversity"): (0.36, 0.00),
    ("StackGAN++ + MS", "FID"): (25.53, 1.83),
    ("StackGAN++ + MS", "NDB"): (30.60, 2.51),
    ("StackGAN++ + MS", "JSD"): (0.07, 0.00),
    ("StackGAN++ + MS", "LPIPS diversity"): (0.37, 0.01),
}
ENTRIES += tuple(
    Reported(
        "msgan_stackgan",
        method,
        metric,
        value,
        _STACKGAN_QUOTED,
        "S",
        note="secondary: quoted by a later paper",
        spread=spread,
        dataset="CUB-200-2011",
    )
    for (method, metric), (value, spread) in _STACKGAN_CELLS.items()
)
CLAIMS["msgan_stackgan"] = (
    "The mode-seeking term makes a text-conditioned generator (StackGAN++ on CUB-200-2011) more diverse for one "
    "caption (higher LPIPS, lower NDB and JSD) at similar or better FID (Mao et al. 2019, abstract and the "
    "text-to-image table)."
)
