"""Every notebook source survives jupytext's strict round trip (.py → .ipynb → .py unchanged), so
saving it from JupyterLab (which writes it back through jupytext) does not rewrite it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCES = sorted(p.relative_to(REPO).as_posix() for p in [*REPO.glob("notebooks/*/*.py"), *REPO.glob("book/**/*.py")])
JUPYTEXT = Path(sys.executable).parent / "jupytext"


def test_there_are_notebook_sources():
    assert len(SOURCES) >= 8 and "book/summary.py" in SOURCES


@pytest.mark.parametrize("source", SOURCES)
def test_jupytext_round_trip_is_exact(source):
    run = subprocess.run(
        [str(JUPYTEXT), "--test-strict", "--to", "ipynb", source], cwd=REPO, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]


def test_jupyterlab_opens_percent_files_as_notebooks():
    import json

    overrides = json.loads((REPO / ".jupyter/labconfig/default_setting_overrides.json").read_text())
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers["python"] == "Jupytext Notebook"
