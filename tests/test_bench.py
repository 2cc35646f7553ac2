"""The benchmark script runs on CPU and prints its tables (no speed is asserted: targets live in issues)."""

import json

import pytest

from replication.book import bench


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
    import importlib
    import inspect

    from replication.book import estimate
    from replication.configs.profiles import TABLE_PROFILES, get_profile
    from replication.experiments import cvae_gan, cvae_gan_applications

    assert set(bench.CPU_BOOK) == set(TABLE_PROFILES)  # a new table must be added to the projection
    # each table times exactly the cpu runs it trains itself: the runs with another table's run key are that
    # table's (`estimate.reused_from`), counted once
    for table, (module, _, _) in bench.CPU_BOOK.items():
        config = get_profile(table, "cpu")
        own = [m for m in estimate.runs_per_method(table, config) if not estimate.reused_from(table, "cpu", config, m)]
        assert set(bench.cpu_book_methods(table, config, importlib.import_module(module))) == set(own), table
    # the overfitting study trains its own runs at cpu (a 1,000-image subset: not Table 1's run key)
    assert bench.CPU_BOOK["contragan_overfitting"][1] is None
    overfitting_cpu = get_profile("contragan_overfitting", "cpu")
    assert overfitting_cpu.train_images == 1000
    assert bench.cpu_book_methods("contragan_overfitting", overfitting_cpu, None) == ("projection", "2C")
    assert (
        get_profile("cvae_gan_applications", "cpu").training_config()
        == get_profile("cvae_gan_table1", "cpu").training_config()
    )
    # the applications reuse Table 1's CVAE and CVAE-GAN, and train their augmentation generator (one per seed)
    applications = bench.CPU_BOOK["cvae_gan_applications"]
    assert applications[0] == cvae_gan_applications.__name__
    assert applications[1] == (cvae_gan_applications.AUGMENT_GENERATOR,)
    assert set(cvae_gan_applications.RUNS) - set(applications[1]) == set(cvae_gan_applications.INPAINT_METHODS)
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


def test_the_cpu_book_plan_times_the_applications_own_subset_generator(monkeypatch):
    """One CVAE-GAN per seed on the augmentation study's real subset (`train_application_run`), Table 1's steps."""
    from replication.configs.profiles import get_profile
    from replication.experiments import cvae_gan_applications

    trained = []
    original = cvae_gan_applications.subset_data

    def spy(data, per_class, seed):
        subset = original(data, per_class, seed)
        trained.append(len(subset.train_x))
        return subset

    monkeypatch.setattr(cvae_gan_applications, "subset_data", spy)  # in this process: the run timed alone
    [row] = bench.cpu_book_plan(1, tables=["cvae_gan_applications"])
    config = get_profile("cvae_gan_applications", "cpu")
    assert (row["table"], row["method"]) == ("cvae_gan_applications", cvae_gan_applications.AUGMENT_GENERATOR)
    assert row["runs"] == len(config.seeds) == 5 and row["steps"] == config.steps == 500
    assert trained == [10 * config.augment_real_per_class]  # the subset (10 classes), not the 4,000 training images
    assert row["ms/step in a pair (1 thread)"] > 0


def test_the_cpu_book_plan_times_the_overfitting_studys_own_runs_on_its_training_subset(monkeypatch):
    """At cpu the ContraGAN overfitting study trains projection and 2C (SNDCGAN) on 1,000 training images: its
    own 10 runs, not Table 1's, so the cpu-book timing trains them."""
    from replication.configs.profiles import get_profile
    from replication.experiments import contragan

    trained = []
    original = contragan.training_images

    def spy(data, count):
        x, y = original(data, count)
        trained.append((count, len(x)))
        return x, y

    monkeypatch.setattr(contragan, "training_images", spy)  # in this process: the runs timed alone
    rows = bench.cpu_book_plan(1, tables=["contragan_overfitting"])
    config = get_profile("contragan_overfitting", "cpu")
    assert [(r["table"], r["method"]) for r in rows] == [("contragan_overfitting", m) for m in ("projection", "2C")]
    assert all(r["runs"] == len(config.seeds) == 5 and r["steps"] == config.steps == 750 for r in rows)
    assert trained == [(1000, 1000)] * 2  # the subset, not the whole training split
    assert all(r["ms/step in a pair (1 thread)"] > 0 for r in rows)


