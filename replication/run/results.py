"""Results files: `results/<profile>/<table_id>.json`, written atomically, with provenance.

A run with settings other than the profile's own (a `steps`, `seeds`, `dataset`, `methods` or evaluation
override: `replication.run.experiment.results_variant`) writes `results/<profile>/<table_id>.<variant>.json`
instead, the variant naming its data set and a short key of the overrides (`variant_name`, e.g.
`msgan_table1.mnist5k.steps3`; a data set alone, `contragan_table1.tiny-imagenet`), so it never replaces
the file the book shows; `scan` (the book's pages) reads only the profile's own files.

Schema (version 1):
    table_id, profile, schema_version
    rows:       [{method, metric, mean, std, n, values, seeds}]   one row per (method, metric)
    details:    free-form extras (per-class values, histories' summaries)
    protocol:   how the numbers were measured (reference split, N generated, extractor + hash, K …)
    verdicts:   [{claim, rule, verdict, parts: [...]}]
    provenance: git commit + dirty flag, profile, data set + checksum, device, versions, wall
                time, date, seeds
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

import torch

from replication.core import parallel
from replication.core.io import write_json_atomic
from replication.core.paths import repo_root, results_root

SCHEMA_VERSION = 1
REQUIRED_KEYS = ("schema_version", "table_id", "profile", "rows", "protocol", "verdicts", "provenance")
ROW_KEYS = ("method", "metric", "mean", "std", "n", "values", "seeds")
PROVENANCE_KEYS = (
    "git_commit",
    "git_dirty",
    "profile",
    "dataset",
    "device",
    "versions",
    "wall_time_s",
    "date_utc",
    "seeds",
)
LIBRARIES = ("torch", "torchvision", "torchmetrics", "numpy", "scikit-learn", "scipy", "replication")


class ResultsSchemaError(ValueError):
    """A results payload lacks a required field."""


class ResultsFileError(ValueError):
    """A results file cannot be read as JSON (truncated, overwritten, not UTF-8, unreadable)."""


# When set (by the notebook runner), `save` appends the path of every file it writes to this file,
# so the runner can record which results an executed notebook produced and check them later.
WRITTEN_LOG_ENV = "REPLICATION_RESULTS_LOG"


# What a book build writes into the checkout itself: never a reason to call the code "dirty".
BUILD_OUTPUTS = ("results", "book/reference", "book/executed")


def git_state(root: Path | None = None) -> tuple[str, bool | None]:
    """(commit, dirty) of the checkout, or ("unknown", None) outside a git work tree. Dirty means a
    tracked file differs from the commit, not counting the build's own outputs (`BUILD_OUTPUTS`):
    the results files an earlier notebook of the same build rewrote do not make the code dirty."""
    root = root or repo_root()
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        excluded = [f":(exclude){folder}" for folder in BUILD_OUTPUTS]
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", *excluded],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return commit, bool(status.strip())
    except (OSError, subprocess.CalledProcessError):
        return "unknown", None


def cpu_model() -> str:
    """The CPU's model name (Linux: /proc/cpuinfo), else what `platform` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            name, _, value = line.partition(":")
            if name.strip() in ("model name", "Model") and value.strip():
                return value.strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def device_description(device: str | torch.device) -> str:
    """The machine a number was measured on: runs are bit-identical on one machine, not across CPUs."""
    device = torch.device(device)
    if device.type == "cuda":
        return f"cuda: {torch.cuda.get_device_name(device)}"
    return f"cpu: {cpu_model()}, {os.cpu_count()} cores, {torch.get_num_threads()} torch threads"


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def provenance(profile: str, dataset: dict, device: str | torch.device, wall_time_s: float, seeds) -> dict:
    commit, dirty = git_state()
    return {
        "git_commit": commit,
        "git_dirty": dirty,
        "profile": profile,
        "dataset": dataset,
        "device": device_description(device),
        "torch_threads": torch.get_num_threads(),  # CPU results can depend on the thread count
        # how this process trains runs (replication.core.parallel); runs finished in an earlier call keep theirs
        "training_layout": parallel.layout(device).as_dict(),
        "versions": library_versions(),
        "wall_time_s": round(float(wall_time_s), 2),
        "date_utc": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "seeds": list(seeds),
    }


def seed_rows(metrics: dict, methods, metric_names, seeds) -> list[dict]:
    """Result rows from metrics[method][seed][metric]: one row per (method, metric) with per-seed values."""
    from replication.claims.stats import summarise

    seeds = list(seeds)
    return [
        {"method": m, "metric": k, **summarise([metrics[m][s][k] for s in seeds]), "seeds": seeds}
        for m in methods
        for k in metric_names
    ]


def validate(payload: dict) -> None:
    if not isinstance(payload, dict):
        raise ResultsSchemaError(f"results payload is a {type(payload).__name__}, not an object")
    missing = [k for k in REQUIRED_KEYS if k not in payload]
    if missing:
        raise ResultsSchemaError(f"results payload lacks {missing}")
    for row in payload["rows"]:
        row_missing = [k for k in ROW_KEYS if k not in row]
        if row_missing:
            raise ResultsSchemaError(f"row {row.get('method')}/{row.get('metric')} lacks {row_missing}")
        if len(row["values"]) != row["n"] or len(row["seeds"]) != row["n"]:
            raise ResultsSchemaError(
                f"row {row['method']}/{row['metric']}: n={row['n']} but {len(row['values'])} values"
            )
    prov_missing = [k for k in PROVENANCE_KEYS if k not in payload["provenance"]]
    if prov_missing:
        raise ResultsSchemaError(f"provenance lacks {prov_missing}")


