"""Notebook parameters and verdicts with missing pieces: a subset of methods, one seed, bad seeds,
steps or methods, unknown parameters, and the classifier extractor following an overridden data set."""

from __future__ import annotations

import ast
import json
import math
import re
import types
from pathlib import Path

import pytest

from replication.book import page
from replication.book.notebook_source import declared_parameters
from replication.claims.stats import (
    DOES_NOT_HOLD,
    HOLDS,
    INCONCLUSIVE,
    NOT_RUN,
    ONE_SEED,
    combine_verdicts,
    compare_paired,
)
from replication.configs.parameters import check_parameters
from replication.configs.profiles import get_profile
from replication.experiments import alpha_gan, contragan, cvae_gan, msgan
from replication.run import results
from replication.run.experiment import Runs

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*/*.py"))
PAGES = [p for p in sorted((REPO / "book").glob("**/*.py")) if 'tags=["parameters"]' in p.read_text()]


def _fake_metrics(methods, seeds, metric_names, offset=lambda i: 0.0):
    """method → seed → metric: distinct, deterministic values (method i is `offset(i)` higher)."""
    return {
        m: {s: {k: 10.0 + offset(i) + 0.1 * s + 0.01 * j for j, k in enumerate(metric_names)} for s in seeds}
        for i, m in enumerate(methods)
    }


# --- a subset of methods: every verdict function reports "not run" instead of a KeyError --------------------------


def test_contragan_table1_verdicts_with_a_subset_of_methods():
    methods = ["BigGAN + projection", "BigGAN + 2C"]
    config = get_profile(contragan.TABLE1, "smoke", methods=methods, seeds=3)
    metrics = _fake_metrics(methods, config.seeds, ["FID"], offset=lambda i: -5.0 * i)  # 2C lower by 5
    table = contragan.TableRun(config, Runs(metrics, {}), {})
    (verdict,) = contragan.verdicts_table1(table)
    parts = {p["method_a"]: p for p in verdict["parts"]}
    assert parts["BigGAN + ACGAN"]["verdict"] == NOT_RUN and parts["BigGAN + ACGAN"]["ci_low"] is None
    assert parts["BigGAN + ACGAN"]["n"] == 0
    assert parts["BigGAN + projection"]["verdict"] == HOLDS
    assert verdict["verdict"] == NOT_RUN  # a claim against two rivals, one never trained: not established
    json.dumps(verdict, allow_nan=False)  # storable


@pytest.mark.parametrize(
    ("module", "verdicts", "table_id", "run", "metric_names"),
    [
        (contragan, contragan.verdicts_table2, contragan.TABLE2, ["BigGAN", "ContraGAN"], ["FID"]),
        (contragan, contragan.verdicts_overfitting, contragan.OVERFITTING, ["2C"], [contragan.GAP_METRIC]),
        (msgan, msgan.verdicts, msgan.TABLE_ID, ["MSGAN"], list(msgan.METRICS)),
        (cvae_gan, cvae_gan.verdicts, cvae_gan.TABLE_ID, ["CGAN", "CVAE-GAN"], ["top-1", "realism"]),
        (alpha_gan, alpha_gan.verdicts, alpha_gan.TABLE_ID, ["alpha-GAN"], ["recon L1", "independent critic W"]),
    ],
)
def test_every_verdict_function_reports_missing_methods_as_not_run(module, verdicts, table_id, run, metric_names):
    config = get_profile(table_id, "smoke", seeds=3)
    metrics = _fake_metrics(run, config.seeds, [*metric_names, "MS-SSIM per class"])
    table = types.SimpleNamespace(config=config, metrics=metrics)
    out = verdicts(table)
    assert out and all(v["verdict"] in (HOLDS, DOES_NOT_HOLD, INCONCLUSIVE, NOT_RUN) for v in out)
    assert any(v["verdict"] == NOT_RUN for v in out)
    for v in out:
        for part in v["parts"]:
            missing = {part["method_a"], part["method_b"]} - set(run)
            assert (part["verdict"] == NOT_RUN) == bool(missing)
    json.dumps(out, allow_nan=False)


