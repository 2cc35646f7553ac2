"""Sample diversity by MS-SSIM (Odena et al. 2017; alpha-GAN's mode-collapse test): the mean
multi-scale SSIM between random pairs of samples. Lower is more diverse; compare with the same
statistic on real images. torchmetrics computes MS-SSIM; 32×32 images are too small for the
standard 5 scales and 11-px window, so this uses 3 scales (the first three standard weights,
renormalised) and a 3-px Gaussian window; the protocol line says so.
"""

from __future__ import annotations

import torch
from torchmetrics.functional.image import multiscale_structural_similarity_index_measure

BETAS_3 = tuple(b / sum((0.0448, 0.2856, 0.3001)) for b in (0.0448, 0.2856, 0.3001))
PROTOCOL = "MS-SSIM over random pairs, 3 scales (weights 0.0448/0.2856/0.3001 renormalised), 3-px Gaussian window, images in [0, 1]"


def mean_pairwise_ms_ssim(images: torch.Tensor, pairs: int = 500, seed: int = 0) -> float:
    """Mean MS-SSIM of `pairs` random distinct pairs of `images` ([-1, 1] → [0, 1])."""
    rng = torch.Generator().manual_seed(seed)
    first = torch.randint(0, len(images), (pairs,), generator=rng)
    offset = torch.randint(1, len(images), (pairs,), generator=rng)
    second = (first + offset) % len(images)
    a, b = (images[first].float() + 1) / 2, (images[second].float() + 1) / 2
    value = multiscale_structural_similarity_index_measure(
        a.clamp(0, 1), b.clamp(0, 1), data_range=1.0, kernel_size=3, betas=BETAS_3, normalize="relu"
    )
    return float(value)
