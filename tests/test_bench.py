"""The benchmark script runs on CPU and prints its tables (no speed is asserted: targets live in issues)."""

import json

from replication import bench


def test_bench_prints_and_saves_the_tables(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("REPLICATION_RESULTS", str(tmp_path))
    assert bench.main(["--iters", "1", "--warmup", "0", "--fid-samples", "100", "--save"]) == 0
    out = capsys.readouterr().out
    assert "| dcgan32-msgan | baseline | 32 |" in out and "| dcgan32-msgan | fast | 32 |" in out
    assert "| cvae-gan32 | baseline | 64 |" in out and "| cvae-gan32 | fast | 64 |" in out
    assert "FID of 100 samples" in out
    saved = json.loads((tmp_path / "bench" / "cpu.json").read_text())
    assert {row["mode"] for row in saved["training"]} == {"baseline", "fast"}
    assert all(row["images/s"] > 0 and row["ms/iter"] > 0 for row in saved["training"])
    assert saved["provenance"]["git_commit"]


def test_bench_refuses_unknown_models():
    import pytest

    with pytest.raises(SystemExit):
        bench.main(["--case", "stylegan9"])
