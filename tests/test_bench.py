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


def test_the_cpu_book_plan_counts_every_table_once_and_projects_from_its_measurements(capsys):
    import inspect

    from replication.experiments import cvae_gan, cvae_gan_applications
    from replication.profiles import TABLE_PROFILES, get_profile

    assert set(bench.CPU_BOOK) == set(TABLE_PROFILES)  # a new table must be added to the projection
    # the runs a table reuses are another table's: the same training settings and a subset of its methods
    shared = {"contragan_overfitting": "contragan_table1", "cvae_gan_applications": "cvae_gan_table1"}
    for table, owner in shared.items():
        assert bench.CPU_BOOK[table][1] == ()
        assert get_profile(table, "cpu").training_config() == get_profile(owner, "cpu").training_config()
    overfitting = get_profile("contragan_overfitting", "cpu")  # its methods are heads on one backbone
    backbone = overfitting.overfitting_backbone
    assert {f"{backbone} + {m}" for m in overfitting.methods} <= set(get_profile("contragan_table1", "cpu").methods)
    assert set(cvae_gan_applications.INPAINT_METHODS) <= set(cvae_gan.METHODS)
    defaults = inspect.signature(cvae_gan.lambda_sensitivity).parameters
    extra = len(defaults["multipliers"].default) - 1 + len(defaults["mean_multipliers"].default)  # sum ×1: own run
    assert bench.CPU_BOOK["cvae_gan_table1"][2] == {"CVAE-GAN": extra}

    rows = bench.cpu_book_plan(2, tables=["msgan_table1"])
    assert [r["method"] for r in rows] == ["DCGAN", "MSGAN"]
    for row in rows:
        alone = next(v for k, v in row.items() if k.startswith("ms/step alone"))
        assert row["runs"] == 5 and row["steps"] == 800
        assert row["alone min"] == pytest.approx(5 * 800 * alone / 60_000)
        assert row["workers min"] == pytest.approx(5 * 800 * row["ms/step in a pair (1 thread)"] / 2 / 60_000)
    bench.print_cpu_book_plan(rows)
    assert "Projected training time of the cpu book" in capsys.readouterr().out


def test_a_saved_cpu_book_measurement_is_what_the_estimate_reads(tmp_path, monkeypatch):
    import json

    from replication import estimate

    monkeypatch.setenv("REPLICATION_RESULTS", str(tmp_path))
    rows = [{"table": "msgan_table1", "method": "DCGAN", "runs": 5, "steps": 800, "ms/step in a pair (1 thread)": 90.0}]
    path = bench.save_cpu_book(rows, "CPU, 2 threads", 20, 12.5)
    assert path == tmp_path / "bench" / bench.CPU_BOOK_FILE
    saved = json.loads(path.read_text())
    assert saved["rows"] == rows and saved["settings"] == {"steps_per_timed_run": 20}
    assert saved["provenance"]["wall_time_s"] == 12.5 and saved["provenance"]["git_commit"]
    assert estimate.load_bench(tmp_path / "bench")["cpu-book"] == saved
