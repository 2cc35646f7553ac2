"""Data and download failures name what went wrong: the file, the folder, the table, the way out."""

from __future__ import annotations

import errno
import hashlib
import io
import urllib.error
import zipfile
from http.server import ThreadingHTTPServer

import pytest
from PIL import Image
from test_download import MD5, PAYLOAD, RangeHandler, server  # noqa: F401 - `server` is a fixture

from data_scripts import download as dl
from replication.data import images as rdata
from replication.data.images import load_dataset


def _png(value: int = 0, size: tuple[int, int] = (4, 4)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color=(value, value, value)).save(buffer, format="PNG")
    return buffer.getvalue()


def _zip(path, files: dict[str, bytes]):
    with zipfile.ZipFile(path, "w") as archive:
        for name, raw in files.items():
            archive.writestr(name, raw)
    return path


def _two_class_files(**overrides: bytes) -> dict[str, bytes]:
    files = {
        f"top/{split}/{label}/{i}.png": _png(v)
        for split in ("train", "test")
        for label, v in (("cat", 0), ("dog", 255))
        for i in range(2)
    }
    files.update(overrides)
    return files


# -- imagefolder: bad files are named -------------------------------------------------------------------------------


def test_a_truncated_image_in_a_zip_is_named(tmp_path):
    archive = _zip(tmp_path / "set.zip", _two_class_files(**{"top/train/dog/1.png": _png(255)[:50]}))
    with pytest.raises(ValueError, match=r"top/train/dog/1\.png") as error:
        load_dataset(f"imagefolder:{archive}")
    assert str(archive) in str(error.value)


def test_a_non_image_file_in_a_folder_is_named(tmp_path):
    folder = tmp_path / "folder"
    zipfile.ZipFile(_zip(tmp_path / "set.zip", _two_class_files(**{"top/test/cat/0.png": b"not an image"}))).extractall(
        folder
    )
    with pytest.raises(ValueError, match=r"test/cat/0\.png"):
        load_dataset(f"imagefolder:{folder / 'top'}")


def test_an_image_of_another_size_names_the_file_and_both_sizes(tmp_path):
    archive = _zip(tmp_path / "set.zip", _two_class_files(**{"top/test/dog/1.png": _png(255, (5, 7))}))
    with pytest.raises(ValueError) as error:
        load_dataset(f"imagefolder:{archive}")
    message = str(error.value)
    assert "top/test/dog/1.png" in message and "5×7" in message and "4×4" in message and "image_size" in message
    resized = load_dataset(f"imagefolder:{archive}", image_size=4)  # an image_size resizes every image alike
    assert resized.train_x.shape[1:] == (3, 4, 4) and resized.test_x.shape == (4, 3, 4, 4)


def test_a_broken_zip_is_named(tmp_path):
    archive = tmp_path / "set.zip"
    archive.write_bytes(_zip(tmp_path / "good.zip", _two_class_files()).read_bytes()[:100])
    with pytest.raises(ValueError, match="set.zip"):
        load_dataset(f"imagefolder:{archive}")


# -- one class: refused by the conditional tables, fine for alpha-GAN -------------------------------------------------


def test_a_one_class_set_is_refused_by_conditional_tables_only(tmp_path):
    files = {f"{split}/all/{i}.png": _png(i) for split in ("train", "test") for i in range(3)}
    archive = _zip(tmp_path / "celeba.zip", files)
    data = load_dataset(f"imagefolder:{archive}")  # alpha-GAN's unlabelled use (CelebA is one class `all`)
    assert data.num_classes == 1
    with pytest.raises(ValueError, match="contragan_table1") as error:
        rdata.require_classes(data, minimum=2, table="contragan_table1")
    assert "1 class" in str(error.value) and "'all'" in str(error.value) and "at least 2" in str(error.value)
    with pytest.raises(ValueError, match="at least 2 classes"):
        load_dataset(f"imagefolder:{archive}", min_classes=2, table="msgan_table1")
    assert rdata.require_classes(load_dataset("digits"), minimum=2, table="msgan_table1").num_classes == 10


# -- download.py: disk full, no network, a bad file at the final name -------------------------------------------------


