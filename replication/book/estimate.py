"""Estimated training wall time per table and profile, from the saved bench (`results/bench/*.json`).

One training step is one call of a method's step function, which is what the bench times as one
iteration: MSGAN 1 D + 1 G update; Pix2Pix(+MS) 1 G + 1 D update; CVAE-GAN C, D, then E+G (Algorithm 1);
ContraGAN `d_steps_per_g` D + 1 G updates (a G step); alpha-GAN `ge_steps_per_d` E/G + 1 D/C updates;
WGAN-GP `wgan_critic_steps` critic + 1 G updates. Each method of a table is matched to a bench case
(`bench_case`; every method of every table has one) and costed at that case's `fast` ms/iter (the data
set on the device, as the notebooks train): the CPU file for smoke/cpu, the newest GPU file for gpu/paper.

- The profile's step equals the measured one: "measured".
- It differs in batch, width, image size or updates per step: ms/iter is scaled by batch × pixels ×
  width² × updates (a conv net's arithmetic; per-call overheads ignored), and the basis says so.
- The method trains a subset of the measured step's nets and passes (e.g. CVAE within CVAE-GAN's
  step, the ACGAN head within 2C's): the measured step is an upper bound, and the basis says so.
- The device's file lacks the case (saved before the case existed, or run with `--case` naming
  others): "not measured", no number.
- The cpu profile, when `make bench BENCH_ARGS="--cpu-book 20 --save"` has saved `cpu-book.json`: each
  method's ms per step measured at the cpu profile's own sizes, two runs at a time in 1-thread workers
  (as the notebooks train), so a run costs half its measured step: "measured at the cpu profile".

Runs are sequential on one device; evaluation, and the extra models listed under "also trains", are
not included. A table's runs include those it reuses from another table, trained once: a run is another
table's exactly when that table, earlier in the book, trains a run with the same key at the same profile
(`run_key`: the run folder its experiment trains in, i.e. the same training settings and nets; `reused_from`),
so it follows from the configs profile by profile (e.g. ContraGAN's overfitting study trains its own runs
on a 1,000-image subset at smoke/cpu and reuses Table 1's at gpu/paper). Reused runs get estimates of
their own, marked with the owner (`Estimate.reuses`), so a sum of a table's own training leaves them out
(`regime_cost_frame`). Read by the speed page (`book/benchmark.py`) only.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import pandas as pd

from replication.book.bench import CONTRAGAN_CASES, CPU_BOOK_FILE, case_config, extra_runs

PROFILE_DEVICE = {"smoke": "cpu", "cpu": "cpu", "gpu": "gpu", "paper": "gpu"}  # which saved bench a profile reads
NOT_MEASURED = "not measured"


@dataclass(frozen=True)
class Step:
    """One training step of a family at a config's sizes (the kind of step its bench case times)."""

    batch: int
    width: int
    image_size: int
    updates: int
    text: str

    def sizes(self) -> tuple[int, int, int, int]:
        return self.batch, self.width, self.image_size, self.updates

    def cost(self) -> int:
        """Relative arithmetic of the step: batch × pixels × width² × updates."""
        return self.batch * self.image_size**2 * self.width**2 * self.updates


@dataclass(frozen=True)
class Estimate:
    """The training time of one table's methods that share a bench case, at one profile."""

    table: str
    profile: str
    dataset: str
    methods: tuple[str, ...]
    runs: int
    steps: int
    step: str
    case: str | None
    basis: str
    device: str | None  # the bench file's title
    ms_per_step: float | None
    hours: float | None  # None: not measured
    also_trains: str  # the table's other trained models, not in the estimate
    reuses: str | None = None  # these runs are that table's (`reused_from`); None: the table's own


def family(config) -> str:
    """The config's module in replication/configs/: msgan, cvae_gan, contragan or alpha_gan."""
    return type(config).__module__.rsplit(".", 1)[-1]


def image_size(config) -> int:
    """The nets' resolution: the config's `crop_size` (DRIT trains on crops) or `image_size`, else its
    experiment's fixed IMAGE_SIZE."""
    size = getattr(config, "crop_size", None) or getattr(config, "image_size", None)
    return size or importlib.import_module(f"replication.experiments.{family(config)}").IMAGE_SIZE


