# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: -jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Speed: training throughput and evaluation time
# Measured by `make bench` (`python -m replication.book.bench --save`), one file per device in
# `results/bench/`. `baseline` is fp32 eager training fed by a host DataLoader; `fast` keeps the
# data set on the device and, on a GPU, adds bf16 autocast, channels_last and fused Adam
# (`replication/core/speed.py`). Each table carries the commit, device and date it was measured with.

# %% tags=["parameters"]
from typing import Optional  # papermill --help-notebook reads Optional/Union, not X | None

profile: str = "auto"  # smoke | cpu | gpu | paper | auto (gpu with CUDA, else cpu)
executed_dir: Optional[str] = None  # None: <repo>/book/executed (the runner passes its output folder)

# %% tags=["remove-input"]
import json

import pandas as pd
from IPython.display import HTML, Markdown, display

from replication.book import page
from replication.configs.parameters import check_parameters
from replication.configs.profiles import resolve_profile_name
from replication.core.paths import results_root

check_parameters(globals(), declared=("profile", "executed_dir"))

display(Markdown(page.page_banner(resolve_profile_name(profile))))

# the benches (training and FID timings); the quick checks' and gpu_check.sh's files have their own section below
files = [
    p for p in sorted((results_root() / "bench").glob("*.json")) if not p.name.startswith(("rehearsal-", "gpu-check-"))
]
if not files:
    display(Markdown("No benchmark has been saved yet: run `make bench BENCH_ARGS=--save`."))
for path in files:
    payload = json.loads(path.read_text())
    prov = payload["provenance"]
    display(
        Markdown(
            f"### {payload['title']}\n\ncommit `{prov['git_commit'][:10]}`{' (dirty)' if prov['git_dirty'] else ''}, "
            f"{prov['device']}, torch {prov['versions']['torch']}, {prov['date_utc']}; "
            f"data `{prov['dataset']['name']}`; settings {payload['settings']}"
        )
    )
    if payload.get("note"):
        display(Markdown(f"*{payload['note']}*"))
    if "rows" in payload:  # results/bench/cpu-book.json: the cpu profile's own nets, per method
        frame = pd.DataFrame(payload["rows"]).drop(columns=["timed_at_commit"], errors="ignore")
        caption = (
            "The cpu book's training per method at the cpu profile's sizes: ms per step alone (all threads) and "
            "two runs at a time (one thread each), and the minutes each layout projects"
        )
        display(HTML(page.details_block(caption, frame.round(2))))
        continue
    frame = pd.DataFrame(payload["training"])
    caption = f"Training speed on {prov['device']}: baseline vs fast, per model family ({len(frame)} rows)"
    display(HTML(page.details_block(caption, frame.round(2))))
    fid = pd.DataFrame(payload["fid"]).round(2)
    display(HTML(page.details_block(f"Time of a FID evaluation on {prov['device']}", fid)))

# %% [markdown]
# ## Before you launch: estimated wall time per table and profile
# The training time of a table is its runs × steps per run × ms per step. One bench iteration is one
# training step (the updates under "one step"), so ms per step is the bench's `fast` ms/iter of the
# model family's case (data on the device, as the notebooks train): from the CPU file for smoke/cpu,
# from the newest GPU file for gpu/paper (`replication/book/estimate.py`). Where the profile's batch,
# width, image size or updates per step differ from the case's, ms/iter is scaled by batch × pixels ×
# width² × updates and the basis column gives the factor and the sizes measured; this arithmetic
# rule ignores per-call overheads, so the scaled-down rows (the narrow smoke and cpu nets)
# under-estimate, the more the narrower the net, and the scaled-up ones (CVAE-GAN at 64 and 128 px)
# assume the measured step already filled the device. A method whose step trains a subset of the
# measured step's nets is costed at the measured step (an upper bound). Every method has a case; one
# missing from the device's file (saved before the case existed) reads "not measured", and so does its
# table's total (`bash data_scripts/gpu_bench.sh` re-times every case on a GPU).
# Runs are counted one after another on one device (a CPU notebook's two workers, or several GPUs,
# take less); evaluation and the models under "also trains" are not included. Notebooks that share
# runs train them once, so their hours overlap: a table's run is an earlier table's exactly when the
# two have the same run key at that profile (the same training settings and nets: the same run
# folder), so which runs are shared follows from the configs, profile by profile. CVAE-GAN's
# applications reuse Table 1's CVAE and CVAE-GAN runs at every profile; their own runs (one CVAE-GAN
# per seed, trained on the augmentation study's small real subset) are a row of their own. ContraGAN's
# overfitting study reuses Table 1's BigGAN + projection and + 2C runs at `gpu` and `paper`, and
# Table 2 reuses Table 1's runs of the same nets there (SNResGAN, BigGAN and ContraGAN on CIFAR-10, BigGAN
# and ContraGAN on Tiny ImageNet); at `smoke` and `cpu` the overfitting study trains its own runs
# (projection and 2C on SNDCGAN, on a 1,000-image training subset: Table 1's settings but for the
# subset), costed at Table 1's step for those heads (the same nets), and Table 2 its own narrower
# ResNets. The last table lists every reused run per profile. Read the hours as an order of magnitude.

