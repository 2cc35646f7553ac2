import pytest
import torch

from replication.profiles import PROFILE_NAMES, get_profile, resolve_profile_name


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
