"""CVAE-GAN's objective (Bao et al., ICCV 2017, §3 and Algorithm 1), term by term.

With x a real image of class c, (μ, log σ²) = E(x, c), z = μ + σ ε, x' = G(z, c) its
reconstruction, x_p = G(z_p, c) a sample from the prior z_p ~ N(0, I):

    L_KL = ½ Σ_j (μ_j² + σ_j² − log σ_j² − 1)                                  (eq. 4,  λ1 = 3)
    L_G  = ½‖x − x'‖² + ½‖f_D(x) − f_D(x')‖² + ½‖f_C(x) − f_C(x')‖²          (eq. 8–9, λ2 = 1)
    L_GD = ½‖E_x f_D(x) − E_zp f_D(x_p)‖²                                      (eq. 7,  λ3 = 1e-3)
    L_GC = ½ Σ_c ‖m_c^real − m_c^fake‖²,  m_c moving averages of f_C per class (eq. 6, λ4 = 1e-3)
    L_D  = −E log D(x) − E log(1 − D(x')) − E log(1 − D(x_p))                    (eq. 5)
    L_C  = −E log P(c | x)                                                       (eq. 3)

f_D and f_C of real, reconstructed and prior images are taken in ONE forward through D (and C)
(`joint_features`): with train-mode BatchNorm, a forward per batch would normalise each batch by
its own statistics and remove most of the real/generated mismatch the matching terms measure.

Algorithm 1 updates C with L_C, D with L_D, G with λ2 L_G + λ3 L_GD + λ4 L_GC and E with
λ1 L_KL + λ2 L_G. The generator's adversarial signal is the *asymmetric* mean feature matching
(L_GD, L_GC), not the cross-entropy D and C are trained with. Every function returns a dict of
named terms (batch means over images, sums over pixels/features, as ½‖·‖² reads).

`reduction="mean"` (not the paper's; the notebook's sensitivity table shows what it changes) turns
every sum over latent dims, pixels or features into a mean over them: each term is divided by the
number of elements it sums, which reweights the terms against each other by their sizes.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

LAMBDA_KL, LAMBDA_REC, LAMBDA_GD, LAMBDA_GC = 3.0, 1.0, 1e-3, 1e-3
REDUCTIONS = ("sum", "mean")  # over latent dims / pixels / features: "sum" is the paper's ½‖·‖²


def _reduce(values: torch.Tensor, dim, reduction: str) -> torch.Tensor:
    if reduction == "sum":
        return values.sum(dim=dim)
    if reduction == "mean":
        return values.mean(dim=dim)
    raise ValueError(f"Unknown reduction {reduction!r}. Valid: {', '.join(REDUCTIONS)}.")


def kl_divergence(mu: torch.Tensor, logvar: torch.Tensor, reduction: str = "sum") -> torch.Tensor:
    """L_KL = ½ Σ_j (μ² + σ² − log σ² − 1), summed over latent dims, mean over the batch."""
    return 0.5 * _reduce(mu.square() + logvar.exp() - logvar - 1.0, 1, reduction).mean()


def half_squared_distance(a: torch.Tensor, b: torch.Tensor, reduction: str = "sum") -> torch.Tensor:
    """½‖a − b‖² per example (summed over all non-batch dims), mean over the batch."""
    return 0.5 * _reduce((a - b).square().flatten(1), 1, reduction).mean()


def reconstruction_loss(
    x: torch.Tensor,
    x_rec: torch.Tensor,
    fd_real: torch.Tensor,
    fd_rec: torch.Tensor,
    fc_real: torch.Tensor,
    fc_rec: torch.Tensor,
    reduction: str = "sum",
) -> dict[str, torch.Tensor]:
    """L_G: pixel L2 plus the pairwise feature matching of f_D and f_C between x and x'."""
    terms = {
        "rec_pixel": half_squared_distance(x, x_rec, reduction),
        "rec_fd": half_squared_distance(fd_real, fd_rec, reduction),
        "rec_fc": half_squared_distance(fc_real, fc_rec, reduction),
    }
    terms["L_G"] = terms["rec_pixel"] + terms["rec_fd"] + terms["rec_fc"]
    return terms


