"""A small CNN classifier: the offline feature extractor (`classifier:<dataset>`) and evaluator.

Trained only on a data set's training split. Its penultimate layer (`features`) replaces
Inception pool3 features for FID when the standard network is not used; its logits give the
inception-score form of "realism" and the top-1 recognisability of generated samples.
"""

from __future__ import annotations

import torch
import torch.nn as nn


class SmallClassifier(nn.Module):
    """Three stride-2 3×3 convs (w, 2w, 4w; BN + ReLU), flatten, FC to `feature_dim`, FC to classes.

    Sized for 32×32 (any size divisible by 8 works); cheap enough to train on 2 CPU cores.
    """

    def __init__(
        self, in_channels: int, num_classes: int, width: int = 32, feature_dim: int = 128, image_size: int = 32
    ):
        super().__init__()
        w = width
        self.body = nn.Sequential(
            nn.Conv2d(in_channels, w, 3, 2, 1),
            nn.BatchNorm2d(w),
            nn.ReLU(),
            nn.Conv2d(w, w * 2, 3, 2, 1),
            nn.BatchNorm2d(w * 2),
            nn.ReLU(),
            nn.Conv2d(w * 2, w * 4, 3, 2, 1),
            nn.BatchNorm2d(w * 4),
            nn.ReLU(),
            nn.Flatten(),
            nn.Linear(w * 4 * (image_size // 8) ** 2, feature_dim),
            nn.ReLU(),
        )
        self.head = nn.Linear(feature_dim, num_classes)
        self.feature_dim = feature_dim

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))
