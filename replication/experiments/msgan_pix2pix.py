"""MSGAN, paired image-to-image translation: Pix2Pix with and without the mode-seeking term.

Training follows the official Pix2Pix-Mode-Seeking code (HelenMao/MSGAN, `pix2pix_model.py`): every
step takes a batch of pairs (A, B) and two noise batches z1, z2 for the same inputs A;

    G first:  λ_GAN·[LS(D(A, G(A, z1)), 1) + LS(D(A, G(A, z2)), 1)] + λ_L1·|G(A, z1) − B|₁ + λ_ms·L_ms
    then D:   2·LS(D(A, B), 1) + LS(D(A, G(A, z1)), 0) + LS(D(A, G(A, z2)), 0)

with LS the least-squares GAN loss summed over the discriminators (two PatchGANs, full and half
resolution) and L_ms = 1 / (mean|G(A,z2) − G(A,z1)| / mean|z2 − z1| + 1e-5) (replication/losses/msgan.py).
The baseline is the identical loop with λ_ms = 0. The learning rate is constant, then falls linearly
to 0 from `decay_from` to the last step (the official 100 + 100 epochs).

Evaluation, per seed: `outputs_per_input` outputs for each of `eval_inputs` held-out inputs (noise
from a fixed generator seed): FID against the held-out targets, NDB/JSD in k-means bins of the
training targets' pixels, and LPIPS diversity (mean perceptual distance between outputs for the
same input). The regime check compares the baseline's diversity with the data's own: for each
input, the held-out targets whose inputs are nearest (`image_pairs.plausible_targets`).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace

import numpy as np
import torch
import torch.nn as nn

from replication.claims import regime
from replication.claims.stats import compare_methods
from replication.configs.msgan import MSGANPix2PixConfig
from replication.core import parallel
from replication.data.image_pairs import PairedData, load_paired, plausible_targets
from replication.data.images import BatchSampler
from replication.experiments.sampling import evenly_spaced
from replication.experiments.translation import DIVERSITY, SPREAD_METRICS, named_extractor, spread_scores
from replication.losses.msgan import mode_seeking_loss, mode_seeking_ratio, mode_seeking_weight
from replication.metrics.features import ClassifierConfig
from replication.metrics.label_accuracy import label_accuracy
from replication.metrics.lpips import perceptual_distance
from replication.metrics.manifold import RealManifold
from replication.metrics.ndb import NDBBins
from replication.nets.pix2pix import MultiScaleDiscriminator, UNetGenerator
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

TABLE_ID = "msgan_pix2pix"
BASELINE, MODE_SEEKING = "Pix2Pix", "Pix2Pix + MS"
METHODS = (BASELINE, MODE_SEEKING)
METRICS = SPREAD_METRICS
CONTENT = "content kept"  # evaluator top-1 on the outputs = the input's class (sets with classes only)
PRECISION = "precision"  # share of outputs inside the real digits' feature manifold (sets with classes only)
CONTENT_CLASSES = 10  # the offline set's classes (digits)
REAL = "real data (plausible targets)"
PARAMETERS = ("profile", "seeds", "dataset", "steps", "quick", "device", "progress")  # its notebook's parameters cell
NOISE_SEED = 10_000  # + seed: the noise of the evaluated outputs


def load_data(config: MSGANPix2PixConfig) -> PairedData:
    """The table's paired images (input → target) at the config's size."""
    return load_paired(config.dataset, image_size=config.image_size)


def lambda_ms_for(method: str, config: MSGANPix2PixConfig) -> float:
    return mode_seeking_weight(method, METHODS, config.lambda_ms)


def least_squares(predictions: list[torch.Tensor], real: bool) -> torch.Tensor:
    """LSGAN: Σ over discriminators of mean (D − 1)² for real, mean D² for fake."""
    return sum(((p - 1.0) ** 2 if real else p**2).mean() for p in predictions)


def learning_rate(config: MSGANPix2PixConfig, step: int) -> float:
    """Constant, then linearly to 0: lr · min(1, (steps − step) / (steps − decay_from))."""
    if step < config.decay_from:
        return config.lr
    return config.lr * max(0.0, (config.steps - step) / max(1, config.steps - config.decay_from))


def build(config: MSGANPix2PixConfig, data: PairedData, device: torch.device, seed: int):
    """G (U-Net, z at every encoder layer or at the input only, instance norm), D (PatchGANs at `discriminators`
    scales, with spectral norm where the config asks), Adam."""
    seed_everything(seed)
    in_channels, out_channels = data.train_input.shape[1], data.train_target.shape[1]
    generator = UNetGenerator(
        in_channels, out_channels, config.nz, config.width, config.image_size, norm="instance", z_at=config.z_at
    ).to(device)
    discriminator = MultiScaleDiscriminator(
        in_channels + out_channels,
        config.width,
        config.image_size,
        config.discriminators,
        spectral_norm=config.d_spectral_norm,
    ).to(device)
    betas = (config.beta1, config.beta2)
    return (
        generator,
        discriminator,
        torch.optim.Adam(generator.parameters(), lr=config.lr, betas=betas),
        torch.optim.Adam(discriminator.parameters(), lr=config.lr, betas=betas),
    )


def make_step(config: MSGANPix2PixConfig, generator, discriminator, opt_g, opt_d, sampler, lambda_ms: float):
    """One Pix2Pix(+MS) iteration in the official order: G (with D frozen), then D."""

    def step(index: int) -> dict[str, torch.Tensor]:
        for optimizer in (opt_g, opt_d):
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(config, index)
        source, target = sampler()
        z1 = torch.randn(len(source), config.nz, device=source.device)
        z2 = torch.randn(len(source), config.nz, device=source.device)
        fake1, fake2 = generator(torch.cat([source, source]), torch.cat([z1, z2])).chunk(2)

        discriminator.requires_grad_(False)
        g_gan = least_squares(discriminator(torch.cat([source, fake1], 1)), True)
        g_gan = g_gan + least_squares(discriminator(torch.cat([source, fake2], 1)), True)
        l1 = (fake1 - target).abs().mean()
        ms_loss = mode_seeking_loss(fake1, fake2, z1, z2)
        g_loss = config.lambda_gan * g_gan + config.lambda_l1 * l1
        if lambda_ms:
            g_loss = g_loss + lambda_ms * ms_loss
        opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        opt_g.step()

        discriminator.requires_grad_(True)
        d_loss = 2 * least_squares(discriminator(torch.cat([source, target], 1)), True)
        d_loss = d_loss + least_squares(discriminator(torch.cat([source, fake1.detach()], 1)), False)
        d_loss = d_loss + least_squares(discriminator(torch.cat([source, fake2.detach()], 1)), False)
        opt_d.zero_grad(set_to_none=True)
        d_loss.backward()
        opt_d.step()
        with torch.no_grad():
            ratio = mode_seeking_ratio(fake1, fake2, z1, z2)
        return {"d_loss": d_loss, "g_gan": g_gan, "l1": l1, "ms_ratio": ratio}

    return step


def train_run(
    config: MSGANPix2PixConfig, data: PairedData, method: str, seed: int, device: torch.device, progress: bool = True
) -> TrainedRun:
    """Train (or resume, or load the finished) run of `method` at `seed`."""
    lambda_ms = lambda_ms_for(method, config)
    generator, discriminator, opt_g, opt_d = build(config, data, device, seed)
    run_config = {**config.training_config(), "lambda_ms": lambda_ms}
    sampler = BatchSampler(data.train_input, data.train_target, config.batch_size)
    step = make_step(config, generator, discriminator, opt_g, opt_d, sampler, lambda_ms)
    nets, optimizers = {"G": generator, "D": discriminator}, {"G": opt_g, "D": opt_d}
    result = train_method(TABLE_ID, run_config, method, seed, nets, optimizers, step, config, device, progress)
    return TrainedRun(method, seed, {"G": generator.eval()}, result)


@torch.no_grad()
def translate(generator: nn.Module, inputs: torch.Tensor, nz: int, outputs: int, seed: int) -> torch.Tensor:
    """[outputs, N, C, H, W]: `outputs` translations of every input, each with its own noise (fixed seed)."""
    noise = torch.Generator().manual_seed(seed)
    results = []
    for _ in range(outputs):
        z = torch.randn(len(inputs), nz, generator=noise).to(inputs.device)
        results.append(torch.cat([generator(x, zz) for x, zz in zip(inputs.split(100), z.split(100), strict=True)]))
    return torch.stack(results).cpu()


class Evaluator:
    """The fixed reference: real features of the held-out targets, NDB bins of the training targets,
    the perceptual distance, and the data's own same-input diversity."""

    def __init__(self, config: MSGANPix2PixConfig, data: PairedData, device: torch.device):
        self.config, self.data = config, data
        self.extractor = named_extractor(
            config.extractor, config.image_size, device, ClassifierConfig(steps=config.classifier_steps)
        )
        self.distance = perceptual_distance(self.extractor, device)
        self.index = evenly_spaced(len(data.test_input), config.eval_inputs)  # every class (mnist5k is class-sorted)
        self.inputs = data.test_input[self.index.to(data.test_input.device)]
        # the digits' classes, where the set has them and the evaluator is a classifier: does G keep the input's digit?
        has_classes = data.test_labels is not None and config.extractor.startswith("classifier:")
        self.input_labels = data.test_labels[self.index.to(data.test_labels.device)] if has_classes else None
        self.real_features = self.extractor.features(data.test_target)
        # the "outputs are data" gate: precision against the training targets' feature manifold, on its scale
        # from an untrained generator's outputs to the real held-out targets
        self.manifold = RealManifold(self.extractor.features(data.train_target))
        self.real_precision = self.manifold.precision(self.real_features)
        untrained = build(config, data, device, seed=0)[0].eval()
        outputs = translate(untrained, self.inputs, config.nz, config.outputs_per_input, NOISE_SEED)
        self.untrained_precision = self.manifold.precision(self.extractor.features(outputs.flatten(0, 1)))
        self.bins = NDBBins(data.train_target.cpu().numpy(), config.ndb_bins, seed=0, alpha=config.ndb_alpha)
        plausible = plausible_targets(data, config.plausible_k)[self.index]  # [N, k, C, H, W]
        self.real_diversity = float(
            np.mean(
                [
                    float(self.distance.distance(plausible[:, i], plausible[:, j]).mean())
                    for i in range(config.plausible_k)
                    for j in range(i + 1, config.plausible_k)
                ]
            )
        )

    def evaluate(self, generator: nn.Module, seed: int) -> tuple[dict, torch.Tensor]:
        outputs = translate(generator, self.inputs, self.config.nz, self.config.outputs_per_input, NOISE_SEED + seed)
        scores, features = spread_scores(outputs, self.extractor, self.real_features, self.bins, self.distance)
        scores[PRECISION] = self.manifold.precision(features)
        if self.input_labels is not None:
            scores[CONTENT] = label_accuracy(self.extractor, outputs, self.input_labels)
        return scores, outputs

    def protocol(self) -> dict:
        c, d = self.config, self.data
        return {
            "task": f"{d.name}: {d.direction}",
            "generated": f"{c.outputs_per_input} outputs for each of {len(self.inputs)} held-out inputs, evenly "
            f"spaced over the {len(d.test_input)} (noise seed {NOISE_SEED}+seed)",
            "FID": f"all outputs against the {len(d.test_target)} held-out targets, features of {self.extractor.name}",
            "LPIPS": f"{self.distance.name}; mean distance between consecutive outputs of the same input",
            "NDB/JSD": f"k-means bins (K={c.ndb_bins}, seed 0) on the training targets' pixels; two-proportion "
            f"z-test, alpha={c.ndb_alpha}; JSD in nats",
            "real diversity": f"for each evaluated input, the {c.plausible_k} held-out targets whose inputs are "
            "nearest (L1): their mean pairwise LPIPS distance, the data's own spread for one input",
            "precision": "share of the outputs inside the training targets' feature manifold (Kynkäänniemi "
            "et al. 2019: k-NN balls, k = 5, the extractor's features): real held-out targets "
            f"{self.real_precision:.3f}, an untrained generator {self.untrained_precision:.3f}",
            **(
                {"content kept": "the evaluator's top-1 on every output against the input's digit"}
                if self.input_labels is not None
                else {}
            ),
            "extractor": self.extractor.describe(),
            "comparable_to_paper": d.name in ("facades", "maps") and c.extractor == "inception-v3-fid",
        }


