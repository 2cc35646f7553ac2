"""alpha-GAN's independent Wasserstein critic (Rosca et al. 2017, §4): a fresh WGAN-GP critic
trained to separate *held-out* real images from a model's samples, then evaluated on a disjoint
held-out part and fresh samples. Its estimate of W₁ = E f(real) − E f(sample) is a sample-quality
distance (lower is better) that also exposes mode dropping and overfitting, because the critic sees
data the model never trained on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch

from replication.losses.wgan_gp import critic_loss
from replication.nets.cvae_gan import FeatureDiscriminator32


@dataclass
class CriticResult:
    distance: float  # W estimate on the evaluation split (real_eval vs fresh samples)
    curve: list[float]  # the training-batch W estimate at every step
    # W on a fixed held-out set (up to `monitor` real_eval images vs as many fixed samples), at
    # `held_out_steps` (≤ `points` evenly spaced steps, the last one included): is the critic done?
    held_out_curve: list[float] = field(default_factory=list)
    held_out_steps: list[int] = field(default_factory=list)


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
    points: int = 50,
    monitor: int = 500,
) -> CriticResult:
    """Train a BN-free critic with WGAN-GP on real_train vs sample(batch), report W on real_eval.

    Along the way the critic's W on a fixed held-out pair (the first `monitor` real_eval images and
    as many samples drawn once, outside the training random stream) is recorded at up to `points`
    evenly spaced steps: the curve shows whether the critic had stopped improving when it was read."""
    torch.manual_seed(seed)
    device = real_train.device
    critic = critic or FeatureDiscriminator32(width, real_train.shape[1], False, real_train.shape[-1]).to(device)

    def score(x: torch.Tensor) -> torch.Tensor:
        out = critic(x)
        return out[0] if isinstance(out, tuple) else out

    optimizer = torch.optim.Adam(critic.parameters(), lr=lr, betas=(0.5, 0.9))
    monitor_real = real_eval[:monitor]
    cuda = [device.index if device.index is not None else torch.cuda.current_device()] if device.type == "cuda" else []
    count = min(points, steps) if len(monitor_real) else 0
    if count:
        with torch.random.fork_rng(devices=cuda), torch.no_grad():  # the training stream stays as it was
            torch.manual_seed(seed + 1)
            monitor_fake = torch.cat(
                [sample(min(500, len(monitor_real) - i)) for i in range(0, len(monitor_real), 500)]
            )
    checkpoints = sorted({round((i + 1) * steps / count) for i in range(count)})
    curve, held_out, held_out_steps = [], [], []
    for step in range(1, steps + 1):
        real = real_train[torch.randint(0, len(real_train), (batch_size,), device=device)]
        with torch.no_grad():
            fake = sample(batch_size)
        losses = critic_loss(score, real, fake)
        optimizer.zero_grad(set_to_none=True)
        losses["L_critic"].backward()
        optimizer.step()
        curve.append(float(losses["W"].detach()))
        if step in checkpoints:
            with torch.no_grad():
                held_out.append(float(score(monitor_real).mean() - score(monitor_fake).mean()))
            held_out_steps.append(step)
    with torch.no_grad():
        fake = torch.cat([sample(min(500, len(real_eval) - i)) for i in range(0, len(real_eval), 500)])
        distance = float(score(real_eval).mean() - score(fake).mean())
    return CriticResult(distance, curve, held_out, held_out_steps)
