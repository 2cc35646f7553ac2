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

import importlib
from dataclasses import fields, replace

import torch

PROFILE_NAMES = ("smoke", "cpu", "gpu", "paper", "auto")


# One module per paper in replication/configs/, each with PROFILES = {table_id: {profile: config}}.
CONFIG_MODULES = ("msgan", "cvae_gan", "alpha_gan", "contragan")


def _collect() -> dict[str, dict[str, object]]:
    tables: dict[str, dict[str, object]] = {}
    for name in CONFIG_MODULES:
        tables.update(importlib.import_module(f"replication.configs.{name}").PROFILES)
    return tables


TABLE_PROFILES: dict[str, dict[str, object]] = _collect()


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