@dataclass
class TableRun(TableRunBase):
    inputs: torch.Tensor  # the shown inputs [n, C, H, W]
    real_diversity: float
    protocol: dict
    real_precision: float | None = None  # precision of the real held-out targets (sets with classes)
    untrained_precision: float | None = None  # … and of an untrained generator's outputs
    sensitivity: list[dict] = field(default_factory=list)  # λ_ms sensitivity rows at the first seed


def lambda_sensitivity(
    config: MSGANPix2PixConfig, data: PairedData, device: torch.device, evaluator: Evaluator, runs
) -> list[dict]:
    """Pix2Pix + MS at the first seed with λ_ms at each of `config.sensitivity_lambdas` beside the table's own
    runs (λ_ms = 0: the baseline; the config's λ_ms): where does mode seeking stop destroying content?"""
    seed = config.seeds[0]
    scaled = [replace(config, lambda_ms=lam) for lam in config.sensitivity_lambdas]
    parallel.train_runs(train_run, [(c, MODE_SEEKING, seed) for c in scaled], data, device)
    measured = {0.0: runs.metrics[BASELINE][seed], config.lambda_ms: runs.metrics[MODE_SEEKING][seed]}
    for c in scaled:
        measured[c.lambda_ms] = evaluator.evaluate(
            train_run(c, data, MODE_SEEKING, seed, device, False).generator, seed
        )[0]
    keys = (CONTENT, PRECISION, DIVERSITY, "FID")
    return [
        {"λ_ms": lam, **{k: scores[k] for k in keys if k in scores}, "seed": seed}
        for lam, scores in sorted(measured.items(), reverse=True)
    ]