def _token(text: str) -> str:
    """`text` as a file-name part: itself when it is short and plain, else a readable part and a hash."""
    import hashlib
    import re

    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")
    if safe == text and len(text) <= 40:
        return text
    digest = hashlib.sha256(text.encode()).hexdigest()[:6]
    readable = re.sub(r"[^A-Za-z0-9_-]+", "-", text.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]).strip("-")
    prefix = "imagefolder-" if text.startswith("imagefolder:") else ""
    return f"{prefix}{readable[:24]}-{digest}".strip("-")


def _override_token(name: str, value: object) -> str:
    """One override as a short name part: `steps3`, `seeds1` (seeds 0..n−1), `seeds3_7`, `fast-False`,
    else the name and a hash of the value (`methods-1a2b3c`)."""
    import hashlib

    if name == "quick" and value is True:
        return "quick"
    if isinstance(value, bool) or value is None:
        return f"{name}-{value}"
    if isinstance(value, int):
        return f"{name}{value}"
    if name == "seeds" and isinstance(value, list | tuple) and all(isinstance(v, int) for v in value):
        values = list(value)
        return (
            f"seeds{len(values)}" if values == list(range(len(values))) else "seeds" + "_".join(map(str, values))[:40]
        )
    return f"{name}-{hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:6]}"


def variant_name(dataset: str, overrides: dict) -> str:
    """The variant part of an override run's file name: its data set, then each override (sorted by name)."""
    parts = [_override_token(name, overrides[name]) for name in sorted(overrides, key=lambda n: (n != "quick", n))]
    key = ".".join(parts)
    if len(key) > 60:
        import hashlib

        key = "overrides-" + hashlib.sha256(key.encode()).hexdigest()[:8]
    return ".".join([_token(dataset), *([key] if key else [])])


def dataset_name(payload: dict) -> str:
    """The data set a results file ran on, as its provenance names it ("?" when it does not)."""
    dataset = payload.get("provenance", {}).get("dataset", {})
    return dataset.get("name", "?") if isinstance(dataset, dict) else str(dataset)


def results_path(table_id: str, profile: str, root: Path | None = None, variant: str | None = None) -> Path:
    """`<root>/<profile>/<table_id>.json`, or `<table_id>.<variant>.json` for a run with other settings."""
    name = f"{table_id}.{variant}.json" if variant else f"{table_id}.json"
    return (root or results_root()) / profile / name


def save(
    table_id: str,
    profile: str,
    rows: list[dict],
    protocol: dict,
    verdicts: list[dict],
    provenance: dict,
    details: dict | None = None,
    root: Path | None = None,
    variant: str | None = None,
) -> Path:
    """Validate and write the results of one table atomically; returns the path. `variant` (a run with
    settings other than the profile's, `variant_name`) writes its own file and leaves the profile's alone."""
    payload = {
        "schema_version": SCHEMA_VERSION,
        "table_id": table_id,
        "profile": profile,
        "rows": rows,
        "protocol": protocol,
        "verdicts": verdicts,
        "provenance": provenance,
        "details": details or {},
    }
    validate(payload)
    path = results_path(table_id, profile, root, variant)
    write_json_atomic(path, payload)
    log = os.environ.get(WRITTEN_LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{path.resolve()}\n")
    return path


def display_path(path: Path, root: Path | None = None) -> str:
    """`<profile>/<table>.json` for a file under the results folder, else its name: no machine paths in the book."""
    try:
        return Path(path).resolve().relative_to((root or results_root()).resolve()).as_posix()
    except ValueError:
        return Path(path).name


def read_file(path: Path, root: Path | None = None) -> dict:
    """Read and validate one results file; ResultsFileError / ResultsSchemaError name it and say what is wrong."""
    shown = display_path(path, root)
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ResultsFileError(
            f"{shown} is not valid JSON ({error.msg}, line {error.lineno} column {error.colno}): "
            "delete it and re-run its notebook"
        ) from None
    except UnicodeDecodeError:
        raise ResultsFileError(f"{shown} is not UTF-8 text: delete it and re-run its notebook") from None
    except FileNotFoundError:
        raise
    except OSError as error:
        raise ResultsFileError(f"{shown} cannot be read ({error.strerror or type(error).__name__})") from None
    try:
        validate(payload)
    except ResultsSchemaError as error:
        raise ResultsSchemaError(f"{shown}: {error}; re-run its notebook") from None
    except (KeyError, TypeError, AttributeError) as error:
        raise ResultsSchemaError(
            f"{shown}: malformed results ({type(error).__name__}: {error}); re-run its notebook"
        ) from None
    return payload


def load(table_id: str, profile: str, root: Path | None = None, variant: str | None = None) -> dict:
    path = results_path(table_id, profile, root, variant)
    if not path.exists():
        raise FileNotFoundError(f"no results for {table_id} at profile {profile} ({path}); run its notebook first")
    return read_file(path, root)


def scan(
    profile: str | None = None, root: Path | None = None, variants: bool = False
) -> list[tuple[Path, dict | None, str | None]]:
    """Every results file (of one profile, or all) as (path, payload, None), or (path, None, error) if broken:
    the profiles' own files (`<table_id>.json`), and with `variants` the override runs' files too."""
    base = root or results_root()
    pattern = f"{profile}/*.json" if profile else "*/*.json"
    found = []
    for path in sorted(base.glob(pattern)):
        if "." in path.stem and not variants:  # `<table_id>.<variant>.json`: an override run's, not the book's
            continue
        try:
            found.append((path, read_file(path, base), None))
        except (ValueError, OSError) as error:
            found.append((path, None, str(error)))
    return found
