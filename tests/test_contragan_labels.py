"""Issue #24's pieces: G that also takes its label at its input, and the label–class NMI beside label accuracy."""

from __future__ import annotations

import math

import pytest
import torch

from replication.claims import regime
from replication.configs.contragan import ContraGANConfig
from replication.metrics.features import ClassifierConfig, get_extractor
from replication.metrics.label_accuracy import label_mutual_information
from replication.nets.contragan import BACKBONES, Discriminator, Generator, get_backbone


def test_nmi_by_hand():
    # joint (asked, predicted): (0,0) 1/4, (0,1) 1/4, (1,1) 1/2; marginals (1/2, 1/2) and (1/4, 3/4)
    mutual = 0.25 * math.log(2) + 0.25 * math.log(2 / 3) + 0.5 * math.log(4 / 3)
    h_asked, h_predicted = math.log(2), -(0.25 * math.log(0.25) + 0.75 * math.log(0.75))
    expected = mutual / ((h_asked + h_predicted) / 2)
    got = label_mutual_information(torch.tensor([0, 0, 1, 1]), torch.tensor([0, 1, 1, 1]), num_classes=10)
    assert got == pytest.approx(expected, abs=1e-12) and got == pytest.approx(0.343712, abs=1e-6)


def test_nmi_tells_a_permuted_label_from_an_ignored_one():
    asked = torch.arange(10).repeat(20)
    permuted = (asked + 3) % 10  # every label one consistent digit, always the wrong one: accuracy 0
    assert label_mutual_information(asked, permuted, 10) == pytest.approx(1.0)
    assert float((permuted == asked).float().mean()) == 0.0
    every_digit_per_label = torch.arange(10).repeat_interleave(10).repeat(2)  # each label meets every digit equally
    mixed_asked = torch.arange(10).repeat(20)
    assert label_mutual_information(mixed_asked, every_digit_per_label, 10) == pytest.approx(0.0, abs=1e-12)
    assert label_mutual_information(asked, torch.zeros_like(asked), 10) == 0.0  # one predicted class


def test_label_input_is_off_by_default_and_keeps_the_nets_as_they_were():
    torch.manual_seed(0)
    plain = Generator(get_backbone("SNDCGAN"), nz=16, num_classes=10, width=4, out_channels=1)
    assert plain.label_input is None and not any(k.startswith("label_input") for k in plain.state_dict())
    assert "label_input_dim" not in ContraGANConfig().training_config()  # old run folders keep their hash
    assert ContraGANConfig(label_input_dim=8).training_config()["label_input_dim"] == 8


@pytest.mark.parametrize("backbone", list(BACKBONES))
@pytest.mark.parametrize("head", ["acgan", "projection", "2C"])
def test_the_adapted_generator_takes_every_heads_inputs(backbone, head):
    torch.manual_seed(0)
    spec = get_backbone(backbone)
    g = Generator(spec, nz=16, num_classes=10, width=4, out_channels=1, shared_dim=8, label_dim=8)
    d = Discriminator(spec, head, num_classes=10, width=4, in_channels=1, embed_dim=12)
    labels = torch.randint(0, 10, (5,))
    images = g(torch.randn(5, 16), labels)
    assert images.shape == (5, 1, 32, 32) and d(images, labels).adv.shape == (5,)


def test_the_label_input_path_changes_the_output():
    torch.manual_seed(0)
    g = Generator(get_backbone("SNDCGAN"), nz=16, num_classes=10, width=4, out_channels=1, label_dim=8).eval()
    z, labels = torch.randn(6, 16), torch.arange(6)
    with torch.no_grad():
        before = g(z, labels)
        g.label_input.weight.zero_()  # the CBN still sees the label; only the input path is cut
        after = g(z, labels)
    assert not torch.allclose(before, after)


