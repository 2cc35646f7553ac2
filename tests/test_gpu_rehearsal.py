"""Dress rehearsal of the gpu/paper profiles (issue #26, item 2): every table notebook at `-p profile gpu
-p quick True` (and `paper` where its networks differ from gpu's) on a tiny copy of its default data set in the
on-disk layout `data_scripts/download.py` leaves (`tests/rehearsal_fixtures.py`), with the real Inception FID
network where the profile uses it. Each case checks that the notebook finished, that it wrote a quick results
file with provenance, and that the data set, split and image size it loaded are the profile's.

Marked `rehearsal`: CI runs it with the rest; `pytest -m "not rehearsal"` skips it. REHEARSAL_DEVICE (default
cpu) picks the device: `data_scripts/gpu_check.sh` runs this file with REHEARSAL_DEVICE=cuda.
"""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import time
from pathlib import Path

import pytest
import rehearsal_fixtures as fixtures

from replication.configs.profiles import get_profile

pytestmark = pytest.mark.rehearsal
REPO = Path(__file__).resolve().parents[1]
TIMES_ENV = "REHEARSAL_TIMES"  # a JSON-lines file that gets each case's wall time (gpu_check.sh reads it)

# (notebook, table id, profile): paper only where its networks differ from gpu's (StackGAN++'s third stage,
# CVAE-GAN's 128 px); every other table's paper profile differs from gpu only in steps, seeds and sizes.
CASES = [
    ("msgan/table1_labels", "msgan_table1", "gpu"),
    ("msgan/table2_pix2pix", "msgan_pix2pix", "gpu"),
    ("msgan/table3_drit", "msgan_drit", "gpu"),
    ("msgan/table4_stackgan", "msgan_stackgan", "gpu"),
    ("msgan/table4_stackgan", "msgan_stackgan", "paper"),
    ("cvae_gan/table1_recognisability", "cvae_gan_table1", "gpu"),
    ("cvae_gan/table1_recognisability", "cvae_gan_table1", "paper"),
    ("cvae_gan/applications", "cvae_gan_applications", "gpu"),
    ("cvae_gan/applications", "cvae_gan_applications", "paper"),
    ("alpha_gan/table_battery", "alpha_gan_table", "gpu"),
    ("contragan/table1_conditioning", "contragan_table1", "gpu"),
    ("contragan/table2_sota", "contragan_table2", "gpu"),
    ("contragan/discriminator_overfitting", "contragan_overfitting", "gpu"),
]
# Their gpu/paper profiles measure diversity with real AlexNet LPIPS (the fixture's AlexNet weights here).
LPIPS_TABLES = ("msgan_pix2pix", "msgan_drit", "msgan_stackgan")
# What each fixture holds (train, held out): the split a loader must have read.
SPLIT_SIZES = {
    "cifar10": (80, 20),
    "facades": (8, 6),  # val/, not train/ twice
    "yosemite": ([6, 6], [6, 6]),
    "cub200": (30, 20),  # StackGAN's split by class
    "flowers102": (72, 18),
    "celeba-identities": (72, 9),
}


@pytest.fixture(scope="module")
def data_root(tmp_path_factory) -> Path:
    return fixtures.build_all(tmp_path_factory.mktemp("rehearsal-data"))


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """One cache for every case: the real images' Inception features and the classifiers are computed once."""
    return tmp_path_factory.mktemp("rehearsal-cache")


def expected_size(config) -> int:
    """The side of the images the profile trains on (MSGAN Table 1: the DCGAN's fixed 32 px)."""
    if config.__class__.__name__ == "MSGANTable1Config":
        from replication.experiments.msgan import IMAGE_SIZE

        return IMAGE_SIZE
    return config.image_size


