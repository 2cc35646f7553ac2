"""Tiny percent-format table notebooks for the runner tests: a parameters cell and a body."""

from __future__ import annotations

from pathlib import Path

HEADER = '# %% tags=["parameters"]\nprofile = "auto"\nprogress = True\n\n# %%\n'
WRITES_RESULTS = HEADER + (
    "from replication.run import results\n"
    'rows = [{"method": "A", "metric": "FID", "mean": 1.0, "std": 0.0, "n": 1, "values": [1.0], "seeds": [0]}]\n'
    'prov = {k: "x" for k in results.PROVENANCE_KEYS}\n'
    'results.save("fake_table", profile, rows, {"reference": "none"}, [], prov)\n'
)


def write_notebook(root: Path, source: str, name: str = "table") -> Path:
    """`root/notebooks/fake/<name>.py` holding `source`, as the runner finds table notebooks."""
    notebook = root / "notebooks" / "fake" / f"{name}.py"
    notebook.parent.mkdir(parents=True, exist_ok=True)
    notebook.write_text(source)
    return notebook
