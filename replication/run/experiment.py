"""One protocol for every table: what a table supplies, and the driver that does the rest.

A table (one module of `replication.experiments`) supplies what is its paper's own:
- `train_run(config, data, method, seed, device, progress) -> TrainedRun`: build its nets, wire its losses into
  one training step and train that (method, seed) with `replication.run.train.train_method` (resume, or
  load the finished run); `run.result.history` holds the loss curves;
- an evaluation of one trained run, `evaluate(run, seed) -> (metrics, shown)`: its own metrics as
  {metric: value} and what the page's figures show of it (kept for the first seed only);
- its claims, each `claim_verdict(claim, rule, parts)` over seed-paired comparisons
  (`replication.claims.stats.compare_methods`), and its regime checks (`replication.claims.regime`).

The driver does the same for all of them:
0. `setup`: a notebook's parameters → the profile's name, the table's config, the device, and the data
   that the table's own `load_data(config)` returns, on that device;
1. `train_and_evaluate`: every (method, seed) trained in the worker processes (`core.parallel`),
   then each loaded here and evaluated, seed by seed in the order of `config.seeds`;
2. `save_table`: every verdict gated by its regime checks (`regime.attach`: "not tested" when a
   precondition fails), written with its rows, protocol and provenance to
   `results/<profile>/<table_id>.json` (a run with settings other than the profile's: to its own
   `<table_id>.<data set>[.<overrides>].json`, `results_variant`), and read back for the page.

A table's notebook starts with `replication.book.cells.start(module.NOTEBOOK, globals())` (a `TableNotebook`:
its parameters, data and setup line) and ends with `save_results(module, table, …)`, which reads the same names
in every table module: `TABLE_ID`, a table object with `config`, `protocol` and `wall_time_s`, and
`result_rows(table)`, `verdicts(table)`, `regime_checks(table, verdict)`, `details(table)`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from types import ModuleType
from typing import Any

import torch
import torch.nn as nn

from replication.claims import regime
from replication.claims.stats import PairedComparison, adjust_within_claim, combine_verdicts
from replication.configs.profiles import get_profile, quick_check, resolve_profile_name
from replication.core import parallel
from replication.core.device import pick_device
from replication.run import results
from replication.run.train import TrainResult


def setup(
    table_id: str, profile: str, device: str, load_data: Callable, **overrides
) -> tuple[str, Any, torch.device, Any]:
    """A notebook's first cell: the profile's name ("auto" resolved), the table's config at that profile with
    the notebook's `overrides` (None: the profile's), the device, and `load_data(config)` moved to it."""
    profile_name = resolve_profile_name(profile)
    config = get_profile(table_id, profile_name, **overrides)
    torch_device = pick_device(device)
    return profile_name, config, torch_device, load_data(config).to(torch_device)


@dataclass(frozen=True)
class TableNotebook:
    """What a table's notebook declares and loads before training (`replication.book.cells.start`)."""

    table_id: str
    parameters: tuple[str, ...]  # the names of its parameters cell, run options included
    load_data: Callable  # config → its data
    setup_line: Callable  # (config, data) → the data and budget, as the page states them
    config_fields: dict[str, str] = field(default_factory=dict)  # a parameter whose config field is named otherwise


@dataclass
class TrainedRun:
    """A trained (method, seed) run: the nets its evaluation needs, in eval mode, and its training result."""

    method: str
    seed: int
    nets: dict[str, nn.Module]  # "G": the net that samples (for BigGAN its EMA), and any others evaluation uses
    result: TrainResult

    @property
    def generator(self) -> nn.Module:
        return self.nets["G"]


@dataclass
class Runs:
    """What training and evaluating every (method, seed) of a table produced."""

    metrics: dict[str, dict[int, dict]]  # method → seed → metric → value
    histories: dict[str, dict[str, list[float]]]  # "method seed k" → loss name → values per step
    shown: dict[str, Any] = field(default_factory=dict)  # method → what the figures show (first seed)
    wall_time_s: float = 0.0


@dataclass
class TableRunBase:
    """What a table's `run_table` returns, the part every table shares: its config and its runs; each table's
    own `TableRun` adds what its page shows (protocol, real-data references, inputs …)."""

    config: Any
    runs: Runs

    @property
    def metrics(self) -> dict[str, dict[int, dict]]:  # method → seed → metric → value
        return self.runs.metrics

    @property
    def wall_time_s(self) -> float:  # training and evaluation, with the evaluator's references
        return self.runs.wall_time_s


def train_and_evaluate(
    train_run: Callable,
    evaluate: Callable[[Any, int], tuple[dict, Any]],
    config,
    data,
    device: torch.device,
    methods: Sequence[str],
    progress: bool = True,
) -> Runs:
    """Train every (method, seed) of `methods` × `config.seeds` in the workers, then load each run here and
    `evaluate(run, seed)` it → (metrics, shown), seed-major (all methods of a seed, then the next seed)."""
    start = time.perf_counter()
    parallel.train_runs(train_run, [(config, m, s) for s in config.seeds for m in methods], data, device)
    out = Runs({m: {} for m in methods}, {})
    for seed in config.seeds:
        for method in methods:
            run = train_run(config, data, method, seed, device, progress)
            out.histories[f"{method} seed {seed}"] = run.result.history
            out.metrics[method][seed], shown = evaluate(run, seed)
            if seed == config.seeds[0]:
                out.shown[method] = shown
    out.wall_time_s = time.perf_counter() - start
    return out


