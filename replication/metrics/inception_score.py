"""The inception-score form (Salimans et al. 2016) over any classifier's predictions.

    IS = exp( E_x KL( p(y | x) ‖ p(y) ) ),   p(y) = E_x p(y | x)

computed on `splits` equal parts of the samples; mean and std over the parts are reported (the
usual protocol uses 10 splits). With the Inception network it is the Inception Score; with this
project's `classifier:<dataset>` it is the offline stand-in, and CVAE-GAN's "realism" score is
this form over a face classifier. It ranges from 1 (every prediction identical) to K (confident
predictions spread evenly over K classes).
"""

from __future__ import annotations

import torch


def inception_score(
    logits_or_probs: torch.Tensor, splits: int = 10, probabilities: bool = False, seed: int = 0
) -> dict[str, float]:
    """{"mean", "std", "splits"} of exp(E KL(p(y|x) ‖ p(y))) over `splits` parts of the samples.

    The samples are shuffled (fixed `seed`) before splitting, so class-ordered inputs do not put
    one class in each part.
    """
    p = logits_or_probs.double() if probabilities else torch.softmax(logits_or_probs.double(), dim=1)
    if splits < 1 or len(p) < splits:
        raise ValueError(f"need at least {splits} samples for {splits} splits, got {len(p)}")
    p = p[torch.randperm(len(p), generator=torch.Generator().manual_seed(seed))]
    scores = []
    for part in torch.tensor_split(p, splits):
        marginal = part.mean(dim=0, keepdim=True)
        kl = torch.where(part > 0, part * (part.log() - marginal.log()), torch.zeros_like(part)).sum(dim=1)
        scores.append(torch.exp(kl.mean()))
    values = torch.stack(scores)
    return {
        "mean": float(values.mean()),
        "std": float(values.std(unbiased=True)) if splits > 1 else 0.0,
        "splits": splits,
    }
