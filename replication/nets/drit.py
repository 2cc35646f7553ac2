"""DRIT's networks as MSGAN's DRIT-Mode-Seeking code builds them (HelenMao/MSGAN, commit e386c25,
`DRIT-Mode-Seeking/networks.py`, itself DRIT's: Lee et al., ECCV 2018), with one width knob.

`width` is the official 64 (ch / tch / ndf); every channel count below is a multiple of it, so the
paper's nets are `width=64` and the offline profiles shrink them. Images are [N, C, S, S] with S a
multiple of 4 (the official code trains 216×216 random crops of 256×256 images).

- `ContentEncoder` (`E_content`): per domain, conv7 (LeakyReLU) → 2 × stride-2 conv3 (IN, ReLU) →
  3 residual blocks, to 4·width channels at S/4; then a residual block and a Gaussian-noise layer
  (x + N(0, 1) in training only) SHARED by the two domains: one content space.
- Attribute encoders, one per domain, z ∈ R^nz (nz = 8):
  `AttributeEncoderConcat` (`E_attr_concat`, the default `--concat 1`, used for Yosemite): conv4
  stride 2, three residual down-blocks (`BasicBlock`, no norm, LeakyReLU 0.2, mean-pool) to 4·width,
  global average pool, two linear heads → (μ, log σ²); z is sampled by reparameterisation and a KL
  term keeps it near N(0, I).
  `AttributeEncoder` (`E_attr`, `--concat 0`, what the official README prescribes for cat2dog):
  conv7 then four stride-2 conv4 (ReLU) to 4·width, global average pool, a 1×1 conv → z directly.
- Generators, one per domain:
  `GeneratorConcat` (`G_concat`): a residual block SHARED by the two domains, then per domain:
  [content ; z tiled] → 3 residual blocks → [· ; z] → 2 × (transposed conv3 stride 2, LayerNorm,
  ReLU) → [· ; z] → transposed conv1 → tanh. z joins at every stage.
  `GeneratorMLP` (`G`, with `--concat 0`): an MLP maps z to four 4·width vectors that enter four
  residual blocks (`MisINSResBlock`: conv → [· ; z] → 1×1 convs, twice), then the same up-path.
- `MultiScaleDiscriminator` (`MultiScaleDis`, `--dis_scale 3`): at each of 3 scales (input
  average-pooled by 2 between scales) `layers` stride-2 conv4 + LeakyReLU, doubling from `width`,
  then a 1×1 conv → a patch-logit map. Every scale has the same widths (unlike pix2pix's).
  The official `dis_norm` default is 'None'; its `LeakyReLUConv2d` tests `'norm' == 'Instance'` (two
  string literals), so no discriminator layer is ever normalised: none is here either.
- `ContentDiscriminator` (`Dis_content`): stride-2 conv7 layers (LeakyReLU) on the content map,
  then a conv whose kernel covers what is left → one logit per image. Officially three conv7
  layers take 216/4 = 54 → 25 → 11 → 4 and a conv4 ends at 1×1; here the number of conv7 layers
  (at most 3) and the last kernel follow the content map's side, which gives exactly the official
  net at 54 (`content_discriminator_plan`).

Every `LeakyReLU` the official code builds without a slope has PyTorch's default 0.01 (the
discriminators', the content encoder's first layer); the attribute encoder's are 0.2 as it states.
Padding is reflection padding wherever the official code uses it. Initialisation as the official
`gaussian_weights_init`: conv and transposed-conv weights ~ N(0, 0.02), biases and linear layers
left at PyTorch's defaults. All discriminators return logits; the loss applies the sigmoid (BCE).
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

DOMAINS = ("a", "b")
NZ = 8  # the official attribute size (model.py: self.nz = 8)


def drit_init_(module: nn.Module) -> None:
    """`gaussian_weights_init`: every Conv* layer's weight ~ N(0, 0.02); nothing else touched."""
    for layer in module.modules():
        if isinstance(layer, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(layer.weight, 0.0, 0.02)


def check_size(image_size: int) -> None:
    if image_size < 32 or image_size % 4:
        raise ValueError(f"image_size must be a multiple of 4 and at least 32, got {image_size}")


def leaky_conv(c_in: int, c_out: int, kernel: int, stride: int, padding: int) -> nn.Sequential:
    """`LeakyReLUConv2d`: reflection pad → conv → LeakyReLU(0.01) (its norm never applies: see above)."""
    return nn.Sequential(nn.ReflectionPad2d(padding), nn.Conv2d(c_in, c_out, kernel, stride), nn.LeakyReLU(0.01))


def relu_in_conv(c_in: int, c_out: int, kernel: int, stride: int, padding: int) -> nn.Sequential:
    """`ReLUINSConv2d`: reflection pad → conv → InstanceNorm → ReLU."""
    return nn.Sequential(
        nn.ReflectionPad2d(padding), nn.Conv2d(c_in, c_out, kernel, stride), nn.InstanceNorm2d(c_out), nn.ReLU()
    )


def _conv3(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(nn.ReflectionPad2d(1), nn.Conv2d(c_in, c_out, 3))


class ResBlock(nn.Module):
    """`INSResBlock`: x + IN(conv3(ReLU(IN(conv3(x)))))."""

    def __init__(self, channels: int):
        super().__init__()
        self.body = nn.Sequential(
            _conv3(channels, channels),
            nn.InstanceNorm2d(channels),
            nn.ReLU(),
            _conv3(channels, channels),
            nn.InstanceNorm2d(channels),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class GaussianNoise(nn.Module):
    """`GaussianNoiseLayer`: x + N(0, 1) while training, x unchanged in eval mode."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + torch.randn_like(x) if self.training else x


class LayerNorm(nn.Module):
    """MUNIT's LayerNorm as DRIT uses it: normalise over (C, H, W) per sample, then a per-channel
    scale (init 1) and shift (init 0)."""

    def __init__(self, channels: int, eps: float = 1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(channels, 1, 1))
        self.bias = nn.Parameter(torch.zeros(channels, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = x.shape[1:]
        return F.layer_norm(x, shape, self.weight.expand(shape), self.bias.expand(shape), self.eps)


def relu_ln_up(c_in: int, c_out: int) -> nn.Sequential:
    """`ReLUINSConvTranspose2d` (LayerNorm despite its name): transposed conv3 stride 2 (×2) → LN → ReLU."""
    return nn.Sequential(nn.ConvTranspose2d(c_in, c_out, 3, 2, 1, output_padding=1), LayerNorm(c_out), nn.ReLU())


def tile(z: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """z [N, nz] as a constant [N, nz, H, W] map of `like`'s size."""
    return z[:, :, None, None].expand(-1, -1, like.shape[2], like.shape[3])


class ContentEncoder(nn.Module):
    """E_c: domain image → content [N, 4·width, S/4, S/4]; the last residual block is shared."""

    def __init__(self, channels_a: int, channels_b: int, width: int = 64):
        super().__init__()
        self.branch = nn.ModuleDict(
            {d: self._branch(c, width) for d, c in zip(DOMAINS, (channels_a, channels_b), strict=True)}
        )
        self.shared = nn.Sequential(ResBlock(4 * width), GaussianNoise())
        drit_init_(self)

    @staticmethod
    def _branch(channels: int, width: int) -> nn.Sequential:
        return nn.Sequential(
            leaky_conv(channels, width, 7, 1, 3),
            relu_in_conv(width, 2 * width, 3, 2, 1),
            relu_in_conv(2 * width, 4 * width, 3, 2, 1),
            *(ResBlock(4 * width) for _ in range(3)),
        )

    def forward(self, x: torch.Tensor, domain: str) -> torch.Tensor:
        return self.shared(self.branch[domain](x))


class DownBlock(nn.Module):
    """`BasicBlock` without norm: [LReLU, conv3, LReLU, conv3, mean-pool 2] + [mean-pool 2, conv1]."""

    def __init__(self, c_in: int, c_out: int):
        super().__init__()
        self.conv = nn.Sequential(
            nn.LeakyReLU(0.2),
            _conv3(c_in, c_in),
            nn.LeakyReLU(0.2),
            _conv3(c_in, c_out),
            nn.AvgPool2d(2),
        )
        self.shortcut = nn.Sequential(nn.AvgPool2d(2), nn.Conv2d(c_in, c_out, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x) + self.shortcut(x)


class AttributeEncoderConcat(nn.Module):
    """E_a (`E_attr_concat`): domain image → (μ, log σ²), each [N, nz]."""

    def __init__(self, channels_a: int, channels_b: int, nz: int = NZ, width: int = 64):
        super().__init__()
        self.nz = nz
        widths = [width * min(4, n) for n in range(1, 5)]  # width · (1, 2, 3, 4)
        self.conv = nn.ModuleDict()
        self.mu = nn.ModuleDict()
        self.logvar = nn.ModuleDict()
        for domain, channels in zip(DOMAINS, (channels_a, channels_b), strict=True):
            layers = [nn.ReflectionPad2d(1), nn.Conv2d(channels, width, 4, 2)]
            layers += [DownBlock(widths[n - 1], widths[n]) for n in range(1, 4)]
            self.conv[domain] = nn.Sequential(*layers, nn.LeakyReLU(0.2), nn.AdaptiveAvgPool2d(1), nn.Flatten())
            self.mu[domain] = nn.Linear(widths[-1], nz)
            self.logvar[domain] = nn.Linear(widths[-1], nz)
        drit_init_(self)

    def forward(self, x: torch.Tensor, domain: str) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.conv[domain](x)
        return self.mu[domain](h), self.logvar[domain](h)


class AttributeEncoder(nn.Module):
    """E_a (`E_attr`): domain image → z [N, nz], no sampling."""

    def __init__(self, channels_a: int, channels_b: int, nz: int = NZ, width: int = 64):
        super().__init__()
        self.nz = nz
        self.net = nn.ModuleDict(
            {d: self._branch(c, nz, width) for d, c in zip(DOMAINS, (channels_a, channels_b), strict=True)}
        )
        drit_init_(self)

    @staticmethod
    def _branch(channels: int, nz: int, width: int) -> nn.Sequential:
        widths = [width, 2 * width, 4 * width, 4 * width, 4 * width]
        layers = [nn.ReflectionPad2d(3), nn.Conv2d(channels, width, 7), nn.ReLU()]
        for c_in, c_out in zip(widths[:-1], widths[1:], strict=True):
            layers += [nn.ReflectionPad2d(1), nn.Conv2d(c_in, c_out, 4, 2), nn.ReLU()]
        return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Conv2d(4 * width, nz, 1), nn.Flatten())

    def forward(self, x: torch.Tensor, domain: str) -> torch.Tensor:
        return self.net[domain](x)


class GeneratorConcat(nn.Module):
    """G (`G_concat`): (content [N, 4·width, S/4, S/4], z [N, nz]) → image of `domain`, [N, C, S, S]."""

    def __init__(self, channels_a: int, channels_b: int, nz: int = NZ, width: int = 64):
        super().__init__()
        self.nz = nz
        c = 4 * width
        self.shared = ResBlock(c)
        self.blocks, self.up1, self.up2, self.out = (nn.ModuleDict() for _ in range(4))
        for domain, channels in zip(DOMAINS, (channels_a, channels_b), strict=True):
            t = c + nz
            self.blocks[domain] = nn.Sequential(*(ResBlock(t) for _ in range(3)))
            t += nz
            self.up1[domain] = relu_ln_up(t, t // 2)
            t = t // 2 + nz
            self.up2[domain] = relu_ln_up(t, t // 2)
            t = t // 2 + nz
            self.out[domain] = nn.Sequential(nn.ConvTranspose2d(t, channels, 1), nn.Tanh())
        drit_init_(self)

    def forward(self, content: torch.Tensor, z: torch.Tensor, domain: str) -> torch.Tensor:
        h = self.shared(content)
        h = self.blocks[domain](torch.cat([h, tile(z, h)], 1))
        h = self.up1[domain](torch.cat([h, tile(z, h)], 1))
        h = self.up2[domain](torch.cat([h, tile(z, h)], 1))
        return self.out[domain](torch.cat([h, tile(z, h)], 1))


class MisResBlock(nn.Module):
    """`MisINSResBlock`: x + f(x, z), f = [IN(conv3) → [· ; z] → 1×1 conv, ReLU, 1×1 conv, ReLU] twice."""

    def __init__(self, channels: int, extra: int):
        super().__init__()
        self.conv1 = nn.Sequential(_conv3(channels, channels), nn.InstanceNorm2d(channels))
        self.conv2 = nn.Sequential(_conv3(channels, channels), nn.InstanceNorm2d(channels))
        self.mix1, self.mix2 = (self._mix(channels, extra) for _ in range(2))

    @staticmethod
    def _mix(channels: int, extra: int) -> nn.Sequential:
        t = channels + extra
        return nn.Sequential(nn.Conv2d(t, t, 1), nn.ReLU(), nn.Conv2d(t, channels, 1), nn.ReLU())

    def forward(self, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        h = self.mix1(torch.cat([self.conv1(x), tile(z, x)], 1))
        return x + self.mix2(torch.cat([self.conv2(h), tile(z, x)], 1))


class GeneratorMLP(nn.Module):
    """G (`G`, the `--concat 0` generator): z → MLP → four 4·width vectors, one per residual block."""

    def __init__(self, channels_a: int, channels_b: int, nz: int = NZ, width: int = 64):
        super().__init__()
        self.nz = nz
        c = 4 * width
        self.mlp, self.blocks, self.up = nn.ModuleDict(), nn.ModuleDict(), nn.ModuleDict()
        for domain, channels in zip(DOMAINS, (channels_a, channels_b), strict=True):
            self.mlp[domain] = nn.Sequential(
                nn.Linear(nz, c), nn.ReLU(), nn.Linear(c, c), nn.ReLU(), nn.Linear(c, 4 * c)
            )
            self.blocks[domain] = nn.ModuleList(MisResBlock(c, c) for _ in range(4))
            self.up[domain] = nn.Sequential(
                relu_ln_up(c, c // 2), relu_ln_up(c // 2, c // 4), nn.ConvTranspose2d(c // 4, channels, 1), nn.Tanh()
            )
        drit_init_(self)

    def forward(self, content: torch.Tensor, z: torch.Tensor, domain: str) -> torch.Tensor:
        h = content
        for block, zk in zip(self.blocks[domain], self.mlp[domain](z).chunk(4, dim=1), strict=True):
            h = block(h, zk)
        return self.up[domain](h)


def discriminator_layers(image_size: int) -> int:
    """Stride-2 layers per scale: the official 4 from 64 px up; 3 at 32 px, where a 4th would reach
    0×0 at the third scale (32 → 16 → 8 px inputs)."""
    return 4 if image_size >= 64 else 3


class MultiScaleDiscriminator(nn.Module):
    """`MultiScaleDis`: a list of patch-logit maps, one per scale (the k-th on the input pooled k times)."""

    def __init__(self, channels: int, width: int = 64, scales: int = 3, layers: int = 4):
        super().__init__()
        self.nets = nn.ModuleList()
        for _ in range(scales):
            net = [leaky_conv(channels, width, 4, 2, 1)]
            t = width
            for _ in range(1, layers):
                net.append(leaky_conv(t, 2 * t, 4, 2, 1))
                t *= 2
            self.nets.append(nn.Sequential(*net, nn.Conv2d(t, 1, 1)))
        self.down = nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)
        drit_init_(self)

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        outputs = []
        for k, net in enumerate(self.nets):
            if k:
                x = self.down(x)
            outputs.append(net(x))
        return outputs


def content_discriminator_plan(side: int) -> tuple[int, int]:
    """(stride-2 conv7 layers, last kernel) for a side×side content map: halve ((s + 2 − 7) // 2 + 1)
    while the result stays ≥ 2, at most 3 times; the last conv's kernel is the side left.
    54 → (3, 4), the official net; 64 → (3, 5); 32 → (2, 5); 16 → (1, 6); 8 → (1, 2)."""
    layers = 0
    while layers < 3 and (side - 5) // 2 + 1 >= 2:
        side = (side - 5) // 2 + 1
        layers += 1
    return layers, side


class ContentDiscriminator(nn.Module):
    """`Dis_content`: content map [N, 4·width, s, s] → one logit per image, [N] (in a one-item list)."""

    def __init__(self, channels: int, side: int):
        super().__init__()
        layers, kernel = content_discriminator_plan(side)
        net = [leaky_conv(channels, channels, 7, 2, 1) for _ in range(layers)]
        net += [leaky_conv(channels, channels, kernel, 1, 0), nn.Conv2d(channels, 1, 1)]
        self.net = nn.Sequential(*net)
        drit_init_(self)

    def forward(self, content: torch.Tensor) -> list[torch.Tensor]:
        return [self.net(content).flatten()]
