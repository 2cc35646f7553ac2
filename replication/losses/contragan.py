"""ContraGAN's losses (Kang & Park 2020): hinge adversarial loss, the conditioning heads' losses,
the conditional contrastive (2C) loss and consistency regularisation.

The 2C loss (paper eq. 7), for an anchor x_i with label y_i among m samples, embedding
l(x) = normalise(W_l φ(x)) and class proxy e(y) = normalise(E[y]), temperature t:

    ℓ_2C(x_i, y_i; t) = − log ( exp(l(x_i)ᵀ e(y_i) / t) + Σ_{k≠i} 1[y_k = y_i] exp(l(x_i)ᵀ l(x_k) / t) )
                              ───────────────────────────────────────────────────────────────────────
                              ( exp(l(x_i)ᵀ e(y_i) / t) + Σ_{k≠i}               exp(l(x_i)ᵀ l(x_k) / t) )

averaged over the anchors. We evaluate it as logsumexp(all terms) − logsumexp(positive terms),
which equals the ratio's −log exactly and never overflows. Under DDP the embeddings and labels
are all-gathered so that the k-sums span the global batch; each rank's anchors are its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
import torch.distributed as dist
import torch.nn.functional as F

from replication.core import distributed

if TYPE_CHECKING:
    from replication.nets.contragan import DiscOutput


def hinge_discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """L_D = E[max(0, 1 − D(x))] + E[max(0, 1 + D(G(z)))]  (Lim & Ye 2017; used by every backbone here)."""
    return F.relu(1 - real_logits).mean() + F.relu(1 + fake_logits).mean()


def hinge_generator_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    """L_G = −E[D(G(z))]."""
    return -fake_logits.mean()


def acgan_loss(class_logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """ACGAN's auxiliary term: cross-entropy −E log p(y | x) of D's classifier (on reals for D, fakes for G)."""
    return F.cross_entropy(class_logits, labels)


class _GatherWithGradient(torch.autograd.Function):
    """all_gather whose backward all-reduces (sums) the gradient and hands each rank its own slice,
    so every rank's loss sends gradient to every sample it used (gloo and NCCL alike)."""

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        parts = [torch.empty_like(x) for _ in range(dist.get_world_size())]
        dist.all_gather(parts, x.contiguous())
        ctx.size = len(x)
        return torch.cat(parts)

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
        grad = grad.contiguous().clone()
        dist.all_reduce(grad)
        start = dist.get_rank() * ctx.size
        return grad[start : start + ctx.size]


def gather_global_batch(embeddings: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, int]:
    """(all embeddings, all labels, index of this rank's first sample); the identity outside DDP.

    Ranks must hold equal-sized batches (`distributed.shard_batch_size` ensures it)."""
    if not distributed.is_distributed():
        return embeddings, labels, 0
    all_labels = [torch.empty_like(labels) for _ in range(dist.get_world_size())]
    dist.all_gather(all_labels, labels.contiguous())
    return _GatherWithGradient.apply(embeddings), torch.cat(all_labels), dist.get_rank() * len(labels)


def conditional_contrastive_loss(
    embeddings: torch.Tensor, proxies: torch.Tensor, labels: torch.Tensor, temperature: float = 1.0
) -> torch.Tensor:
    """ℓ_2C averaged over this rank's anchors (module docstring). `embeddings` l(x) [N, d] and
    `proxies` e(y_i) [N, d] (each image's own-class proxy) are L2-normalised here."""
    anchors = F.normalize(embeddings, dim=1)
    proxy = F.normalize(proxies, dim=1)
    others, other_labels, offset = gather_global_batch(anchors, labels)
    n, m = len(anchors), len(others)
    sample_sims = anchors @ others.T / temperature  # [n, m]: l(x_i)ᵀ l(x_k) / t
    proxy_sims = (anchors * proxy).sum(dim=1, keepdim=True) / temperature  # [n, 1]: l(x_i)ᵀ e(y_i) / t
    is_self = (
        torch.arange(m, device=anchors.device)[None, :] == (offset + torch.arange(n, device=anchors.device))[:, None]
    )
    positive = (labels[:, None] == other_labels[None, :]) & ~is_self
    minus_inf = torch.finfo(sample_sims.dtype).min
    all_terms = torch.cat([proxy_sims, sample_sims.masked_fill(is_self, minus_inf)], dim=1)
    positive_terms = torch.cat([proxy_sims, sample_sims.masked_fill(~positive, minus_inf)], dim=1)
    return (torch.logsumexp(all_terms, dim=1) - torch.logsumexp(positive_terms, dim=1)).mean()


def cr_augment(x: torch.Tensor, max_shift: int = 4, flip: bool = True) -> torch.Tensor:
    """CR-GAN's augmentation T (Zhang et al. 2020): a random horizontal flip (when `flip`) and a random
    translation by up to `max_shift` pixels, the border filled by reflection (not by zeros, which
    are grey in [-1, 1] and mark every shifted image), drawn per image from the global torch RNG.
    Digits are augmented without the flip: a mirrored 2, 3 or 7 is not the same class."""
    n, _, height, width = x.shape
    if flip:
        flips = torch.rand(n, device=x.device) < 0.5
        x = torch.where(flips[:, None, None, None], x.flip(3), x)
    padded = F.pad(x, (max_shift,) * 4, mode="reflect")
    dx, dy = (torch.randint(0, 2 * max_shift + 1, (n,), device=x.device) for _ in range(2))
    rows = (dy[:, None] + torch.arange(height, device=x.device)[None, :])[:, None, :, None]
    cols = (dx[:, None] + torch.arange(width, device=x.device)[None, :])[:, None, None, :]
    batch = torch.arange(n, device=x.device)[:, None, None, None]
    channel = torch.arange(x.shape[1], device=x.device)[None, :, None, None]
    return padded[batch, channel, rows, cols]


# Data sets of digits: a mirrored digit is another glyph (or none), so CR does not flip them.
DIGIT_DATASETS = ("mnist5k", "digits")


def cr_flips(dataset: str) -> bool:
    """Whether CR's augmentation flips images of `dataset` (not digits; CIFAR-10 and the like, yes)."""
    return dataset not in DIGIT_DATASETS


def consistency_loss(real: DiscOutput, augmented: DiscOutput) -> torch.Tensor:
    """CR (Zhang et al. 2020, eq. 2) as StudioGAN applies it to conditional heads:
    ‖D(x) − D(T(x))‖² on the adversarial logit, plus the same on the head's own output — the
    embedding l(x) for 2C, the class logits for ACGAN (projection has none beyond its logit).
    Each term a mean over elements; λ_cr is applied by the caller."""
    loss = (real.adv - augmented.adv).pow(2).mean()
    for name in ("embedding", "class_logits"):
        a, b = getattr(real, name), getattr(augmented, name)
        if a is not None:
            loss = loss + (a - b).pow(2).mean()
    return loss
