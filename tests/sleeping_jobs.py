"""A stand-in for an experiment's `train_run` (picklable, so that a spawned worker can import it): it
writes the worker's pid to the file named by `config` and sleeps, like a long training run."""

from __future__ import annotations

import os
import time
from pathlib import Path


def sleep_run(config, data, method, seed, device, progress):
    Path(config).write_text(str(os.getpid()))
    time.sleep(300)


PARENT = """
import os, sys
sys.path.insert(0, {tests!r})
import torch
from replication.core import parallel
import sleeping_jobs

os.environ[parallel.WORKERS_ENV] = "2"
torch.set_num_threads(2)
parallel.train_runs(sleeping_jobs.sleep_run, [({pid_file!r}, "A", 0)], torch.zeros(1), "cpu")
"""
