"""MSGAN (Mao et al., CVPR 2019): reported numbers and the claims the book tests.

Each number below carries its own source. MSGAN's own text was not available when the registry was compiled: MSGAN's CIFAR-10 FID, the
DRIT table's cells and the StackGAN++ ± MS cells on CUB-200-2011 are known second-hand, from a later paper
that quotes them [S]; every other value is None ("see paper").
"""

from __future__ import annotations

from replication.reported import DataRow, Reported

_MSGAN_TABLE1_SOURCE = (
    "Mao et al., CVPR 2019, Table 1 (conditioned on labels, CIFAR-10). The numeric cells are not "
    "transcribed here yet: the paper's text was not available when the registry was compiled, and the official "
    "README prints none."
)

_PIX2PIX_SOURCE = (
    "Mao et al., CVPR 2019, the Pix2Pix table (conditioned on paired images: facades and maps, the BicycleGAN "
    "project's data). The numeric cells are not transcribed here yet: the paper's text was not available when the "
    "registry was compiled, and the official README prints none."
)

ROWS: dict[str, tuple[DataRow, ...]] = {
    "msgan_table1": (DataRow("CIFAR-10", "cifar10"),),
    "msgan_pix2pix": (DataRow("Facades", "facades"), DataRow("Maps", "maps")),
    "msgan_drit": (DataRow("Yosemite", "yosemite"), DataRow("Cat↔Dog", "cat2dog")),
}

_MSGAN_TABLE1_QUOTED = (
    "Mao et al. 2019's CIFAR-10 FID for MSGAN (DCGAN architecture), as quoted — marked 'copied from other "
    "papers', no ± printed — in Table 2 of a later paper (identified in our notes as MCL-GAN, Choi & Han, "
    "NeurIPS 2022; that attribution not verified). Not read in MSGAN's own PDF"
)

_DRIT_QUOTED = (
    "Mao et al. 2019's DRIT and DRIT + MS cells (mean ± std), as quoted — marked 'copied from other papers' — in "
    "Table 5 ('Quantitative results on the Yosemite (Summer⇄Winter) and Cat⇄Dog dataset', columns 'DRIT*' and "
    "'+MS (DRIT++)* [Mao et al. 2019]') of a later paper identified in our notes as MCL-GAN (Choi & Han, NeurIPS "
    "2022; that attribution not verified). Not read in MSGAN's own PDF. Caveat: the column is labelled DRIT++, so "
    "some cells (chiefly Winter→Summer and Dog→Cat) may come from the DRIT++ journal paper rather than MSGAN"
)
_DRIT_YOSEMITE_SOURCE = (
    _DRIT_QUOTED + ". Yosemite: A = summer, B = winter, so A→B is the paper's Summer→Winter and B→A its "
    "Winter→Summer. DRIT's Summer→Winter FID 57.24 ± 2.03 is independently quoted as MSGAN's in "
    "[ruiliu-ai/DivCo issue #2](https://github.com/ruiliu-ai/DivCo/issues/2)"
)
_DRIT_CAT2DOG_SOURCE = _DRIT_QUOTED + ". Cat↔Dog: A = cat, B = dog, so A→B is the paper's Cat→Dog and B→A its Dog→Cat"

# (row, direction as the table names it, the paper's direction) → method → (FID, NDB, JSD, LPIPS), each (mean, ±)
_DRIT_CELLS = {
    ("Yosemite", "A→B", "Summer→Winter"): {
        "DRIT": ((57.24, 2.03), (25.60, 1.14), (0.066, 0.005), (0.115, 0.000)),
        "DRIT + MS": ((51.85, 1.16), (22.80, 2.96), (0.046, 0.006), (0.147, 0.001)),
    },
    ("Yosemite", "B→A", "Winter→Summer"): {
        "DRIT": ((47.37, 3.25), (30.60, 2.97), (0.049, 0.009), (0.097, 0.000)),
        "DRIT + MS": ((46.23, 2.45), (27.80, 3.03), (0.038, 0.004), (0.118, 0.001)),
    },
    ("Cat↔Dog", "A→B", "Cat→Dog"): {
        "DRIT": ((22.74, 0.28), (42.00, 2.12), (0.127, 0.003), (0.245, 0.002)),
        "DRIT + MS": ((16.02, 0.30), (27.20, 0.84), (0.084, 0.002), (0.280, 0.002)),
    },
    ("Cat↔Dog", "B→A", "Dog→Cat"): {
        "DRIT": ((62.85, 0.21), (41.00, 0.71), (0.272, 0.002), (0.102, 0.001)),
        "DRIT + MS": ((29.57, 0.23), (31.00, 0.71), (0.068, 0.001), (0.214, 0.001)),
    },
}
_DRIT_SOURCES = {"Yosemite": _DRIT_YOSEMITE_SOURCE, "Cat↔Dog": _DRIT_CAT2DOG_SOURCE}

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
    + tuple(
        Reported(
            "msgan_drit",
            method,
            f"{metric} ({direction})",
            value,
            _DRIT_SOURCES[row],
            "S",
            note=f"the paper's {paper_direction}",
            spread=spread,
            dataset=row,
        )
        for (row, direction, paper_direction), methods in _DRIT_CELLS.items()
        for method, cells in methods.items()
        for metric, (value, spread) in zip(("FID", "NDB", "JSD", "LPIPS diversity"), cells, strict=True)
    )
)

CLAIMS: dict[str, str] = {
    "msgan_drit": (
        "The mode-seeking term makes DRIT's unpaired translations (Yosemite summer⇄winter, cat⇄dog) more diverse "
        "in both directions (higher LPIPS between outputs for one input, lower NDB and JSD) at similar or better "
        "FID (Mao et al. 2019, abstract and the DRIT table)."
    ),
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