def test_a_saved_cpu_book_measurement_is_what_the_estimate_reads(tmp_path, monkeypatch):
    import json

    from replication.book import estimate

    monkeypatch.setenv("REPLICATION_RESULTS", str(tmp_path))
    rows = [{"table": "msgan_table1", "method": "DCGAN", "runs": 5, "steps": 800, "ms/step in a pair (1 thread)": 90.0}]
    path = bench.save_cpu_book(rows, "CPU, 2 threads", 20, 12.5)
    assert path == tmp_path / "bench" / bench.CPU_BOOK_FILE
    saved = json.loads(path.read_text())
    commit = saved["provenance"]["git_commit"][:12]
    assert saved["rows"] == [{**rows[0], "timed_utc": saved["provenance"]["date_utc"], "timed_at_commit": commit}]
    assert saved["settings"] == {"steps_per_timed_run": 20}
    assert saved["provenance"]["wall_time_s"] == 12.5 and saved["provenance"]["git_commit"]
    assert estimate.load_bench(tmp_path / "bench")["cpu-book"] == saved


def test_timing_some_tables_replaces_their_rows_and_keeps_the_others(tmp_path, monkeypatch):
    import json

    monkeypatch.setenv("REPLICATION_RESULTS", str(tmp_path))
    old = [
        {"table": "msgan_table1", "method": "DCGAN", "workers min": 3.0},
        {"table": "msgan_drit", "method": "DRIT", "workers min": 9.0},
    ]
    path = bench.save_cpu_book(old, "CPU, 2 threads", 20, 1.0)
    first = json.loads(path.read_text())["provenance"]
    new = [{"table": "msgan_drit", "method": "DRIT", "workers min": 2.0}]
    saved = json.loads(bench.save_cpu_book(new, "CPU, 2 threads", 20, 2.0, tables=["msgan_drit"]).read_text())
    assert [(r["table"], r["workers min"]) for r in saved["rows"]] == [("msgan_table1", 3.0), ("msgan_drit", 2.0)]
    assert saved["rows"][0]["timed_utc"] == first["date_utc"]  # the kept row keeps its own date
    assert (
        saved["rows"][1]["timed_utc"] == saved["provenance"]["date_utc"] and saved["provenance"]["wall_time_s"] == 2.0
    )


# The cases' configs shrunk for a CPU test (the cases themselves run at the paper's sizes: `make bench`).
TINY = {
    "width": 4,
    "batch_size": 8,
    "embed_dim": 16,
    "image_size": 32,
    "crop_size": 32,
    "base_size": 16,  # StackGAN++: 2 stages, 16 → 32 px
    "stages": 2,
    "g_width": 4,
    "d_width": 4,
    "d_steps_per_g": 2,
    "wgan_critic_steps": 2,
}


@pytest.fixture
def tiny_cases(monkeypatch):
    """Every case's config at TINY sizes, and 16 random 1×32×32 images of 10 classes to train on."""
    from dataclasses import fields, replace

    import torch

    from replication.data.images import ImageData

    paper = bench.case_config

    def tiny(name, dataset="mnist5k"):
        config = paper(name, dataset)
        names = {f.name for f in fields(config)}
        return replace(config, **{k: v for k, v in TINY.items() if k in names})

    monkeypatch.setattr(bench, "case_config", tiny)
    x = torch.rand(16, 1, 32, 32, generator=torch.Generator().manual_seed(0)) * 2 - 1
    y = torch.arange(16) % 10
    return ImageData("tiny", x, y, x[:8], y[:8], [str(c) for c in range(10)])


