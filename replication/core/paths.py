"""Where things live on disk: data, runs (checkpoints), caches and results.

Every location can be moved with an environment variable, so notebooks never depend on the
working directory (papermill, nbval and jupyter-book each run them from a different one).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]


def repo_root() -> Path:
    """The checkout this package lives in, or the working directory for a plain install."""
    candidate = PACKAGE_DIR.parent
    if (candidate / "pyproject.toml").exists():
        return candidate
    return Path.cwd()


def _env_path(variable: str, default: Path) -> Path:
    value = os.environ.get(variable)
    return Path(value).expanduser() if value else default


def data_root() -> Path:
    """Downloaded data sets (`REPLICATION_DATA_ROOT`, default ~/.cache/replication/data)."""
    return _env_path("REPLICATION_DATA_ROOT", Path.home() / ".cache" / "replication" / "data")


def cache_root() -> Path:
    """Cached evaluator classifiers and real-data features (`REPLICATION_CACHE`)."""
    return _env_path("REPLICATION_CACHE", repo_root() / ".cache")


def runs_root() -> Path:
    """Training checkpoints and loss histories (`REPLICATION_RUNS`, default <repo>/runs)."""
    return _env_path("REPLICATION_RUNS", repo_root() / "runs")


def results_root() -> Path:
    """Results JSON files (`REPLICATION_RESULTS`, default <repo>/results)."""
    return _env_path("REPLICATION_RESULTS", repo_root() / "results")
