"""The data paths of issue #16 in data_scripts/: each official layout (a tiny synthetic copy) prepared into
the ImageFolder layout the loader reads, checksum failures, a resumed download from a loopback server,
and the messages for what cannot be fetched here. No test touches the network."""

from __future__ import annotations

import hashlib
import io
import tarfile
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from data_scripts import download as dl
from data_scripts import prepare
from replication.data.images import load_dataset, load_image_folder


def _jpeg(colour: tuple[int, int, int], size: tuple[int, int] = (64, 64)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


def _tiny_imagenet_zip(path: Path) -> Path:
    wnids = ["n01443537", "n01629819"]
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("tiny-imagenet-200/wnids.txt", "\n".join(wnids) + "\n")
        annotations = []
        for k, wnid in enumerate(wnids):
            for i in range(3):
                archive.writestr(f"tiny-imagenet-200/train/{wnid}/images/{wnid}_{i}.JPEG", _jpeg((80 * k, 10 * i, 0)))
                name = f"val_{k * 3 + i}.JPEG"
                archive.writestr(f"tiny-imagenet-200/val/images/{name}", _jpeg((0, 80 * k, 10 * i)))
                annotations.append(f"{name}\t{wnid}\t0\t0\t63\t63")
            archive.writestr(f"tiny-imagenet-200/train/{wnid}/{wnid}_boxes.txt", "")  # not an image: ignored
        archive.writestr("tiny-imagenet-200/val/val_annotations.txt", "\n".join(annotations) + "\n")
        archive.writestr("tiny-imagenet-200/test/images/test_0.JPEG", _jpeg((1, 2, 3)))  # unlabelled: left out
    return path


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


@pytest.fixture
def tiny_zip(tmp_path, monkeypatch):
    path = _tiny_imagenet_zip(tmp_path / "tiny-imagenet-200.zip")
    archive = dl.Archive("http://127.0.0.1:9/tiny-imagenet-200.zip", _md5(path), "tiny-imagenet-200.zip")
    monkeypatch.setitem(dl.DATASETS, "tiny-imagenet", [archive])
    return path


def test_list_shows_every_data_set_with_its_size_and_what_it_feeds(capsys):
    assert dl.main(["--list"]) == 0
    out = capsys.readouterr().out
    for name in ("mnist5k", "cifar10", "flowers102", "cub200", "celeba", "celeba-identities", "tiny-imagenet"):
        assert f"| {name} |" in out
    assert "| colormnist |" in out and "| imagenet | never downloaded" in out
    assert "CVAE-GAN T1 faces row (substitute for FaceScrub" in out


def test_an_unknown_data_set_lists_the_valid_names(tmp_path):
    with pytest.raises(SystemExit, match="Valid: mnist5k, digits, cifar10"):
        dl.main(["tinyimagenet", "--data-root", str(tmp_path)])


def test_tiny_imagenet_from_a_local_zip_becomes_an_image_folder(tiny_zip, tmp_path, capsys):
    assert dl.main(["tiny-imagenet", "--from-zip", str(tiny_zip), "--data-root", str(tmp_path / "data")]) == 0
    target = tmp_path / "data" / "tiny-imagenet"
    assert f"in {target}; use dataset=tiny-imagenet" in capsys.readouterr().out  # the default folder: loadable by name
    data = load_dataset("tiny-imagenet", root=tmp_path / "data")
    assert data.name == "tiny-imagenet"
    assert data.class_names == ["n01443537", "n01629819"] and data.image_shape == (3, 64, 64)
    assert len(data.train_x) == 6 and len(data.test_x) == 6  # the labelled validation set is test/
    assert sorted(data.test_y.tolist()) == [0, 0, 0, 1, 1, 1]


def test_a_corrupt_local_copy_is_refused_by_its_checksum(tiny_zip, tmp_path):
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(tiny_zip.read_bytes()[:-10])
    with pytest.raises(SystemExit, match=r"tiny-imagenet: .*damaged.zip: MD5 .* a corrupt copy\?"):
        dl.main(["tiny-imagenet", "--from-zip", str(damaged), "--data-root", str(tmp_path / "data")])
    assert not (tmp_path / "data" / "tiny-imagenet").exists()


class _ArchiveHandler(BaseHTTPRequestHandler):
    body = b""
    ranges: list = []

    def do_GET(self):  # noqa: N802 - http.server's name
        header = self.headers.get("Range")
        _ArchiveHandler.ranges.append(header)
        start = int(header.split("=")[1].rstrip("-")) if header else 0
        self.send_response(206 if header else 200)
        self.send_header("Content-Length", str(len(self.body) - start))
        self.end_headers()
        self.wfile.write(self.body[start:])

    def log_message(self, *args):
        pass


def test_tiny_imagenet_download_resumes_checks_its_md5_and_prepares(tiny_zip, tmp_path, monkeypatch, capsys):
    _ArchiveHandler.body, _ArchiveHandler.ranges = tiny_zip.read_bytes(), []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ArchiveHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/tiny-imagenet-200.zip"
        monkeypatch.setitem(dl.DATASETS, "tiny-imagenet", [dl.Archive(url, _md5(tiny_zip), "tiny-imagenet-200.zip")])
        source = tmp_path / "data" / "tiny-imagenet-official"
        source.mkdir(parents=True)
        (source / "tiny-imagenet-200.zip.part").write_bytes(_ArchiveHandler.body[:500])  # an interrupted download
        assert dl.main(["tiny-imagenet", "--data-root", str(tmp_path / "data"), "--size", "32"]) == 0
    finally:
        server.shutdown()
    assert _ArchiveHandler.ranges == ["bytes=500-"]
    assert load_image_folder(tmp_path / "data" / "tiny-imagenet32").image_shape == (3, 32, 32)
    assert f"use dataset=imagefolder:{tmp_path / 'data' / 'tiny-imagenet32'}" in capsys.readouterr().out  # a variant


def _cub_tgz(path: Path) -> Path:
    rows = [  # id, relative path, class, is_train, bounding box (x, y, w, h) in a 100×80 image
        (1, "001.Black_footed_Albatross/a_1.jpg", 1, 1, (10, 10, 20, 40)),
        (2, "001.Black_footed_Albatross/a_2.jpg", 1, 0, (0, 0, 100, 80)),
        (3, "002.Laysan_Albatross/b_1.jpg", 2, 1, (50, 20, 30, 30)),
        (4, "002.Laysan_Albatross/b_2.jpg", 2, 0, (70, 50, 30, 30)),
    ]
    files = {
        "CUB_200_2011/images.txt": "".join(f"{i} {p}\n" for i, p, *_ in rows).encode(),
        "CUB_200_2011/image_class_labels.txt": "".join(f"{i} {c}\n" for i, _, c, *_ in rows).encode(),
        "CUB_200_2011/train_test_split.txt": "".join(f"{i} {t}\n" for i, _, _, t, _ in rows).encode(),
        "CUB_200_2011/bounding_boxes.txt": "".join(
            f"{i} {' '.join(f'{v}.0' for v in b)}\n" for i, *_, b in rows
        ).encode(),
    }
    for _, relative, *_ in rows:
        files[f"CUB_200_2011/images/{relative}"] = _jpeg((200, 100, 50), (100, 80))
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_cub200_is_split_officially_and_cropped_around_the_bird(tmp_path, monkeypatch):
    tgz = _cub_tgz(tmp_path / "CUB_200_2011.tgz")
    monkeypatch.setitem(dl.DATASETS, "cub200", [dl.Archive("http://127.0.0.1:9/x", _md5(tgz), "CUB_200_2011.tgz")])
    assert dl.main(["cub200", "--from-zip", str(tgz), "--data-root", str(tmp_path / "data")]) == 0
    target = tmp_path / "data" / "cub200"
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*.jpg")) == [
        "test/001.Black_footed_Albatross/a_2.jpg",
        "test/002.Laysan_Albatross/b_2.jpg",
        "train/001.Black_footed_Albatross/a_1.jpg",
        "train/002.Laysan_Albatross/b_1.jpg",
    ]
    # box 20×40 at (10, 10): a square of side 1.5·40 = 60 centred on (20, 30), clipped at the image's top-left
    assert Image.open(target / "train/001.Black_footed_Albatross/a_1.jpg").size == (50, 60)
    assert Image.open(target / "test/002.Laysan_Albatross/b_2.jpg").size == (38, 38)  # clipped at the bottom right
    data = load_image_folder(target, image_size=16)
    assert data.class_names == ["001.Black_footed_Albatross", "002.Laysan_Albatross"] and len(data.train_x) == 2


