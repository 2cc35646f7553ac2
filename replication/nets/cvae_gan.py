"""CVAE-GAN's four networks for 32×32 images (Bao et al., ICCV 2017, Fig. 2), DCGAN-sized.

- E(x, c) → (μ, log σ²): the encoder of the conditional VAE (label maps concatenated to the image);
- G(z, c) → x: the conditional DCGAN generator of `replication.nets.dcgan` (one-hot c with z);
- D(x) → (logit, f_D): a real/fake discriminator that also returns its last hidden features;
- C(x) → (logits, f_C): the model's own class-recognition network with its last hidden features.

The paper's nets are larger (GoogLeNet encoder, AlexNet classifier, 128 px); these keep the roles
and the interfaces at the scale of the offline data.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from replication.nets.dcgan import CondGenerator32, dcgan_init_, up_stages

__all__ = ["Encoder32", "FeatureDiscriminator32", "FeatureClassifier32", "CondGenerator32", "reparameterise"]


def _down(c_in: int, c_out: int, bn: bool = True) -> list[nn.Module]:
    """A stride-2 4×4 conv, optional BatchNorm, LeakyReLU(0.2)."""
    layers: list[nn.Module] = [nn.Conv2d(c_in, c_out, 4, 2, 1)]
    if bn:
        layers.append(nn.BatchNorm2d(c_out))
    return layers + [nn.LeakyReLU(0.2)]


class ConvTrunk(nn.Module):
    """S → S/2 → … → 4 with widths w, 2w, 4w, … (S = 32: w, 2w, 4w), flattened; BN off for WGAN-GP critics."""

    def __init__(self, in_channels: int, width: int, batch_norm: bool = True, image_size: int = 32):
        super().__init__()
        channels = [width * 2**i for i in range(up_stages(image_size))]  # e.g. [w, 2w, 4w]
        layers = _down(in_channels, channels[0], bn=False)
        for c_in, c_out in zip(channels, channels[1:], strict=False):
            layers += _down(c_in, c_out, bn=batch_norm)
        self.net = nn.Sequential(*layers)
        self.out_features = channels[-1] * 16

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).flatten(1)


class Encoder32(nn.Module):
    """E(x, c) → (μ, log σ²), each [N, nz]."""

    def __init__(self, nz: int, num_classes: int, width: int, in_channels: int, image_size: int = 32):
        super().__init__()
        self.num_classes = num_classes
        self.trunk = ConvTrunk(in_channels + num_classes, width, image_size=image_size)
        self.mu = nn.Linear(self.trunk.out_features, nz)
        self.logvar = nn.Linear(self.trunk.out_features, nz)
        dcgan_init_(self)

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        maps = F.one_hot(labels, self.num_classes).to(x.dtype)[:, :, None, None].expand(-1, -1, *x.shape[2:])
        h = self.trunk(torch.cat([x, maps], dim=1))
        return self.mu(h), self.logvar(h)


def reparameterise(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """z = μ + σ ⊙ ε with σ = exp(½ log σ²), ε ~ N(0, I) (the standard deviation, not the variance)."""
    return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)


class FeatureDiscriminator32(nn.Module):
    """D(x) → (logit [N], f_D [N, 4w·16]): unconditional, as in the paper (no BN: a WGAN-GP critic)."""

    def __init__(self, width: int, in_channels: int, batch_norm: bool = True, image_size: int = 32):
        super().__init__()
        self.trunk = ConvTrunk(in_channels, width, batch_norm, image_size)
        self.head = nn.Linear(self.trunk.out_features, 1)
        dcgan_init_(self)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        features = self.trunk(x)
        return self.head(features).flatten(), features


class FeatureClassifier32(nn.Module):
    """C(x) → (logits [N, K], f_C [N, 4w·16]): the model's own classifier (not the evaluator)."""

    def __init__(self, num_classes: int, width: int, in_channels: int, image_size: int = 32):
        super().__init__()
        self.trunk = ConvTrunk(in_channels, width, image_size=image_size)
        self.head = nn.Linear(self.trunk.out_features, num_classes)
        dcgan_init_(self)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        features = self.trunk(x)
        return self.head(features), features
