"""CVAE-GAN applications: the augmentation study's generator is trained on exactly the real subset that its
classifiers see, in a run folder of its own (cached and resumed like every run)."""

import json

import pytest
import torch

from replication.configs.profiles import get_profile
from replication.experiments import cvae_gan
from replication.experiments import cvae_gan_applications as apps

CPU = torch.device("cpu")


def test_the_subset_data_is_the_classifiers_subset_with_the_held_out_split_untouched(mnist5k):
    config = get_profile(apps.TABLE_ID, "smoke")
    per_class = config.augment_real_per_class
    for seed in (0, 3):
        subset = apps.subset_data(mnist5k, per_class, seed)
        x, y = apps.real_subset(mnist5k, per_class, seed)
        assert torch.equal(subset.train_x, x) and torch.equal(subset.train_y, y)
        assert len(subset.train_x) == per_class * mnist5k.num_classes
        assert torch.bincount(subset.train_y).tolist() == [per_class] * mnist5k.num_classes
        assert subset.test_x is mnist5k.test_x and subset.test_y is mnist5k.test_y
        assert subset.class_names == mnist5k.class_names and subset.checksum != mnist5k.checksum
    other = apps.subset_data(mnist5k, per_class, 1)
    assert not torch.equal(other.train_x, apps.subset_data(mnist5k, per_class, 0).train_x)  # drawn per seed
    assert other.checksum != apps.subset_data(mnist5k, per_class, 0).checksum


def test_the_augmentation_generator_trains_on_the_subset_in_its_own_resumable_run(mnist5k, tmp_path, monkeypatch):
    monkeypatch.setenv("REPLICATION_RUNS", str(tmp_path))
    config = get_profile(apps.TABLE_ID, "smoke", steps=2)
    seen = []

    def recording_train_run(config, data, method, seed, device, progress=True, data_key=None):
        seen.append((data, method, data_key))
        return cvae_gan.train_run(config, data, method, seed, device, progress, data_key)

    monkeypatch.setattr(apps, "train_run", recording_train_run)
    seed = 1
    run = apps.train_application_run(config, mnist5k, apps.AUGMENT_GENERATOR, seed, CPU, progress=False)
    ((data, method, data_key),) = seen
    subset_x, subset_y = apps.real_subset(mnist5k, config.augment_real_per_class, seed)
    assert method == "CVAE-GAN" and run.method == apps.AUGMENT_GENERATOR
    assert torch.equal(data.train_x, subset_x) and torch.equal(data.train_y, subset_y)
    assert len(data.train_x) == config.augment_real_per_class * mnist5k.num_classes < len(mnist5k.train_x)
    assert data_key["train_subset"]["per_class"] == config.augment_real_per_class
    assert data_key["train_subset"]["seed"] == seed
    assert run.result.steps_done == 2 and run.result.resumed_from == 0

    # its own key: neither the whole-split run (Table 1's, what inpainting uses) nor another seed's subset
    full = apps.train_application_run(config, mnist5k, "CVAE-GAN", seed, CPU, progress=False)
    assert seen[-1][0] is mnist5k and seen[-1][2] is None
    assert full.result.run_dir != run.result.run_dir
    assert full.result.run_dir == cvae_gan.train_run(config, mnist5k, "CVAE-GAN", seed, CPU, False).result.run_dir
    other_seed = apps.train_application_run(config, mnist5k, apps.AUGMENT_GENERATOR, 2, CPU, progress=False)
    assert other_seed.result.run_dir.parent != run.result.run_dir.parent
    saved = json.loads((run.result.run_dir.parent / "config.json").read_text())
    assert saved["train_subset"] == data_key["train_subset"] and saved["method"] == "CVAE-GAN"

    # cached: a second call loads the finished run instead of training it again
    again = apps.train_application_run(config, mnist5k, apps.AUGMENT_GENERATOR, seed, CPU, progress=False)
    assert again.result.run_dir == run.result.run_dir
    assert again.result.resumed_from == again.result.steps_done == 2
    for name, p in run.models.generator.state_dict().items():
        assert torch.equal(p, again.models.generator.state_dict()[name])


