"""Fréchet distance between feature sets (Heusel et al. 2017), computed by torchmetrics.

    FID = ||μ_r − μ_g||² + Tr(Σ_r + Σ_g − 2 (Σ_r Σ_g)^½)

The features come from a registered extractor (`replication.metrics.features`): Inception pool3
for the standard FID, or the project's classifier for the offline stand-in. Extraction is done
by the caller so that real-data features can be cached; torchmetrics' `FrechetInceptionDistance`
then accumulates the statistics (float64) and evaluates the distance, fed the features through
an identity "network". Where a feature set has no more images than dimensions (a quick check, or
1,000 Inception samples per class: the covariances are rank-deficient), the trace term is computed exactly
in the images' space instead (`_trace_sqrt_product`), which is also faster. `normalize=False`: with `normalize=True`, torchmetrics releases before
its 2024 fix cast the inputs to bytes (`(x * 255).byte()`) even for a custom network, which would
silently turn features into 0…255 integers; `False` passes them through in every release.
"""

from __future__ import annotations

import torch
import torch.nn as nn
from torchmetrics.image.fid import FrechetInceptionDistance


class _PrecomputedFeatures(nn.Module):
    """An identity extractor: the 'images' handed to torchmetrics are already feature vectors."""

    def __init__(self, num_features: int):
        super().__init__()
        self.num_features = num_features

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return features


def frechet_distance(real_features: torch.Tensor, fake_features: torch.Tensor) -> float:
    """FID between two [N, D] feature sets (each needs N ≥ 2)."""
    if real_features.ndim != 2 or fake_features.ndim != 2 or real_features.shape[1] != fake_features.shape[1]:
        raise ValueError(
            f"expected two [N, D] feature sets of equal D, got {tuple(real_features.shape)} and {tuple(fake_features.shape)}"
        )
    if min(len(real_features), len(fake_features)) <= real_features.shape[1]:
        return _low_rank_frechet_distance(real_features.detach().double().cpu(), fake_features.detach().double().cpu())
    metric = FrechetInceptionDistance(feature=_PrecomputedFeatures(real_features.shape[1]), normalize=False)
    metric.update(real_features.detach().double().cpu(), real=True)
    metric.update(fake_features.detach().double().cpu(), real=False)
    return float(metric.compute())


def _trace_sqrt_product(x: torch.Tensor, y: torch.Tensor) -> float:
    """Tr (Σ_x Σ_y)^½ for two [N, D] feature sets, exact and cheap when y has few rows: with Y the centred y,
    Σ_x Σ_y = Σ_x Yᵀ Y / (N_y − 1) has the nonzero eigenvalues of Y Σ_x Yᵀ / (N_y − 1), an N_y × N_y
    symmetric positive semi-definite matrix, so the trace is the sum of the square roots of its eigenvalues."""
    y_centred = y - y.mean(0)
    small = y_centred @ torch.cov(x.T) @ y_centred.T / (len(y) - 1)
    return float(torch.linalg.eigvalsh((small + small.T) / 2).clamp(min=0).sqrt().sum())


def _low_rank_frechet_distance(real: torch.Tensor, fake: torch.Tensor) -> float:
    """The same FID where a set has no more rows than dimensions: the trace term via the smaller set."""
    x, y = (real, fake) if len(fake) <= len(real) else (fake, real)
    mean_term = float((real.mean(0) - fake.mean(0)).square().sum())
    traces = float(real.var(0).sum() + fake.var(0).sum())  # Tr Σ_r + Tr Σ_g
    return mean_term + traces - 2 * _trace_sqrt_product(x, y)


def per_class_frechet_distance(
    real_features: torch.Tensor, real_labels: torch.Tensor, fake_features: torch.Tensor, fake_labels: torch.Tensor
) -> dict[int, float]:
    """Intra-class FID: the Fréchet distance computed separately for every class present in both."""
    classes = sorted(set(real_labels.tolist()) & set(fake_labels.tolist()))
    return {c: frechet_distance(real_features[real_labels == c], fake_features[fake_labels == c]) for c in classes}
