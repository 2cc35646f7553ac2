"""Test isolation: every test writes runs, results and caches under a temporary folder, and no
test may open a network connection other than to this machine (papermill's kernels use loopback)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

_LOCAL = ("127.0.0.1", "::1", "localhost", "0.0.0.0")
_real_connect = socket.socket.connect


def _guarded_connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in _LOCAL:
        raise RuntimeError(f"tests must not touch the network (tried {address})")
    return _real_connect(self, address)


@pytest.fixture(autouse=True, scope="session")
def _no_network():
    socket.socket.connect = _guarded_connect
    yield
    socket.socket.connect = _real_connect


@pytest.fixture(autouse=True, scope="session")
def _isolated_dirs(tmp_path_factory):
    base = tmp_path_factory.mktemp("replication")
    patch = pytest.MonkeyPatch()
    for variable, name in (
        ("REPLICATION_RUNS", "runs"),
        ("REPLICATION_RESULTS", "results"),
        ("REPLICATION_CACHE", "cache"),
        ("REPLICATION_DATA_ROOT", "data"),
    ):
        patch.setenv(variable, str(base / name))
    yield base
    patch.undo()


@pytest.fixture(scope="session")
def mnist5k():
    from replication.data.images import load_dataset

    return load_dataset("mnist5k")


@pytest.fixture
def isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("REPLICATION_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _copy_sources(root: Path) -> None:
    ignore = shutil.ignore_patterns("executed", "*.ipynb", ".ipynb_checkpoints", "__pycache__")
    shutil.copytree(REPO / "notebooks", root / "notebooks", ignore=ignore)
    shutil.copytree(REPO / "book", root / "book", ignore=ignore)
    shutil.copy(REPO / "_config.yml", root / "_config.yml")


@pytest.fixture(scope="session")
def smoke_book(tmp_path_factory):
    root = tmp_path_factory.mktemp("book_root")
    _copy_sources(root)
    executed = root / "book" / "executed"
    from replication.book.runner import main as run_notebooks

    assert run_notebooks(["--profile", "smoke", "--root", str(root), "--out", str(executed)]) == 0
    build = subprocess.run(
        [
            str(BIN / "jupyter-book"),
            "build",
            str(root),
            "--toc",
            str(root / "book/_toc.yml"),
            "--config",
            str(root / "_config.yml"),
        ],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    return root
