"""Precision, recall, density and coverage (Naeem et al. 2020, "Reliable Fidelity and Diversity
Metrics for Generative Models"), on feature vectors, with k nearest neighbours (k = 5 there).

With real features X_1..X_N, fake features Y_1..Y_M, B(x, r) the closed ball and
NND_k(x) the distance from x to its k-th nearest neighbour in its own set (itself excluded):

    precision = 1/M Σ_j 1[ ∃ i: Y_j ∈ B(X_i, NND_k(X_i)) ]            (Kynkäänniemi et al. 2019)
    recall    = 1/N Σ_i 1[ ∃ j: X_i ∈ B(Y_j, NND_k(Y_j)) ]
    density   = 1/(k M) Σ_j Σ_i 1[ Y_j ∈ B(X_i, NND_k(X_i)) ]
    coverage  = 1/N Σ_i 1[ ∃ j: Y_j ∈ B(X_i, NND_k(X_i)) ]
"""

from __future__ import annotations

import torch

PROTOCOL = (
    "precision/recall/density/coverage (Naeem et al. 2020), k = {k}, Euclidean distances on the extractor's features"
)


def _kth_neighbour_distance(x: torch.Tensor, k: int) -> torch.Tensor:
    """Distance from every row to its k-th nearest other row (the row itself is at distance 0)."""
    distances = torch.cdist(x, x)
    return distances.kthvalue(k + 1, dim=1).values


def prdc(real_features: torch.Tensor, fake_features: torch.Tensor, k: int = 5) -> dict[str, float]:
    """{"precision", "recall", "density", "coverage"} of fakes against reals (module docstring)."""
    if min(len(real_features), len(fake_features)) <= k:
        raise ValueError(f"PRDC with k={k} needs more than {k} real and fake samples")
    real, fake = real_features.double(), fake_features.double()
    real_radius = _kth_neighbour_distance(real, k)  # [N]
    fake_radius = _kth_neighbour_distance(fake, k)  # [M]
    real_to_fake = torch.cdist(real, fake)  # [N, M]
    inside_real_balls = real_to_fake <= real_radius[:, None]  # fake j inside the ball of real i
    inside_fake_balls = real_to_fake <= fake_radius[None, :]  # real i inside the ball of fake j
    return {
        "precision": float(inside_real_balls.any(dim=0).double().mean()),
        "recall": float(inside_fake_balls.any(dim=1).double().mean()),
        "density": float(inside_real_balls.double().sum() / (k * len(fake))),
        "coverage": float(inside_real_balls.any(dim=1).double().mean()),
    }
