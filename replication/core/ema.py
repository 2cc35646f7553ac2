"""Exponential moving average of a generator's weights (BigGAN's "EMA of G").

    θ_ema ← β θ_ema + (1 − β) θ      after every G update, from step `start` on (a copy before it);

buffers (batch-norm running statistics, spectral-norm vectors) are copied, not averaged.
"""

from __future__ import annotations

import copy

import torch
import torch.nn as nn


def make_ema(model: nn.Module) -> nn.Module:
    """A frozen copy of `model` to hold the averaged weights."""
    ema = copy.deepcopy(model)
    for p in ema.parameters():
        p.requires_grad_(False)
    return ema


@torch.no_grad()
def ema_update_(ema: nn.Module, model: nn.Module, decay: float, step: int = 0, start: int = 0) -> None:
    """θ_ema ← decay·θ_ema + (1 − decay)·θ (a plain copy while step < start); buffers copied."""
    beta = decay if step >= start else 0.0
    for target, source in zip(ema.parameters(), model.parameters(), strict=True):
        target.lerp_(source.detach(), 1.0 - beta)
    for target, source in zip(ema.buffers(), model.buffers(), strict=True):
        target.copy_(source)