def test_combined_verdict_with_parts_not_run():
    assert combine_verdicts([NOT_RUN, NOT_RUN]) == NOT_RUN
    assert combine_verdicts([HOLDS, NOT_RUN]) == NOT_RUN
    assert combine_verdicts([INCONCLUSIVE, NOT_RUN]) == NOT_RUN
    assert combine_verdicts([DOES_NOT_HOLD, NOT_RUN]) == DOES_NOT_HOLD  # a run part already refutes the claim


# --- methods are validated before anything trains --------------------------------------------------------------


@pytest.mark.parametrize(
    ("methods", "message"),
    [
        ("BigGAN + 2C", "a list of method names"),
        (["BigGAN + 2C", "BigGAN + 2C"], "more than once"),
        (["BigGAN + hinge"], "Valid methods"),
        ([], "at least one"),
        ([3], "Valid methods"),
    ],
)
def test_bad_methods_are_rejected_with_the_valid_names(methods, message):
    with pytest.raises(ValueError, match=message) as error:
        get_profile(contragan.TABLE1, "smoke", methods=methods)
    assert "BigGAN + projection" in str(error.value)


def test_a_subset_of_methods_is_accepted():
    assert get_profile(contragan.TABLE1, "smoke", methods=["BigGAN + 2C"]).methods == ("BigGAN + 2C",)


# --- one seed saves, with an honest verdict; bad seeds are refused --------------------------------------------------


def test_one_seed_gives_an_inconclusive_verdict_without_an_interval_and_saves(tmp_path):
    part = compare_paired("NDB", "A", [1.0], "B", [0.0], "lower")
    assert part.verdict == ONE_SEED == "inconclusive (one seed)"
    assert part.ci_low is None and part.ci_high is None and part.n == 1
    assert combine_verdicts([ONE_SEED, ONE_SEED]) == ONE_SEED

    config = get_profile(msgan.TABLE_ID, "smoke", seeds=1)
    metrics = _fake_metrics(msgan.METHODS, config.seeds, list(msgan.METRICS))
    table = types.SimpleNamespace(config=config, metrics=metrics)
    verdicts = msgan.verdicts(table)
    assert verdicts[0]["verdict"] == ONE_SEED
    rows = results.seed_rows(metrics, msgan.METHODS, msgan.METRICS, config.seeds)
    provenance = {k: "x" for k in results.PROVENANCE_KEYS}
    path = results.save(msgan.TABLE_ID, "smoke", rows, {}, verdicts, provenance, root=tmp_path)
    saved = json.loads(path.read_text())
    assert saved["verdicts"][0]["parts"][0]["ci_low"] is None
    frame = page.verdict_frame(saved)
    assert set(frame["interval"]) == set(frame["p (t) → Holm"]) == set(frame["power (80 %)"]) == {"—"}


@pytest.mark.parametrize("seeds", [0, -1, 1.5, [0, 0], "abc", [], [1, -2], [0.5, 1], True])
def test_bad_seeds_are_rejected_up_front(seeds):
    with pytest.raises(ValueError, match="seeds"):
        get_profile(msgan.TABLE_ID, "smoke", seeds=seeds)


def test_seeds_given_as_a_string_name_the_yaml_option():
    with pytest.raises(ValueError, match=r'got the string \'\[0, 2\]\' \(for a list use -y "seeds: \[0, 2\]"'):
        get_profile(msgan.TABLE_ID, "smoke", seeds="[0, 2]")


def test_good_seeds_are_accepted():
    assert get_profile(msgan.TABLE_ID, "smoke", seeds=1).seeds == (0,)
    assert get_profile(msgan.TABLE_ID, "smoke", seeds=[3, 9]).seeds == (3, 9)


# --- steps and the other numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("steps", [0, -5, 2.5, "10", True])
def test_non_positive_or_non_integer_steps_are_rejected(steps):
    with pytest.raises(ValueError, match="steps"):
        get_profile(msgan.TABLE_ID, "smoke", steps=steps)


@pytest.mark.parametrize(
    ("name", "value"),
    [("gpus_per_run", 0), ("gpus_per_run", 1.5), ("progress", "no"), ("fast", "yes"), ("device", 3)],
)
def test_bad_run_options_are_rejected(name, value):
    namespace = {"profile": "smoke", "progress": True, "device": "auto", "gpus_per_run": 1, "fast": None}
    namespace[name] = value
    with pytest.raises(ValueError, match=name):
        check_parameters(namespace, declared=tuple(n for n in namespace))