class _FullDisk:
    """A file handle whose writes fail as on a full disk."""

    def __init__(self, path, mode="r", *args, **kwargs):
        self.handle = open(path, mode, *args, **kwargs)

    def write(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()

    def __getattr__(self, name):
        return getattr(self.handle, name)


def test_a_full_disk_during_a_download_names_the_folder(server, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setattr(dl, "open", _FullDisk, raising=False)
    with pytest.raises(dl.NoSpaceError, match=f"no space left on {tmp_path / 'data'}"):
        dl.download(server, tmp_path / "data" / "file.bin", MD5)
    monkeypatch.setattr(dl, "DATASETS", {"cifar10": [dl.Archive(server, MD5, "file.bin")]})
    with pytest.raises(SystemExit) as exit_:
        dl.main(["cifar10", "--data-root", str(tmp_path / "root")])
    assert f"no space left on {tmp_path / 'root'}" in str(exit_.value.code) and "\n" not in str(exit_.value.code)


def test_a_full_disk_while_preparing_celeba_names_the_folder(tmp_path, monkeypatch):
    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    images = [(f"{i}.jpg", _png(i, (9, 11))) for i in range(3)]
    monkeypatch.setattr(Image.Image, "save", full)
    with pytest.raises(dl.NoSpaceError, match=f"no space left on {tmp_path / 'celeba64'}"):
        dl.prepare_celeba(images, tmp_path / "celeba64", size=4)


@pytest.mark.parametrize("name, alternative", [("cifar10", "cifar-10-python.tar.gz"), ("flowers102", "--from-zip")])
def test_no_network_is_one_line_naming_the_local_alternative(name, alternative, tmp_path, monkeypatch, capsys):
    unroutable = {
        key: [dl.Archive("http://127.0.0.1:9/" + a.filename, a.md5, a.filename, a.extract) for a in archives]
        for key, archives in dl.DATASETS.items()
    }
    monkeypatch.setattr(dl, "DATASETS", unroutable)
    with pytest.raises(SystemExit) as exit_:
        dl.main([name, "--data-root", str(tmp_path)])
    message = str(exit_.value.code)
    assert "\n" not in message and "network" in message and alternative in message
    assert "Traceback" not in capsys.readouterr().err


def test_the_named_cifar10_alternative_works_offline(tmp_path, monkeypatch):
    import tarfile

    member = tmp_path / "cifar-10-batches-py" / "batches.meta"
    member.parent.mkdir()
    member.write_bytes(b"meta")
    root = tmp_path / "root"
    root.mkdir()
    with tarfile.open(root / "cifar-10-python.tar.gz", "w:gz") as tar:  # "copied in from another machine"
        tar.add(member.parent, arcname="cifar-10-batches-py")
    md5 = dl.md5_file(root / "cifar-10-python.tar.gz")
    monkeypatch.setattr(
        dl, "DATASETS", {"cifar10": [dl.Archive("http://127.0.0.1:9/x", md5, "cifar-10-python.tar.gz")]}
    )
    assert dl.main(["cifar10", "--data-root", str(root)]) == 0
    assert (root / "cifar-10-batches-py" / "batches.meta").read_bytes() == b"meta"


def test_no_network_from_urlopen_is_a_download_error(tmp_path, monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError(OSError(errno.ENETUNREACH, "Network is unreachable"))

    monkeypatch.setattr(dl.urllib.request, "urlopen", offline)
    with pytest.raises(dl.DownloadError, match="Network is unreachable"):
        dl.download("https://example.invalid/file.bin", tmp_path / "file.bin", MD5)


def test_a_bad_file_at_the_final_name_is_moved_aside(server, tmp_path, capsys):  # noqa: F811
    bad = b"an old, damaged copy"
    (tmp_path / "file.bin").write_bytes(bad)
    path = dl.download(server, tmp_path / "file.bin", MD5)
    assert path.read_bytes() == PAYLOAD and RangeHandler.ranges == [None]
    aside = tmp_path / f"file.bin.bad-{hashlib.md5(bad).hexdigest()[:8]}"
    assert aside.read_bytes() == bad
    assert aside.name in capsys.readouterr().err


class StrictRangeHandler(RangeHandler):
    """Like real servers: a Range starting at or past the end is answered 416."""

    def do_GET(self):  # noqa: N802 - http.server's name
        header = self.headers.get("Range")
        if header and int(header.split("=")[1].rstrip("-")) >= len(PAYLOAD):
            RangeHandler.ranges.append(header)
            self.send_response(416)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()


def test_a_complete_partial_file_left_by_a_kill_is_finished_not_stuck_on_416(tmp_path):
    import threading

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), StrictRangeHandler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    RangeHandler.ranges = []
    try:
        (tmp_path / "file.bin.part").write_bytes(PAYLOAD)  # killed after the last write, before the rename
        url = f"http://127.0.0.1:{httpd.server_address[1]}/file.bin"
        assert dl.download(url, tmp_path / "file.bin", MD5).read_bytes() == PAYLOAD
        assert RangeHandler.ranges == [f"bytes={len(PAYLOAD)}-"] and not (tmp_path / "file.bin.part").exists()
    finally:
        httpd.shutdown()