def run_table(
    config: MSGANPix2PixConfig, data: PairedData, device: torch.device, progress: bool = True, shown: int = 6
) -> TableRun:
    """Train every (method, seed), evaluate each, keep histories and example rows."""
    start = time.perf_counter()
    evaluator = Evaluator(config, data, device)
    shown_index = evenly_spaced(len(evaluator.inputs), shown)  # inputs of different classes
    inputs = evaluator.inputs[shown_index.to(evaluator.inputs.device)].cpu()

    def evaluate(run: TrainedRun, seed: int) -> tuple[dict, torch.Tensor]:
        scores, outputs = evaluator.evaluate(run.generator, seed)
        return scores, outputs[:, shown_index]

    runs = train_and_evaluate(train_run, evaluate, config, data, device, METHODS, progress)
    sensitivity = lambda_sensitivity(config, data, device, evaluator, runs) if config.sensitivity_lambdas else []
    runs.wall_time_s = time.perf_counter() - start  # with the evaluator's reference features
    return TableRun(
        config,
        runs,
        inputs,
        evaluator.real_diversity,
        evaluator.protocol(),
        evaluator.real_precision,
        evaluator.untrained_precision,
        sensitivity,
    )


def result_rows(table: TableRun) -> list[dict]:
    seeds = table.config.seeds
    first = table.metrics[BASELINE][seeds[0]]
    gates = tuple(name for name in (CONTENT, PRECISION) if name in first)  # results before #29 lack them
    real = {REAL: {s: {DIVERSITY: table.real_diversity} for s in seeds}}
    real_metrics = [DIVERSITY]
    if PRECISION in first:
        for s in seeds:
            real[REAL][s][PRECISION] = table.real_precision
        real_metrics.append(PRECISION)
    return seed_rows(table.metrics, METHODS, METRICS + gates, seeds) + seed_rows(real, [REAL], real_metrics, seeds)


