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
# # Execution status
# What ran for this build of the book: each notebook, its profile, outcome and wall time, and for
# each results file the device, commit and date it was produced with.

# %% tags=["parameters"]
from typing import Optional  # papermill --help-notebook reads Optional/Union, not X | None

profile: str = "auto"  # smoke | cpu | gpu | paper | auto (gpu with CUDA, else cpu)
executed_dir: Optional[str] = None  # None: <repo>/book/executed (the runner passes its output folder)

# %% tags=["remove-input"]
from pathlib import Path

from IPython.display import Markdown, display

from replication.book import page
from replication.configs.parameters import check_parameters
from replication.configs.profiles import resolve_profile_name
from replication.core.paths import repo_root

check_parameters(globals(), declared=("profile", "executed_dir"))

profile_name = resolve_profile_name(profile)
status_file = Path(executed_dir or repo_root() / "book" / "executed") / "status.json"
display(Markdown(page.page_banner(profile_name)))
display(Markdown(f"### Notebooks (profile **{profile_name}**)"))
display(page.table(page.notebook_runs_frame(status_file)))
display(Markdown("### Results files"))
display(page.table(page.results_files_frame(profile_name)))
display(Markdown(page.reference_note(profile_name, status_file)))
