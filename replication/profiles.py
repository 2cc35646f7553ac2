"""Profiles: one notebook, four scales (design.md §3).

| profile | for                   | data                          | budget per notebook   |
|---------|-----------------------|-------------------------------|-----------------------|
| smoke   | tests and CI          | offline mnist5k, tiny nets    | < 1 min on 2 CPU cores |
| cpu     | the default book      | offline mnist5k               | a few minutes         |
| gpu     | one modern GPU        | the paper's data (downloaded) | < 1 hour              |
| paper   | the paper's settings  | the paper's data              | hours to days         |

`auto` is `gpu` when CUDA is present, else `cpu`. Each table has one plain dataclass; a profile
is an instance of it. Notebook parameters override single fields (`overrides`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import torch

PROFILE_NAMES = ("smoke", "cpu", "gpu", "paper", "auto")


@dataclass(frozen=True)
class MSGANTable1Config:
    """MSGAN Table 1 (conditioned on class labels): conditional DCGAN with / without L_ms."""

    dataset: str = "cifar10"
    nz: int = 100
    width: int = 128  # the official d = 128
    batch_size: int = 32  # official
    steps: int = 312_500  # 200 epochs of CIFAR-10 at batch 32 (official)
    lr: float = 2e-4
    beta1: float = 0.5
    beta2: float = 0.999
    weight_decay: float = 1e-4
    lambda_ms: float = 1.0
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    samples_per_class: int = 5000  # generated images per class for every metric
    ndb_bins_per_class: int = 100
    ndb_bins_pooled: int = 100
    ndb_alpha: float = 0.05
    extractor: str = "inception-v3-fid"
    classifier_steps: int = 1500  # evaluator classifier for classifier:<dataset>
    checkpoint_every: int = 5000
    fid_non_inferiority: float = 0.05  # "not worse": MSGAN FID ≤ DCGAN FID × (1 + this)

    def training_config(self) -> dict:
        """The fields that determine a trained model (its run folder's hash); not the seeds or eval."""
        keys = ("dataset", "nz", "width", "batch_size", "steps", "lr", "beta1", "beta2", "weight_decay")
        return {k: getattr(self, k) for k in keys}


MSGAN_TABLE1 = {
    "smoke": MSGANTable1Config(
        dataset="mnist5k", width=8, batch_size=32, steps=40, seeds=(0, 1), samples_per_class=40,
        ndb_bins_per_class=4, ndb_bins_pooled=10, extractor="classifier:mnist5k", classifier_steps=30,
        checkpoint_every=20,
    ),
    "cpu": MSGANTable1Config(
        dataset="mnist5k", width=32, batch_size=64, steps=1200, seeds=(0, 1, 2), samples_per_class=300,
        ndb_bins_per_class=10, ndb_bins_pooled=50, extractor="classifier:mnist5k", classifier_steps=600,
        checkpoint_every=300,
    ),
    "gpu": MSGANTable1Config(
        dataset="cifar10", steps=40_000, seeds=(0, 1, 2), samples_per_class=1000, ndb_bins_per_class=50,
        ndb_bins_pooled=100, extractor="inception-v3-fid", checkpoint_every=5000,
    ),
    "paper": MSGANTable1Config(),
}

TABLE_PROFILES: dict[str, dict[str, object]] = {"msgan_table1": MSGAN_TABLE1}


def resolve_profile_name(name: str) -> str:
    """`auto` → `gpu` with CUDA, else `cpu`; any other name must be one of PROFILE_NAMES."""
    if name not in PROFILE_NAMES:
        raise ValueError(f"Unknown profile {name!r}. Valid profiles: {', '.join(PROFILE_NAMES)}.")
    if name == "auto":
        return "gpu" if torch.cuda.is_available() else "cpu"
    return name


def get_profile(table_id: str, name: str, **overrides):
    """The config of `table_id` at profile `name`, with non-None `overrides` replacing fields."""
    if table_id not in TABLE_PROFILES:
        raise ValueError(f"Unknown table {table_id!r}. Valid tables: {', '.join(TABLE_PROFILES)}.")
    config = TABLE_PROFILES[table_id][resolve_profile_name(name)]
    valid = {f.name for f in fields(config)}
    unknown = set(overrides) - valid
    if unknown:
        raise ValueError(f"Unknown settings {sorted(unknown)} for {table_id}. Valid: {', '.join(sorted(valid))}.")
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if "seeds" in overrides and isinstance(overrides["seeds"], int):
        overrides["seeds"] = tuple(range(overrides["seeds"]))  # `-p seeds 5` means seeds 0..4
    elif "seeds" in overrides:
        overrides["seeds"] = tuple(overrides["seeds"])
    return replace(config, **overrides)
