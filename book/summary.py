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
# # Summary of every claim
# Each row is one claim of one replicated table: what the paper reported and what this code
# measured for the methods and metrics the claim compares (mean ± std over seeds), the verdict
# computed from the seeds (*not tested* where the claim's precondition fails at this scale, with
# the measurement), and the profile and scale it ran at. Every number comes from the results
# files (`results/<profile>/*.json`) and the reported registry; the table name links to its page.

# %% tags=["parameters"]
from typing import Optional  # papermill --help-notebook reads Optional/Union, not X | None

profile: str = "auto"  # smoke | cpu | gpu | paper | auto (gpu with CUDA, else cpu)
executed_dir: Optional[str] = None  # None: <repo>/book/executed (the runner passes its output folder)

# %% tags=["remove-input"]
from pathlib import Path

from IPython.display import HTML, Markdown, display

from replication.book import summary, thumbnails
from replication.configs.parameters import check_parameters
from replication.configs.profiles import resolve_profile_name
from replication.core.paths import repo_root

check_parameters(globals(), declared=("profile", "executed_dir"))

profile_name = resolve_profile_name(profile)
display(Markdown(f"Profile **{profile_name}**."))
display(HTML(summary.summary_page(profile_name)))

# %% [markdown]
# ## The tables at a glance
# Each table's first sample figure (the first seed), as its page shows it; click one to open the page.

# %% tags=["remove-input"]
display(HTML(thumbnails.gallery_html(Path(executed_dir or repo_root() / "book" / "executed"))))
