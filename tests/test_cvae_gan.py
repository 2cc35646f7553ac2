import math

import pytest
import torch

from replication.losses import cvae_gan as L
from replication.metrics.inception_score import inception_score
from replication.nets.cvae_gan import FeatureClassifier32, reparameterise


def test_kl_matches_the_closed_form_for_diagonal_gaussians():
    mu = torch.tensor([[1.0, -2.0], [0.0, 0.5]])
    logvar = torch.tensor([[0.0, math.log(4.0)], [math.log(0.25), 0.0]])
    # KL(N(μ, σ²) ‖ N(0, 1)) = ½ (μ² + σ² − log σ² − 1) per dimension
    per_row = [
        0.5 * (1 + 1 - 0 - 1) + 0.5 * (4 + 4 - math.log(4) - 1),
        0.5 * (0 + 0.25 - math.log(0.25) - 1) + 0.5 * (0.25 + 1 - 0 - 1),
    ]
    assert math.isclose(float(L.kl_divergence(mu, logvar)), sum(per_row) / 2, rel_tol=1e-6)
    assert float(L.kl_divergence(torch.zeros(3, 4), torch.zeros(3, 4))) == 0.0


def test_reparameterisation_uses_the_standard_deviation():
    torch.manual_seed(0)
    mu, logvar = torch.full((200_000, 1), 2.0), torch.full((200_000, 1), math.log(9.0))  # σ² = 9 → σ = 3
    z = reparameterise(mu, logvar)
    assert abs(float(z.mean()) - 2.0) < 0.05 and abs(float(z.std()) - 3.0) < 0.05  # 3, not 9 or √3


def test_reconstruction_loss_terms_by_hand():
    x, x_rec = torch.zeros(2, 1, 2, 2), torch.ones(2, 1, 2, 2)  # ½·4 per image
    fd, fd_rec = torch.zeros(2, 3), torch.tensor([[1.0, 0, 0], [0, 2.0, 0]])  # ½·1, ½·4 → mean 1.25
    fc, fc_rec = torch.ones(2, 2), torch.ones(2, 2)
    terms = L.reconstruction_loss(x, x_rec, fd, fd_rec, fc, fc_rec)
    assert float(terms["rec_pixel"]) == 2.0 and float(terms["rec_fd"]) == 1.25 and float(terms["rec_fc"]) == 0.0
    assert float(terms["L_G"]) == 3.25


def test_mean_feature_matching_is_zero_for_equal_means_and_half_squared_distance_otherwise():
    real = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    same_mean = torch.tensor([[2.0, 3.0], [2.0, 3.0]])
    assert float(L.mean_feature_matching(real, same_mean)) == 0.0
    assert float(L.mean_feature_matching(real, same_mean + torch.tensor([1.0, -2.0]))) == 0.5 * (1 + 4)


def test_class_centres_are_moving_averages_and_drive_l_gc():
    centres = L.ClassFeatureCentres(num_classes=3, feature_dim=2, rate=0.5)
    centres.update(torch.tensor([[2.0, 0.0], [4.0, 0.0]]), torch.tensor([0, 0]))  # first batch sets m_0 = (3, 0)
    centres.update(torch.tensor([[1.0, 2.0]]), torch.tensor([0]))  # m_0 = ½(3,0) + ½(1,2) = (2, 1)
    assert torch.equal(centres.centres[0], torch.tensor([2.0, 1.0])) and not centres.seen[1]
    fake = torch.tensor([[2.0, 3.0], [9.0, 9.0]], requires_grad=True)
    loss = centres.loss(fake, torch.tensor([0, 1]))  # class 1 has no real centre yet: ignored
    assert float(loss.detach()) == 0.5 * (0 + 4)
    loss.backward()
    assert torch.equal(fake.grad[1], torch.zeros(2))


def test_discriminator_and_classifier_losses_by_hand():
    zero = torch.zeros(4)
    terms = L.discriminator_loss(zero, zero, zero)  # every BCE at logit 0 is log 2
    assert math.isclose(float(terms["L_D"]), 3 * math.log(2), rel_tol=1e-6)
    logits = torch.tensor([[0.0, 0.0], [0.0, 0.0]])
    assert math.isclose(float(L.classifier_loss(logits, torch.tensor([0, 1]))["L_C"]), math.log(2), rel_tol=1e-6)


def test_inception_score_form_extremes_and_hand_value():
    uniform = torch.zeros(100, 5)
    assert math.isclose(inception_score(uniform, splits=1)["mean"], 1.0, rel_tol=1e-9)
    confident = torch.eye(4).repeat(25, 1) * 1e3  # one-hot, spread evenly over 4 classes
    assert math.isclose(inception_score(confident, splits=1)["mean"], 4.0, rel_tol=1e-6)
    # class-ordered input split into parts: each part must still see every class (not one class → IS 1)
    assert inception_score(torch.eye(4).repeat_interleave(25, 0) * 1e3, splits=5)["mean"] > 3.3
    # p(y|x) ∈ {(1,0), (½,½)} equally: p(y) = (¾,¼); KL = ½[log(4/3)] + ½[½ log(2/3) + ½ log 2]
    probs = torch.tensor([[1.0, 0.0], [0.5, 0.5]])
    expected = math.exp(0.5 * math.log(4 / 3) + 0.5 * (0.5 * math.log(0.5 / 0.75) + 0.5 * math.log(0.5 / 0.25)))
    assert math.isclose(inception_score(probs, splits=1, probabilities=True)["mean"], expected, rel_tol=1e-9)
    with pytest.raises(ValueError, match="splits"):
        inception_score(torch.zeros(3, 2), splits=10)


