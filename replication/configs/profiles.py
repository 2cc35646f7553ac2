"""Profiles: one notebook, four scales (README, "Profiles").

| profile | for                   | data                             | budget per notebook                     |
|---------|-----------------------|----------------------------------|-----------------------------------------|
| smoke   | tests and CI          | offline sets, tiny nets          | < 1 min on 2 CPU cores                  |
| cpu     | the default book      | offline sets                     | minutes on 2 CPU cores (README)         |
| gpu     | one modern GPU        | the paper's data, each row       | estimated on the speed page (hours)     |
| paper   | the paper's settings  | the paper's data, each row       | estimated on the speed page (days)      |

`auto` is `gpu` when CUDA is present, else `cpu`. Each table has one plain dataclass; a profile
is an instance of it. Notebook parameters override single fields (`overrides`).

A *quick check* (`quick=True`, the notebooks' `-p quick True`) runs a profile's own code path — its networks
at their width, its data and loader, its feature extractor (Inception at gpu/paper), results and page — with
the smoke profile's budget (`QUICK_FIELDS`: steps, evaluation sizes), capped (`QUICK_CAPS`, and `QUICK_TABLE_CAPS` per table: 3 steps, batch
≤ 16), and one seed: a minute or two on a CPU, seconds on a GPU, to see that a gpu/paper run will get through
before it spends hours. Its numbers mean nothing; its results go to their own file
(`replication.run.experiment.save_table`).
"""

from __future__ import annotations

import importlib
from dataclasses import fields, replace

import torch

from replication.configs.parameters import check_extractor, check_methods, check_seeds, positive_int

PROFILE_NAMES = ("smoke", "cpu", "gpu", "paper", "auto")
# the budget a quick check takes from the smoke profile (every table's config has some of them); nets, data,
# batch and optimiser stay the profile's
QUICK_FIELDS = (
    *("steps", "decay_from", "checkpoint_every", "ema_start", "classifier_steps", "critic_steps"),
    *("samples", "samples_per_class", "ms_ssim_pairs", "recon_images", "prdc_reference", "is_splits"),
    *("ndb_bins", "ndb_bins_per_class", "ndb_bins_pooled", "plausible_k", "probe_every", "probe_images"),
    *("eval_inputs", "outputs_per_input", "eval_captions", "outputs_per_caption"),
    *("inpaint_images", "inpaint_steps", "augment_real_per_class", "augment_fake_per_class", "augment_steps"),
)
QUICK_SEEDS = (0,)
# … then capped, because the gpu/paper networks are wide: three training steps (the fewest from which the
# ContraGAN overfitting study reads a growth: probes after steps 1 and 2), checkpoints and schedules that turn
# over within them, a batch of at most 16 (the smallest a smoke profile trains; Pix2Pix's 1 and DRIT's 2 stay),
# and evaluation sets small enough that an Inception pass over them takes seconds on a CPU. Measured (MSGAN
# Table 1 at gpu, 2 cores): the smoke budget's 40 steps and 40 samples per class took 149 s in training and
# evaluation (72 s training, 78 s Inception features, 29 s in FID's 2048-d eigenvalues, now exact and instant
# below 2,048 images: `metrics.fid`).
QUICK_CAPS = {
    **dict.fromkeys(("steps", "critic_steps"), 3),
    "classifier_steps": 2,  # the evaluator classifier at the paper's size (StackGAN++: 256 px) costs seconds a step
    **dict.fromkeys(("decay_from", "ema_start", "probe_every"), 1),
    "checkpoint_every": 3,  # one checkpoint, at the end: the paper nets' files are large (CVAE-GAN at 128 px)
    "batch_size": 16,
    "samples_per_class": 6,
    "samples": 60,
}
# … and, for the two tables whose gpu networks are the widest at the largest images, tighter still, so that every
# quick check fits 3 minutes on 2 cores (issue #26). Measured (2026-12-05, one notebook alone, 2 threads, fixture
# data): DRIT (216-px crops) 250 s, 3 steps of d_iter 3 taking ~130 s and its translations for the evaluation
# ~45 s: one step of d_iter 2 (one content-D-only batch, then the full update: both code paths still run) and 4
# evaluation inputs; StackGAN++ (64 + 128 px) 223 s, training ~100 s at batch 16 and Inception ~60 s: batch 8 and
# 10 evaluation captions.
QUICK_TABLE_CAPS = {
    "msgan_drit": {"steps": 1, "d_iter": 2, "eval_inputs": 4},
    "msgan_stackgan": {"batch_size": 8, "eval_captions": 10},
}


