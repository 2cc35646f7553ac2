"""Precision on one fixed real manifold (Kynkäänniemi et al. 2019), the first line of `replication.metrics.prdc`:

    precision = 1/M Σ_j 1[ ∃ i: Y_j ∈ B(X_i, NND_k(X_i)) ]

with the real radii computed once for any number of sample sets.
"""

from __future__ import annotations

import torch

from replication.metrics.prdc import _kth_neighbour_distance


class RealManifold:
    """One fixed real manifold for precision alone: the real feature vectors and their k-NN radii, computed
    once, then `precision(fake_features)` for any number of sample sets.
    The "outputs are data" gates of the MSGAN tables (`replication.claims.regime.outputs_are_data`). At most
    `limit` evenly spaced reals and fakes are used (the paper profiles' 50,000 × 50,000 Inception distances
    would cost minutes; 10,000 keep the share's standard error under 0.005)."""

    def __init__(self, real_features: torch.Tensor, k: int = 5, chunk: int = 2048, limit: int = 10_000):
        if len(real_features) <= k:
            raise ValueError(f"a manifold with k={k} needs more than {k} real samples")
        self.k, self.chunk, self.limit = k, chunk, limit
        self.real = evenly_spaced_rows(real_features, limit).double()
        self.radius = _kth_neighbour_distance(self.real, k, chunk)

    def precision(self, fake_features: torch.Tensor) -> float:
        """Share of the fakes inside some real ball: 1/M Σ_j 1[∃ i: ‖Y_j − X_i‖ ≤ NND_k(X_i)]."""
        fake = evenly_spaced_rows(fake_features, self.limit).double()
        inside = torch.zeros(len(fake), dtype=torch.bool)
        for start in range(0, len(self.real), self.chunk):
            distances = torch.cdist(self.real[start : start + self.chunk], fake)
            inside |= (distances <= self.radius[start : start + self.chunk, None]).any(dim=0)
        return float(inside.double().mean())


def evenly_spaced_rows(x: torch.Tensor, limit: int) -> torch.Tensor:
    """`x` itself, or `limit` of its rows evenly spaced over it (class-major sample sets keep every class)."""
    if len(x) <= limit:
        return x
    return x[torch.linspace(0, len(x) - 1, limit).round().long().to(x.device)]