# %% tags=["remove-input"]
from replication.book import estimate

estimates = estimate.all_estimates(estimate.load_bench(results_root() / "bench"))
caption = "Estimated training hours per table and profile (sequential runs on one device, evaluation not included)"
display(HTML(page.details_block(caption, estimate.total_frame(estimates))))
caption = (
    "How each estimate is made: the runs of a table's methods that share a bench case, the step it times "
    "and the basis of its ms per step"
)
display(HTML(page.details_block(caption, estimate.detail_frame(estimates))))
caption = "Runs a table reuses from an earlier table (the same run key at that profile), per profile and data set"
display(HTML(page.details_block(caption, estimate.reuse_frame(estimates))))

# %% [markdown]
# ## What a claim in its regime costs at `cpu`
# A claim is *tested* when its preconditions held and its verdict is holds, does not hold or
# inconclusive; *not tested* claims buy nothing but their measurement. Per table: the estimated
# training minutes of the cpu profile (the table above: two 1-thread workers on 2 cores, evaluation
# not included), its claims in the committed `cpu` results, how many were tested in their regime, and
# the minutes each tested claim cost. A run two notebooks share counts for the one that trains it:
# CVAE-GAN's applications reuse Table 1's CVAE and CVAE-GAN runs and count only their own, one
# CVAE-GAN per seed on the augmentation study's real subset. The ContraGAN overfitting study shares
# no run with Table 1 at `cpu`: it trains its own (projection and 2C on SNDCGAN, one per seed, on a
# 1,000-image training subset), so its claims cost their own training, timed as Table 1's runs of the
# same heads where the cpu-book measurement has no row of its own (at `gpu` and `paper` it reuses
# Table 1's runs). The book's total counts every run once.

# %% tags=["remove-input"]
from replication.configs.profiles import TABLE_PROFILES
from replication.run import results as results_files

saved_cpu = {payload["table_id"]: payload["verdicts"] for _, payload, _ in results_files.scan("cpu") if payload}
cpu_verdicts = {t: saved_cpu[t] for t in TABLE_PROFILES if t in saved_cpu}  # the book's order; broken files left out
if cpu_verdicts:
    display(
        page.table(
            estimate.regime_cost_frame(estimates, cpu_verdicts),
            "Estimated cpu training minutes per claim tested in its regime, per table and for the book",
        )
    )
else:
    display(Markdown("No `cpu` results are saved yet: `make book PROFILE=cpu` writes them."))

# %% [markdown]
# ## Check the gpu path first: quick checks and the prepared GPU script
# Before a day of GPU time, a quick check runs a table's gpu (or paper) path end to end — the paper's
# networks at their width, the paper's data loader, the Inception FID network, the results file and the
# page — for three training steps on a handful of images (`-p profile gpu -p quick True`; its numbers mean
# nothing and go to their own `.quick.json` file). The table gives each quick check's measured time on
# fixture data in the papers' on-disk layouts (the CI dress rehearsal, `tests/test_gpu_rehearsal.py`):
# on a GPU the training part takes seconds, and most of what is left is the kernel's start. The
# prepared script `data_scripts/gpu_check.sh` runs every quick check and then the largest slice of MSGAN
# Table 1 that fits 10 minutes of a lent GPU; its plan, from the settings and the saved H200 bench, is
# below it (`bash data_scripts/gpu_check.sh --dry-run`).

# %% tags=["remove-input"]
import subprocess

from replication.core.paths import repo_root

quick_checks = estimate.quick_check_frame(results_root() / "bench")
if quick_checks is not None:
    display(page.table(quick_checks, "Measured time of each quick check (-p quick True) on fixture data"))
else:
    display(Markdown("No quick-check times are saved yet: see `tests/test_gpu_rehearsal.py` (REHEARSAL_SAVE)."))
plan = subprocess.run(
    ["bash", "data_scripts/gpu_check.sh", "--dry-run"], capture_output=True, text=True, cwd=repo_root()
)
display(Markdown("```text\n" + (plan.stdout or plan.stderr).strip() + "\n```"))
