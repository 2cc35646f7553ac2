"""Fréchet distance between feature sets (Heusel et al. 2017), computed by torchmetrics.

    FID = ||μ_r − μ_g||² + Tr(Σ_r + Σ_g − 2 (Σ_r Σ_g)^½)

The features come from a registered extractor (`replication.metrics.features`): Inception pool3
for the standard FID, or the project's classifier for the offline stand-in. Extraction is done
by the caller so that real-data features can be cached; torchmetrics' `FrechetInceptionDistance`
then accumulates the statistics (float64) and evaluates the distance, fed the features through
an identity "network". `normalize=False`: with `normalize=True`, torchmetrics releases before
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
    metric = FrechetInceptionDistance(feature=_PrecomputedFeatures(real_features.shape[1]), normalize=False)
    metric.update(real_features.detach().double().cpu(), real=True)
    metric.update(fake_features.detach().double().cpu(), real=False)
    return float(metric.compute())


def per_class_frechet_distance(
    real_features: torch.Tensor, real_labels: torch.Tensor, fake_features: torch.Tensor, fake_labels: torch.Tensor
) -> dict[int, float]:
    """Intra-class FID: the Fréchet distance computed separately for every class present in both."""
    classes = sorted(set(real_labels.tolist()) & set(fake_labels.tolist()))
    return {c: frechet_distance(real_features[real_labels == c], fake_features[fake_labels == c]) for c in classes}
