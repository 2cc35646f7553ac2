"""Train a table's runs in worker processes on a CPU, so that the notebook then only evaluates them.

The nets of the offline profiles are small: one process cannot keep two cores busy (a step is many
small operators), so two worker processes with one thread each train a pair of runs faster than
one process with two threads trains them one after the other (`make bench` prints the measured
speed-up per model family). `train_runs` hands every (config, method, seed) to a pool of
`layout(device).workers` spawned processes, each calling the experiment's own `train_run`; the
runs checkpoint into their usual run folders, so the notebook's `run_table` afterwards finds them
finished and only loads them. Results are the same as in-process training with the worker's thread
count (CPU floating-point sums can depend on the thread count: provenance records the layout).

A worker that fails (a NaN loss, a corrupt checkpoint) raises its error in the notebook; an
interrupted notebook stops its workers, whose runs resume from their last checkpoint next time.
Workers die with their parent (`die_with_parent`): a kill of the notebook's kernel, kill -9 included,
leaves no worker training on (README, "When things go wrong"); their run locks are free at once.
`REPLICATION_TRAIN_WORKERS=1` turns the workers off (everything trains in the notebook's process).
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

WORKERS_ENV = "REPLICATION_TRAIN_WORKERS"
_DATA = None  # the data set, sent once to each worker


@dataclass(frozen=True)
class Layout:
    """How training runs are spread: `workers` processes with `threads` torch threads each."""

    workers: int
    threads: int

    def describe(self) -> str:
        if self.workers == 1:
            return f"in the notebook's process, {self.threads} thread(s)"
        return f"{self.workers} worker processes × {self.threads} thread(s)"

    def as_dict(self) -> dict:
        return {"workers": self.workers, "threads_per_worker": self.threads}


def layout(device: torch.device | str) -> Layout:
    """Two workers splitting this process's torch threads on a CPU with ≥ 2 of them; else one (the
    notebook itself; always on a GPU). `REPLICATION_TRAIN_WORKERS` overrides the number of workers."""
    threads = torch.get_num_threads()
    if torch.device(device).type != "cpu":
        return Layout(1, threads)
    wanted = os.environ.get(WORKERS_ENV, "").strip()
    if wanted:
        if not wanted.isdigit() or int(wanted) < 1:
            raise ValueError(f"{WORKERS_ENV} must be an integer ≥ 1, got {wanted!r}")
        workers = int(wanted)
    else:
        workers = 2 if threads >= 2 else 1
    return Layout(workers, max(1, threads // workers))


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCH_EVERY_S = 0.5


def _end_self() -> None:
    os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


def _set_parent_death_signal() -> bool:
    """Linux: ask the kernel to SIGKILL this process when its parent ends (`prctl(PR_SET_PDEATHSIG)`)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def die_with_parent(parent_pid: int | None = None) -> None:
    """Make this (worker) process end when `parent_pid` (default: its parent) ends, however the parent ends
    (kill -9 included): on Linux the kernel's parent-death signal, and everywhere a daemon thread that checks
    every `WATCH_EVERY_S` s whether the parent is still this process's parent (an orphan is handed to
    another one) and kills this process if not. A worker's run stops where it is; its checkpoint is whole
    (written in one rename) and its run lock is released by the kernel, so the next run resumes it at once.
    Call it first thing in a worker (a pool's `initializer`) that its parent started from its main thread."""
    parent_pid = os.getppid() if parent_pid is None else parent_pid
    _set_parent_death_signal()
    if os.getppid() != parent_pid:  # the parent ended before the signal was armed
        _end_self()

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(WATCH_EVERY_S)
        _end_self()

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def _start_worker(threads: int, data, parent_pid: int | None = None) -> None:
    global _DATA
    die_with_parent(parent_pid)
    torch.set_num_threads(threads)
    _DATA = data


def _train_one(train_run: Callable, config, method: str, seed: int) -> bool:
    """Train one run in this worker; True if it trained any step, False if it only reloaded a finished run."""
    run = train_run(config, _DATA, method, seed, torch.device("cpu"), progress=False)
    result = getattr(run, "result", None)  # a `TrainResult`: steps_done == resumed_from > 0 for a reload
    return result is None or not (result.resumed_from > 0 and result.steps_done == result.resumed_from)


def describe_done(trained: int, reloaded: int, seconds: float) -> str:
    """'trained 3 runs', 'reloaded 10 trained runs' or both, 'in N s': what the workers did."""
    said = [f"trained {trained} run{'s' * (trained != 1)}"] if trained else []
    if reloaded:
        said.append(f"reloaded {reloaded} trained run{'s' * (reloaded != 1)}")
    return f"{' and '.join(said) or 'no runs'} in {seconds:.0f} s"


def train_runs(
    train_run: Callable, jobs: Sequence[tuple[object, str, int]], data, device: torch.device | str
) -> Layout:
    """Train every (config, method, seed) of `jobs` with `train_run(config, data, method, seed, device,
    progress)` (an experiment module's function) in worker processes when `layout(device)` has more
    than one; with one worker, do nothing (the caller's own loop trains them in order). Returns the layout."""
    plan = layout(device)
    if plan.workers == 1 or len(jobs) == 0:
        return plan
    start = time.perf_counter()
    context = multiprocessing.get_context("spawn")  # fresh interpreters: no forked OpenMP or kernel state
    cpu_data = data.to("cpu") if hasattr(data, "to") else data
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=min(plan.workers, len(jobs)),
        mp_context=context,
        initializer=_start_worker,
        initargs=(plan.threads, cpu_data, os.getpid()),
    )
    futures: list[concurrent.futures.Future] = []
    trained = 0
    try:
        futures = [pool.submit(_train_one, train_run, config, method, seed) for config, method, seed in jobs]
        for future in concurrent.futures.as_completed(futures):
            trained += bool(future.result())  # a worker's error (NaN loss, corrupt checkpoint) is raised here
    except BaseException:
        for future in futures:
            future.cancel()
        for process in list(getattr(pool, "_processes", {}).values()):  # stop runs in flight; they resume later
            process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    done = describe_done(trained, len(jobs) - trained, time.perf_counter() - start)
    print(f"{done} ({plan.describe()})", flush=True)
    return plan
