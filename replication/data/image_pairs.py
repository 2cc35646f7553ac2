"""Image-conditioned data for MSGAN's image-to-image rows: paired (Pix2Pix) and unpaired (DRIT).

Paired, `load_paired(name)` → `PairedData` (input → target):

- ``digits-lowres``  offline stand-in (smoke/cpu): mnist5k's 32×32 digit average-pooled to 8×8 and
  upsampled back (nearest) → the 32×32 digit. Multimodal: see `load_digits_lowres`.
- ``facades``  pix2pix's CMP Facades, labels → photo (400 train, 100 val pairs).
- ``maps``  pix2pix's Google Maps, map → aerial photo (1,096 train pairs, about 1,100 val).

Each pix2pix file is one JPEG holding A | B side by side: facades A = photo, B = label map (512×256);
maps A = aerial photo, B = map (1200×600). MSGAN's Pix2Pix code (BicycleGAN's) trains both with its
default ``--direction BtoA`` and tests on ``val/``: input = the right half B, target = the left half A
(BicycleGAN's maps model is called ``map2aerial``). Read from ``<data root>/<name>/{train,val}/*.jpg``
(``test/`` when there is no ``val/``), each half resized (bicubic) to ``image_size`` (default 256).

Unpaired, `load_unpaired(name)` → `UnpairedData` (domains A and B, no correspondence):

- ``colour-thin-thick``  offline stand-in (smoke/cpu): eroded (thin) vs dilated (thick) mnist5k digits,
  each coloured as ColorMNIST (a random digit and background colour per image), the two domains drawn
  from disjoint halves of the images; the held-out digits keep their class labels.
- ``yosemite``  CycleGAN's summer2winter_yosemite (A = summer, B = winter), the set DRIT uses.
- ``cat2dog``  DRIT's cat2dog (A = cat, B = dog).

Read from ``<data root>/<name>/{trainA,trainB,testA,testB}/``, resized to ``image_size`` (default 256).
The downloaded sets come from ``python data_scripts/download.py <name>``. All images are float32
[N, C, H, W] in [-1, 1]; the offline sets are fixed by seeds, so every load is identical.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from replication.core.paths import data_root
from replication.data.images import (
    IMAGE_SUFFIXES,
    DatasetNotFoundError,
    colour_digits,
    load_mnist5k,
    resize_images,
    stratified_split,
)

PAIRED_NAMES = ("digits-lowres", "facades", "maps")
UNPAIRED_NAMES = ("colour-thin-thick", "yosemite", "cat2dog")
IMAGE_PAIR_SETS = PAIRED_NAMES + UNPAIRED_NAMES  # loaded here, never by replication.data.images.load_dataset
OFFLINE_PAIR_SETS = ("digits-lowres", "colour-thin-thick")
PAIRED_SPLITS = ("train", "val", "test")  # the pix2pix layout (held out: val/, else test/)
UNPAIRED_SPLITS = ("trainA", "trainB", "testA", "testB")  # the CycleGAN / DRIT layout
DIRECTIONS = {  # input → target of each paired set
    "digits-lowres": "8×8 average-pooled digit → 32×32 digit",
    "facades": "label map (right half) → photo (left half)",
    "maps": "map (right half) → aerial photo (left half)",
}
DOMAINS = {"colour-thin-thick": ("thin", "thick"), "yosemite": ("summer", "winter"), "cat2dog": ("cat", "dog")}
DEFAULT_SIZE = 256  # the downloaded sets' side unless image_size says otherwise (MSGAN's fineSize)
LOWRES = 8  # digits-lowres: the input's side before upsampling
DOMAIN_SPLIT_SEED = 1  # colour-thin-thick: which half of each split becomes domain A
THIN_THICK_COLOUR_SEEDS = {"train_a": 20, "train_b": 21, "test_a": 22, "test_b": 23}  # `colour_digits` seeds


def _checksum(*tensors: torch.Tensor) -> str:
    digest = hashlib.sha256()
    for tensor in tensors:
        digest.update(tensor.contiguous().numpy().tobytes())
    return digest.hexdigest()


@dataclass
class PairedData:
    """Aligned input/target images, split into train and held-out parts ([N, C, H, W] in [-1, 1])."""

    name: str
    train_input: torch.Tensor
    train_target: torch.Tensor
    test_input: torch.Tensor
    test_target: torch.Tensor
    direction: str = ""
    train_labels: torch.Tensor | None = None  # class labels where the set has them (the digits)
    test_labels: torch.Tensor | None = None
    checksum: str = ""

    def to(self, device: str | torch.device) -> PairedData:
        """Both splits (and labels) moved to `device` once."""
        moved = {f: getattr(self, f) for f in ("train_input", "train_target", "test_input", "test_target")}
        moved |= {f: getattr(self, f) for f in ("train_labels", "test_labels") if getattr(self, f) is not None}
        return replace(self, **{f: t.to(device) for f, t in moved.items()})

    def describe(self) -> dict:
        return {
            "name": self.name,
            "direction": self.direction,
            "train_pairs": int(self.train_input.shape[0]),
            "held_out_pairs": int(self.test_input.shape[0]),
            "input_shape": list(self.train_input.shape[1:]),
            "target_shape": list(self.train_target.shape[1:]),
            "sha256": self.checksum,
        }


@dataclass
class UnpairedData:
    """Two image domains A and B with no correspondence between them ([N, C, H, W] in [-1, 1])."""

    name: str
    domain_a: str
    domain_b: str
    train_a: torch.Tensor
    train_b: torch.Tensor
    test_a: torch.Tensor
    test_b: torch.Tensor
    checksum: str = ""
    test_labels_a: torch.Tensor | None = None  # class of each held-out image, where the set has classes
    test_labels_b: torch.Tensor | None = None

    def to(self, device: str | torch.device) -> UnpairedData:
        """Both domains' splits moved to `device` once."""
        return replace(self, **{f: getattr(self, f).to(device) for f in ("train_a", "train_b", "test_a", "test_b")})

    def describe(self) -> dict:
        return {
            "name": self.name,
            "domains": [self.domain_a, self.domain_b],
            "train_sizes": [int(self.train_a.shape[0]), int(self.train_b.shape[0])],
            "held_out_sizes": [int(self.test_a.shape[0]), int(self.test_b.shape[0])],
            "image_shape": list(self.train_a.shape[1:]),
            "sha256": self.checksum,
        }


