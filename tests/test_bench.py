"""The benchmark script runs on CPU and prints its tables (no speed is asserted: targets live in issues)."""

import json

import pytest

from replication import bench


def test_bench_prints_and_saves_the_tables(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("REPLICATION_RESULTS", str(tmp_path))
    # every family but the paper-width ResNet backbones of ContraGAN, which take seconds per step on CPU
    cases = ["dcgan32-msgan", "cvae-gan32", "contragan-sndcgan32", "alpha-gan32"]
    assert bench.main(["--iters", "1", "--warmup", "0", "--fid-samples", "100", "--save", "--case", *cases]) == 0
    out = capsys.readouterr().out
    assert "| dcgan32-msgan | baseline | 32 |" in out and "| dcgan32-msgan | fast | 32 |" in out
    assert "| cvae-gan32 | baseline | 64 |" in out and "| cvae-gan32 | fast | 64 |" in out
    assert "FID of 100 samples" in out
    saved = json.loads((tmp_path / "bench" / "cpu.json").read_text())
    assert {row["mode"] for row in saved["training"]} == {"baseline", "fast"}
    assert all(row["images/s"] > 0 and row["ms/iter"] > 0 for row in saved["training"])
    # images/s counts the real batches an iteration consumes: 5 D steps (ContraGAN), 2 E/G + 1 D (alpha-GAN)
    for row in saved["training"]:
        batches = {"contragan-sndcgan32": 5, "alpha-gan32": 3}.get(row["model"], 1)
        assert row["images/s"] == pytest.approx(row["batch"] * batches * 1000 / row["ms/iter"])
    assert saved["provenance"]["git_commit"]


def test_bench_refuses_unknown_models():
    with pytest.raises(SystemExit):
        bench.main(["--case", "stylegan9"])
