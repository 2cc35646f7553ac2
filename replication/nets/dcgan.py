"""MSGAN's conditional DCGAN for 32×32 images (HelenMao/MSGAN, DCGAN-Mode-Seeking/networks.py).

Generator: [z ; one-hot(c)] as a 1×1 map → 4×4 → 8×8 → 16×16 → 32×32, BN + ReLU, tanh output.
Discriminator: the image concatenated with constant one-hot label maps → 16 → 8 → 4 → 1, BN +
LeakyReLU(0.2). The official D ends in a sigmoid with BCE; ours returns the logit and the loss
uses BCE-with-logits, which is the same function computed stably.
Conv weights ~ N(0, 0.02) as in the official `gaussian_weights_init`.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F


def dcgan_init_(module: nn.Module) -> None:
    """N(0, 0.02) for every conv / transposed-conv weight (the official initialisation)."""
    for layer in module.modules():
        if isinstance(layer, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(layer.weight, 0.0, 0.02)


def up_stages(image_size: int) -> int:
    """How many ×2 stages lead from the 4×4 seed to `image_size` (32 → 3, 64 → 4, 128 → 5)."""
    stages = {32: 3, 64: 4, 128: 5}
    if image_size not in stages:
        raise ValueError(f"image_size must be one of {sorted(stages)}, got {image_size}")
    return stages[image_size]


class CondGenerator32(nn.Module):
    """G(z, c): z ∈ R^nz and a class label → an image in [-1, 1]^(C×S×S), S = 32 (or 64, 128).

    4×4 seed with width·2^(stages−1) channels, halved at every ×2 stage down to `width`, then the
    image; for S = 32 this is MSGAN's official 4d → 2d → d → C generator.
    """

    def __init__(
        self, nz: int = 100, num_classes: int = 10, width: int = 128, out_channels: int = 3, image_size: int = 32
    ):
        super().__init__()
        self.nz, self.num_classes = nz, num_classes
        channels = [width * 2**i for i in reversed(range(up_stages(image_size)))]  # e.g. [4d, 2d, d]
        layers: list[nn.Module] = [
            nn.ConvTranspose2d(nz + num_classes, channels[0], 4, 1, 0),
            nn.BatchNorm2d(channels[0]),
            nn.ReLU(),
        ]
        for c_in, c_out in zip(channels, channels[1:], strict=False):
            layers += [nn.ConvTranspose2d(c_in, c_out, 4, 2, 1), nn.BatchNorm2d(c_out), nn.ReLU()]
        layers += [nn.ConvTranspose2d(channels[-1], out_channels, 4, 2, 1), nn.Tanh()]
        self.net = nn.Sequential(*layers)
        dcgan_init_(self)

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """`labels`: class indices [N], or soft class vectors [N, K] (e.g. to morph between classes)."""
        onehot = labels.to(z.dtype) if labels.is_floating_point() else F.one_hot(labels, self.num_classes).to(z.dtype)
        return self.net(torch.cat([z, onehot], dim=1)[:, :, None, None])


class CondDiscriminator32(nn.Module):
    """D(x, c) → one real/fake logit per image; the label enters as C constant one-hot maps."""

    def __init__(self, num_classes: int = 10, width: int = 128, in_channels: int = 3):
        super().__init__()
        self.num_classes = num_classes
        d = width
        self.net = nn.Sequential(
            nn.Conv2d(in_channels + num_classes, d, 4, 2, 1),
            nn.LeakyReLU(0.2),
            nn.Conv2d(d, d * 2, 4, 2, 1),
            nn.BatchNorm2d(d * 2),
            nn.LeakyReLU(0.2),
            nn.Conv2d(d * 2, d * 4, 4, 2, 1),
            nn.BatchNorm2d(d * 4),
            nn.LeakyReLU(0.2),
            nn.Conv2d(d * 4, 1, 4, 1, 0),
        )
        dcgan_init_(self)

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        maps = F.one_hot(labels, self.num_classes).to(x.dtype)[:, :, None, None]
        maps = maps.expand(-1, -1, x.shape[2], x.shape[3])
        return self.net(torch.cat([x, maps], dim=1)).flatten()
