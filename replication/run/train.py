"""One training loop for every model in the book.

`train` knows only the order of things around an iteration: seeding, progress, the loss history,
periodic atomic checkpoints, resuming, and stopping on a non-finite loss. What one iteration
does (which nets update, how often, with which losses) is the caller's `step_fn`, which returns
a dict of named scalar losses.

Reliability rules (what `train` guarantees; see also the README, "When things go wrong"):
- every RNG is seeded at the start, and its state travels in the checkpoint, so an interrupted
  run that resumes ends with the same weights, optimiser states and loss history as one that
  never stopped;
- a checkpoint (models, optimisers, RNG states, history, step) is written every
  `checkpoint_every` steps, at the end, and when the run is interrupted (Ctrl-C / kernel
  interrupt is deferred to the end of the current step, so the checkpoint is never mid-step);
- a checkpoint carries its own sha256 and replaces the old one in a single rename
  (`replication.core.io.save_torch_checked`), so a kill -9, a power cut or a full disk at any moment
  leaves a complete, verifiable checkpoint; the one before it is kept as `checkpoint.pt.prev`;
- rerunning with the same run folder resumes from the last checkpoint; a finished run returns
  at once. A checkpoint that fails its checksum is never used: the run resumes from
  `checkpoint.pt.prev` with a warning and the bad file is moved aside as `checkpoint.pt.corrupt`;
  only when neither is usable does it stop, naming both files (then move the run folder aside to
  train from step 0);
- one process at a time trains a run folder: `train` holds `<run>/train.lock` for its whole call;
  a second caller waits, printing which process (pid, host, since when) holds it, or with
  `lock_timeout` fails with RunLockedError;
- a NaN/inf loss stops the run with the step number; the last good checkpoint is left as it was.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import signal
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

from replication.core import distributed
from replication.core.io import (
    CorruptFileError,
    load_torch_checked,
    load_torch_recovering,
    previous_path,
    remove_stale_temps,
    save_torch_checked,
    write_json_atomic,
)
from replication.core.locks import run_lock
from replication.core.paths import runs_root

CHECKPOINT_NAME = "checkpoint.pt"
StepFn = Callable[[int], Mapping[str, torch.Tensor | float]]


class NonFiniteLossError(FloatingPointError):
    """A loss became NaN or inf; the message names the step and the last good checkpoint."""


@dataclass
class TrainResult:
    history: dict[str, list[float]]  # loss name → one value per step
    steps_done: int
    resumed_from: int  # 0 for a fresh run
    wall_time_s: float  # this call only
    finished: bool
    run_dir: Path
    extra: dict = field(default_factory=dict)


class DisplayLine:
    """A file for tqdm's text bar that keeps one output per bar in a notebook: the bar's newest state,
    shown with `display(..., display_id=True)` and updated in place. Written to stderr, a bar's first draw
    and each redraw ("\\r 0%|…", later "\\r100%|…\\n") arrive as separate stream outputs, which papermill
    keeps (it does not merge streams) and a rendered notebook shows one per line: every bar at least twice."""

    encoding = "utf-8"  # tqdm draws its Unicode bar

    def __init__(self, display: Callable | None = None):
        self._display = display
        self._handle = None
        self.text = ""

    def write(self, text: str) -> None:
        parts = [p.rstrip() for p in text.replace("\n", "\r").split("\r")]
        newest = next((p for p in reversed(parts) if p), None)
        if newest is None or newest == self.text:
            return
        self.text = newest
        if self._handle is None:
            if self._display is None:
                from IPython.display import display

                self._display = display
            self._handle = self._display({"text/plain": newest}, raw=True, display_id=True)
        else:
            self._handle.update({"text/plain": newest}, raw=True)

    def flush(self) -> None:
        pass


def _in_kernel() -> bool:
    """Running in a Jupyter kernel (a notebook, papermill), not a terminal or a plain script."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return getattr(get_ipython(), "kernel", None) is not None