def step_of(config, size: int, case: str | None = None) -> Step:
    """The kind of step `case` times (None: the family's main method's), at `config`'s batch, width and
    update ratio."""
    kind = family(config)
    if is_pix2pix(config):
        updates, text = 2, "1 G + 1 D update (U-Net, two PatchGANs)"
    elif kind == "contragan":
        updates, text = config.d_steps_per_g + 1, f"{config.d_steps_per_g} D + 1 G updates"
        if case and CONTRAGAN_CASES.get(case, (None, None, False))[2]:
            text += ", CR on the D steps"
    elif case == "wgan-gp32":
        updates, text = config.wgan_critic_steps + 1, f"{config.wgan_critic_steps} critic + 1 G updates"
    elif kind == "alpha_gan":
        updates, text = config.ge_steps_per_d + 1, f"{config.ge_steps_per_d} E/G + 1 D/C updates"
    elif kind == "cvae_gan":
        updates, text = 3, "C, D, then E+G updates"
    elif type(config).__name__ == "MSGANStackGANConfig":
        updates, text = 2, f"1 D update ({config.stages} stage D's) + 1 G update"
    elif type(config).__name__ == "MSGANDRITConfig":
        updates = config.d_iter + 2  # the content-D-only updates, the D update, two E/G updates
        text = f"{config.d_iter - 1} content-D + 1 D update (5 D's), then E/G twice"
    else:
        updates, text = 2, "1 D + 1 G update"
    width = getattr(config, "width", None) or config.g_width  # StackGAN++: G's base width
    return Step(config.batch_size, width, size, updates, text)


def is_pix2pix(config) -> bool:
    """MSGAN's paired table (its config shares MSGAN's module, not its nets)."""
    return type(config).__name__ == "MSGANPix2PixConfig"


def runs_per_method(table_id: str, config) -> dict[str, int]:
    """Runs the table's notebook trains per method: one per seed, plus `bench.extra_runs`
    (CVAE-GAN Table 1's and Pix2Pix's λ sensitivity). Runs another table trains are counted here too
    (`reused_from`); CVAE-GAN's applications: Table 1's CVAE and CVAE-GAN, and its own subset-trained
    CVAE-GAN (`cvae_gan_applications.RUNS`)."""
    if table_id == "cvae_gan_applications":
        from replication.experiments.cvae_gan_applications import RUNS as methods
    elif table_id == "msgan_pix2pix":
        from replication.experiments.msgan_pix2pix import METHODS as methods
    elif table_id == "msgan_drit":
        from replication.experiments.msgan_drit import METHODS as methods
    elif table_id == "msgan_stackgan":
        from replication.experiments.msgan_stackgan import METHODS as methods
    else:
        methods = (
            getattr(config, "methods", None)
            or importlib.import_module(f"replication.experiments.{family(config)}").METHODS
        )
    extra = extra_runs(table_id, config)
    return {m: len(config.seeds) + extra.get(m, 0) for m in methods}


def run_key(table_id: str, config, method: str) -> tuple[str, str, str] | None:
    """The run folder `method`'s runs train in at `config` (`train.run_dir_for`: the runs folder, the hash of
    the run's key, the run's name; the seed aside), for the families whose tables share run folders; None
    where no other table's run can be the same one. ContraGAN's three tables train in one folder, keyed by
    the training settings and (backbone, head, CR) (`contragan.run_config`); CVAE-GAN's applications train
    Table 1's CVAE and CVAE-GAN with Table 1's key (`cvae_gan.train_run`), and their `AUGMENT_GENERATOR` in a
    folder keyed by its subset too (`cvae_gan_applications.subset_key`: its own). The other families key
    their runs under their own table's id."""
    from replication.run.train import config_hash

    kind = family(config)
    if kind == "contragan":
        from replication.experiments.contragan import RUNS_ID, method_spec, run_config

        spec = method_spec(method, config)
        return RUNS_ID, config_hash(run_config(config, spec)), spec.run_name
    if kind == "cvae_gan":
        from replication.experiments import cvae_gan
        from replication.experiments.cvae_gan_applications import AUGMENT_GENERATOR

        if method == AUGMENT_GENERATOR:
            return None
        return cvae_gan.TABLE_ID, config_hash({**config.training_config(), "method": method}), method
    return None


