"""StackGAN++ (Zhang et al., TPAMI 2018; official code hanzhanggit/StackGAN-v2, `model.py`), sizes configurable.

Conditioning augmentation (`CANet`): from the text embedding φ_t, one linear layer and a GLU give
(μ, log σ²); the condition is sampled by reparameterisation, ĉ = μ + σ ⊙ ε, ε ~ N(0, I), and the
generator pays the KL term

    KL(N(μ, diag σ²) ‖ N(0, I)) = ½ Σ_j (μ_j² + σ_j² − log σ_j² − 1)            (`kl_divergence`)

Generator (`StackGenerator`): stage 1 maps [z; ĉ] by a linear layer (BN, GLU) to a 4×4 map with
`g_width`·2^u channels and u up-blocks (nearest ×2, 3×3 conv, BN, GLU; channels halve) to the base
size; each next stage joins the previous hidden map with ĉ (3×3 conv, BN, GLU), applies `res_blocks`
residual blocks and one up-block (×2 size, half the channels). Every stage ends in a 3×3 conv + tanh,
so stage i outputs an image of side base·2^i (official: base 64, three stages, 64/128/256).

Discriminators (`StageDiscriminator`, one per stage): stride-2 4×4 convs (LeakyReLU 0.2, BN after the
first) bring the image to 4×4 (at 128/256 px extra down-blocks and 3×3 "leak" blocks back to 8·d
channels, as D_NET128/D_NET256); the unconditional logit is a 4×4 stride-4 conv of that code, the
conditional one the same on [code; μ repeated 4×4] after a 3×3 joint conv. The official nets end in a
sigmoid and train with BCE; here they return logits for BCE-with-logits (the same loss, stabler).

Colour consistency (`colour_consistency`, official `compute_mean_covariance` + trainer): for each
pair of consecutive stages, with per-image pixel-colour mean μ and covariance Σ = (1/P) Σ_p (x_p − μ)(x_p − μ)ᵀ,

    L_C = λ_c · [ MSE(μ_i, sg(μ_{i−1})) + 5 · MSE(Σ_i, sg(Σ_{i−1})) ]

(sg: the previous stage is detached). The official birds config leaves λ_c = COLOR_LOSS at 0; its
unconditional configs turn it on.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

STAGE_SIZES = (16, 32, 64, 128, 256)


def kl_divergence(mu: torch.Tensor, logvar: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """KL(N(μ, σ²) ‖ N(0, I)) with the elements ½(μ² + σ² − log σ² − 1).

    `reduction="sum"`: summed over the condition's dimensions, averaged over the batch (the KL of each
    sample's Gaussian); `"mean"`: averaged over batch and dimensions (the official `KL_loss`, which
    StackGAN++ weights by COEFF.KL = 2)."""
    elements = 0.5 * (mu.pow(2) + logvar.exp() - logvar - 1)
    if reduction == "sum":
        return elements.sum(1).mean()
    if reduction == "mean":
        return elements.mean()
    raise ValueError(f"reduction must be 'mean' or 'sum', got {reduction!r}")


def mean_covariance(images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per image: the pixel colours' mean [N, C] and covariance [N, C, C] (divided by the pixel count)."""
    n, c = images.shape[:2]
    flat = images.reshape(n, c, -1)
    mu = flat.mean(2)
    centred = flat - mu.unsqueeze(2)
    return mu, centred @ centred.transpose(1, 2) / flat.shape[2]


def colour_consistency(images: list[torch.Tensor], weight: float, cov_factor: float = 5.0) -> torch.Tensor:
    """Σ over consecutive stages of weight·[MSE(μ_i, sg μ_{i−1}) + cov_factor·MSE(Σ_i, sg Σ_{i−1})]."""
    total = images[0].new_zeros(())
    for previous, current in zip(images, images[1:], strict=False):
        mu1, cov1 = mean_covariance(current)
        mu0, cov0 = mean_covariance(previous.detach())
        total = total + weight * (F.mse_loss(mu1, mu0) + cov_factor * F.mse_loss(cov1, cov0))
    return total


def stackgan_init_(module: nn.Module) -> None:
    """Official `weights_init`: conv N(0, 0.02); BN scale N(1, 0.02), shift 0; linear orthogonal, bias 0."""
    for layer in module.modules():
        if isinstance(layer, nn.Conv2d):
            nn.init.normal_(layer.weight, 0.0, 0.02)
        elif isinstance(layer, (nn.BatchNorm2d, nn.BatchNorm1d)):
            nn.init.normal_(layer.weight, 1.0, 0.02)
            nn.init.zeros_(layer.bias)
        elif isinstance(layer, nn.Linear):
            nn.init.orthogonal_(layer.weight)
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)


def conv3x3(cin: int, cout: int) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, 3, 1, 1, bias=False)


def glu_block(cin: int, cout: int) -> nn.Sequential:
    """3×3 conv to 2·cout, BN, GLU → cout channels."""
    return nn.Sequential(conv3x3(cin, cout * 2), nn.BatchNorm2d(cout * 2), nn.GLU(1))


def up_block(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), glu_block(cin, cout))


