"""Every data set `data_scripts/download.py --list` prepares is loadable by name: the prepared folders
under the data root (`PREPARED`), their messages when missing, and the offline ColorMNIST. MSGAN's
image-to-image sets are listed too, but loaded by `replication.data.image_pairs`, not `load_dataset`."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from data_scripts import download as dl
from replication.configs.profiles import get_profile
from replication.data.image_pairs import IMAGE_PAIR_SETS, OFFLINE_PAIR_SETS, PAIRED_NAMES, load_paired, load_unpaired
from replication.data.images import (
    COLORMNIST_SEEDS,
    DATASET_NAMES,
    DOWNLOADED_DATASETS,
    OFFLINE_DATASETS,
    PREPARED,
    DatasetNotFoundError,
    load_dataset,
)


def _png(colour: tuple[int, int, int], size: int = 8) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buffer, "PNG")
    return buffer.getvalue()


def _image_folder(folder: Path) -> Path:
    """train/: 2 images of each of the classes `a` and `b`; test/: 1 of each; 8×8 RGB PNGs."""
    for split, count in (("train", 2), ("test", 1)):
        for k, label in enumerate(("a", "b")):
            for i in range(count):
                out = folder / split / label / f"{i}.png"
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(_png((100 * k, 10 * i, 50)))
    return folder


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("REPLICATION_DATA_ROOT", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("name", sorted(set(PREPARED) - {"imagenet"}))  # imagenet: tests/test_packed.py
def test_each_prepared_set_loads_by_name_from_its_default_folder(root, name):
    _image_folder(root / PREPARED[name])
    data = load_dataset(name)
    assert data.name == name and data.class_names == ["a", "b"]
    assert data.train_x.shape == (4, 3, 8, 8) and data.test_x.shape == (2, 3, 8, 8)
    assert data.train_y.tolist() == [0, 0, 1, 1] and data.test_y.tolist() == [0, 1]
    # pixel (100·k, 10·i, 50) of class k, image i, in [-1, 1]
    assert data.train_x[2, :, 0, 0].tolist() == pytest.approx([100 / 255 * 2 - 1, -1.0, 50 / 255 * 2 - 1])
    assert load_dataset(name, image_size=4).train_x.shape == (4, 3, 4, 4)


def test_the_default_folder_names(root):
    assert PREPARED == {  # the folders download.py writes without --size / --no-crop
        "flowers102": "flowers102",
        "cub200": "cub200",
        "celeba": "celeba64",
        "celeba-identities": "celeba-identities64",
        "tiny-imagenet": "tiny-imagenet",
        "imagenet": "imagenet128",  # packed (replication.data.packed), the size in the name
    }
    _image_folder(root / "tiny-imagenet64")  # a --size variant is not the default folder
    with pytest.raises(DatasetNotFoundError):
        load_dataset("tiny-imagenet")


@pytest.mark.parametrize("name", sorted(set(PREPARED) - {"imagenet"}))
def test_a_missing_prepared_set_names_the_command_that_prepares_it(root, name):
    with pytest.raises(DatasetNotFoundError) as missing:
        load_dataset(name)
    message = str(missing.value)
    assert f"python data_scripts/download.py {name} --data-root {root}" in message
    assert str(root / PREPARED[name]) in message


def test_a_missing_imagenet_says_it_is_never_downloaded_and_how_to_pack_it(root):
    with pytest.raises(DatasetNotFoundError) as missing:
        load_dataset("imagenet")
    message = str(missing.value)
    assert "never downloaded" in message and str(root / "imagenet128") in message
    assert f"python data_scripts/download.py imagenet --from-dir DIR --size 128 --data-root {root}" in message
    with pytest.raises(DatasetNotFoundError, match="--size 64"):
        load_dataset("imagenet", image_size=64)


def test_download_writes_the_folders_the_loader_reads(tmp_path):
    for name in PREPARED:
        assert dl._target(name, tmp_path) == tmp_path / PREPARED[name]
    assert dl._target("tiny-imagenet", tmp_path, "32") == tmp_path / "tiny-imagenet32"
    # every set `--list` shows is a name a loader knows: `load_dataset`'s labelled sets, plus MSGAN's
    # image-to-image sets, which `replication.data.image_pairs` loads (load_paired / load_unpaired) and
    # `load_dataset` refuses, and the StackGAN++ table's captioned sets (`replication.data.captions.load_text`)
    from replication.data.captions import DOWNLOAD_NAMES

    expected = set(OFFLINE_DATASETS) | set(DOWNLOADED_DATASETS) | set(IMAGE_PAIR_SETS) | set(DOWNLOAD_NAMES)
    assert set(dl.CATALOG) == expected
    assert not set(IMAGE_PAIR_SETS) & (set(DATASET_NAMES) | set(PREPARED))


@pytest.mark.parametrize("name", IMAGE_PAIR_SETS)
def test_image_pair_sets_load_through_image_pairs_not_load_dataset(root, name):
    with pytest.raises(ValueError, match=f"Unknown data set {name!r}"):
        load_dataset(name)
    loader = load_paired if name in PAIRED_NAMES else load_unpaired
    if name in OFFLINE_PAIR_SETS:
        return  # built in memory (tests/test_image_pairs.py)
    with pytest.raises(DatasetNotFoundError, match=f"python data_scripts/download.py {name} --data-root"):
        loader(name)


def test_celeba_from_a_local_zip_is_loadable_by_name(root, capsys):
    faces = root / "img_align_celeba.zip"
    with zipfile.ZipFile(faces, "w") as archive:
        for i in range(10):
            archive.writestr(f"img_align_celeba/{i + 1:06d}.jpg", _png((20 * i, 0, 0), 20))
    assert dl.main(["celeba", "--from-zip", str(faces), "--data-root", str(root)]) == 0
    assert "use dataset=celeba image_size=64" in capsys.readouterr().out
    data = load_dataset("celeba")
    assert data.name == "celeba" and data.class_names == ["all"] and data.image_shape == (3, 64, 64)
    assert len(data.train_x) == 9 and len(data.test_x) == 1
    assert dl.main(["celeba", "--from-zip", str(faces), "--data-root", str(root), "--size", "16"]) == 0
    assert f"use dataset=imagefolder:{root / 'celeba16'} image_size=16" in capsys.readouterr().out


@pytest.fixture(scope="module")
def colormnist():
    return load_dataset("colormnist")


def test_colormnist_is_offline_rgb_and_deterministic(colormnist, mnist5k):
    assert colormnist.name == "colormnist" and colormnist.image_shape == (3, 32, 32)
    assert colormnist.train_x.min() >= -1 and colormnist.train_x.max() <= 1
    assert torch.equal(colormnist.train_y, mnist5k.train_y) and torch.equal(colormnist.test_y, mnist5k.test_y)
    assert colormnist.class_names == mnist5k.class_names
    again = load_dataset("colormnist")
    assert again.checksum == colormnist.checksum and len(colormnist.checksum) == 64
    assert torch.equal(again.test_x, colormnist.test_x)
    assert colormnist.checksum != mnist5k.checksum


@pytest.mark.parametrize("split", ["train", "test"])
def test_colormnist_pixels_follow_the_formula(colormnist, mnist5k, split):
    grey = ((getattr(mnist5k, f"{split}_x")[0, 0].numpy() + 1) / 2).clip(0, 1)  # image 0 in [0, 1]
    n = len(getattr(mnist5k, f"{split}_x"))
    rng = np.random.default_rng(COLORMNIST_SEEDS[split])
    digit, background = rng.uniform(0, 1, (n, 3))[0], rng.uniform(0, 1, (n, 3))[0]
    row, col = np.unravel_index(np.argmin(np.abs(grey - 0.5)), grey.shape)  # a pixel at the digit's edge
    x = grey[row, col]
    assert 0.2 < x < 0.8
    coloured = getattr(colormnist, f"{split}_x")[0]
    for pixel, value in (((0, 0), 0.0), ((row, col), x)):  # a corner is background (x = 0)
        expected = np.round(((1 - value) * background + value * digit) * 255) / 255 * 2 - 1
        assert coloured[:, pixel[0], pixel[1]].numpy() == pytest.approx(expected, abs=1e-6)
    assert COLORMNIST_SEEDS == {"train": 0, "test": 1}


def test_profiles_accept_the_new_names():
    assert get_profile("msgan_table1", "cpu", dataset="tiny-imagenet").dataset == "tiny-imagenet"
    assert get_profile("msgan_table1", "cpu", dataset="colormnist").dataset == "colormnist"
    with pytest.raises(ValueError, match="Unknown data set 'tinyimagenet'.*colormnist.*tiny-imagenet.*imagenet"):
        get_profile("msgan_table1", "cpu", dataset="tinyimagenet")
