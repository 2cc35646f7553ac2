import math

import pytest
import torch
import torch.nn.functional as F
import torchvision

from replication.metrics import lpips as L
from replication.metrics.features import ClassifierExtractor
from replication.nets.classifier import SmallClassifier


def tiny_extractor(in_channels: int = 1, size: int = 16, seed: int = 0) -> ClassifierExtractor:
    """A random SmallClassifier with non-trivial BatchNorm statistics (a few train-mode passes)."""
    torch.manual_seed(seed)
    model = SmallClassifier(in_channels, num_classes=3, width=4, feature_dim=8, image_size=size)
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.rand(8, in_channels, size, size) * 2 - 1)
    return ClassifierExtractor(model, "tiny", "0" * 64, 0.0)  # sets eval mode


def images(n: int, channels: int = 1, size: int = 16, seed: int = 1) -> torch.Tensor:
    return torch.rand(n, channels, size, size, generator=torch.Generator().manual_seed(seed)) * 2 - 1


@torch.no_grad()
def naive_lpips(model: SmallClassifier, a: torch.Tensor, b: torch.Tensor) -> list[float]:
    """d(x, x0) = Σ_l 1/(H_l W_l) Σ_hw Σ_c (y_lchw/‖y_l·hw‖ − y0_lchw/‖y0_l·hw‖)², w_l = 1, by loops."""
    body = model.body

    def activations(x):
        out, h = [], x.double()
        for conv, bn in ((body[0], body[1]), (body[3], body[4]), (body[6], body[7])):
            h = F.conv2d(h, conv.weight.double(), conv.bias.double(), stride=2, padding=1)
            h = F.batch_norm(
                h, bn.running_mean.double(), bn.running_var.double(), bn.weight.double(), bn.bias.double(), eps=bn.eps
            )
            h = h.clamp(min=0)
            out.append(h[0])
        return out

    result = []
    for n in range(len(a)):
        total = 0.0
        for ya, yb in zip(activations(a[n : n + 1]), activations(b[n : n + 1]), strict=True):
            channels, height, width = ya.shape
            layer = 0.0
            for h in range(height):
                for w in range(width):
                    va, vb = [float(v) for v in ya[:, h, w]], [float(v) for v in yb[:, h, w]]
                    norm_a = math.sqrt(sum(v * v for v in va)) + 1e-10
                    norm_b = math.sqrt(sum(v * v for v in vb)) + 1e-10
                    layer += sum((va[c] / norm_a - vb[c] / norm_b) ** 2 for c in range(channels))
            total += layer / (height * width)
        result.append(total)
    return result


def test_stand_in_is_named_for_what_it_is():
    d = L.classifier_lpips(tiny_extractor())
    assert d.name == "LPIPS stand-in: classifier:tiny conv features, unit weights (not AlexNet LPIPS)"
    assert d.describe()["name"] == d.name and "w_l = 1" in d.describe()["weights"]


def test_stand_in_is_a_distance_on_these_images():
    d = L.classifier_lpips(tiny_extractor())
    a, b = images(4, seed=1), images(4, seed=2)
    assert torch.equal(d.distance(a, a), torch.zeros(4))
    assert torch.equal(d.distance(a, b), d.distance(b, a))
    assert (d.distance(a, b) > 0).all()


def test_stand_in_matches_a_hand_written_loop():
    extractor = tiny_extractor()
    a, b = images(3, seed=3), images(3, seed=4)
    expected = torch.tensor(naive_lpips(extractor.model, a, b), dtype=torch.float32)
    assert torch.allclose(L.classifier_lpips(extractor).distance(a, b), expected, rtol=1e-4, atol=1e-6)


def test_a_shifted_copy_is_closer_than_an_unrelated_image():
    d = L.classifier_lpips(tiny_extractor())
    a = images(8, seed=5)
    shifted, unrelated = (a + 0.1).clamp(-1, 1), images(8, seed=6)
    assert (d.distance(a, shifted) < d.distance(a, unrelated)).all()


def test_stand_in_feeds_images_as_the_classifier_expects():
    rgb = L.classifier_lpips(tiny_extractor(in_channels=3, size=16))
    a, b = images(2, channels=1, size=32, seed=7), images(2, channels=1, size=32, seed=8)
    assert rgb.classifier_input(a).shape == (2, 3, 16, 16)  # grey → RGB, 32 px → the classifier's 16 px
    assert torch.equal(rgb.distance(a, b), rgb.distance(a.repeat(1, 3, 1, 1), b.repeat(1, 3, 1, 1)))
    grey = L.classifier_lpips(tiny_extractor(in_channels=1, size=16))
    assert grey.classifier_input(images(2, channels=3, seed=9)).shape == (2, 1, 16, 16)  # RGB → luma


def ignores_z(x, z):
    return x.tanh()


def adds_z_mean(x, z):
    return (x + z.mean(1)[:, None, None, None]).clamp(-1, 1)


