"""Notebook parameters, checked in the first code cell before anything loads or trains.

papermill injects the user's `-p name value` as an "injected-parameters" cell right after the
`parameters` cell and only logs names the notebook does not declare; `check_parameters` makes such a
name (a typo like `stepz`) an error that lists the valid names, and checks the run options every
notebook shares. The settings that change a table's config (seeds, steps, methods, extractor …)
are checked by `replication.configs.profiles.get_profile` with the functions below.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence

INJECTED_HEADER = "# Parameters"  # the first line of the cell papermill injects (`-p name value`)


def injected_names(namespace: dict) -> list[str]:
    """The names assigned in papermill's injected cell(s), read from IPython's input history `In`
    (empty outside IPython, or when nothing was injected)."""
    names: list[str] = []
    for source in namespace.get("In", []):
        if isinstance(source, str) and source.lstrip().startswith(INJECTED_HEADER):
            for node in ast.parse(source).body:
                targets = [node.target] if isinstance(node, ast.AnnAssign) else getattr(node, "targets", [])
                names += [t.id for t in targets if isinstance(t, ast.Name)]
    return names


def check_parameters(namespace: dict, declared: Sequence[str]) -> None:
    """Raise ValueError for a parameter papermill injected that the notebook does not declare (a
    typo like `-p stepz 5`, which papermill itself only logs), listing the valid names; and for a
    run option (`profile`, `device`, `progress`, `quick`, `fast`, `gpus_per_run`, `backbone`, `executed_dir`)
    of the wrong type or range. Call it with `globals()` in the first code cell, before anything
    loads or trains. Rerunning a cell interactively is fine: only the injected cell is read."""
    unknown = sorted({name for name in injected_names(namespace) if name not in declared})
    if unknown:
        raise ValueError(f"Unknown notebook parameter(s) {unknown}. Valid parameters: {', '.join(declared)}.")
    checks = {
        "profile": lambda v: _require(isinstance(v, str), "profile", v, "a profile name"),
        "device": lambda v: _require(isinstance(v, str), "device", v, 'a device name ("auto", "cpu", "cuda", …)'),
        "progress": lambda v: _require(isinstance(v, bool), "progress", v, "true or false"),
        "quick": lambda v: _require(isinstance(v, bool), "quick", v, "true or false"),
        "fast": lambda v: _require(v is None or isinstance(v, bool), "fast", v, "null, true or false"),
        "gpus_per_run": lambda v: positive_int("gpus_per_run", v),
        "backbone": lambda v: _require(v is None or isinstance(v, str), "backbone", v, "null or a backbone name"),
        "executed_dir": lambda v: _require(v is None or isinstance(v, str), "executed_dir", v, "null or a path"),
    }
    for name, check in checks.items():
        if name in declared and name in namespace:
            check(namespace[name])


def _require(ok: bool, name: str, value: object, wanted: str) -> None:
    if not ok:
        raise ValueError(f"Parameter {name} must be {wanted}, got {value!r}.")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def positive_int(name: str, value: object) -> int:
    """`value` if it is an integer ≥ 1 (not a bool, a float or a string), else ValueError."""
    _require(_is_int(value) and value >= 1, name, value, "an integer ≥ 1")
    return value  # type: ignore[return-value]


def check_seeds(seeds: object) -> tuple[int, ...]:
    """`seeds` as a tuple: an integer n ≥ 1 means seeds 0..n−1; a list must hold distinct integers ≥ 0."""
    if isinstance(seeds, str):  # papermill's -p passes "[0, 2]" as a string; -y passes YAML, a list
        raise ValueError(
            f"Parameter seeds must be a number of seeds ≥ 1 or a list of distinct integer seeds ≥ 0, got the string "
            f'{seeds!r} (for a list use -y "seeds: {seeds}", e.g. -y "seeds: [0, 2]"; for a count -p seeds 3).'
        )
    if _is_int(seeds):
        _require(seeds >= 1, "seeds", seeds, "a number of seeds ≥ 1 or a list of distinct seeds ≥ 0")
        return tuple(range(seeds))  # type: ignore[arg-type]
    ok = isinstance(seeds, list | tuple) and len(seeds) > 0 and all(_is_int(s) and s >= 0 for s in seeds)
    _require(ok, "seeds", seeds, "a number of seeds ≥ 1 or a non-empty list of distinct integer seeds ≥ 0")
    duplicates = sorted({s for s in seeds if list(seeds).count(s) > 1})  # type: ignore[union-attr]
    _require(not duplicates, "seeds", seeds, f"distinct seeds (repeated: {duplicates})")
    return tuple(seeds)  # type: ignore[arg-type]


def check_methods(methods: object, valid: Iterable[str]) -> tuple[str, ...]:
    """`methods` as a tuple: a non-empty list of known method names, each once."""
    valid = tuple(valid)
    names = "Valid methods: " + ", ".join(valid) + "."
    if isinstance(methods, str):
        raise ValueError(
            f"Parameter methods must be a list of method names, got the string {methods!r} "
            f'(use -y "methods: [{methods}]"). {names}'
        )
    if not isinstance(methods, list | tuple) or not methods:
        raise ValueError(f"Parameter methods must be a list of at least one method name, got {methods!r}. {names}")
    unknown = [m for m in methods if m not in valid]
    if unknown:
        raise ValueError(f"Unknown method(s) {unknown}. {names}")
    repeated = sorted({m for m in methods if list(methods).count(m) > 1})
    if repeated:
        raise ValueError(f"Method(s) {repeated} given more than once. {names}")
    return tuple(methods)


def check_extractor(extractor: object, dataset: str) -> str:
    """An extractor name for `dataset`: "inception-v3-fid", "classifier:<dataset>" (the classifier
    trained on whatever data set the notebook loads) or "classifier:<that data set's name>"."""
    from replication.metrics.features import EXTRACTOR_NAMES

    valid = f"Valid extractors: {', '.join(EXTRACTOR_NAMES)} (or classifier:{dataset})."
    if not isinstance(extractor, str) or not (extractor == "inception-v3-fid" or extractor.startswith("classifier:")):
        raise ValueError(f"Unknown feature extractor {extractor!r}. {valid}")
    trained_on = extractor.split(":", 1)[1] if extractor.startswith("classifier:") else None
    if trained_on not in (None, "<dataset>", dataset):
        raise ValueError(
            f"extractor {extractor} is trained on {trained_on!r} but the data set is {dataset!r}: use "
            f"classifier:<dataset> (or leave extractor unset). {valid}"
        )
    return extractor


def resolve_extractor(extractor: str, data_name: str) -> str:
    """The extractor's concrete name: "classifier:<dataset>" → "classifier:<the loaded data's name>"."""
    return extractor.replace("<dataset>", data_name)
