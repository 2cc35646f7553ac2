"""Label accuracy: the share of generated outputs that an evaluator classifies as the class they were made
for. One measure behind two regime checks: StackGAN++'s outputs follow their caption's class, DRIT's
translations keep their input's digit ("content kept"). Beside it, the label–class mutual information, which
tells a generator that ignores its label from one that uses it for the wrong class."""

from __future__ import annotations

import torch


def label_accuracy(classifier, outputs: torch.Tensor, labels: torch.Tensor) -> float:
    """Top-1 of `classifier` (anything with `.logits(images)`) on every output [M, N, C, H, W] against the
    class `labels` [N] of the input (caption, source image) it was made from: mean of 1[argmax = label]."""
    predicted = classifier.logits(outputs.flatten(0, 1)).argmax(1).cpu()
    return float((predicted == labels.cpu().repeat(len(outputs))).float().mean())


def label_mutual_information(asked: torch.Tensor, predicted: torch.Tensor, num_classes: int) -> float:
    """Normalised mutual information between the label a sample was generated for and the class the evaluator
    predicts, NMI = I(asked; predicted) / ((H(asked) + H(predicted)) / 2) (arithmetic normalisation), in [0, 1].

    It tells "ignores its label" (NMI ≈ 0: the same mix of digits whatever the label) from "uses its label, for
    the wrong digit" (NMI ≈ 1 at low accuracy: each label draws one consistent digit, permuted), which label
    accuracy alone cannot. 0 when either side takes a single value (nothing to share)."""
    asked, predicted = asked.cpu().long(), predicted.cpu().long()
    joint = torch.zeros(num_classes, num_classes, dtype=torch.float64)
    joint.index_put_((asked, predicted), torch.ones(len(asked), dtype=torch.float64), accumulate=True)
    joint /= joint.sum()
    p_asked, p_predicted = joint.sum(1), joint.sum(0)

    def entropy(p: torch.Tensor) -> float:
        p = p[p > 0]
        return float(-(p * p.log()).sum())

    nonzero = joint > 0
    outer = p_asked[:, None] * p_predicted[None, :]
    mutual = float((joint[nonzero] * (joint[nonzero] / outer[nonzero]).log()).sum())
    normaliser = (entropy(p_asked) + entropy(p_predicted)) / 2
    return mutual / normaliser if normaliser > 0 else 0.0
