"""MSGAN's Pix2Pix networks (HelenMao/MSGAN, Pix2Pix-Mode-Seeking: "BicycleGAN network architecture
with the pix2pix training process"), after BicycleGAN's models/networks.py.

Generator (`G_Unet_add_input`, `z_at="input"`): the noise z ∈ R^nz is broadcast to an nz-channel
constant map and concatenated to the input image; with `z_at="all"` (`G_Unet_add_all`, MSGAN's
default `where_add='all'`) it is concatenated to the input of every encoder level. A U-Net of log2(S) stride-2 4×4 convs takes S×S down to 1×1 and
as many stride-2 4×4 transposed convs bring it back, each decoder level concatenated with the
encoder level of the same size; tanh output. No dropout: z is the only noise.
Discriminator: pix2pix's PatchGAN on the pair [input ; output], one logit per overlapping patch;
`MultiScaleDiscriminator` (`D_NLayersMulti`, MSGAN's default `basic_256_multi` with two) adds PatchGANs
on the pair average-pooled to 1/2, 1/4 … resolution, each half as wide as the one before.

Both use BatchNorm (`norm="batch"`) by default; the official MSGAN Pix2Pix options default to
`--norm instance` (InstanceNorm2d without affine parameters), which `norm="instance"` gives.
Every conv has a bias, as in BicycleGAN. Weights follow MSGAN's default `init_type='xavier'`:
Xavier-normal with gain 0.02 for conv weights, BN scales ~ N(1, 0.02), biases 0.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

UNET_SIZES = (32, 64, 128, 256)


def norm_layer(norm: str, channels: int) -> nn.Module:
    if norm == "batch":
        return nn.BatchNorm2d(channels)
    if norm == "instance":
        return nn.InstanceNorm2d(channels, affine=False, track_running_stats=False)
    raise ValueError(f"norm must be 'batch' or 'instance', got {norm!r}")


def pix2pix_init_(module: nn.Module, gain: float = 0.02) -> None:
    """BicycleGAN's `init_weights(net, 'xavier', 0.02)`: conv weights Xavier-normal with gain 0.02,
    conv biases 0, BatchNorm scale ~ N(1, 0.02) and shift 0."""
    for layer in module.modules():
        if isinstance(layer, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_normal_(layer.weight, gain=gain)
            nn.init.zeros_(layer.bias)
        elif isinstance(layer, nn.BatchNorm2d):
            nn.init.normal_(layer.weight, 1.0, gain)
            nn.init.zeros_(layer.bias)


def unet_channels(width: int, image_size: int) -> list[int]:
    """Output channels of the encoder's down-steps: width·(1, 2, 4, 8, 8, …), log2(S) of them."""
    if image_size not in UNET_SIZES:
        raise ValueError(f"image_size must be one of {list(UNET_SIZES)} (1×1 bottleneck), got {image_size}")
    return [width * min(2**k, 8) for k in range(int(math.log2(image_size)))]


class UNetGenerator(nn.Module):
    """G(x, z): an input image [N, in_channels, S, S] and z [N, nz] → an image [N, out_channels, S, S].

    Encoder, with c_k = width·min(2^k, 8) and n = log2(S) steps:
        h_0 = conv(x ⊕ z)                       (no norm, no activation before it)
        h_k = norm(conv(LeakyReLU_0.2(h_{k−1})))   k = 1 … n−1, no norm at the 1×1 bottleneck h_{n−1}
    Decoder, back up with skip connections s_k = LeakyReLU_0.2(h_k):
        u_{n−2} = norm(convT(ReLU(h_{n−1})))
        u_{k−1} = norm(convT(ReLU([u_k ; s_k])))   k = n−2 … 1
        G(x, z) = tanh(convT(ReLU([u_0 ; s_0])))
    The skips carry LeakyReLU(h_k), not h_k: the official block applies an in-place LeakyReLU to its
    input before the concatenation reads it. `nz = 0` gives a plain pix2pix U-Net (z ignored).
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        nz: int,
        width: int = 64,
        image_size: int = 256,
        norm: str = "batch",
        z_at: str = "input",
    ):
        super().__init__()
        if z_at not in ("input", "all"):
            raise ValueError(f"z_at must be 'input' or 'all', got {z_at!r}")
        self.nz, self.image_size, self.z_at = nz, image_size, z_at
        c = unet_channels(width, image_size)
        n = len(c)
        z_in = nz if z_at == "all" else 0  # z channels joining every encoder level after the first
        self.down = nn.ModuleList([nn.Conv2d(in_channels + nz, c[0], 4, 2, 1)])
        for k in range(1, n):
            conv = nn.Conv2d(c[k - 1] + z_in, c[k], 4, 2, 1)
            self.down.append(nn.Sequential(conv, norm_layer(norm, c[k])) if k < n - 1 else conv)
        self.up = nn.ModuleList([self._up(c[n - 1], c[n - 2], norm)])  # from the bottleneck, no skip yet
        for k in range(n - 2, 0, -1):
            self.up.append(self._up(2 * c[k], c[k - 1], norm))
        self.up.append(nn.Sequential(nn.ReLU(), nn.ConvTranspose2d(2 * c[0], out_channels, 4, 2, 1), nn.Tanh()))
        pix2pix_init_(self)

    @staticmethod
    def _z_map(z: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
        """z [N, nz] as a constant [N, nz, H, W] map of `like`'s size."""
        return z.to(like.dtype)[:, :, None, None].expand(-1, -1, like.shape[2], like.shape[3])

    @staticmethod
    def _up(c_in: int, c_out: int, norm: str) -> nn.Sequential:
        return nn.Sequential(nn.ReLU(), nn.ConvTranspose2d(c_in, c_out, 4, 2, 1), norm_layer(norm, c_out))

    def forward(self, x: torch.Tensor, z: torch.Tensor | None = None) -> torch.Tensor:
        if self.nz > 0:
            if z is None or z.shape != (len(x), self.nz):
                got = None if z is None else list(z.shape)
                raise ValueError(f"z must be [N, nz] = [{len(x)}, {self.nz}], got {got}")
            x = torch.cat([x, self._z_map(z, x)], dim=1)
        h = self.down[0](x)
        skips = []
        for down in self.down[1:]:
            if (
                self.z_at == "all" and self.nz > 0
            ):  # `UnetBlock_with_z`: z joins the level's input; the skip is the raw h
                skips.append(h)
                h = F.leaky_relu(torch.cat([h, self._z_map(z, h)], dim=1), 0.2)
            else:  # `UnetBlock`: the in-place LeakyReLU also changes what the skip carries
                h = F.leaky_relu(h, 0.2)
                skips.append(h)
            h = down(h)
        h = self.up[0](h)
        for up, skip in zip(self.up[1:], reversed(skips), strict=True):
            h = up(torch.cat([h, skip], dim=1))
        return h


