"""WGAN-GP (Gulrajani et al. 2017): the critic's loss with its gradient penalty, eq. 3.

L_critic = E[f(x̃)] − E[f(x)] + λ E[(‖∇_x̂ f(x̂)‖₂ − 1)²],   x̂ = ε x + (1 − ε) x̃, ε ~ U[0, 1]
L_G      = −E[f(x̃)]
"""

from __future__ import annotations

from collections.abc import Callable

import torch


def gradient_penalty(
    critic: Callable[[torch.Tensor], torch.Tensor], real: torch.Tensor, fake: torch.Tensor
) -> torch.Tensor:
    """E[(‖∇ f(x̂)‖₂ − 1)²] at random interpolates x̂ of real and fake samples (one ε per sample)."""
    eps = torch.rand(len(real), *([1] * (real.dim() - 1)), device=real.device)
    mixed = (eps * real + (1 - eps) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(mixed).sum(), mixed, create_graph=True)
    return (grad.flatten(1).norm(dim=1) - 1).square().mean()


def critic_loss(
    critic: Callable[[torch.Tensor], torch.Tensor], real: torch.Tensor, fake: torch.Tensor, gp_weight: float = 10.0
) -> dict[str, torch.Tensor]:
    """{"W": E f(x) − E f(x̃) (the critic's distance estimate), "GP", "L_critic"}."""
    w = critic(real).mean() - critic(fake).mean()
    gp = gradient_penalty(critic, real, fake)
    return {"W": w, "GP": gp, "L_critic": -w + gp_weight * gp}


def generator_loss(critic_fake: torch.Tensor) -> torch.Tensor:
    return -critic_fake.mean()
