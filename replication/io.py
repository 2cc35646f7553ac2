"""Atomic file writes and checksums: a crash never leaves a half-written result or checkpoint."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import torch


def sha256_file(path: Path, chunk_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _atomic_replace(path: Path, write) -> None:
    """Write through `write(handle)` into a temp file in the same folder, then rename over `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise


def write_json_atomic(path: Path, payload: Any) -> None:
    text = json.dumps(payload, indent=2, sort_keys=False, allow_nan=False) + "\n"
    _atomic_replace(path, lambda handle: handle.write(text.encode("utf-8")))


def write_text_atomic(path: Path, text: str) -> None:
    _atomic_replace(path, lambda handle: handle.write(text.encode("utf-8")))


class CorruptFileError(RuntimeError):
    """A checkpoint or cache file does not match the checksum written beside it."""


def save_torch_checked(path: Path, obj: Any) -> None:
    """torch.save atomically and write `<path>.sha256` beside it (checked by `load_torch_checked`)."""
    path = Path(path)
    _atomic_replace(path, lambda handle: torch.save(obj, handle))
    write_text_atomic(path.with_name(path.name + ".sha256"), sha256_file(path) + "\n")


def load_torch_checked(path: Path, map_location: str | torch.device = "cpu") -> Any:
    """Verify the sha256 sidecar, then `torch.load(weights_only=True)`."""
    path = Path(path)
    sidecar = path.with_name(path.name + ".sha256")
    if not sidecar.exists():
        raise CorruptFileError(f"{path} has no checksum file {sidecar.name}; delete {path} to redo it.")
    expected = sidecar.read_text().strip()
    actual = sha256_file(path)
    if actual != expected:
        raise CorruptFileError(
            f"{path} is corrupt (sha256 {actual[:12]}… != recorded {expected[:12]}…); "
            f"delete it (and {sidecar.name}) to recompute it."
        )
    return torch.load(path, map_location=map_location, weights_only=True)
