"""Download and prepare the real data sets, with checksums and resumable downloads.

    python data_scripts/download.py cifar10 [--data-root DIR]
    python data_scripts/download.py flowers102 [--size 64]         # → DATA_ROOT/flowers102 (ImageFolder)
    python data_scripts/download.py flowers102 --from-zip FILE.zip  # a local copy with jpg/ + the .mat files
    python data_scripts/download.py celeba --from-zip FILE.zip [--size 64]  # aligned CelebA images → ImageFolder
    python data_scripts/download.py --list

Files land under the data root (`REPLICATION_DATA_ROOT`, default ~/.cache/replication/data),
where `replication.data.load_dataset` looks for them. An interrupted download resumes from the
partial file (HTTP Range); a freshly downloaded file whose MD5 does not match is deleted and reported;
a file already at the final name whose MD5 does not match is moved aside to `<name>.bad-<md5 prefix>`.
Without network, a full disk or a bad checksum the script says so in one line and exits with status 1.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import hashlib
import http.client
import os
import sys
import tarfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from replication.paths import data_root  # noqa: E402


@dataclass(frozen=True)
class Archive:
    url: str
    md5: str
    filename: str
    extract: bool = True


DATASETS: dict[str, list[Archive]] = {
    # The official CIFAR-10 python batches (the same URL and MD5 torchvision uses).
    "cifar10": [
        Archive(
            "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
            "c58f30108f718f92721af3b95e74349a",
            "cifar-10-python.tar.gz",
        )
    ],
}


_FLOWERS = "https://www.robots.ox.ac.uk/~vgg/data/flowers/102/"  # the URLs and MD5s torchvision uses
DATASETS["flowers102"] = [
    Archive(_FLOWERS + "102flowers.tgz", "52808999861908f626f3c1f4e79d11fa", "102flowers.tgz"),
    Archive(_FLOWERS + "imagelabels.mat", "e0620be6f572b9609742df49c70aed4d", "imagelabels.mat", extract=False),
    Archive(_FLOWERS + "setid.mat", "a5357ecc9cb78c4bef273ce3793fc85c", "setid.mat", extract=False),
]


class ChecksumError(RuntimeError):
    """A downloaded file does not match its published MD5."""


class DownloadError(RuntimeError):
    """The server could not be reached or the transfer broke off (no network, timeout, HTTP error)."""


class NoSpaceError(OSError):
    """The disk filled up while writing under the data root."""

    def __str__(self) -> str:
        return str(self.strerror)  # the message alone, without OSError's "[Errno 28]"


# What to do instead when the network is not there (the script's one-line message names it).
LOCAL_ALTERNATIVES = {
    "cifar10": "copy cifar-10-python.tar.gz (fetched on any machine with network) to {root}/cifar-10-python.tar.gz "
    "and run this again (a file with the right MD5 is extracted, not fetched); offline sets: mnist5k, digits",
    "flowers102": "fetch 102flowers.tgz, imagelabels.mat and setid.mat elsewhere, zip its jpg/ folder with the two "
    ".mat files and run: python data_scripts/download.py flowers102 --from-zip FILE.zip",
}


@contextlib.contextmanager
def disk_space(folder: Path, note: str = ""):
    """Turn a full-disk OSError (ENOSPC) raised while writing under `folder` into a NoSpaceError naming it."""
    try:
        yield
    except OSError as error:
        if error.errno != errno.ENOSPC or isinstance(error, NoSpaceError):
            raise
        raise NoSpaceError(
            errno.ENOSPC, f"no space left on {folder}; free some space or pick another --data-root{note}"
        ) from error


def md5_file(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _move_aside(path: Path, expected: str) -> Path | None:
    """Rename a file at the final name whose MD5 is not `expected` to `<name>.bad-<md5 prefix>`; None if it is good."""
    actual = md5_file(path)
    if actual == expected:
        return None
    aside = path.with_name(f"{path.name}.bad-{actual[:8]}")
    os.replace(path, aside)
    print(f"{path}: MD5 {actual} != expected {expected}; moved aside to {aside.name}, fetching again.", file=sys.stderr)
    return aside


def download(url: str, target: Path, md5: str, chunk_size: int = 1 << 20) -> Path:
    """Fetch `url` into `target`, resuming `target.part` if present, then verify the MD5.

    A file already at `target` with another MD5 is moved aside (see `_move_aside`), never reused or deleted."""
    target = Path(target)
    if target.exists() and _move_aside(target, md5) is None:
        return target
    partial = target.with_name(target.name + ".part")
    with disk_space(target.parent, f" (the partial {partial.name} is kept; the download resumes from it)"):
        target.parent.mkdir(parents=True, exist_ok=True)
        offset = partial.stat().st_size if partial.exists() else 0
        request = urllib.request.Request(url, headers={"Range": f"bytes={offset}-"} if offset else {})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                resumed = offset and getattr(response, "status", 200) == 206
                with open(partial, "ab" if resumed else "wb") as handle:
                    for chunk in iter(lambda: response.read(chunk_size), b""):
                        handle.write(chunk)
        except urllib.error.HTTPError as error:
            if not (error.code == 416 and offset):  # 416 on a resume: the partial already holds the whole file
                raise DownloadError(f"{url}: HTTP {error.code} {error.reason}") from error
        except (urllib.error.URLError, TimeoutError, ConnectionError, http.client.HTTPException) as error:
            reason = getattr(error, "reason", None) or error
            kept = f"; {partial.name} keeps what arrived and the next run resumes" if partial.exists() else ""
            raise DownloadError(f"cannot reach {url} ({reason}); no network?{kept}") from error
    actual = md5_file(partial)
    if actual != md5:
        partial.unlink()
        raise ChecksumError(f"{url}: MD5 {actual} != expected {md5}; the partial file was removed, run again.")
    os.replace(partial, target)
    return target


def prepare_flowers102(source: Path, target: Path, size: int | None = None) -> Path:
    """Official Flowers-102 files (jpg/, imagelabels.mat, setid.mat) → ImageFolder layout:
    train/<class>/ holds the official train + validation ids, test/<class>/ the official test ids.
    The .mat files are MD5-checked; `size` resizes every image to size×size (bicubic)."""
    from PIL import Image
    from scipy.io import loadmat

    for archive in DATASETS["flowers102"][1:]:
        if md5_file(source / archive.filename) != archive.md5:
            raise ChecksumError(f"{source / archive.filename} does not match the official MD5 {archive.md5}")
    labels = loadmat(source / "imagelabels.mat")["labels"].ravel()
    ids = loadmat(source / "setid.mat")
    splits = {"train": list(ids["trnid"].ravel()) + list(ids["valid"].ravel()), "test": list(ids["tstid"].ravel())}
    with disk_space(target):
        for split, image_ids in splits.items():
            for image_id in image_ids:
                name = f"image_{int(image_id):05d}.jpg"
                out = target / split / f"{int(labels[image_id - 1]):03d}" / name
                out.parent.mkdir(parents=True, exist_ok=True)
                image = Image.open(source / "jpg" / name).convert("RGB")
                if size is not None:
                    image = image.resize((size, size), Image.BICUBIC)
                image.save(out, quality=95)
    return target


def prepare_celeba(images: list[tuple[str, bytes]], target: Path, size: int = 64, held_out: float = 0.1) -> Path:
    """Aligned CelebA JPEGs → ImageFolder layout with one class `all` (alpha-GAN is unconditional):
    a centred square crop resized to size×size; the last `held_out` fraction (by file name) is test/."""
    import io

    from PIL import Image

    images = sorted(images)
    n_test = max(1, int(round(len(images) * held_out)))
    with disk_space(target):
        for index, (name, raw) in enumerate(images):
            split = "test" if index >= len(images) - n_test else "train"
            image = Image.open(io.BytesIO(raw)).convert("RGB")
            side = min(image.size)
            left, top = (image.width - side) // 2, (image.height - side) // 2
            image = image.crop((left, top, left + side, top + side)).resize((size, size), Image.BICUBIC)
            out = target / split / "all" / Path(name).name
            out.parent.mkdir(parents=True, exist_ok=True)
            image.save(out, quality=95)
    return target


def fetch(name: str, root: Path) -> Path:
    if name not in DATASETS:
        raise SystemExit(f"Unknown data set {name!r}. Downloadable: {', '.join(DATASETS)} (and celeba --from-zip).")
    for archive in DATASETS[name]:
        path = download(archive.url, root / archive.filename, archive.md5)
        if archive.extract:
            with disk_space(root), tarfile.open(path) as tar:
                tar.extractall(root, filter="data")
        print(f"{name}: {path} (MD5 ok)")
    return root


def main(argv: list[str] | None = None) -> int:
    """The command line; a missing network, a full disk or a bad checksum end it with one line (exit status 1)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", nargs="?", help=f"one of: {', '.join(DATASETS)}")
    parser.add_argument(
        "--data-root", type=Path, default=None, help="default: $REPLICATION_DATA_ROOT or ~/.cache/replication/data"
    )
    parser.add_argument("--list", action="store_true", help="list the downloadable data sets")
    parser.add_argument("--size", type=int, default=None, help="flowers102: resize images to SIZE×SIZE")
    parser.add_argument("--from-zip", type=Path, default=None, help="flowers102: prepare from a local zip instead")
    args = parser.parse_args(argv)
    if args.list or not args.dataset:
        for name, archives in DATASETS.items():
            print(f"{name}: " + ", ".join(a.url for a in archives))
        print("celeba: prepared from a local img_align_celeba.zip (--from-zip)")
        return 0
    root = Path(args.data_root or data_root()).expanduser()
    try:
        return _run(args, root)
    except DownloadError as error:
        alternative = LOCAL_ALTERNATIVES.get(args.dataset)
        instead = f" Instead, {alternative.format(root=root)}" if alternative else ""
        raise SystemExit(f"{args.dataset}: {error}{instead}") from None
    except (NoSpaceError, ChecksumError) as error:
        raise SystemExit(f"{args.dataset}: {error}") from None


def _run(args: argparse.Namespace, root: Path) -> int:
    if args.dataset == "flowers102":
        source = root / "flowers102-official"
        if args.from_zip:
            with disk_space(source), zipfile.ZipFile(args.from_zip) as archive:
                archive.extractall(source)
        else:
            fetch(args.dataset, source)
        target = prepare_flowers102(source, root / "flowers102", args.size)
        print(f"flowers102: ImageFolder layout in {target}; use dataset=imagefolder:{target}")
        return 0
    if args.dataset == "celeba":
        if not args.from_zip:
            raise SystemExit(
                "CelebA is distributed through Google Drive, which this script cannot fetch: download "
                "img_align_celeba.zip from the CelebA page, then run: python data_scripts/download.py celeba --from-zip img_align_celeba.zip"
            )
        with zipfile.ZipFile(args.from_zip) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith(".jpg")]
            images = [(n, archive.read(n)) for n in names]
        target = prepare_celeba(images, root / f"celeba{args.size or 64}", args.size or 64)
        print(f"celeba: ImageFolder layout in {target}; use dataset=imagefolder:{target} image_size={args.size or 64}")
        return 0
    fetch(args.dataset, root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