def joint_features(net: nn.Module, *batches: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """The hidden features `net(x)[1]` of several batches from one forward over their concatenation,
    split back per batch: every batch is normalised by the same (joint) BatchNorm statistics."""
    _, features = net(torch.cat(batches))
    return tuple(features.split([len(b) for b in batches]))


def mean_feature_matching(
    real_features: torch.Tensor, fake_features: torch.Tensor, reduction: str = "sum"
) -> torch.Tensor:
    """L_GD = ½‖mean_x f(x) − mean_xp f(x_p)‖²: zero when the two batch means agree."""
    return 0.5 * _reduce((real_features.mean(dim=0) - fake_features.mean(dim=0)).square(), None, reduction)


def class_means(features: torch.Tensor, labels: torch.Tensor, num_classes: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(per-class mean features [K, F], which classes are present [K]) of one batch."""
    counts = torch.bincount(labels, minlength=num_classes).to(features.dtype)
    sums = torch.zeros(num_classes, features.shape[1], device=features.device, dtype=features.dtype)
    sums = sums.index_add(0, labels, features)
    return sums / counts.clamp(min=1)[:, None], counts > 0


class ClassFeatureCentres:
    """Moving averages m_c of f_C over *real* images of each class: the targets of L_GC.

    m_c ← (1 − rate)·m_c + rate·mean_{batch} f_C(x of class c) (the first batch sets m_c).
    L_GC = ½ Σ_c ‖m_c − mean_{batch} f_C(x_p of class c)‖² over classes present in both; the
    fake side is the current batch's class mean, so the gradient reaches G.
    """

    def __init__(self, num_classes: int, feature_dim: int, rate: float = 0.1, device: torch.device | str = "cpu"):
        self.num_classes, self.rate = num_classes, rate
        self.centres = torch.zeros(num_classes, feature_dim, device=device)
        self.seen = torch.zeros(num_classes, dtype=torch.bool, device=device)

    @torch.no_grad()
    def update(self, real_features: torch.Tensor, labels: torch.Tensor) -> None:
        means, present = class_means(real_features.float(), labels, self.num_classes)
        rate = torch.where(self.seen, self.rate, 1.0)[:, None]
        self.centres[present] = ((1 - rate) * self.centres + rate * means)[present]
        self.seen |= present

    def loss(self, fake_features: torch.Tensor, fake_labels: torch.Tensor, reduction: str = "sum") -> torch.Tensor:
        """½ Σ_c ‖m_c − mean f_C(x_p of class c)‖² (with "mean": over the features, summed over classes)."""
        means, present = class_means(fake_features, fake_labels, self.num_classes)
        mask = present & self.seen
        return 0.5 * _reduce((self.centres[mask] - means[mask]).square(), 1, reduction).sum()


def discriminator_loss(
    real_logits: torch.Tensor, rec_logits: torch.Tensor, prior_logits: torch.Tensor
) -> dict[str, torch.Tensor]:
    """L_D: real → 1, reconstructions and prior samples → 0 (binary cross-entropy on logits)."""
    terms = {
        "D_real": F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits)),
        "D_rec": F.binary_cross_entropy_with_logits(rec_logits, torch.zeros_like(rec_logits)),
        "D_prior": F.binary_cross_entropy_with_logits(prior_logits, torch.zeros_like(prior_logits)),
    }
    terms["L_D"] = terms["D_real"] + terms["D_rec"] + terms["D_prior"]
    return terms


def classifier_loss(logits: torch.Tensor, labels: torch.Tensor) -> dict[str, torch.Tensor]:
    """L_C = −E log P(c | x) on real images."""
    return {"L_C": F.cross_entropy(logits, labels)}