# --- unknown parameters ------------------------------------------------------------------------------------------


def test_unknown_parameters_are_rejected_with_the_valid_names():
    injected = '# Parameters\nprofile = "smoke"\nstepz = 5\n'  # papermill's injected cell, as IPython's `In` holds it
    namespace = {"In": ["", "profile = 'auto'\nsteps = None", injected], "profile": "smoke", "steps": None, "stepz": 5}
    with pytest.raises(ValueError, match="stepz") as error:
        check_parameters(namespace, declared=("profile", "steps"))
    assert "Valid parameters: profile, steps" in str(error.value)
    # declared names pass; a global the notebook set itself (a rerun cell) is not a parameter
    namespace["In"][2] = '# Parameters\nprofile = "smoke"\nsteps = 3\n'
    check_parameters({**namespace, "profile_name": "smoke", "math": math}, declared=("profile", "steps"))
    check_parameters({"profile": "smoke"}, declared=("profile",))  # outside IPython: nothing injected


def _parameters_cell(path: Path) -> list[str]:
    cell = path.read_text().split('# %% tags=["parameters"]\n', 1)[1].split("\n# %%", 1)[0]
    names = []
    for node in ast.parse(cell).body:
        targets = [node.target] if isinstance(node, ast.AnnAssign) else getattr(node, "targets", [])
        names += [t.id for t in targets]
    return names


@pytest.mark.parametrize("path", NOTEBOOKS + PAGES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_notebook_checks_exactly_its_declared_parameters(path):
    cell = _parameters_cell(path)
    assert declared_parameters(path.read_text()) == cell
    text = path.read_text().split('# %% tags=["parameters"]\n', 1)[1].split("\n# %%", 1)[0]
    for line in text.strip().splitlines():  # typed (papermill --help-notebook shows it) and commented
        if not line or line.startswith("from typing import"):
            continue
        assert re.match(r"^\w+: [^=]+ = .+  # .+$", line), line


def test_papermill_stops_an_unknown_parameter_in_the_first_code_cell(tmp_path, monkeypatch):
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from replication.book.runner import to_ipynb

    monkeypatch.setenv("PYTHONPATH", str(REPO))
    monkeypatch.setenv("REPLICATION_RUNS", str(tmp_path / "runs"))
    source = tmp_path / "table1_labels.py"
    source.write_text((REPO / "notebooks/msgan/table1_labels.py").read_text())
    notebook = to_ipynb(source)
    with pytest.raises(PapermillExecutionError, match="stepz") as error:
        papermill.execute_notebook(
            str(notebook),
            str(tmp_path / "out.ipynb"),
            parameters={"profile": "smoke", "stepz": 5},
            kernel_name="python3",
            progress_bar=False,
        )
    assert "Valid parameters:" in str(error.value) and "steps" in str(error.value)
    executed = json.loads((tmp_path / "out.ipynb").read_text())
    code = [c for c in executed["cells"] if c["cell_type"] == "code"]
    tags = [c["metadata"].get("tags", []) for c in code]
    failed = next(i for i, c in enumerate(code) if any(o.get("output_type") == "error" for o in c.get("outputs", [])))
    assert "injected-parameters" in tags[failed - 1]  # the first code cell after papermill's injected cell
    assert not (tmp_path / "runs").exists()  # nothing trained


# --- the extractor follows an overridden data set ------------------------------------------------------------------


@pytest.mark.parametrize("table_id", [msgan.TABLE_ID, contragan.TABLE1, contragan.TABLE2, contragan.OVERFITTING])
def test_the_classifier_extractor_follows_an_overridden_data_set(table_id):
    assert get_profile(table_id, "smoke").extractor == "classifier:mnist5k"
    assert get_profile(table_id, "smoke", dataset="digits").extractor == "classifier:<dataset>"
    assert get_profile(table_id, "smoke", dataset="digits", extractor="classifier:digits").extractor == (
        "classifier:digits"
    )
    with pytest.raises(ValueError, match="classifier:<dataset>"):
        get_profile(table_id, "smoke", dataset="digits", extractor="classifier:mnist5k")
    with pytest.raises(ValueError, match="Valid"):
        get_profile(table_id, "smoke", extractor="vgg")
    assert get_profile(table_id, "gpu", dataset="imagefolder:/x").extractor == "inception-v3-fid"