STEP_INDEPENDENT = ("steps", "train_images")  # settings of a run's key that leave the cost of one step as it is


def step_key(table_id: str, config, method: str) -> tuple[str, str, str] | None:
    """`run_key` less the settings in `STEP_INDEPENDENT`: runs with equal step keys train the same nets with the
    same step (e.g. the ContraGAN overfitting study's runs on a 1,000-image subset at cpu and Table 1's runs of
    the same head on the whole split), so one's measured ms per step is the other's (`cpu_book_stand_in`).
    ContraGAN only (None elsewhere)."""
    from replication.run.train import config_hash

    if family(config) != "contragan":
        return None
    from replication.experiments.contragan import RUNS_ID, method_spec, run_config

    spec = method_spec(method, config)
    settings = {k: v for k, v in run_config(config, spec).items() if k not in STEP_INDEPENDENT}
    return RUNS_ID, config_hash(settings), spec.run_name


def table_configs(table_id: str, profile: str) -> list:
    """The configs the book costs `table_id` at `profile` with (`all_estimates`): at gpu/paper one per data set
    row the paper reports (`ROW_SETTINGS`), else the profile's."""
    from replication.configs.profiles import ROW_SETTINGS, TABLE_PROFILES, get_profile

    rows = list(ROW_SETTINGS.get(table_id, {})) if profile in ("gpu", "paper") else []
    return [get_profile(table_id, profile, dataset=row) for row in rows] or [TABLE_PROFILES[table_id][profile]]


@cache
def _trained_runs(table_id: str, profile: str) -> dict[tuple[str, str, str], frozenset[int]]:
    """The runs `table_id` trains at `profile` (every data set row): run key → seeds."""
    trained: dict[tuple[str, str, str], frozenset[int]] = {}
    for config in table_configs(table_id, profile):
        for method in runs_per_method(table_id, config):
            key = run_key(table_id, config, method)
            if key is not None:
                trained[key] = trained.get(key, frozenset()) | frozenset(config.seeds)
    return trained


def reused_from(table_id: str, profile: str, config, method: str) -> str | None:
    """The table whose runs `table_id`'s runs of `method` at `config` are: the first table of the book (in
    `TABLE_PROFILES`' order) before `table_id` that trains, at `profile`, runs with the same `run_key` for
    all of the config's seeds (`bench.CPU_BOOK` counts such runs there); None where the table trains them itself
    (another key: e.g. the ContraGAN overfitting study's 1,000-image subset at smoke/cpu, `train_images`)."""
    from replication.configs.profiles import TABLE_PROFILES

    key = run_key(table_id, config, method)
    if key is None or table_id not in TABLE_PROFILES:
        return None
    for owner in TABLE_PROFILES:
        if owner == table_id:
            return None
        if set(config.seeds) <= _trained_runs(owner, profile).get(key, frozenset()):
            return owner
    return None


