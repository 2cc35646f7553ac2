"""Turn each data set's official files into the ImageFolder layout `imagefolder:<path>` reads:
`train/<class>/<image>` and `test/<class>/<image>`, every image directly inside its class folder.

One function per data set; `download.py` fetches (or takes a local copy of) the official files and
calls them. Each says which official split becomes `test/`. MSGAN's image-to-image sets keep their own
layouts instead (`image_pair_folder`), which `replication.data.image_pairs` reads.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")


def _save(image, out: Path, size: int | None) -> None:
    from PIL import Image

    if size is not None and image.size != (size, size):
        image = image.resize((size, size), Image.BICUBIC)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, quality=95)


def _square_crop(image, box: tuple[float, float, float, float] | None = None, scale: float = 1.0):
    """A square crop: centred on `box` (x, y, w, h) with side scale·max(w, h), else the centred
    largest square; clipped to the image."""
    if box is None:
        side = min(image.size)
        left, top = (image.width - side) // 2, (image.height - side) // 2
        return image.crop((left, top, left + side, top + side))
    x, y, w, h = box
    half = scale * max(w, h) / 2
    cx, cy = x + w / 2, y + h / 2
    left, top = max(0, int(cx - half)), max(0, int(cy - half))
    right, bottom = min(image.width, int(cx + half)), min(image.height, int(cy + half))
    return image.crop((left, top, right, bottom))


def tiny_imagenet(source: Path, target: Path, size: int | None = None) -> Path:
    """Tiny ImageNet (`tiny-imagenet-200/`: train/<wnid>/images/*.JPEG, val/images + val_annotations.txt)
    → train/<wnid>/ (500 per class) and test/<wnid>/ (the official validation set, 50 per class;
    its test set has no labels). 64×64 RGB; `size` resizes."""
    from PIL import Image

    source = _single_folder(source, "wnids.txt")
    wnids = (source / "wnids.txt").read_text().split()
    for wnid in wnids:
        for file in sorted((source / "train" / wnid / "images").glob("*")):
            if file.suffix.lower() in IMAGE_SUFFIXES:
                _save(Image.open(file).convert("RGB"), target / "train" / wnid / file.name, size)
    for line in (source / "val" / "val_annotations.txt").read_text().splitlines():
        fields = line.split("\t")
        if len(fields) >= 2 and fields[1] in wnids:
            image = Image.open(source / "val" / "images" / fields[0]).convert("RGB")
            _save(image, target / "test" / fields[1] / fields[0], size)
    return target


def cub200(source: Path, target: Path, size: int | None = None, crop: bool = True) -> Path:
    """CUB-200-2011 (`CUB_200_2011/`: images/, images.txt, image_class_labels.txt,
    train_test_split.txt, bounding_boxes.txt) → train/<class>/ and test/<class>/ by the official
    split (5,994 / 5,794). With `crop`, StackGAN's crop: a square of side 1.5·max(w, h) centred on
    the bird's bounding box, clipped to the image; `size` resizes."""
    from PIL import Image

    source = _single_folder(source, "images.txt")
    images = dict(line.split() for line in (source / "images.txt").read_text().splitlines() if line.strip())
    labels = dict(line.split() for line in (source / "image_class_labels.txt").read_text().splitlines() if line.strip())
    split = dict(line.split() for line in (source / "train_test_split.txt").read_text().splitlines() if line.strip())
    boxes = {}
    if crop:
        for line in (source / "bounding_boxes.txt").read_text().splitlines():
            if line.strip():
                image_id, *box = line.split()
                boxes[image_id] = tuple(float(v) for v in box)
    for image_id, relative in sorted(images.items(), key=lambda item: int(item[0])):
        image = Image.open(source / "images" / relative).convert("RGB")
        if crop:
            image = _square_crop(image, boxes[image_id], scale=1.5)
        folder = "train" if split[image_id] == "1" else "test"
        class_folder = Path(relative).parent.name  # e.g. 001.Black_footed_Albatross
        if int(class_folder.split(".")[0]) != int(labels[image_id]):
            raise ValueError(
                f"{relative}: its folder says class {class_folder}, image_class_labels.txt {labels[image_id]}"
            )
        _save(image, target / folder / class_folder / Path(relative).name, size)
    return target


def celeba_identities(
    names: Iterable[str],
    read: Callable[[str], bytes],
    identity_lines: Iterable[str],
    target: Path,
    identities: int = 500,
    size: int = 64,
    held_out: float = 0.1,
) -> Path:
    """CelebA's identity labels (identity_CelebA.txt: `<file> <identity>`) → a faces data set with
    one class per identity, the `identities` with the most images (ties: the lower identity number),
    the last `held_out` fraction of each identity's images (by file name) in test/. The substitute for
    FaceScrub (CVAE-GAN's faces row), whose image URL lists are largely dead. `names` are the image
    files at hand (base names, as in the identity file), `read(name)` their encoded bytes."""
    from PIL import Image

    available = set(names)
    by_identity: dict[str, list[str]] = {}
    for line in identity_lines:
        if line.strip():
            name, identity = line.split()
            if name in available:
                by_identity.setdefault(identity, []).append(name)
    chosen = sorted(by_identity, key=lambda i: (-len(by_identity[i]), int(i)))[:identities]
    for identity in chosen:
        names = sorted(by_identity[identity])
        n_test = max(1, int(round(len(names) * held_out))) if len(names) > 1 else 0
        for index, name in enumerate(names):
            folder = "test" if index >= len(names) - n_test else "train"
            image = _square_crop(Image.open(io.BytesIO(read(name))).convert("RGB"))
            _save(image, target / folder / f"{int(identity):05d}" / name, size)
    return target


def color_mnist(x: np.ndarray, y: np.ndarray, target: Path, split: str, seed: int = 0, size: int | None = None) -> Path:
    """ColorMNIST: grey digits x ∈ [0, 1] ([N, H, W]) coloured by `replication.data.images.colour_digits`
    (pixel = (1 − x)·background + x·digit, random colours per image drawn from `seed`).
    Written as PNG under `<target>/<split>/<digit>/`."""
    from PIL import Image

    from replication.data.images import colour_digits

    for index, (rgb, label) in enumerate(zip(colour_digits(x, seed), y, strict=True)):
        out = target / split / str(int(label)) / f"{index:05d}.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        picture = Image.fromarray(rgb, "RGB")
        if size is not None:
            picture = picture.resize((size, size), Image.BICUBIC)
        picture.save(out)
    return target


def imagenet_layout_problems(path: Path) -> list[str]:
    """What keeps `path` from being an ImageNet ImageFolder (train/<wnid>/*.JPEG, and val/ or test/
    the same way); an empty list when it is one. Nothing is read but the folder names."""
    problems = []
    if not path.is_dir():
        return [f"{path} is not a folder"]
    train = path / "train"
    held_out = next((path / name for name in ("test", "val") if (path / name).is_dir()), None)
    if not train.is_dir():
        problems.append(f"{train} is missing (one folder per class: train/n01440764/…)")
    if held_out is None:
        problems.append(f"neither {path / 'val'} nor {path / 'test'} exists (the 50,000 validation images by class)")
    for folder in [f for f in (train, held_out) if f is not None and f.is_dir()]:
        classes = [c for c in folder.iterdir() if c.is_dir()]
        loose = [f.name for f in folder.iterdir() if f.is_file() and f.suffix.lower() in IMAGE_SUFFIXES]
        if loose:
            problems.append(f"{folder} holds images outside class folders (e.g. {loose[0]}): sort them by class first")
        if not classes:
            problems.append(f"{folder} has no class folders")
    return problems


def _square_pixels(path: Path, size: int) -> np.ndarray:
    """One image file → uint8 RGB [3, size, size]: the centred largest square, resized (bicubic)."""
    from PIL import Image

    image = _square_crop(Image.open(path).convert("RGB")).resize((size, size), Image.BICUBIC)
    return np.asarray(image, dtype=np.uint8).transpose(2, 0, 1)


def pack_imagenet(source: Path, target: Path, size: int, workers: int = 1) -> Path:
    """ILSVRC-2012 in ImageFolder layout (train/<wnid>/, and test/ or val/ by wnid) → a packed folder
    (`replication.data.packed`): every image centre-cropped to a square and resized to size², in class
    then file-name order, decoded by `workers` processes. test/ is the official validation set."""
    from functools import partial
    from multiprocessing import Pool

    from replication.data.packed import pack_folder

    held_out = source / "test" if (source / "test").is_dir() else source / "val"
    classes = sorted(c.name for c in (source / "train").iterdir() if c.is_dir())
    images = {}
    for split, folder in (("train", source / "train"), ("test", held_out)):
        images[split] = [
            (partial(_square_pixels, file, size), label)
            for label, wnid in enumerate(classes)
            for file in sorted((folder / wnid).glob("*"))
            if file.suffix.lower() in IMAGE_SUFFIXES
        ]
    if workers > 1:
        with Pool(workers) as pool:
            return pack_folder(images, classes, target, size, map_fn=lambda f, xs: pool.imap(f, xs, chunksize=64))
    return pack_folder(images, classes, target, size)


def image_pair_folder(source: Path, target: Path, splits: tuple[str, ...]) -> Path:
    """An unpacked pix2pix or CycleGAN/DRIT archive in `source` (its split folders at the top or in its one
    top folder, e.g. `facades/train/`) → `target/<split>/` for each of `splits` present (moved, not copied;
    `splits[0]` must be there). A `target` from an earlier run is replaced. Images stay as published:
    `replication.data.image_pairs` splits the pix2pix halves and resizes on loading."""
    found = _single_folder(source, splits[0])
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for split in splits:
        if (found / split).is_dir():
            os.replace(found / split, target / split)
    return target


def _single_folder(source: Path, marker: str) -> Path:
    """`source` itself or the one folder below it that holds `marker` (an archive's top folder)."""
    if (source / marker).exists():
        return source
    found = sorted(p.parent for p in source.glob(f"*/{marker}"))
    if len(found) != 1:
        raise FileNotFoundError(f"{source} does not hold {marker} (nor does exactly one folder below it)")
    return found[0]
