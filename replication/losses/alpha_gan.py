"""alpha-GAN (Rosca et al. 2017, Algorithm 1): a synthetic likelihood and an implicit posterior.

With x real, ẑ = E(x) its code, x̂ = G(ẑ) its reconstruction, z ~ N(0, I) a prior code and
x_p = G(z) a sample; D(·) the image discriminator and C(·) the code discriminator, both giving the
probability of "real data" / "prior code":

    L_rec   = λ ‖x − x̂‖₁                                   (reconstruction, per-pixel mean · λ)
    L_GD    = −log D(x̂) − log D(x_p)                        (synthetic likelihood, non-saturating)
    L_EC    = −log C(ẑ)                                    (implicit posterior: codes look like prior)
    L_D     = −log D(x) − log(1 − D(x̂)) − log(1 − D(x_p))
    L_C     = −log C(z) − log(1 − C(ẑ))

E minimises L_rec + L_EC (+ L_GD through x̂); G minimises L_rec + L_GD; D and C their losses.
Convention: C says "prior". The printed Algorithm 1 appears to swap the prior and posterior
terms of the code discriminator (eqs. 16–17; reported by a third-party reimplementation); this code
uses the convention above, in which the encoder is pushed towards the prior, as the text intends.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def _bce(logits: torch.Tensor, target: float) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


def encoder_generator_loss(
    x: torch.Tensor,
    x_rec: torch.Tensor,
    d_rec: torch.Tensor,
    d_prior: torch.Tensor,
    c_code: torch.Tensor,
    rec_weight: float,
) -> dict[str, torch.Tensor]:
    """L_rec, L_GD, L_EC and their sum (E and G's joint objective)."""
    terms = {
        "L_rec": rec_weight * (x - x_rec).abs().mean(),
        "L_GD": _bce(d_rec, 1.0) + _bce(d_prior, 1.0),
        "L_EC": _bce(c_code, 1.0),
    }
    terms["L_EG"] = terms["L_rec"] + terms["L_GD"] + terms["L_EC"]
    return terms


def image_discriminator_loss(
    d_real: torch.Tensor, d_rec: torch.Tensor, d_prior: torch.Tensor
) -> dict[str, torch.Tensor]:
    """L_D: real → 1; reconstructions and samples → 0."""
    return {"L_D": _bce(d_real, 1.0) + _bce(d_rec, 0.0) + _bce(d_prior, 0.0)}


def code_discriminator_loss(c_prior: torch.Tensor, c_code: torch.Tensor) -> dict[str, torch.Tensor]:
    """L_C: prior codes z → 1 ("prior"), encoder codes E(x) → 0."""
    return {"L_C": _bce(c_prior, 1.0) + _bce(c_code, 0.0)}


def gaussian_moment_kl(codes: torch.Tensor) -> torch.Tensor:
    """AGE's latent divergence: KL(N(m, s²) ‖ N(0, 1)) summed over dims, m and s² the batch moments."""
    mean, var = codes.mean(dim=0), codes.var(dim=0, unbiased=False) + 1e-8
    return 0.5 * (mean.square() + var - var.log() - 1).sum()


def calibrated_gaussian_nll(x: torch.Tensor, x_rec: torch.Tensor) -> torch.Tensor:
    """−log N(x; x̂, σ²I) per image (mean over the batch, constants dropped) with one shared variance
    set to its maximum-likelihood value σ² = mean (x − x̂)² (a "calibrated decoder", Rybkin et al.
    2021): ½ Σ_pixels (x − x̂)²/σ² + ½ D log σ². With σ² at its optimum the loss is ½ D (1 + log σ²)
    and its gradient is that of a Gaussian likelihood whose width follows the reconstruction error,
    instead of a fixed unit variance that, on pixels in [−1, 1], weighs the likelihood so little
    against the KL that the posterior collapses."""
    squared = (x - x_rec).square().flatten(1)
    variance = squared.mean().detach().clamp_min(1e-6)  # the ML value; its own gradient is zero there
    return 0.5 * (squared / variance).sum(1).mean() + 0.5 * squared.shape[1] * variance.log()
