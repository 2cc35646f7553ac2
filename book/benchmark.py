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
# Measured by `make bench` (`python -m replication.bench --save`), one file per device in
# `results/bench/`. `baseline` is fp32 eager training fed by a host DataLoader; `fast` keeps the
# data set on the device and, on a GPU, adds bf16 autocast, channels_last and fused Adam
# (`replication/speed.py`). Each table carries the commit, device and date it was measured with.

# %% tags=["parameters"]
from typing import Optional  # papermill --help-notebook reads Optional/Union, not X | None

profile: str = "auto"  # smoke | cpu | gpu | paper | auto (gpu with CUDA, else cpu)
executed_dir: Optional[str] = None  # None: <repo>/book/executed (the runner passes its output folder)

# %% tags=["remove-input"]
import json

import pandas as pd
from IPython.display import Markdown, display

from replication import book
from replication.parameters import check_parameters
from replication.paths import results_root
from replication.profiles import resolve_profile_name

check_parameters(globals(), declared=("profile", "executed_dir"))

display(Markdown(book.page_banner(resolve_profile_name(profile))))

files = sorted((results_root() / "bench").glob("*.json"))
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
    frame = pd.DataFrame(payload["training"])
    display(book.table(frame.round(2), f"Training speed on {prov['device']}: baseline vs fast, per model family"))
    fid = pd.DataFrame(payload["fid"]).round(2)
    display(book.table(fid, f"Time of a FID evaluation on {prov['device']}"))