@pytest.mark.parametrize("name", list(bench.CASES))
def test_every_case_builds_and_times_a_step_on_tiny_data(tiny_cases, name):
    import torch

    data, cpu = tiny_cases, torch.device("cpu")
    case = bench.CASES[name](data, cpu)
    assert case.name == name and case.batch_size == TINY["batch_size"]
    for mode in ("baseline", "fast"):
        row = bench.measure(case, data, cpu, mode, iters=1, warmup=0, compile=False)
        assert row["mode"] == mode and row["ms/iter"] > 0 and row["image px"] == 32
        assert row["images/s"] == pytest.approx(case.batch_size * case.batches_per_iter * 1000 / row["ms/iter"])
    if name.startswith(("pix2pix", "drit", "stackgan")):  # synthetic pairs / domains / captions; no FID timed
        assert case.sample is None and case.image_size == 32 and case.train[0].shape[1:] == (3, 32, 32)
    else:
        assert case.sample(3).shape == (3, *data.image_shape)


def test_the_new_cases_read_the_papers_settings_and_update_ratios():
    import torch

    from replication.data.images import ImageData

    x = torch.zeros(70, 3, 32, 32)
    data = ImageData("zeros", x, torch.arange(70) % 10, x[:10], torch.arange(10), [str(c) for c in range(10)])
    wgan = bench.CASES["wgan-gp32"](data, torch.device("cpu"))
    assert (wgan.batch_size, wgan.batches_per_iter) == (64, 5)  # n_critic = 5 real batches per G update
    for name in ("contragan-sagan32", "contragan-biggan32-cr"):
        case = bench.CASES[name](data, torch.device("cpu"))
        assert (case.batch_size, case.batches_per_iter) == (64, 5)
    assert bench.CONTRAGAN_CASES["contragan-biggan32-cr"] == ("BigGAN", "2C", True)
    for name in ("pix2pix256", "pix2pix256-ms"):  # the paper's facades settings on synthetic RGB pairs
        case = bench.CASES[name](data, torch.device("cpu"))
        assert (case.batch_size, case.batches_per_iter, case.image_size, case.sample) == (1, 1, 256, None)
        source, target = case.train
        assert source.shape == target.shape == (bench.SYNTHETIC_PAIRS, 3, 256, 256)
        assert -1 <= float(source.min()) and float(source.max()) <= 1 and not torch.equal(source, target)


def test_the_pix2pix_cases_differ_by_the_mode_seeking_term_only(tiny_cases, monkeypatch):
    import torch

    from replication.experiments import msgan_pix2pix

    seen = []
    original = msgan_pix2pix.make_step

    def spy(config, generator, discriminator, opt_g, opt_d, sampler, lambda_ms):
        seen.append(lambda_ms)
        return original(config, generator, discriminator, opt_g, opt_d, sampler, lambda_ms)

    monkeypatch.setattr(msgan_pix2pix, "make_step", spy)
    for name in ("pix2pix256", "pix2pix256-ms"):
        bench.CASES[name](tiny_cases, torch.device("cpu")).make_step(None, bench.BASELINE)  # sampler unused
    assert seen == [0.0, 1.0]


def test_a_saved_bench_records_each_rows_image_size_and_skips_fid_without_samples(
    tiny_cases, capsys, tmp_path, monkeypatch
):
    monkeypatch.setenv("REPLICATION_RESULTS", str(tmp_path))
    monkeypatch.setattr(bench, "load_dataset", lambda name: tiny_cases)
    extractor = "classifier:tiny"
    monkeypatch.setattr(bench, "fid_time", lambda case, data, device, n, name: 0.5)
    argv = ["--iters", "1", "--warmup", "0", "--save", "--extractor", extractor, "--case", "pix2pix256", "wgan-gp32"]
    assert bench.main(argv) == 0
    assert "| pix2pix256 | fast | 8 |" in capsys.readouterr().out
    saved = json.loads((tmp_path / "bench" / "cpu.json").read_text())
    assert {(r["model"], r["image px"]) for r in saved["training"]} == {("pix2pix256", 32), ("wgan-gp32", 32)}
    assert [f["model"] for f in saved["fid"]] == ["wgan-gp32"]
