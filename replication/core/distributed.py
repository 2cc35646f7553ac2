"""Multi-GPU (or multi-process CPU) training through torchrun: PyTorch's own distributed engine.

    torchrun --nproc_per_node 4 -m replication.run.train --table msgan_table1 --profile paper --method MSGAN --seed 0

torchrun sets RANK / WORLD_SIZE / LOCAL_RANK; `init_from_env` joins the process group (NCCL on
GPUs, gloo on CPU). The conventions every experiment follows:

- the global batch B is split across ranks (B / world_size each); each rank draws its own data
  and noise from its own seed (`rank_seed`), while the model starts identical on every rank
  (DistributedDataParallel broadcasts rank 0's weights);
- gradients are averaged by DDP, so a mean-reduced loss gives the global-batch gradient;
- losses that need the whole batch (ContraGAN's 2C) all-gather their inputs;
- rank 0 alone writes checkpoints, histories and results; every rank keeps its own RNG state
  file so a resumed run continues exactly.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import torch
import torch.distributed as dist
import torch.nn as nn


def is_distributed() -> bool:
    return dist.is_available() and dist.is_initialized()


def rank() -> int:
    return dist.get_rank() if is_distributed() else 0


def world_size() -> int:
    return dist.get_world_size() if is_distributed() else 1


def is_main() -> bool:
    return rank() == 0


def barrier() -> None:
    if is_distributed():
        dist.barrier()


def init_from_env() -> torch.device:
    """Join the torchrun process group if RANK/WORLD_SIZE are set; return this rank's device."""
    if "RANK" in os.environ and "WORLD_SIZE" in os.environ and not is_distributed():
        backend = "nccl" if torch.cuda.is_available() else "gloo"
        dist.init_process_group(backend)
    if torch.cuda.is_available():
        local = int(os.environ.get("LOCAL_RANK", 0))
        torch.cuda.set_device(local)
        return torch.device("cuda", local)
    return torch.device("cpu")


def rank_seed(seed: int) -> int:
    """Each rank draws different data and noise: seed + 1000·rank (rank 0 keeps `seed`)."""
    return seed + 1000 * rank()


def shard_batch_size(global_batch: int) -> int:
    """The per-rank batch; the global batch must divide evenly across ranks."""
    size = world_size()
    if global_batch % size:
        raise ValueError(f"global batch {global_batch} does not split evenly over {size} ranks")
    return global_batch // size


def wrap(module: nn.Module, device: torch.device) -> nn.Module:
    """DistributedDataParallel (SyncBatchNorm on GPUs) when distributed; the module itself otherwise."""
    if not is_distributed():
        return module
    if device.type == "cuda":
        module = nn.SyncBatchNorm.convert_sync_batchnorm(module)
    return nn.parallel.DistributedDataParallel(module, device_ids=[device.index] if device.type == "cuda" else None)


def unwrap(module: nn.Module) -> nn.Module:
    return module.module if isinstance(module, nn.parallel.DistributedDataParallel) else module


def all_reduce_mean(values: Mapping[str, float]) -> dict[str, float]:
    """Average scalar losses over ranks (identity when not distributed)."""
    if not is_distributed() or not values:
        return dict(values)
    names = sorted(values)
    tensor = torch.tensor([float(values[n]) for n in names], dtype=torch.float64)
    if dist.get_backend() == "nccl":
        tensor = tensor.cuda()
    dist.all_reduce(tensor)
    tensor /= world_size()
    return {n: float(v) for n, v in zip(names, tensor.cpu().tolist(), strict=True)}
