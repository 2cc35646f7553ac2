"""DDP on CPU with 2 gloo ranks: the gradients of a split global batch equal one process's on the
whole batch, and an interrupted distributed run resumes to the same weights as an uninterrupted one."""

from __future__ import annotations

import os
from pathlib import Path

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from replication.core import distributed
from replication.losses.gan import bce_discriminator_loss
from replication.nets.dcgan import CondDiscriminator32

GLOBAL_BATCH = 8


def _global_batch():
    g = torch.Generator().manual_seed(0)
    real, fake = torch.randn(2, GLOBAL_BATCH, 1, 32, 32, generator=g)
    return real, fake, torch.randint(0, 10, (GLOBAL_BATCH,), generator=g)


def _discriminator():
    torch.manual_seed(1)
    return CondDiscriminator32(num_classes=10, width=4, in_channels=1).eval()  # eval: BN uses running stats


def _gradients(model, real, fake, labels):
    loss = bce_discriminator_loss(model(real, labels), model(fake, labels))
    loss.backward()
    module = distributed.unwrap(model)
    return loss.detach(), {n: p.grad.clone() for n, p in module.named_parameters()}


def _toy_run(run_dir: Path, stop_after: int | None):
    """A tiny regression trained with `train` under DDP: each rank draws its own noise."""
    from replication.run.train import train

    torch.manual_seed(0)
    model = distributed.wrap(torch.nn.Linear(3, 1), torch.device("cpu"))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

    def step(_):
        x = torch.randn(4, 3)
        loss = (model(x).squeeze(1) - x.sum(1)).pow(2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return {"loss": loss}

    return train(
        run_dir,
        {"m": model},
        {"m": optimizer},
        step,
        10,
        0,
        checkpoint_every=4,
        progress=False,
        stop_after_steps=stop_after,
    ), distributed.unwrap(model)


def _worker(rank: int, world: int, folder: str):
    dist.init_process_group("gloo", init_method=f"file://{folder}/rendezvous", rank=rank, world_size=world)
    torch.set_num_threads(1)
    real, fake, labels = _global_batch()
    shard = slice(rank * GLOBAL_BATCH // world, (rank + 1) * GLOBAL_BATCH // world)
    model = distributed.wrap(_discriminator(), torch.device("cpu"))
    loss, grads = _gradients(model, real[shard], fake[shard], labels[shard])
    mean_loss = distributed.all_reduce_mean({"loss": float(loss)})["loss"]

    full, _ = _toy_run(Path(folder) / "full", None)
    part, _ = _toy_run(Path(folder) / "resumed", 3)
    resumed, resumed_model = _toy_run(Path(folder) / "resumed", None)
    _, full_model = _toy_run(Path(folder) / "full", None)  # finished: loads the final weights
    if rank == 0:
        torch.save(
            {
                "loss": mean_loss,
                "grads": grads,
                "part": part.steps_done,
                "resumed_from": resumed.resumed_from,
                "same_weights": all(
                    torch.equal(a, b)
                    for a, b in zip(full_model.state_dict().values(), resumed_model.state_dict().values(), strict=True)
                ),
                "same_history": full.history == resumed.history,
                "rng_files": sorted(p.name for p in (Path(folder) / "resumed").glob("rng-rank*.pt")),
            },
            Path(folder) / "rank0.pt",
        )
    dist.destroy_process_group()


def test_ddp_matches_one_process_and_resumes(tmp_path):
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    mp.spawn(_worker, args=(2, str(tmp_path)), nprocs=2, join=True)
    out = torch.load(tmp_path / "rank0.pt", weights_only=True)

    real, fake, labels = _global_batch()
    loss, grads = _gradients(_discriminator(), real, fake, labels)
    assert abs(out["loss"] - float(loss)) < 1e-4 * float(
        loss
    )  # mean of the shards' mean losses = the global-batch loss
    for name, grad in grads.items():
        torch.testing.assert_close(out["grads"][name], grad, rtol=1e-4, atol=1e-6)

    assert out["part"] == 3 and out["resumed_from"] == 3
    assert out["same_weights"] and out["same_history"]
    assert out["rng_files"] == ["rng-rank0.pt", "rng-rank1.pt"]  # every rank resumes its own RNG stream
