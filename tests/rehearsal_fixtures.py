"""Tiny copies of the paper data sets, written in the exact on-disk layout that `data_scripts/download.py`
(and `data_scripts/prepare.py`) leave under the data root, for the gpu/paper dress rehearsal
(`tests/test_gpu_rehearsal.py`, `data_scripts/gpu_check.sh`).

Each builder takes the data root and writes a handful of random images per class; the loaders in
`replication.data` read them as they would the real set. CIFAR-10's loader (torchvision) checks the official
MD5 of every batch file, which no fixture can match: `cifar10` writes the fixture's own MD5s beside the batches
and `rehearsal_site/sitecustomize.py` (on the kernel's PYTHONPATH) points torchvision's check at them, so the
check still runs, against the fixture's files. Likewise AlexNet's weights for LPIPS (`alexnet_features`), under
`<root>/torch` (the kernel's TORCH_HOME).

    python tests/rehearsal_fixtures.py DATA_ROOT    # every fixture (what gpu_check.sh does on the device)
"""

from __future__ import annotations

import hashlib
import json
import pickle
import sys
from pathlib import Path

import numpy as np

SITE_DIR = Path(__file__).resolve().parent / "rehearsal_site"  # put first on the kernel's PYTHONPATH
CIFAR_MD5_ENV = "REHEARSAL_CIFAR_MD5"  # the JSON {file name: md5} that sitecustomize gives torchvision
CIFAR_FOLDER = "cifar-10-batches-py"  # what the official tarball unpacks to (download.py cifar10)
TORCH_HOME = "torch"  # under the data root: the kernel's TORCH_HOME, with the AlexNet fixture in its hub cache
ALEXNET_ENV = "REHEARSAL_ALEXNET"  # the fixture AlexNet's weights file (sitecustomize points LPIPS at it)


def _rng(name: str) -> np.random.Generator:
    return np.random.default_rng(int(hashlib.sha256(name.encode()).hexdigest()[:8], 16))


def _picture(rng: np.random.Generator, width: int, height: int, tint: int):
    """A noisy RGB image with a class-dependent tint (so a classifier has something to learn)."""
    from PIL import Image

    pixels = rng.integers(0, 256, size=(height, width, 3)).astype(np.int32)
    pixels[..., tint % 3] = (pixels[..., tint % 3] + 80 * (1 + tint)) % 256
    return Image.fromarray(pixels.astype(np.uint8), "RGB")


def cifar10(root: Path, classes: int = 2, train_per_class: int = 40, test_per_class: int = 10) -> Path:
    """`<root>/cifar-10-batches-py/`: data_batch_1..5, test_batch, batches.meta (the python pickles of the
    official tarball: 'data' N×3072 uint8 in CHW order, 'labels'; meta 'label_names'), plus the fixture's MD5s."""
    folder = root / CIFAR_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    rng = _rng("cifar10")

    def batch(per_class: int) -> tuple[np.ndarray, list[int]]:
        labels = [c for c in range(classes) for _ in range(per_class)]
        data = np.stack([np.asarray(_picture(rng, 32, 32, c)).transpose(2, 0, 1).reshape(-1) for c in labels])
        return data.astype(np.uint8), labels

    def dump(name: str, payload: dict) -> None:
        with open(folder / name, "wb") as handle:
            pickle.dump(payload, handle, protocol=2)

    data, labels = batch(train_per_class)
    for index, part in enumerate(np.array_split(np.arange(len(labels)), 5), start=1):
        dump(f"data_batch_{index}", {"data": data[part], "labels": [labels[i] for i in part]})
    data, labels = batch(test_per_class)
    dump("test_batch", {"data": data, "labels": labels})
    dump("batches.meta", {"label_names": [f"class{c}" for c in range(classes)], "num_vis": 3072})
    md5s = {f.name: hashlib.md5(f.read_bytes()).hexdigest() for f in sorted(folder.iterdir()) if f.suffix != ".json"}
    (folder / "fixture-md5.json").write_text(json.dumps(md5s, indent=1))
    return folder


def image_folder(target: Path, classes: list[str], train: int, test: int, size: tuple[int, int]) -> Path:
    """`<target>/{train,test}/<class>/*.jpg` (what prepare.py writes for flowers102, celeba-identities, …)."""
    rng = _rng(str(target.name))
    for c, name in enumerate(classes):
        for split, count in (("train", train), ("test", test)):
            out = target / split / name
            out.mkdir(parents=True, exist_ok=True)
            for i in range(count):
                _picture(rng, *size, c).save(out / f"image_{c:03d}{i:04d}.jpg", quality=95)
    return target


def flowers102(root: Path, classes: int = 3, train: int = 24, test: int = 6) -> Path:
    """`<root>/flowers102/`: classes `001`…, images at their own (non-square) size, as download.py keeps them."""
    return image_folder(root / "flowers102", [f"{c + 1:03d}" for c in range(classes)], train, test, (90, 70))


def celeba_identities(root: Path, identities: int = 3, train: int = 24, test: int = 3) -> Path:
    """`<root>/celeba-identities64/`: one class per identity (`00042`), 64×64 squares (prepare.celeba_identities)."""
    names = [f"{100 + c:05d}" for c in range(identities)]
    return image_folder(root / "celeba-identities64", names, train, test, (64, 64))


