import math

import numpy as np
import pytest
import torch
from scipy import linalg

from replication.metrics.fid import frechet_distance, per_class_frechet_distance
from replication.metrics.ndb import NDBBins, jensen_shannon_divergence, two_proportion_z_test


def naive_frechet(a: np.ndarray, b: np.ndarray) -> float:
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = linalg.sqrtm(s1 @ s2).real
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1 + s2 - 2 * covmean))


def test_fid_of_identical_sets_is_zero():
    x = torch.randn(500, 16, generator=torch.Generator().manual_seed(0))
    assert abs(frechet_distance(x, x.clone())) < 1e-6


def test_fid_matches_the_closed_form_for_an_affine_gaussian_pair():
    # Y = a X + b has mean a μ + b and covariance a² Σ exactly (empirical statistics too), so
    # FID = |μ − (aμ + b)|² + Tr(Σ + a²Σ − 2aΣ) = |(1 − a)μ − b|² + (1 − a)² Tr Σ.
    g = torch.Generator().manual_seed(1)
    x = torch.randn(400, 8, generator=g, dtype=torch.float64) @ torch.randn(8, 8, generator=g, dtype=torch.float64)
    a, b = 0.6, torch.linspace(-1, 1, 8, dtype=torch.float64)
    y = a * x + b
    mu, cov = x.mean(0), torch.cov(x.T)
    expected = float(((1 - a) * mu - b).square().sum() + (1 - a) ** 2 * torch.trace(cov))
    assert math.isclose(frechet_distance(x, y), expected, rel_tol=1e-6)


def test_fid_agrees_with_a_naive_scipy_implementation():
    rng = np.random.default_rng(2)
    a = rng.normal(size=(300, 6))
    b = rng.normal(loc=0.5, scale=1.5, size=(300, 6))
    assert math.isclose(frechet_distance(torch.from_numpy(a), torch.from_numpy(b)), naive_frechet(a, b), rel_tol=1e-5)


@pytest.mark.parametrize(("n_real", "n_fake"), [(40, 25), (25, 40), (64, 64), (300, 20)])
def test_fid_with_fewer_images_than_dimensions_is_exact_and_matches_torchmetrics(n_real, n_fake):
    # rank-deficient covariances (N ≤ D = 64): the trace term through the smaller set's N × N matrix
    from torchmetrics.image.fid import FrechetInceptionDistance

    from replication.metrics.fid import _PrecomputedFeatures

    g = torch.Generator().manual_seed(n_real + n_fake)
    real = torch.randn(n_real, 64, generator=g, dtype=torch.float64) @ torch.randn(
        64, 64, generator=g, dtype=torch.float64
    )
    fake = 0.7 * torch.randn(n_fake, 64, generator=g, dtype=torch.float64) + 0.3
    reference = FrechetInceptionDistance(feature=_PrecomputedFeatures(64), normalize=False)
    reference.update(real, real=True)
    reference.update(fake, real=False)
    assert math.isclose(frechet_distance(real, fake), float(reference.compute()), rel_tol=1e-6)
    assert math.isclose(frechet_distance(real, fake), naive_frechet(real.numpy(), fake.numpy()), rel_tol=1e-6)
    assert abs(frechet_distance(fake, fake.clone())) < 1e-6


def test_fid_rejects_mismatched_feature_sets():
    with pytest.raises(ValueError, match="feature sets"):
        frechet_distance(torch.zeros(5, 3), torch.zeros(5, 4))


def test_per_class_fid_is_zero_per_class_for_identical_sets_and_positive_for_shifted():
    g = torch.Generator().manual_seed(3)
    x = torch.randn(300, 4, generator=g)
    y = torch.arange(3).repeat_interleave(100)
    same = per_class_frechet_distance(x, y, x, y)
    assert set(same) == {0, 1, 2} and all(abs(v) < 1e-6 for v in same.values())
    shifted = x.clone()
    shifted[y == 1] += 2.0
    values = per_class_frechet_distance(x, y, shifted, y)
    assert abs(values[0]) < 1e-6 and math.isclose(values[1], 4 * 4.0, rel_tol=1e-5)