def bench_case(config, method: str) -> tuple[str | None, bool]:
    """(the bench case timing `method`'s step or a heavier one, whether it is exactly that step)."""
    kind = family(config)
    if is_pix2pix(config):  # a U-Net and two PatchGANs; + MS back-propagates the mode-seeking term too
        from replication.experiments.msgan_pix2pix import MODE_SEEKING

        return ("pix2pix256-ms" if method == MODE_SEEKING else "pix2pix256"), True
    if type(config).__name__ == "MSGANDRITConfig":  # encoders, generators and five discriminators
        from replication.experiments.msgan_drit import MODE_SEEKING as DRIT_MS

        return ("drit216-ms" if method == DRIT_MS else "drit216"), True
    if type(config).__name__ == "MSGANStackGANConfig":  # per-stage generators and discriminators
        from replication.experiments.msgan_stackgan import MODE_SEEKING as STACKGAN_MS

        return ("stackgan256-ms" if method == STACKGAN_MS else "stackgan256"), True
    if kind == "msgan":
        return "dcgan32-msgan", True  # DCGAN is MSGAN with λ_ms = 0: the same passes
    if kind == "cvae_gan":  # CVAE, CGAN, FM-CGAN train a subset of E, G, D, C
        from replication.experiments.cvae_gan_applications import AUGMENT_GENERATOR

        # the applications' subset generator is CVAE-GAN at the config's batch (`subset_run_config`: min(batch,
        # subset size), the batch at every profile's sizes: tests/test_estimate.py)
        return "cvae-gan32", method in ("CVAE-GAN", AUGMENT_GENERATOR)
    if kind == "contragan":
        from replication.experiments.contragan import method_spec

        spec = method_spec(method, config)
        for head, exact in ((spec.head, True), ("2C", False)):  # the ACGAN and projection heads are lighter than 2C
            for case, settings in CONTRAGAN_CASES.items():
                if settings == (spec.backbone, head, spec.cr):
                    return case, exact
        return None, False  # a backbone/CR with no case (none in the tables: tests/test_estimate.py)
    if method == "WGAN-GP":  # n_critic critic updates with a gradient penalty: not within alpha-GAN's step
        return "wgan-gp32", True
    return "alpha-gan32", method == "alpha-GAN"  # 1:1, DCGAN, AGE, VAE: fewer passes of its nets


def measured_step(payload: dict, case: str) -> tuple[float, Step] | None:
    """The case's `fast` ms/iter in a saved bench, and the step it timed (None if not there). The nets'
    resolution: the row's "image px" (the Pix2Pix cases' 256), else the bench data's (older files)."""
    for row in payload["training"]:
        if row["model"] == case and row["mode"] == "fast":
            size = row.get("image px") or payload["provenance"]["dataset"]["image_shape"][-1]
            return row["ms/iter"], replace(step_of(case_config(case), size, case), batch=row["batch"])
    return None


def dataset_name(name: str) -> str:
    """The data set as a page shows it: an image folder by its folder name, never its path."""
    return f"{Path(name.removeprefix('imagefolder:')).name} (image folder)" if name.startswith("imagefolder:") else name


def estimate_table(table_id: str, profile: str, config, payload: dict | None) -> list[Estimate]:
    """One estimate per bench case the table's methods map to (None: the methods no case times), the runs
    it reuses from another table at `profile` (`reused_from`) apart from its own."""
    size = image_size(config)
    runs = runs_per_method(table_id, config)
    groups: dict[tuple[str | None, str | None], list[str]] = {}
    exact: dict[str, bool] = {}
    for method in runs:
        case, exact[method] = bench_case(config, method)
        groups.setdefault((case, reused_from(table_id, profile, config, method)), []).append(method)
    estimates = []
    for (case, reuses), methods in groups.items():
        n = sum(runs[m] for m in methods)
        step = step_of(config, size, case)  # the step as costed: the case's kind at the profile's sizes
        found = measured_step(payload, case) if payload and case else None
        ms, basis = None, f"{NOT_MEASURED}: no bench case times {', '.join(methods)}"
        if case and found is None:
            where = f"the {payload['title']} bench" if payload else f"a saved {PROFILE_DEVICE[profile].upper()} bench"
            basis = f"{NOT_MEASURED}: {case} is not in {where}"
        if found:
            ms, ref = found
            basis = "measured"
            if step.sizes() != ref.sizes():
                k = step.cost() / ref.cost()
                ms *= k
                basis = f"scaled ×{k:.3g} from batch {ref.batch}, width {ref.width}, {ref.image_size} px, {ref.text}"
            lighter = [m for m in methods if not exact[m]]
            if lighter:
                basis += f"; upper bound for {', '.join(lighter)} (a lighter step)"
        estimates.append(
            Estimate(
                table_id,
                profile,
                f"{dataset_name(config.dataset)}, {size} px",
                tuple(methods),
                n,
                config.steps,
                step.text,
                case,
                basis,
                payload["title"] if found else None,
                ms,
                n * config.steps * ms / 3.6e6 if ms is not None else None,
                also_trains(table_id, config),
                reuses,
            )
        )
    return estimates


