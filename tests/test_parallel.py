"""Training in worker processes (replication.core.parallel, issue #17): a run trained in a worker is the run
trained in-process with the same thread count, bit for bit; a worker's error reaches the caller."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import torch

from replication.configs.profiles import get_profile
from replication.core import parallel
from replication.data.images import load_dataset
from replication.experiments import msgan


def _generator_weights(runs_dir, monkeypatch, config, data):
    monkeypatch.setenv("REPLICATION_RUNS", str(runs_dir))
    run = msgan.train_run(config, data, "MSGAN", 1, torch.device("cpu"), progress=False)
    assert run.result.steps_done == config.steps
    return {k: v.clone() for k, v in run.generator.state_dict().items()}


def test_a_run_trained_in_a_worker_equals_the_same_run_trained_in_process(tmp_path, monkeypatch):
    config = get_profile(msgan.TABLE_ID, "smoke", steps=6)
    data = load_dataset(config.dataset, image_size=msgan.IMAGE_SIZE)
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        monkeypatch.setenv(parallel.WORKERS_ENV, "2")
        monkeypatch.setenv("REPLICATION_RUNS", str(tmp_path / "workers"))
        jobs = [(config, m, s) for s in (0, 1) for m in msgan.METHODS]
        plan = parallel.train_runs(msgan.train_run, jobs, data, torch.device("cpu"))
        assert plan == parallel.Layout(workers=2, threads=1)
        in_worker = _generator_weights(tmp_path / "workers", monkeypatch, config, data)  # loads the finished run
        torch.set_num_threads(1)  # the workers' thread count
        in_process = _generator_weights(tmp_path / "alone", monkeypatch, config, data)  # trains it here
    finally:
        torch.set_num_threads(threads)
    assert in_worker.keys() == in_process.keys()
    for name in in_worker:
        assert torch.equal(in_worker[name], in_process[name]), name
    assert len(list((tmp_path / "workers").rglob("checkpoint.pt"))) == 4  # every job trained once


def _fails(config, data, method, seed, device, progress):
    raise FloatingPointError(f"non-finite loss at step 3 ({method} seed {seed})")


class _Result:
    def __init__(self, resumed_from, steps_done):
        self.resumed_from, self.steps_done = resumed_from, steps_done


class _Run:
    def __init__(self, result):
        self.result = result


def _reloads_seed_0(config, data, method, seed, device, progress):
    """A finished run for seed 0 (loaded at step 10, nothing trained), a fresh one otherwise."""
    return _Run(_Result(10, 10) if seed == 0 else _Result(0, 10))


def test_the_workers_say_which_runs_they_reloaded_and_which_they_trained(monkeypatch, capsys):
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    jobs = [(None, m, s) for s in (0, 1) for m in ("A", "B", "C")]
    parallel.train_runs(_reloads_seed_0, jobs[:3], torch.zeros(1), torch.device("cpu"))
    assert capsys.readouterr().out.startswith("reloaded 3 trained runs in ")
    parallel.train_runs(_reloads_seed_0, jobs, torch.zeros(1), torch.device("cpu"))
    assert capsys.readouterr().out.startswith("trained 3 runs and reloaded 3 trained runs in ")
    assert parallel.describe_done(1, 0, 7.2) == "trained 1 run in 7 s"


def test_a_workers_error_is_raised_in_the_caller(monkeypatch):
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    with pytest.raises(FloatingPointError, match="non-finite loss at step 3"):
        parallel.train_runs(_fails, [(None, "A", 0), (None, "B", 0)], torch.zeros(1), torch.device("cpu"))


def test_the_layout_splits_the_threads_and_stays_in_process_on_a_gpu_or_one_thread(monkeypatch):
    threads = torch.get_num_threads()
    monkeypatch.delenv(parallel.WORKERS_ENV, raising=False)
    try:
        torch.set_num_threads(2)
        assert parallel.layout("cpu") == parallel.Layout(2, 1)
        assert parallel.layout("cuda") == parallel.Layout(1, 2)
        torch.set_num_threads(1)
        assert parallel.layout("cpu") == parallel.Layout(1, 1)
        monkeypatch.setenv(parallel.WORKERS_ENV, "1")
        torch.set_num_threads(2)
        assert parallel.layout("cpu") == parallel.Layout(1, 2)
        monkeypatch.setenv(parallel.WORKERS_ENV, "two")
        with pytest.raises(ValueError, match="REPLICATION_TRAIN_WORKERS must be an integer"):
            parallel.layout("cpu")
    finally:
        torch.set_num_threads(threads)


def test_one_worker_trains_nothing_itself(monkeypatch):
    monkeypatch.setenv(parallel.WORKERS_ENV, "1")
    assert parallel.train_runs(_fails, [(None, "A", 0)], torch.zeros(1), "cpu").workers == 1  # no error: not called
    assert os.environ[parallel.WORKERS_ENV] == "1"


def _alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie waiting for its new parent to reap it counts as ended)."""
    try:
        import psutil
    except ImportError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        try:
            with open(f"/proc/{pid}/stat") as stat:
                return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return True
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_workers_die_with_their_parent_even_after_kill_9(tmp_path):
    """A process that launched training workers (`train_runs`, as a notebook's kernel does) is killed with
    SIGKILL: no worker is left alive 10 s later."""
    from pathlib import Path

    import sleeping_jobs

    pid_file = tmp_path / "worker.pid"
    tests = str(Path(__file__).parent)
    code = sleeping_jobs.PARENT.format(tests=tests, pid_file=str(pid_file))
    env = {**os.environ, "PYTHONPATH": str(Path(tests).parent), "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    parent = subprocess.Popen([sys.executable, "-c", code], env=env)
    worker = None
    try:
        deadline = time.monotonic() + 180  # spawning a worker imports torch: slow on a busy machine
        while not pid_file.exists() or not pid_file.read_text():
            assert parent.poll() is None, "the parent ended before its worker started"
            assert time.monotonic() < deadline, "the worker did not start"
            time.sleep(0.2)
        worker = int(pid_file.read_text())
        assert _alive(worker)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        gone_by = time.monotonic() + 10
        while _alive(worker) and time.monotonic() < gone_by:
            time.sleep(0.2)
        assert not _alive(worker), f"worker {worker} outlived its parent by 10 s"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if worker is not None and _alive(worker):
            os.kill(worker, signal.SIGKILL)  # the one process this test started and left behind
