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


L1_PROTOCOL = (
    "same-class L1 diversity: per class, the mean absolute pixel difference between {pairs} random pairs of distinct "
    "images of that class (pairs drawn with seed {seed}), images mapped from [-1, 1] to [0, 1]; averaged over classes"
)


def same_class_l1_diversity(
    images: torch.Tensor, labels: torch.Tensor, pairs: int = 1000, seed: int = 0
) -> tuple[float, dict[int, float]]:
    """(mean over classes, {class: value}) of the per-pixel L1 distance between random same-label pairs.

    Images are in [-1, 1] and are compared in [0, 1] (the distance halves); a pair is two distinct
    indices of the class, drawn uniformly with `pairs` draws per class from one generator seeded by
    `seed`, classes in increasing order. Higher is more diverse; 0 is a class that is one image.
    """
    rng = torch.Generator().manual_seed(seed)
    images, labels = images.detach().cpu().float(), labels.detach().cpu()
    per_class: dict[int, float] = {}
    for c in sorted(int(v) for v in labels.unique()):
        members = images[labels == c]
        if len(members) < 2:
            raise ValueError(f"class {c} has {len(members)} image(s); a pair needs 2")
        first = torch.randint(0, len(members), (pairs,), generator=rng)
        second = (first + torch.randint(1, len(members), (pairs,), generator=rng)) % len(members)
        a, b = (members[first] + 1) / 2, (members[second] + 1) / 2
        per_class[c] = float((a - b).abs().flatten(1).mean(1).mean())
    return sum(per_class.values()) / len(per_class), per_class