def test_celeba_identities_keeps_the_largest_identities_and_holds_out_each_ones_last_images(tmp_path):
    images = {f"{i:06d}.jpg": _jpeg((i * 20, 0, 0), (40, 50)) for i in range(1, 10)}
    lines = ["000001.jpg 7", "000002.jpg 7", "000003.jpg 7", "000004.jpg 3", "000005.jpg 3", "000006.jpg 3"]
    lines += ["000007.jpg 5", "000008.jpg 9", "000009.jpg 9", "000404.jpg 5"]  # 000404.jpg is not at hand
    target = prepare.celeba_identities(images, images.__getitem__, lines, tmp_path / "faces", identities=2, size=16)
    found = sorted(p.relative_to(target).as_posix() for p in target.rglob("*.jpg"))
    assert found == [  # identities 3 and 7 (3 images each) beat 9 (2) and 5 (1)
        "test/00003/000006.jpg",
        "test/00007/000003.jpg",
        "train/00003/000004.jpg",
        "train/00003/000005.jpg",
        "train/00007/000001.jpg",
        "train/00007/000002.jpg",
    ]
    assert load_image_folder(target).image_shape == (3, 16, 16)


def test_celeba_without_gdown_names_gdown_and_the_local_zip(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "gdown", None)  # `import gdown` raises ImportError
    for name in ("celeba", "celeba-identities"):
        with pytest.raises(SystemExit) as stop:
            dl.main([name, "--data-root", str(tmp_path)])
        message = str(stop.value)
        assert "needs gdown (pip install gdown)" in message and "--from-zip img_align_celeba.zip" in message


