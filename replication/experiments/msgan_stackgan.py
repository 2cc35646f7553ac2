"""MSGAN, text-conditioned: StackGAN++ with and without the mode-seeking term.

Training follows the official StackGAN-v2 trainer (`condGANTrainer`), D first, then G, each step on a
batch of B (image, one of its caption embeddings φ_t) pairs. With mode seeking the generator runs on
the batch twice, [φ_t; φ_t] with noise [z1; z2] (its conditioning augmentation samples ĉ afresh for
each half); the baseline runs the identical loop with λ_ms = 0. For every stage i (real images
resized to that stage's side, "wrong" images = the batch's images rolled by one, μ detached):

    L_D_i = BCE(D_i(x, μ), 1) + BCE(D_i(x_wrong, μ), 0) + BCE(D_i(G_i, μ), 0)
            + λ_u [BCE(D_i^u(x), 1) + BCE(D_i^u(x_wrong), 1) + BCE(D_i^u(G_i), 0)]
    L_G   = Σ_i [BCE(D_i(G_i, μ), 1) + λ_u BCE(D_i^u(G_i), 1)] + λ_KL KL + L_C + λ_ms L_ms

with D_i^u the unconditional logit, KL and L_C as in replication/nets/stackgan.py, and
L_ms = 1 / (mean|G(φ,z2) − G(φ,z1)| / mean|z2 − z1| + 1e-5) on the last stage's images
(replication/losses/msgan.py). The official trainer also samples from an exponential moving average
of G's weights; this one evaluates G itself (as the Pix2Pix table does).

Evaluation, per seed: `outputs_per_caption` images for each of `eval_captions` held-out captions
(caption 0 of held-out images evenly spaced over the split, so every class; noise from a fixed seed): FID against the held-out images,
NDB/JSD in k-means bins of the training images' pixels, LPIPS diversity (consecutive outputs of one
caption), precision (share of outputs inside the training images' feature manifold) and caption class
accuracy (the evaluator classifier's top-1 on the outputs against the class of the caption's image).
Regime checks, on the baseline (issue #29: the claim's preconditions): its images are data (precision at
least halfway from an untrained generator's to the held-out images'), it follows the text (caption class
accuracy ≥ the book's halfway rule), and it is less diverse than the data (the data's spread for one
caption: the held-out images whose caption embeddings are nearest to it). Mode seeking's own caption
class accuracy is a quality part of the claim ("not lower" than the baseline's), not a precondition.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from replication.claims import regime
from replication.claims.stats import compare_methods
from replication.configs.msgan import MSGANStackGANConfig
from replication.data.captions import load_text
from replication.data.text import TextData
from replication.experiments.sampling import evenly_spaced
from replication.experiments.translation import DIVERSITY, SPREAD_METRICS, named_extractor, spread_scores
from replication.losses.msgan import mode_seeking_loss, mode_seeking_ratio, mode_seeking_weight
from replication.metrics.features import ClassifierConfig, ClassifierExtractor, classifier_extractor
from replication.metrics.label_accuracy import label_accuracy
from replication.metrics.lpips import perceptual_distance
from replication.metrics.manifold import RealManifold
from replication.metrics.ndb import NDBBins
from replication.nets.stackgan import StackGenerator, StageDiscriminator, colour_consistency, kl_divergence
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

TABLE_ID = "msgan_stackgan"
BASELINE, MODE_SEEKING = "StackGAN++", "StackGAN++ + MS"
METHODS = (BASELINE, MODE_SEEKING)
METRICS = SPREAD_METRICS
ACCURACY = "caption class accuracy"
PRECISION = "precision"  # share of outputs inside the training images' feature manifold (the data gate)
REAL = "real data (nearest captions)"
PARAMETERS = ("profile", "seeds", "dataset", "steps", "quick", "device", "progress")  # its notebook's parameters cell
NOISE_SEED = 10_000  # + seed: the noise of the evaluated outputs


def load_data(config: MSGANStackGANConfig) -> TextData:
    """The table's captioned images (with their sentence embeddings) at the config's size."""
    return load_text(config.dataset, image_size=config.image_size)


def lambda_ms_for(method: str, config: MSGANStackGANConfig) -> float:
    return mode_seeking_weight(method, METHODS, config.lambda_ms)


def bce(logits: torch.Tensor, target: float) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


def resize_to(images: torch.Tensor, size: int) -> torch.Tensor:
    if images.shape[-1] == size:
        return images
    return F.interpolate(images, size=(size, size), mode="bilinear", align_corners=False, antialias=True)


class TextSampler:
    """(images, one random caption embedding of each) from the training split; global torch RNG (resumable)."""

    def __init__(self, data: TextData, batch_size: int):
        self.x, self.e, self.batch_size = data.images.train_x, data.train_embeddings, batch_size

    def __call__(self) -> tuple[torch.Tensor, torch.Tensor]:
        index = torch.randint(0, len(self.x), (self.batch_size,))
        which = torch.randint(0, self.e.shape[1], (self.batch_size,))
        index, which = index.to(self.x.device), which.to(self.x.device)
        return self.x[index], self.e[index, which]


def build(config: MSGANStackGANConfig, data: TextData, device: torch.device, seed: int):
    """G (CA + stages), one D per stage, Adam for G and for all the Ds."""
    seed_everything(seed)
    text_dim = data.train_embeddings.shape[-1]
    generator = StackGenerator(
        config.nz,
        text_dim,
        config.c_dim,
        config.g_width,
        config.base_size,
        config.stages,
        config.channels,
        config.res_blocks,
    ).to(device)
    discriminators = nn.ModuleList(
        [StageDiscriminator(s, config.d_width, config.c_dim, config.channels) for s in generator.sizes]
    ).to(device)
    betas = (config.beta1, config.beta2)
    return (
        generator,
        discriminators,
        torch.optim.Adam(generator.parameters(), lr=config.lr, betas=betas),
        torch.optim.Adam(discriminators.parameters(), lr=config.lr, betas=betas),
    )


def discriminator_loss(d: nn.Module, real, wrong, fake, mu_real, mu_fake, lambda_uncond: float) -> torch.Tensor:
    real_c, real_u = d(real, mu_real)
    wrong_c, wrong_u = d(wrong, mu_real)
    fake_c, fake_u = d(fake, mu_fake)
    loss = bce(real_c, 1) + bce(wrong_c, 0) + bce(fake_c, 0)
    if lambda_uncond:
        loss = loss + lambda_uncond * (bce(real_u, 1) + bce(wrong_u, 1) + bce(fake_u, 0))
    return loss


def make_step(config: MSGANStackGANConfig, generator, discriminators, opt_g, opt_d, sampler, lambda_ms: float):
    """One StackGAN++(+MS) iteration in the official order: every D, then G."""

    def step(_: int) -> dict[str, torch.Tensor]:
        real, text = sampler()
        z1 = torch.randn(len(real), config.nz, device=real.device)
        z2 = torch.randn(len(real), config.nz, device=real.device)
        fakes, mu, logvar = generator(torch.cat([z1, z2]), torch.cat([text, text]))
        mu_detached = mu.detach()

        d_loss = real.new_zeros(())
        for d, fake in zip(discriminators, fakes, strict=True):
            stage_real = resize_to(real, fake.shape[-1])
            stage_wrong = torch.roll(stage_real, 1, 0)
            d_loss = d_loss + discriminator_loss(
                d,
                stage_real,
                stage_wrong,
                fake.detach(),
                mu_detached[: len(real)],
                mu_detached,
                config.lambda_uncond,
            )
        opt_d.zero_grad(set_to_none=True)
        d_loss.backward()
        opt_d.step()

        discriminators.requires_grad_(False)
        g_gan = real.new_zeros(())
        for d, fake in zip(discriminators, fakes, strict=True):
            cond, uncond = d(fake, mu_detached)
            g_gan = g_gan + bce(cond, 1) + config.lambda_uncond * bce(uncond, 1)
        kl = kl_divergence(mu, logvar)
        fake1, fake2 = fakes[-1].chunk(2)
        ms_loss = mode_seeking_loss(fake1, fake2, z1, z2)
        g_loss = g_gan + config.lambda_kl * kl
        if config.lambda_color:
            g_loss = g_loss + colour_consistency(fakes, config.lambda_color, config.color_cov_factor)
        if lambda_ms:
            g_loss = g_loss + lambda_ms * ms_loss
        opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        opt_g.step()
        discriminators.requires_grad_(True)
        with torch.no_grad():
            ratio = mode_seeking_ratio(fake1, fake2, z1, z2)
        return {"d_loss": d_loss, "g_gan": g_gan, "kl": kl, "ms_ratio": ratio}

    return step


def train_run(
    config: MSGANStackGANConfig, data: TextData, method: str, seed: int, device: torch.device, progress: bool = True
) -> TrainedRun:
    """Train (or resume, or load the finished) run of `method` at `seed`."""
    lambda_ms = lambda_ms_for(method, config)
    generator, discriminators, opt_g, opt_d = build(config, data, device, seed)
    run_config = {**config.training_config(), "lambda_ms": lambda_ms}
    step = make_step(config, generator, discriminators, opt_g, opt_d, TextSampler(data, config.batch_size), lambda_ms)
    nets, optimizers = {"G": generator, "D": discriminators}, {"G": opt_g, "D": opt_d}
    result = train_method(TABLE_ID, run_config, method, seed, nets, optimizers, step, config, device, progress)
    return TrainedRun(method, seed, {"G": generator.eval()}, result)


@torch.no_grad()
def generate(generator: nn.Module, texts: torch.Tensor, nz: int, outputs: int, seed: int) -> torch.Tensor:
    """[outputs, N, C, H, W]: the last stage's image for every text, `outputs` times with fresh noise (fixed
    seed; the conditioning augmentation's ε is drawn from the same seeded stream)."""
    noise = torch.Generator().manual_seed(seed)
    results = []
    for _ in range(outputs):
        z = torch.randn(len(texts), nz, generator=noise).to(texts.device)
        with torch.random.fork_rng(devices=[texts.device] if texts.device.type == "cuda" else []):
            torch.manual_seed(int(torch.randint(0, 2**31 - 1, (1,), generator=noise)))
            images = [generator(zz, tt)[0][-1] for zz, tt in zip(z.split(100), texts.split(100), strict=True)]
        results.append(torch.cat(images))
    return torch.stack(results).cpu()


