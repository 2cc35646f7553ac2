"""Wall-time estimates per table and profile: hand-computed hours, stated scaling, no number without a
measurement, and every table at every profile from the committed bench files."""

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from replication.book import estimate
from replication.configs.alpha_gan import AlphaGANConfig
from replication.configs.contragan import ContraGANConfig
from replication.configs.cvae_gan import CVAEGANConfig
from replication.configs.msgan import MSGANTable1Config
from replication.configs.profiles import TABLE_PROFILES
from replication.core.paths import repo_root


def payload(*rows: tuple, image_shape=(3, 32, 32), title="Test GPU", date="2026-01-01") -> dict:
    """A saved bench: `fast` rows (case, batch, ms/iter[, image px]), each with a `baseline` row 10× slower."""
    training = []
    for case, batch, ms, *px in rows:
        size = {"image px": px[0]} if px else {}  # files saved before the Pix2Pix cases have none
        training += [
            {"model": case, "mode": "baseline", "batch": batch, "ms/iter": 10 * ms, **size},
            {"model": case, "mode": "fast", "batch": batch, "ms/iter": ms, **size},
        ]
    provenance = {"dataset": {"image_shape": list(image_shape)}, "date_utc": date}
    return {"title": title, "training": training, "provenance": provenance}


def test_hours_are_runs_times_steps_times_the_fast_ms_per_iteration():
    # MSGAN's two methods × 3 seeds × 1000 steps × 50 ms = 300 s, at the bench case's own sizes
    config = MSGANTable1Config(seeds=(0, 1, 2), steps=1000)
    [row] = estimate.estimate_table("msgan_table1", "gpu", config, payload(("dcgan32-msgan", 32, 50.0)))
    assert (row.case, row.basis, row.device) == ("dcgan32-msgan", "measured", "Test GPU")
    assert (row.methods, row.runs, row.steps) == (("DCGAN", "MSGAN"), 6, 1000)
    assert row.ms_per_step == 50.0
    assert row.hours == pytest.approx(300 / 3600)


def test_a_batch_or_width_unlike_the_bench_is_scaled_and_says_so():
    bench = payload(("dcgan32-msgan", 32, 50.0))
    config = MSGANTable1Config(batch_size=64, seeds=(0,), steps=10)
    [row] = estimate.estimate_table("msgan_table1", "gpu", config, bench)
    assert row.basis == "scaled ×2 from batch 32, width 128, 32 px, 1 D + 1 G update"
    assert row.ms_per_step == pytest.approx(100.0)
    assert row.hours == pytest.approx(2 * 10 * 100 / 3.6e6)
    [row] = estimate.estimate_table("msgan_table1", "gpu", MSGANTable1Config(width=64), bench)
    assert row.basis.startswith("scaled ×0.25 from batch 32, width 128,") and row.ms_per_step == pytest.approx(12.5)


def test_image_size_and_updates_per_step_scale_too():
    # CVAE-GAN at 128 px from a 32 px bench: ×16; its three lighter methods are costed at its step
    bench = payload(("cvae-gan32", 64, 20.0), ("contragan-biggan32", 64, 60.0))
    [row] = estimate.estimate_table("cvae_gan_table1", "paper", CVAEGANConfig(seeds=(0,), steps=1), bench)
    assert row.basis.startswith("scaled ×16 from batch 64, width 64, 32 px,")
    assert row.basis.endswith("upper bound for CVAE, CGAN, FM-CGAN (a lighter step)")
    assert row.runs == 4 + 4  # one seed of each method + CVAE-GAN's four λ-sensitivity runs
    assert row.ms_per_step == pytest.approx(320.0)
    # ContraGAN at 1 D step per G step from the bench's 5: 2 updates instead of 6
    config = ContraGANConfig(methods=("BigGAN + 2C",), d_steps_per_g=1)
    [row] = estimate.estimate_table("contragan_table1", "gpu", config, bench)
    assert row.basis == "scaled ×0.333 from batch 64, width 24, 32 px, 5 D + 1 G updates"
    assert row.ms_per_step == pytest.approx(20.0)


