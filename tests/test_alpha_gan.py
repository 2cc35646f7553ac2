import math

import pytest
import torch

from replication.losses import alpha_gan as A
from replication.losses.wgan_gp import critic_loss, gradient_penalty
from replication.metrics.diversity import mean_pairwise_ms_ssim
from replication.metrics.wasserstein_critic import independent_critic_distance

LOG2 = math.log(2)


def test_alpha_gan_loss_terms_by_hand():
    x, x_rec = torch.zeros(2, 1, 2, 2), torch.full((2, 1, 2, 2), 0.5)  # mean |Δ| = 0.5
    zero = torch.zeros(2)  # every BCE at logit 0 is log 2
    eg = A.encoder_generator_loss(x, x_rec, zero, zero, zero, rec_weight=10.0)
    assert math.isclose(float(eg["L_rec"]), 5.0) and math.isclose(float(eg["L_GD"]), 2 * LOG2, rel_tol=1e-6)
    assert math.isclose(float(eg["L_EC"]), LOG2, rel_tol=1e-6)
    assert math.isclose(float(eg["L_EG"]), 5.0 + 3 * LOG2, rel_tol=1e-6)
    assert math.isclose(float(A.image_discriminator_loss(zero, zero, zero)["L_D"]), 3 * LOG2, rel_tol=1e-6)


def test_code_discriminator_target_convention_prior_is_one():
    big = torch.full((4,), 20.0)
    # C confident that prior codes are "prior" and encoder codes are not: its loss is ~0
    assert float(A.code_discriminator_loss(c_prior=big, c_code=-big)["L_C"]) < 1e-6
    # the swapped convention would be maximally wrong
    assert float(A.code_discriminator_loss(c_prior=-big, c_code=big)["L_C"]) > 30
    # the encoder is rewarded when C mistakes its codes for prior codes
    zero = torch.zeros(4)
    fooled = A.encoder_generator_loss(torch.zeros(4, 1), torch.zeros(4, 1), zero, zero, big, 1.0)["L_EC"]
    assert float(fooled) < 1e-6


def test_gradient_penalty_of_a_linear_critic_is_norm_minus_one_squared():
    w = torch.tensor([3.0, 4.0])  # ‖∇(w·x)‖ = 5 everywhere → penalty (5 − 1)² = 16

    def critic(x):
        return x @ w

    real, fake = torch.randn(8, 2), torch.randn(8, 2)
    assert math.isclose(float(gradient_penalty(critic, real, fake)), 16.0, rel_tol=1e-6)
    losses = critic_loss(critic, real, fake, gp_weight=10.0)
    assert math.isclose(float(losses["W"]), float((real @ w).mean() - (fake @ w).mean()), rel_tol=1e-5)
    assert math.isclose(float(losses["L_critic"]), float(-losses["W"] + 160.0), rel_tol=1e-5)


def test_gradient_penalty_agrees_with_autograd_on_a_nonlinear_critic():
    torch.manual_seed(0)
    real, fake = torch.randn(5, 3), torch.randn(5, 3)

    def critic(x):
        return (x**2).sum(1)  # ∇ = 2x

    torch.manual_seed(1)
    penalty = gradient_penalty(critic, real, fake)
    torch.manual_seed(1)
    eps = torch.rand(5, 1)
    mixed = eps * real + (1 - eps) * fake
    expected = ((2 * mixed).norm(dim=1) - 1).square().mean()
    assert math.isclose(float(penalty), float(expected), rel_tol=1e-6)


def test_age_moment_kl_is_zero_for_standard_moments():
    codes = torch.randn(10_000, 4)
    codes = (codes - codes.mean(0)) / codes.std(0, unbiased=False)
    assert float(A.gaussian_moment_kl(codes)) < 1e-5
    assert math.isclose(float(A.gaussian_moment_kl(codes + 2.0)), 4 * 0.5 * 4.0, rel_tol=1e-4)  # ½ m² per dim


class _MLPCritic(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(2, 32), torch.nn.LeakyReLU(0.2), torch.nn.Linear(32, 1))

    def forward(self, x):
        return self.net(x).flatten()