def details(table: TableRun) -> dict:
    return {"config": asdict(table.config), "lambda_sensitivity": table.sensitivity}


def verdicts(table: TableRun) -> list[dict]:
    """MSGAN's claim on this task, seed-paired: LPIPS diversity higher, NDB and JSD lower, FID not worse."""
    m, seeds, margin = table.metrics, table.config.seeds, table.config.fid_non_inferiority
    parts = [
        compare_methods(m, seeds, DIVERSITY, BASELINE, MODE_SEEKING, "higher"),
        compare_methods(m, seeds, "NDB", BASELINE, MODE_SEEKING, "lower"),
        compare_methods(m, seeds, "JSD", BASELINE, MODE_SEEKING, "lower"),
        compare_methods(m, seeds, "FID", BASELINE, MODE_SEEKING, "not worse", margin),
    ]
    content = ""
    if CONTENT in m[BASELINE][seeds[0]]:  # quality is also: the outputs still follow their input
        kept_margin = table.config.content_non_inferiority
        parts.append(compare_methods(m, seeds, CONTENT, BASELINE, MODE_SEEKING, "not lower", kept_margin))
        content = (
            f"; content kept holds if the 90% interval of the difference lies above −{kept_margin:.0%} of "
            "Pix2Pix's mean"
        )
    rule = (
        "seed-paired t tests of (Pix2Pix + MS) − Pix2Pix: LPIPS diversity holds if the 95% interval is above 0, NDB "
        "and JSD if it is below 0; FID, on the log scale, holds if the 90% interval of the log ratio lies below "
        f"log(1 + {margin:.0%}){content}; Holm within the claim; all parts hold → holds, any part does not hold → "
        "does not hold, else inconclusive"
    )
    claim = "mode seeking makes Pix2Pix's outputs more diverse (LPIPS up, NDB and JSD down) without hurting FID"
    if content:
        claim += " or their content"
    return [claim_verdict(claim, rule, parts)]