def test_a_case_missing_from_the_saved_bench_is_not_measured_never_a_number():
    methods = ("SNDCGAN + 2C", "SAGAN", "BigGAN + projection", "ContraGAN + CR")
    config = ContraGANConfig(methods=methods, seeds=(0,))
    rows = estimate.estimate_table("contragan_table2", "cpu", config, payload(("contragan-biggan32", 64, 60.0)))
    by_case = {r.case: r for r in rows}
    assert set(by_case) == {"contragan-sndcgan32", "contragan-sagan32", "contragan-biggan32", "contragan-biggan32-cr"}
    for case in ("contragan-sndcgan32", "contragan-sagan32", "contragan-biggan32-cr"):
        assert by_case[case].basis == f"not measured: {case} is not in the Test GPU bench"
    assert by_case["contragan-sagan32"].methods == ("SAGAN",)  # its own case, not BigGAN's
    assert by_case["contragan-biggan32-cr"].methods == ("ContraGAN + CR",)  # CR adds a D pass: its own case
    assert by_case["contragan-biggan32-cr"].step == "5 D + 1 G updates, CR on the D steps"
    assert by_case["contragan-biggan32"].hours == pytest.approx(80_000 * 60 / 3.6e6)
    missing = [r for r in rows if r.case != "contragan-biggan32"]
    for row in missing:
        assert row.hours is None and row.ms_per_step is None and row.device is None
    shown = estimate.detail_frame(missing).set_index("bench case")
    for case in ("contragan-sndcgan32", "contragan-sagan32"):
        assert list(shown.loc[case, ["measured on", "ms per step", "estimated hours"]]) == ["not measured"] * 3
    assert estimate.total_frame(rows)["estimated hours"].tolist() == ["not measured"]  # a part is missing
    # no saved bench for the device at all
    [row] = estimate.estimate_table("alpha_gan_table", "paper", AlphaGANConfig(), None)[:1]
    assert row.hours is None and row.basis == "not measured: alpha-gan32 is not in a saved GPU bench"


def test_wgan_gp_is_costed_at_its_own_case_not_alpha_gans_step():
    config = AlphaGANConfig(seeds=(0, 1))
    rows = estimate.estimate_table("alpha_gan_table", "paper", config, payload(("alpha-gan32", 64, 10.0)))
    measured, wgan = rows
    assert measured.case == "alpha-gan32" and "WGAN-GP" not in measured.methods and measured.runs == 5 * 2
    assert measured.basis == "measured; upper bound for DCGAN, AGE, VAE, alpha-GAN (1:1) (a lighter step)"
    assert (wgan.methods, wgan.case, wgan.hours) == (("WGAN-GP",), "wgan-gp32", None)
    assert wgan.step == "5 critic + 1 G updates"
    assert wgan.basis == "not measured: wgan-gp32 is not in the Test GPU bench"
    assert "12 independent critics × 2000 steps" in measured.also_trains  # one per run, WGAN-GP too
    bench = payload(("alpha-gan32", 64, 10.0), ("wgan-gp32", 64, 30.0))
    _, wgan = estimate.estimate_table("alpha_gan_table", "paper", config, bench)
    assert (wgan.basis, wgan.ms_per_step, wgan.runs) == ("measured", 30.0, 2)
    assert wgan.hours == pytest.approx(2 * 100_000 * 30 / 3.6e6)
    # n_critic 2 instead of 5: 3 updates a step instead of 6
    _, wgan = estimate.estimate_table("alpha_gan_table", "paper", AlphaGANConfig(wgan_critic_steps=2), bench)
    assert wgan.basis == "scaled ×0.5 from batch 64, width 64, 32 px, 5 critic + 1 G updates"
    assert wgan.step == "2 critic + 1 G updates" and wgan.ms_per_step == pytest.approx(15.0)


