import os
import signal

import pytest
import torch

from replication.configs.profiles import get_profile
from replication.core.io import CorruptFileError
from replication.data.images import BatchSampler
from replication.experiments import msgan
from replication.run.train import DisplayLine, NonFiniteLossError, train

STEPS = 12


def _setup(mnist5k, run_dir, seed=0, device="cpu"):
    config = get_profile("msgan_table1", "smoke", steps=STEPS)
    device = torch.device(device)
    mnist5k = mnist5k.to(device)
    g, d, opt_g, opt_d = msgan.build_models(config, mnist5k, device, seed)
    sampler = BatchSampler(mnist5k.train_x, mnist5k.train_y, config.batch_size)
    step = msgan.make_step(g, d, opt_g, opt_d, sampler, config.nz, 1.0)
    return dict(
        run_dir=run_dir,
        modules={"G": g, "D": d},
        optimizers={"G": opt_g, "D": opt_d},
        step_fn=step,
        steps=STEPS,
        seed=seed,
        checkpoint_every=4,
        progress=False,
    ), g


def _weights(module):
    return {k: v.clone() for k, v in module.state_dict().items()}


def test_resumed_run_ends_with_the_same_weights_as_an_uninterrupted_one(mnist5k, tmp_path):
    args, g_full = _setup(mnist5k, tmp_path / "full")
    full = train(**args)
    assert full.finished and full.resumed_from == 0 and len(full.history["d_loss"]) == STEPS

    args, _ = _setup(mnist5k, tmp_path / "interrupted")
    part = train(**args, stop_after_steps=5)  # stops after step 5 (not a checkpoint multiple)
    assert not part.finished and part.steps_done == 5

    args, g_resumed = _setup(mnist5k, tmp_path / "interrupted", seed=0)
    resumed = train(**args)
    assert resumed.resumed_from == 5 and resumed.finished
    assert resumed.history == full.history
    for key, value in _weights(g_full).items():
        assert torch.equal(value, g_resumed.state_dict()[key]), key


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA (skipped on CPU-only machines and CI)")
def test_a_run_resumes_on_cuda(mnist5k, tmp_path):
    """The checkpoint is loaded with map_location=cuda, which moves the saved CPU RNG state to the GPU;
    resuming must still work (it raised 'RNG state must be a torch.ByteTensor' before the fix)."""
    cuda = torch.device("cuda")
    args, _ = _setup(mnist5k, tmp_path / "run", device=cuda)
    train(**args, stop_after_steps=5)
    args, _ = _setup(mnist5k, tmp_path / "run", device=cuda)
    resumed = train(**args)
    assert resumed.resumed_from == 5 and resumed.finished


def test_rerunning_a_finished_run_loads_it_without_training(mnist5k, tmp_path, capsys):
    args, g = _setup(mnist5k, tmp_path / "run")
    train(**args)
    calls = []
    args, g_again = _setup(mnist5k, tmp_path / "run", seed=99)
    args["step_fn"] = lambda step: calls.append(step) or {}
    capsys.readouterr()
    again = train(**{**args, "progress": True})
    assert calls == [] and again.resumed_from == STEPS
    assert all(torch.equal(v, g_again.state_dict()[k]) for k, v in _weights(g).items())
    assert "it/s" not in capsys.readouterr().err  # a reload draws no (full) progress bar


def test_a_progress_bar_in_a_notebook_is_one_output_updated_in_place():
    from tqdm.std import tqdm

    shown = []

    class Handle:
        def update(self, data, raw):
            shown.append(("update", data["text/plain"]))

    def display(data, raw, display_id):
        assert raw and display_id
        shown.append(("display", data["text/plain"]))
        return Handle()

    bar = tqdm(total=5, desc="DRIT-seed0", file=DisplayLine(display), mininterval=0)
    for _ in range(5):
        bar.update(1)
    bar.close()
    assert [kind for kind, _ in shown].count("display") == 1  # one output, however many redraws
    assert shown[0][1].startswith("DRIT-seed0:   0%") and shown[-1][1].startswith("DRIT-seed0: 100%")
    assert "5/5" in shown[-1][1] and "\r" not in shown[-1][1] and "\n" not in shown[-1][1]


def test_ctrl_c_finishes_the_step_checkpoints_and_can_resume(mnist5k, tmp_path):
    args, _ = _setup(mnist5k, tmp_path / "run")
    inner = args["step_fn"]

    def step_with_interrupt(step):
        if step == 6:
            os.kill(os.getpid(), signal.SIGINT)  # as a kernel interrupt would
        return inner(step)

    args["step_fn"] = step_with_interrupt
    with pytest.raises(KeyboardInterrupt, match="after step 7"):
        train(**args)
    args, _ = _setup(mnist5k, tmp_path / "run")
    assert train(**args).resumed_from == 7


def test_nan_loss_stops_with_the_step_and_keeps_the_last_good_checkpoint(mnist5k, tmp_path):
    args, _ = _setup(mnist5k, tmp_path / "run")
    inner = args["step_fn"]

    def exploding(step):
        losses = dict(inner(step))
        if step == 9:
            losses["d_loss"] = torch.tensor(float("nan"))
        return losses

    args["step_fn"] = exploding
    with pytest.raises(NonFiniteLossError, match="step 9.*step 8"):
        train(**args)
    args, _ = _setup(mnist5k, tmp_path / "run")
    args["step_fn"] = inner
    assert train(**args).resumed_from == 8


def test_a_corrupt_checkpoint_is_detected(mnist5k, tmp_path):
    args, _ = _setup(mnist5k, tmp_path / "run")
    train(**args, stop_after_steps=4)
    checkpoint = tmp_path / "run" / "checkpoint.pt"
    data = bytearray(checkpoint.read_bytes())
    data[len(data) // 2] ^= 0xFF
    checkpoint.write_bytes(bytes(data))
    args, _ = _setup(mnist5k, tmp_path / "run")
    with pytest.raises(CorruptFileError, match="corrupt"):
        train(**args)


def test_in_a_kernel_without_ipywidgets_bars_go_to_one_display_output(monkeypatch):
    from replication.run import train as train_module

    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("ipywidgets installed: tqdm's notebook widget is one output already")
    lines, updates = [], []

    class Handle:
        def update(self, data, raw):
            updates.append(data)

    class Recorded(DisplayLine):
        def __init__(self):
            super().__init__(lambda data, raw, display_id: lines.append(data) or Handle())

    monkeypatch.setattr(train_module, "DisplayLine", Recorded)
    monkeypatch.setattr(train_module, "_in_kernel", lambda: True)
    bar = train_module._progress_bar()(total=3, desc="run", mininterval=0)
    bar.update(3)
    bar.close()
    assert len(lines) == 1 and lines[0]["text/plain"].startswith("run:   0%")
    assert updates and updates[-1]["text/plain"].startswith("run: 100%")
    monkeypatch.setattr(train_module, "_in_kernel", lambda: False)
    assert train_module._progress_bar().__name__ == "tqdm"  # a terminal or a script: tqdm's own bar on stderr
