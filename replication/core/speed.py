"""Speed settings for training: what `fast` mode switches on, per device (README, "Scale up").

| setting        | GPU (fast)              | CPU (fast)  | baseline |
|----------------|-------------------------|-------------|----------|
| data           | one tensor on the device, indexed per batch (always, in every mode but baseline) |||
| autocast       | bfloat16                | off (bf16 is slower on CPU) | off |
| channels_last  | on                      | off         | off      |
| fused Adam     | on                      | off         | off      |
| torch.compile  | optional (`compile=True`) | off       | off      |

Numerics: bf16 autocast changes results within seed noise, so runs record their speed settings
in the run folder's config hash (a bf16 run never resumes an fp32 checkpoint).
"""

from __future__ import annotations

import contextlib
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn


@dataclass(frozen=True)
class Speed:
    autocast_bf16: bool = False
    channels_last: bool = False
    fused_adam: bool = False
    compile: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


BASELINE = Speed()


def fast_settings(device: torch.device, compile: bool = False) -> Speed:
    """The fast settings for `device`: everything on for CUDA, nothing extra on CPU."""
    if device.type == "cuda":
        return Speed(autocast_bf16=True, channels_last=True, fused_adam=True, compile=compile)
    return BASELINE


def adam(params, speed: Speed, **kwargs) -> torch.optim.Adam:
    return torch.optim.Adam(params, fused=True, **kwargs) if speed.fused_adam else torch.optim.Adam(params, **kwargs)


def prepare(module: nn.Module, speed: Speed) -> nn.Module:
    """torch.compile when asked (the compiled wrapper is returned; the module keeps the weights)."""
    return torch.compile(module) if speed.compile else module


def autocast(speed: Speed, device: torch.device):
    if speed.autocast_bf16:
        return torch.autocast(device_type=device.type, dtype=torch.bfloat16)
    return contextlib.nullcontext()