def test_pix2pix_is_costed_at_its_256_px_cases_on_every_row():
    from replication.configs.msgan import MSGANPix2PixConfig
    from replication.configs.profiles import get_profile

    bench = payload(("pix2pix256", 1, 20.0, 256), ("pix2pix256-ms", 1, 22.0, 256))  # the bench data: 32 px
    [base, ms] = estimate.estimate_table("msgan_pix2pix", "paper", MSGANPix2PixConfig(), bench)
    assert (base.methods, base.case, base.basis) == (("Pix2Pix",), "pix2pix256", "measured")
    assert (ms.methods, ms.case, ms.basis) == (("Pix2Pix + MS",), "pix2pix256-ms", "measured")
    assert base.step == "1 G + 1 D update (U-Net, two PatchGANs)" and base.dataset == "facades, 256 px"
    assert base.hours == pytest.approx(5 * 80_000 * 20 / 3.6e6) and ms.hours == pytest.approx(5 * 80_000 * 22 / 3.6e6)
    maps = get_profile("msgan_pix2pix", "paper", dataset="maps")
    [base, _] = estimate.estimate_table("msgan_pix2pix", "paper", maps, bench)
    assert base.basis == "measured" and base.hours == pytest.approx(5 * 219_200 * 20 / 3.6e6)
    # the smoke profile's digits: batch 8, width 4, 32 px, from batch 1, width 64, 256 px
    [base, _] = estimate.estimate_table("msgan_pix2pix", "smoke", get_profile("msgan_pix2pix", "smoke"), bench)
    k = 8 * 32**2 * 4**2 / (256**2 * 64**2)
    assert base.basis == f"scaled ×{k:.3g} from batch 1, width 64, 256 px, 1 G + 1 D update (U-Net, two PatchGANs)"


def test_every_method_of_every_table_maps_to_a_bench_case():
    """A "not measured" can only come from a saved bench that lacks the case, never from a missing case."""
    from replication.book.bench import CASES, case_config
    from replication.configs.profiles import ROW_SETTINGS, get_profile

    used = set()
    for table_id in TABLE_PROFILES:
        for profile in estimate.PROFILE_DEVICE:
            rows = list(ROW_SETTINGS.get(table_id, {})) or [None]
            for row in rows:
                config = get_profile(table_id, profile, dataset=row) if row else TABLE_PROFILES[table_id][profile]
                for method in estimate.runs_per_method(table_id, config):
                    case, _exact = estimate.bench_case(config, method)
                    assert case in CASES, (table_id, profile, row, method)
                    assert estimate.family(case_config(case)) == estimate.family(config)
                    used.add(case)
    assert used == set(CASES)  # and every case is some table's
    # a bench that times every case: a number for every table, profile and data set row
    sizes = {"pix2pix256": 256, "pix2pix256-ms": 256}
    full = payload(*((case, case_config(case).batch_size, 10.0, sizes.get(case, 32)) for case in CASES))
    estimates = estimate.all_estimates({"cpu": full, "gpu": full})
    assert estimates and all(e.hours is not None and e.basis[:8] in ("measured", "scaled ×") for e in estimates)
    assert "not measured" not in estimate.total_frame(estimates).to_string()


def test_the_gpu_estimate_reads_the_newest_gpu_file(tmp_path):
    for name, date, ms in (("cuda-a.json", "2026-01-02", 10.0), ("cuda-b.json", "2026-01-01", 99.0)):
        (tmp_path / name).write_text(json.dumps(payload(("dcgan32-msgan", 32, ms), date=date)))
    bench = estimate.load_bench(tmp_path)
    assert set(bench) == {"gpu"}
    assert bench["gpu"]["training"][1]["ms/iter"] == 10.0