def nearest_captions(embeddings: torch.Tensor, queries: torch.Tensor, k: int) -> torch.Tensor:
    """[Q, k]: for each query embedding, the k rows of `embeddings` nearest in L2 (the query's own first)."""
    return torch.cdist(queries.double(), embeddings.double()).topk(k, largest=False).indices


class Evaluator:
    """Real features of the held-out images, NDB bins of the training images, the perceptual distance,
    the class-check classifier and the data's own same-caption diversity."""

    def __init__(self, config: MSGANStackGANConfig, data: TextData, device: torch.device):
        self.config, self.data = config, data
        images = data.images
        classifier_config = ClassifierConfig(steps=config.classifier_steps)
        self.extractor = named_extractor(config.extractor, config.image_size, device, classifier_config)
        self.classifier = (
            self.extractor
            if isinstance(self.extractor, ClassifierExtractor) and self.extractor.name == f"classifier:{images.name}"
            else classifier_extractor(images, classifier_config, device)
        )
        self.distance = perceptual_distance(self.extractor, device)  # real LPIPS, else the named stand-in
        self.index = evenly_spaced(len(images.test_x), config.eval_captions)
        self.texts = data.test_embeddings[self.index.to(data.test_embeddings.device), 0]
        self.labels = images.test_y.cpu()[self.index]
        self.captions = [data.test_captions[i][0] for i in self.index.tolist()] if data.test_captions else None
        self.real_features = self.extractor.features(images.test_x)
        # the "outputs are data" gate: precision against the training images' feature manifold, on its scale
        # from an untrained generator's outputs to the real held-out images
        self.manifold = RealManifold(self.extractor.features(images.train_x))
        self.real_precision = self.manifold.precision(self.real_features)
        untrained = build(config, data, device, seed=0)[0].eval()
        outputs = generate(untrained, self.texts, config.nz, config.outputs_per_caption, NOISE_SEED)
        self.untrained_precision = self.manifold.precision(self.extractor.features(outputs.flatten(0, 1)))
        self.bins = NDBBins(images.train_x.cpu().numpy(), config.ndb_bins, seed=0, alpha=config.ndb_alpha)
        near = nearest_captions(data.test_embeddings[:, 0].cpu(), self.texts.cpu(), config.plausible_k)
        plausible = images.test_x.cpu()[near]  # [N, k, C, H, W]
        pairs = [(i, j) for i in range(config.plausible_k) for j in range(i + 1, config.plausible_k)]
        self.real_diversity = float(
            np.mean([float(self.distance.distance(plausible[:, i], plausible[:, j]).mean()) for i, j in pairs])
        )

    def evaluate(self, generator: nn.Module, seed: int) -> tuple[dict, torch.Tensor]:
        outputs = generate(generator, self.texts, self.config.nz, self.config.outputs_per_caption, NOISE_SEED + seed)
        scores, features = spread_scores(outputs, self.extractor, self.real_features, self.bins, self.distance)
        scores[ACCURACY] = label_accuracy(self.classifier, outputs, self.labels)
        scores[PRECISION] = self.manifold.precision(features)
        return scores, outputs

    def protocol(self) -> dict:
        c, d = self.config, self.data
        return {
            "task": f"{d.name}: caption → image ({c.stages} stages, {c.image_size} px last)",
            "text": d.encoder,
            "generated": f"{c.outputs_per_caption} outputs for each of {len(self.texts)} held-out captions "
            f"(caption 0 of held-out images evenly spaced over the split; noise seed {NOISE_SEED}+seed)",
            "FID": f"all outputs against the {len(d.images.test_x)} held-out images, features of {self.extractor.name}",
            "LPIPS": f"{self.distance.name}; mean distance between consecutive outputs of the same caption",
            "NDB/JSD": f"k-means bins (K={c.ndb_bins}, seed 0) on the training images' pixels; two-proportion "
            f"z-test, alpha={c.ndb_alpha}; JSD in nats",
            "real diversity": f"for each evaluated caption, the {c.plausible_k} held-out images whose caption "
            "embeddings are nearest (L2): their mean pairwise LPIPS distance",
            "precision": "share of the outputs inside the training images' feature manifold (Kynkäänniemi et al. "
            f"2019: k-NN balls, k = 5, the extractor's features): real held-out images {self.real_precision:.3f}, "
            f"an untrained generator {self.untrained_precision:.3f}",
            "caption class accuracy": f"top-1 of {self.classifier.name} (held-out top-1 "
            f"{self.classifier.held_out_accuracy:.3f}) on the outputs against the class of the caption's image",
            "extractor": self.extractor.describe(),
            "comparable_to_paper": d.name == "cub200" and c.extractor == "inception-v3-fid",
        }


