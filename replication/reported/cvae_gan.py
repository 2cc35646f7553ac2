"""CVAE-GAN (Bao et al., ICCV 2017): reported numbers and the claims the book tests.

Each number below carries its own source. The Table 1 numbers are secondary [S]: quoted by a
third-party reproduction, not read from the PDF.
"""

from __future__ import annotations

from replication.reported import Reported

_TABLE1 = (
    "Bao et al. 2017, Table 1 (FaceScrub, 53k generated faces), as quoted by the third-party repository "
    "sivajeetsabdakar/cvae-gan-pytorch-reproduction (latex/presentation.tex slide 4; README.md)"
)
_AUGMENT = (
    "Bao et al. 2017, face-recognition data augmentation (LFW accuracy), as quoted by "
    "sivajeetsabdakar/cvae-gan-pytorch-reproduction (latex/presentation.tex slide 5)"
)

ENTRIES: tuple[Reported, ...] = (
    Reported("cvae_gan_table1", "real data", "top-1", 99.61, _TABLE1, "S"),
    Reported("cvae_gan_table1", "CVAE", "top-1", 8.09, _TABLE1, "S"),
    Reported("cvae_gan_table1", "CGAN", "top-1", 61.97, _TABLE1, "S"),
    Reported("cvae_gan_table1", "FM-CGAN", "top-1", 79.76, _TABLE1, "S"),
    Reported("cvae_gan_table1", "CVAE-GAN", "top-1", 97.78, _TABLE1, "S"),
    Reported("cvae_gan_table1", "real data", "realism", 20.85, _TABLE1, "S"),
    Reported("cvae_gan_table1", "CVAE", "realism", 10.29, _TABLE1, "S"),
    Reported("cvae_gan_table1", "CGAN", "realism", 15.79, _TABLE1, "S"),
    Reported("cvae_gan_table1", "FM-CGAN", "realism", 19.40, _TABLE1, "S"),
    Reported("cvae_gan_table1", "CVAE-GAN", "realism", 19.03, _TABLE1, "S"),
    Reported("cvae_gan_applications", "real subset only", "accuracy", 91.87, _AUGMENT, "S", "LFW, no synthetic faces"),
    Reported("cvae_gan_applications", "real subset + CVAE-GAN samples", "accuracy", 92.98, _AUGMENT, "S", "LFW"),
)

CLAIMS: dict[str, str] = {
    "cvae_gan_table1": (
        "A classifier trained on real images recognises CVAE-GAN's samples best (top-1 CVAE-GAN > FM-CGAN > CGAN > "
        "CVAE), while the realism score puts FM-CGAN ≈ CVAE-GAN > CGAN > CVAE (Bao et al. 2017, Table 1)."
    ),
    "cvae_gan_applications": (
        "CVAE-GAN samples used as extra training data improve a recogniser (LFW 91.87 → 92.98), and the model "
        "inpaints masked regions and morphs between classes (Bao et al. 2017, §5)."
    ),
}
