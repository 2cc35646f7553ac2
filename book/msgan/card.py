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
# # MSGAN replication card

# %% tags=["parameters"]
profile = "auto"
executed_dir = None

# %% tags=["remove-input"]
from IPython.display import Markdown, display

from replication import book
from replication.profiles import resolve_profile_name

profile_name = resolve_profile_name(profile)
display(Markdown(book.card_section("Table 1: conditioned on labels", "msgan_table1", profile_name)))
