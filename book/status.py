# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
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
profile = "auto"
executed_dir = None

# %% tags=["remove-input"]
from pathlib import Path

from IPython.display import Markdown, display

from replication import book
from replication.paths import repo_root
from replication.profiles import resolve_profile_name

profile_name = resolve_profile_name(profile)
status_file = Path(executed_dir or repo_root() / "book" / "executed") / "status.json"
display(Markdown(f"### Notebooks (profile **{profile_name}**)"))
display(book.notebook_runs_frame(status_file))
display(Markdown("### Results files"))
display(book.results_files_frame(profile_name))
