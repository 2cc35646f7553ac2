"""CUB-200-2011 with StackGAN++'s char-CNN-RNN sentence embeddings (the `gpu`/`paper` data of MSGAN's
StackGAN++ table).

Two downloads (`python data_scripts/download.py cub200` for the images, `python data_scripts/download.py
cub200-text` for StackGAN's `birds.zip`). Read from the data root:

- ``cub200-text/birds/{train,test}/filenames.pickle``  image keys ("001.Black_footed_Albatross/…_0046_18");
- ``cub200-text/birds/{train,test}/char-CNN-RNN-embeddings.pickle``  10 × 1024 embeddings per image;
- ``cub200-text/birds/{train,test}/class_info.pickle``  the class id (1–200) of each image;
- ``cub200-official/CUB_200_2011/{images/<key>.jpg, images.txt, bounding_boxes.txt}``.

StackGAN's split is by class (150 training, 50 held-out classes), as the paper's. Each image is cropped
square around its bounding box (side 1.5 × the box's longer edge, as StackGAN's `get_imgs`), resized
(bicubic) to `image_size`. The pickles are Python-2 pickles from the official archive; only open a
copy whose checksum the download step recorded.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import torch

from replication.core.paths import data_root
from replication.data.images import DatasetNotFoundError, ImageData, _checksum
from replication.data.text import TextData

TEXT_FOLDER = "cub200-text"
IMAGES_FOLDER = "cub200-official/CUB_200_2011"
COMMANDS = "python data_scripts/download.py cub200 && python data_scripts/download.py cub200-text"


def _pickle(path: Path):
    with open(path, "rb") as handle:
        return pickle.load(handle, encoding="latin1")


def _boxes(images_root: Path) -> dict[str, tuple[float, float, float, float]]:
    names = dict(line.split() for line in (images_root / "images.txt").read_text().splitlines() if line.strip())
    boxes = {}
    for line in (images_root / "bounding_boxes.txt").read_text().splitlines():
        if line.strip():
            index, *box = line.split()
            boxes[names[index].rsplit(".", 1)[0]] = tuple(float(v) for v in box)
    return boxes


def crop_box(width: int, height: int, box: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    """StackGAN's crop: a square of side 1.5 × the box's longer edge around its centre, inside the image."""
    x, y, w, h = box
    r = int(max(w, h) * 0.75)
    cx, cy = int((2 * x + w) / 2), int((2 * y + h) / 2)
    return max(0, cx - r), max(0, cy - r), min(width, cx + r), min(height, cy + r)


def _split(text_root: Path, images_root: Path, split: str, size: int, boxes: dict) -> tuple:
    from PIL import Image

    folder = text_root / "birds" / split
    keys = _pickle(folder / "filenames.pickle")
    embeddings = np.asarray(_pickle(folder / "char-CNN-RNN-embeddings.pickle"), dtype=np.float32)
    classes = np.asarray(_pickle(folder / "class_info.pickle"), dtype=np.int64) - 1
    pixels = np.empty((len(keys), size, size, 3), dtype=np.uint8)
    for i, key in enumerate(keys):
        with Image.open(images_root / "images" / f"{key}.jpg") as image:
            image = image.convert("RGB")
            image = image.crop(crop_box(*image.size, boxes[key])).resize((size, size), Image.BICUBIC)
            pixels[i] = np.asarray(image)
    return pixels, classes, embeddings


def load_cub_text(image_size: int = 256, root: Path | None = None):
    """`TextData` for CUB-200-2011: StackGAN's train/test split, images at `image_size`, 10 embeddings each."""

    root = Path(root or data_root())
    text_root, images_root = root / TEXT_FOLDER, root / IMAGES_FOLDER
    missing = [p for p in (text_root / "birds" / "train", images_root / "images") if not p.exists()]
    if missing:
        raise DatasetNotFoundError(
            f"CUB-200-2011 with StackGAN++'s text embeddings needs {', '.join(map(str, missing))}. Fetch them with: "
            f"{COMMANDS} (or --from-zip with local copies of CUB_200_2011.tgz and StackGAN's birds.zip)."
        )
    boxes = _boxes(images_root)
    train = _split(text_root, images_root, "train", image_size, boxes)
    test = _split(text_root, images_root, "test", image_size, boxes)

    def unit(pixels: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(pixels).permute(0, 3, 1, 2).float() / 127.5 - 1.0

    images = ImageData(
        "cub200",
        unit(train[0]),
        torch.from_numpy(train[1]),
        unit(test[0]),
        torch.from_numpy(test[1]),
        [str(c) for c in range(200)],
        _checksum(train[0], train[1], test[0], test[1]),
    )
    return TextData(
        "cub200",
        images,
        torch.from_numpy(train[2]),
        torch.from_numpy(test[2]),
        encoder="char-CNN-RNN (StackGAN++'s published birds embeddings, 1024-d)",
    )
