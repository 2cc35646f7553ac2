"""The committed reference build and the per-notebook up-to-date key.

A notebook's key covers its source, its parameters and the `replication` modules it imports
(transitively), not the whole package; the committed reference (`book/reference/<profile>/` +
`results/<profile>/`) must match the current code, which `test_the_committed_reference_is_current`
checks by comparing keys (never numbers)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from fake_notebooks import HEADER, WRITES_RESULTS, write_notebook

from replication.book import runner
from replication.book.deps import module_closure, notebook_modules
from replication.book.runner import (
    KEY_FIELD,
    REFERENCE_DIR,
    reference_copy,
    reference_problems,
    run_all,
    save_reference,
    source_key,
    table_parameters,
)
from replication.core.paths import PACKAGE_DIR

REPO = Path(__file__).resolve().parents[1]


def assert_reference_current(root: Path, results_base: Path | None = None) -> None:
    """Every committed reference notebook under `root` carries the key computed from the current tree."""
    problems = reference_problems(root, results_base)
    assert not problems, "stale reference (refresh: make book PROFILE=cpu && make reference):\n" + "\n".join(
        f"  {name}: {reason}" for name, reason in problems
    )


def test_the_committed_reference_is_current():
    if not list((REPO / REFERENCE_DIR).glob("*/notebooks/**/*.ipynb")):
        pytest.skip(
            "no reference build committed yet (book/reference/<profile>/): "
            "`make book PROFILE=cpu && make reference` writes one"
        )
    assert_reference_current(REPO)


def test_every_committed_verdict_carries_its_regime_check():
    """The regime issue's rule, on the committed reference: no verdict without a precondition check,
    and none reads holds / does not hold / inconclusive while one of its checks failed."""
    profiles = (
        [p.name for p in (REPO / REFERENCE_DIR).iterdir() if p.is_dir()] if (REPO / REFERENCE_DIR).is_dir() else []
    )
    files = sorted(f for profile in profiles for f in (REPO / "results" / profile).glob("*.json"))
    verdicts = [
        (f.relative_to(REPO).as_posix(), v) for f in files for v in json.loads(f.read_text()).get("verdicts", [])
    ]
    if not verdicts:
        pytest.skip("no committed results yet")
    unchecked = [f"{name}: {v['claim']}" for name, v in verdicts if not v.get("regime")]
    assert not unchecked, "verdicts without a regime check:\n" + "\n".join(unchecked)
    failed_but_judged = [
        f"{name}: {v['claim']}"
        for name, v in verdicts
        if not all(c["met"] for c in v["regime"]) and v["verdict"] != "not tested"
    ]
    assert not failed_but_judged


# --- the key -----------------------------------------------------------------------------------------

FAKE_PACKAGE = {
    "__init__.py": '"""fake package"""\n',
    "stats.py": "from replication.numbers import ONE\n\ndef mean(x):\n    return sum(x) / len(x) * ONE\n",
    "numbers.py": "ONE = 1\n",
    "plots.py": "import matplotlib\n",
    "book.py": "from . import stats\n",
    "results.py": "import json\n",
    "configs/__init__.py": (
        "import importlib\n\ndef load(name):\n    return importlib.import_module(f'replication.configs.{name}')\n"
    ),
    "configs/a.py": "A = 1\n",
}


@pytest.fixture
def fake_package(tmp_path) -> Path:
    package = tmp_path / "pkg" / "replication"
    for name, text in FAKE_PACKAGE.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text)
    return package


def _names(paths: list[Path], package: Path) -> set[str]:
    return {p.relative_to(package).as_posix() for p in paths}


def test_a_notebook_importing_stats_depends_on_stats_and_what_it_imports_only(tmp_path, fake_package):
    notebook = write_notebook(tmp_path, HEADER + "from replication import stats\n")
    assert _names(notebook_modules(notebook, fake_package), fake_package) == {
        "__init__.py",
        "stats.py",
        "numbers.py",
    }
    parameters = table_parameters("smoke")
    key = source_key(notebook, parameters, fake_package)
    (fake_package / "plots.py").write_text("import matplotlib  # changed\n")
    (fake_package / "configs" / "a.py").write_text("A = 2\n")
    assert source_key(notebook, parameters, fake_package) == key  # not imported: still up to date
    for changed in ("stats.py", "numbers.py", "__init__.py"):  # the module, what it imports, its package
        before = (fake_package / changed).read_text()
        (fake_package / changed).write_text(before + "# changed\n")
        assert source_key(notebook, parameters, fake_package) != key, changed
        (fake_package / changed).write_text(before)
        assert source_key(notebook, parameters, fake_package) == key
    assert source_key(notebook, table_parameters("cpu"), fake_package) != key  # parameters count
    notebook.write_text(notebook.read_text() + "x = 1\n")
    assert source_key(notebook, parameters, fake_package) != key  # and its own source


def test_from_replication_import_names_submodules_relative_and_dynamic_imports(tmp_path, fake_package):
    two = write_notebook(tmp_path, HEADER + "from replication import book, results\n", "two")
    assert _names(notebook_modules(two, fake_package), fake_package) == {
        "__init__.py",
        "book.py",
        "results.py",
        "stats.py",  # book.py: `from . import stats`
        "numbers.py",
    }
    dynamic = write_notebook(tmp_path, HEADER + "def f():\n    import replication.configs as c\n", "dynamic")
    assert _names(notebook_modules(dynamic, fake_package), fake_package) == {
        "__init__.py",
        "configs/__init__.py",
        "configs/a.py",  # import_module(f"replication.configs.{name}")
    }
    assert notebook_modules(write_notebook(tmp_path, HEADER + "import numpy\n", "none"), fake_package) == []


def test_the_real_package_stats_closure_leaves_plots_out():
    closure = _names(module_closure(["from replication.claims import stats"], PACKAGE_DIR), PACKAGE_DIR)
    assert "claims/stats.py" in closure and "book/plots.py" not in closure
    msgan = _names(notebook_modules(REPO / "notebooks/msgan/table1_labels.py", PACKAGE_DIR), PACKAGE_DIR)
    assert {"experiments/msgan.py", "claims/stats.py", "book/page.py", "run/experiment.py"} <= msgan
    assert "experiments/alpha_gan.py" not in msgan and "book/runner.py" not in msgan


@pytest.mark.parametrize("notebook", sorted((REPO / "notebooks").glob("*/*.py")), ids=lambda p: p.stem)
def test_a_table_notebook_depends_on_its_own_papers_configs_and_no_other(notebook):
    """Editing one paper's profiles re-runs that paper's notebooks only (configs/profiles.py imports the paper
    modules by a name built at run time); the notebook still covers its own config module, through its
    experiment module's import."""
    closure = _names(notebook_modules(notebook, PACKAGE_DIR), PACKAGE_DIR)
    paper = notebook.parent.name
    papers = {path.stem for path in (PACKAGE_DIR / "configs").glob("*.py")} - {"__init__", "parameters", "profiles"}
    assert paper in papers
    assert {f"configs/{paper}.py", "configs/profiles.py"} <= closure
    assert not {f"configs/{other}.py" for other in papers - {paper}} & closure
    assert "nets/contragan.py" not in closure or paper == "contragan"


