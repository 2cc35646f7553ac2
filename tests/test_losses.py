import math

import torch

from replication.losses.gan import bce_discriminator_loss, bce_generator_loss
from replication.losses.msgan import MS_EPS, mode_seeking_loss, mode_seeking_ratio


def test_mode_seeking_ratio_and_loss_match_the_formula_by_hand():
    fake1 = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    fake2 = torch.tensor([[1.0, 1.0], [2.0, 5.0]])  # |Δ| = 1, 0, 0, 2 → mean 0.75
    z1 = torch.tensor([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
    z2 = torch.tensor([[3.0, 0.0, 0.0], [1.0, 1.0, -2.0]])  # |Δ| = 3,0,0,0,0,3 → mean 1.0
    assert math.isclose(float(mode_seeking_ratio(fake1, fake2, z1, z2)), 0.75)
    assert math.isclose(float(mode_seeking_loss(fake1, fake2, z1, z2)), 1.0 / (0.75 + MS_EPS), rel_tol=1e-6)


def test_mode_seeking_loss_falls_as_images_spread_apart():
    z1, z2 = torch.zeros(4, 8), torch.ones(4, 8)
    base = torch.zeros(4, 1, 2, 2)
    near = mode_seeking_loss(base, base + 0.1, z1, z2)
    far = mode_seeking_loss(base, base + 1.0, z1, z2)
    assert far < near
    # identical images: the loss is 1/eps, the largest value, pushing G to separate them
    assert math.isclose(float(mode_seeking_loss(base, base, z1, z2)), 1.0 / MS_EPS, rel_tol=1e-6)


def test_mode_seeking_gradient_pushes_the_two_images_apart():
    fake1 = torch.zeros(2, 3, requires_grad=True)
    fake2 = torch.full((2, 3), 0.5, requires_grad=True)
    loss = mode_seeking_loss(fake1, fake2, torch.zeros(2, 4), torch.ones(2, 4))
    loss.backward()
    # descending the loss moves fake2 up and fake1 down: away from each other
    assert torch.all(fake2.grad < 0) and torch.all(fake1.grad > 0)


def test_bce_losses_equal_the_hand_computed_log_sigmoids():
    real = torch.tensor([2.0, -1.0])
    fake = torch.tensor([0.5, -3.0])

    def log_sigmoid(x):
        return math.log(1 / (1 + math.exp(-x)))

    expected_d = -(log_sigmoid(2.0) + log_sigmoid(-1.0)) / 2 - (log_sigmoid(-0.5) + log_sigmoid(3.0)) / 2
    expected_g = -(log_sigmoid(0.5) + log_sigmoid(-3.0)) / 2
    assert math.isclose(float(bce_discriminator_loss(real, fake)), expected_d, rel_tol=1e-6)
    assert math.isclose(float(bce_generator_loss(fake)), expected_g, rel_tol=1e-6)


def test_bce_losses_stay_finite_for_extreme_logits():
    logits = torch.tensor([1e4, -1e4])
    assert torch.isfinite(bce_discriminator_loss(logits, logits))
    assert torch.isfinite(bce_generator_loss(logits))
