"""Packed image sets (replication.data.packed): ImageNet-sized data read a batch at a time from a uint8
memory map, never held in memory. A tiny ILSVRC-like folder stands in for the real one."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from data_scripts import download as dl
from data_scripts import prepare
from replication.data.images import BatchSampler, DatasetNotFoundError, load_dataset, packed

WNIDS = ("n01440764", "n01443537", "n01484850")


def _ilsvrc(folder: Path) -> Path:
    """train/<wnid>/: 3 images per class, val/<wnid>/: 1; non-square, each a different colour."""
    for split, count in (("train", 3), ("val", 1)):
        for k, wnid in enumerate(WNIDS):
            (folder / split / wnid).mkdir(parents=True, exist_ok=True)
            for i in range(count):
                image = Image.new("RGB", (20 + 4 * i, 14), (80 * k, 60 * i, 30))
                image.putpixel((10 + 2 * i, 7), (255, 255, 255))  # a mark the centre crop keeps
                image.save(folder / split / wnid / f"{wnid}_{i}.JPEG", quality=100)
    return folder


@pytest.fixture
def packed_imagenet(tmp_path, monkeypatch):
    monkeypatch.setenv("REPLICATION_DATA_ROOT", str(tmp_path))
    source = _ilsvrc(tmp_path / "ilsvrc")
    assert dl.main(["imagenet", "--from-dir", str(source), "--size", "8", "--data-root", str(tmp_path)]) == 0
    return source, tmp_path / "imagenet8"


def test_a_packed_set_loads_lazily_with_the_pixels_of_its_images(packed_imagenet):
    source, folder = packed_imagenet
    data = load_dataset("imagenet", image_size=8, min_classes=2)
    assert isinstance(data.train_x, packed.PackedImages) and isinstance(data.test_x, packed.PackedImages)
    assert data.name == "imagenet" and data.class_names == list(WNIDS) and data.image_shape == (3, 8, 8)
    assert len(data.train_x) == 9 and len(data.test_x) == 3
    assert data.train_y.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2] and data.test_y.tolist() == [0, 1, 2]
    # image 4 = class 1, file 1: centre square of a 24×14 image, resized to 8×8, mapped to [-1, 1]
    expected = prepare._square_pixels(source / "train" / WNIDS[1] / f"{WNIDS[1]}_1.JPEG", 8)
    assert torch.allclose(data.train_x[4], torch.from_numpy(expected.astype(np.float32) / 127.5 - 1))
    batch = data.train_x[torch.tensor([4, 0, 4])]
    assert batch.shape == (3, 3, 8, 8) and batch.dtype == torch.float32 and torch.equal(batch[0], batch[2])
    assert data.train_x[2:5].shape == (3, 3, 8, 8) and -1 <= float(batch.min()) and float(batch.max()) <= 1
    moved = data.to("cpu")
    assert moved.train_x is data.train_x  # a packed set stays where it is; batches move
    assert json.loads((folder / packed.MANIFEST).read_text())["counts"] == {"train": 9, "test": 3}


def test_the_batch_sampler_draws_the_same_batches_from_a_packed_and_an_in_memory_copy(packed_imagenet):
    data = load_dataset("imagenet", image_size=8)
    in_memory = data.train_x[torch.arange(len(data.train_x))]
    torch.manual_seed(3)
    x_packed, y_packed = BatchSampler(data.train_x, data.train_y, 4)()
    torch.manual_seed(3)
    x_memory, y_memory = BatchSampler(in_memory, data.train_y, 4)()
    assert torch.equal(x_packed, x_memory) and torch.equal(y_packed, y_memory)


def test_a_packed_set_pickles_by_path_not_by_pixels(packed_imagenet):
    data = load_dataset("imagenet", image_size=8)
    _ = data.train_x[0]  # mapped
    clone = pickle.loads(pickle.dumps(data.train_x))
    assert len(pickle.dumps(data.train_x)) < 1000 and torch.equal(clone[0:9], data.train_x[0:9])


def test_an_unfinished_truncated_or_corrupt_pack_is_caught(packed_imagenet):
    _, folder = packed_imagenet
    assert packed.verify(folder) == []
    pixels = folder / "train.npy"
    raw = bytearray(pixels.read_bytes())
    raw[-1] ^= 0xFF  # one flipped byte: same size, so loading cannot see it; verify can
    pixels.write_bytes(bytes(raw))
    assert packed.verify(folder) == ["train.npy"]
    pixels.write_bytes(bytes(raw[:-10]))
    with pytest.raises(DatasetNotFoundError, match="wrong size"):
        load_dataset("imagenet", image_size=8)
    (folder / packed.MANIFEST).unlink()
    with pytest.raises(DatasetNotFoundError, match="did not finish"):
        load_dataset("imagenet", image_size=8)


def test_packing_with_worker_processes_writes_the_same_files(tmp_path):
    source = _ilsvrc(tmp_path / "ilsvrc")
    one = prepare.pack_imagenet(source, tmp_path / "one", 8, workers=1)
    two = prepare.pack_imagenet(source, tmp_path / "two", 8, workers=2)
    manifest = json.loads((one / packed.MANIFEST).read_text())
    assert manifest == json.loads((two / packed.MANIFEST).read_text())
