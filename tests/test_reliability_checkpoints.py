"""Checkpoints under crashes, concurrent readers, real corruption and a second trainer (issue #12).

A checkpoint and its checksum are one atomic unit, the previous good checkpoint is kept as a
fallback, a run folder is locked for the whole `train()` call, and written files follow the umask.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import torch

from replication.configs.profiles import get_profile
from replication.core.io import CorruptFileError, load_torch_checked, save_torch_checked, write_json_atomic
from replication.data.images import BatchSampler
from replication.experiments import msgan
from replication.run.train import train

STEPS = 12
REPO = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent


def setup_run(data, run_dir: Path, seed: int = 0) -> dict:
    """A 12-step smoke MSGAN run that checkpoints at steps 4, 8 and 12."""
    config = get_profile("msgan_table1", "smoke", steps=STEPS)
    g, d, opt_g, opt_d = msgan.build_models(config, data, torch.device("cpu"), seed)
    sampler = BatchSampler(data.train_x, data.train_y, config.batch_size)
    return dict(
        run_dir=run_dir,
        modules={"G": g, "D": d},
        optimizers={"G": opt_g, "D": opt_d},
        step_fn=msgan.make_step(g, d, opt_g, opt_d, sampler, config.nz, 1.0),
        steps=STEPS,
        seed=seed,
        checkpoint_every=4,
        progress=False,
    )


def _weights(args: dict) -> dict[str, torch.Tensor]:
    return {f"{m}.{k}": v.clone() for m, module in args["modules"].items() for k, v in module.state_dict().items()}


@pytest.fixture(scope="module")
def reference(mnist5k, tmp_path_factory):
    """An uninterrupted run: its history and final weights."""
    args = setup_run(mnist5k, tmp_path_factory.mktemp("reference") / "run")
    result = train(**args)
    return result.history, _weights(args)


def _assert_same_as_reference(args: dict, result, reference) -> None:
    history, weights = reference
    assert result.finished and result.history == history
    resumed = _weights(args)
    for key, value in weights.items():
        assert torch.equal(value, resumed[key]), key


def _env() -> dict[str, str]:
    """The child computes with as many threads as this process: a run resumed here must continue
    bit for bit what the child trained (thread count changes the float sums of a convolution)."""
    return {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": str(torch.get_num_threads())}


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


# --- kill -9 in the middle of a checkpoint save ---------------------------------------------------

KILLER = """
import os, signal, sys
from pathlib import Path
import torch
sys.path.insert(0, {tests!r})
from test_reliability_checkpoints import setup_run
from replication.data.images import load_dataset
from replication.run.train import train

real_replace, renames = os.replace, []
def replace(src, dst, *args, **kwargs):
    real_replace(src, dst, *args, **kwargs)
    if Path(dst).name.startswith("checkpoint"):
        renames.append(dst)
        if len(renames) == {kill_after}:
            os.kill(os.getpid(), signal.SIGKILL)  # as kill -9 or a power cut would, between two renames
os.replace = replace
train(**setup_run(load_dataset("mnist5k"), Path({run_dir!r})))
"""


@pytest.mark.parametrize("kill_after", [1, 2, 3])
def test_kill_9_between_the_renames_of_a_checkpoint_save_still_resumes(mnist5k, tmp_path, reference, kill_after):
    """Killed right after the k-th rename of a checkpoint file: the run resumes (no CorruptFileError)
    and ends with the same weights and history as an uninterrupted run."""
    run_dir = tmp_path / "run"
    script = KILLER.format(tests=str(TESTS), kill_after=kill_after, run_dir=str(run_dir))
    proc = subprocess.run([sys.executable, "-c", script], env=_env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == -9, proc.stderr[-3000:]
    args = setup_run(mnist5k, run_dir)
    result = train(**args)
    assert 0 < result.resumed_from < STEPS
    _assert_same_as_reference(args, result, reference)


# --- a reader while a writer saves ----------------------------------------------------------------

WRITER = """
import sys
from pathlib import Path
import torch
from replication.core.io import save_torch_checked
path = Path({path!r})
for i in range({saves}):
    save_torch_checked(path, {{"i": i, "w": torch.full((1 << 18,), float(i))}})
    if i == 0:
        print("ready", flush=True)