def also_trains(table_id: str, config) -> str:
    """The models a table trains besides its runs, which no bench case times (not in the estimate)."""
    parts = []
    if family(config) != "msgan" or config.extractor.startswith("classifier:"):
        parts.append(f"evaluator classifier, {config.classifier_steps} steps")
    if family(config) == "alpha_gan":
        runs = sum(runs_per_method(table_id, config).values())
        parts.append(f"{runs} independent critics × {config.critic_steps} steps")
    if table_id == "cvae_gan_applications":
        parts.append(f"{2 * len(config.seeds)} augmentation classifiers × {config.augment_steps} steps")
    return "; ".join(parts) or "—"


def load_bench(folder: Path) -> dict[str, dict]:
    """{"cpu": cpu.json, "gpu": the newest cuda-*.json, "cpu-book": cpu-book.json}, each only if saved."""
    found = {}
    if (folder / "cpu.json").exists():
        found["cpu"] = json.loads((folder / "cpu.json").read_text())
    if (folder / CPU_BOOK_FILE).exists():
        found["cpu-book"] = json.loads((folder / CPU_BOOK_FILE).read_text())
    gpus = [json.loads(p.read_text()) for p in sorted(folder.glob("cuda-*.json"))]
    if gpus:
        found["gpu"] = max(gpus, key=lambda p: p["provenance"]["date_utc"])
    return found


def cpu_book_estimate(table_id: str, config, payload: dict) -> list[Estimate]:
    """The cpu profile from the saved cpu-book bench: Σ over methods of runs × steps × (ms/step in a
    pair of 1-thread workers) / 2; [] when the file has no row for the table. Its rows are the table's
    own runs (`bench.CPU_BOOK`: a run two tables share is counted once, under the table that trains it); a table
    with no row of its own: `cpu_book_stand_in`."""
    rows = [r for r in payload["rows"] if r["table"] == table_id]
    if not rows:
        return cpu_book_stand_in(table_id, config, payload)
    per_run = {r["method"]: r["ms/step in a pair (1 thread)"] / 2 for r in rows}  # two runs at once
    runs = {r["method"]: r["runs"] for r in rows}
    steps = rows[0]["steps"]
    hours = sum(runs[m] * steps * per_run[m] for m in per_run) / 3.6e6
    return [
        Estimate(
            table_id,
            "cpu",
            f"{dataset_name(config.dataset)}, {image_size(config)} px",
            tuple(per_run),
            sum(runs.values()),
            steps,
            "one training step of each method",
            "cpu-book",
            "measured at the cpu profile's sizes, two runs at a time in 1-thread workers (half the step's time per run)",
            payload["title"],
            sum(runs[m] * per_run[m] for m in per_run) / sum(runs.values()),
            hours,
            also_trains(table_id, config),
        )
    ]


def cpu_book_stand_in(table_id: str, config, payload: dict) -> list[Estimate]:
    """The cpu profile of a table the saved cpu-book bench has no row of, from other tables' rows that time the
    same step (`step_key`; e.g. the ContraGAN overfitting study's own runs, timed as Table 1's runs of the same
    heads): each of the table's own methods (`reused_from` None) at such a row's ms per step in a pair of
    1-thread workers / 2, the config's runs and steps; [] unless every own method has such a row."""
    from replication.configs.profiles import TABLE_PROFILES

    runs = runs_per_method(table_id, config)
    own = [m for m in runs if reused_from(table_id, "cpu", config, m) is None]
    timed: dict[tuple[str, str, str], dict] = {}
    for row in payload["rows"]:
        if row["table"] == table_id or row["table"] not in TABLE_PROFILES:
            continue
        try:
            key = step_key(row["table"], TABLE_PROFILES[row["table"]]["cpu"], row["method"])
        except ValueError:  # a method the table no longer has
            continue
        if key is not None:
            timed.setdefault(key, row)
    stand_ins = {m: timed.get(step_key(table_id, config, m)) for m in own}
    if not own or None in stand_ins.values():
        return []
    per_run = {m: row["ms/step in a pair (1 thread)"] / 2 for m, row in stand_ins.items()}  # two runs at once
    n = sum(runs[m] for m in own)
    timed_as = ", ".join(f"{row['table']}'s {row['method']}" for row in stand_ins.values())
    return [
        Estimate(
            table_id,
            "cpu",
            f"{dataset_name(config.dataset)}, {image_size(config)} px",
            tuple(own),
            n,
            config.steps,
            "one training step of each method",
            "cpu-book",
            f"measured at the cpu profile's sizes as {timed_as} (the same nets and step), two runs at a time in "
            "1-thread workers (half the step's time per run)",
            payload["title"],
            sum(runs[m] * per_run[m] for m in own) / n,
            sum(runs[m] * config.steps * per_run[m] for m in own) / 3.6e6,
            also_trains(table_id, config),
        )
    ]


