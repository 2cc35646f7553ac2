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
# # MSGAN replication card

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
display(Markdown(page.page_banner(profile_name, ["msgan_table1", "msgan_pix2pix", "msgan_drit", "msgan_stackgan"])))
display(Markdown(page.card_section("Table 1: conditioned on labels", "msgan_table1", profile_name)))
display(Markdown(page.card_section("Pix2Pix: conditioned on paired images", "msgan_pix2pix", profile_name)))
display(Markdown(page.card_section("DRIT: conditioned on unpaired images", "msgan_drit", profile_name)))
display(Markdown(page.card_section("StackGAN++: conditioned on text", "msgan_stackgan", profile_name)))
