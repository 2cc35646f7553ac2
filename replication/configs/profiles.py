"""Profiles: one notebook, four scales (README, "Profiles").

| profile | for                   | data                             | budget per notebook                     |
|---------|-----------------------|----------------------------------|-----------------------------------------|
| smoke   | tests and CI          | offline sets, tiny nets          | < 1 min on 2 CPU cores                  |
| cpu     | the default book      | offline sets                     | minutes on 2 CPU cores (README)         |
| gpu     | one modern GPU        | the paper's data, each row       | estimated on the speed page (hours)     |
| paper   | the paper's settings  | the paper's data, each row       | estimated on the speed page (days)      |

`auto` is `gpu` when CUDA is present, else `cpu`. Each table has one plain dataclass; a profile
is an instance of it. Notebook parameters override single fields (`overrides`).
"""

from __future__ import annotations

import importlib
from dataclasses import fields, replace

import torch

from replication.configs.parameters import check_extractor, check_methods, check_seeds, positive_int

PROFILE_NAMES = ("smoke", "cpu", "gpu", "paper", "auto")


# One module per paper in replication/configs/, each with PROFILES = {table_id: {profile: config}}.
CONFIG_MODULES = ("msgan", "cvae_gan", "alpha_gan", "contragan")


def _collect() -> tuple[dict[str, dict[str, object]], dict[str, dict[str, dict[str, dict]]]]:
    tables: dict[str, dict[str, object]] = {}
    rows: dict[str, dict[str, dict[str, dict]]] = {}
    for name in CONFIG_MODULES:
        module = importlib.import_module(f"replication.configs.{name}")
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


def get_profile(table_id: str, name: str, **overrides):
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
    if "overfitting_backbone" in overrides:
        from replication.nets.contragan import get_backbone

        get_backbone(overrides["overfitting_backbone"])  # raises with the valid backbones
    return replace(config, **overrides)


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