def test_independent_critic_separates_different_gaussians_and_not_identical_ones():
    g = torch.Generator().manual_seed(0)
    real = torch.randn(2000, 2, generator=g)

    def same(n):
        return torch.randn(n, 2)

    def shifted(n):
        return torch.randn(n, 2) + torch.tensor([4.0, 0.0])

    torch.manual_seed(0)
    near = independent_critic_distance(
        real[:1000], real[1000:], same, steps=300, batch_size=128, lr=1e-2, critic=_MLPCritic()
    )
    far = independent_critic_distance(
        real[:1000], real[1000:], shifted, steps=300, batch_size=128, lr=1e-2, critic=_MLPCritic()
    )
    assert abs(near.distance) < 0.5
    assert far.distance > 2.5  # W₁ of a 4-unit shift is 4; the trained critic recovers most of it
    assert len(far.curve) == 300


def test_ms_ssim_diversity_extremes():
    same = torch.zeros(10, 1, 32, 32).uniform_(-1, 1)[:1].repeat(10, 1, 1, 1)
    assert math.isclose(mean_pairwise_ms_ssim(same, pairs=20), 1.0, rel_tol=1e-5)
    noise = torch.rand(50, 1, 32, 32) * 2 - 1
    assert mean_pairwise_ms_ssim(noise, pairs=50) < 0.2


def test_unknown_method_lists_the_valid_ones(mnist5k):
    from replication.configs.profiles import get_profile
    from replication.experiments import alpha_gan

    with pytest.raises(ValueError, match="WGAN-GP"):
        alpha_gan.build(get_profile(alpha_gan.TABLE_ID, "smoke"), mnist5k, "BiGAN", torch.device("cpu"), 0)


def test_age_encoder_codes_lie_on_the_sphere_of_radius_sqrt_nz():
    import torch

    from replication.nets.alpha_gan import CodeEncoder32, to_sphere

    torch.manual_seed(0)
    codes = CodeEncoder32(8, 4, 1, sphere=True)(torch.randn(5, 1, 32, 32))
    torch.testing.assert_close(codes.norm(dim=1), torch.full((5,), 8**0.5))
    z = torch.tensor([[3.0, 4.0]])
    torch.testing.assert_close(to_sphere(z), torch.tensor([[3.0, 4.0]]) / 5 * 2**0.5)


def test_calibrated_gaussian_nll_by_hand_and_its_gradient():
    import math

    from replication.losses.alpha_gan import calibrated_gaussian_nll

    x = torch.zeros(2, 1, 2, 2)
    x_rec = torch.tensor([1.0, -1.0, 1.0, -1.0, 2.0, 0.0, 0.0, 0.0]).view(2, 1, 2, 2).requires_grad_()
    variance = (1 + 1 + 1 + 1 + 4) / 8  # the ML variance: mean squared error = 1
    d = 4
    # per image ½ Σ e²/σ² + ½ d log σ²: image 1 → 2, image 2 → 2; mean 2 (log 1 = 0)
    loss = calibrated_gaussian_nll(x, x_rec)
    assert math.isclose(float(loss), 0.5 * d * (1 + math.log(variance)), rel_tol=1e-6)
    loss.backward()
    # gradient of the fixed-σ² Gaussian NLL: (x̂ − x)/σ² per pixel, / batch size
    assert torch.allclose(x_rec.grad, (x_rec.detach() - x) / variance / 2)
    x_scaled = 0.1 * x_rec.detach()
    assert math.isclose(float(calibrated_gaussian_nll(x, x_scaled)), 0.5 * d * (1 + math.log(0.01)), rel_tol=1e-5)


def test_the_critic_reads_real_vs_real_as_zero_only_on_halves_that_share_their_classes(mnist5k):
    """Issue #28's negative W: the held-out split is stored class by class, and a critic trained on its first
    half (digits 0–4) and read on its second (5–9) ranks held-out reals below anything else. The battery now
    takes alternate images (both halves hold every class); real images as "samples" then give W ≈ 0."""
    test, train = mnist5k.test_x, mnist5k.train_x
    draw = torch.Generator().manual_seed(1)

    def reals(n):
        return train[torch.randint(0, len(train), (n,), generator=draw)]

    alternate = independent_critic_distance(test[0::2], test[1::2], reals, steps=600, seed=0).distance
    by_class = independent_critic_distance(test[:500], test[500:], reals, steps=600, seed=0).distance
    assert abs(alternate) < 0.5  # measured 0.10 (one thread)
    assert by_class < -1.0  # measured −2.01: the broken instrument
