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
# # alpha-GAN replication card

# %% tags=["parameters"]
from typing import Optional  # papermill --help-notebook reads Optional/Union, not X | None

profile: str = "auto"  # smoke | cpu | gpu | paper | auto (gpu with CUDA, else cpu)
executed_dir: Optional[str] = None  # None: <repo>/book/executed (the runner passes its output folder)

# %% tags=["remove-input"]
from IPython.display import Markdown, display

from replication.book import page
from replication.configs.parameters import check_parameters
from replication.configs.profiles import resolve_profile_name

check_parameters(globals(), declared=("profile", "executed_dir"))

profile_name = resolve_profile_name(profile)
sections = (("alpha_gan_table", "The battery of tests"),)
display(Markdown(page.page_banner(profile_name, [table_id for table_id, _ in sections])))
for table_id, title in sections:
    display(Markdown(page.card_section(title, table_id, profile_name)))