def facades(root: Path, train: int = 8, val: int = 6, side: int = 64) -> Path:
    """`<root>/facades/{train,val}/*.jpg`: each file photo | label map side by side (pix2pix's archive). The quick
    check's NDB fits 5 bins to the training targets and compares each input with its 5 nearest: ≥ 5 of each."""
    rng = _rng("facades")
    for split, count in (("train", train), ("val", val)):
        (root / "facades" / split).mkdir(parents=True, exist_ok=True)
        for i in range(count):
            _picture(rng, 2 * side, side, i).save(root / "facades" / split / f"{i + 1}.jpg", quality=95)
    return root / "facades"


def yosemite(root: Path, per_split: int = 6, side: int = 64) -> Path:
    """`<root>/yosemite/{trainA,trainB,testA,testB}/*.jpg` (CycleGAN's summer2winter layout, as DRIT reads it);
    ≥ 5 a domain for the quick check's 5 NDB bins."""
    rng = _rng("yosemite")
    for s, split in enumerate(("trainA", "trainB", "testA", "testB")):
        (root / "yosemite" / split).mkdir(parents=True, exist_ok=True)
        for i in range(per_split):
            _picture(rng, side, side, s % 2).save(root / "yosemite" / split / f"{i:04d}.jpg", quality=95)
    return root / "yosemite"


def cub200_text(root: Path, classes: int = 5, per_class: int = 10, test_classes: int = 2) -> Path:
    """CUB-200-2011's images (`cub200-official/CUB_200_2011/{images/,images.txt,bounding_boxes.txt}`) and
    StackGAN's birds.zip unpacked (`cub200-text/birds/{train,test}/*.pickle`), split by class as StackGAN's."""
    rng = _rng("cub200")
    cub = root / "cub200-official" / "CUB_200_2011"
    keys: dict[str, list[str]] = {"train": [], "test": []}
    ids: dict[str, list[int]] = {"train": [], "test": []}
    lines, boxes = [], []
    for c in range(classes):
        split = "test" if c >= classes - test_classes else "train"
        folder = f"{c + 1:03d}.Bird_{c + 1}"
        for i in range(per_class):
            key = f"{folder}/Bird_{c + 1}_{i:04d}"
            (cub / "images" / folder).mkdir(parents=True, exist_ok=True)
            _picture(rng, 80, 60, c).save(cub / "images" / f"{key}.jpg", quality=95)
            lines.append(f"{len(lines) + 1} {key}.jpg")
            boxes.append(f"{len(boxes) + 1} 15.0 10.0 40.0 30.0")
            keys[split].append(key)
            ids[split].append(c + 1)
    (cub / "images.txt").write_text("\n".join(lines) + "\n")
    (cub / "bounding_boxes.txt").write_text("\n".join(boxes) + "\n")
    for split in ("train", "test"):
        folder = root / "cub200-text" / "birds" / split
        folder.mkdir(parents=True, exist_ok=True)
        embeddings = rng.normal(size=(len(keys[split]), 10, 1024)).astype(np.float32)
        for name, value in (
            ("filenames.pickle", keys[split]),
            ("char-CNN-RNN-embeddings.pickle", embeddings),
            ("class_info.pickle", ids[split]),
        ):
            with open(folder / name, "wb") as handle:
                pickle.dump(value, handle, protocol=2)
    return root / "cub200-text"


def alexnet_features(torch_home: Path) -> Path:
    """AlexNet's `features.*` weights (random, in torchvision's format), all of AlexNet that LPIPS reads
    (`replication.metrics.lpips`; the Pix2Pix, DRIT and StackGAN++ tables need real LPIPS at gpu/paper), in
    `<torch_home>/hub/checkpoints/alexnet-owt-<its own sha256 prefix>.pth`: torch hub's naming, which
    `rehearsal_site/sitecustomize.py` makes LPIPS look for instead of the published file."""
    import torch
    from torchvision.models import alexnet

    torch.manual_seed(0)
    state = {k: v for k, v in alexnet(weights=None).state_dict().items() if k.startswith("features.")}
    folder = torch_home / "hub" / "checkpoints"
    folder.mkdir(parents=True, exist_ok=True)
    torch.save(state, folder / "alexnet.part")
    digest = hashlib.sha256((folder / "alexnet.part").read_bytes()).hexdigest()
    return (folder / "alexnet.part").rename(folder / f"alexnet-owt-{digest[:8]}.pth")


BUILDERS = {
    "cifar10": cifar10,
    "facades": facades,
    "yosemite": yosemite,
    "cub200": cub200_text,
    "flowers102": flowers102,
    "celeba-identities": celeba_identities,
}


def build_all(root: Path) -> Path:
    """Every fixture under `root` (the data root a rehearsal points REPLICATION_DATA_ROOT at)."""
    for build in BUILDERS.values():
        build(root)
    alexnet_features(root / TORCH_HOME)
    return root


if __name__ == "__main__":
    print(build_all(Path(sys.argv[1])))
