"""Unconditional 32×32 (or 64, 128 px) networks for alpha-GAN and its comparison models (Rosca et al. 2017).

DCGAN-style, reusing the project's blocks: G is the DCGAN generator with a single constant
"class"; E maps an image to a code (deterministic for alpha-GAN and AGE, Gaussian for the VAE);
D is `FeatureDiscriminator32` (BN off for the WGAN-GP critic); the code discriminator C is an MLP
on z (it replaces the KL term: the implicit posterior).
"""

from __future__ import annotations

import torch
import torch.nn as nn

from replication.nets.cvae_gan import ConvTrunk, FeatureDiscriminator32
from replication.nets.dcgan import CondGenerator32, dcgan_init_

__all__ = [
    "Generator32",
    "CodeEncoder32",
    "GaussianEncoder32",
    "CodeDiscriminator",
    "FeatureDiscriminator32",
    "to_sphere",
]


class Generator32(CondGenerator32):
    """G(z) → x: the conditional DCGAN generator with one constant class."""

    def __init__(self, nz: int, width: int, out_channels: int, image_size: int = 32):
        super().__init__(nz, 1, width, out_channels, image_size)

    def forward(self, z: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        return super().forward(z, torch.zeros(len(z), dtype=torch.long, device=z.device))


class CodeEncoder32(nn.Module):
    """E(x) → z (deterministic). `sphere=True` (AGE) projects z onto the sphere of radius √nz, where
    N(0, I) samples concentrate; it keeps AGE's batch-moment divergences bounded."""

    def __init__(self, nz: int, width: int, in_channels: int, image_size: int = 32, sphere: bool = False):
        super().__init__()
        self.trunk = ConvTrunk(in_channels, width, image_size=image_size)
        self.head = nn.Linear(self.trunk.out_features, nz)
        self.sphere = sphere
        dcgan_init_(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = self.head(self.trunk(x))
        return to_sphere(z) if self.sphere else z


def to_sphere(z: torch.Tensor) -> torch.Tensor:
    """z / ‖z‖ · √nz: AGE's latent space (Ulyanov et al. 2018 use the unit sphere; this radius matches N(0, I))."""
    return nn.functional.normalize(z, dim=1) * z.shape[1] ** 0.5


class GaussianEncoder32(nn.Module):
    """E(x) → (μ, log σ²) for the VAE."""

    def __init__(self, nz: int, width: int, in_channels: int, image_size: int = 32):
        super().__init__()
        self.trunk = ConvTrunk(in_channels, width, image_size=image_size)
        self.mu, self.logvar = nn.Linear(self.trunk.out_features, nz), nn.Linear(self.trunk.out_features, nz)
        dcgan_init_(self)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.trunk(x)
        return self.mu(h), self.logvar(h)


class CodeDiscriminator(nn.Module):
    """C(z) → logit that z was drawn from the prior N(0, I) (not produced by the encoder)."""

    def __init__(self, nz: int, hidden: int = 256):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(nz, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, 1)
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z).flatten()