def test_a_drive_file_is_checked_against_its_md5(tmp_path, monkeypatch):
    import sys
    import types

    fake = types.ModuleType("gdown")
    fake.download = lambda id, output, quiet: Path(output).write_bytes(b"an HTML quota page") and output
    monkeypatch.setitem(sys.modules, "gdown", fake)
    with pytest.raises(dl.ChecksumError, match="identity_CelebA.txt: MD5"):
        dl.fetch_from_drive("identity_CelebA.txt", tmp_path)
    assert not list(tmp_path.iterdir())  # the bad partial file is gone


def test_color_mnist_paints_the_digit_and_the_background_with_random_colours(tmp_path):
    digits = np.zeros((4, 8, 8))
    digits[:, 2:6, 3:5] = 1.0  # a bar: the digit
    target = prepare.color_mnist(digits, np.array([0, 1, 0, 1]), tmp_path / "cm", "train", seed=3)
    first = np.asarray(Image.open(target / "train/0/00000.png"), dtype=float)
    background, digit = first[0, 0], first[3, 3]
    assert (first[:2] == background).all() and (first[2:6, 3:5] == digit).all()
    assert np.abs(background - digit).sum() > 0
    again = prepare.color_mnist(digits, np.array([0, 1, 0, 1]), tmp_path / "cm2", "train", seed=3)
    assert (np.asarray(Image.open(again / "train/0/00000.png")) == first).all()  # deterministic by seed


def test_colormnist_is_built_offline_from_an_embedded_set(tmp_path, capsys):
    assert dl.main(["colormnist", "--source", "digits", "--data-root", str(tmp_path)]) == 0
    data = load_image_folder(tmp_path / "colormnist-digits")
    assert data.image_shape == (3, 8, 8) and data.num_classes == 10
    assert "dataset=imagefolder:" in capsys.readouterr().out


def test_imagenet_is_never_downloaded_and_its_layout_is_checked(tmp_path, capsys):
    with pytest.raises(SystemExit, match="never downloaded here"):
        dl.main(["imagenet", "--data-root", str(tmp_path)])
    copy = tmp_path / "ilsvrc"
    (copy / "train" / "n01440764").mkdir(parents=True)
    (copy / "val").mkdir()
    (copy / "val" / "ILSVRC2012_val_00000001.JPEG").write_bytes(b"x")
    with pytest.raises(SystemExit, match="outside class folders .* sort them by class first"):
        dl.main(["imagenet", "--from-dir", str(copy)])
    (copy / "val" / "ILSVRC2012_val_00000001.JPEG").unlink()
    (copy / "val" / "n01440764").mkdir()
    for folder in (copy / "train" / "n01440764", copy / "val" / "n01440764"):
        Image.new("RGB", (12, 9), (200, 10, 10)).save(folder / "a.JPEG")
    assert dl.main(["imagenet", "--from-dir", str(copy), "--size", "8", "--data-root", str(tmp_path)]) == 0
    assert f"packed into {tmp_path / 'imagenet8'}; use dataset=imagenet image_size=8" in capsys.readouterr().out