"""


def test_loading_while_another_process_saves_never_reports_a_false_corruption(tmp_path):
    path = tmp_path / "checkpoint.pt"
    script = WRITER.format(path=str(path), saves=300)
    writer = subprocess.Popen([sys.executable, "-c", script], env=_env(), stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "ready"
        loads, false_reports = 0, []
        for _ in range(20_000):  # bounded; ends when the writer is done
            if writer.poll() is not None:
                break
            try:
                state = load_torch_checked(path)
            except CorruptFileError as error:
                false_reports.append(str(error))
                continue
            loads += 1
            assert torch.all(state["w"] == state["i"])  # never a mix of two saves
    finally:
        writer.wait(timeout=300)
    assert writer.returncode == 0
    assert loads > 0
    assert false_reports == [], f"{len(false_reports)} of {loads + len(false_reports)} loads: {false_reports[0]}"


# --- real corruption ---------------------------------------------------------------------------------


def test_a_corrupt_newest_checkpoint_falls_back_to_the_previous_good_one(mnist5k, tmp_path, reference):
    run_dir = tmp_path / "run"
    train(**setup_run(mnist5k, run_dir), stop_after_steps=8)  # checkpoints at steps 4 and 8
    _flip_a_byte(run_dir / "checkpoint.pt")
    args = setup_run(mnist5k, run_dir)
    with pytest.warns(UserWarning, match=r"checkpoint\.pt is corrupt.*step 4"):
        result = train(**args)
    assert result.resumed_from == 4  # refused the corrupt step-8 checkpoint, resumed from step 4
    _assert_same_as_reference(args, result, reference)
    assert (run_dir / "checkpoint.pt.corrupt").exists()  # kept aside for inspection, not reused


def test_when_nothing_can_be_recovered_the_error_names_every_file_and_deletes_nothing(mnist5k, tmp_path):
    run_dir = tmp_path / "run"
    train(**setup_run(mnist5k, run_dir), stop_after_steps=8)
    files = sorted(p.name for p in run_dir.glob("checkpoint*"))
    for path in (run_dir / "checkpoint.pt", run_dir / "checkpoint.pt.prev"):
        _flip_a_byte(path)
    with pytest.raises(CorruptFileError, match=r"(?s)checkpoint\.pt .*checkpoint\.pt\.prev.*step 0") as error:
        train(**setup_run(mnist5k, run_dir))
    assert "delete it" not in str(error.value)
    assert sorted(p.name for p in run_dir.glob("checkpoint*")) == files  # the evidence is left as it was


def test_io_fallback_to_the_previous_save(tmp_path):
    from replication.core.io import load_torch_recovering

    path = tmp_path / "ckpt.pt"
    save_torch_checked(path, {"w": torch.ones(3)}, keep_previous=True)
    save_torch_checked(path, {"w": torch.zeros(3)}, keep_previous=True)
    state, used = load_torch_recovering(path)
    assert used == path and torch.equal(state["w"], torch.zeros(3))
    path.write_bytes(path.read_bytes()[:100])  # truncated
    with pytest.warns(UserWarning, match="ckpt.pt.prev"):
        state, used = load_torch_recovering(path)
    assert used.name == "ckpt.pt.prev" and torch.equal(state["w"], torch.ones(3))
    with pytest.raises(CorruptFileError, match="ckpt.pt"):
        load_torch_checked(path)


# --- files written by older versions ----------------------------------------------------------------


@pytest.mark.parametrize("sidecar_format", ["bare", "sha256sum"])
def test_old_format_checkpoints_with_a_sidecar_still_load(tmp_path, sidecar_format):
    path = tmp_path / "old.pt"
    torch.save({"w": torch.arange(4)}, path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    line = digest if sidecar_format == "bare" else f"{digest}  {path.name}"
    (tmp_path / "old.pt.sha256").write_text(line + "\n")
    assert torch.equal(load_torch_checked(path)["w"], torch.arange(4))
    _flip_a_byte(path)
    with pytest.raises(CorruptFileError, match="old.pt"):
        load_torch_checked(path)


def test_a_run_checkpointed_by_the_old_format_resumes_and_keeps_it_as_the_fallback(mnist5k, tmp_path, reference):
    run_dir = tmp_path / "run"
    train(**setup_run(mnist5k, run_dir), stop_after_steps=4)
    # rewrite the step-4 checkpoint as older versions did: plain torch file + bare-hex sidecar
    state = load_torch_checked(run_dir / "checkpoint.pt")
    for stale in run_dir.glob("checkpoint*"):
        stale.unlink()
    torch.save(state, run_dir / "checkpoint.pt")
    (run_dir / "checkpoint.pt.sha256").write_text(hashlib.sha256((run_dir / "checkpoint.pt").read_bytes()).hexdigest())
    train(**setup_run(mnist5k, run_dir), stop_after_steps=4)  # resumes from 4, saves at 8
    _flip_a_byte(run_dir / "checkpoint.pt")
    args = setup_run(mnist5k, run_dir)
    with pytest.warns(UserWarning, match="step 4"):
        result = train(**args)  # falls back to the old-format step-4 checkpoint
    assert result.resumed_from == 4
    _assert_same_as_reference(args, result, reference)


# --- one trainer per run folder --------------------------------------------------------------------

HOLDER = """
import sys
from replication.core.locks import run_lock
with run_lock({run_dir!r}):
    print("held", flush=True)
    sys.stdin.readline()
