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
# # ContraGAN replication card

# %% tags=["parameters"]
from typing import Optional  # papermill --help-notebook reads Optional/Union, not X | None

profile: str = "auto"  # smoke | cpu | gpu | paper | auto (gpu with CUDA, else cpu)
executed_dir: Optional[str] = None  # None: <repo>/book/executed (the runner passes its output folder)

# %% tags=["remove-input"]
from IPython.display import Markdown, display

from replication.book import page
from replication.configs.parameters import check_parameters
from replication.configs.profiles import resolve_profile_name
from replication.experiments import contragan

check_parameters(globals(), declared=("profile", "executed_dir"))

profile_name = resolve_profile_name(profile)
sections = (
    (contragan.TABLE1, "Table 1: conditioning method × backbone"),
    (contragan.TABLE2, "Table 2: against SNResGAN, SAGAN, BigGAN; + CR"),
    (contragan.OVERFITTING, "Discriminator overfitting"),
)
display(Markdown(page.page_banner(profile_name, [table_id for table_id, _ in sections])))
for table_id, title in sections:
    display(Markdown(page.card_section(title, table_id, profile_name)))

# %% [markdown]
# **Within the paper's own noise.** The paper's Table 1 gains of 2C on CIFAR-10, against its printed
# spreads (computed from the registry of reported numbers):

# %% tags=["remove-input"]
display(
    page.table(
        contragan.reported_gain_frame(),
        "The paper's Table 1: 2C's gain over the best rival against the printed spreads",
    )
)
