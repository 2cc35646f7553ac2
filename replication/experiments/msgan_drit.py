"""MSGAN, unpaired image-to-image translation: DRIT with and without the mode-seeking term.

Training follows the official DRIT-Mode-Seeking code (HelenMao/MSGAN, commit e386c25: `model.py`,
`train.py`). Two domains A and B; E_c (content, last block shared), E_a (attributes), G (one
decoder per domain), D_A, D_B (on translations with encoded attributes), D_A2, D_B2 (on
translations with random attributes) and D_c (on content codes). With a = the A images of a batch's
first half, b the B ones, c_a = E_c(a), c_b = E_c(b), z_a, z_b their attributes (sampled from
E_a's (μ, log σ²) with the default `concat` encoder) and z1, z2 ~ N(0, I) shared by both directions:

    u = G_A(c_b, z_a), v = G_B(c_a, z_b)              cross translation (D_A, D_B judge these)
    G_A(c_a, z_a) ≈ a, G_B(c_b, z_b) ≈ b              self-reconstruction, L1 × 10
    G_A(E_c(v), E_a(u)) ≈ a, G_B(E_c(u), E_a(v)) ≈ b  cross-cycle reconstruction, L1 × 10
    G_A(c_b, z1), G_A(c_b, z2), G_B(c_a, z1), G_B(c_a, z2)   random attributes (D_A2, D_B2 judge these)
    μ(E_a(G_A(c_b, z1))) ≈ z1, likewise for B           latent regression, L1 × 10
    D_c(c_a) → 0, D_c(c_b) → 1 for D_c; both → 1/2 for E_c   content adversarial
    KL(q(z_a) ‖ N(0, I)) + …, mean c²                    × 0.01

    L_ms = 1/(mean|G_B(c_a,z2) − G_B(c_a,z1)| / mean|z2 − z1| + 1e-5)      A→B
         + 1/(mean|G_A(c_b,z2) − G_A(c_b,z1)| / mean|z2 − z1| + 1e-5)      B→A, weight λ_ms = 1 each

All adversarial terms are BCE on sigmoid outputs, summed over the discriminators' scales. The
baseline "DRIT" is the identical loop with λ_ms = 0; it keeps MSGAN's second random attribute z2
and its adversarial terms (the original DRIT has one random attribute per step), so the two methods
differ by the mode-seeking term alone.

Update order (train.py, model.py): every step first updates D_c alone on `d_iter − 1` batches of
their own, then, on one more batch, runs the forward pass above and updates D_A, D_A2, D_B, D_B2
and D_c (on detached images and codes), then E_c, E_a and G on the encoder-generator loss
(`backward_EG`), then E_c and G again on the random-attribute loss (`backward_G_alone`: adversarial
on the random-attribute outputs, latent regression, mode seeking). The official code runs the second
backward pass on the forward graph after the first optimiser step has changed the weights in place
(PyTorch 0.4 let that through; PyTorch ≥ 1.5 raises "modified by an inplace operation", DRIT's issues
#48 and #62). Here both gradients are taken at the weights of the forward pass, then applied as two
Adam steps one after the other, as the official code steps them (the fix suggested in DRIT's issue
#48 sums them into one step instead).

Evaluation, per direction and seed: `outputs_per_input` outputs for each of `eval_inputs` held-out
source-domain inputs (content of the input, random attributes from a fixed generator seed): FID
against the held-out target-domain images, NDB/JSD in k-means bins of the target domain's training
pixels, LPIPS diversity (mean perceptual distance between consecutive outputs of one input). The
regime check compares the baseline's same-input diversity with the target domain's own spread.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

from replication.claims import regime
from replication.claims.stats import compare_methods
from replication.configs.msgan import MSGANDRITConfig
from replication.data.image_pairs import DOMAINS, UnpairedData, load_unpaired
from replication.experiments.translation import DIVERSITY, SPREAD_METRICS, consecutive_distance, named_extractor
from replication.losses.msgan import mode_seeking_loss, mode_seeking_ratio, mode_seeking_weight
from replication.metrics.features import ClassifierConfig
from replication.metrics.fid import frechet_distance
from replication.metrics.label_accuracy import label_accuracy
from replication.metrics.lpips import PerceptualDistance, perceptual_distance
from replication.metrics.manifold import RealManifold
from replication.metrics.ndb import NDBBins
from replication.nets.drit import (
    AttributeEncoder,
    AttributeEncoderConcat,
    ContentDiscriminator,
    ContentEncoder,
    GeneratorConcat,
    GeneratorMLP,
    MultiScaleDiscriminator,
    check_size,
    discriminator_layers,
)
from replication.run.experiment import (
    TableNotebook,
    TableRunBase,
    TrainedRun,
    budget_line,
    claim_verdict,
    train_and_evaluate,
)
from replication.run.results import seed_rows
from replication.run.train import seed_everything, train_method

TABLE_ID = "msgan_drit"
BASELINE, MODE_SEEKING = "DRIT", "DRIT + MS"
METHODS = (BASELINE, MODE_SEEKING)
DIRECTIONS = ("A→B", "B→A")
SIDES = {"A→B": ("a", "b"), "B→A": ("b", "a")}  # direction → (source domain, target domain)
CONTENT = "content kept"  # evaluator top-1 on the outputs = the input's class (sets with classes only)
CONTENT_CLASSES = 10  # the offline set's classes (digits)
PRECISION = "precision"  # share of outputs inside the target domain's training feature manifold (the data gate)
BASE_METRICS = SPREAD_METRICS
REAL = "real data (target domain)"
NOISE_SEED = 10_000  # + seed: the random attributes of the evaluated outputs
PARAMETERS = ("profile", "seeds", "dataset", "steps", "quick", "device", "progress")  # its notebook's parameters cell
REAL_PAIRS_SEED = 0  # which held-out target images are paired for the data's own diversity
INPUTS_SEED = 0  # which held-out source images are translated (a fixed permutation: the digits are class-sorted)
NETS = ("Ec", "Ea", "G", "DA", "DB", "DA2", "DB2", "Dc")


def load_data(config: MSGANDRITConfig) -> UnpairedData:
    """The table's two unpaired domains at the config's size."""
    return load_unpaired(config.dataset, image_size=config.image_size)


def metric_name(metric: str, direction: str) -> str:
    """'FID (A→B)': a metric of one direction (A and B as in `image_pairs.DOMAINS[dataset]`)."""
    return f"{metric} ({direction})"


METRICS = tuple(metric_name(m, d) for d in DIRECTIONS for m in BASE_METRICS)


def lambda_ms_for(method: str, config: MSGANDRITConfig) -> float:
    return mode_seeking_weight(method, METHODS, config.lambda_ms)


def direction_text(dataset: str, direction: str) -> str:
    """'A→B (summer→winter)' for a data set with named domains, else the bare direction."""
    if dataset not in DOMAINS:
        return direction
    source, target = (DOMAINS[dataset][0 if side == "a" else 1] for side in SIDES[direction])
    return f"{direction} ({source}→{target})"


# ---------------------------------------------------------------- loss pieces


def bce(predictions: list[torch.Tensor], target: float) -> torch.Tensor:
    """Σ over scales of mean BCE(sigmoid(logit), target): the official `binary_cross_entropy` on
    `sigmoid` outputs, computed from the logits."""
    return sum(F.binary_cross_entropy_with_logits(p, torch.full_like(p, target)) for p in predictions)


def discriminator_loss(discriminator: nn.Module, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """`backward_D`: fakes (detached) → 0, reals → 1."""
    return bce(discriminator(fake.detach()), 0.0) + bce(discriminator(real), 1.0)


def kl_attribute(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(μ, σ²) ‖ N(0, I)) summed over the batch and the dimensions (not averaged, as the official
    `torch.sum(kl_element).mul_(-0.5)`): −½ Σ (1 + log σ² − μ² − σ²)."""
    return -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())