def all_estimates(bench: dict[str, dict]) -> list[Estimate]:
    """Every table of `TABLE_PROFILES` at smoke, cpu, gpu and paper; at gpu/paper once per data set row
    the paper reports (`ROW_SETTINGS`: e.g. ContraGAN Table 2 on CIFAR-10, Tiny ImageNet and ImageNet);
    at cpu from the saved cpu-book bench where there is one."""
    from replication.configs.profiles import TABLE_PROFILES

    estimates = []
    for table_id, profiles in TABLE_PROFILES.items():
        for profile in PROFILE_DEVICE:
            if profile == "cpu" and "cpu-book" in bench:
                measured = cpu_book_estimate(table_id, profiles["cpu"], bench["cpu-book"])
                if measured:
                    estimates += measured
                    continue
            for config in table_configs(table_id, profile):
                estimates += estimate_table(table_id, profile, config, bench.get(PROFILE_DEVICE[profile]))
    return estimates


def format_hours(hours: float | None) -> str:
    if hours is None:
        return NOT_MEASURED
    return f"{hours:,.0f}" if hours >= 10 else f"{hours:.1f}" if hours >= 1 else f"{hours:.2g}"


def _which_runs(e: Estimate) -> dict:
    """The columns that name an estimate's runs: table, profile, data set, methods, how many."""
    return {
        "table": e.table,
        "profile": e.profile,
        "data set": e.dataset,
        "methods": ", ".join(e.methods),
        "runs": e.runs,
    }


def detail_frame(estimates: list[Estimate]) -> pd.DataFrame:
    """One row per (table, profile, bench case), all cells text: "not measured" where no number is."""
    return pd.DataFrame(
        {
            **_which_runs(e),
            "steps per run": f"{e.steps:,}",
            "one step": e.step,
            "bench case": e.case or "none",
            "basis": e.basis,
            "measured on": e.device or NOT_MEASURED,
            "ms per step": NOT_MEASURED if e.ms_per_step is None else f"{e.ms_per_step:.3g}",
            "estimated hours": format_hours(e.hours),
        }
        for e in estimates
    )


def total_frame(estimates: list[Estimate]) -> pd.DataFrame:
    """Per table and profile: runs and training hours ("not measured" if any of its methods is)."""
    rows = []
    for key in dict.fromkeys((e.table, e.profile, e.dataset) for e in estimates):
        parts = [e for e in estimates if (e.table, e.profile, e.dataset) == key]
        hours = [e.hours for e in parts]
        rows.append(
            {
                "table": key[0],
                "profile": key[1],
                "data set": parts[0].dataset,
                "runs": sum(e.runs for e in parts),
                "estimated hours": format_hours(None if None in hours else sum(hours)),
                "also trains (not estimated)": parts[0].also_trains,
            }
        )
    return pd.DataFrame(rows)


def reuse_frame(estimates: list[Estimate]) -> pd.DataFrame:
    """Per table, profile and data set: the runs it reuses from another table (`Estimate.reuses`; trained and
    costed there), which are in its hours above too."""
    return pd.DataFrame(
        [{**_which_runs(e), "trained by": e.reuses} for e in estimates if e.reuses],
        columns=["table", "profile", "data set", "methods", "runs", "trained by"],
    )