"""


@pytest.fixture
def lock_holder(tmp_path):
    """Another process that holds the run folder's lock until told to let go."""
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER.format(run_dir=str(run_dir))],
        env=_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        yield holder, run_dir
    finally:
        if holder.poll() is None:
            holder.stdin.write("\n")
            holder.stdin.flush()
        holder.wait(timeout=60)


def test_a_second_trainer_waits_for_the_lock_and_says_who_holds_it(mnist5k, lock_holder, capsys):
    holder, run_dir = lock_holder
    args = setup_run(mnist5k, run_dir)
    inner, steps_run = args["step_fn"], []
    args["step_fn"] = lambda step: steps_run.append(step) or inner(step)
    outcome = {}
    thread = threading.Thread(target=lambda: outcome.update(result=train(**args)), daemon=True)
    thread.start()
    err = ""
    for _ in range(600):  # bounded: until the waiting message appears (at most ~60 s)
        err += capsys.readouterr().err
        if "waiting" in err or not thread.is_alive():
            break
        time.sleep(0.1)
    assert "waiting" in err, "train() did not wait for the lock held by another process"
    assert f"pid {holder.pid}" in err and socket.gethostname() in err
    assert steps_run == []  # nothing ran while the other process held the run
    holder.stdin.write("\n")
    holder.stdin.flush()
    thread.join(timeout=300)
    assert outcome["result"].finished and steps_run == list(range(STEPS))


def test_a_lock_timeout_fails_at_once_naming_the_holder(mnist5k, lock_holder):
    from replication.core.locks import RunLockedError

    holder, run_dir = lock_holder
    with pytest.raises(RunLockedError, match=rf"pid {holder.pid} on {socket.gethostname()}.*since"):
        train(**setup_run(mnist5k, run_dir), lock_timeout=0.2)
    assert not (run_dir / "checkpoint.pt").exists()


def test_a_lock_whose_holder_was_killed_is_taken_over_at_once_naming_it(lock_holder, capsys):
    from replication.core.locks import run_lock

    holder, run_dir = lock_holder
    holder.kill()  # SIGKILL: no chance to let go
    holder.wait(timeout=60)
    capsys.readouterr()
    with run_lock(run_dir, timeout=0.5):  # no wait: the kernel released the dead holder's lock
        pass
    err = capsys.readouterr().err
    assert f"was held by pid {holder.pid} on {socket.gethostname()}" in err and "taking it over now" in err
    with run_lock(run_dir, timeout=0.5):  # the last holder ended cleanly: nothing to say
        pass
    assert capsys.readouterr().err == ""


# --- permissions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_written_files_follow_the_umask(tmp_path, umask):
    previous = os.umask(umask)
    try:
        write_json_atomic(tmp_path / "a.json", {"a": 1})
        save_torch_checked(tmp_path / "b.pt", {"b": torch.ones(1)})
    finally:
        os.umask(previous)
    for name in ("a.json", "b.pt"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o666 & ~umask, name