def l2_code(z: torch.Tensor) -> torch.Tensor:
    """`_compute_kl`: mean z², the content code's (and the `concat 0` attribute's) "KL" term."""
    return z.pow(2).mean()


def reparameterise(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    return mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)


def learning_rate_factor(config: MSGANDRITConfig, step: int) -> float:
    """1 until `decay_from`, then linearly to 0 at the last step (the official per-epoch 'lambda' policy)."""
    if step < config.decay_from:
        return 1.0
    return max(0.0, (config.steps - step) / max(1, config.steps - config.decay_from))


# ---------------------------------------------------------------- data


def center_crop(x: torch.Tensor, size: int) -> torch.Tensor:
    top = (x.shape[-2] - size) // 2
    left = (x.shape[-1] - size) // 2
    return x[..., top : top + size, left : left + size]


def augment(x: torch.Tensor, size: int, flip: bool) -> torch.Tensor:
    """Training transforms: a random size×size crop and (if `flip`) a random horizontal flip per image
    (global torch RNG, so that a resumed run draws the same)."""
    if size < x.shape[-1]:
        tops = torch.randint(0, x.shape[-2] - size + 1, (len(x),)).tolist()
        lefts = torch.randint(0, x.shape[-1] - size + 1, (len(x),)).tolist()
        x = torch.stack([img[:, t : t + size, u : u + size] for img, t, u in zip(x, tops, lefts, strict=True)])
    if flip:
        flipped = (torch.rand(len(x)) < 0.5).to(x.device)
        x = torch.where(flipped[:, None, None, None], x.flip(-1), x)
    return x