def images_line(data) -> str:
    """A setup line's data part for labelled images: "data: `mnist5k` (N train / M held-out, (1, 32, 32))"."""
    return f"data: `{data.name}` ({len(data.train_x)} train / {len(data.test_x)} held-out, {data.image_shape})"


def budget_line(config, step: str = "steps") -> str:
    """A setup line's budget part: "800 steps × batch 64"."""
    return f"{config.steps} {step} × batch {config.batch_size}"


def claim_verdict(claim: str, rule: str, parts: Sequence[PairedComparison]) -> dict:
    """A claim's verdict from its seed-paired parts, Holm-adjusted within the claim (`adjust_within_claim`):
    all parts hold → holds, any does not hold → does not hold, else inconclusive (`combine_verdicts`),
    with the parts' intervals, p-values and power kept for the page."""
    parts = adjust_within_claim(parts)
    return {
        "claim": claim,
        "rule": rule,
        "verdict": combine_verdicts([p.verdict for p in parts]),
        "parts": [p.as_dict() for p in parts],
    }


def save_table(
    table_id: str,
    profile: str,
    rows: list[dict],
    protocol: dict,
    verdicts: list[dict],
    checks: Sequence[regime.RegimeCheck] | Callable[[dict], Sequence[regime.RegimeCheck]],
    data,
    device: torch.device | str,
    wall_time_s: float,
    seeds: Sequence[int],
    details: dict | None = None,
) -> dict:
    """Gate every verdict by its regime checks (`checks`: the same for all, or a function of the verdict),
    write the table's results with provenance, say where, and return them as saved. A run whose config
    (`details["config"]`) is not the profile's own writes its own file (`results_variant`), never the
    profile's `results/<profile>/<table_id>.json` that the book shows."""
    gated = [regime.attach(v, checks(v) if callable(checks) else checks) for v in verdicts]
    provenance = results.provenance(profile, data.describe(), device, wall_time_s, seeds)
    overrides = settings_overridden(table_id, profile, (details or {}).get("config"))
    variant = None
    if overrides is not None:
        dataset, changed = overrides
        variant = results.variant_name(dataset, changed)
        provenance["settings_overridden"] = {"dataset": dataset, **changed}
    path = results.save(table_id, profile, rows, protocol, gated, provenance, details=details, variant=variant)
    print(f"results written to <results>/{results.display_path(path)} ({wall_time_s:.0f} s)")
    if variant:
        own = results.display_path(results.results_path(table_id, profile))
        said = ", ".join(f"{k} {v}" for k, v in {"dataset": dataset, **changed}.items())
        print(f"  (settings other than the profile's: {said}; the book shows <results>/{own}, left as it was)")
    return results.load(table_id, profile, variant=variant)


def settings_overridden(table_id: str, profile: str, config: dict | None) -> tuple[str, dict] | None:
    """None when `config` (a table config as a dict) is the profile's own; else (its data set, {name: value}
    of every other setting that differs from the profile's for that data set). At gpu/paper a data set
    that is one of the paper's rows brings that row's settings (`ROW_SETTINGS`), which are no override:
    such a run's only override is its data set. Without a config (an older caller): None."""
    if not config:
        return None
    own = asdict(get_profile(table_id, profile))
    dataset = config.get("dataset", own.get("dataset"))
    if dataset != own.get("dataset"):
        own = asdict(get_profile(table_id, profile, dataset=dataset))

    def plain(value):  # "classifier:<dataset>" is "classifier:<the data set>"; a tuple read back is a list
        if isinstance(value, tuple):
            return [plain(v) for v in value]
        return value.replace("<dataset>", str(dataset)) if isinstance(value, str) else value

    def differences(reference: dict) -> dict:
        return {
            name: value
            for name, value in config.items()
            if name != "dataset" and name in reference and plain(value) != plain(reference[name])
        }

    changed = differences(own)
    if dataset == asdict(get_profile(table_id, profile)).get("dataset") and not changed:
        return None
    # a quick check (`get_profile(..., quick=True)`) is named as one, with whatever the notebook changed besides
    quick = asdict(quick_check(table_id, get_profile(table_id, profile, dataset=dataset)))
    beyond_quick = differences(quick)
    if len(beyond_quick) < len(changed):
        return str(dataset), {"quick": True, **beyond_quick}
    return str(dataset), changed


def save_results(experiment: ModuleType, table, profile: str, data, device, details: dict | None = None) -> dict:
    """`save_table` for a table module with the shared interface (module docstring): its rows, verdicts, regime
    checks and details of `table`, plus the notebook's own `details`."""
    return save_table(
        experiment.TABLE_ID,
        profile,
        experiment.result_rows(table),
        table.protocol,
        experiment.verdicts(table),
        lambda verdict: experiment.regime_checks(table, verdict),
        data,
        device,
        table.wall_time_s,
        table.config.seeds,
        details={**experiment.details(table), **(details or {})},
    )
