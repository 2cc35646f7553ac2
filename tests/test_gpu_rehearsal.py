"""Dress rehearsal of the gpu/paper profiles (issue #26, item 2): every table notebook at `-p profile gpu
-p quick True` (and `paper` where its networks differ from gpu's) on a tiny copy of its default data set in the
on-disk layout `data_scripts/download.py` leaves (`tests/rehearsal_fixtures.py`), with the real Inception FID
network where the profile uses it. Each case checks that the notebook finished, that it wrote a quick results
file with provenance, and that the data set, split and image size it loaded are the profile's.

Marked `rehearsal`: `make test` leaves it out (pyproject's addopts) and CI runs it after, as `make rehearsal`
(the gpu cases; the paper cases are also `rehearsal_paper`: see CASES). The selected cases run once,
in a module fixture, two papermill processes at a time with one thread each (REHEARSAL_JOBS, REHEARSAL_THREADS).
REHEARSAL_DEVICE (default cpu) picks the device: `data_scripts/gpu_check.sh` runs this file with
REHEARSAL_DEVICE=cuda.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import rehearsal_fixtures as fixtures

from replication.configs.profiles import get_profile

pytestmark = pytest.mark.rehearsal
REPO = Path(__file__).resolve().parents[1]
TIMES_ENV = "REHEARSAL_TIMES"  # a JSON-lines file that gets each case's wall time (gpu_check.sh reads it)
SAVE_ENV = "REHEARSAL_SAVE"  # results/bench/rehearsal-<device>.json: the times with provenance, for the speed page

# (notebook, table id, profile): paper only where its networks differ from gpu's (StackGAN++'s third stage,
# CVAE-GAN's 128 px); every other table's paper profile differs from gpu only in steps, seeds and sizes.
# The paper cases are marked `rehearsal_paper` as well, which `make rehearsal` leaves out: on a CPU at one thread
# each takes minutes however small the budget (measured: CVAE-GAN Table 1 at 128 px 501 s, StackGAN++'s 256-px
# third stage 1,023 s), where a gpu case takes 0.5–4 min. `data_scripts/gpu_check.sh` runs all thirteen on the
# device (`-m rehearsal`); `pytest -m rehearsal tests/test_gpu_rehearsal.py` runs them here.
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


def save_times(path: Path, runs: list[tuple[str, str, dict]]) -> None:
    """The measured quick checks, with provenance, for the speed page (`estimate.quick_check_frame`)."""
    from replication.core.io import write_json_atomic
    from replication.run.results import provenance

    device = os.environ.get("REHEARSAL_DEVICE", "cpu")
    cases = [
        {"table": t, "profile": p, "wall_s": r["wall_s"], "cpu_s": r["cpu_s"], "ok": r["returncode"] == 0}
        for t, p, r in runs
    ]
    jobs, threads = int(os.environ.get("REHEARSAL_JOBS", "2")), int(os.environ.get("REHEARSAL_THREADS", "1"))
    payload = {
        "title": "quick checks (-p quick True) of the gpu/paper profiles on fixture data (tests/test_gpu_rehearsal.py)",
        "layout": f"{jobs} notebooks at a time, {threads} thread(s) each",
        "cases": cases,
        "provenance": provenance("gpu", {"name": "rehearsal fixtures"}, device, sum(c["wall_s"] for c in cases), [0]),
    }
    write_json_atomic(path, payload)


def case_id(table_id: str, profile: str) -> str:
    return f"{table_id}-{profile}"


def kernel_env(data_root: Path, cache: Path, results: Path) -> dict[str, str]:
    """The environment of one case's papermill and kernel: the fixtures' data, checksums and AlexNet; its own
    results folder; the shared cache; one thread (two cases run side by side on a 2-core machine)."""
    alexnet = next((data_root / fixtures.TORCH_HOME / "hub" / "checkpoints").glob("alexnet-owt-*.pth"))
    path = [str(fixtures.SITE_DIR), str(REPO), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    threads = os.environ.get("REHEARSAL_THREADS", "1")
    return {
        **os.environ,
        "REPLICATION_DATA_ROOT": str(data_root),
        "REPLICATION_RESULTS": str(results),
        "REPLICATION_CACHE": str(cache),
        "PYTHONPATH": os.pathsep.join(dict.fromkeys(path)),
        fixtures.CIFAR_MD5_ENV: str(data_root / fixtures.CIFAR_FOLDER / "fixture-md5.json"),
        "TORCH_HOME": str(data_root / fixtures.TORCH_HOME),
        fixtures.ALEXNET_ENV: str(alexnet),
        **dict.fromkeys(("OMP_NUM_THREADS", "MKL_NUM_THREADS"), threads),
    }


def run_notebook(notebook: str, profile: str, env: dict[str, str], out: Path) -> dict:
    """Execute one notebook with papermill (a subprocess with its own environment) at `profile` quick; returns
    its wall and CPU seconds (papermill's and its kernel's) and, when it failed, the end of its output."""
    from replication.book.runner import to_ipynb

    source = out / f"{Path(notebook).name}.py"
    source.write_text((REPO / "notebooks" / f"{notebook}.py").read_text())
    device = os.environ.get("REHEARSAL_DEVICE", "cpu")
    command = [
        sys.executable,
        "-m",
        "papermill",
        "--no-progress-bar",
        str(to_ipynb(source)),
        str(out / "executed.ipynb"),
    ]
    for name, value in (("profile", profile), ("quick", "True"), ("device", device), ("progress", "False")):
        command += ["-p", name, value]
    start = time.perf_counter()
    with open(out / "papermill.log", "wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall, cpu = time.perf_counter() - start, usage.ru_utime + usage.ru_stime
    tail = "" if process.returncode == 0 else (out / "papermill.log").read_text(errors="replace")[-3000:]
    return {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "returncode": process.returncode, "log_tail": tail}


@pytest.fixture(scope="module")
def executed(request, data_root, cache, tmp_path_factory) -> dict[str, dict]:
    """Every selected case run once, REHEARSAL_JOBS (default 2) at a time, each with one thread: case id →
    its run (times, exit status) and its results folder. Selected: the cases pytest collected after -k."""
    wanted = {
        case_id(item.callspec.params["table_id"], item.callspec.params["profile"])
        for item in request.session.items
        if getattr(item, "originalname", "") == "test_the_notebook_runs_its_profile_path_on_the_papers_data_layout"
    }
    cases = [(nb, t, p) for nb, t, p in CASES if case_id(t, p) in wanted]
    if any(t in LPIPS_TABLES for _, t, _ in cases) and importlib.util.find_spec("lpips") is None:
        cases = [c for c in cases if c[1] not in LPIPS_TABLES]  # their tests skip, saying why

    def one(case: tuple[str, str, str]) -> tuple[str, dict]:
        notebook, table_id, profile = case
        out = tmp_path_factory.mktemp(case_id(table_id, profile))
        run = run_notebook(notebook, profile, kernel_env(data_root, cache, out / "results"), out)
        return case_id(table_id, profile), {**run, "results": out / "results"}

    # the slowest first, so that the two workers finish together
    order = sorted(cases, key=lambda c: (c[1].startswith("contragan"), c[2] == "paper"), reverse=True)
    with ThreadPoolExecutor(max_workers=int(os.environ.get("REHEARSAL_JOBS", "2"))) as pool:
        runs = dict(pool.map(one, order))
    if os.environ.get(SAVE_ENV):
        save_times(Path(os.environ[SAVE_ENV]), [(t, p, runs[case_id(t, p)]) for _, t, p in order])
    if os.environ.get(TIMES_ENV):
        with open(os.environ[TIMES_ENV], "a") as handle:
            for (_, table_id, profile), key in ((c, case_id(c[1], c[2])) for c in order):
                times = {"table": table_id, "profile": profile, **{k: runs[key][k] for k in ("wall_s", "cpu_s")}}
                handle.write(json.dumps(times) + "\n")
    return runs


def _param(notebook: str, table_id: str, profile: str):
    marks = [pytest.mark.rehearsal_paper] if profile == "paper" else []
    return pytest.param(notebook, table_id, profile, marks=marks, id=case_id(table_id, profile))


@pytest.mark.parametrize(("notebook", "table_id", "profile"), [_param(*case) for case in CASES])
def test_the_notebook_runs_its_profile_path_on_the_papers_data_layout(notebook, table_id, profile, executed):
    from replication.run import results

    if table_id in LPIPS_TABLES and importlib.util.find_spec("lpips") is None:
        pytest.skip("real LPIPS needs the lpips package (in the test extras: pip install -e '.[test]')")
    run = executed[case_id(table_id, profile)]
    assert run["returncode"] == 0, f"{notebook} at {profile} quick failed:\n{run['log_tail']}"

    config = get_profile(table_id, profile, quick=True)
    written = sorted((run["results"] / profile).glob(f"{table_id}.*.json"))
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