def test_the_runner_reruns_a_stats_notebook_for_stats_not_for_plots(tmp_path, monkeypatch, capsys):
    package = tmp_path / "pkg" / "replication"  # a copy whose files the key reads; kernels import the real one
    shutil.copytree(PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(runner, "PACKAGE_DIR", package)
    root = tmp_path / "root"
    write_notebook(root, HEADER + "from replication.claims import stats\n")
    executed = root / "book" / "executed"
    assert run_all("smoke", executed, root)[0]["status"] == "ok"
    (package / "book" / "plots.py").write_text((package / "book" / "plots.py").read_text() + "# changed\n")
    run_all("smoke", executed, root)
    assert "[up to date] notebooks/fake/table.py" in capsys.readouterr().out
    (package / "claims" / "stats.py").write_text((package / "claims" / "stats.py").read_text() + "# changed\n")
    entries = run_all("smoke", executed, root)
    out = capsys.readouterr().out
    assert "[run] notebooks/fake/table.py" in out and "sources or parameters changed" in out
    assert entries[0]["status"] == "ok"


# --- the reference build -----------------------------------------------------------------------------


@pytest.fixture
def results_dir(tmp_path, monkeypatch):
    path = tmp_path / "results"
    monkeypatch.setenv("REPLICATION_RESULTS", str(path))  # the kernels inherit it
    return path


def test_save_reference_refuses_while_a_table_notebook_is_not_up_to_date(tmp_path, capsys):
    root = tmp_path / "root"
    write_notebook(root, WRITES_RESULTS)
    assert save_reference("smoke", root / "book" / "executed", root) == 1
    assert "not executed yet" in capsys.readouterr().out
    assert not (root / REFERENCE_DIR).exists()


def test_a_reference_is_used_while_current_and_reported_stale_after_a_code_change(tmp_path, results_dir, capsys):
    root = tmp_path / "root"
    notebook = write_notebook(root, WRITES_RESULTS)
    executed = root / "book" / "executed"
    assert run_all("smoke", executed, root)[0]["status"] == "ok"
    assert save_reference("smoke", executed, root) == 0
    reference = reference_copy(root, "smoke", notebook)
    assert reference == root / "book/reference/smoke/notebooks/fake/table.ipynb"
    kept = json.loads(reference.read_text())
    assert set(kept["metadata"]) <= {"kernelspec", "language_info", KEY_FIELD, runner.RESULTS_FIELD, runner.RUN_FIELD}
    assert kept["metadata"][runner.RESULTS_FIELD] == {
        "smoke/fake_table.json": runner.sha256_file(results_dir / "smoke/fake_table.json")
    }
    assert all(set(cell["metadata"]) <= {"tags", "mystnb", "jupyter"} for cell in kept["cells"])
    assert str(tmp_path) not in json.dumps(kept["metadata"])  # papermill's absolute paths are gone
    # the results folder was elsewhere: its file was copied beside the reference, where it is committed
    assert (root / "results/smoke/fake_table.json").read_bytes() == (results_dir / "smoke/fake_table.json").read_bytes()
    assert_reference_current(root)
    capsys.readouterr()

    shutil.rmtree(executed)  # a fresh clone: nothing executed, the reference and its results committed
    entries = run_all("smoke", executed, root, reference_only=True)
    out = capsys.readouterr().out
    assert "[up to date] notebooks/fake/table.py (the committed reference book/reference/smoke/" in out
    assert entries[0]["status"] == "up to date" and entries[0]["source"] == "reference"
    assert "wall_time_s" in entries[0] and "date_utc" in entries[0]
    assert nbformat.read(executed / "notebooks/fake/table.ipynb", as_version=4).metadata[KEY_FIELD]

    notebook.write_text(notebook.read_text() + "x = 1  # the code changed, the reference was not refreshed\n")
    with pytest.raises(AssertionError, match="table.ipynb: sources or parameters changed"):
        assert_reference_current(root)
    shutil.rmtree(executed)
    entries = run_all("smoke", executed, root, reference_only=True)
    err = capsys.readouterr().err
    assert entries[0]["status"] == "failed" and "[stale] notebooks/fake/table.py" in err
    assert "make reference PROFILE=smoke" in entries[0]["error"]
    assert not (executed / "notebooks").exists()  # nothing was trained or executed


def test_a_reference_whose_results_file_changed_or_notebook_vanished_is_stale(tmp_path, results_dir):
    root = tmp_path / "root"
    notebook = write_notebook(root, WRITES_RESULTS)
    run_all("smoke", root / "book" / "executed", root)
    save_reference("smoke", root / "book" / "executed", root)
    committed = root / "results/smoke/fake_table.json"
    committed.write_text(committed.read_text().replace('"mean": 1.0', '"mean": 2.0'))
    assert reference_problems(root) == [
        (
            "book/reference/smoke/notebooks/fake/table.ipynb",
            "results file smoke/fake_table.json changed since it was written",
        )
    ]
    notebook.unlink()
    assert "no longer exists" in reference_problems(root)[0][1]