def regime_checks(table: TableRun, verdict: dict | None = None) -> list[regime.RegimeCheck]:
    """Three preconditions. (1) The baseline's outputs are data: their precision (share inside the training
    targets' feature manifold) is at least halfway from an untrained generator's to the real held-out
    targets'. (2) Where the inputs have classes (the offline digits), they keep the input's digit: it
    translates, rather than drawing blurs or any digit (issue #29: a baseline that fails either is no
    baseline to cure). (3) Mode seeking cures collapse: Pix2Pix's outputs for one input are less diverse than
    the real targets that fit such an input (seed-paired against the data's value). Mode seeking's own
    content and precision are evidence (content kept is the claim's quality part), not preconditions."""
    seeds = table.config.seeds
    checks = []
    if all(PRECISION in table.metrics[BASELINE][s] for s in seeds):
        precision = {BASELINE: [table.metrics[BASELINE][s][PRECISION] for s in seeds]}
        checks.append(regime.outputs_are_data(precision, table.untrained_precision, table.real_precision))
    if all(CONTENT in table.metrics[BASELINE][s] for s in seeds):
        kept = {BASELINE: [table.metrics[BASELINE][s][CONTENT] for s in seeds]}
        checks.append(regime.keeps_content(kept, CONTENT_CLASSES, "input → output"))
    baseline = [table.metrics[BASELINE][s][DIVERSITY] for s in seeds]
    return [*checks, regime.less_diverse_than_data(BASELINE, baseline, table.real_diversity, DIVERSITY)]


def setup_line(config: MSGANPix2PixConfig, data: PairedData) -> str:
    shapes = f"{tuple(data.train_input.shape[1:])} → {tuple(data.train_target.shape[1:])}"
    pairs = f"{len(data.train_input)} training pairs / {len(data.test_input)} held-out"
    return f"task: `{data.name}` ({pairs}, {shapes}); {budget_line(config)}"


NOTEBOOK = TableNotebook(TABLE_ID, PARAMETERS, load_data, setup_line)