def test_the_evaluator_is_not_the_models_own_classifier(mnist5k, tmp_path, monkeypatch):
    from replication.configs.profiles import get_profile
    from replication.experiments import cvae_gan
    from replication.metrics.features import ClassifierExtractor

    monkeypatch.setenv("REPLICATION_RUNS", str(tmp_path))
    config = get_profile(cvae_gan.TABLE_ID, "smoke", steps=2)
    run = cvae_gan.train_run(config, mnist5k, "CVAE-GAN", 0, torch.device("cpu"), progress=False)
    evaluator = cvae_gan.evaluator(config, mnist5k, torch.device("cpu"))
    assert isinstance(evaluator, ClassifierExtractor) and evaluator.name == "classifier:mnist5k"
    assert isinstance(run.models.classifier, FeatureClassifier32)
    assert evaluator.model is not run.models.classifier
    own = {id(p) for p in run.models.classifier.parameters()}
    assert not own & {id(p) for p in evaluator.model.parameters()}


def test_unknown_method_lists_the_valid_ones(mnist5k):
    from replication.configs.profiles import get_profile
    from replication.experiments import cvae_gan

    with pytest.raises(ValueError, match="CVAE-GAN"):
        cvae_gan.build_models(get_profile(cvae_gan.TABLE_ID, "smoke"), mnist5k, "VAE-GAN", torch.device("cpu"), 0)


class _FixedGenerator(torch.nn.Module):
    """G stand-in: returns a fixed batch (+ a zero offset, so it has a parameter and a device)."""

    def __init__(self, images: torch.Tensor, num_classes: int = 10, nz: int = 4):
        super().__init__()
        self.images, self.num_classes, self.nz = images, num_classes, nz
        self.offset = torch.nn.Parameter(torch.zeros(()))

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return self.images + self.offset


def test_feature_matching_sees_a_shift_between_real_and_generated_batches():
    """f_D/f_C of real and generated images come from one forward through D and C: train-mode
    BatchNorm over each batch alone would normalise a shift between the batches away."""
    from replication.configs.cvae_gan import PROFILES
    from replication.experiments.cvae_gan import Models, make_step
    from replication.nets.cvae_gan import FeatureDiscriminator32

    torch.manual_seed(0)
    config = PROFILES["cvae_gan_table1"]["smoke"]
    x = torch.rand(32, 1, 32, 32) * 2 - 1
    c = torch.arange(32) % 10
    shifted = x + 0.5
    D, C = FeatureDiscriminator32(8, 1), FeatureClassifier32(10, 8, 1)
    G = _FixedGenerator(shifted, nz=config.nz)
    models = Models(G, None, D, C)
    optimizers = {n: torch.optim.Adam(m.parameters(), lr=1e-4) for n, m in models.as_dict().items()}
    logs = make_step(models, optimizers, lambda: (x, c), config, "FM-CGAN", 10)(0)

    with torch.no_grad():  # D after its update, as G's loss saw it: one joint batch, train mode
        _, joint = D(torch.cat([x, shifted]))
        separate = [D(x)[1], D(shifted)[1]]
    expected = L.mean_feature_matching(*joint.split(32))
    washed_out = L.mean_feature_matching(*separate)
    assert float(expected) > 2 * float(washed_out)  # the defect: per-batch BN removes most of the shift
    assert math.isclose(float(logs["L_GD"]), float(expected), rel_tol=1e-4)


def test_mean_reductions_divide_each_term_by_the_elements_it_sums():
    mu, logvar = torch.tensor([[1.0, 0.0, 2.0, 0.0]]), torch.zeros(1, 4)
    assert float(L.kl_divergence(mu, logvar)) == pytest.approx(0.5 * (1 + 4))  # ½ Σ μ² with σ = 1
    assert float(L.kl_divergence(mu, logvar, "mean")) == pytest.approx(0.5 * 5 / 4)
    a, b = torch.zeros(2, 1, 2, 2), torch.ones(2, 1, 2, 2) * 3  # 4 elements per image, each off by 3
    assert float(L.half_squared_distance(a, b)) == pytest.approx(0.5 * 4 * 9)
    assert float(L.half_squared_distance(a, b, "mean")) == pytest.approx(0.5 * 9)
    real, fake = torch.zeros(3, 5), torch.full((3, 5), 2.0)  # 5 features, means 2 apart
    assert float(L.mean_feature_matching(real, fake)) == pytest.approx(0.5 * 5 * 4)
    assert float(L.mean_feature_matching(real, fake, "mean")) == pytest.approx(0.5 * 4)
    centres = L.ClassFeatureCentres(num_classes=3, feature_dim=5)
    centres.update(real, torch.tensor([0, 1, 1]))  # classes 0 and 1 seen, centres at 0
    labels = torch.tensor([0, 1, 2])  # class 2 is not seen: left out
    assert float(centres.loss(fake, labels)) == pytest.approx(2 * 0.5 * 5 * 4)  # summed over the 2 classes
    assert float(centres.loss(fake, labels, "mean")) == pytest.approx(2 * 0.5 * 4)
    with pytest.raises(ValueError, match="Valid: sum, mean"):
        L.kl_divergence(mu, logvar, "max")


def test_the_reduction_is_part_of_a_runs_identity():
    from dataclasses import replace

    from replication.configs.cvae_gan import PROFILES

    config = PROFILES["cvae_gan_table1"]["smoke"]
    assert config.reduction == "sum"
    assert config.training_config() != replace(config, reduction="mean").training_config()
