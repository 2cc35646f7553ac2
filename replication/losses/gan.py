"""The standard GAN losses (Goodfellow et al. 2014), written on D's logits.

L_D = −E[log D(x)] − E[log(1 − D(G(z)))]       (binary cross-entropy, real → 1, fake → 0)
L_G = −E[log D(G(z))]                           (the non-saturating generator loss)

with D(·) = sigmoid(logit). BCE-with-logits evaluates these without overflow.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def bce_discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """L_D = BCE(D(x), 1) + BCE(D(G(z)), 0), each a batch mean."""
    real = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
    fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    return real + fake


def bce_generator_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    """Non-saturating L_G = BCE(D(G(z)), 1) = −mean log sigmoid(logit)."""
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