# MSGAN's image-to-image sets: no published checksum for their URLs, so trust on first download.


def _pair_jpeg(left: tuple[int, int, int], right: tuple[int, int, int]) -> bytes:
    image = Image.new("RGB", (32, 16), left)
    image.paste(Image.new("RGB", (16, 16), right), (16, 0))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=100)
    return buffer.getvalue()


def _facades_tgz(path: Path, shade: int = 0) -> Path:
    """pix2pix's layout: facades/{train,val,test}/<n>.jpg, photo (A) | labels (B)."""
    files = {f"facades/train/{i}.jpg": _pair_jpeg((200, shade, 0), (0, 0, 200)) for i in (1, 2)}
    files["facades/val/1.jpg"] = _pair_jpeg((0, 200, 0), (200, 200, 200))
    files["facades/test/1.jpg"] = _pair_jpeg((0, 0, 0), (0, 0, 0))
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _unpaired_zip(path: Path, top: str = "") -> Path:
    """CycleGAN / DRIT layout: [top/]{trainA,trainB,testA,testB}/*.jpg (`top` = "" for none)."""
    with zipfile.ZipFile(path, "w") as archive:
        for k, split in enumerate(("trainA", "trainB", "testA", "testB")):
            for i in range(2):
                archive.writestr(f"{top}{split}/{i}.jpg", _jpeg((60 * k, 10 * i, 0), (20, 20)))
    return path


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_list_shows_the_image_to_image_sets_and_their_trust_on_first_download(capsys):
    assert dl.main(["--list"]) == 0
    rows = {line.split(" | ")[0].lstrip("| "): line for line in capsys.readouterr().out.splitlines()}
    for name in ("facades", "maps"):
        assert "checksum: recorded at first download" in rows[name] and "MSGAN Pix2Pix" in rows[name]
    for name in ("yosemite", "cat2dog"):
        assert "checksum: recorded at first download" in rows[name] and "MSGAN DRIT" in rows[name]
    assert "MSGAN Pix2Pix stand-in at smoke/cpu" in rows["digits-lowres"]
    assert "MSGAN DRIT stand-in at smoke/cpu" in rows["colour-thin-thick"]


def test_the_image_to_image_urls_are_the_projects_own_and_none_is_pinned():
    urls = {name: dl.DATASETS[name][0].url for name in dl.IMAGE_PAIR_DOWNLOADS}
    assert urls == {
        "facades": "http://efrosgans.eecs.berkeley.edu/pix2pix/datasets/facades.tar.gz",
        "maps": "http://efrosgans.eecs.berkeley.edu/pix2pix/datasets/maps.tar.gz",
        "yosemite": "http://efrosgans.eecs.berkeley.edu/cyclegan/datasets/summer2winter_yosemite.zip",
        "cat2dog": "http://vllab.ucmerced.edu/hylee/DRIT/datasets/cat2dog.zip",  # DRIT's download_dataset.sh
    }
    assert all(dl.DATASETS[name][0].md5 == "" for name in urls)  # none published for these URLs


def test_offline_stand_ins_need_no_download(tmp_path, capsys):
    assert dl.main(["digits-lowres", "--data-root", str(tmp_path)]) == 0
    assert "offline (built from mnist5k)" in capsys.readouterr().out and not list(tmp_path.iterdir())


@pytest.fixture
def facades_server(tmp_path, monkeypatch):
    """A loopback server for facades.tar.gz; yields the archive, whose bytes tests may swap."""
    tgz = _facades_tgz(tmp_path / "facades.tar.gz")
    _ArchiveHandler.body, _ArchiveHandler.ranges = tgz.read_bytes(), []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ArchiveHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/facades.tar.gz"
    monkeypatch.setitem(dl.DATASETS, "facades", [dl.Archive(url, "", "facades.tar.gz")])
    yield tgz
    server.shutdown()