@dataclass
class TableRun(TableRunBase):
    captions: list[str] | None  # the shown captions
    real_diversity: float
    protocol: dict
    num_classes: int  # the captions' classes (the regime check's chance level)
    real_precision: float | None = None  # precision of the real held-out images
    untrained_precision: float | None = None  # … and of an untrained generator's outputs


def run_table(
    config: MSGANStackGANConfig, data: TextData, device: torch.device, progress: bool = True, shown: int = 4
) -> TableRun:
    """Train every (method, seed), evaluate each, keep histories and example rows."""
    start = time.perf_counter()
    evaluator = Evaluator(config, data, device)
    shown_index = evenly_spaced(len(evaluator.texts), shown)  # captions of different classes

    def evaluate(run: TrainedRun, seed: int) -> tuple[dict, torch.Tensor]:
        scores, outputs = evaluator.evaluate(run.generator, seed)
        return scores, outputs[:, shown_index]

    runs = train_and_evaluate(train_run, evaluate, config, data, device, METHODS, progress)
    runs.wall_time_s = time.perf_counter() - start  # with the evaluator's reference features
    captions = [evaluator.captions[i] for i in shown_index.tolist()] if evaluator.captions else None
    return TableRun(
        config,
        runs,
        captions,
        evaluator.real_diversity,
        evaluator.protocol(),
        data.images.num_classes,
        evaluator.real_precision,
        evaluator.untrained_precision,
    )