def test_every_table_and_profile_from_the_committed_bench_files():
    bench = estimate.load_bench(repo_root() / "results" / "bench")  # the committed files, not a test folder
    estimates = estimate.all_estimates(bench)
    seen = {(e.table, e.profile) for e in estimates}
    assert seen == {(t, p) for t in TABLE_PROFILES for p in ("smoke", "cpu", "gpu", "paper")}
    totals = estimate.total_frame(estimates)
    from replication.configs.profiles import ROW_SETTINGS

    rows = sum(max(1, len(ROW_SETTINGS.get(t, {}))) for t in TABLE_PROFILES)  # gpu/paper: one line per data set row
    assert len(totals) == 2 * len(TABLE_PROFILES) + 2 * rows
    tiny = totals[(totals["table"] == "contragan_table2") & (totals["profile"] == "paper")]["data set"].tolist()
    assert tiny == ["cifar10, 32 px", "tiny-imagenet, 64 px", "imagenet, 128 px"]
    for e in estimates:  # a number exactly where a measurement is, traced to its file
        assert (e.hours is None) == e.basis.startswith("not measured") == (e.device is None)
        if e.case == "cpu-book":  # the cpu profile's own nets (tested by hand below)
            assert e.profile == "cpu" and e.device == bench["cpu-book"]["title"]
            continue
        if e.hours is not None:
            device = estimate.PROFILE_DEVICE[e.profile]
            assert e.device == bench[device]["title"]
            [ms] = [r["ms/iter"] for r in bench[device]["training"] if r["model"] == e.case and r["mode"] == "fast"]
            factor = 1.0 if e.basis.startswith("measured") else float(re.match(r"scaled ×([\d.e-]+)", e.basis)[1])
            assert e.ms_per_step == pytest.approx(ms * factor, rel=1e-2)
            assert e.hours == pytest.approx(e.runs * e.steps * e.ms_per_step / 3.6e6)
    msgan_paper = next(e for e in estimates if (e.table, e.profile) == ("msgan_table1", "paper"))
    assert msgan_paper.basis == "measured"  # the bench times MSGAN at the paper's sizes
    from replication.configs.profiles import get_profile
    from replication.experiments.cvae_gan_applications import AUGMENT_GENERATOR

    for profile in ("smoke", "cpu", "gpu", "paper"):  # the applications train one CVAE-GAN per seed of their own
        [own] = [e for e in estimates if (e.table, e.profile, e.reuses) == ("cvae_gan_applications", profile, None)]
        config = get_profile("cvae_gan_applications", profile)
        assert (own.methods, own.runs, own.steps) == ((AUGMENT_GENERATOR,), len(config.seeds), config.steps)
        assert own.hours and own.hours > 0
    frames = (estimate.detail_frame(estimates), totals)
    text = " ".join(frame.to_string() for frame in frames)
    assert "nan" not in text.lower() and "/home" not in text and "~/" not in text


def test_no_notebook_imports_the_estimate():
    # notebooks/ is covered by the committed reference build: the estimate is the speed page's only
    imports = re.compile(r"^\s*(from|import) .*\bestimate\b", re.MULTILINE)
    for path in (repo_root() / "notebooks").rglob("*.py"):
        assert not imports.search(Path(path).read_text()), path


def test_the_cpu_profile_is_costed_from_the_saved_cpu_book_measurement_when_there_is_one():
    from replication.configs.profiles import TABLE_PROFILES

    rows = [  # 5 runs × 800 steps; a pair of 1-thread workers: 120 and 100 ms a step, so 60 and 50 per run
        {"table": "msgan_table1", "method": "DCGAN", "runs": 5, "steps": 800, "ms/step in a pair (1 thread)": 120.0},
        {"table": "msgan_table1", "method": "MSGAN", "runs": 5, "steps": 800, "ms/step in a pair (1 thread)": 100.0},
    ]
    bench = {"cpu-book": {"title": "CPU, 2 threads, the cpu profile's nets", "rows": rows}}
    estimates = estimate.all_estimates(bench)
    [msgan] = [e for e in estimates if (e.table, e.profile) == ("msgan_table1", "cpu")]
    assert msgan.case == "cpu-book" and msgan.runs == 10 and msgan.steps == 800
    assert msgan.hours == pytest.approx((5 * 800 * 60 + 5 * 800 * 50) / 3.6e6)  # 440 s
    assert msgan.ms_per_step == pytest.approx(55.0)
    others = [e for e in estimates if e.profile == "cpu" and e.table != "msgan_table1"]
    assert {e.table for e in others} == set(TABLE_PROFILES) - {"msgan_table1"}  # the rest: the usual basis
    assert all(e.case != "cpu-book" for e in others)


def test_pix2pix_counts_its_sensitivity_runs_only_where_its_profile_trains_them():
    from replication.configs.profiles import get_profile

    cpu = get_profile("msgan_pix2pix", "cpu")
    assert estimate.runs_per_method("msgan_pix2pix", cpu) == {
        "Pix2Pix": 5,
        "Pix2Pix + MS": 5 + len(cpu.sensitivity_lambdas),
    }
    assert len(cpu.sensitivity_lambdas) == 2
    assert estimate.runs_per_method("msgan_pix2pix", get_profile("msgan_pix2pix", "paper")) == {
        "Pix2Pix": 5,
        "Pix2Pix + MS": 5,
    }