# One module per paper in replication/configs/, each with PROFILES = {table_id: {profile: config}}.
CONFIG_MODULES = ("msgan", "cvae_gan", "alpha_gan", "contragan")


def _collect() -> tuple[dict[str, dict[str, object]], dict[str, dict[str, dict[str, dict]]]]:
    tables: dict[str, dict[str, object]] = {}
    rows: dict[str, dict[str, dict[str, dict]]] = {}
    for name in CONFIG_MODULES:
        # The module name is joined at run time on purpose: `replication.book.deps` does not follow it, so a
        # notebook's up-to-date key covers only its own paper's config module, which its experiment module
        # imports by name (tests/test_deps.py checks it for every table notebook). Editing MSGAN's profiles
        # then re-runs the four MSGAN notebooks, not all ten.
        module = importlib.import_module("replication.configs." + name)
        tables.update(module.PROFILES)
        rows.update(module.ROW_SETTINGS)
    return tables, rows


# ROW_SETTINGS: table → data set → profile ("gpu" / "paper") → the settings of that data set's row
TABLE_PROFILES, ROW_SETTINGS = _collect()


def resolve_profile_name(name: str) -> str:
    """`auto` → `gpu` with CUDA, else `cpu`; any other name must be one of PROFILE_NAMES."""
    if name not in PROFILE_NAMES:
        raise ValueError(f"Unknown profile {name!r}. Valid profiles: {', '.join(PROFILE_NAMES)}.")
    if name == "auto":
        return "gpu" if torch.cuda.is_available() else "cpu"
    return name


def quick_check(table_id: str, config, keep: frozenset[str] = frozenset()):
    """`config` with the smoke profile's budget (the `QUICK_FIELDS` it has) and one seed, except the fields in
    `keep` (the notebook's own overrides, which win): a quick check of the config's code path."""
    smoke = TABLE_PROFILES[table_id]["smoke"]
    budget = {f.name: getattr(smoke, f.name) for f in fields(config) if f.name in QUICK_FIELDS}
    for name, cap in {**QUICK_CAPS, **QUICK_TABLE_CAPS.get(table_id, {})}.items():
        if hasattr(config, name):
            budget[name] = min(budget.get(name, getattr(config, name)), cap)
    budget["seeds"] = QUICK_SEEDS
    return replace(config, **{name: value for name, value in budget.items() if name not in keep})


