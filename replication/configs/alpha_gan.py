"""alpha-GAN profiles: alpha-GAN vs DCGAN, WGAN-GP, AGE and VAE under one budget, plus the
update-ratio study (alpha-GAN with 1 vs `ge_steps_per_d` encoder/generator updates per D update)."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class AlphaGANConfig:
    dataset: str = "cifar10"  # the other rows (CelebA 64 px, ColorMNIST): ROW_SETTINGS
    image_size: int = 32
    nz: int = 64
    width: int = 64
    batch_size: int = 64
    steps: int = 100_000  # outer iterations (one D/critic phase each)
    lr: float = 2e-4
    beta1: float = 0.5
    beta2: float = 0.9
    rec_weight: float = 10.0  # λ of the L1 reconstruction (not found in the paper; a third-party choice)
    ge_steps_per_d: int = 2  # the paper: several E/G updates per D update work better
    wgan_critic_steps: int = 5  # WGAN-GP's n_critic
    age_rec_x: float = 10.0  # AGE: image reconstruction weight in E's loss
    age_rec_z: float = 1.0  # AGE: latent reconstruction weight in G's loss
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    samples: int = 10_000
    ms_ssim_pairs: int = 1000
    critic_steps: int = 2000  # the independent critic's training steps
    recon_images: int = 1000
    classifier_steps: int = 1500
    checkpoint_every: int = 5000
    competitive_margin: float = 0.10  # "competitive": critic distance within +10 % of the GAN's
    diversity_margin: float = 0.05  # "not less diverse": MS-SSIM within +5 % of DCGAN's

    def training_config(self) -> dict:
        keys = ("dataset", "image_size", "nz", "width", "batch_size", "steps", "lr", "beta1", "beta2", "rec_weight")
        keys += ("wgan_critic_steps", "age_rec_x", "age_rec_z")
        return {k: getattr(self, k) for k in keys}


# smoke/cpu: offline MNIST-5k, narrow nets, lr 5e-4 for the short runs, n_critic 2 for the budget.
# cpu: 600 steps. Measured (seed 0, per-class MS-SSIM of 1000 samples; real data 0.44): DCGAN 0.77 at
# 400 steps, 0.58 at 600; at 250 steps (an earlier profile) DCGAN and alpha-GAN collapsed (0.86–0.88);
# at 2e-4 DCGAN collapses completely at 600 steps (0.997).
# The independent critic (the instrument of two claims) needs 600 steps at cpu to stop improving.
# Measured (2026-11-30, seed 0 of each model, held-out W, the regime check's rule: the last 10 % of
# the curve within 5 % of the 10 % before): 150 steps — DCGAN Δ +0.61 (tolerance 0.11), WGAN-GP
# +0.25 (0.06), alpha-GAN (1:1) +0.57 (0.08), none converged; 600 steps — −0.02 (0.23), +0.04
# (0.19), +0.26 (0.51), all converged, 18 s per critic on 2 threads (5.5 s at 150). lr 1e-3 also
# converges at 600; at 1200 steps W is still creeping up (WGAN-GP's check fails again), since
# the critic also learns its 500 training images: W is compared between models at one budget.
_CPU = AlphaGANConfig(
    dataset="mnist5k",
    nz=32,
    width=16,
    batch_size=64,
    steps=600,
    lr=5e-4,
    wgan_critic_steps=2,
    seeds=(0, 1, 2, 3, 4),
    samples=1000,
    ms_ssim_pairs=300,
    critic_steps=600,  # see above: 150 did not converge
    recon_images=300,
    classifier_steps=600,
    checkpoint_every=200,
)
PROFILES = {
    "alpha_gan_table": {
        "smoke": replace(
            _CPU,
            nz=16,
            width=8,
            batch_size=32,
            steps=20,
            wgan_critic_steps=1,
            seeds=(0, 1),
            samples=200,
            ms_ssim_pairs=50,
            critic_steps=10,
            recon_images=50,
            classifier_steps=30,
            checkpoint_every=10,
        ),
        "cpu": _CPU,
        "gpu": AlphaGANConfig(steps=20_000, seeds=(0, 1, 2), samples=5000, critic_steps=1000),
        "paper": AlphaGANConfig(),
    }
}

# gpu/paper settings for each data set row (replication/reported: ROWS): CelebA at 64 px, the others
# at their own 32 px.
ROW_SETTINGS = {
    "alpha_gan_table": {
        "cifar10": {"paper": {}, "gpu": {}},
        "celeba": {"paper": {"image_size": 64}, "gpu": {"image_size": 64}},
        "colormnist": {"paper": {}, "gpu": {}},
    }
}
