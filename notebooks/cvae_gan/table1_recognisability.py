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
# # CVAE-GAN, Table 1: are the samples recognisable, and are they realistic?
#
# **Paper.** Bao, Chen, Wen, Li, Hua. *CVAE-GAN: Fine-Grained Image Generation through Asymmetric
# Training.* ICCV 2017. Table 1 scores samples of four methods on FaceScrub with a face classifier
# trained on real data: its top-1 accuracy on generated faces of known identity
# (recognisability) and an inception-score form over its predictions ("realism").
#
# **Methods** (`replication/experiments/cvae_gan.py`, one ablation ladder under one budget):
#
# ```{table} The four methods of the ablation ladder: their networks and generator objective
# | method | nets | generator objective |
# |---|---|---|
# | CVAE | E, G | $\lambda_1 L_{KL} + \lambda_2 \tfrac12\lVert x - x'\rVert^2$ |
# | CGAN | G, D, C | cross-entropy of D and C on prior samples (symmetric loss) |
# | FM-CGAN | G, D, C | mean feature matching $\lambda_3 L_{GD} + \lambda_4 L_{GC}$ (asymmetric loss) |
# | CVAE-GAN | E, G, D, C | Algorithm 1: $\lambda_1 L_{KL} + \lambda_2 L_G + \lambda_3 L_{GD} + \lambda_4 L_{GC}$ |
# ```
#
# with the paper's $\lambda_1=3, \lambda_2=1, \lambda_3=\lambda_4=10^{-3}$ (`replication/losses/cvae_gan.py`; `smoke`/`cpu` use
# $\lambda_3=\lambda_4=0.1$ on 32×32 digits, see "How much does the verdict hinge on λ3 and λ4?").
# **The evaluator is never the model's own C**: it is `classifier:<dataset>`, trained by this
# project on real training images only.
#
# **Scales.** `smoke`/`cpu`: offline MNIST-5k, 32×32, narrow nets, latent 32. FaceScrub is no longer
# distributed; `gpu`/`paper` take an ImageFolder data set (Flowers-102 or CelebA identities, see the
# chapter page) at 32×32 with the paper's latent size 256. The paper's numbers are on faces at
# 128 px: only the *orderings* are comparable, never the values.

# %% tags=["parameters"]
from typing import Optional, Union  # papermill --help-notebook reads Optional/Union, not X | None

profile: str = "auto"  # smoke | cpu | gpu | paper | auto (gpu with CUDA, else cpu)
seeds: Union[int, list, None] = None  # None: the profile's seeds; n ≥ 1: seeds 0..n-1; or a list of distinct seeds ≥ 0
dataset: Optional[str] = None  # None: the profile's; mnist5k | digits | cifar10 | "imagefolder:<path>"
steps: Optional[int] = None  # None: the profile's number of training steps (G steps); else ≥ 1
quick: bool = False  # True: a quick check of this profile's path (its nets, data, metrics) at the smoke budget, one seed; its numbers mean nothing
device: str = "auto"  # auto | cpu | cuda | cuda:<index>
progress: bool = True  # tqdm bars (the batch runner turns them off)

# %%

import pandas as pd
from IPython.display import HTML, display

from replication.book import page
from replication.book.cells import start
from replication.book.plots import describe_grids, plot_class_grids, plot_loss_curves, show_figure
from replication.experiments import cvae_gan
from replication.run.experiment import save_results

profile_name, config, torch_device, data = start(cvae_gan.NOTEBOOK, globals())

# %% [markdown]
# ## Train the four methods and score their samples

# %%
table = cvae_gan.run_table(config, data, torch_device, progress=progress)
sensitivity = cvae_gan.lambda_sensitivity(
    config, data, torch_device, progress=progress
)  # seed 0: λ3 = λ4 scaled, sum/mean
saved = save_results(cvae_gan, table, profile_name, data, torch_device, details={"lambda_sensitivity": sensitivity})

# %% [markdown]
# ## Samples (prior $z \sim N(0, I)$; one row per class; first seed)

# %%
grids = table.runs.shown  # method → the first seed's prior samples, class by class
per_class_shown = grids["CVAE"].shape[0] // data.num_classes
show_figure(
    plot_class_grids(grids, per_class=per_class_shown),
    f"Samples from the prior of every method (first seed): one row per class, {per_class_shown} per row.",
    describe_grids(grids, per_class_shown),
)

# %% [markdown]
# ## Loss curves

# %%
fig = plot_loss_curves(
    {k: v for k, v in table.runs.histories.items() if "seed " + str(config.seeds[0]) in k}, ["L_D", "L_C", "L_KL"]
)
show_figure(
    fig,
    "Training losses of the first seed: discriminator, classifier and the encoder's KL (running mean over 25 steps).",
    "Line plots of L_D, L_C and L_KL against the training step, one line per method.",
)

# %% [markdown]
# ## Table 1: reported vs reproduced

# %%
page.show_table(saved, list(cvae_gan.METRICS))
display(
    HTML(
        page.details_block(
            "Per class: evaluator top-1 (%) on each class's samples, mean over seeds", page.per_class_frame(saved)
        )
    )
)

# %% [markdown]
# ## Regime check
#
# Table 1 ranks generators by how recognisable their class is, which tests the paper's claim only
# when every generator draws the class it is given. Two measurements: the prior samples' top-1 (the
# table's own number, as a fraction) and, for the methods with an encoder, the **label swap** —
# held-out images of class a are encoded (μ) and decoded with another class b; the evaluator should
# call the result b ("follows label"), not a ("keeps identity"), otherwise the decoder reads the class
# from z and ignores its label. Both must reach halfway from chance to 1 on every seed; the encoder's KL (nats) is
# shown beside the swap. A verdict whose check fails reads *not tested*.

# %%
page.show_regime(saved)

# %% [markdown]
# ## How much does the verdict hinge on λ3 and λ4?
#
# The matching terms' weights are not transferable across image sizes: the paper's
# λ3 = λ4 = 10⁻³ were set for 128×128×3 images. At `smoke`/`cpu` this profile keeps their ratio and
# uses the smallest power-of-ten multiple at which prior samples follow their label (the regime
# check above), 100× (the measurements behind that choice are in `replication/configs/cvae_gan.py`).
# Below, CVAE-GAN at the first seed with both weights scaled by 0.01, 0.1 and 1 of this profile's
# value (so the first row is the paper's own weights): if the precondition fails at the paper's
# weights and holds at ours, the verdict above is about CVAE-GAN *in its regime*, not at the
# paper's numbers.
#
# The last rows change how the terms are reduced: the paper's ½‖·‖² *sums* over latent dimensions,
# pixels and features; with *means* every term is divided by its number of elements (latent
# dimensions for the KL, pixels, features of D and C), which reweights them against each other. A mean-reduced CVAE-GAN can follow its label better only by shrinking its KL term
# until the posterior carries almost nothing (the KL column, in nats summed over dimensions): it
# then is a plain CVAE, not the model the paper describes.

# %%
display(
    page.table(
        pd.DataFrame(saved["details"]["lambda_sensitivity"]).round(3),
        "CVAE-GAN at the first seed with the matching weights λ3 = λ4 scaled and the terms summed (the paper) or "
        "averaged: recognisability and the label swap",
    )
)

# %% [markdown]
# ## Verdicts

# %%
page.show_verdicts(saved)

# %% [markdown]
# ## Reproduce this page

# %% tags=["remove-input"]
page.show_reproduce("notebooks/cvae_gan/table1_recognisability.py")
