"""Download and prepare the real data sets, with checksums and resumable downloads.

    python data_scripts/download.py cifar10 [--data-root DIR]
    python data_scripts/download.py --list

Files land under the data root (`REPLICATION_DATA_ROOT`, default ~/.cache/replication/data),
where `replication.data.load_dataset` looks for them. An interrupted download resumes from the
partial file (HTTP Range); a finished file whose MD5 does not match is deleted and reported.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tarfile
import urllib.request
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


class ChecksumError(RuntimeError):
    """A downloaded file does not match its published MD5."""


def md5_file(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def download(url: str, target: Path, md5: str, chunk_size: int = 1 << 20) -> Path:
    """Fetch `url` into `target`, resuming `target.part` if present, then verify the MD5."""
    target = Path(target)
    if target.exists() and md5_file(target) == md5:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    offset = partial.stat().st_size if partial.exists() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={offset}-"} if offset else {})
    with urllib.request.urlopen(request, timeout=60) as response:
        resumed = offset and getattr(response, "status", 200) == 206
        with open(partial, "ab" if resumed else "wb") as handle:
            for chunk in iter(lambda: response.read(chunk_size), b""):
                handle.write(chunk)
    actual = md5_file(partial)
    if actual != md5:
        partial.unlink()
        raise ChecksumError(f"{url}: MD5 {actual} != expected {md5}; the partial file was removed, run again.")
    os.replace(partial, target)
    return target


def fetch(name: str, root: Path) -> Path:
    if name not in DATASETS:
        raise SystemExit(f"Unknown data set {name!r}. Downloadable: {', '.join(DATASETS)}.")
    for archive in DATASETS[name]:
        path = download(archive.url, root / archive.filename, archive.md5)
        if archive.extract:
            with tarfile.open(path) as tar:
                tar.extractall(root, filter="data")
        print(f"{name}: {path} (MD5 ok)")
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", nargs="?", help=f"one of: {', '.join(DATASETS)}")
    parser.add_argument(
        "--data-root", type=Path, default=None, help="default: $REPLICATION_DATA_ROOT or ~/.cache/replication/data"
    )
    parser.add_argument("--list", action="store_true", help="list the downloadable data sets")
    args = parser.parse_args(argv)
    if args.list or not args.dataset:
        for name, archives in DATASETS.items():
            print(f"{name}: " + ", ".join(a.url for a in archives))
        return 0
    fetch(args.dataset, Path(args.data_root or data_root()).expanduser())
    return 0


if __name__ == "__main__":
    sys.exit(main())
