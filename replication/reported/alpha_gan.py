"""alpha-GAN (Rosca et al. 2017): reported numbers and the claims the book tests.

None of the paper's numbers is transcribed yet (its text was not available when the registry was
compiled), so every value is None (shown as "see paper"); the claims are from the abstract [P] and third-party notes [S].
"""

from __future__ import annotations

from replication.reported import DataRow, Reported

_SOURCE = (
    "Rosca et al. 2017 (arXiv 1706.04987), quantitative comparison table: its numbers are not transcribed here yet "
    "(the paper's text was not available when the registry was compiled; no number is typed without a source)"
)

CIFAR10, CELEBA, COLOR_MNIST = "CIFAR-10", "CelebA 64 px", "ColorMNIST"
ROWS: dict[str, tuple[DataRow, ...]] = {
    "alpha_gan_table": (
        DataRow(CIFAR10, "cifar10"),
        DataRow(CELEBA, "celeba"),
        DataRow(COLOR_MNIST, "colormnist"),
    ),
}
# Which metric the paper reports on which data set (its comparison's layout, from third-party notes [S]):
# the inception score on CelebA and CIFAR-10, the independent critic on all three, MS-SSIM on CelebA.
_LAYOUT = {
    "classifier IS": (CIFAR10, CELEBA),
    "independent critic W": (CIFAR10, CELEBA, COLOR_MNIST),
    "MS-SSIM": (CELEBA,),
}

ENTRIES: tuple[Reported, ...] = tuple(
    Reported("alpha_gan_table", method, metric, None, _SOURCE, "not found", dataset=dataset)
    for metric, datasets in _LAYOUT.items()
    for dataset in datasets
    for method in ("alpha-GAN", "DCGAN", "WGAN-GP", "AGE", "VAE")
)

CLAIMS: dict[str, str] = {
    "alpha_gan_table": (
        "alpha-GAN reconstructs data, which GANs cannot, while its samples stay competitive with DCGAN and WGAN-GP "
        "(inception score, an independent Wasserstein critic) and are not less diverse (MS-SSIM); several "
        "encoder/generator updates per discriminator update work better (Rosca et al. 2017, abstract [P]; notes [S])."
    ),
}
