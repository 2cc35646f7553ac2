"""alpha-GAN's independent Wasserstein critic (Rosca et al. 2017, §4): a fresh WGAN-GP critic
trained to separate *held-out* real images from a model's samples, then evaluated on a disjoint
held-out part and fresh samples. Its estimate of W₁ = E f(real) − E f(sample) is a sample-quality
distance (lower is better) that also exposes mode dropping and overfitting, because the critic sees
data the model never trained on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from replication.losses.wgan_gp import critic_loss
from replication.nets.cvae_gan import FeatureDiscriminator32


@dataclass
class CriticResult:
    distance: float  # W estimate on the evaluation split (real_eval vs fresh samples)
    curve: list[float]  # the training-batch W estimate at every step


def independent_critic_distance(
    real_train: torch.Tensor,
    real_eval: torch.Tensor,
    sample: Callable[[int], torch.Tensor],
    steps: int = 300,
    batch_size: int = 64,
    width: int = 16,
    lr: float = 2e-4,
    seed: int = 0,
    critic: torch.nn.Module | None = None,
) -> CriticResult:
    """Train a BN-free critic with WGAN-GP on real_train vs sample(batch), report W on real_eval."""
    torch.manual_seed(seed)
    device = real_train.device
    critic = critic or FeatureDiscriminator32(width, real_train.shape[1], False, real_train.shape[-1]).to(device)

    def score(x: torch.Tensor) -> torch.Tensor:
        out = critic(x)
        return out[0] if isinstance(out, tuple) else out

    optimizer = torch.optim.Adam(critic.parameters(), lr=lr, betas=(0.5, 0.9))
    curve = []
    for _ in range(steps):
        real = real_train[torch.randint(0, len(real_train), (batch_size,), device=device)]
        with torch.no_grad():
            fake = sample(batch_size)
        losses = critic_loss(score, real, fake)
        optimizer.zero_grad(set_to_none=True)
        losses["L_critic"].backward()
        optimizer.step()
        curve.append(float(losses["W"].detach()))
    with torch.no_grad():
        fake = torch.cat([sample(min(500, len(real_eval) - i)) for i in range(0, len(real_eval), 500)])
        distance = float(score(real_eval).mean() - score(fake).mean())
    return CriticResult(distance, curve)
