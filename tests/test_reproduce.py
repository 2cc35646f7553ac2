"""The "Reproduce this page" box: generated from each notebook's own parameters cell."""

from __future__ import annotations

from pathlib import Path

import pytest

from replication.book.notebook_source import declared_parameters
from replication.book.reproduce import PROFILES, notebook_parameters, reproduce_markdown

REPO = Path(__file__).resolve().parents[1]
TABLE_NOTEBOOKS = sorted(p.relative_to(REPO).as_posix() for p in REPO.glob("notebooks/*/*.py"))
PAGES = sorted(p.relative_to(REPO).as_posix() for p in REPO.glob("book/**/*.py"))


@pytest.mark.parametrize("notebook", TABLE_NOTEBOOKS + PAGES)
def test_the_parameters_cell_and_check_parameters_declare_the_same_names(notebook):
    names = [p.name for p in notebook_parameters(notebook, REPO)]
    assert sorted(names) == sorted(declared_parameters((REPO / notebook).read_text()))
    assert all(p.help for p in notebook_parameters(notebook, REPO)), "every parameter needs a `# meaning` comment"


@pytest.mark.parametrize("notebook", TABLE_NOTEBOOKS)
def test_every_table_notebook_ends_with_its_own_reproduce_box(notebook):
    source = (REPO / notebook).read_text()
    assert source.rstrip().endswith(f'page.show_reproduce("{notebook}")')
    assert "## Reproduce this page" in source


def test_the_box_lists_commands_at_every_profile_and_each_parameter_with_its_meaning():
    text = reproduce_markdown("notebooks/contragan/table1_conditioning.py", REPO)
    assert ".venv/bin/jupytext --to ipynb --set-kernel python3 notebooks/contragan/table1_conditioning.py" in text
    for profile in PROFILES:
        assert (
            f".venv/bin/papermill notebooks/contragan/table1_conditioning.ipynb out-{profile}.ipynb -p profile {profile}"
            in text
        )
        assert f"--profile {profile} --only notebooks/contragan/table1_conditioning.py" in text
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == [
        p.name for p in notebook_parameters("notebooks/contragan/table1_conditioning.py", REPO)
    ]
    methods = next(row for row in rows if row.startswith("| `methods`"))
    assert "Optional\\[list\\]" in methods and "the profile's methods" in methods
    profile = next(row for row in rows if row.startswith("| `profile`"))
    assert "smoke \\| cpu" in profile  # pipes inside a cell are escaped
    dataset = next(row for row in rows if row.startswith("| `dataset`"))
    assert "imagefolder:&lt;path&gt;" in dataset  # no raw HTML tag
    assert all(row.count("|") - row.count("\\|") == 5 for row in rows)


def test_the_runner_selects_exactly_the_notebook_the_box_names(tmp_path):
    from replication.book.runner import table_notebooks

    for notebook in TABLE_NOTEBOOKS:
        selected = [p for p in table_notebooks(REPO) if p.relative_to(REPO).as_posix().startswith(notebook)]
        assert len(selected) == 1
