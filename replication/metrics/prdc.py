"""Precision, recall, density and coverage (Naeem et al. 2020, "Reliable Fidelity and Diversity
Metrics for Generative Models"), on feature vectors, with k nearest neighbours (k = 5 there).

With real features X_1..X_N, fake features Y_1..Y_M, B(x, r) the closed ball and
NND_k(x) the distance from x to its k-th nearest neighbour in its own set (itself excluded):

    precision = 1/M Σ_j 1[ ∃ i: Y_j ∈ B(X_i, NND_k(X_i)) ]            (Kynkäänniemi et al. 2019)
    recall    = 1/N Σ_i 1[ ∃ j: X_i ∈ B(Y_j, NND_k(Y_j)) ]
    density   = 1/(k M) Σ_j Σ_i 1[ Y_j ∈ B(X_i, NND_k(X_i)) ]
    coverage  = 1/N Σ_i 1[ ∃ j: Y_j ∈ B(X_i, NND_k(X_i)) ]

Distances are computed in blocks of `chunk` rows, so memory stays O(chunk · max(N, M)).
"""

from __future__ import annotations

import torch

PROTOCOL = (
    "precision/recall/density/coverage (Naeem et al. 2020), k = {k}, Euclidean distances on the extractor's features"
)


def _kth_neighbour_distance(x: torch.Tensor, k: int, chunk: int) -> torch.Tensor:
    """Distance from every row to its k-th nearest other row (the row itself is at distance 0)."""
    return torch.cat([torch.cdist(part, x).kthvalue(k + 1, dim=1).values for part in x.split(chunk)])


def prdc(real_features: torch.Tensor, fake_features: torch.Tensor, k: int = 5, chunk: int = 2048) -> dict[str, float]:
    """{"precision", "recall", "density", "coverage"} of fakes against reals (module docstring)."""
    if min(len(real_features), len(fake_features)) <= k:
        raise ValueError(f"PRDC with k={k} needs more than {k} real and fake samples")
    real, fake = real_features.double(), fake_features.double()
    real_radius = _kth_neighbour_distance(real, k, chunk)  # [N]
    fake_radius = _kth_neighbour_distance(fake, k, chunk)  # [M]
    fake_in_some_real_ball = torch.zeros(len(fake), dtype=torch.bool)
    real_balls_per_fake = torch.zeros(len(fake), dtype=torch.float64)
    recalled, covered = [], []
    for start in range(0, len(real), chunk):
        distances = torch.cdist(real[start : start + chunk], fake)  # [c, M]
        inside_real_balls = distances <= real_radius[start : start + chunk, None]  # fake j in real i's ball
        fake_in_some_real_ball |= inside_real_balls.any(dim=0)
        real_balls_per_fake += inside_real_balls.double().sum(dim=0)
        covered.append(inside_real_balls.any(dim=1))
        recalled.append((distances <= fake_radius[None, :]).any(dim=1))  # real i in some fake ball
    return {
        "precision": float(fake_in_some_real_ball.double().mean()),
        "recall": float(torch.cat(recalled).double().mean()),
        "density": float(real_balls_per_fake.sum() / (k * len(fake))),
        "coverage": float(torch.cat(covered).double().mean()),
    }
