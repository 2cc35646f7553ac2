"""Class-conditional samples from a fixed seed, the same for every method of a table; which held-out
items a table evaluates."""

from __future__ import annotations

import torch


@torch.no_grad()
def generate_per_class(generator, per_class: int, seed: int, device: torch.device, batch_size: int = 1000):
    """`per_class` samples of every class (class-major) from latent codes drawn with `seed` → (images on
    CPU, labels). `generator(z, labels)` must expose `nz` and `num_classes`."""
    generator.eval()
    labels = torch.arange(generator.num_classes).repeat_interleave(per_class)
    z = torch.randn(len(labels), generator.nz, generator=torch.Generator(device="cpu").manual_seed(seed))
    images = [
        generator(z[i : i + batch_size].to(device), labels[i : i + batch_size].to(device)).cpu()
        for i in range(0, len(labels), batch_size)
    ]
    return torch.cat(images), labels


def evenly_spaced(total: int, n: int) -> torch.Tensor:
    """min(n, total) indices evenly spaced over 0..total−1. The offline held-out splits are stored class
    by class, so "the first n" would cover one or two digits; these cover every class in proportion."""
    return torch.linspace(0, total - 1, min(n, total)).round().long()
