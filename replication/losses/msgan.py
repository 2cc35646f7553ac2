"""MSGAN's mode-seeking regulariser (Mao et al., CVPR 2019, eq. 3).

The paper maximises the ratio of image distance to latent distance for one condition c:

    L_ms = max_G  d_I(G(c, z1), G(c, z2)) / d_z(z1, z2)

The official code (DCGAN-Mode-Seeking/model.py) minimises its reciprocal with both distances as
mean absolute differences (L1) and eps = 1e-5, added to the generator loss with weight λ_ms = 1:

    ratio  = mean|G(c, z2) − G(c, z1)| / mean|z2 − z1|
    L_ms   = 1 / (ratio + 1e-5)

`mode_seeking_loss` returns that reciprocal form (what this code trains with).
"""

from __future__ import annotations

import torch

MS_EPS = 1e-5


def mode_seeking_ratio(fake1: torch.Tensor, fake2: torch.Tensor, z1: torch.Tensor, z2: torch.Tensor) -> torch.Tensor:
    """d_I / d_z with L1 (mean absolute difference) distances over the whole batch."""
    return torch.mean(torch.abs(fake2 - fake1)) / torch.mean(torch.abs(z2 - z1))


def mode_seeking_loss(
    fake1: torch.Tensor, fake2: torch.Tensor, z1: torch.Tensor, z2: torch.Tensor, eps: float = MS_EPS
) -> torch.Tensor:
    """L_ms = 1 / (d_I(G(c,z1), G(c,z2)) / d_z(z1, z2) + eps), the official reciprocal form."""
    return 1.0 / (mode_seeking_ratio(fake1, fake2, z1, z2) + eps)


def mode_seeking_weight(method: str, methods: tuple[str, str], lambda_ms: float) -> float:
    """λ_ms of `method` in a table's (baseline, baseline + MS) pair: 0 for the baseline, `lambda_ms` with mode seeking."""
    if method not in methods:
        raise ValueError(f"Unknown method {method!r}. Valid methods: {', '.join(methods)}.")
    return lambda_ms if method == methods[1] else 0.0
