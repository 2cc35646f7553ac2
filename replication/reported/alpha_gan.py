"""alpha-GAN (Rosca et al. 2017): reported numbers and the claims the book tests.

None of the paper's numbers was reachable (no PDF at hand),
so every value is None ("see paper"); the claims are from the abstract [P] and third-party notes [S].
"""

from __future__ import annotations

from replication.reported import Reported

_SOURCE = "Rosca et al. 2017 (arXiv 1706.04987), quantitative comparison table: numbers not found (no PDF at hand)"

ENTRIES: tuple[Reported, ...] = tuple(
    Reported("alpha_gan_table", method, metric, None, _SOURCE, "not found")
    for method in ("alpha-GAN", "DCGAN", "WGAN-GP", "AGE", "VAE")
    for metric in ("independent critic W", "classifier IS", "MS-SSIM")
)

CLAIMS: dict[str, str] = {
    "alpha_gan_table": (
        "alpha-GAN reconstructs data, which GANs cannot, while its samples stay competitive with DCGAN and WGAN-GP "
        "(inception score, an independent Wasserstein critic) and are not less diverse (MS-SSIM); several "
        "encoder/generator updates per discriminator update work better (Rosca et al. 2017, abstract [P]; notes [S])."
    ),
}