def split_sizes(described: dict) -> tuple:
    for train, held in (
        ("train_size", "held_out_size"),
        ("train_pairs", "held_out_pairs"),
        ("train_sizes", "held_out_sizes"),
    ):
        if train in described:
            return described[train], described[held]
    raise AssertionError(f"no split sizes in {described}")


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_notebook(notebook: str, profile: str, data_root: Path, out: Path, monkeypatch) -> tuple[float, float]:
    """Execute one notebook with papermill at `profile` quick; returns (wall, CPU) seconds (the CPU time of the
    kernel and its workers: what the notebook costs on an otherwise idle machine, whatever else runs)."""
    import papermill

    from replication.book.runner import to_ipynb

    monkeypatch.setenv("REPLICATION_DATA_ROOT", str(data_root))
    path = [str(fixtures.SITE_DIR), str(REPO), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(dict.fromkeys(path)))
    monkeypatch.setenv(fixtures.CIFAR_MD5_ENV, str(data_root / fixtures.CIFAR_FOLDER / "fixture-md5.json"))
    monkeypatch.setenv("TORCH_HOME", str(data_root / fixtures.TORCH_HOME))
    alexnet = next((data_root / fixtures.TORCH_HOME / "hub" / "checkpoints").glob("alexnet-owt-*.pth"))
    monkeypatch.setenv(fixtures.ALEXNET_ENV, str(alexnet))
    source = out / Path(notebook).name
    source.with_suffix(".py").write_text((REPO / "notebooks" / f"{notebook}.py").read_text())
    device = os.environ.get("REHEARSAL_DEVICE", "cpu")
    start, cpu = time.perf_counter(), _children_cpu_s()
    papermill.execute_notebook(
        str(to_ipynb(source.with_suffix(".py"))),
        str(out / "executed.ipynb"),
        parameters={"profile": profile, "quick": True, "device": device, "progress": False},
        kernel_name="python3",
        progress_bar=False,
    )
    return time.perf_counter() - start, _children_cpu_s() - cpu


@pytest.mark.parametrize(("notebook", "table_id", "profile"), CASES, ids=[f"{t}-{p}" for _, t, p in CASES])
def test_the_notebook_runs_its_profile_path_on_the_papers_data_layout(
    notebook, table_id, profile, data_root, cache, tmp_path, monkeypatch
):
    from replication.core.paths import results_root
    from replication.run import results

    if table_id in LPIPS_TABLES and importlib.util.find_spec("lpips") is None:
        pytest.skip("real LPIPS needs the lpips package (in the test extras: pip install -e '.[test]')")
    monkeypatch.setenv("REPLICATION_RESULTS", str(tmp_path / "results"))
    monkeypatch.setenv("REPLICATION_CACHE", str(cache))
    wall, cpu = run_notebook(notebook, profile, data_root, tmp_path, monkeypatch)
    if os.environ.get(TIMES_ENV):
        with open(os.environ[TIMES_ENV], "a") as handle:
            times = {"table": table_id, "profile": profile, "wall_s": round(wall, 1), "cpu_s": round(cpu, 1)}
            handle.write(json.dumps(times) + "\n")

    config = get_profile(table_id, profile, quick=True)
    written = sorted((results_root() / profile).glob(f"{table_id}.*.json"))
    assert [p.name for p in written] == [f"{table_id}.{config.dataset}.quick.json"]  # never the profile's own file
    payload = json.loads(written[0].read_text())
    results.validate(payload)
    provenance = payload["provenance"]
    assert provenance["profile"] == profile and provenance["settings_overridden"]["quick"] is True
    assert provenance["git_commit"] and provenance["seeds"] == [0]
    described = provenance["dataset"]
    assert described["name"] == config.dataset == results.dataset_name(payload)
    assert list(split_sizes(described)) == list(SPLIT_SIZES[config.dataset])
    shape = described.get("image_shape") or described["target_shape"]
    assert shape[-2:] == [expected_size(config)] * 2
    if getattr(config, "extractor", "") == "inception-v3-fid":
        assert "inception-v3-fid" in json.dumps(payload)