class ResBlock(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.body = nn.Sequential(glu_block(channels, channels), conv3x3(channels, channels), nn.BatchNorm2d(channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class CANet(nn.Module):
    """φ_t → (ĉ, μ, log σ²): linear to 4·c_dim, GLU, split; ĉ = μ + exp(½ log σ²) ⊙ ε."""

    def __init__(self, text_dim: int, c_dim: int):
        super().__init__()
        self.c_dim = c_dim
        self.fc = nn.Linear(text_dim, c_dim * 4)

    def forward(self, text: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        h = F.glu(self.fc(text), 1)
        mu, logvar = h[:, : self.c_dim], h[:, self.c_dim :]
        c = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return c, mu, logvar


def stage_sizes(base_size: int, stages: int) -> list[int]:
    sizes = [base_size * 2**i for i in range(stages)]
    if any(s not in STAGE_SIZES for s in sizes):
        raise ValueError(f"stage sizes {sizes} must each be one of {list(STAGE_SIZES)}")
    return sizes


class StackGenerator(nn.Module):
    """G(z, φ_t) → ([images of each stage], μ, log σ²)."""

    def __init__(
        self,
        nz: int,
        text_dim: int,
        c_dim: int,
        g_width: int,
        base_size: int = 64,
        stages: int = 3,
        channels: int = 3,
        res_blocks: int = 2,
    ):
        super().__init__()
        self.sizes = stage_sizes(base_size, stages)
        if g_width % 2 ** (stages - 1):
            raise ValueError(f"g_width {g_width} must be divisible by 2^(stages − 1) = {2 ** (stages - 1)}")
        ups = int(math.log2(base_size // 4))
        top = g_width * 2**ups
        self.nz, self.top = nz, top
        self.ca = CANet(text_dim, c_dim)
        self.fc = nn.Sequential(
            nn.Linear(nz + c_dim, top * 16 * 2, bias=False), nn.BatchNorm1d(top * 16 * 2), nn.GLU(1)
        )
        self.init_ups = nn.Sequential(*[up_block(top // 2**k, top // 2 ** (k + 1)) for k in range(ups)])
        self.nexts = nn.ModuleList()
        self.heads = nn.ModuleList([nn.Sequential(conv3x3(g_width, channels), nn.Tanh())])
        width = g_width
        for _ in range(1, stages):
            self.nexts.append(
                nn.Sequential(
                    glu_block(width + c_dim, width),
                    *[ResBlock(width) for _ in range(res_blocks)],
                    up_block(width, width // 2),
                )
            )
            width //= 2
            self.heads.append(nn.Sequential(conv3x3(width, channels), nn.Tanh()))
        stackgan_init_(self)

    def forward(self, z: torch.Tensor, text: torch.Tensor) -> tuple[list[torch.Tensor], torch.Tensor, torch.Tensor]:
        c, mu, logvar = self.ca(text)
        h = self.init_ups(self.fc(torch.cat([z, c], 1)).view(len(z), self.top, 4, 4))
        images = [self.heads[0](h)]
        for next_stage, head in zip(self.nexts, self.heads[1:], strict=True):
            condition = c.view(*c.shape, 1, 1).expand(-1, -1, h.shape[2], h.shape[3])
            h = next_stage(torch.cat([h, condition], 1))
            images.append(head(h))
        return images, mu, logvar


def leaky(cin: int, cout: int, kernel: int = 4, stride: int = 2, norm: bool = True) -> nn.Sequential:
    layers: list[nn.Module] = [
        nn.Conv2d(cin, cout, kernel, stride, (kernel - 1) // 2 if kernel == 3 else 1, bias=False)
    ]
    if norm:
        layers.append(nn.BatchNorm2d(cout))
    layers.append(nn.LeakyReLU(0.2, inplace=True))
    return nn.Sequential(*layers)


class StageDiscriminator(nn.Module):
    """D(x, μ) → (conditional logit [N], unconditional logit [N]) for images of side `image_size`."""

    def __init__(self, image_size: int, d_width: int, c_dim: int, channels: int = 3):
        super().__init__()
        if image_size not in STAGE_SIZES:
            raise ValueError(f"image_size must be one of {list(STAGE_SIZES)}, got {image_size}")
        downs = int(math.log2(image_size // 4))
        first = min(downs, 4)  # encode_image_by_16times: d, 2d, 4d, 8d
        widths = [d_width * 2**k for k in range(first)]
        layers = [leaky(channels, widths[0], norm=False)] + [
            leaky(a, b) for a, b in zip(widths, widths[1:], strict=False)
        ]
        code = widths[-1]
        for k in range(downs - first):  # D_NET128/256: down to 4×4 at 16d, 32d …
            layers.append(leaky(code * 2**k, code * 2 ** (k + 1)))
        for k in reversed(range(downs - first)):  # … and Block3x3_leakU back to 8d
            layers.append(leaky(code * 2 ** (k + 1), code * 2**k, kernel=3, stride=1))
        self.encode = nn.Sequential(*layers)
        self.joint = leaky(code + c_dim, code, kernel=3, stride=1)
        self.cond_logit = nn.Conv2d(code, 1, 4, 4)
        self.uncond_logit = nn.Conv2d(code, 1, 4, 4)
        stackgan_init_(self)

    def forward(self, x: torch.Tensor, mu: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        code = self.encode(x)
        condition = mu.view(*mu.shape, 1, 1).expand(-1, -1, 4, 4)
        cond = self.cond_logit(self.joint(torch.cat([code, condition], 1)))
        return cond.view(-1), self.uncond_logit(code).view(-1)