class DomainSampler:
    """Random minibatches of one domain, drawn on its device (global torch RNG, resumable)."""

    def __init__(self, x: torch.Tensor, batch_size: int, crop: int, flip: bool):
        if batch_size > x.shape[0]:
            raise ValueError(f"batch size {batch_size} exceeds the {x.shape[0]} training images")
        self.x, self.batch_size, self.crop, self.flip = x, batch_size, crop, flip

    def __call__(self) -> torch.Tensor:
        index = torch.randint(0, self.x.shape[0], (self.batch_size,))
        return augment(self.x[index.to(self.x.device)], self.crop, self.flip)


# ---------------------------------------------------------------- model


def build(config: MSGANDRITConfig, data: UnpairedData, device: torch.device, seed: int):
    """The eight nets (`NETS`) and their Adam optimisers, as model.py builds them."""
    check_size(config.crop_size)
    seed_everything(seed)
    ca, cb = data.train_a.shape[1], data.train_b.shape[1]
    w, size = config.width, config.crop_size
    attribute, generator = (
        (AttributeEncoderConcat, GeneratorConcat) if config.concat else (AttributeEncoder, GeneratorMLP)
    )
    layers = discriminator_layers(size)
    nets = {
        "Ec": ContentEncoder(ca, cb, w),
        "Ea": attribute(ca, cb, config.nz, w),
        "G": generator(ca, cb, config.nz, w),
        "DA": MultiScaleDiscriminator(ca, w, config.dis_scales, layers),
        "DB": MultiScaleDiscriminator(cb, w, config.dis_scales, layers),
        "DA2": MultiScaleDiscriminator(ca, w, config.dis_scales, layers),
        "DB2": MultiScaleDiscriminator(cb, w, config.dis_scales, layers),
        "Dc": ContentDiscriminator(4 * w, size // 4),
    }
    nets = {k: v.to(device) for k, v in nets.items()}
    optimizers = {
        k: torch.optim.Adam(
            net.parameters(),
            lr=config.lr / (config.lr_content_ratio if k == "Dc" else 1.0),
            betas=(config.beta1, config.beta2),
            weight_decay=config.weight_decay,
        )
        for k, net in nets.items()
    }
    for optimizer in optimizers.values():
        for group in optimizer.param_groups:
            group["base_lr"] = group["lr"]
    return nets, optimizers


def attributes(nets: dict, x: torch.Tensor, domain: str, concat: bool) -> tuple[torch.Tensor, tuple | None]:
    """(a sampled attribute code, (μ, log σ²) or None) of images `x` of `domain`."""
    if concat:
        mu, logvar = nets["Ea"](x, domain)
        return reparameterise(mu, logvar), (mu, logvar)
    return nets["Ea"](x, domain), None


@dataclass
class Forward:
    """What `model.forward` computes for one batch (a = real_A_encoded, b = real_B_encoded)."""

    a: torch.Tensor
    b: torch.Tensor
    content_a: torch.Tensor
    content_b: torch.Tensor
    attr_a: torch.Tensor
    attr_b: torch.Tensor
    stats_a: tuple | None  # (μ, log σ²) of E_a(a) with the concat encoder
    stats_b: tuple | None
    z1: torch.Tensor
    z2: torch.Tensor
    fake_a: torch.Tensor  # G_A(c_b, z_a): cross translation B→A with a's attribute
    fake_aa: torch.Tensor  # G_A(c_a, z_a): self-reconstruction
    fake_a_random: torch.Tensor  # G_A(c_b, z1)
    fake_a_random2: torch.Tensor  # G_A(c_b, z2)
    fake_b: torch.Tensor
    fake_bb: torch.Tensor
    fake_b_random: torch.Tensor
    fake_b_random2: torch.Tensor
    recon_a: torch.Tensor  # G_A(E_c(fake_b), E_a(fake_a)): the cross cycle back to a
    recon_b: torch.Tensor
    regressed_a: torch.Tensor  # μ (or z) of E_a(fake_a_random), to match z1
    regressed_b: torch.Tensor


def forward(nets: dict, a: torch.Tensor, b: torch.Tensor, z1: torch.Tensor, z2: torch.Tensor, concat: bool) -> Forward:
    """`DRIT.forward`: both cross translations, self-reconstructions, random-attribute outputs, the
    cross cycle and the latent regression's codes; each generator runs once on the four inputs."""
    encode, generate = nets["Ec"], nets["G"]
    content_a, content_b = encode(a, "a"), encode(b, "b")
    attr_a, stats_a = attributes(nets, a, "a", concat)
    attr_b, stats_b = attributes(nets, b, "b", concat)
    fakes_a = generate(
        torch.cat([content_b, content_a, content_b, content_b]), torch.cat([attr_a, attr_a, z1, z2]), "a"
    ).chunk(4)
    fakes_b = generate(
        torch.cat([content_a, content_b, content_a, content_a]), torch.cat([attr_b, attr_b, z1, z2]), "b"
    ).chunk(4)
    fake_a, fake_b = fakes_a[0], fakes_b[0]
    # cross cycle: fake_a carries b's content and a's attribute, fake_b the reverse
    content_b_again, content_a_again = encode(fake_a, "a"), encode(fake_b, "b")
    attr_a_again, _ = attributes(nets, fake_a, "a", concat)
    attr_b_again, _ = attributes(nets, fake_b, "b", concat)
    recon_a = generate(content_a_again, attr_a_again, "a")
    recon_b = generate(content_b_again, attr_b_again, "b")
    if concat:
        regressed_a, regressed_b = nets["Ea"](fakes_a[2], "a")[0], nets["Ea"](fakes_b[2], "b")[0]
    else:
        regressed_a, regressed_b = nets["Ea"](fakes_a[2], "a"), nets["Ea"](fakes_b[2], "b")
    return Forward(
        a, b, content_a, content_b, attr_a, attr_b, stats_a, stats_b, z1, z2,
        *fakes_a, *fakes_b, recon_a, recon_b, regressed_a, regressed_b,
    )  # fmt: skip


def encoder_generator_loss(nets: dict, f: Forward, config: MSGANDRITConfig) -> tuple[torch.Tensor, dict]:
    """`backward_EG`: adversarial on the cross translations (D_A, D_B), content adversarial (target ½),
    KL of the attributes and the content codes, cross-cycle and self-reconstruction L1."""
    content = bce(nets["Dc"](f.content_a), 0.5) + bce(nets["Dc"](f.content_b), 0.5)
    gan = bce(nets["DA"](f.fake_a), 1.0) + bce(nets["DB"](f.fake_b), 1.0)
    if f.stats_a is not None:
        kl_attr = kl_attribute(*f.stats_a) + kl_attribute(*f.stats_b)
    else:
        kl_attr = l2_code(f.attr_a) + l2_code(f.attr_b)
    kl_content = l2_code(f.content_a) + l2_code(f.content_b)
    cycle = (f.recon_a - f.a).abs().mean() + (f.recon_b - f.b).abs().mean()
    self_l1 = (f.fake_aa - f.a).abs().mean() + (f.fake_bb - f.b).abs().mean()
    c = config
    loss = (
        c.lambda_gan * gan
        + c.lambda_content * content
        + c.lambda_kl * (kl_attr + kl_content)
        + c.lambda_cycle * cycle
        + c.lambda_self * self_l1
    )
    return loss, {"g_gan": gan, "g_content": content, "kl": kl_attr + kl_content, "cycle_l1": cycle, "self_l1": self_l1}


def mode_seeking_terms(f: Forward) -> tuple[torch.Tensor, torch.Tensor]:
    """(L_ms of A→B, L_ms of B→A): G_B(c_a, z1|z2) and G_A(c_b, z1|z2), the official lz_AB and lz_BA."""
    return (
        mode_seeking_loss(f.fake_b_random, f.fake_b_random2, f.z1, f.z2),
        mode_seeking_loss(f.fake_a_random, f.fake_a_random2, f.z1, f.z2),
    )


def random_attribute_loss(nets: dict, f: Forward, config: MSGANDRITConfig, lambda_ms: float):
    """`backward_G_alone`: adversarial on the four random-attribute outputs (D_A2, D_B2), latent
    regression, and λ_ms·(L_ms(A→B) + L_ms(B→A)) (left out entirely when λ_ms = 0)."""
    gan2 = (
        bce(nets["DA2"](f.fake_a_random), 1.0)
        + bce(nets["DB2"](f.fake_b_random), 1.0)
        + bce(nets["DA2"](f.fake_a_random2), 1.0)
        + bce(nets["DB2"](f.fake_b_random2), 1.0)
    )
    latent = (f.regressed_a - f.z1).abs().mean() + (f.regressed_b - f.z1).abs().mean()
    loss = config.lambda_gan * gan2 + config.lambda_latent * latent
    if lambda_ms:
        ms_ab, ms_ba = mode_seeking_terms(f)
        loss = loss + lambda_ms * (ms_ab + ms_ba)
    return loss, {"g_gan_random": gan2, "latent_l1": latent}


def _set_lr(optimizers: dict, factor: float) -> None:
    for optimizer in optimizers.values():
        for group in optimizer.param_groups:
            group["lr"] = group["base_lr"] * factor


def _apply(optimizer: torch.optim.Optimizer, params: list[nn.Parameter], grads) -> None:
    """One Adam step with `grads` as the gradients (an unused parameter gets 0, as zero_grad left it)."""
    for p, g in zip(params, grads, strict=True):
        p.grad = torch.zeros_like(p) if g is None else g
    optimizer.step()


def content_discriminator_step(nets: dict, optimizers: dict, a: torch.Tensor, b: torch.Tensor, clip: float):
    """`update_D_content` / the content part of `update_D`: D_c(c_a) → 0, D_c(c_b) → 1, norm clipped."""
    with torch.no_grad():
        content_a, content_b = nets["Ec"](a, "a"), nets["Ec"](b, "b")
    return _content_update(nets, optimizers, content_a, content_b, clip)


def _content_update(nets, optimizers, content_a, content_b, clip) -> torch.Tensor:
    loss = bce(nets["Dc"](content_a.detach()), 0.0) + bce(nets["Dc"](content_b.detach()), 1.0)
    optimizers["Dc"].zero_grad(set_to_none=True)
    loss.backward()
    nn.utils.clip_grad_norm_(nets["Dc"].parameters(), clip)
    optimizers["Dc"].step()
    return loss.detach()


def make_step(config: MSGANDRITConfig, nets: dict, optimizers: dict, sample_a, sample_b, lambda_ms: float):
    """One official iteration triple: D_c alone on `d_iter − 1` batches, then D_A, D_A2, D_B, D_B2,
    D_c, then E_c + E_a + G (`backward_EG`), then E_c + G (`backward_G_alone`)."""
    half = max(1, config.batch_size // 2)
    eg_params = {k: [p for p in nets[k].parameters()] for k in ("Ec", "Ea", "G")}
    alone_keys = ("Ec", "G")  # E_a collects this pass's gradient but is not stepped on it (official)

    def step(index: int) -> dict[str, torch.Tensor]:
        _set_lr(optimizers, learning_rate_factor(config, index))
        for _ in range(config.d_iter - 1):
            a, b = sample_a(), sample_b()
            content_discriminator_step(nets, optimizers, a[:half], b[:half], config.content_clip)
        a, b = sample_a(), sample_b()
        z1 = torch.randn(half, config.nz, device=a.device)
        z2 = torch.randn(half, config.nz, device=a.device)
        f = forward(nets, a[:half], b[:half], z1, z2, config.concat)
        real_a_random = a[half:] if len(a) > half else a[:half]
        real_b_random = b[half:] if len(b) > half else b[:half]

        d_loss = 0.0
        for key, real, fakes in (
            ("DA", f.a, [f.fake_a]),
            ("DA2", real_a_random, [f.fake_a_random, f.fake_a_random2]),
            ("DB", f.b, [f.fake_b]),
            ("DB2", real_b_random, [f.fake_b_random, f.fake_b_random2]),
        ):
            loss = sum(discriminator_loss(nets[key], real, fake) for fake in fakes)
            optimizers[key].zero_grad(set_to_none=True)
            loss.backward()
            optimizers[key].step()
            d_loss = d_loss + loss.detach()
        d_content = _content_update(nets, optimizers, f.content_a, f.content_b, config.content_clip)

        eg_loss, parts = encoder_generator_loss(nets, f, config)
        alone_loss, alone_parts = random_attribute_loss(nets, f, config, lambda_ms)
        flat = [p for k in ("Ec", "Ea", "G") for p in eg_params[k]]
        grads = torch.autograd.grad(eg_loss, flat, retain_graph=True, allow_unused=True)
        alone = [p for k in alone_keys for p in eg_params[k]]
        alone_grads = torch.autograd.grad(alone_loss, alone, allow_unused=True)
        start = 0
        for k in ("Ec", "Ea", "G"):
            n = len(eg_params[k])
            _apply(optimizers[k], eg_params[k], grads[start : start + n])
            start += n
        start = 0
        for k in alone_keys:
            n = len(eg_params[k])
            _apply(optimizers[k], eg_params[k], alone_grads[start : start + n])
            start += n
        with torch.no_grad():
            ratio_ab = mode_seeking_ratio(f.fake_b_random, f.fake_b_random2, z1, z2)
            ratio_ba = mode_seeking_ratio(f.fake_a_random, f.fake_a_random2, z1, z2)
        out = {"d_loss": d_loss, "d_content": d_content}
        out |= {k: v.detach() for k, v in (parts | alone_parts).items()}
        return out | {"ms_ratio_ab": ratio_ab, "ms_ratio_ba": ratio_ba}

    return step


def train_run(
    config: MSGANDRITConfig, data: UnpairedData, method: str, seed: int, device: torch.device, progress: bool = True
) -> TrainedRun:
    """Train (or resume, or load the finished) run of `method` at `seed`."""
    lambda_ms = lambda_ms_for(method, config)
    nets, optimizers = build(config, data, device, seed)
    run_config = {**config.training_config(), "lambda_ms": lambda_ms}
    sample_a = DomainSampler(data.train_a, config.batch_size, config.crop_size, config.flip)
    sample_b = DomainSampler(data.train_b, config.batch_size, config.crop_size, config.flip)
    step = make_step(config, nets, optimizers, sample_a, sample_b, lambda_ms)
    result = train_method(TABLE_ID, run_config, method, seed, nets, optimizers, step, config, device, progress)
    kept = {k: nets[k].eval() for k in ("Ec", "Ea", "G")}
    return TrainedRun(method, seed, kept, result)


# ---------------------------------------------------------------- evaluation


@torch.no_grad()
def translate(
    nets: dict, inputs: torch.Tensor, direction: str, nz: int, outputs: int, seed: int, chunk: int = 50
) -> torch.Tensor:
    """[outputs, N, C, H, W]: `outputs` translations of every input (`test_forward`: the input's
    content, a random attribute z ~ N(0, I) each, drawn from a fixed generator seed)."""
    source, target = SIDES[direction]
    noise = torch.Generator().manual_seed(seed)
    content = torch.cat([nets["Ec"](x, source) for x in inputs.split(chunk)])
    results = []
    for _ in range(outputs):
        z = torch.randn(len(inputs), nz, generator=noise).to(inputs.device)
        results.append(
            torch.cat([nets["G"](c, zz, target) for c, zz in zip(content.split(chunk), z.split(chunk), strict=True)])
        )
    return torch.stack(results).cpu()


def eval_indices(n: int, k: int, seed: int = INPUTS_SEED) -> torch.Tensor:
    """The first k of a fixed random permutation of n held-out images (the evaluated inputs)."""
    return torch.randperm(n, generator=torch.Generator().manual_seed(seed))[:k]


def domain_diversity(images: torch.Tensor, distance: PerceptualDistance, seed: int = REAL_PAIRS_SEED) -> float:
    """Mean distance between disjoint random pairs of `images` (a fixed permutation): the spread of
    the whole domain, an upper reference for what one input's outputs can reach."""
    order = torch.randperm(len(images), generator=torch.Generator().manual_seed(seed))
    half = len(images) // 2
    return float(distance.distance(images[order[:half]], images[order[half : 2 * half]]).mean())


class Evaluator:
    """The fixed reference of each direction: the held-out source inputs, real features of the held-out
    target domain, NDB bins of its training images, and its own diversity; one extractor for both."""

    def __init__(self, config: MSGANDRITConfig, data: UnpairedData, device: torch.device):
        self.config, self.data = config, data
        self.extractor = named_extractor(
            config.extractor, config.crop_size, device, ClassifierConfig(steps=config.classifier_steps)
        )
        self.distance = perceptual_distance(self.extractor, device)
        size = config.crop_size
        split = {"a": (data.train_a, data.test_a), "b": (data.train_b, data.test_b)}
        self.inputs, self.real_features, self.bins, self.real_diversity, self.real_count = {}, {}, {}, {}, {}
        self.input_labels: dict[str, torch.Tensor] = {}  # direction → class of each input, where known
        # the "outputs are data" gate, per direction: precision on the target domain's training feature manifold,
        # on its scale from an untrained DRIT's outputs to the target domain's held-out images
        self.manifold: dict[str, RealManifold] = {}
        self.real_precision: dict[str, float] = {}
        self.untrained_precision: dict[str, float] = {}
        untrained = {k: v.eval() for k, v in build(config, data, device, seed=0)[0].items()}
        labels = {"a": data.test_labels_a, "b": data.test_labels_b}
        for direction, (source, target) in SIDES.items():
            train_target, test_target = (center_crop(x, size) for x in split[target])
            held_out = split[source][1]
            chosen = eval_indices(len(held_out), config.eval_inputs).to(held_out.device)
            self.inputs[direction] = center_crop(held_out[chosen], size)
            if labels[source] is not None and hasattr(self.extractor, "logits"):
                self.input_labels[direction] = labels[source][chosen.cpu()]
            self.real_features[direction] = self.extractor.features(test_target)
            self.manifold[direction] = RealManifold(self.extractor.features(train_target))
            self.real_precision[direction] = self.manifold[direction].precision(self.real_features[direction])
            out = translate(
                untrained, self.inputs[direction], direction, config.nz, config.outputs_per_input, NOISE_SEED
            )
            self.untrained_precision[direction] = self.manifold[direction].precision(
                self.extractor.features(out.flatten(0, 1))
            )
            self.bins[direction] = NDBBins(train_target.cpu().numpy(), config.ndb_bins, seed=0, alpha=config.ndb_alpha)
            self.real_diversity[direction] = domain_diversity(test_target, self.distance)
            self.real_count[direction] = len(test_target)

    def evaluate(self, nets: dict, seed: int) -> tuple[dict, dict[str, torch.Tensor]]:
        """metric → value for both directions, and each direction's outputs [M, N, C, H, W]."""
        scores, outputs = {}, {}
        for direction in DIRECTIONS:
            out = translate(
                nets,
                self.inputs[direction],
                direction,
                self.config.nz,
                self.config.outputs_per_input,
                NOISE_SEED + seed,
            )
            flat = out.flatten(0, 1)
            features = self.extractor.features(flat)
            bins = self.bins[direction].evaluate(flat.numpy())
            scores[metric_name("FID", direction)] = frechet_distance(self.real_features[direction], features)
            scores[metric_name(PRECISION, direction)] = self.manifold[direction].precision(features)
            scores[metric_name(DIVERSITY, direction)] = consecutive_distance(out, self.distance)
            scores[metric_name("NDB", direction)] = float(bins.ndb)
            scores[metric_name("JSD", direction)] = bins.jsd
            if direction in self.input_labels:
                scores[metric_name(CONTENT, direction)] = label_accuracy(
                    self.extractor, out, self.input_labels[direction]
                )
            outputs[direction] = out
        return scores, outputs

    def protocol(self) -> dict:
        c, d = self.config, self.data
        directions = ", ".join(direction_text(d.name, k) for k in DIRECTIONS)
        inputs = len(self.inputs["A→B"])
        return {
            "task": f"{d.name}: A = {d.domain_a}, B = {d.domain_b}; both directions, {directions}",
            "generated": f"per direction, {c.outputs_per_input} outputs (random attributes, noise seed "
            f"{NOISE_SEED}+seed) for each of {inputs} held-out inputs of the source domain (the first of a "
            f"permutation with seed {INPUTS_SEED})"
            + (f", centre-cropped to {c.crop_size}×{c.crop_size}" if c.crop_size < c.image_size else ""),
            "FID": f"all outputs against the held-out images of the target domain ({self.real_count['A→B']} B, "
            f"{self.real_count['B→A']} A), features of {self.extractor.name}",
            "LPIPS": f"{self.distance.name}; mean distance between consecutive outputs of the same input",
            "content kept": (
                f"top-1 of {self.extractor.name} on the outputs against the input's class (the regime check)"
                if self.input_labels
                else "not measured: the domains have no classes"
            ),
            "precision": "share of the outputs inside the target domain's training feature manifold (Kynkäänniemi "
            "et al. 2019: k-NN balls, k = 5, the extractor's features): "
            + "; ".join(
                f"{k}: held-out images {self.real_precision[k]:.3f}, an untrained DRIT {self.untrained_precision[k]:.3f}"
                for k in DIRECTIONS
            ),
            "NDB/JSD": f"k-means bins (K={c.ndb_bins}, seed 0) on the target domain's training pixels; "
            f"two-proportion z-test, alpha={c.ndb_alpha}; JSD in nats",
            "real diversity": "the target domain's own spread: mean LPIPS distance between disjoint random pairs "
            f"(seed {REAL_PAIRS_SEED}) of its held-out images — the whole domain, an upper reference for one "
            "input's outputs",
            "attribute encoder": "concat (E_attr_concat + KL, G_concat)" if c.concat else "E_attr + G (concat 0)",
            "extractor": self.extractor.describe(),
            "comparable_to_paper": d.name in ("yosemite", "cat2dog") and c.extractor == "inception-v3-fid",
        }


@dataclass
class TableRun(TableRunBase):
    inputs: dict[str, torch.Tensor]  # direction → the n held-out inputs shown
    real_diversity: dict[str, float]  # direction → the target domain's diversity
    protocol: dict
    real_precision: dict[str, float] = field(default_factory=dict)  # direction → the held-out targets' precision
    untrained_precision: dict[str, float] = field(default_factory=dict)  # … and an untrained DRIT's outputs'


def run_table(
    config: MSGANDRITConfig, data: UnpairedData, device: torch.device, progress: bool = True, shown: int = 5
) -> TableRun:
    """Train every (method, seed), evaluate each in both directions, keep histories and example rows."""
    start = time.perf_counter()
    evaluator = Evaluator(config, data, device)

    def evaluate(run: TrainedRun, seed: int) -> tuple[dict, dict[str, torch.Tensor]]:
        scores, outputs = evaluator.evaluate(run.nets, seed)
        return scores, {d: outputs[d][:, :shown] for d in DIRECTIONS}

    runs = train_and_evaluate(train_run, evaluate, config, data, device, METHODS, progress)
    inputs = {d: evaluator.inputs[d][:shown].cpu() for d in DIRECTIONS}
    runs.wall_time_s = time.perf_counter() - start  # with the evaluator's references
    return TableRun(
        config,
        runs,
        inputs,
        dict(evaluator.real_diversity),
        evaluator.protocol(),
        dict(evaluator.real_precision),
        dict(evaluator.untrained_precision),
    )


def result_rows(table: TableRun) -> list[dict]:
    seeds = table.config.seeds
    names = [metric_name(DIVERSITY, d) for d in DIRECTIONS]
    real_values = {metric_name(DIVERSITY, d): table.real_diversity[d] for d in DIRECTIONS}
    for d, value in table.real_precision.items():
        real_values[metric_name(PRECISION, d)] = value
        names.append(metric_name(PRECISION, d))
    real = {REAL: {s: dict(real_values) for s in seeds}}
    first = table.runs.metrics[BASELINE][seeds[0]]
    gates = [metric_name(m, d) for m in (CONTENT, PRECISION) for d in DIRECTIONS if metric_name(m, d) in first]
    rows = seed_rows(table.runs.metrics, METHODS, METRICS + tuple(gates), seeds)
    return rows + seed_rows(real, [REAL], names, seeds)


def details(table: TableRun) -> dict:
    return {"config": asdict(table.config)}


def verdicts(table: TableRun) -> list[dict]:
    """MSGAN's claim, one verdict per direction, seed-paired: LPIPS diversity higher, NDB and JSD lower,
    FID not worse, and (where the domains have classes) content kept not lower."""
    m, seeds, margin = table.runs.metrics, table.config.seeds, table.config.fid_non_inferiority
    kept_margin = table.config.content_non_inferiority
    out = []
    for direction in DIRECTIONS:
        name = lambda metric, d=direction: metric_name(metric, d)  # noqa: E731
        parts = [
            compare_methods(m, seeds, name(DIVERSITY), BASELINE, MODE_SEEKING, "higher"),
            compare_methods(m, seeds, name("NDB"), BASELINE, MODE_SEEKING, "lower"),
            compare_methods(m, seeds, name("JSD"), BASELINE, MODE_SEEKING, "lower"),
            compare_methods(m, seeds, name("FID"), BASELINE, MODE_SEEKING, "not worse", margin),
        ]
        content = ""
        if name(CONTENT) in m[BASELINE][seeds[0]]:  # quality is also: the translations keep their input's content
            parts.append(compare_methods(m, seeds, name(CONTENT), BASELINE, MODE_SEEKING, "not lower", kept_margin))
            content = f"; content kept holds if the 90% interval of the difference lies above −{kept_margin:.0%} of DRIT's mean"
        rule = (
            "seed-paired t tests of (DRIT + MS) − DRIT in the verdict's direction: LPIPS diversity holds if the 95% "
            "interval is above 0, NDB and JSD if it is below 0; FID, on the log scale, holds if the 90% interval of the "
            f"log ratio lies below log(1 + {margin:.0%}){content}; Holm within the claim; all parts hold → holds, any "
            "part does not hold → does not hold, else inconclusive"
        )
        translation = direction_text(table.config.dataset, direction)
        claim = (
            f"mode seeking makes DRIT's {translation} translations more diverse (LPIPS up, NDB and JSD down) "
            "without hurting FID" + (" or the content they keep" if content else "")
        )
        out.append({**claim_verdict(claim, rule, parts), "direction": direction})
    return out


def regime_checks(table: TableRun, verdict: dict) -> list[regime.RegimeCheck]:
    """Three preconditions per direction, on the baseline DRIT (issue #29: the claim's preconditions; mode
    seeking's own content kept is a part of the claim, not a gate). (1) Its outputs are data: precision on
    the target domain's training feature manifold at least halfway from an untrained DRIT's to the held-out
    target images'. (2) Where the domains have classes (the offline digits), its translations keep the input's
    class: DRIT is translating, not drawing any image of the target domain. (3) Mode seeking cures collapse:
    DRIT's outputs for one input are less diverse than the target domain itself (seed-paired against the
    domain's value). The domain's spread is an upper reference (different inputs, different contents), so
    (3) is necessary for collapse, not a proof."""
    metrics, seeds, direction = table.runs.metrics, table.config.seeds, verdict["direction"]
    checks = []
    precision = metric_name(PRECISION, direction)
    if direction in table.real_precision and all(precision in metrics[BASELINE][s] for s in seeds):
        values = {BASELINE: [metrics[BASELINE][s][precision] for s in seeds]}
        name = f"the outputs ({direction}) are data (inside the target domain's feature manifold)"
        untrained, real = table.untrained_precision[direction], table.real_precision[direction]
        # the offline colour digits A→B: an untrained DRIT's flat squares score as high as data (no scale)
        checks.append(regime.outputs_are_data(values, untrained, real, name))
    content = metric_name(CONTENT, direction)
    if all(content in metrics[BASELINE][s] for s in seeds):
        kept = {BASELINE: [metrics[BASELINE][s][content] for s in seeds]}
        checks.append(regime.keeps_content(kept, CONTENT_CLASSES, direction))
    metric = metric_name(DIVERSITY, direction)
    baseline = [metrics[BASELINE][s][metric] for s in seeds]
    return checks + [regime.less_diverse_than_data(BASELINE, baseline, table.real_diversity[direction], metric)]


def setup_line(config: MSGANDRITConfig, data) -> str:
    images = (
        f"{len(data.train_a)} + {len(data.train_b)} training images / {len(data.test_a)} + {len(data.test_b)} held out"
    )
    crops = f"{tuple(data.train_a.shape[1:])}, trained on {config.crop_size}×{config.crop_size} crops"
    domains = f"A = {data.domain_a}, B = {data.domain_b}"
    return f"task: `{data.name}`, {domains} ({images}, {crops}); {budget_line(config)} ({config.d_iter} batches a step)"


NOTEBOOK = TableNotebook(TABLE_ID, PARAMETERS, load_data, setup_line)