def test_same_input_diversity_is_zero_without_noise_and_positive_with_it():
    d = L.classifier_lpips(tiny_extractor())
    x = images(5, seed=10)
    assert L.same_input_diversity(ignores_z, x, nz=8, pairs=3, distance=d, seed=0) == 0.0
    assert L.same_input_diversity(adds_z_mean, x, nz=8, pairs=3, distance=d, seed=0) > 0


def test_same_input_diversity_is_deterministic_under_a_seed():
    d = L.classifier_lpips(tiny_extractor())
    x = images(5, seed=11)
    first = L.same_input_diversity(adds_z_mean, x, nz=8, pairs=3, distance=d, seed=123)
    assert L.same_input_diversity(adds_z_mean, x, nz=8, pairs=3, distance=d, seed=123) == first
    assert L.same_input_diversity(adds_z_mean, x, nz=8, pairs=3, distance=d, seed=124) != first
    by_one = L.same_input_diversity(adds_z_mean, x, nz=8, pairs=3, distance=d, seed=123, batch_size=1)
    assert math.isclose(by_one, first, rel_tol=1e-5)  # z's are drawn up front: batching does not change them


def test_real_lpips_says_why_it_is_unavailable():
    real, reason = L.real_lpips()
    if real is not None:
        pytest.skip(f"real LPIPS is available here ({reason})")
    assert "lpips not installed" in reason or "AlexNet weights" in reason


def test_real_lpips_never_downloads_missing_or_corrupt_alexnet_weights(monkeypatch, tmp_path):
    monkeypatch.setattr(L, "lpips_installed", lambda: True)
    monkeypatch.setattr(torch.hub, "_hub_dir", None)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    path = tmp_path / "hub" / "checkpoints" / "alexnet-owt-7be5be79.pth"
    assert L.alexnet_cache_path() == path
    real, reason = L.real_lpips()
    assert real is None and reason == f"AlexNet weights not in the torch cache ({path})"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not alexnet")
    real, reason = L.real_lpips()
    assert real is None and "fail their checksum" in reason


def test_perceptual_distance_falls_back_to_the_stand_in_and_records_why():
    real, reason = L.real_lpips()
    if real is not None:
        pytest.skip(f"real LPIPS is available here ({reason})")
    d = L.perceptual_distance(tiny_extractor())
    assert d.name.startswith("LPIPS stand-in: classifier:tiny")
    assert d.describe()["real_lpips_unavailable"] == reason


def test_real_lpips_has_the_stand_ins_properties():
    real, reason = L.real_lpips()
    if real is None:
        pytest.skip(reason)
    a, b = images(4, channels=3, size=64, seed=12), images(4, channels=3, size=64, seed=13)
    assert torch.allclose(real.distance(a, a), torch.zeros(4), atol=1e-6)
    assert torch.allclose(real.distance(a, b), real.distance(b, a), rtol=1e-5)
    assert (real.distance(a, b) > 0).all()
    assert (real.distance(a, (a + 0.1).clamp(-1, 1)) < real.distance(a, b)).all()
    g, h = images(2, channels=1, size=64, seed=14), images(2, channels=1, size=64, seed=15)
    assert torch.allclose(real.distance(g, h), real.distance(g.repeat(1, 3, 1, 1), h.repeat(1, 3, 1, 1)))


def test_alexnet_weights_go_into_lpips_slices_by_their_torchvision_index():
    # lpips.pretrained_networks.alexnet: slice1..5 hold torchvision's features[0:2], [2:5], [5:8], [8:10],
    # [10:12] as children named by that index; its AlexNet is built random (pnet_rand) and filled from the cache
    features = torchvision.models.alexnet(weights=None).features
    net = torch.nn.Module()
    for k, (start, stop) in enumerate([(0, 2), (2, 5), (5, 8), (8, 10), (10, 12)], 1):
        piece = torch.nn.Sequential()
        for i in range(start, stop):
            piece.add_module(str(i), features[i])
        setattr(net, f"slice{k}", piece)
    state = torchvision.models.alexnet(weights=None).state_dict()  # another random AlexNet
    L.load_alexnet_features(net, state)
    assert torch.equal(net.slice1[0].weight, state["features.0.weight"])
    assert torch.equal(net.slice5._modules["10"].bias, state["features.10.bias"])
    with pytest.raises(ValueError, match="features.10.weight"):
        del net.slice5._modules["10"]
        L.load_alexnet_features(net, state)


def test_without_alexnet_lpips_and_without_a_classifier_the_error_says_how_to_get_it():
    from replication.metrics.lpips import perceptual_distance, real_lpips

    if real_lpips()[0] is not None:
        pytest.skip("AlexNet LPIPS is available here")
    with pytest.raises(RuntimeError, match="pip install lpips"):
        perceptual_distance(object())  # an Inception extractor has no classifier to stand in