def _cpu_estimate(table: str, hours: float | None) -> estimate.Estimate:
    return estimate.Estimate(
        table, "cpu", "mnist5k", ("A",), 5, 100, "one step", "case", "basis", "cpu", 1.0, hours, ""
    )


def test_minutes_per_claim_tested_in_regime_by_hand():
    """msgan_table1: 0.5 h over 2 claims, 1 tested → 30 min per tested claim; contragan_table1 0.25 h, none tested;
    an overfitting study whose runs are all Table 1's (0 of its own; by hand: at cpu it trains its own); the book:
    45 min, 4 claims, 2 tested → 22.5."""
    estimates = [_cpu_estimate("msgan_table1", 0.2), _cpu_estimate("msgan_table1", 0.3)]
    estimates += [_cpu_estimate("contragan_table1", 0.25)]
    estimates += [replace(_cpu_estimate("contragan_overfitting", 0.25), reuses="contragan_table1")]  # not its own
    estimates += [replace(_cpu_estimate("msgan_table1", None), profile="gpu")]  # another profile's: not counted
    verdicts = {
        "msgan_table1": [{"verdict": "holds"}, {"verdict": "not tested"}],
        "contragan_table1": [{"verdict": "not tested"}],
        "contragan_overfitting": [{"verdict": "inconclusive"}],
    }
    frame = estimate.regime_cost_frame(estimates, verdicts).set_index("table")
    assert frame.loc["msgan_table1", "training minutes (estimated)"] == "30.0"
    assert frame.loc["msgan_table1", "minutes per tested claim"] == "30.0"
    assert frame.loc["contragan_table1", "minutes per tested claim"] == "no claim tested"
    assert frame.loc["contragan_overfitting", "training minutes (estimated)"].startswith("0 (reuses contragan_table1")
    assert frame.loc["contragan_overfitting", "minutes per tested claim"] == "0.0"
    book = frame.loc["the book"]
    assert (book["training minutes (estimated)"], book["claims"], book["tested in regime"]) == ("45.0", 4, 2)
    assert book["minutes per tested claim"] == "22.5"


def test_the_applications_cost_their_own_subset_generator_and_reuse_table_1s_runs():
    """CVAE-GAN's applications: 5 seeds × (CVAE, CVAE-GAN of Table 1, reused) + 5 seeds × their own CVAE-GAN on
    the augmentation subset, costed at CVAE-GAN's step; only the own runs are the table's training minutes."""
    from replication.configs.profiles import ROW_SETTINGS, get_profile
    from replication.experiments.cvae_gan_applications import AUGMENT_GENERATOR, subset_run_config

    bench = payload(("cvae-gan32", 64, 20.0))
    for profile in ("smoke", "cpu", "gpu", "paper"):
        rows = list(ROW_SETTINGS["cvae_gan_applications"]) if profile in ("gpu", "paper") else [None]
        for row in rows:
            config = get_profile("cvae_gan_applications", profile, dataset=row)
            n = len(config.seeds)
            assert estimate.runs_per_method("cvae_gan_applications", config) == {
                "CVAE": n,
                "CVAE-GAN": n,
                AUGMENT_GENERATOR: n,
            }
            # its batch, min(batch, subset size), is the config's: every profile's data set has ≥ 10 classes
            assert subset_run_config(config, 10 * config.augment_real_per_class).batch_size == config.batch_size
            reused, own = estimate.estimate_table("cvae_gan_applications", profile, config, bench)
            assert (reused.methods, reused.runs, reused.reuses) == (("CVAE", "CVAE-GAN"), 2 * n, "cvae_gan_table1")
            assert (own.methods, own.runs, own.steps, own.reuses) == ((AUGMENT_GENERATOR,), n, config.steps, None)
            assert own.case == "cvae-gan32" and "upper bound" not in own.basis  # exactly CVAE-GAN's step
            [table1] = estimate.estimate_table(
                "cvae_gan_table1", profile, get_profile("cvae_gan_table1", profile), bench
            )
            assert own.ms_per_step == pytest.approx(table1.ms_per_step)  # CVAE-GAN's cost per step
            assert own.hours == pytest.approx(n * config.steps * own.ms_per_step / 3.6e6)
    # at cpu: its own minutes only (Table 1's runs are Table 1's)
    cpu = get_profile("cvae_gan_applications", "cpu")
    estimates = estimate.estimate_table("cvae_gan_applications", "cpu", cpu, bench)
    own_hours = 5 * 500 * estimates[1].ms_per_step / 3.6e6
    frame = estimate.regime_cost_frame(estimates, {"cvae_gan_applications": [{"verdict": "holds"}]}).set_index("table")
    shown = frame.loc["cvae_gan_applications", "training minutes (estimated)"]
    assert shown == f"{60 * own_hours:.1f} (its own runs; it also reuses cvae_gan_table1's)"
    assert frame.loc["the book", "training minutes (estimated)"] == f"{60 * own_hours:.1f}"
    # a saved cpu-book row of its own run: the cpu estimate is that row (the reused runs are Table 1's rows)
    row = {"table": "cvae_gan_applications", "method": AUGMENT_GENERATOR, "runs": 5, "steps": 500}
    saved = {"title": "CPU", "rows": [{**row, "ms/step in a pair (1 thread)": 200.0}]}
    [measured] = estimate.cpu_book_estimate("cvae_gan_applications", cpu, saved)
    assert (measured.methods, measured.runs, measured.reuses) == ((AUGMENT_GENERATOR,), 5, None)
    assert measured.hours == pytest.approx(5 * 500 * 100 / 3.6e6)


