"""Label accuracy: the share of generated outputs that an evaluator classifies as the class they were made
for. One measure behind two regime checks: StackGAN++'s outputs follow their caption's class, DRIT's
translations keep their input's digit ("content kept")."""

from __future__ import annotations

import torch


def label_accuracy(classifier, outputs: torch.Tensor, labels: torch.Tensor) -> float:
    """Top-1 of `classifier` (anything with `.logits(images)`) on every output [M, N, C, H, W] against the
    class `labels` [N] of the input (caption, source image) it was made from: mean of 1[argmax = label]."""
    predicted = classifier.logits(outputs.flatten(0, 1)).argmax(1).cpu()
    return float((predicted == labels.cpu().repeat(len(outputs))).float().mean())
