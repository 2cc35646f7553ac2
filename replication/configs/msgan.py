"""MSGAN Table 1 profiles: conditional DCGAN with / without the mode-seeking term."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class MSGANTable1Config:
    """MSGAN Table 1 (conditioned on class labels): conditional DCGAN with / without L_ms."""

    dataset: str = "cifar10"
    nz: int = 100
    width: int = 128  # the official d = 128
    batch_size: int = 32  # official
    steps: int = 312_500  # 200 epochs of CIFAR-10 at batch 32 (official)
    lr: float = 2e-4
    beta1: float = 0.5
    beta2: float = 0.999
    weight_decay: float = 1e-4
    lambda_ms: float = 1.0
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    samples_per_class: int = 5000  # generated images per class for every metric
    ndb_bins_per_class: int = 100
    ndb_bins_pooled: int = 100
    ndb_alpha: float = 0.05
    extractor: str = "inception-v3-fid"
    classifier_steps: int = 1500  # evaluator classifier for classifier:<dataset>
    checkpoint_every: int = 5000
    fast: bool = True  # replication.core.speed: bf16 autocast, channels_last, fused Adam on GPU (nothing on CPU)
    compile: bool = False  # torch.compile the G and D steps (GPU)
    fid_non_inferiority: float = 0.05  # "not worse": MSGAN FID ≤ DCGAN FID × (1 + this)

    def training_config(self) -> dict:
        """The fields that determine a trained model (its run folder's hash); not the seeds or eval."""
        keys = ("dataset", "nz", "width", "batch_size", "steps", "lr", "beta1", "beta2", "weight_decay")
        return {k: getattr(self, k) for k in keys}


# The regime (a collapsing baseline) is not reached on MNIST-5k at this size. Measured (2026-11-29,
# seed 0, cpu settings, same-class L1 diversity of 100 samples per class in [0, 1]; real training
# split 0.105): DCGAN 0.071 / 0.089 / 0.090 / 0.105 / 0.101 after 160 / 320 / 480 / 640 / 800 steps,
# and 0.104 / 0.100 / 0.100 / 0.106 after 960 / 1440 / 1920 / 2400 steps (label accuracy 0.70 at 800,
# 0.96 at 2400): the conditional DCGAN matches the data's diversity within ~5 % and does not
# collapse with more steps, so mode seeking can only over-disperse here (the reviewer's issue #11
# measured MSGAN's diversity past the data's). The page shows the check's measurement; a verdict is
# "not tested" unless the seeds put DCGAN's diversity below the data's (at 5 seeds they do, by 5 %).
# smoke/cpu: a narrow net for the 2-core budget; lr raised from the official 2e-4 to 5e-4, which
# (measured: classifier top-1 on DCGAN samples 0.80 vs 0.10–0.52 at 2e-4 after 800 steps) is what
# lets such short runs learn the digits at all.
_TABLE1_CPU = MSGANTable1Config(
    dataset="mnist5k",
    width=16,
    batch_size=64,
    steps=800,
    lr=5e-4,
    seeds=(0, 1, 2, 3, 4),
    samples_per_class=300,
    ndb_bins_per_class=10,
    ndb_bins_pooled=50,
    extractor="classifier:mnist5k",
    classifier_steps=600,
    checkpoint_every=300,
)
TABLE1 = {
    "smoke": replace(
        _TABLE1_CPU,
        width=8,
        batch_size=32,
        steps=40,
        seeds=(0, 1),
        samples_per_class=40,
        ndb_bins_per_class=4,
        ndb_bins_pooled=10,
        classifier_steps=30,
        checkpoint_every=20,
    ),
    "cpu": _TABLE1_CPU,
    "gpu": MSGANTable1Config(
        dataset="cifar10",
        steps=40_000,
        seeds=(0, 1, 2),
        samples_per_class=1000,
        ndb_bins_per_class=50,
        ndb_bins_pooled=100,
        extractor="inception-v3-fid",
        checkpoint_every=5000,
    ),
    "paper": MSGANTable1Config(),
}

PROFILES = {"msgan_table1": TABLE1}

# gpu/paper settings for each data set row (replication/reported: ROWS): CIFAR-10 only.
ROW_SETTINGS = {"msgan_table1": {"cifar10": {"paper": {}, "gpu": {}}}}


@dataclass(frozen=True)
class MSGANPix2PixConfig:
    """MSGAN's paired image-to-image table: Pix2Pix with / without L_ms (official Pix2Pix-Mode-Seeking
    options, HelenMao/MSGAN commit 25e2cc3: BicycleGAN's U-Net with z added at every encoder layer,
    instance norm, two PatchGAN discriminators at two scales, LSGAN, L1 weight 10, batch 1, 100 + 100
    epochs with the learning rate decayed linearly to 0 over the second 100)."""

    dataset: str = "facades"
    image_size: int = 256
    nz: int = 8
    width: int = 64  # ngf = ndf
    batch_size: int = 1
    steps: int = 80_000  # 200 epochs of facades' 400 training pairs at batch 1
    decay_from: int = 40_000  # the learning rate falls linearly to 0 from this step (niter_decay)
    lr: float = 2e-4
    beta1: float = 0.5
    beta2: float = 0.999
    lambda_l1: float = 10.0
    lambda_gan: float = 1.0
    lambda_ms: float = 1.0
    discriminators: int = 2  # PatchGANs at full and half resolution
    z_at: str = "all"  # where G takes z: "all" encoder levels (MSGAN's default) or the "input" only
    d_spectral_norm: bool = False  # spectral norm on D's convs (a cpu-scale adaptation; nets/pix2pix.py)
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    eval_inputs: int = 100  # held-out inputs translated per seed
    outputs_per_input: int = 10  # noise vectors per input (LPIPS pairs: consecutive outputs)
    ndb_bins: int = 50
    ndb_alpha: float = 0.05
    plausible_k: int = 5  # the real data's same-input diversity: the k targets whose inputs are nearest
    extractor: str = "inception-v3-fid"
    classifier_steps: int = 1500  # the classifier (stand-in FID and LPIPS) when extractor is classifier:<dataset>
    checkpoint_every: int = 5000
    fid_non_inferiority: float = 0.05
    content_non_inferiority: float = 0.05  # "not lower": MS's content kept ≥ Pix2Pix's × (1 − this) (sets with classes)
    sensitivity_lambdas: tuple[float, ...] = ()  # extra λ_ms runs of Pix2Pix + MS at the first seed (the page's table)

    def training_config(self) -> dict:
        keys = ("dataset", "image_size", "nz", "width", "batch_size", "steps", "decay_from", "lr", "beta1", "beta2")
        keys += ("lambda_l1", "lambda_gan", "discriminators")
        if self.z_at != "all" or self.d_spectral_norm:  # the defaults keep the run folders' old hashes
            keys += ("z_at", "d_spectral_norm")
        return {k: getattr(self, k) for k in keys}


# smoke/cpu: the offline digits-lowres task (replication/data/image_pairs.py: an 8×8 copy of a digit → the
# 32×32 digit; one input fits many digits), batch 32 and lr 5e-4 for short runs.
#
# cpu-scale adaptation (issue #29), applied to both methods alike and never used at gpu/paper: z enters the
# U-Net at its input only, ONE PatchGAN with spectral norm instead of two plain ones, width 16, 1,000 steps
# (decay from 500; 2,000 until 2026-12-05, see the end of this note). Measurements ("content kept" = the evaluator finds the input's digit in the output;
# diversity = LPIPS stand-in between outputs for one input, the data's own spread 0.745 on it, or pixel L1
# where marked):
#   official design, width 8, z at every level, 2 PatchGANs, 800 steps (the reference until 2026-12-05): the
#     discriminators win by step ~200–600 (D loss ≈ 0.002–0.03) and G's LSGAN term sits at its maximum; the
#     baseline draws faint L1 blurs (FID ~760 on the classifier's features, the real data ~1.9; NDB 20/20 bins
#     on every seed) and + MS draws checkerboards and grids (pixel-L1 diversity 0.39 against the data's 0.10).
#   an independent from-scratch probe on the same pairs (issue #29, one seed each, pixel-L1 diversity):
#     width 4, z everywhere, 2 PatchGANs, 800 steps: content kept 0.30, D crushed, blurs;
#     width 16, z at the input, 2 PatchGANs, 800 steps: 0.56, D crushed, grey digits;
#     width 16, z at the input, 1 PatchGAN + SN, 800 / 2,000 steps: 0.86 (seed 1: 0.63) / 0.93, D loss healthy;
#     same at 2,000 steps with λ_ms = 1: content kept 0.10, texture noise (mode seeking destroys content);
#     λ_ms = 0.01: 0.91 with some stroke variation.
#   this repository's code at the adopted design (2026-12-05, seed 0, Pix2Pix): content kept 0.937, FID 22.1,
#     LPIPS diversity 0.095 (the data's 0.745: the baseline collapses, the claim's premise), NDB 4/20,
#     D loss 0.13 over its last 50 steps; 459 s on one shared thread.
# λ_ms = 1 (the paper's) stays the tested setting; `sensitivity_lambdas` adds 0.1 and 0.01 at the first seed.
# The cpu reference of 2026-12-05 (5 seeds): Pix2Pix content kept 0.939, precision 0.941 (real 0.959, untrained
# 0.000), LPIPS diversity 0.068 (data 0.745), FID 22.9; + MS 0.150, 0.221, 2.45, 731. The notebook took 2066 s
# from scratch on 2 cores (10 runs 1678 s, 2 sensitivity runs 355 s; ~160 ms a step on one thread): over the
# 20-minute budget. Trimmed to 1,000 steps (decay from 500), measured by the cpu rebuild of 2026-12-05 (5 seeds,
# 1,118 s from scratch on 2 cores): Pix2Pix content kept 0.91 (0.89–0.93 by seed), precision 0.87 (0.83–0.89),
# LPIPS diversity 0.027, FID 421 (more collapsed than at 2,000 steps: 0.068 and 22.9; the gates and the
# collapse premise hold on every seed; D's loss falls near 0 within ~100 steps in most runs, so G learns mostly
# from its L1 term: grey, slightly blurred digits of the input's class); + MS 0.10, 0.05, 1.33, 1,035. λ_ms sensitivity at seed 0 (content kept /
# precision / diversity / FID): λ 1 → 0.10 / 0.16 / 1.71 / 954; 0.1 → 0.46 / 0.35 / 1.29 / 829; 0.01 → 0.80 /
# 0.73 / 0.31 / 390; 0 → 0.91 / 0.87 / 0.05 / 395.
_PIX2PIX_CPU = MSGANPix2PixConfig(
    dataset="digits-lowres",
    image_size=32,
    width=16,
    batch_size=32,
    steps=1000,
    decay_from=500,
    lr=5e-4,
    z_at="input",
    discriminators=1,
    d_spectral_norm=True,
    seeds=(0, 1, 2, 3, 4),
    eval_inputs=200,
    outputs_per_input=5,
    ndb_bins=20,
    extractor="classifier:mnist5k",
    classifier_steps=600,
    checkpoint_every=250,
    sensitivity_lambdas=(0.1, 0.01),
)
PIX2PIX = {
    "smoke": replace(
        _PIX2PIX_CPU,
        width=4,
        batch_size=8,
        steps=20,
        decay_from=10,
        seeds=(0, 1),
        eval_inputs=20,
        outputs_per_input=4,
        ndb_bins=5,
        classifier_steps=30,
        checkpoint_every=10,
        sensitivity_lambdas=(0.1,),
    ),
    "cpu": _PIX2PIX_CPU,
    "gpu": MSGANPix2PixConfig(steps=40_000, decay_from=20_000, seeds=(0, 1, 2)),
    "paper": MSGANPix2PixConfig(),
}
PROFILES["msgan_pix2pix"] = PIX2PIX
ROW_SETTINGS["msgan_pix2pix"] = {
    "facades": {"paper": {}, "gpu": {}},
    # maps: 1,096 training pairs → 200 epochs at batch 1 = 219,200 steps (decay over the second half)
    "maps": {
        "paper": {"dataset": "maps", "steps": 219_200, "decay_from": 109_600},
        "gpu": {"dataset": "maps", "steps": 40_000, "decay_from": 20_000},
    },
}


@dataclass(frozen=True)
class MSGANDRITConfig:
    """MSGAN's unpaired image-to-image table: DRIT with / without L_ms, both directions (official
    DRIT-Mode-Seeking code, HelenMao/MSGAN commit e386c25: options.py, model.py, train.py).

    Official options: images resized to 256, random 216×216 crops and horizontal flips for training
    (centre crops for testing), batch 2 (the first image of each domain is encoded and translated,
    the second is the real image of the random-attribute discriminators), Adam lr 1e-4, betas (0.5,
    0.999), weight decay 1e-4 (content discriminator lr 1e-4 / 2.5), 1,200 epochs with the lr falling
    linearly to 0 over the last 600, `--d_iter 3`: two of every three batches update only the content
    discriminator, the third runs a full update. One `step` here is that triple: `d_iter − 1`
    content-D updates on their own batches, then the full update (D's, content D, encoders and
    generators). Loss weights (model.py): adversarial 1, content adversarial 1, cross-cycle and
    self-reconstruction L1 10, KL 0.01, latent regression 10, mode seeking 1 per direction."""

    dataset: str = "yosemite"
    image_size: int = 256  # loaded (resize_size)
    crop_size: int = 216  # trained and evaluated (random / centre crops)
    flip: bool = True  # random horizontal flips in training (official default: no --no_flip)
    concat: bool = True  # --concat 1 (E_attr_concat + KL, G_concat); the README trains cat2dog with 0
    nz: int = 8
    width: int = 64  # tch = ndf = ch in networks.py
    batch_size: int = 2  # images per domain per batch; the first half is translated
    d_iter: int = 3  # batches per step: d_iter − 1 content-D-only updates, then the full update
    # Yosemite: max(1,231 summer, 962 winter) / 2 → 615 two-image batches an epoch, 205 of them full
    # updates (train.py: `(it + 1) % d_iter == 0`, and the last two batches): 1,200 epochs = 246,000
    # steps, the decay from epoch 600 = 123,000 (the official factor is per epoch and ends at 1/601).
    steps: int = 246_000
    decay_from: int = 123_000
    lr: float = 1e-4
    lr_content_ratio: float = 2.5  # content D lr = lr / this
    beta1: float = 0.5
    beta2: float = 0.999
    weight_decay: float = 1e-4
    content_clip: float = 5.0  # gradient-norm clip of the content discriminator
    lambda_gan: float = 1.0
    lambda_content: float = 1.0
    lambda_cycle: float = 10.0  # cross-cycle L1
    lambda_self: float = 10.0  # self-reconstruction L1
    lambda_kl: float = 0.01  # KL of the attributes and the content's L2 ("KL") term
    lambda_latent: float = 10.0  # latent regression
    lambda_ms: float = 1.0  # each direction
    dis_scales: int = 3
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    # The evaluation's sizes are not in the official code (its test.py writes --num 5 outputs for every
    # held-out image): 100 inputs × 10 outputs as the Pix2Pix table; K = 100 bins as Table 1's pooled
    # NDB (the quoted NDB values reach 42, so K > 42; the paper's K was not read).
    eval_inputs: int = 100  # held-out inputs of the source domain, per direction and seed
    outputs_per_input: int = 10  # random attributes per input (LPIPS pairs: consecutive outputs)
    ndb_bins: int = 100
    ndb_alpha: float = 0.05
    extractor: str = "inception-v3-fid"
    classifier_steps: int = 1500
    checkpoint_every: int = 5000
    fid_non_inferiority: float = 0.05
    content_non_inferiority: float = 0.05  # "not lower": MS's content kept ≥ DRIT's × (1 − this) (domains with classes)

    def training_config(self) -> dict:
        keys = ("dataset", "image_size", "crop_size", "flip", "concat", "nz", "width", "batch_size", "d_iter")
        keys += ("steps", "decay_from", "lr", "lr_content_ratio", "beta1", "beta2", "weight_decay", "content_clip")
        keys += ("lambda_gan", "lambda_content", "lambda_cycle", "lambda_self", "lambda_kl", "lambda_latent")
        return {k: getattr(self, k) for k in keys + ("dis_scales",)}


# smoke/cpu: the offline colour-thin-thick task (replication/data/image_pairs.py: eroded vs dilated mnist5k
# digits from disjoint halves of the images, coloured as ColorMNIST, 32×32; no flips, digits are not
# mirror-symmetric), narrow nets, batch 8 (4 translated) and lr 5e-4 for short runs; every other setting
# official. Measured (2026-11-30, one thread, this 2-core machine shared with another job): width 4,
# batch 8: DRIT 179 ms a step, DRIT + MS 176 (width 8: 229 / 226). 10 runs × 320 steps × 0.18 s in
# 2 workers ≈ 4.8 min of training.
# The content regime (the evaluator finds the input's digit in the outputs, `regime.keeps_content`) is
# not reached within any budget tried, seed 0, share of outputs of the input's class A→B / B→A (chance
# 0.10): width 4, 320 steps: DRIT 0.10 / 0.10, + MS 0.10 / 0.11; width 4, 1,000 steps: 0.11 / 0.08 and
# 0.10 / 0.11; width 8, lr 2e-4, 640 steps: 0.11 / 0.10 and 0.10 / 0.11. At 1,000 steps even DRIT's
# self-reconstruction is a flat colour. (On grey digits, whose background is exactly −1, the L1 terms
# drive G's pre-tanh output to ≈ −6 everywhere and it never draws a stroke; the colours avoid that, but
# the budget is still far too small.) The cpu page therefore says "not tested", with these shares.
_DRIT_CPU = MSGANDRITConfig(
    dataset="colour-thin-thick",
    image_size=32,
    crop_size=32,
    flip=False,
    width=4,
    batch_size=8,
    steps=320,
    decay_from=160,
    lr=5e-4,
    seeds=(0, 1, 2, 3, 4),
    eval_inputs=200,
    outputs_per_input=5,
    ndb_bins=20,
    extractor="classifier:colormnist",
    classifier_steps=600,
    checkpoint_every=200,
)
DRIT = {
    "smoke": replace(
        _DRIT_CPU,
        width=2,
        steps=12,
        decay_from=6,
        seeds=(0, 1),
        eval_inputs=10,
        outputs_per_input=3,
        ndb_bins=5,
        classifier_steps=30,
        checkpoint_every=6,
    ),
    "cpu": _DRIT_CPU,
    # gpu: about 8 % of the paper's steps, not timed (no bench case runs DRIT: the estimate says "not measured")
    "gpu": MSGANDRITConfig(steps=20_000, decay_from=10_000, seeds=(0, 1, 2)),
    "paper": MSGANDRITConfig(),
}
PROFILES["msgan_drit"] = DRIT
ROW_SETTINGS["msgan_drit"] = {
    "yosemite": {"paper": {}, "gpu": {}},
    # cat2dog: `--concat 0` as the official README trains it (E_attr without KL, G with the MLP); max(871
    # cats, 1,364 dogs) / 2 = 682 batches, 228 full updates an epoch → 1,200 epochs = 273,600 steps. (The
    # released cat2dog model is named 01999.pth, which suggests 2,000 epochs; options.py says 1,200.)
    "cat2dog": {
        "paper": {"dataset": "cat2dog", "concat": False, "steps": 273_600, "decay_from": 136_800},
        "gpu": {"dataset": "cat2dog", "concat": False, "steps": 20_000, "decay_from": 10_000},
    },
}


@dataclass(frozen=True)
class MSGANStackGANConfig:
    """MSGAN's text-conditioned table: StackGAN++ with / without L_ms on CUB-200-2011 (official
    StackGAN-v2 `birds_3stages.yml` + `miscc/config.py` defaults: three stages 64/128/256, GF_DIM = DF_DIM
    = 64, Z_DIM 100, EMBEDDING_DIM (c) 128, char-CNN-RNN text 1024-d, R_NUM 2, batch 24 in the paper's
    setting (the yml ships 9), Adam 2e-4 (0.5, 0.999), 600 epochs, COEFF.KL 2, UNCOND_LOSS 1,
    COLOR_LOSS 0 for birds)."""

    dataset: str = "cub200"
    base_size: int = 64  # stage 1's side; stage i has base·2^i
    stages: int = 3
    channels: int = 3
    nz: int = 100
    c_dim: int = 128  # the conditioning-augmentation output (GAN.EMBEDDING_DIM)
    g_width: int = 64  # GF_DIM
    d_width: int = 64  # DF_DIM
    res_blocks: int = 2  # R_NUM
    batch_size: int = 24
    steps: int = 220_000  # 600 epochs of CUB's 8,855 training images at batch 24
    lr: float = 2e-4
    beta1: float = 0.5
    beta2: float = 0.999
    lambda_kl: float = 2.0  # COEFF.KL (on the per-element mean KL, as the official KL_loss)
    lambda_uncond: float = 1.0  # COEFF.UNCOND_LOSS
    lambda_color: float = 0.0  # COEFF.COLOR_LOSS (0 for birds; the covariance term weighs 5× this)
    color_cov_factor: float = 5.0
    lambda_ms: float = 1.0
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    eval_captions: int = 100  # held-out captions (one per image, evenly spaced over the split) generated for per seed
    outputs_per_caption: int = 10  # noise vectors per caption (LPIPS pairs: consecutive outputs)
    ndb_bins: int = 50
    ndb_alpha: float = 0.05
    plausible_k: int = 5  # the data's own diversity: the k held-out images whose captions are nearest
    extractor: str = "inception-v3-fid"
    classifier_steps: int = 1500  # evaluator classifier (stand-in FID/LPIPS, and the class check)
    checkpoint_every: int = 5000
    fid_non_inferiority: float = 0.05
    caption_non_inferiority: float = 0.05  # "not lower": MS's caption class accuracy ≥ StackGAN++'s × (1 − this)

    @property
    def image_size(self) -> int:
        return self.base_size * 2 ** (self.stages - 1)

    def training_config(self) -> dict:
        keys = ("dataset", "base_size", "stages", "channels", "nz", "c_dim", "g_width", "d_width", "res_blocks")
        keys += ("batch_size", "steps", "lr", "beta1", "beta2", "lambda_kl", "lambda_uncond", "lambda_color")
        keys += ("color_cov_factor",)
        return {k: getattr(self, k) for k in keys}


# smoke/cpu: the captioned digits (replication/data/captions.py: mnist5k with captions naming class, stroke
# width and slant, embedded by a small bag-of-words encoder), two stages 16 → 32 px, 1 channel.
# Speed (2026-11-30, one thread): g_width 16 at batch 32 173 ms a step, g_width 8 73–84 ms at batch 32,
# ~45 ms at batch 16; 10 runs × 1200 steps × ~45 ms in two workers ≈ 4.5 min of training (the whole
# notebook in one process at one thread: 9.5 min, 553 s of it training and evaluation).
# Results at the earlier settings (1,200 steps, λ_KL 2; 5 seeds, 200 held-out captions spread over all classes × 5 outputs,
# classifier stand-ins): caption-class top-1 StackGAN++ 0.38 ± 0.03, + MS 0.30 ± 0.06 (the halfway rule
# asks 0.55); diversity 1.32 vs 1.57 against the data's 1.07 for one caption; FID 65 ± 6 vs 87 ± 25;
# NDB 8.8 vs 6.8 of 20; JSD 0.022 vs 0.016. Neither precondition holds, so the verdict reads "not tested".
# Probes at seed 0 (evaluated on captions of classes 0 and 1 only, before the spread fix, so optimistic
# top-1): batch 32 / 700 steps 0.57, batch 16 after 1200 / 1400 / 2400 steps 0.78 / 0.83 / 0.80 with
# diversity falling 0.94 / 0.88 / 0.86 towards that subset's 0.79; the official lr 2e-4 0.37 at 1200.
# Issue #29 probes (2026-12-05, all 200 evaluation captions, one thread; caption-class top-1 / LPIPS-stand-in
# diversity (the data's 1.073) / classifier FID after 500 / 1,000 / 1,500 / 2,000 / 2,500 / 3,000 steps; ~65 ms a
# step with the evaluations):
#   the paper's λ_KL = 2, seed 0: 0.18 / 0.30 / 0.45 / 0.51 / 0.58 / 0.64; diversity 1.61 → 1.09 (never below the
#     data's), FID 170 → 33;
#   λ_KL = 0.2, seed 0: 0.21 / 0.46 / 0.65 / 0.74 / 0.83 / 0.82; diversity 1.47 → 0.89 at 2,500 (below the data's
#     from 1,500), FID 358 → 38; seed 1: 0.20 / 0.41 / 0.58 / 0.67 / 0.78 (diversity 0.89, FID 27 at 2,500);
#     + MS, seed 0: 0.16 / 0.31 / 0.43 / 0.55 / 0.60 (diversity 1.36, FID 36 at 2,500).
# With the paper's KL weight the 16-dim conditioning augmentation is pulled to N(0, I) so hard that the caption
# barely reaches G (it follows it 0.38 at the old 1,200 steps, 0.64 at 3,000, and never collapses below the data).
# ADOPTED at cpu, for both methods alike, never at gpu/paper: λ_KL = 0.2 (a tenth of the paper's) and 2,500 steps.
_STACKGAN_CPU = MSGANStackGANConfig(
    dataset="digits-captions",
    base_size=16,
    stages=2,
    channels=1,
    nz=16,
    c_dim=16,
    g_width=8,
    d_width=8,
    res_blocks=1,
    batch_size=16,
    steps=2500,
    lr=5e-4,
    lambda_kl=0.2,  # the paper's 2 keeps the caption from reaching G at this scale (issue #29 probes above)
    seeds=(0, 1, 2, 3, 4),
    eval_captions=200,
    outputs_per_caption=5,
    ndb_bins=20,
    extractor="classifier:mnist5k",
    classifier_steps=600,
    checkpoint_every=500,
)
STACKGAN = {
    "smoke": replace(
        _STACKGAN_CPU,
        c_dim=8,
        d_width=4,
        steps=10,
        seeds=(0, 1),
        eval_captions=20,
        outputs_per_caption=4,
        ndb_bins=5,
        plausible_k=3,
        classifier_steps=30,
        checkpoint_every=5,
    ),
    "cpu": _STACKGAN_CPU,
    "gpu": MSGANStackGANConfig(stages=2, steps=40_000, seeds=(0, 1, 2)),
    "paper": MSGANStackGANConfig(),
}
PROFILES["msgan_stackgan"] = STACKGAN
ROW_SETTINGS["msgan_stackgan"] = {"cub200": {"paper": {}, "gpu": {}}}