def test_a_table_not_measured_leaves_the_books_cost_not_measured():
    frame = estimate.regime_cost_frame([_cpu_estimate("msgan_drit", None)], {"msgan_drit": [{"verdict": "holds"}]})
    assert list(frame["training minutes (estimated)"]) == [estimate.NOT_MEASURED] * 2
    assert list(frame["minutes per tested claim"]) == [estimate.NOT_MEASURED] * 2


def test_the_quick_check_table_reads_every_saved_rehearsal_file(tmp_path):
    assert estimate.quick_check_frame(tmp_path) is None  # nothing saved: the page says so
    provenance = {"git_commit": "0123456789abcdef", "device": "cpu (2 threads)"}
    cases = [
        {"table": "msgan_table1", "profile": "gpu", "wall_s": 45.0, "cpu_s": 40.2, "ok": True},
        {"table": "msgan_drit", "profile": "gpu", "wall_s": 600.0, "cpu_s": 300.0, "ok": False},
    ]
    payload = {
        "title": "t",
        "layout": "2 notebooks at a time, 1 thread(s) each",
        "cases": cases,
        "provenance": provenance,
    }
    (tmp_path / "rehearsal-cpu.json").write_text(json.dumps(payload))
    (tmp_path / "cpu.json").write_text("{}")  # a bench file: not a rehearsal, not read here
    frame = estimate.quick_check_frame(tmp_path)
    assert list(frame["table"]) == ["msgan_table1", "msgan_drit"] and list(frame["wall (min)"]) == [0.8, 10.0]
    assert list(frame["profile"]) == ["gpu quick"] * 2 and list(frame["ran"]) == ["yes", "failed"]
    assert set(frame["commit"]) == {"0123456"} and frame["measured on"][0].startswith("cpu (2 threads), 2 notebooks")


def _run_owners(profile: str) -> dict[tuple[str, str, str], list[tuple[str, str]]]:
    """Every ContraGAN / CVAE-GAN run of the book at `profile`: run key → [(table, method), ...] in the book's order."""
    from replication.configs.profiles import TABLE_PROFILES

    owners = {}
    for table in TABLE_PROFILES:
        for config in estimate.table_configs(table, profile):
            for method in estimate.runs_per_method(table, config):
                key = estimate.run_key(table, config, method)
                if key is not None:
                    owners.setdefault(key, []).append((table, method))
    return owners