def test_the_regime_check_passes_on_real_labelled_digits_and_fails_on_shuffled_labels(mnist5k):
    classifier = get_extractor("classifier:mnist5k", mnist5k, "cpu", ClassifierConfig(steps=150, width=16))
    halves = torch.arange(len(mnist5k.test_x)).chunk(2)  # two "seeds"
    shuffled_labels = mnist5k.test_y[torch.randperm(len(mnist5k.test_y), generator=torch.Generator().manual_seed(0))]
    accuracy, nmi = {}, {}
    for name, labels in (("true", mnist5k.test_y), ("shuffled", shuffled_labels)):
        predicted = [classifier.logits(mnist5k.test_x[h]).argmax(1).cpu() for h in halves]
        accuracy[name] = [float((p == labels[h].cpu()).float().mean()) for p, h in zip(predicted, halves, strict=True)]
        nmi[name] = [label_mutual_information(labels[h], p, 10) for p, h in zip(predicted, halves, strict=True)]
    assert regime.uses_labels({"real digits": accuracy["true"]}, 10).met
    assert not regime.uses_labels({"real digits": accuracy["shuffled"]}, 10).met
    assert min(nmi["true"]) > 0.5 and max(nmi["shuffled"]) < 0.05


def test_the_cpu_adaptation_is_table_1_and_the_overfitting_studys_at_smoke_and_cpu_only():
    """#24's design (G takes its label at its input too, 2 D steps) at smoke/cpu of Table 1 and the overfitting
    study, which keep sharing runs; never at gpu/paper, and not in Table 2 (whose ResNets cannot reach the
    regime in the cpu budget)."""
    from replication.configs.profiles import get_profile
    from replication.experiments import contragan

    for table in (contragan.TABLE1, contragan.OVERFITTING):
        for profile in ("smoke", "cpu"):
            config = get_profile(table, profile)
            assert (config.label_input_dim, config.d_steps_per_g) == (16, 1), (table, profile)
        for profile in ("gpu", "paper"):
            config = get_profile(table, profile)
            assert config.label_input_dim == 0 and config.d_steps_per_g == 5, (table, profile)
    table1, overfitting = get_profile(contragan.TABLE1, "cpu"), get_profile(contragan.OVERFITTING, "cpu")
    # the overfitting study trains the same design on 1,000 training images (its own runs): D's gap grows there
    assert overfitting.training_config() == {**table1.training_config(), "train_images": 1000}
    assert "train_images" not in table1.training_config()
    for method in ("projection", "2C"):
        assert contragan.method_spec(method, overfitting) == contragan.method_spec(f"SNDCGAN + {method}", table1)
    assert get_profile(contragan.TABLE2, "cpu").label_input_dim == 0
    for profile in ("gpu", "paper"):
        assert get_profile(contragan.OVERFITTING, profile).train_images == 0


def test_the_training_subset_is_class_balanced_fixed_and_checked(mnist5k):
    from replication.experiments import contragan

    x, y = contragan.training_images(mnist5k, 0)
    assert x is mnist5k.train_x and y is mnist5k.train_y  # 0: the whole split
    x, y = contragan.training_images(mnist5k, 1000)
    assert len(x) == 1000 and torch.bincount(y, minlength=10).tolist() == [100] * 10
    again_x, again_y = contragan.training_images(mnist5k, 1000)
    assert torch.equal(x, again_x) and torch.equal(y, again_y)  # the same images for every run and seed
    pairs = zip(mnist5k.train_x, mnist5k.train_y, strict=True)
    split = {(image.numpy().tobytes(), int(label)) for image, label in pairs}
    assert all((image.numpy().tobytes(), int(label)) in split for image, label in zip(x, y, strict=True))
    assert y[:50].unique().numel() > 1  # the permutation's order, not class by class (D's probes read the first)
    for bad in (999, 5, 10 * (int(torch.bincount(mnist5k.train_y).min()) + 1)):
        with pytest.raises(ValueError, match="multiple of the 10 classes"):
            contragan.training_images(mnist5k, bad)