def tested_in_regime(verdicts: list[dict]) -> int:
    """How many of a results file's claims were tested: a verdict other than "not tested" (its regime met)."""
    return sum(v.get("verdict") not in ("not tested", None) for v in verdicts)


def reused_tables(table_id: str, cpu_estimates: list[Estimate]) -> list[str]:
    """The tables whose runs `table_id` reuses at `cpu`: its estimates' `reuses`, and its cpu config's
    (`reused_from`; a cpu-book measurement costs a table's own runs only, `cpu_book_estimate`)."""
    from replication.configs.profiles import TABLE_PROFILES

    found = [e.reuses for e in cpu_estimates if e.reuses]
    if table_id in TABLE_PROFILES:
        config = TABLE_PROFILES[table_id]["cpu"]
        found += [reused_from(table_id, "cpu", config, m) for m in runs_per_method(table_id, config)]
    return [t for t in dict.fromkeys(found) if t]


def regime_cost_frame(estimates: list[Estimate], verdicts: dict[str, list[dict]]) -> pd.DataFrame:
    """Per table at `cpu`: its estimated training minutes, its claims, how many were tested in their regime
    (`tested_in_regime`) and the minutes each tested claim cost (issue #29: what a claim in regime costs);
    a last row sums the book. `verdicts`: table id → its cpu results file's verdicts (tables without a file
    are left out). Minutes are the estimates' (training only) of the table's own runs: the runs it reuses
    from another table at `cpu` (`Estimate.reuses`: e.g. the applications' CVAE and CVAE-GAN) are that
    table's, so the book's row counts every run once."""
    rows, owners = [], {}
    for table, table_verdicts in verdicts.items():
        cpu = [e for e in estimates if e.table == table and e.profile == "cpu"]
        own = [e.hours for e in cpu if e.reuses is None]
        owners[table] = ", ".join(reused_tables(table, cpu))
        minutes = None if not cpu or None in own else 60 * sum(own)
        rows.append((table, minutes, len(table_verdicts), tested_in_regime(table_verdicts)))
    minutes = [r[1] for r in rows]
    book_minutes = None if not rows or None in minutes else sum(minutes)
    total = ("the book", book_minutes, sum(r[2] for r in rows), sum(r[3] for r in rows))

    def shown(minutes: float | None, table: str) -> str:
        if minutes is None:
            return NOT_MEASURED
        if not owners.get(table):
            return f"{minutes:.1f}"
        if minutes == 0:
            return f"0 (reuses {owners[table]}'s runs)"
        return f"{minutes:.1f} (its own runs; it also reuses {owners[table]}'s)"

    def per_claim(minutes: float | None, tested: int) -> str:
        if minutes is None:
            return NOT_MEASURED
        return f"{minutes / tested:.1f}" if tested else "no claim tested"

    return pd.DataFrame(
        {
            "table": table,
            "training minutes (estimated)": shown(minutes, table),
            "claims": claims,
            "tested in regime": tested,
            "minutes per tested claim": per_claim(minutes, tested),
        }
        for table, minutes, claims, tested in [*rows, total]
    )


REHEARSAL_FILES = "rehearsal-*.json"  # tests/test_gpu_rehearsal.py with REHEARSAL_SAVE: every quick check timed


def quick_check_frame(folder: Path) -> pd.DataFrame | None:
    """The measured time of each table's quick check (`-p profile gpu|paper -p quick True`, fixture data) per
    saved rehearsal file: what a user's check of the gpu path costs before any GPU hour. None if none saved."""
    lines = []
    for path in sorted(folder.glob(REHEARSAL_FILES)):
        payload = json.loads(path.read_text())
        prov = payload["provenance"]
        where = f"{prov['device']}, {payload['layout']}"
        for case in payload["cases"]:
            lines.append(
                {
                    "table": case["table"],
                    "profile": f"{case['profile']} quick",
                    "wall (min)": round(case["wall_s"] / 60, 1),
                    "CPU (min)": round(case["cpu_s"] / 60, 1),
                    "ran": "yes" if case["ok"] else "failed",
                    "measured on": where,
                    "commit": prov["git_commit"][:7] if prov.get("git_commit") else "",
                }
            )
    return pd.DataFrame(lines) if lines else None