def get_profile(table_id: str, name: str, quick: bool = False, **overrides):
    """The config of `table_id` at profile `name`, with non-None `overrides` replacing fields.

    Overrides are checked before anything runs (`replication.configs.parameters`): seeds (n ≥ 1 → 0..n−1, or
    distinct integers ≥ 0), steps (≥ 1), methods (a list of the table's method names, each once),
    dataset, extractor. When the data set is overridden and the extractor is not, a classifier
    extractor follows the data set (`classifier:<dataset>`, resolved against the loaded data).
    At gpu/paper, a data set that is one of the paper's rows brings that row's settings first
    (`ROW_SETTINGS`: e.g. Tiny ImageNet's batch and learning rates); the other overrides win."""
    if table_id not in TABLE_PROFILES:
        raise ValueError(f"Unknown table {table_id!r}. Valid tables: {', '.join(TABLE_PROFILES)}.")
    profile = resolve_profile_name(name)
    config = TABLE_PROFILES[table_id][profile]
    if not isinstance(quick, bool):
        raise ValueError(f"Parameter quick must be true or false, got {quick!r}.")
    valid = {f.name for f in fields(config)}
    unknown = set(overrides) - valid
    if unknown:
        raise ValueError(f"Unknown settings {sorted(unknown)} for {table_id}. Valid: {', '.join(sorted(valid))}.")
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if "seeds" in overrides:
        overrides["seeds"] = check_seeds(overrides["seeds"])  # `-p seeds 5` means seeds 0..4
    if "steps" in overrides:
        positive_int("steps", overrides["steps"])
    if "methods" in overrides:
        overrides["methods"] = check_methods(overrides["methods"], TABLE_PROFILES[table_id]["paper"].methods)
    if "dataset" in overrides:
        _check_dataset(overrides["dataset"], table_id)
        row = ROW_SETTINGS.get(table_id, {}).get(overrides["dataset"], {}).get(profile)
        if row:
            config = replace(config, **row)
        # an image-to-image or text table keeps its classifier (trained on the offline set its images come
        # from): a paired, unpaired or captioned set's name is no `load_dataset` name for it to follow
        follows = table_id not in PAIRED_TABLES + UNPAIRED_TABLES + TEXT_TABLES
        if (
            follows
            and "extractor" in valid
            and "extractor" not in overrides
            and config.extractor.startswith("classifier:")
        ):
            overrides["extractor"] = "classifier:<dataset>"
    if "extractor" in overrides:
        check_extractor(overrides["extractor"], overrides.get("dataset", config.dataset))
    if "fast" in overrides and not isinstance(overrides["fast"], bool):
        raise ValueError(f"Parameter fast must be null, true or false, got {overrides['fast']!r}.")
    config = replace(config, **overrides)
    return quick_check(table_id, config, frozenset(overrides)) if quick else config


PAIRED_TABLES = ("msgan_pix2pix",)  # image-conditioned: their data sets are pairs (replication.data.image_pairs)
UNPAIRED_TABLES = ("msgan_drit",)  # two unpaired domains (replication.data.image_pairs.load_unpaired)
TEXT_TABLES = ("msgan_stackgan",)  # text-conditioned: their data sets are captioned (replication.data.captions)


def _check_dataset(dataset: object, table_id: str = "") -> None:
    from replication.data.images import DATASET_NAMES, DOWNLOADED_DATASETS, OFFLINE_DATASETS

    if table_id in PAIRED_TABLES:
        from replication.data.image_pairs import PAIRED_NAMES

        if dataset not in PAIRED_NAMES:
            raise ValueError(
                f"Unknown paired data set {dataset!r} for {table_id}. Valid names: {', '.join(PAIRED_NAMES)}."
            )
        return
    if table_id in UNPAIRED_TABLES:
        from replication.data.image_pairs import UNPAIRED_NAMES

        if dataset not in UNPAIRED_NAMES:
            raise ValueError(
                f"Unknown unpaired data set {dataset!r} for {table_id}. Valid names: {', '.join(UNPAIRED_NAMES)}."
            )
        return
    if table_id in TEXT_TABLES:
        from replication.data.captions import TEXT_NAMES

        if dataset not in TEXT_NAMES:
            raise ValueError(
                f"Unknown text-conditioned data set {dataset!r} for {table_id}. Valid names: {', '.join(TEXT_NAMES)}."
            )
        return
    known = isinstance(dataset, str) and (
        dataset in OFFLINE_DATASETS + DOWNLOADED_DATASETS or (dataset.startswith("imagefolder:") and len(dataset) > 12)
    )
    if not known:
        raise ValueError(f"Unknown data set {dataset!r}. Valid names: {', '.join(DATASET_NAMES)}.")