def test_jsd_closed_forms():
    assert jensen_shannon_divergence([0.5, 0.5], [0.5, 0.5]) == 0.0
    assert math.isclose(jensen_shannon_divergence([1.0, 0.0], [0.0, 1.0]), math.log(2))
    # P = (1, 0), Q = (½, ½): M = (¾, ¼); JSD = ½ log(4/3) + ½(½ log(2/3) + ½ log 2)
    expected = 0.5 * math.log(4 / 3) + 0.5 * (0.5 * math.log(0.5 / 0.75) + 0.5 * math.log(0.5 / 0.25))
    assert math.isclose(jensen_shannon_divergence([1.0, 0.0], [0.5, 0.5]), expected)


def test_two_proportion_z_test_against_a_hand_computed_value():
    # p1 = 0.30 (n=1000), p2 = 0.25 (n=1000): pooled 0.275, se = sqrt(.275·.725·2/1000) = 0.019968,
    # z = 2.504, two-sided p = 0.0123 → significant at 0.05 but not at 0.01.
    p1, p2 = np.array([0.30]), np.array([0.25])
    assert two_proportion_z_test(p1, 1000, p2, 1000, alpha=0.05)[0]
    assert not two_proportion_z_test(p1, 1000, p2, 1000, alpha=0.01)[0]
    assert not two_proportion_z_test(np.array([0.0]), 10, np.array([0.0]), 10)[0]  # empty bin: no test


def _clusters(rng, centres, per_centre, spread=0.05):
    return np.concatenate([c + spread * rng.normal(size=(per_centre, len(c))) for c in centres])


def test_ndb_is_zero_and_jsd_near_zero_for_samples_from_the_same_distribution():
    rng = np.random.default_rng(0)
    centres = np.eye(5) * 10
    bins = NDBBins(_clusters(rng, centres, 400), bins=5, seed=0)
    result = bins.evaluate(_clusters(rng, centres, 400))
    assert result.ndb == 0
    assert result.jsd < 1e-3


def test_ndb_flags_every_bin_for_samples_from_a_disjoint_distribution():
    rng = np.random.default_rng(1)
    bins = NDBBins(_clusters(rng, np.eye(4) * 10, 300), bins=4, seed=0)
    # all samples sit on one real mode → three bins empty, one over-full: all four differ
    collapsed = bins.evaluate(_clusters(rng, [np.eye(4)[0] * 10], 1200))
    assert collapsed.ndb == 4 and collapsed.ndb_fraction == 1.0
    np.testing.assert_allclose(collapsed.real_proportions, 0.25)  # k-means found the 4 real modes
    onehot = (collapsed.sample_proportions == 1.0).astype(float)
    assert onehot.sum() == 1
    # JSD(uniform over 4, one-hot) = ½(¼ log(¼/⅝) + 3·¼ log(¼/⅛)) + ½ log(1/⅝)
    expected = 0.5 * (0.25 * math.log(0.25 / 0.625) + 0.75 * math.log(2)) + 0.5 * math.log(1 / 0.625)
    assert math.isclose(collapsed.jsd, expected, rel_tol=1e-9)


def test_ndb_needs_enough_real_samples():
    with pytest.raises(ValueError, match="at least K"):
        NDBBins(np.zeros((3, 2)), bins=5)


def test_fid_sees_features_below_one_byte_step():
    """Features are passed through unchanged: a byte cast ((x * 255).byte(), done by old torchmetrics
    releases under normalize=True) would map both sets below to 0 and report FID 0."""
    rng = np.random.default_rng(3)
    a = rng.uniform(0.0, 0.003, size=(200, 4))
    b = rng.uniform(0.0, 0.003, size=(200, 4)) + np.array([0.001, 0.0, -0.002, 0.0])
    expected = naive_frechet(a, b)
    assert expected > 1e-6
    assert math.isclose(frechet_distance(torch.from_numpy(a), torch.from_numpy(b)), expected, rel_tol=1e-5)
