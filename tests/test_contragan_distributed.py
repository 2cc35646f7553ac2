"""The 2C loss under DDP (2 gloo ranks on CPU): with the embeddings all-gathered, the mean of the
ranks' losses equals one process's loss on the global batch, and so do the gradients."""

from __future__ import annotations

import os
from pathlib import Path

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from replication.losses.contragan import conditional_contrastive_loss

GLOBAL_BATCH, WORLD = 10, 2


def _global_batch():
    g = torch.Generator().manual_seed(0)
    embeddings = torch.randn(GLOBAL_BATCH, 6, generator=g, dtype=torch.float64)
    proxies = torch.randn(GLOBAL_BATCH, 6, generator=g, dtype=torch.float64)
    labels = torch.tensor([0, 1, 2, 0, 1, 2, 0, 3, 1, 2])  # positives on both sides of the split
    return embeddings, proxies, labels


def _worker(rank: int, folder: str):
    dist.init_process_group("gloo", init_method=f"file://{folder}/rendezvous", rank=rank, world_size=WORLD)
    torch.set_num_threads(1)
    embeddings, proxies, labels = _global_batch()
    shard = slice(rank * GLOBAL_BATCH // WORLD, (rank + 1) * GLOBAL_BATCH // WORLD)
    local = embeddings[shard].clone().requires_grad_(True)
    loss = conditional_contrastive_loss(local, proxies[shard], labels[shard], temperature=0.7)
    loss.backward()
    mean_loss = loss.detach().clone()
    dist.all_reduce(mean_loss)
    torch.save({"loss": float(mean_loss) / WORLD, "grad": local.grad / WORLD}, Path(folder) / f"rank{rank}.pt")
    dist.destroy_process_group()


def test_all_gathered_2c_loss_and_gradients_equal_the_single_process_ones(tmp_path):
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    mp.spawn(_worker, args=(str(tmp_path),), nprocs=WORLD, join=True)
    outputs = [torch.load(tmp_path / f"rank{r}.pt", weights_only=True) for r in range(WORLD)]

    embeddings, proxies, labels = _global_batch()
    embeddings.requires_grad_(True)
    loss = conditional_contrastive_loss(embeddings, proxies, labels, temperature=0.7)
    loss.backward()
    for out in outputs:
        assert abs(out["loss"] - loss.item()) < 1e-12
    # DDP averages the ranks' gradients: rank r's (gathered-backward) gradient / world = the global one
    torch.testing.assert_close(torch.cat([out["grad"] for out in outputs]), embeddings.grad, rtol=1e-10, atol=1e-12)
    # without the gather each rank would see only its own half of the negatives: a different loss
    half = conditional_contrastive_loss(embeddings[:5].detach(), proxies[:5], labels[:5], temperature=0.7)
    assert abs(float(half) - float(loss)) > 1e-3
