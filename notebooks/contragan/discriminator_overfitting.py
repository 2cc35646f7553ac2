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
# # ContraGAN: does the 2C loss reduce discriminator overfitting?
#
# **Paper.** Kang, Park. *ContraGAN: Contrastive Learning for Conditional Image Generation.*
# NeurIPS 2020. The abstract states that ContraGAN reduces the discriminator's overfitting; the paper
# shows it as a figure, with no number to compare against.
#
# **What is measured.** While D trains, a fixed set of real *training* images and a fixed set of
# real *held-out* images (never shown to D) go through D every few G steps. An overfitting D scores
# the images it has seen as more real than those it has not, so the gap
# $\bar D(\text{train}) - \bar D(\text{held-out})$ grows. The claim: with the 2C head the gap is
# smaller than with projection. For projection the logit includes the class term
# $\mathrm{embed}(y)^\top\phi(x)$; for 2C it is the unconditional $\psi(\phi(x))$ — each D's own
# adversarial output, which is what the paper's figure shows.
#
# **Scales.** `cpu`: SNDCGAN on MNIST-5k for 750 G steps with Table 1's cpu-scale adaptation (width 16,
# G also takes its label at its input, 1 D step per G step, batch 32), and a second one of its own, for both
# methods alike: G and D train on 1,000 of the training images (100 per class), so that D sees each about 24
# times. On the whole split (each image seen about 5 times) projection's D gap did not grow (measured at three
# designs, `replication/configs/contragan.py`); on 1,000 images it grew on three probe seeds of three.
# `gpu`/`paper`: BigGAN on CIFAR-10, the whole training split.

# %% tags=["parameters"]
from typing import Optional, Union  # papermill --help-notebook reads Optional/Union, not X | None

profile: str = "auto"  # smoke | cpu | gpu | paper | auto (gpu with CUDA, else cpu)
seeds: Union[int, list, None] = None  # None: the profile's seeds; n ≥ 1: seeds 0..n-1; or a list of distinct seeds ≥ 0
dataset: Optional[str] = None  # None: the profile's; mnist5k | digits | cifar10 | "imagefolder:<path>"
steps: Optional[int] = None  # None: the profile's number of training steps (G steps); else ≥ 1
quick: bool = False  # True: a quick check of this profile's path (its nets, data, metrics) at the smoke budget, one seed; its numbers mean nothing
extractor: Optional[str] = None  # None: the profile's (classifier:<dataset> at smoke/cpu, inception-v3-fid at gpu)
backbone: Optional[str] = None  # None: the profile's (SNDCGAN at smoke/cpu, BigGAN at gpu/paper)
device: str = "auto"  # auto | cpu | cuda | cuda:<index>
progress: bool = True  # tqdm bars (the batch runner turns them off)

# %%
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from replication.book import page
from replication.book.cells import start
from replication.book.plots import show_figure
from replication.experiments import contragan

profile_name, config, torch_device, data = start(contragan.NOTEBOOKS[contragan.OVERFITTING], globals())

# %%
table, saved = contragan.run_and_save(contragan.OVERFITTING, profile_name, config, data, torch_device, progress)
curves = saved["details"]["curves"]

# %% [markdown]
# ## D's outputs on training vs held-out real images
# Mean over seeds; probes every `probe_every` G steps (the value is held between probes).

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.4))
for method, curve in curves.items():
    steps_axis = np.arange(len(curve["gap"]))[:: config.probe_every]
    (line,) = axes[0].plot(steps_axis, np.asarray(curve["D(train)"])[:: config.probe_every], label=f"{method}: train")
    axes[0].plot(
        steps_axis,
        np.asarray(curve["D(held-out)"])[:: config.probe_every],
        "--",
        color=line.get_color(),
        label=f"{method}: held-out",
    )
    axes[1].plot(steps_axis, np.asarray(curve["gap"])[:: config.probe_every], label=method)
axes[0].set_title("mean D logit on real images")
axes[1].set_title("gap: D(train) − D(held-out)")
for ax in axes:
    ax.set_xlabel("G step")
    ax.legend(fontsize=9)
axes[1].axhline(0, color="grey", lw=0.5)
fig.tight_layout()
show_figure(
    fig,
    "Mean D logit on training and held-out real images (left) and their gap (right), mean over seeds, per method.",
    "Two line plots against the G step: D logits on train (solid) and held-out (dashed) images per method, and the gap.",
)

# %% [markdown]
# ## Gap and sample quality: reported vs reproduced

# %%
page.show_table(saved, [contragan.GAP_METRIC])

# %% [markdown]
# ## Regime check
# "2C reduces discriminator overfitting" is a claim about a D that overfits: the baseline's
# (projection's) gap must grow over training. Per seed, growth is the mean gap over the last quarter
# of the probed G steps minus the mean over the first quarter (the probe at step 0, before D has seen
# anything, left out); it must be positive across seeds, the lower end of its seed-paired 95 % t
# interval above 0. Where it is not, the verdict reads "not tested".

# %%
import pandas as pd

page.show_regime(saved)
for check in {c["name"]: c for v in saved["verdicts"] for c in v.get("regime", [])}.values():
    growth = pd.DataFrame(
        {"seed": config.seeds, "early gap": check["values"]["early"], "late gap": check["values"]["late"]}
    )
    growth["late − early"] = growth["late gap"] - growth["early gap"]
    display(page.table(growth.round(4), f"{check['name']}: per seed, the early and late gap"))

# %% [markdown]
# ## Verdict

# %%
page.show_verdicts(saved)

# %% [markdown]
# ## Reproduce this page

# %% tags=["remove-input"]
page.show_reproduce("notebooks/contragan/discriminator_overfitting.py")
