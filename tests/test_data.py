import io
import zipfile

import numpy as np
import pytest
import torch
from PIL import Image

from replication.data.images import DatasetNotFoundError, load_dataset, stratified_split


def test_mnist5k_shapes_ranges_and_split(mnist5k):
    assert mnist5k.train_x.shape == (4000, 1, 32, 32) and mnist5k.test_x.shape == (1000, 1, 32, 32)
    assert mnist5k.train_x.dtype == torch.float32
    assert mnist5k.train_x.min() == -1.0 and mnist5k.train_x.max() == 1.0
    assert mnist5k.num_classes == 10
    # stratified: every class has 400 train and 100 held-out images
    assert torch.bincount(mnist5k.train_y).tolist() == [400] * 10
    assert torch.bincount(mnist5k.test_y).tolist() == [100] * 10
    # the 2-px padding is background
    assert torch.all(mnist5k.train_x[:, :, :2, :] == -1.0)


def test_offline_split_is_deterministic_and_disjoint(mnist5k):
    again = load_dataset("mnist5k")
    assert again.checksum == mnist5k.checksum
    assert torch.equal(again.train_x, mnist5k.train_x) and torch.equal(again.test_y, mnist5k.test_y)
    train_idx, held_idx = stratified_split(np.repeat(np.arange(3), 10), 0.2, seed=0)
    assert len(set(train_idx) & set(held_idx)) == 0 and len(train_idx) + len(held_idx) == 30


def test_digits_and_resizing():
    digits = load_dataset("digits")
    assert digits.train_x.shape[1:] == (1, 8, 8) and digits.num_classes == 10
    assert len(digits.train_x) + len(digits.test_x) == 1797
    resized = load_dataset("digits", image_size=32)
    assert resized.train_x.shape[1:] == (1, 32, 32)
    assert resized.train_x.min() >= -1 and resized.train_x.max() <= 1


def test_unknown_dataset_lists_the_valid_names():
    with pytest.raises(ValueError) as error:
        load_dataset("mnist60k")
    assert "mnist5k" in str(error.value) and "cifar10" in str(error.value) and "imagefolder" in str(error.value)


def test_missing_cifar10_names_the_download_command(tmp_path):
    with pytest.raises(DatasetNotFoundError) as error:
        load_dataset("cifar10", root=tmp_path)
    assert "python data_scripts/download.py cifar10" in str(error.value)


def _png(value: int, mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (4, 4), color=(value, value, value) if mode == "RGB" else value).save(buffer, format="PNG")
    return buffer.getvalue()


def test_imagefolder_reads_a_zip_and_a_folder_alike(tmp_path):
    archive = tmp_path / "set.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for split, count in (("train", 3), ("test", 1)):
            for label, value in (("cat", 0), ("dog", 255)):
                for i in range(count):
                    zf.writestr(f"top/{split}/{label}/{i}.png", _png(value))
    data = load_dataset(f"imagefolder:{archive}")
    assert data.class_names == ["cat", "dog"]
    assert data.train_x.shape == (6, 3, 4, 4) and data.test_x.shape == (2, 3, 4, 4)
    assert torch.all(data.train_x[data.train_y == 0] == -1) and torch.all(data.train_x[data.train_y == 1] == 1)

    folder = tmp_path / "folder"
    zipfile.ZipFile(archive).extractall(folder)
    same = load_dataset(f"imagefolder:{folder / 'top'}")
    assert same.checksum == data.checksum and torch.equal(same.train_x, data.train_x)


def test_a_set_loaded_at_another_size_has_another_checksum(tmp_path):
    # the cached evaluator classifiers and real-image features are keyed by the checksum: a set read at 64 and at
    # 128 px (CVAE-GAN's gpu and paper profiles) must not share them (the dress rehearsal loaded a 128-px
    # classifier into the 64-px one)
    archive = tmp_path / "set.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for split in ("train", "test"):
            for label, value in (("cat", 0), ("dog", 255)):
                zf.writestr(f"top/{split}/{label}/0.png", _png(value))
    native, small, large = (load_dataset(f"imagefolder:{archive}", image_size=size) for size in (None, 8, 16))
    assert small.train_x.shape[-1] == 8 and large.train_x.shape[-1] == 16
    assert len({native.checksum, small.checksum, large.checksum}) == 3
    assert load_dataset(f"imagefolder:{archive}", image_size=8).checksum == small.checksum  # and stays stable
    digits = load_dataset("mnist5k")
    assert load_dataset("mnist5k", image_size=digits.image_shape[-1]).checksum == digits.checksum  # no resize
    assert load_dataset("mnist5k", image_size=16).checksum != digits.checksum


def test_imagefolder_errors_are_clear(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="does not exist"):
        load_dataset(f"imagefolder:{tmp_path / 'nothing'}")
    (tmp_path / "only" / "train" / "a").mkdir(parents=True)
    (tmp_path / "only" / "train" / "a" / "x.png").write_bytes(_png(3, "L"))
    with pytest.raises(DatasetNotFoundError, match="test/<class>"):
        load_dataset(f"imagefolder:{tmp_path / 'only'}")
