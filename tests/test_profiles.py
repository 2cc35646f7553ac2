import pytest
import torch

from replication.configs.profiles import PROFILE_NAMES, TABLE_PROFILES, get_profile, resolve_profile_name


def test_unknown_profile_lists_the_valid_ones():
    with pytest.raises(ValueError) as error:
        get_profile("msgan_table1", "laptop")
    for name in PROFILE_NAMES:
        assert name in str(error.value)


def test_unknown_table_and_setting_list_the_valid_ones():
    with pytest.raises(ValueError, match="msgan_table1"):
        get_profile("msgan_table9", "cpu")
    with pytest.raises(ValueError, match="steps"):
        get_profile("msgan_table1", "cpu", stepz=3)


def test_auto_means_gpu_only_with_cuda():
    assert resolve_profile_name("auto") == ("gpu" if torch.cuda.is_available() else "cpu")


def test_overrides_and_seed_counts():
    config = get_profile("msgan_table1", "cpu", seeds=5, steps=7, dataset=None)
    assert config.seeds == (0, 1, 2, 3, 4) and config.steps == 7
    assert config.dataset == get_profile("msgan_table1", "cpu").dataset  # None keeps the profile value
    assert get_profile("msgan_table1", "cpu", seeds=[3, 9]).seeds == (3, 9)


def test_profiles_scale_up_and_cpu_has_three_seeds():
    smoke, cpu, gpu, paper = (get_profile("msgan_table1", p) for p in ("smoke", "cpu", "gpu", "paper"))
    assert smoke.steps < cpu.steps < gpu.steps < paper.steps
    assert len(cpu.seeds) >= 3
    assert paper.batch_size == 32 and paper.width == 128 and paper.lambda_ms == 1.0  # the official settings
    assert cpu.extractor == "classifier:mnist5k" and paper.extractor == "inception-v3-fid"


def test_every_reported_row_has_gpu_and_paper_settings_that_load_its_own_data_set():
    from replication.configs.profiles import ROW_SETTINGS
    from replication.reported import DATA_ROWS

    for table_id in TABLE_PROFILES:
        rows = DATA_ROWS[table_id]
        assert set(ROW_SETTINGS[table_id]) == {r.dataset for r in rows}, table_id
        for profile in ("gpu", "paper"):
            assert get_profile(table_id, profile).dataset in {r.dataset for r in rows}, (table_id, profile)
            for row in rows:
                config = get_profile(table_id, profile, dataset=row.dataset)
                assert config.dataset == row.dataset and config.seeds, (table_id, profile, row)


def test_a_rows_settings_apply_at_gpu_and_paper_and_explicit_overrides_win():
    tiny = get_profile("contragan_table2", "paper", dataset="tiny-imagenet")
    assert (tiny.batch_size, tiny.lr_g, tiny.lr_d, tiny.beta1, tiny.d_steps_per_g) == (1024, 1e-4, 4e-4, 0.0, 1)
    assert tiny.extractor == "inception-v3-fid"  # Inception FID stays at paper
    assert get_profile("contragan_table2", "gpu", dataset="tiny-imagenet").steps == 20_000
    assert get_profile("contragan_table2", "paper", dataset="tiny-imagenet", batch_size=128).batch_size == 128
    assert get_profile("alpha_gan_table", "paper", dataset="celeba").image_size == 64
    assert get_profile("alpha_gan_table", "paper").image_size == 32
    cpu = get_profile("contragan_table2", "cpu", dataset="tiny-imagenet")  # cpu keeps its own sizes
    assert cpu.batch_size == get_profile("contragan_table2", "cpu").batch_size and cpu.dataset == "tiny-imagenet"


def test_contragan_table1_runs_on_tiny_imagenet_only_the_backbone_the_paper_reports_there():
    tiny = get_profile("contragan_table1", "paper", dataset="tiny-imagenet")
    assert tiny.methods == ("BigGAN + ACGAN", "BigGAN + projection", "BigGAN + 2C") and tiny.image_size == 64
    assert len(get_profile("contragan_table1", "paper").methods) == 9


@pytest.mark.parametrize("table_id", sorted(TABLE_PROFILES))
def test_a_quick_check_keeps_the_profiles_nets_and_data_and_takes_the_smoke_budget(table_id):
    from dataclasses import fields

    from replication.configs.profiles import QUICK_CAPS, QUICK_FIELDS, QUICK_TABLE_CAPS

    gpu, smoke = get_profile(table_id, "gpu"), get_profile(table_id, "smoke")
    quick = get_profile(table_id, "gpu", quick=True)
    caps = {**QUICK_CAPS, **QUICK_TABLE_CAPS.get(table_id, {})}
    assert quick.seeds == (0,)
    for field in fields(gpu):
        if field.name in QUICK_FIELDS:
            cap = caps.get(field.name, getattr(smoke, field.name))
            assert getattr(quick, field.name) == min(getattr(smoke, field.name), cap), field.name
        elif field.name == "batch_size":
            assert quick.batch_size == min(gpu.batch_size, caps["batch_size"])
        elif field.name in caps:  # a table's own cap on its training shape (DRIT's d_iter)
            assert getattr(quick, field.name) == min(getattr(gpu, field.name), caps[field.name]), field.name
        elif field.name != "seeds":
            assert getattr(quick, field.name) == getattr(gpu, field.name), field.name  # nets, data, optimiser
    assert quick.steps == caps["steps"] and quick.batch_size <= 16  # the paper's nets are wide: few steps
    assert get_profile(table_id, "gpu", quick=True, seeds=2).seeds == (0, 1)  # the notebook's own override wins
    assert get_profile(table_id, "gpu", quick=True, steps=5).steps == 5
    if table_id == "msgan_drit":  # both of DRIT's update paths still run: a content-D-only batch, then the full one
        assert (quick.steps, quick.d_iter) == (1, 2)
    if table_id == "msgan_stackgan":
        assert (quick.batch_size, quick.eval_captions) == (8, 10)
    with pytest.raises(ValueError, match="quick must be true or false"):
        get_profile(table_id, "gpu", quick="yes")


def test_a_quick_checks_results_have_their_own_file_and_a_warning_banner():
    from dataclasses import asdict

    from replication.book.page import banner
    from replication.run import results
    from replication.run.experiment import settings_overridden

    config = asdict(get_profile("msgan_table1", "gpu", quick=True))
    dataset, changed = settings_overridden("msgan_table1", "gpu", config)
    assert (dataset, changed) == ("cifar10", {"quick": True})
    assert results.variant_name(dataset, changed) == "cifar10.quick"
    config = asdict(get_profile("msgan_table1", "gpu", quick=True, steps=7))
    assert settings_overridden("msgan_table1", "gpu", config)[1] == {"quick": True, "steps": 7}
    assert results.variant_name("cifar10", {"quick": True, "steps": 7}) == "cifar10.quick.steps7"
    provenance = {
        "dataset": {"name": "cifar10"},
        "date_utc": "2026-12-05T00:00:00+00:00",
        "git_commit": "abc",
        "git_dirty": False,
        "settings_overridden": {"dataset": "cifar10", "quick": True},
    }
    text = banner({"profile": "gpu", "provenance": provenance})
    assert text.startswith("```{warning}") and "Quick check" in text
    assert "Quick check" not in banner({"profile": "gpu", "provenance": {**provenance, "settings_overridden": None}})
