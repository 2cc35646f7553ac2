"""Launch a table's training runs under torchrun from a notebook (the `paper` profile's way to use
several GPUs). Each (method, seed) run is one `torchrun -m replication.run.train` process group; the
notebook afterwards finds the finished runs in their run folders and only evaluates them."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence


def torchrun_command(table_id: str, profile: str, method: str, seed: int, nproc: int, **overrides) -> list[str]:
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", str(nproc)]
    command += ["-m", "replication.run.train", "--table", table_id, "--profile", profile, "--method", method]
    command += ["--seed", str(seed)]
    for key, value in overrides.items():
        if value is not None:
            command += [f"--{key}", str(value)]
    return command


def train_with_torchrun(
    table_id: str, profile: str, methods: Sequence[str], seeds: Sequence[int], nproc: int, **overrides
) -> None:
    """Run every (method, seed) of a table on `nproc` processes (GPUs); raises if one fails."""
    for seed in seeds:
        for method in methods:
            command = torchrun_command(table_id, profile, method, seed, nproc, **overrides)
            print("$", " ".join(command), flush=True)
            subprocess.run(command, check=True)
