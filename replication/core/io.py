"""Atomic file writes and checksums: a crash never leaves a half-written result or checkpoint.

Every file is written into a temporary file in the same folder, flushed to disk and renamed over
its target, so a reader sees the old file or the new one, never a mix. Files get the mode the
user's umask gives (0o666 & ~umask), like any file a program creates.

Torch files written by `save_torch_checked` carry their own checksum: one text line

    replication-checked-torch v1 sha256=<64 hex digits of the payload>\\n

followed by the `torch.save` payload. File and checksum are therefore replaced by one rename, so a
kill at any moment or a reader during a save cannot see a file that disagrees with its checksum.
Read them with `load_torch_checked` (plain `torch.load` does not know the header). Files from older
versions (a plain torch file plus a `<name>.sha256` sidecar, bare hex or `sha256sum` format) are
still read.

With `keep_previous=True` (training checkpoints) the file being replaced is kept as
`<name>.prev`, and `load_torch_recovering` falls back to it, with a warning, when the
newest file is truly corrupt.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import shutil
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

MAGIC = b"replication-checked-torch v1 sha256="
_HEADER_LEN = len(MAGIC) + 64 + 1  # magic, hex digest, newline


def sha256_file(path: Path, chunk_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable (best effort: not every platform can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _create_temp(path: Path) -> tuple[int, Path]:
    """A new temp file beside `path`, created with mode 0o666 so that the umask applies."""
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue


def _write_temp(path: Path, write) -> Path:
    """Write through `write(handle)` into a flushed, fsynced temp file beside `path`; return its path."""
    fd, tmp = _create_temp(path)
    try:
        with os.fdopen(fd, "w+b") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _atomic_replace(path: Path, write) -> None:
    """Write through `write(handle)` into a temp file in the same folder, then rename over `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _write_temp(path, write)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def write_json_atomic(path: Path, payload: Any) -> None:
    text = json.dumps(payload, indent=2, sort_keys=False, allow_nan=False) + "\n"
    _atomic_replace(path, lambda handle: handle.write(text.encode("utf-8")))


def write_text_atomic(path: Path, text: str) -> None:
    _atomic_replace(path, lambda handle: handle.write(text.encode("utf-8")))


class CorruptFileError(RuntimeError):
    """A checkpoint or cache file does not match its checksum."""


class CheckpointFallbackWarning(UserWarning):
    """The newest checkpoint was unusable; an older good one is used instead."""


def previous_path(path: Path) -> Path:
    """Where `save_torch_checked(..., keep_previous=True)` keeps the file it replaced."""
    path = Path(path)
    return path.with_name(path.name + ".prev")


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


class _HashingWriter:
    """Forwards writes to a file and hashes them (all `torch.save` needs is write and flush)."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def write(self, data) -> int:
        self.digest.update(data)
        return self.handle.write(data)

    def flush(self) -> None:
        self.handle.flush()


def _write_checked(obj: Any, handle) -> None:
    handle.write(MAGIC + b"0" * 64 + b"\n")
    writer = _HashingWriter(handle)
    torch.save(obj, writer)
    handle.seek(len(MAGIC))
    handle.write(writer.digest.hexdigest().encode("ascii"))
    handle.seek(0, os.SEEK_END)


def _is_checked_format(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def _keep_as_previous(path: Path) -> None:
    """Make `path`'s current content the `.prev` file, in one rename; `path` itself stays in place."""
    prev = previous_path(path)
    if not _is_checked_format(path) and _sidecar(path).exists():  # an old-format file keeps its checksum
        expected = (_sidecar(path).read_text().split() or ["(empty)"])[0]
        write_text_atomic(_sidecar(prev), f"{expected}  {prev.name}\n")
    else:
        _sidecar(prev).unlink(missing_ok=True)
    while True:
        tmp = prev.with_name(f".{prev.name}.{secrets.token_hex(6)}.tmp")
        try:
            os.link(path, tmp)  # a second name for the same file: no copy, no moment without `path`
            break
        except FileExistsError:
            continue
        except OSError:  # file systems without hard links
            with open(path, "rb") as source:
                tmp = _write_temp(prev, lambda handle: shutil.copyfileobj(source, handle))
            break
    try:
        os.replace(tmp, prev)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def remove_stale_temps(path: Path) -> list[Path]:
    """Delete temp files that a killed save of `path` (or of its previous save) left behind.

    Only call this while no other process can be saving `path` (e.g. under the run lock).
    """
    path = Path(path)
    stale = []
    for name in (path.name, previous_path(path).name):
        stale += path.parent.glob(f".{name}.*.tmp")
    for tmp in stale:
        tmp.unlink(missing_ok=True)
    return stale


def save_torch_checked(path: Path, obj: Any, keep_previous: bool = False) -> None:
    """torch.save atomically, the payload's sha256 in the same file (checked by `load_torch_checked`).

    `keep_previous` keeps the file being replaced as `previous_path(path)`: a fallback for
    `load_torch_recovering`. The new file is complete on disk before anything is renamed.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _write_temp(path, lambda handle: _write_checked(obj, handle))
    try:
        if keep_previous and path.exists():
            _keep_as_previous(path)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sidecar(path).unlink(missing_ok=True)  # an old-format sidecar would now be stale
    _fsync_dir(path.parent)


def _read_verified(path: Path) -> bytes:
    """The torch payload of `path` once its checksum matched; CorruptFileError otherwise."""
    with open(path, "rb") as handle:
        header = handle.read(_HEADER_LEN)
        if header.startswith(MAGIC):
            expected = header[len(MAGIC) : len(MAGIC) + 64].decode("ascii", errors="replace")
            payload = handle.read()
            if len(header) < _HEADER_LEN or header[-1:] != b"\n":
                raise CorruptFileError(f"{path} is corrupt: its checksum header is truncated.")
        else:  # older versions: a plain torch file and a `<name>.sha256` sidecar
            payload = header + handle.read()
            sidecar = _sidecar(path)
            try:
                words = sidecar.read_text().split()
            except FileNotFoundError:
                raise CorruptFileError(f"{path} has no checksum (neither a header nor {sidecar.name})") from None
            expected = words[0] if words else ""
    actual = sha256_bytes(payload)
    if actual != expected:
        raise CorruptFileError(f"{path} is corrupt (sha256 {actual[:12]}… != recorded {expected[:12]}…)")
    return payload


def load_torch_checked(path: Path, map_location: str | torch.device = "cpu") -> Any:
    """Verify the checksum, then `torch.load(weights_only=True)` the very bytes that were verified.

    Raises CorruptFileError on a mismatch. The files this is used for besides checkpoints (classifier
    and feature caches) are recomputed when deleted.
    """
    payload = _read_verified(Path(path))
    return torch.load(io.BytesIO(payload), map_location=map_location, weights_only=True)


def load_torch_recovering(
    path: Path, map_location: str | torch.device = "cpu", describe: Callable[[Any], str] | None = None
) -> tuple[Any, Path]:
    """Load `path`, or its previous save when `path` is corrupt or missing; return (object, file used).

    Falling back warns (CheckpointFallbackWarning; `describe(obj)`, e.g. " (step 400)", names what
    was loaded). When neither loads, CorruptFileError says why for each file; nothing is deleted.
    """
    path = Path(path)
    problems = []
    for candidate in (path, previous_path(path)):
        try:
            obj = load_torch_checked(candidate, map_location)
        except FileNotFoundError:
            problems.append(f"{candidate} is missing")
            continue
        except CorruptFileError as error:
            problems.append(str(error))
            continue
        if candidate != path:
            what = describe(obj) if describe else ""
            warnings.warn(
                f"{'; '.join(problems)}; using the previous save {candidate.name}{what} instead.",
                CheckpointFallbackWarning,
                stacklevel=2,
            )
        return obj, candidate
    raise CorruptFileError("; ".join(problems) + ".")
