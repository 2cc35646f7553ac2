"""Packed image sets: uint8 pixels in a .npy file on disk, read a batch at a time.

ImageNet at 128 px is 1.28 M × 3 × 128 × 128 bytes = 63 GB as uint8 (252 GB as float32): it cannot
sit in memory as the small sets do. `data_scripts/download.py imagenet --from-dir DIR --size 128`
packs it once into `<data root>/imagenet128/` (`pack_folder` below writes the layout);
`PackedImages` memory-maps the pixels, so the OS pages in only the images a batch touches, and
turns each batch into float32 in [-1, 1] like every other set. It stays on the host when the data
set is moved to a device (`ImageData.to`); `BatchSampler` moves each batch instead.

Layout of a packed folder: `train.npy`, `test.npy` (uint8 [N, C, S, S]), `train_labels.npy`,
`test_labels.npy` (int64 [N]), `classes.txt` (one class name a line, index order) and
`manifest.json` (shapes and the sha256 of every file, written last: a folder without it is an
unfinished pack).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import torch

MANIFEST = "manifest.json"
SPLITS = ("train", "test")


class PackedImages:
    """uint8 images [N, C, H, W] memory-mapped from a .npy file, indexed like a float tensor in [-1, 1]."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._pixels: np.ndarray | None = None
        self.shape = torch.Size(np.load(self.path, mmap_mode="r").shape)

    @property
    def pixels(self) -> np.ndarray:
        if self._pixels is None:  # opened on first use (and again in a worker process after pickling)
            self._pixels = np.load(self.path, mmap_mode="r")
        return self._pixels

    def __len__(self) -> int:
        return self.shape[0]

    @property
    def device(self) -> torch.device:
        return torch.device("cpu")

    def __getitem__(self, index) -> torch.Tensor:
        """Rows by int, slice or index tensor/array, as float32 in [-1, 1] on the CPU."""
        if isinstance(index, torch.Tensor):
            index = index.cpu().numpy()
        rows = np.asarray(self.pixels[index], dtype=np.float32)
        return torch.from_numpy(rows / 127.5 - 1.0)

    def to(self, device: str | torch.device) -> PackedImages:
        """Stays on the host (a batch moves, not the set)."""
        return self

    def cpu(self) -> PackedImages:
        return self

    def __getstate__(self) -> dict:
        return {"path": self.path, "shape": self.shape}  # never the mapped pixels

    def __setstate__(self, state: dict) -> None:
        self.path, self.shape, self._pixels = state["path"], state["shape"], None


def sha256_file(path: Path, chunk: int = 1 << 24) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(folder: Path) -> dict:
    """The manifest of a finished pack; a ValueError naming what is wrong otherwise."""
    manifest_path = folder / MANIFEST
    if not manifest_path.exists():
        raise ValueError(f"{folder} has no {MANIFEST}: the pack did not finish; pack it again")
    manifest = json.loads(manifest_path.read_text())
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.exists() or path.stat().st_size != expected["bytes"]:
            raise ValueError(f"{path} is missing or has the wrong size (a truncated copy?); pack it again")
    return manifest


def verify(folder: Path) -> list[str]:
    """The files of a pack whose sha256 differs from its manifest (an empty list: all intact)."""
    manifest = read_manifest(folder)
    return [name for name, expected in manifest["files"].items() if sha256_file(folder / name) != expected["sha256"]]


def pack_folder(
    images: dict[str, list[tuple[Callable[[], np.ndarray], int]]],
    classes: list[str],
    target: Path,
    size: int,
    channels: int = 3,
    map_fn: Callable[[Callable, Iterable], Iterable] = map,
) -> Path:
    """Write a packed folder: `images[split]` is a list of (loader → uint8 [C, size, size], label).

    Each split is written into a .npy memmap image by image (`map_fn` may be a process pool's
    `imap`, in order), then the manifest with every file's sha256 — last, so an interrupted pack
    is never mistaken for a finished one. Returns `target`."""
    target.mkdir(parents=True, exist_ok=True)
    (target / MANIFEST).unlink(missing_ok=True)
    for split in SPLITS:
        entries = images[split]
        pixels = np.lib.format.open_memmap(
            target / f"{split}.npy", mode="w+", dtype=np.uint8, shape=(len(entries), channels, size, size)
        )
        for i, array in enumerate(map_fn(_call, [load for load, _ in entries])):
            pixels[i] = array
        pixels.flush()
        del pixels
        np.save(target / f"{split}_labels.npy", np.asarray([label for _, label in entries], dtype=np.int64))
    (target / "classes.txt").write_text("\n".join(classes) + "\n")
    names = [f"{s}.npy" for s in SPLITS] + [f"{s}_labels.npy" for s in SPLITS] + ["classes.txt"]
    files = {n: {"bytes": (target / n).stat().st_size, "sha256": sha256_file(target / n)} for n in names}
    manifest = {"size": size, "channels": channels, "counts": {s: len(images[s]) for s in SPLITS}, "files": files}
    partial = target / (MANIFEST + ".part")
    partial.write_text(json.dumps(manifest, indent=1))
    os.replace(partial, target / MANIFEST)
    return target


def _call(load: Callable[[], np.ndarray]) -> np.ndarray:
    return load()