def result_rows(table: TableRun) -> list[dict]:
    seeds = table.config.seeds
    real = {REAL: {s: {DIVERSITY: table.real_diversity, PRECISION: table.real_precision} for s in seeds}}
    rows = seed_rows(table.metrics, METHODS, METRICS + (ACCURACY, PRECISION), seeds)
    return rows + seed_rows(real, [REAL], [DIVERSITY, PRECISION], seeds)


def details(table: TableRun) -> dict:
    return {"config": asdict(table.config)}


def verdicts(table: TableRun) -> list[dict]:
    """MSGAN's claim on this task, seed-paired: LPIPS diversity higher, NDB and JSD lower, FID not worse, and
    (quality is also following the text) caption class accuracy not lower."""
    m, seeds, margin = table.metrics, table.config.seeds, table.config.fid_non_inferiority
    kept_margin = table.config.caption_non_inferiority
    parts = [
        compare_methods(m, seeds, DIVERSITY, BASELINE, MODE_SEEKING, "higher"),
        compare_methods(m, seeds, "NDB", BASELINE, MODE_SEEKING, "lower"),
        compare_methods(m, seeds, "JSD", BASELINE, MODE_SEEKING, "lower"),
        compare_methods(m, seeds, "FID", BASELINE, MODE_SEEKING, "not worse", margin),
        compare_methods(m, seeds, ACCURACY, BASELINE, MODE_SEEKING, "not lower", kept_margin),
    ]
    rule = (
        "seed-paired t tests of (StackGAN++ + MS) − StackGAN++: LPIPS diversity holds if the 95% interval is above 0, "
        "NDB and JSD if it is below 0; FID, on the log scale, holds if the 90% interval of the log ratio lies below "
        f"log(1 + {margin:.0%}); caption class accuracy holds if the 90% interval of the difference lies above "
        f"−{kept_margin:.0%} of StackGAN++'s mean; Holm within the claim; all parts hold → holds, any part does not "
        "hold → does not hold, else inconclusive"
    )
    claim = (
        "mode seeking makes StackGAN++'s images for one caption more diverse (LPIPS up, NDB and JSD down) without "
        "hurting FID or how well they follow the caption"
    )
    return [claim_verdict(claim, rule, parts)]


