"""The captioned-image data type: images with their captions' sentence embeddings (the offline captioned
digits of `captions` and CUB-200's StackGAN embeddings of `cub_text` both load into it)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch

from replication.data.images import ImageData


@dataclass
class TextData:
    """Images with captions and their sentence embeddings ([N, K, E]: K per image), split as `images`."""

    name: str
    images: ImageData  # the images and class labels (train/test split of the image set)
    train_embeddings: torch.Tensor
    test_embeddings: torch.Tensor
    train_captions: list[list[str]] | None = None  # None where only embeddings are available (CUB)
    test_captions: list[list[str]] | None = None
    train_attributes: np.ndarray | None = None  # [N, 3] class, width bin, slant bin (captioned digits)
    test_attributes: np.ndarray | None = None
    encoder: str = ""  # what made the embeddings

    def to(self, device: str | torch.device) -> TextData:
        return replace(
            self,
            images=self.images.to(device),
            train_embeddings=self.train_embeddings.to(device),
            test_embeddings=self.test_embeddings.to(device),
        )

    def describe(self) -> dict:
        return {
            **self.images.describe(),
            "name": self.name,
            "captions_per_image": int(self.train_embeddings.shape[1]),
            "embedding_dim": int(self.train_embeddings.shape[2]),
            "text_encoder": self.encoder,
        }