@pytest.mark.parametrize("profile", ["smoke", "cpu", "gpu", "paper"])
def test_a_table_reuses_another_tables_runs_exactly_where_their_run_keys_agree(profile):
    """The accounting follows the configs at every profile: a run is reused where an earlier table trains a run
    with the same key (its experiment's run folder) for the same seeds, and only there."""
    from replication.configs.profiles import TABLE_PROFILES
    from replication.experiments.contragan import method_spec, run_config
    from replication.experiments.cvae_gan_applications import AUGMENT_GENERATOR

    owners = _run_owners(profile)
    order = list(TABLE_PROFILES)
    for table in TABLE_PROFILES:
        for config in estimate.table_configs(table, profile):
            for method in estimate.runs_per_method(table, config):
                owner = estimate.reused_from(table, profile, config, method)
                key = estimate.run_key(table, config, method)
                earlier = [t for t, _ in owners.get(key, []) if order.index(t) < order.index(table)]
                assert owner == (earlier[0] if earlier else None), (table, profile, config.dataset, method)
                if owner:  # the owner trains every seed of it
                    [owned] = [c for c in estimate.table_configs(owner, profile) if c.dataset == config.dataset]
                    assert set(config.seeds) <= set(owned.seeds)
    reused = {
        (t, c.dataset, m): estimate.reused_from(t, profile, c, m)
        for t in ("contragan_overfitting", "contragan_table2", "cvae_gan_applications")
        for c in estimate.table_configs(t, profile)
        for m in estimate.runs_per_method(t, c)
    }
    overfitting = {m: reused[("contragan_overfitting", d, m)] for (t, d, m) in reused if t == "contragan_overfitting"}
    applications = {m: o for (t, _, m), o in reused.items() if t == "cvae_gan_applications"}
    assert applications == {"CVAE": "cvae_gan_table1", "CVAE-GAN": "cvae_gan_table1", AUGMENT_GENERATOR: None}
    table2 = {(d, m) for (t, d, m), o in reused.items() if t == "contragan_table2" and o == "contragan_table1"}
    if profile in ("smoke", "cpu"):
        # the overfitting study trains on a 1,000-image subset: Table 1's settings but for `train_images`
        assert overfitting == {"projection": None, "2C": None}
        study = estimate.table_configs("contragan_overfitting", profile)[0]
        table1 = estimate.table_configs("contragan_table1", profile)[0]
        assert study.train_images == 1000 and table1.train_images == 0
        for head in ("projection", "2C"):
            mine = run_config(study, method_spec(head, study))
            theirs = run_config(table1, method_spec(f"SNDCGAN + {head}", table1))
            assert {k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k)} == {"train_images"}
            assert estimate.step_key("contragan_overfitting", study, head) == estimate.step_key(
                "contragan_table1", table1, f"SNDCGAN + {head}"
            )
        assert table2 == set()  # Table 2's narrower ResNets at cpu
    else:  # the whole training split: Table 1's BigGAN + projection / + 2C runs (Table 2's too, trained first by 1)
        assert overfitting == {"projection": "contragan_table1", "2C": "contragan_table1"}
        assert table2 == {
            ("cifar10", "SNResGAN"),
            ("cifar10", "BigGAN"),
            ("cifar10", "ContraGAN"),
            ("tiny-imagenet", "BigGAN"),
            ("tiny-imagenet", "ContraGAN"),
        }  # ImageNet: no Table 1 row; SAGAN and + CR: no Table 1 method
    for table in ("msgan_table1", "msgan_pix2pix", "alpha_gan_table", "contragan_table1", "cvae_gan_table1"):
        for config in estimate.table_configs(table, profile):
            assert not any(
                estimate.reused_from(table, profile, config, m) for m in estimate.runs_per_method(table, config)
            )