def regime_checks(table: TableRun, verdict: dict | None = None) -> list[regime.RegimeCheck]:
    """The claim's preconditions, on the baseline (issue #29): (a) StackGAN++'s images are data: their precision
    is at least halfway from an untrained generator's to the real held-out images'; (b) they follow the text:
    the evaluator's top-1 against the caption's class ≥ the halfway rule, on every seed; (c) StackGAN++ is less
    diverse than the data for one caption. Mode seeking's own caption class accuracy is evidence (a part of
    the claim), not a precondition."""
    seeds = table.config.seeds
    precision = {BASELINE: [table.metrics[BASELINE][s][PRECISION] for s in seeds]}
    data_gate = regime.outputs_are_data(precision, table.untrained_precision, table.real_precision)
    follows = regime.uses_labels(
        {BASELINE: [table.metrics[BASELINE][s][ACCURACY] for s in seeds]},
        table.num_classes,
        name=f"the baseline ({BASELINE}) follows the caption's class",
        failed=f"the baseline ({BASELINE}) does not follow the caption's class",
    )
    baseline = [table.metrics[BASELINE][s][DIVERSITY] for s in seeds]
    return [data_gate, follows, regime.less_diverse_than_data(BASELINE, baseline, table.real_diversity, DIVERSITY)]


def setup_line(config: MSGANStackGANConfig, data: TextData) -> str:
    images = f"{len(data.images.train_x)} training images / {len(data.images.test_x)} held-out"
    captions = f"{data.train_embeddings.shape[1]} captions each, {data.train_embeddings.shape[2]}-d embeddings"
    stages = f"{config.stages} stages up to {config.image_size} px"
    return f"data: `{data.name}` ({images}, {captions} from {data.encoder}); {stages}; {budget_line(config)}"


NOTEBOOK = TableNotebook(TABLE_ID, PARAMETERS, load_data, setup_line)