class PatchDiscriminator(nn.Module):
    """D([x ; y]) → patch logits [N, 1, S/2^n − 2, S/2^n − 2], `in_channels` = channels of x + y.

    conv4 s2 → LeakyReLU, then n_layers − 1 × (conv4 s2 → norm → LeakyReLU), one conv4 s1 → norm →
    LeakyReLU, a final 1-channel conv4 s1 (padding 1 throughout); widths width·min(2^k, 8).
    Receptive field of one logit: 70×70 for n_layers = 3 (pix2pix's PatchGAN, for 256 px), 34×34
    for n_layers = 2 (for 32 px: a 6×6 map of 34-px patches), 16×16 for n_layers = 1.
    Returns logits; the loss applies its own link (MSGAN's default is LSGAN's squared error).
    `spectral_norm` (a cpu-scale adaptation, never the paper's D) puts spectral normalisation on every conv,
    which keeps a small D from crushing its loss to 0 early, when G's adversarial term stops teaching it.
    """

    def __init__(
        self, in_channels: int, width: int = 64, n_layers: int = 3, norm: str = "batch", spectral_norm: bool = False
    ):
        super().__init__()
        if n_layers < 1:
            raise ValueError(f"n_layers must be ≥ 1, got {n_layers}")
        self.n_layers = n_layers
        layers: list[nn.Module] = [nn.Conv2d(in_channels, width, 4, 2, 1), nn.LeakyReLU(0.2)]
        c = width
        for k in range(1, n_layers + 1):
            c_out = width * min(2**k, 8)
            stride = 2 if k < n_layers else 1
            layers += [nn.Conv2d(c, c_out, 4, stride, 1), norm_layer(norm, c_out), nn.LeakyReLU(0.2)]
            c = c_out
        layers.append(nn.Conv2d(c, 1, 4, 1, 1))
        self.net = nn.Sequential(*layers)
        pix2pix_init_(self)
        if spectral_norm:  # after the init: the normalisation divides the initialised weights by their σ
            for layer in self.net:
                if isinstance(layer, nn.Conv2d):
                    nn.utils.parametrizations.spectral_norm(layer)

    @staticmethod
    def receptive_field(n_layers: int) -> int:
        """Side of the input patch one logit sees: r ← (r − 1)·stride + 4, from the last conv back."""
        r = 1
        for stride in [1, 1] + [2] * n_layers:
            r = (r - 1) * stride + 4
        return r

    def forward(self, xy: torch.Tensor) -> torch.Tensor:
        return self.net(xy)


def patch_layers(image_size: int) -> int:
    """PatchGAN depth for a resolution: pix2pix's 3 (70-px patches) from 64 px up, 2 (34 px) at 32 px."""
    return 3 if image_size >= 64 else 2


class MultiScaleDiscriminator(nn.Module):
    """`scales` PatchGANs: the k-th sees the pair average-pooled k times (3×3, stride 2, padding 1,
    padding not counted) and has width·2^−k channels; returns the list of their patch-logit maps."""

    def __init__(
        self,
        in_channels: int,
        width: int,
        image_size: int,
        scales: int = 2,
        norm: str = "instance",
        spectral_norm: bool = False,
    ):
        super().__init__()
        n_layers = patch_layers(image_size)
        self.discriminators = nn.ModuleList(
            PatchDiscriminator(in_channels, max(1, round(width / 2**k)), n_layers, norm, spectral_norm)
            for k in range(scales)
        )
        self.down = nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)

    def forward(self, xy: torch.Tensor) -> list[torch.Tensor]:
        outputs = []
        for k, discriminator in enumerate(self.discriminators):
            if k:
                xy = self.down(xy)
            outputs.append(discriminator(xy))
        return outputs