def lowres(x: torch.Tensor, side: int = LOWRES) -> torch.Tensor:
    """Images [N, C, H, W] average-pooled to side×side, then upsampled back to H×W (nearest)."""
    factor = x.shape[-1] // side
    return F.interpolate(F.avg_pool2d(x, factor), scale_factor=factor, mode="nearest")


def load_digits_lowres() -> PairedData:
    """mnist5k super-resolution, 1×32×32 → 1×32×32 (4,000 train / 1,000 held-out pairs, its split).

    The input is the digit average-pooled to 8×8 and upsampled back (nearest); the target is the digit.
    This is multimodal: one 8×8 copy is consistent with many 32×32 digits (stroke width, exact
    curvature, and for ambiguous inputs even the class differ), so a generator that ignores its noise
    collapses to one of them. `plausible_targets` measures the data's own spread."""
    digits = load_mnist5k()
    train_input, test_input = lowres(digits.train_x), lowres(digits.test_x)
    return PairedData(
        name="digits-lowres",
        train_input=train_input,
        train_target=digits.train_x,
        test_input=test_input,
        test_target=digits.test_x,
        direction=DIRECTIONS["digits-lowres"],
        train_labels=digits.train_y,
        test_labels=digits.test_y,
        checksum=_checksum(train_input, digits.train_x, test_input, digits.test_x),
    )


def plausible_targets(data: PairedData, k: int) -> torch.Tensor:
    """For each held-out input, the held-out targets of the k inputs nearest to it (L1), itself first:
    [N, k, C, H, W]. Their spread (`mean_pairwise_l1`) is the real data's diversity for one input."""
    inputs = data.test_input.flatten(1)
    distance = torch.cdist(inputs, inputs, p=1)
    nearest = torch.sort(distance, dim=1, stable=True).indices[:, :k]
    return data.test_target[nearest]