def test_the_overfitting_study_costs_its_own_runs_at_cpu_and_reuses_table_1s_at_gpu_and_paper():
    """At cpu (and smoke): its own 10 runs (projection and 2C on SNDCGAN, 5 seeds, 750 steps on 1,000 images),
    at Table 1's cost per step for those heads (the same nets and step), and its own training minutes; at
    gpu/paper: Table 1's BigGAN + projection / + 2C runs, 0 minutes of its own."""
    from replication.configs.profiles import get_profile

    bench = payload(("contragan-sndcgan32", 64, 40.0), ("contragan-biggan32", 64, 60.0))
    cpu = get_profile("contragan_overfitting", "cpu")
    [own] = estimate.estimate_table("contragan_overfitting", "cpu", cpu, bench)
    assert (own.methods, own.runs, own.steps, own.reuses) == (("projection", "2C"), 10, 750, None)
    [table1] = estimate.estimate_table("contragan_table1", "cpu", get_profile("contragan_table1", "cpu"), bench)
    assert own.case == table1.case == "contragan-sndcgan32"
    assert own.ms_per_step == pytest.approx(table1.ms_per_step)
    assert own.hours == pytest.approx(10 * 750 * own.ms_per_step / 3.6e6)
    [smoke] = estimate.estimate_table(
        "contragan_overfitting", "smoke", get_profile("contragan_overfitting", "smoke"), bench
    )
    assert smoke.reuses is None and smoke.runs == 4
    frame = estimate.regime_cost_frame([own], {"contragan_overfitting": [{"verdict": "holds"}]}).set_index("table")
    assert frame.loc["contragan_overfitting", "training minutes (estimated)"] == f"{60 * own.hours:.1f}"
    assert frame.loc["the book", "training minutes (estimated)"] == f"{60 * own.hours:.1f}"
    for profile in ("gpu", "paper"):
        config = get_profile("contragan_overfitting", profile)
        [reused] = estimate.estimate_table("contragan_overfitting", profile, config, bench)
        assert (reused.methods, reused.runs, reused.reuses) == (
            ("projection", "2C"),
            2 * len(config.seeds),
            "contragan_table1",
        )
    # the committed bench files: its own cpu runs, timed as Table 1's SNDCGAN + projection / + 2C where the
    # saved cpu-book has no row of its own
    committed = estimate.load_bench(repo_root() / "results" / "bench")
    estimates = estimate.all_estimates(committed)
    [own] = [e for e in estimates if (e.table, e.profile) == ("contragan_overfitting", "cpu")]
    assert (own.methods, own.runs, own.steps, own.reuses) == (("projection", "2C"), 10, 750, None)
    assert own.hours and own.hours > 0
    for profile in ("gpu", "paper"):
        rows = [e for e in estimates if (e.table, e.profile) == ("contragan_overfitting", profile)]
        assert rows and {e.reuses for e in rows} == {"contragan_table1"}
    shown = estimate.reuse_frame(estimates)
    overfitting = shown[shown["table"] == "contragan_overfitting"]
    assert set(overfitting["profile"]) == {"gpu", "paper"} and set(overfitting["trained by"]) == {"contragan_table1"}


def test_a_table_without_a_cpu_book_row_is_timed_as_the_rows_of_the_same_step():
    """The overfitting study's cpu runs at Table 1's measured SNDCGAN + projection / + 2C steps (the same nets
    and step: `step_key`), at its own runs and steps; no stand-in where an own method has none."""
    from replication.configs.profiles import get_profile

    def row(table, method, ms):
        return {"table": table, "method": method, "runs": 5, "steps": 1000, "ms/step in a pair (1 thread)": ms}

    rows = [row("contragan_table1", m, ms) for m, ms in (("SNDCGAN + ACGAN", 300.0), ("SNDCGAN + projection", 100.0))]
    rows += [row("contragan_table1", "SNDCGAN + 2C", 140.0), row("contragan_table2", "SNResGAN", 999.0)]
    config = get_profile("contragan_overfitting", "cpu")
    [e] = estimate.cpu_book_estimate("contragan_overfitting", config, {"title": "CPU", "rows": rows})
    assert (e.methods, e.runs, e.steps, e.case, e.reuses) == (("projection", "2C"), 10, 750, "cpu-book", None)
    assert e.ms_per_step == pytest.approx((50.0 + 70.0) / 2)  # half a pair's step, per run
    assert e.hours == pytest.approx(5 * 750 * (50.0 + 70.0) / 3.6e6)
    assert "contragan_table1's SNDCGAN + projection, contragan_table1's SNDCGAN + 2C" in e.basis
    assert estimate.cpu_book_estimate("contragan_overfitting", config, {"title": "CPU", "rows": rows[:2]}) == []
    # a table of its own rows: those, as before
    own = [{**row("contragan_overfitting", m, 80.0), "runs": 5, "steps": 750} for m in ("projection", "2C")]
    [e] = estimate.cpu_book_estimate("contragan_overfitting", config, {"title": "CPU", "rows": rows + own})
    assert e.ms_per_step == pytest.approx(40.0) and "measured at the cpu profile's sizes, two runs" in e.basis