def test_facades_download_resumes_records_its_sha256_and_loads(facades_server, tmp_path, capsys):
    from replication.data.image_pairs import load_paired

    root = tmp_path / "data"
    (root / "facades-official").mkdir(parents=True)
    (root / "facades-official" / "facades.tar.gz.part").write_bytes(_ArchiveHandler.body[:500])  # interrupted
    assert dl.main(["facades", "--data-root", str(root)]) == 0
    assert _ArchiveHandler.ranges == ["bytes=500-"]
    assert (root / "facades.sha256").read_text() == f"{_sha256(facades_server)}  facades.tar.gz\n"
    out = capsys.readouterr().out
    assert "recorded its SHA-256" in out and f"test/, train/, val/ in {root / 'facades'}" in out
    assert "replication.data.image_pairs.load_paired('facades')" in out
    data = load_paired("facades", image_size=8, root=root)
    assert data.train_input.shape == (2, 3, 8, 8) and data.test_input.shape == (1, 3, 8, 8)
    assert data.test_target[0, :, 4, 4].tolist() == pytest.approx([-1, 200 / 255 * 2 - 1, -1], abs=0.03)  # photo
    assert dl.main(["facades", "--data-root", str(root)]) == 0  # again: the archive is there and matches
    assert _ArchiveHandler.ranges == ["bytes=500-"] and load_paired("facades", 8, root).checksum == data.checksum


def test_a_changed_archive_is_refused_against_the_first_downloads_record(facades_server, tmp_path):
    root = tmp_path / "data"
    assert dl.main(["facades", "--data-root", str(root)]) == 0
    record = (root / "facades.sha256").read_text()
    (root / "facades-official" / "facades.tar.gz").unlink()
    _ArchiveHandler.body = _facades_tgz(tmp_path / "other.tar.gz", shade=90).read_bytes()  # the server's copy changed
    with pytest.raises(SystemExit, match=r"facades: .*SHA-256 .* recorded in .*facades.sha256 at first download"):
        dl.main(["facades", "--data-root", str(root)])
    assert not list((root / "facades-official").glob("facades.tar.gz*"))  # the download was removed
    assert (root / "facades.sha256").read_text() == record and (root / "facades" / "train" / "1.jpg").exists()


def test_a_local_copy_is_recorded_then_checked_and_both_layouts_load(tmp_path, capsys):
    from replication.data.image_pairs import load_unpaired

    root = tmp_path / "data"
    flat = _unpaired_zip(tmp_path / "cat2dog.zip")  # no top folder
    assert dl.main(["cat2dog", "--from-zip", str(flat), "--data-root", str(root)]) == 0
    assert (root / "cat2dog.sha256").read_text() == f"{_sha256(flat)}  cat2dog.zip\n"
    data = load_unpaired("cat2dog", image_size=8, root=root)
    assert (data.domain_a, data.domain_b) == ("cat", "dog") and data.train_b.shape == (2, 3, 8, 8)
    other = _unpaired_zip(tmp_path / "other.zip", top="x/")
    with pytest.raises(SystemExit, match=r"cat2dog: .*other.zip: SHA-256 .* recorded in .*cat2dog.sha256"):
        dl.main(["cat2dog", "--from-zip", str(other), "--data-root", str(root)])
    assert load_unpaired("cat2dog", image_size=8, root=root).checksum == data.checksum  # untouched
    nested = _unpaired_zip(tmp_path / "summer2winter_yosemite.zip", top="summer2winter_yosemite/")
    assert dl.main(["yosemite", "--from-zip", str(nested), "--data-root", str(root)]) == 0
    assert "differs from" in capsys.readouterr().out  # not the file TFDS published for the old mirror
    yosemite = load_unpaired("yosemite", image_size=8, root=root)
    assert (yosemite.domain_a, yosemite.domain_b) == ("summer", "winter") and yosemite.test_a.shape == (2, 3, 8, 8)
    assert sorted(p.name for p in (root / "yosemite").iterdir()) == ["testA", "testB", "trainA", "trainB"]


def test_without_network_the_message_names_the_url_and_the_local_copy(tmp_path, monkeypatch):
    import urllib.error

    def unreachable(*args, **kwargs):
        raise urllib.error.URLError(OSError(101, "Network is unreachable"))

    monkeypatch.setattr(dl.urllib.request, "urlopen", unreachable)
    for name, filename in (("maps", "maps.tar.gz"), ("yosemite", "summer2winter_yosemite.zip")):
        with pytest.raises(SystemExit) as stop:
            dl.main([name, "--data-root", str(tmp_path)])
        message = str(stop.value)
        assert "\n" not in message and "no network?" in message
        assert f"fetch {dl.DATASETS[name][0].url} elsewhere" in message
        assert f"download.py {name} --from-zip {filename}" in message
    assert not (tmp_path / "maps.sha256").exists()  # nothing is recorded without a finished download