def _progress_bar():
    """A tqdm bar factory: tqdm's notebook widget where ipywidgets is installed; in a kernel without it,
    the text bar kept as one output updated in place (`DisplayLine`); else the plain text bar on stderr.
    (tqdm.auto without ipywidgets prints a `TqdmWarning: IProgress not found` block into every executed
    notebook.)"""
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        from tqdm.std import tqdm

        if _in_kernel():
            return lambda **kwargs: tqdm(file=DisplayLine(), **kwargs)
    else:
        from tqdm.auto import tqdm
    return tqdm


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (CPU and every CUDA device)."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def config_hash(config: Mapping) -> str:
    """A short, stable hash of a JSON-able training configuration (names a run folder)."""
    text = json.dumps(config, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def train_method(
    table_id: str,
    run_config: Mapping,
    method: str,
    seed: int,
    modules: Mapping[str, nn.Module],
    optimizers: Mapping[str, torch.optim.Optimizer],
    step_fn: StepFn,
    config,
    device: torch.device,
    progress: bool = True,
    run_name: str | None = None,
    sync_every: int | None = None,
) -> TrainResult:
    """One (method, seed) run of a table, the way every table trains: its folder keyed by `run_config`
    (`run_dir_for`: same settings → resume), `config.steps` steps checkpointed every
    `config.checkpoint_every`, host sync every step on a CPU and every 50 on a GPU unless given."""
    run_dir = run_dir_for(table_id, run_config, f"{run_name or method}-seed{seed}")
    return train(
        run_dir,
        modules,
        optimizers,
        step_fn,
        config.steps,
        seed,
        checkpoint_every=config.checkpoint_every,
        progress=progress,
        description=f"{method} seed {seed}",
        sync_every=sync_every or (1 if device.type == "cpu" else 50),
    )


def run_dir_for(table_id: str, config: Mapping, run_name: str) -> Path:
    """runs/<table_id>/<config hash>/<run_name>: same config and name → same folder → resume."""
    folder = runs_root() / table_id / config_hash(config) / run_name
    folder.mkdir(parents=True, exist_ok=True)
    config_file = folder.parent / "config.json"
    if not config_file.exists():
        write_json_atomic(config_file, dict(config))
    return folder


def _rng_state() -> dict:
    state = {
        "torch": torch.get_rng_state(),
        "python": random.getstate(),
        "numpy": torch.from_numpy(np.random.get_state()[1].astype(np.int64)),
        "numpy_pos": int(np.random.get_state()[2]),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _set_rng_state(state: dict) -> None:
    """Restore `_rng_state()`; RNG states are CPU byte tensors even when the checkpoint was loaded
    with map_location=cuda (which moves them to the GPU)."""
    torch.set_rng_state(state["torch"].cpu())
    python_state = state["python"]
    random.setstate((python_state[0], tuple(python_state[1]), python_state[2]))
    keys = state["numpy"].cpu().numpy().astype(np.uint32)
    np.random.set_state(("MT19937", keys, state["numpy_pos"], 0, 0.0))
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all([s.cpu() for s in state["cuda"]])


@contextmanager
def _deferred_interrupt():
    """Turn SIGINT into a flag checked between steps (main thread only; otherwise a no-op)."""
    flag = {"interrupted": False}
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def handler(signum, frame):
        flag["interrupted"] = True

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)


def _flush(pending: list[tuple[int, Mapping[str, torch.Tensor | float]]]) -> list[tuple[int, dict[str, float]]]:
    """Turn buffered per-step losses into floats with one device sync, averaged over DDP ranks."""
    if not pending:
        return []
    names = list(pending[0][1])
    stacked = torch.stack(
        [
            torch.stack([torch.as_tensor(losses[n]).detach().float().cpu().reshape(()) for n in names])
            for _, losses in pending
        ]
    )
    if distributed.is_distributed():
        stacked = stacked.double()
        if torch.distributed.get_backend() == "nccl":
            stacked = stacked.cuda()
        torch.distributed.all_reduce(stacked)
        stacked = (stacked / distributed.world_size()).cpu()
    return [
        (step, dict(zip(names, row.tolist(), strict=True))) for (step, _), row in zip(pending, stacked, strict=True)
    ]


def train(
    run_dir: Path,
    modules: Mapping[str, nn.Module],
    optimizers: Mapping[str, torch.optim.Optimizer],
    step_fn: StepFn,
    steps: int,
    seed: int,
    checkpoint_every: int = 500,
    progress: bool = True,
    stop_after_steps: int | None = None,
    description: str = "",
    sync_every: int = 1,
    lock_timeout: float | None = None,
) -> TrainResult:
    """Run `step_fn(step)` for steps 0..steps-1, resuming from `run_dir/checkpoint.pt` if present.

    `stop_after_steps` ends this call early (after a checkpoint) once that many steps ran in it:
    a time-sliced run, and how the resume test interrupts a run.
    `sync_every` > 1 reads the losses back from the device once per that many steps (no GPU sync
    per step); NaN/inf detection still names the exact step, and no checkpoint is written before
    the losses it covers were checked. Modules may be DDP-wrapped (`replication.core.distributed`):
    checkpoints hold the unwrapped weights, rank 0 writes them, every rank keeps its RNG state.
    The run folder is locked for the whole call (by rank 0 under DDP): another `train` on it waits,
    or raises RunLockedError after `lock_timeout` seconds when that is given.
    """
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    lock = run_lock(run_dir, lock_timeout) if distributed.is_main() else nullcontext()
    with lock:
        tqdm = _progress_bar()

        checkpoint_path = run_dir / CHECKPOINT_NAME
        rng_path = run_dir / f"rng-rank{distributed.rank()}.pt"
        history: dict[str, list[float]] = {}
        start_step = 0
        device = next(iter(modules.values())).parameters().__next__().device
        if distributed.is_main():
            remove_stale_temps(checkpoint_path)  # left by a save that was killed; nobody else writes here
        distributed.barrier()  # nobody reads a checkpoint that rank 0 is still writing

        last_saved: int | None = None
        if checkpoint_path.exists() or previous_path(checkpoint_path).exists():
            state = _load_checkpoint(checkpoint_path, device)
            for name, module in modules.items():
                distributed.unwrap(module).load_state_dict(state["modules"][name])
            for name, optimizer in optimizers.items():
                optimizer.load_state_dict(state["optimizers"][name])
            rng = state["rng"]
            if distributed.is_distributed():
                for candidate in (rng_path, previous_path(rng_path)):  # this rank's state at the checkpoint's step
                    try:
                        rng_state = load_torch_checked(candidate)
                    except (FileNotFoundError, CorruptFileError):
                        continue  # then the checkpoint's (rank 0's) RNG state, as before per-rank files existed
                    if int(rng_state["step"]) == int(state["step"]):
                        rng = rng_state["rng"]
                        break
            _set_rng_state(rng)
            history = {k: list(v) for k, v in state["history"].items()}
            start_step = last_saved = int(state["step"])
        else:
            seed_everything(distributed.rank_seed(seed))  # ranks draw different data and noise

        def save(step_done: int) -> None:
            nonlocal last_saved
            if distributed.is_distributed():
                save_torch_checked(rng_path, {"step": step_done, "rng": _rng_state()}, keep_previous=True)
            if distributed.is_main():
                save_torch_checked(
                    checkpoint_path,
                    {
                        "step": step_done,
                        "modules": {n: distributed.unwrap(m).state_dict() for n, m in modules.items()},
                        "optimizers": {n: o.state_dict() for n, o in optimizers.items()},
                        "rng": _rng_state(),
                        "history": history,
                    },
                    keep_previous=True,
                )
                write_json_atomic(run_dir / "history.json", {"step": step_done, "history": history})
            distributed.barrier()
            last_saved = step_done

        def record(pending: list) -> None:
            for step_index, losses in _flush(pending):
                bad = {name: v for name, v in losses.items() if not math.isfinite(v)}
                if bad:
                    where = (
                        f"the last good checkpoint (step {last_saved}) is kept at {checkpoint_path}"
                        if last_saved is not None
                        else "no checkpoint had been written yet"
                    )
                    raise NonFiniteLossError(f"non-finite loss at step {step_index}: {bad}; {where}.")
                for name, value in losses.items():
                    history.setdefault(name, []).append(value)
            pending.clear()

        for module in modules.values():
            module.train()
        t0 = time.perf_counter()
        step = start_step
        ran = 0
        pending: list = []
        bar = tqdm(
            total=steps,
            initial=start_step,
            desc=description or run_dir.name,
            disable=not progress or not distributed.is_main() or start_step >= steps,  # no bar for a reload
            mininterval=2.0,
        )
        try:
            with _deferred_interrupt() as interrupt:
                while step < steps:
                    pending.append((step, step_fn(step)))
                    step += 1
                    ran += 1
                    bar.update(1)
                    stopping = interrupt["interrupted"] or (stop_after_steps is not None and ran >= stop_after_steps)
                    checkpointing = step % checkpoint_every == 0 or step == steps or stopping
                    if checkpointing or len(pending) >= sync_every:
                        record(pending)
                    if checkpointing:
                        save(step)
                    if interrupt["interrupted"]:
                        raise KeyboardInterrupt(f"interrupted after step {step}; checkpoint saved, rerun to resume")
                    if stopping and step < steps:
                        break
        finally:
            bar.close()
        for module in modules.values():
            module.eval()
        return TrainResult(history, step, start_step, time.perf_counter() - t0, step >= steps, run_dir)


def _load_checkpoint(checkpoint_path: Path, device: torch.device) -> dict:
    """The newest good checkpoint (falling back to the previous one, with a warning); a corrupt
    newest one is moved aside so that the next save does not make it the fallback."""
    try:
        state, used = load_torch_recovering(checkpoint_path, device, describe=lambda s: f" (step {int(s['step'])})")
    except CorruptFileError as error:
        raise CorruptFileError(
            f"{error} No checkpoint in {checkpoint_path.parent} can be resumed; to train from step 0, move that "
            "folder aside (keep it if you want to look into it) and rerun."
        ) from None
    if used != checkpoint_path and distributed.is_main() and checkpoint_path.exists():
        checkpoint_path.replace(checkpoint_path.with_name(checkpoint_path.name + ".corrupt"))
    return state


# ----------------------------------------------------------------------------------------------
# Command line: one (table, method, seed) run, typically under torchrun for multi-GPU training:
#   torchrun --nproc_per_node 4 -m replication.run.train --table msgan_table1 --profile paper --method MSGAN --seed 0
# The notebook then finds the finished run in the same run folder and only evaluates it.

TRAINABLE = {
    "msgan_table1": "replication.experiments.msgan",
    "contragan_table1": "replication.experiments.contragan",
    "contragan_table2": "replication.experiments.contragan",
    "contragan_overfitting": "replication.experiments.contragan",
}


def main(argv: list[str] | None = None) -> int:
    import argparse
    import importlib

    from replication.configs.profiles import get_profile, resolve_profile_name
    from replication.data.images import load_dataset

    parser = argparse.ArgumentParser(description="Train one run of a table (torchrun-aware).")
    parser.add_argument("--table", required=True, help=f"one of: {', '.join(TRAINABLE)}")
    parser.add_argument("--profile", default="auto")
    parser.add_argument("--method", required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dataset", default=None)
    parser.add_argument("--steps", type=int, default=None)
    args = parser.parse_args(argv)
    if args.table not in TRAINABLE:
        parser.error(f"unknown table {args.table!r}; trainable tables: {', '.join(TRAINABLE)}")
    experiment = importlib.import_module(TRAINABLE[args.table])
    device = distributed.init_from_env()
    profile = resolve_profile_name(args.profile)
    config = get_profile(args.table, profile, dataset=args.dataset, steps=args.steps)
    # the nets' size (digits are resized to it): the module's constant, else the config's (ContraGAN)
    image_size = getattr(experiment, "IMAGE_SIZE", None) or getattr(config, "image_size", None)
    data = load_dataset(config.dataset, image_size, min_classes=2, table=args.table).to(device)
    run = experiment.train_run(config, data, args.method, args.seed, device, progress=distributed.is_main())
    if distributed.is_main():
        print(f"{args.table} {args.method} seed {args.seed}: {run.result.steps_done} steps in {run.result.run_dir}")
    if distributed.is_distributed():
        torch.distributed.destroy_process_group()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
