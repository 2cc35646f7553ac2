"""replication.data.image_pairs: the offline image-to-image stand-ins built from mnist5k (deterministic, in
range, multimodal, disjoint unpaired domains with a real style gap) and the downloaded sets' layouts,
read from tiny synthetic JPEG folders under a temporary data root."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from replication.data.image_pairs import (
    IMAGE_PAIR_SETS,
    OFFLINE_PAIR_SETS,
    PAIRED_NAMES,
    THIN_THICK_COLOUR_SEEDS,
    UNPAIRED_NAMES,
    load_paired,
    load_unpaired,
    mean_pairwise_l1,
    plausible_targets,
    thin_thick_halves,
)
from replication.data.images import DatasetNotFoundError


@pytest.fixture(scope="module")
def lowres():
    return load_paired("digits-lowres")


@pytest.fixture(scope="module")
def thin_thick():
    return load_unpaired("colour-thin-thick")


def test_digits_lowres_is_deterministic_in_range_and_keeps_mnist5k_split(lowres, mnist5k):
    again = load_paired("digits-lowres")
    assert again.checksum == lowres.checksum and len(lowres.checksum) == 64
    assert torch.equal(again.test_input, lowres.test_input) and torch.equal(again.train_target, lowres.train_target)
    assert lowres.train_input.shape == lowres.train_target.shape == (4000, 1, 32, 32)
    assert lowres.test_input.shape == lowres.test_target.shape == (1000, 1, 32, 32)
    for x in (lowres.train_input, lowres.train_target, lowres.test_input, lowres.test_target):
        assert x.dtype == torch.float32 and x.min() >= -1 and x.max() <= 1
    assert torch.equal(lowres.train_target, mnist5k.train_x) and torch.equal(lowres.test_labels, mnist5k.test_y)
    assert lowres.describe()["input_shape"] == [1, 32, 32] and lowres.describe()["held_out_pairs"] == 1000
    assert load_paired("digits-lowres", image_size=16).train_input.shape == (4000, 1, 16, 16)


def test_the_lowres_input_is_the_targets_4x4_block_means(lowres):
    target = lowres.test_target[7, 0].numpy().astype(np.float64)
    blocks = target.reshape(8, 4, 8, 4).mean(axis=(1, 3))  # by hand: each 4×4 block's mean
    expected = np.kron(blocks, np.ones((4, 4)))  # nearest upsampling back to 32×32
    assert np.abs(lowres.test_input[7, 0].numpy() - expected).max() < 1e-6
    assert len(np.unique(lowres.test_input[7, 0].numpy())) <= 64  # at most 8×8 distinct values
    assert not np.allclose(expected, target)  # the input loses detail


def test_the_lowres_task_is_multimodal(lowres):
    k = 5
    candidates = plausible_targets(lowres, k)
    assert candidates.shape == (1000, k, 1, 32, 32)
    assert torch.equal(candidates[:, 0], lowres.test_target)  # an input's nearest input is itself
    spread = mean_pairwise_l1(candidates)
    itself = mean_pairwise_l1(lowres.test_target[:, None].expand(-1, k, -1, -1, -1))  # a target and itself
    assert (itself == 0).all()
    assert spread.mean() > 0.1 and (spread > itself).all()  # measured: mean 0.133, min 0.025 (k = 5)
    # the inputs really are close: the plausible targets' inputs are nearer than a random input's
    inputs = lowres.test_input.flatten(1)
    nearest = torch.cdist(inputs, inputs, p=1).sort(dim=1, stable=True).indices[:, 1]
    random = torch.randperm(1000, generator=torch.Generator().manual_seed(0))
    assert (inputs - inputs[nearest]).abs().mean() < 0.5 * (inputs - inputs[random]).abs().mean()


def test_thin_thick_domains_are_disjoint_coloured_halves_with_a_stroke_gap(thin_thick, mnist5k):
    assert thin_thick.domain_a == "thin" and thin_thick.domain_b == "thick"
    assert thin_thick.train_a.shape == thin_thick.train_b.shape == (2000, 3, 32, 32)
    assert thin_thick.test_a.shape == thin_thick.test_b.shape == (500, 3, 32, 32)
    for split, labels, x in (("train", mnist5k.train_y, mnist5k.train_x), ("test", mnist5k.test_y, mnist5k.test_x)):
        index_a, index_b = thin_thick_halves(labels)
        assert not set(index_a) & set(index_b) and len(index_a) + len(index_b) == len(labels)
        unit = (x + 1) / 2  # the ops by hand: erosion 2×2 (min of the pixel, right, below, below-right), dilation 3×3
        padded = torch.nn.functional.pad(unit[index_a], (0, 1, 0, 1))
        eroded = torch.minimum(
            torch.minimum(padded[..., :-1, :-1], padded[..., 1:, :-1]),
            torch.minimum(padded[..., :-1, 1:], padded[..., 1:, 1:]),
        )
        dilated = torch.nn.functional.pad(unit[index_b], (1, 1, 1, 1)).unfold(2, 3, 1).unfold(3, 3, 1).amax((-1, -2))
        assert eroded.mean() < dilated.mean() - 0.12  # the stroke gap, before colouring ([0, 1] units)
        for side, grey in (("a", eroded), ("b", dilated)):
            # ColorMNIST by hand: pixel = (1 − x)·background + x·digit, one colour pair per image from the seed
            rng = np.random.default_rng(THIN_THICK_COLOUR_SEEDS[f"{split}_{side}"])
            digit = torch.from_numpy(rng.uniform(0, 1, size=(len(grey), 3))).float()[:, :, None, None]
            background = torch.from_numpy(rng.uniform(0, 1, size=(len(grey), 3))).float()[:, :, None, None]
            expected = torch.round(((1 - grey) * background + grey * digit) * 255) / 127.5 - 1
            assert torch.allclose(
                getattr(thin_thick, f"{split}_{side}"), expected, atol=1 / 127.5 + 1e-5
            )  # one 8-bit level (float32 vs float64 rounding)
        if split == "test":
            assert torch.equal(thin_thick.test_labels_a, labels[torch.as_tensor(index_a)])
            assert torch.equal(thin_thick.test_labels_b, labels[torch.as_tensor(index_b)])
    # the colours keep the background off tanh's asymptote: few pixels sit at exactly −1
    assert (thin_thick.train_a == -1).float().mean() < 0.01
    again = load_unpaired("colour-thin-thick")
    assert again.checksum == thin_thick.checksum and torch.equal(again.test_b, thin_thick.test_b)
    assert thin_thick.describe()["train_sizes"] == [2000, 2000]


def test_the_names_are_split_between_the_two_loaders():
    assert set(PAIRED_NAMES) | set(UNPAIRED_NAMES) == set(IMAGE_PAIR_SETS)
    assert set(OFFLINE_PAIR_SETS) == {"digits-lowres", "colour-thin-thick"}
    with pytest.raises(ValueError, match="Valid names: digits-lowres, facades, maps"):
        load_paired("yosemite")
    with pytest.raises(ValueError, match="Valid names: colour-thin-thick, yosemite, cat2dog"):
        load_unpaired("facades")


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("REPLICATION_DATA_ROOT", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("name", ["facades", "maps", "yosemite", "cat2dog"])
def test_a_missing_downloaded_set_names_its_download_command(root, name):
    loader = load_paired if name in PAIRED_NAMES else load_unpaired
    with pytest.raises(DatasetNotFoundError) as missing:
        loader(name)
    message = str(missing.value)
    assert f"python data_scripts/download.py {name} --data-root {root}" in message and str(root / name) in message


def _pair_jpeg(path: Path, left: tuple[int, int, int], right: tuple[int, int, int], side: int = 24) -> None:
    """A pix2pix file: two side×side halves, `left` (A) | `right` (B)."""
    image = Image.new("RGB", (2 * side, side), left)
    image.paste(Image.new("RGB", (side, side), right), (side, 0))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, quality=100)


@pytest.mark.parametrize("name", ["facades", "maps"])
def test_a_pix2pix_set_loads_right_half_to_left_half(root, name):
    for i in range(3):
        _pair_jpeg(root / name / "train" / f"{i + 1}.jpg", (200, 40 * i, 0), (0, 0, 250))
    _pair_jpeg(root / name / "val" / "1.jpg", (10, 200, 10), (250, 250, 250))
    if name == "facades":
        _pair_jpeg(root / name / "test" / "1.jpg", (0, 0, 0), (0, 0, 0))  # test/ is not used when val/ exists
    data = load_paired(name, image_size=16)
    assert data.train_input.shape == data.train_target.shape == (3, 3, 16, 16)
    assert data.test_input.shape == (1, 3, 16, 16) and data.train_labels is None
    assert "right half" in data.direction
    assert data.train_input[:, :, 8, 8].flatten().tolist() == pytest.approx([-1, -1, 250 / 255 * 2 - 1] * 3, abs=0.03)
    assert data.train_target[2][:, 8, 8].tolist() == pytest.approx([200 / 255 * 2 - 1, 80 / 255 * 2 - 1, -1], abs=0.03)
    assert data.test_target[0, :, 8, 8].tolist() == pytest.approx(
        [10 / 255 * 2 - 1, 200 / 255 * 2 - 1, 10 / 255 * 2 - 1], abs=0.03
    )
    assert load_paired(name).train_input.shape[-1] == 256  # MSGAN's 256 px by default
    again = load_paired(name, image_size=16)
    assert again.checksum == data.checksum and len(data.checksum) == 64


def test_a_pix2pix_set_without_val_uses_test_and_without_either_is_refused(root):
    _pair_jpeg(root / "maps" / "train" / "1.jpg", (0, 0, 0), (255, 255, 255))
    with pytest.raises(DatasetNotFoundError, match="(?s)no val/ or test/.*download.py maps"):
        load_paired("maps")
    _pair_jpeg(root / "maps" / "test" / "1.jpg", (255, 255, 255), (0, 0, 0))
    assert load_paired("maps", image_size=8).test_target.mean() == pytest.approx(1.0, abs=0.02)


@pytest.mark.parametrize("name, domains", [("yosemite", ("summer", "winter")), ("cat2dog", ("cat", "dog"))])
def test_an_unpaired_set_loads_its_four_folders(root, name, domains):
    colours = {"trainA": (250, 0, 0), "trainB": (0, 250, 0), "testA": (0, 0, 250), "testB": (250, 250, 0)}
    for split, colour in colours.items():
        for i in range(2 if split.startswith("train") else 1):
            out = root / name / split / f"{i}.jpg"
            out.parent.mkdir(parents=True, exist_ok=True)
            Image.new("L" if split == "testB" else "RGB", (20, 12), colour[0] if split == "testB" else colour).save(out)
    data = load_unpaired(name, image_size=8)
    assert (data.domain_a, data.domain_b) == domains
    assert data.train_a.shape == data.train_b.shape == (2, 3, 8, 8) and data.test_a.shape == (1, 3, 8, 8)
    assert data.test_b.shape == (1, 3, 8, 8)  # a grey image becomes RGB
    assert data.train_b[0, :, 4, 4].tolist() == pytest.approx([-1, 250 / 255 * 2 - 1, -1], abs=0.03)
    assert data.describe()["held_out_sizes"] == [1, 1]
    (root / name / "testB" / "0.jpg").unlink()
    with pytest.raises(DatasetNotFoundError, match="holds no images"):
        load_unpaired(name)
    (root / name / "testB").rmdir()
    with pytest.raises(DatasetNotFoundError, match=f"(?s)has no testB/.*download.py {name}"):
        load_unpaired(name)