def test_a_data_key_may_not_overwrite_the_training_settings(mnist5k, tmp_path, monkeypatch):
    monkeypatch.setenv("REPLICATION_RUNS", str(tmp_path))
    config = get_profile(apps.TABLE_ID, "smoke", steps=1)
    with pytest.raises(ValueError, match="steps"):
        cvae_gan.train_run(config, mnist5k, "CVAE-GAN", 0, CPU, False, data_key={"steps": 5})


class _Judge:
    """The evaluator stand-in: calls every image class 0."""

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.one_hot(torch.zeros(len(x), dtype=torch.long), 10).float()


def test_the_augmentation_classifiers_train_on_that_subset_and_the_added_samples(mnist5k, tmp_path, monkeypatch):
    monkeypatch.setenv("REPLICATION_RUNS", str(tmp_path))
    config = get_profile(apps.TABLE_ID, "smoke", steps=1, augment_steps=1)
    seed = 1
    run = apps.train_application_run(config, mnist5k, apps.AUGMENT_GENERATOR, seed, CPU, progress=False)
    trained_on = []
    original = apps.train_subset_classifier

    def recording(x, y, *args):
        trained_on.append((x, y))
        return original(x, y, *args)

    monkeypatch.setattr(apps, "train_subset_classifier", recording)
    metrics, pictures = apps.augmentation_study(config, mnist5k, run.models.generator, _Judge(), seed, CPU)
    subset = apps.subset_data(mnist5k, config.augment_real_per_class, seed)
    (alone_x, alone_y), (augmented_x, augmented_y) = trained_on
    assert torch.equal(alone_x, subset.train_x) and torch.equal(alone_y, subset.train_y)
    n, k = len(subset.train_x), mnist5k.num_classes
    assert torch.equal(augmented_x[:n], subset.train_x) and len(augmented_x) == n + config.augment_fake_per_class * k
    assert torch.equal(augmented_y[n:], torch.arange(k).repeat_interleave(config.augment_fake_per_class))
    assert metrics[apps.ADDED_TOP1] == pytest.approx(0.1)  # the judge calls all class 0: one class in ten is right
    assert set(metrics) == {apps.ADDED_TOP1, *apps.SETTINGS}
    per_class = min(8, config.augment_real_per_class)
    assert torch.equal(pictures["subset"][:per_class], subset.train_x[:per_class])
    assert len(pictures["added"]) == min(8, config.augment_fake_per_class) * k


def test_the_augmentation_claim_states_its_design_and_its_caveat():
    config = get_profile(apps.TABLE_ID, "cpu")
    claim = apps.augmentation_claim(config)
    assert f"trained on the same {config.augment_real_per_class} real images per class" in claim
    assert "caveat" in claim


def test_a_subset_smaller_than_the_batch_trains_with_the_batch_cut_to_it(mnist5k, tmp_path, monkeypatch):
    """A quick check's subset (fixture data: 3 classes × 5 images, batch 16) must not stop at `BatchSampler`."""
    monkeypatch.setenv("REPLICATION_RUNS", str(tmp_path))
    config = get_profile(apps.TABLE_ID, "smoke", steps=1, augment_real_per_class=2)  # 20 images, batch 32
    assert config.augment_real_per_class * mnist5k.num_classes < config.batch_size
    run = apps.train_application_run(config, mnist5k, apps.AUGMENT_GENERATOR, 0, CPU, progress=False)
    saved = json.loads((run.result.run_dir.parent / "config.json").read_text())
    assert run.result.steps_done == 1 and saved["batch_size"] == 20
    assert apps.subset_run_config(config, 1000) == config  # a subset at least a batch large: the table's config