def mean_pairwise_l1(samples: torch.Tensor) -> torch.Tensor:
    """[N, k, ...] → [N]: the mean L1 (per pixel) over the k·(k−1) ordered pairs of distinct samples."""
    flat = samples.flatten(2)
    k = flat.shape[1]
    distances = (flat[:, :, None] - flat[:, None]).abs().mean(-1)  # [N, k, k], zero diagonal
    return distances.sum((1, 2)) / (k * (k - 1))


def thin(x: torch.Tensor) -> torch.Tensor:
    """Erosion of [0, 1] images by a 2×2 square: −max_pool(−x), x padded with 0 at the right and bottom.
    (A 3×3 square erases most of mnist5k's 2–3 px strokes; 2×2 keeps all but a handful of digits.)"""
    return -F.max_pool2d(-F.pad(x, (0, 1, 0, 1)), 2, stride=1)


def thick(x: torch.Tensor) -> torch.Tensor:
    """Dilation of [0, 1] images by a 3×3 square: max_pool(x, 3, stride 1, padding 1)."""
    return F.max_pool2d(x, 3, stride=1, padding=1)


def thin_thick_halves(labels: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """Indices (domain A, domain B) of one split: disjoint stratified halves, fixed by `DOMAIN_SPLIT_SEED`."""
    return stratified_split(labels.numpy(), 0.5, DOMAIN_SPLIT_SEED)


def load_colour_thin_thick() -> UnpairedData:
    """mnist5k as two unpaired domains, 3×32×32: A = `thin` (eroded), B = `thick` (dilated) digits, each
    image coloured by ColorMNIST's `colour_digits` (one random digit and one background colour).

    Each split of mnist5k is halved (`thin_thick_halves`): A is built from one half, B from the other,
    so no digit appears in both domains (2,000 + 2,000 train, 500 + 500 held out). The domains differ in
    stroke width (content: the digit; attribute: its colours). The colours keep most pixels off tanh's
    asymptote: on grey digits, whose background is exactly −1, DRIT's L1 reconstruction drives the
    generator's pre-tanh output to about −6 everywhere and it never draws a stroke."""
    digits = load_mnist5k()
    parts, labels = {}, {}
    for split, x, y in (("train", digits.train_x, digits.train_y), ("test", digits.test_x, digits.test_y)):
        index_a, index_b = thin_thick_halves(y)
        unit = (x + 1) / 2
        for side, index, stroke in (("a", index_a, thin), ("b", index_b, thick)):
            grey = stroke(unit[index])[:, 0].numpy()
            rgb = colour_digits(grey, THIN_THICK_COLOUR_SEEDS[f"{split}_{side}"]).transpose(0, 3, 1, 2)
            parts[f"{split}_{side}"] = torch.from_numpy(rgb).float() / 127.5 - 1
            labels[f"{split}_{side}"] = y[torch.as_tensor(index)].clone()
    return UnpairedData(
        "colour-thin-thick",
        *DOMAINS["colour-thin-thick"],
        *(parts[k] for k in ("train_a", "train_b", "test_a", "test_b")),
        checksum=_checksum(*parts.values()),
        test_labels_a=labels["test_a"],
        test_labels_b=labels["test_b"],
    )


def _folder(name: str, splits: tuple[str, ...], root: Path | None) -> Path:
    """`<data root>/<name>`, or a DatasetNotFoundError naming the download command (and missing splits)."""
    root = Path(root) if root is not None else data_root()
    folder = root / name
    missing = [s for s in splits if not (folder / s).is_dir()]
    if missing:
        where = f"{folder} does not exist" if not folder.is_dir() else f"{folder} has no {', '.join(missing)}/"
        raise DatasetNotFoundError(
            f"{name}: {where}. Fetch it with:\n    python data_scripts/download.py {name} --data-root {root}"
        )
    return folder


def _images(folder: Path) -> list[Path]:
    files = sorted(f for f in folder.iterdir() if f.is_file() and f.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise DatasetNotFoundError(f"{folder} holds no images.")
    return files


def _to_tensor(images: list) -> torch.Tensor:
    """PIL RGB images of one size → float32 [N, 3, H, W] in [-1, 1]."""
    array = np.stack([np.asarray(image, dtype=np.uint8) for image in images]).transpose(0, 3, 1, 2)
    return torch.from_numpy(array.astype(np.float32) / 255.0 * 2.0 - 1.0)


def _read_pairs(files: list[Path], size: int, digest) -> tuple[torch.Tensor, torch.Tensor]:
    """pix2pix files (A | B side by side) → (inputs = B, targets = A), each half resized to size×size."""
    from PIL import Image

    inputs, targets = [], []
    for file in files:
        raw = file.read_bytes()
        digest.update(raw)
        image = Image.open(io.BytesIO(raw)).convert("RGB")
        half = image.width // 2
        for out, box in ((targets, (0, 0, half, image.height)), (inputs, (half, 0, 2 * half, image.height))):
            out.append(image.crop(box).resize((size, size), Image.BICUBIC))
    return _to_tensor(inputs), _to_tensor(targets)


def _read_domain(files: list[Path], size: int, digest) -> torch.Tensor:
    from PIL import Image

    images = []
    for file in files:
        raw = file.read_bytes()
        digest.update(raw)
        images.append(Image.open(io.BytesIO(raw)).convert("RGB").resize((size, size), Image.BICUBIC))
    return _to_tensor(images)


def _resized(x: torch.Tensor, image_size: int | None) -> torch.Tensor:
    return x if image_size is None else resize_images(x, image_size)


def _all_resized(data, fields: tuple[str, ...], image_size: int | None):
    """`data` with each image tensor in `fields` resized to image_size² (unchanged when None)."""
    for field in fields:
        setattr(data, field, _resized(getattr(data, field), image_size))
    return data


def load_paired(name: str, image_size: int | None = None, root: Path | None = None) -> PairedData:
    """A paired set by name (`PAIRED_NAMES`; see the module docstring), optionally resized to image_size²."""
    if name == "digits-lowres":
        return _all_resized(
            load_digits_lowres(), ("train_input", "train_target", "test_input", "test_target"), image_size
        )
    if name not in PAIRED_NAMES:
        raise ValueError(f"Unknown paired data set {name!r}. Valid names: {', '.join(PAIRED_NAMES)}.")
    folder = _folder(name, ("train",), root)
    held_out = next((folder / s for s in ("val", "test") if (folder / s).is_dir()), None)
    if held_out is None:
        raise DatasetNotFoundError(
            f"{name}: {folder} has no val/ or test/. Fetch it again with:\n"
            f"    python data_scripts/download.py {name} --data-root {folder.parent}"
        )
    size = image_size or DEFAULT_SIZE
    digest = hashlib.sha256()
    train_input, train_target = _read_pairs(_images(folder / "train"), size, digest)
    test_input, test_target = _read_pairs(_images(held_out), size, digest)
    return PairedData(
        name, train_input, train_target, test_input, test_target, DIRECTIONS[name], checksum=digest.hexdigest()
    )


def load_unpaired(name: str, image_size: int | None = None, root: Path | None = None) -> UnpairedData:
    """An unpaired set by name (`UNPAIRED_NAMES`; see the module docstring), optionally resized to image_size²."""
    if name == "colour-thin-thick":
        return _all_resized(load_colour_thin_thick(), ("train_a", "train_b", "test_a", "test_b"), image_size)
    if name not in UNPAIRED_NAMES:
        raise ValueError(f"Unknown unpaired data set {name!r}. Valid names: {', '.join(UNPAIRED_NAMES)}.")
    folder = _folder(name, UNPAIRED_SPLITS, root)
    size = image_size or DEFAULT_SIZE
    digest = hashlib.sha256()
    train_a, train_b, test_a, test_b = (_read_domain(_images(folder / s), size, digest) for s in UNPAIRED_SPLITS)
    return UnpairedData(name, *DOMAINS[name], train_a, train_b, test_a, test_b, checksum=digest.hexdigest())
