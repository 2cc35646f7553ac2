"""data_scripts/download.py against a loopback HTTP server: MD5 check and resumed downloads."""

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from data_scripts import download as dl

PAYLOAD = bytes(range(256)) * 400
MD5 = hashlib.md5(PAYLOAD).hexdigest()


class RangeHandler(BaseHTTPRequestHandler):
    ranges: list = []

    def do_GET(self):  # noqa: N802 - http.server's name
        header = self.headers.get("Range")
        RangeHandler.ranges.append(header)
        start = int(header.split("=")[1].rstrip("-")) if header else 0
        body = PAYLOAD[start:]
        self.send_response(206 if header else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), RangeHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    RangeHandler.ranges = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}/file.bin"
    httpd.shutdown()


def test_download_verifies_md5(server, tmp_path):
    path = dl.download(server, tmp_path / "file.bin", MD5)
    assert path.read_bytes() == PAYLOAD and RangeHandler.ranges == [None]
    dl.download(server, tmp_path / "file.bin", MD5)  # already there and valid: no new request
    assert RangeHandler.ranges == [None]


def test_an_interrupted_download_resumes_from_the_partial_file(server, tmp_path):
    (tmp_path / "file.bin.part").write_bytes(PAYLOAD[:1000])
    path = dl.download(server, tmp_path / "file.bin", MD5)
    assert RangeHandler.ranges == ["bytes=1000-"] and path.read_bytes() == PAYLOAD
    assert not (tmp_path / "file.bin.part").exists()


def test_a_corrupt_download_is_detected_and_removed(server, tmp_path):
    with pytest.raises(dl.ChecksumError, match="MD5"):
        dl.download(server, tmp_path / "file.bin", "0" * 32)
    assert not (tmp_path / "file.bin").exists() and not (tmp_path / "file.bin.part").exists()


def test_unknown_data_set_lists_the_valid_ones(tmp_path):
    with pytest.raises(SystemExit, match="cifar10"):
        dl.main(["imagenet21k", "--data-root", str(tmp_path)])


def test_flowers102_is_prepared_into_imagefolder_layout(tmp_path, monkeypatch):
    import io

    import numpy as np
    from PIL import Image
    from scipy.io import savemat

    from replication.data.images import load_dataset

    source = tmp_path / "official"
    (source / "jpg").mkdir(parents=True)
    for i in range(1, 7):
        Image.new("RGB", (10, 8), color=(i * 30, 0, 0)).save(source / "jpg" / f"image_{i:05d}.jpg")
    savemat(source / "imagelabels.mat", {"labels": np.array([[1, 1, 2, 2, 1, 2]])})
    savemat(
        source / "setid.mat", {"trnid": np.array([[1, 3]]), "valid": np.array([[2, 4]]), "tstid": np.array([[5, 6]])}
    )
    official = {a.filename: dl.md5_file(source / a.filename) for a in dl.DATASETS["flowers102"][1:]}
    monkeypatch.setattr(
        dl,
        "DATASETS",
        {
            **dl.DATASETS,
            "flowers102": [dl.DATASETS["flowers102"][0]]
            + [dl.Archive("u", official[n], n, False) for n in ("imagelabels.mat", "setid.mat")],
        },
    )
    target = dl.prepare_flowers102(source, tmp_path / "flowers102", size=16)
    data = load_dataset(f"imagefolder:{target}")
    assert data.class_names == ["001", "002"]
    assert data.train_x.shape == (4, 3, 16, 16) and data.test_x.shape == (2, 3, 16, 16)
    assert sorted(data.train_y.tolist()) == [0, 0, 1, 1] and sorted(data.test_y.tolist()) == [0, 1]
    (source / "setid.mat").write_bytes(io.BytesIO(b"corrupt").getvalue())
    with pytest.raises(dl.ChecksumError, match="MD5"):
        dl.prepare_flowers102(source, tmp_path / "again")


def test_celeba_is_cropped_resized_and_split(tmp_path):
    import io

    from PIL import Image

    from replication.data.images import load_dataset

    images = []
    for i in range(10):
        buffer = io.BytesIO()
        Image.new("RGB", (89, 109), color=(i * 20, 0, 0)).save(buffer, format="JPEG")
        images.append((f"celebA/{i + 1:06d}.jpg", buffer.getvalue()))
    target = dl.prepare_celeba(images, tmp_path / "celeba64", size=16, held_out=0.2)
    data = load_dataset(f"imagefolder:{target}")
    assert data.class_names == ["all"] and data.train_x.shape == (8, 3, 16, 16) and data.test_x.shape == (2, 3, 16, 16)
    assert sorted(p.name for p in (target / "test" / "all").iterdir()) == ["000009.jpg", "000010.jpg"]


def test_celeba_without_a_local_zip_says_how_to_get_it(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "gdown", None)  # as where gdown is not installed: never the network
    with pytest.raises(SystemExit, match="--from-zip"):
        dl.main(["celeba", "--data-root", str(tmp_path)])


SHA256 = hashlib.sha256(PAYLOAD).hexdigest()


def test_trust_on_first_download_records_the_sha256_then_checks_it(server, tmp_path, capsys):
    record = tmp_path / "set.sha256"
    path = dl.download_recorded(server, tmp_path / "file.bin", record, "set")
    assert path.read_bytes() == PAYLOAD and record.read_text() == f"{SHA256}  file.bin\n"
    assert "recorded its SHA-256" in capsys.readouterr().out
    dl.download_recorded(server, tmp_path / "file.bin", record, "set")  # there and matching: no new request
    assert RangeHandler.ranges == [None]
    path.write_bytes(b"tampered")  # a changed file at the final name is moved aside and fetched again
    dl.download_recorded(server, tmp_path / "file.bin", record, "set")
    assert path.read_bytes() == PAYLOAD and RangeHandler.ranges == [None, None]
    assert [p.name for p in tmp_path.glob("file.bin.bad-*")] == [
        f"file.bin.bad-{hashlib.sha256(b'tampered').hexdigest()[:8]}"
    ]


def test_a_resumed_download_is_checked_against_the_record(server, tmp_path):
    record = tmp_path / "set.sha256"
    record.write_text(f"{SHA256}  file.bin\n")
    (tmp_path / "file.bin.part").write_bytes(PAYLOAD[:1000])
    assert dl.download_recorded(server, tmp_path / "file.bin", record, "set").read_bytes() == PAYLOAD
    assert RangeHandler.ranges == ["bytes=1000-"]
    (tmp_path / "file.bin").unlink()
    (tmp_path / "file.bin.part").write_bytes(b"x" * 1000)  # a partial that is not the recorded file's start
    with pytest.raises(dl.ChecksumError, match="SHA-256 .* recorded in .*set.sha256 at first download"):
        dl.download_recorded(server, tmp_path / "file.bin", record, "set")
    assert not (tmp_path / "file.bin").exists() and not (tmp_path / "file.bin.part").exists()
    assert record.read_text() == f"{SHA256}  file.bin\n"  # the record is never overwritten
