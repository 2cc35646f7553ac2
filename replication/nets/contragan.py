"""ContraGAN's backbones at 32, 64 and 128 px, written once: one generator and one discriminator, parameterised.

| backbone | blocks  | SN in G | self-attention | shared class embedding + hierarchical z | init   |
|----------|---------|---------|----------------|------------------------------------------|--------|
| SNDCGAN  | DCGAN   | no      | no             | no                                       | N(0, 0.02) |
| SNResGAN | ResNet  | no      | no             | no                                       | xavier |
| SAGAN    | ResNet  | yes     | yes (S/2)      | no                                       | xavier |
| BigGAN   | ResNet  | yes     | yes (S/2)      | yes                                      | orthogonal |

Self-attention sits at half the image size, as in BigGAN and StudioGAN's configs: after G's
second-to-last block and D's first block (16×16 at 32 px, 32×32 at 64 px, 64×64 at 128 px).

Resolution (`image_size`): G has one ×2 block per doubling from its 4×4 seed (`dcgan.up_stages`:
3, 4, 5 blocks), D one more block per doubling. The 32-px nets are the CIFAR-10 ones, unchanged.
At 64 and 128 px the ResNet backbones take BigGAN's channel multipliers (StudioGAN's big_resnet.py)
of ch = 4·width, the paper's conv width: G 16ch → … → ch (128 px: 16ch, 16ch, 8ch, …), D ch → … →
16ch, every D block downsampling but the last (D ends at 4×4). SNDCGAN, a CIFAR design (StudioGAN's
is 32-px only), is extended here in its own pattern: G halves its channels per block from
width·2^(blocks−1); D adds one conv3 / conv4-stride-2 pair per doubling.

The discriminator always uses spectral normalisation (Miyato et al. 2018). G is conditioned by
conditional batch norm (per-class gain and bias; for BigGAN, linear maps of [shared embedding(c) ;
a chunk of z]). D ends in global sum pooling → h = φ(x), then one of three conditioning heads:

- `acgan`: an auxiliary classifier, logits = W_c h (Odena et al. 2017);
- `projection`: D(x, y) = ψ(h) + embed(y)ᵀ h (Miyato & Koyama 2018, eq. 3);
- `2C`: an embedding l(x) = W_l h and a learned class proxy e(y), fed to the 2C loss
  (`replication.losses.contragan`); the adversarial logit is unconditional ψ(h).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.parametrizations import spectral_norm

from replication.nets.dcgan import up_stages

HEADS = ("acgan", "projection", "2C")
# ResNet channels in units of ch = 4·width: ch everywhere at 32 px (the CIFAR nets), BigGAN's at 64/128 px
G_MULTIPLIERS = {32: (1,) * 4, 64: (16, 8, 4, 2, 1), 128: (16, 16, 8, 4, 2, 1)}  # the 4×4 seed, then each block
D_MULTIPLIERS = {32: (1,) * 4, 64: (1, 2, 4, 8, 16), 128: (1, 2, 4, 8, 16, 16)}  # each block's output


@dataclass(frozen=True)
class Backbone:
    name: str
    blocks: str  # "dcgan" or "resnet"
    g_spectral_norm: bool
    attention: bool
    shared_embedding: bool  # BigGAN: shared class embedding and hierarchical latent into every CBN
    init: str  # "normal", "xavier" or "ortho"


BACKBONES = {
    "SNDCGAN": Backbone("SNDCGAN", "dcgan", False, False, False, "normal"),
    "SNResGAN": Backbone("SNResGAN", "resnet", False, False, False, "xavier"),
    "SAGAN": Backbone("SAGAN", "resnet", True, True, False, "xavier"),
    "BigGAN": Backbone("BigGAN", "resnet", True, True, True, "ortho"),
}


def get_backbone(name: str) -> Backbone:
    if name not in BACKBONES:
        raise ValueError(f"Unknown backbone {name!r}. Valid backbones: {', '.join(BACKBONES)}.")
    return BACKBONES[name]


def _init(layer: nn.Module, how: str) -> nn.Module:
    if how == "normal":
        nn.init.normal_(layer.weight, 0.0, 0.02)
    elif how == "xavier":
        nn.init.xavier_uniform_(layer.weight)
    elif how == "ortho":
        nn.init.orthogonal_(layer.weight)
    else:
        raise ValueError(f"Unknown init {how!r}. Valid: normal, xavier, ortho.")
    if getattr(layer, "bias", None) is not None:
        nn.init.zeros_(layer.bias)
    return layer


def _layer(layer: nn.Module, init: str, sn: bool) -> nn.Module:
    """Initialise `layer`, then (optionally) spectrally normalise it: W / σ(W), σ by power iteration."""
    layer = _init(layer, init)
    return spectral_norm(layer) if sn else layer


class ConditionalBatchNorm(nn.Module):
    """BN without affine, then per-sample gain and bias from the condition.

    Per-class form: γ = 1 + Γ[c], β = B[c].  BigGAN form: γ = 1 + W_γ s, β = W_β s with
    s = [shared embedding(c) ; z chunk].
    """

    def __init__(self, channels: int, num_classes: int, cond_dim: int | None, init: str, sn: bool):
        super().__init__()
        self.bn = nn.BatchNorm2d(channels, affine=False)
        if cond_dim is None:
            self.gain, self.bias = nn.Embedding(num_classes, channels), nn.Embedding(num_classes, channels)
            nn.init.zeros_(self.gain.weight)
            nn.init.zeros_(self.bias.weight)
        else:
            self.gain = _layer(nn.Linear(cond_dim, channels, bias=False), init, sn)
            self.bias = _layer(nn.Linear(cond_dim, channels, bias=False), init, sn)

    def forward(self, x: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        return self.bn(x) * (1 + self.gain(cond))[:, :, None, None] + self.bias(cond)[:, :, None, None]


class SelfAttention(nn.Module):
    """SAGAN's self-attention (Zhang et al. 2019): x + γ · softmax(f(x)ᵀ g(x)) h(x), γ starts at 0."""

    def __init__(self, channels: int, init: str, sn: bool):
        super().__init__()
        c8, c2 = max(channels // 8, 1), max(channels // 2, 1)
        self.f = _layer(nn.Conv2d(channels, c8, 1, bias=False), init, sn)
        self.g = _layer(nn.Conv2d(channels, c8, 1, bias=False), init, sn)
        self.h = _layer(nn.Conv2d(channels, c2, 1, bias=False), init, sn)
        self.out = _layer(nn.Conv2d(c2, channels, 1, bias=False), init, sn)
        self.gamma = nn.Parameter(torch.zeros(()))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c, height, width = x.shape
        f = self.f(x).flatten(2)  # [N, C/8, HW]
        g = F.max_pool2d(self.g(x), 2).flatten(2)  # [N, C/8, HW/4]
        h = F.max_pool2d(self.h(x), 2).flatten(2)  # [N, C/2, HW/4]
        attention = torch.softmax(f.transpose(1, 2) @ g, dim=-1)  # [N, HW, HW/4]
        o = (h @ attention.transpose(1, 2)).view(n, -1, height, width)
        return x + self.gamma * self.out(o)


class GenBlock(nn.Module):
    """ResNet up-block: CBN → ReLU → ×2 → conv3 → CBN → ReLU → conv3, plus ×2 → conv1 shortcut."""

    def __init__(self, c_in: int, c_out: int, num_classes: int, cond_dim: int | None, init: str, sn: bool):
        super().__init__()
        self.bn1 = ConditionalBatchNorm(c_in, num_classes, cond_dim, init, sn)
        self.conv1 = _layer(nn.Conv2d(c_in, c_out, 3, 1, 1), init, sn)
        self.bn2 = ConditionalBatchNorm(c_out, num_classes, cond_dim, init, sn)
        self.conv2 = _layer(nn.Conv2d(c_out, c_out, 3, 1, 1), init, sn)
        self.shortcut = _layer(nn.Conv2d(c_in, c_out, 1), init, sn)

    def forward(self, x: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        h = F.interpolate(F.relu(self.bn1(x, cond)), scale_factor=2, mode="nearest")
        h = self.conv2(F.relu(self.bn2(self.conv1(h), cond)))
        return h + self.shortcut(F.interpolate(x, scale_factor=2, mode="nearest"))


class DCGenBlock(nn.Module):
    """DCGAN up-block: transposed conv 4×4 stride 2 → CBN → ReLU."""

    def __init__(self, c_in: int, c_out: int, num_classes: int, cond_dim: int | None, init: str, sn: bool):
        super().__init__()
        self.conv = _layer(nn.ConvTranspose2d(c_in, c_out, 4, 2, 1), init, sn)
        self.bn = ConditionalBatchNorm(c_out, num_classes, cond_dim, init, sn)

    def forward(self, x: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        return F.relu(self.bn(self.conv(x), cond))


class Generator(nn.Module):
    """G(z, c) for S×S images: linear → 4×4 → one ×2 block per doubling (3 at 32 px) → conv3 → tanh.

    At 32 px ResNet backbones keep 4·width channels at every stage (SNGAN/BigGAN's CIFAR generators),
    at 64/128 px BigGAN's multipliers (module docstring); DCGAN halves them per stage (4w → 2w → w).
    BigGAN splits z into (blocks + 1) chunks (4 at 32 px): the first feeds the linear layer, each
    other one joins the shared class embedding in one block's CBN.

    `label_dim` > 0 (a cpu-scale adaptation, never the paper's nets): G also sees its label at its input, an
    embedding of that size concatenated to what feeds the linear layer, `linear([z; e(c)])`, besides the CBN.
    """

    def __init__(
        self,
        backbone: Backbone,
        nz: int = 80,
        num_classes: int = 10,
        width: int = 32,
        out_channels: int = 3,
        shared_dim: int = 128,
        image_size: int = 32,
        label_dim: int = 0,
    ):
        super().__init__()
        self.backbone, self.nz, self.num_classes = backbone, nz, num_classes
        init, sn = backbone.init, backbone.g_spectral_norm
        stages = up_stages(image_size)
        if backbone.blocks == "resnet":
            channels, block = [4 * width * m for m in G_MULTIPLIERS[image_size]], GenBlock
        else:
            channels, block = [width * 2 ** (stages - 1)] + [width * 2**i for i in reversed(range(stages))], DCGenBlock
        self.chunks = stages + 1 if backbone.shared_embedding else 1  # hierarchical z: one chunk per block + 1
        self.chunk = nz // self.chunks
        cond_dim = None
        if backbone.shared_embedding:
            self.shared = nn.Embedding(num_classes, shared_dim)
            _init(self.shared, init)
            cond_dim = shared_dim + self.chunk
        self.label_input = nn.Embedding(num_classes, label_dim) if label_dim > 0 else None
        linear_in = (self.chunk if backbone.shared_embedding else nz) + label_dim
        self.linear = _layer(nn.Linear(linear_in, channels[0] * 16), init, sn)
        self.blocks = nn.ModuleList(
            block(c_in, c_out, num_classes, cond_dim, init, sn)
            for c_in, c_out in zip(channels, channels[1:], strict=False)
        )
        self.attention = SelfAttention(channels[-2], init, sn) if backbone.attention else None  # at S/2
        self.final_bn = nn.BatchNorm2d(channels[-1])
        self.to_image = _layer(nn.Conv2d(channels[-1], out_channels, 3, 1, 1), init, sn)

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        if self.backbone.shared_embedding:
            chunks = z[:, : self.chunks * self.chunk].split(self.chunk, dim=1)
            shared = self.shared(labels)
            first, conds = chunks[0], [torch.cat([shared, c], dim=1) for c in chunks[1:]]
        else:
            first, conds = z, [labels] * len(self.blocks)
        if self.label_input is not None:
            first = torch.cat([first, self.label_input(labels)], dim=1)
        h = self.linear(first)
        h = h.view(len(z), -1, 4, 4)
        for i, (block, cond) in enumerate(zip(self.blocks, conds, strict=True)):
            h = block(h, cond)
            if i == len(self.blocks) - 2 and self.attention is not None:
                h = self.attention(h)
        return torch.tanh(self.to_image(F.relu(self.final_bn(h))))


class DiscBlock(nn.Module):
    """ResNet down-block with SN: (ReLU →) conv3 → ReLU → conv3 (→ avgpool), plus a conv1 shortcut."""

    def __init__(self, c_in: int, c_out: int, init: str, downsample: bool, first: bool):
        super().__init__()
        self.conv1 = _layer(nn.Conv2d(c_in, c_out, 3, 1, 1), init, True)
        self.conv2 = _layer(nn.Conv2d(c_out, c_out, 3, 1, 1), init, True)
        self.shortcut = _layer(nn.Conv2d(c_in, c_out, 1), init, True)
        self.downsample, self.first = downsample, first

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv2(F.relu(self.conv1(x if self.first else F.relu(x))))
        skip = x
        if self.downsample:
            h = F.avg_pool2d(h, 2)
            skip = F.avg_pool2d(skip, 2) if self.first else skip
        skip = self.shortcut(skip)
        if self.downsample and not self.first:
            skip = F.avg_pool2d(skip, 2)
        return h + skip


def projection_logit(psi: torch.Tensor, features: torch.Tensor, class_embedding: torch.Tensor) -> torch.Tensor:
    """Projection discriminator (Miyato & Koyama 2018, eq. 3): D(x, y) = ψ(φ(x)) + embed(y)ᵀ φ(x)."""
    return psi + (class_embedding * features).sum(dim=1)


@dataclass
class DiscOutput:
    adv: torch.Tensor  # [N] adversarial logit (projection term included for the projection head)
    class_logits: torch.Tensor | None = None  # [N, K] for the ACGAN head
    embedding: torch.Tensor | None = None  # [N, d] l(x) for the 2C head (not yet normalised)
    proxy: torch.Tensor | None = None  # [N, d] e(y) of each image's own label (not yet normalised)


class Discriminator(nn.Module):
    """D(x, y) with spectral norm everywhere: features h = Σ_spatial φ(x), then ψ(h) and the head.

    ResNet: 4 blocks at 32 px (2 downsampling, 4·width channels), 5 at 64 px, 6 at 128 px (BigGAN's
    layout: all but the last downsample). SNDCGAN: conv3 / conv4-stride-2 pairs, one per halving.
    """

    def __init__(
        self,
        backbone: Backbone,
        head: str,
        num_classes: int = 10,
        width: int = 32,
        in_channels: int = 3,
        embed_dim: int = 512,
        image_size: int = 32,
    ):
        super().__init__()
        if head not in HEADS:
            raise ValueError(f"Unknown head {head!r}. Valid heads: {', '.join(HEADS)}.")
        self.head, init = head, backbone.init
        halvings = up_stages(image_size)  # also refuses sizes other than 32, 64, 128
        if backbone.blocks == "resnet":
            outs = [4 * width * m for m in D_MULTIPLIERS[image_size]]
            # 32 px: the CIFAR layout, two downsampling blocks; 64/128 px: BigGAN's, all but the last
            down = [True, True, False, False] if image_size == 32 else [True] * (len(outs) - 1) + [False]
            self.blocks = nn.ModuleList(
                DiscBlock(c_in, c_out, init, downsample=d, first=i == 0)
                for i, (c_in, c_out, d) in enumerate(zip([in_channels, *outs], outs, down, strict=False))
            )
            c, c_first = outs[-1], outs[0]
            self.final_relu = True
        else:  # SNDCGAN (Miyato et al. 2018, Table 3): conv3 / conv4-stride-2 pairs, LeakyReLU 0.1
            widths = [width * 2 ** (i // 2) for i in range(2 * halvings)] + [width * 2**halvings]
            kernels = [(3, 1), (4, 2)] * halvings + [(3, 1)]
            layers, c_in = [], in_channels
            for c_out, (k, s) in zip(widths, kernels, strict=True):
                layers.append(nn.Sequential(_layer(nn.Conv2d(c_in, c_out, k, s, 1), init, True), nn.LeakyReLU(0.1)))
                c_in = c_out
            self.blocks, c, c_first = nn.ModuleList(layers), c_in, widths[0]
            self.final_relu = False
        self.attention = SelfAttention(c_first, init, True) if backbone.attention else None  # after the first block
        self.psi = _layer(nn.Linear(c, 1), init, True)
        if head == "acgan":
            self.classifier = _layer(nn.Linear(c, num_classes), init, True)
        elif head == "projection":
            self.class_embedding = _layer(nn.Embedding(num_classes, c), init, True)
        else:
            self.to_embedding = _layer(nn.Linear(c, embed_dim), init, True)
            self.proxies = _layer(nn.Embedding(num_classes, embed_dim), init, True)
        self.feature_dim = c

    def features(self, x: torch.Tensor) -> torch.Tensor:
        h = x
        for i, block in enumerate(self.blocks):
            h = block(h)
            if i == 0 and self.attention is not None:
                h = self.attention(h)
        if self.final_relu:
            h = F.relu(h)
        return h.sum(dim=(2, 3))

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> DiscOutput:
        h = self.features(x)
        adv = self.psi(h).squeeze(1)
        if self.head == "acgan":
            return DiscOutput(adv, class_logits=self.classifier(h))
        if self.head == "projection":
            return DiscOutput(projection_logit(adv, h, self.class_embedding(labels)))
        return DiscOutput(adv, embedding=self.to_embedding(h), proxy=self.proxies(labels))
