"""MSGAN Table 1: conditional DCGAN with and without the mode-seeking term, same seeds and steps.

Training follows the official DCGAN-Mode-Seeking code: every step draws one real batch (x, c) and
two latent batches z1, z2 for the same labels; D is updated on the real batch against both fake
batches, then G on both fakes, plus λ_ms · L_ms. The baseline is the identical loop with λ_ms = 0.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import numpy as np
import torch

from replication.claims import regime
from replication.claims.stats import compare_methods
from replication.configs.msgan import MSGANTable1Config
from replication.configs.parameters import resolve_extractor
from replication.core import distributed
from replication.core.speed import BASELINE, Speed, adam, autocast, fast_settings, prepare
from replication.data.images import BatchSampler, ImageData, load_dataset
from replication.experiments.sampling import generate_per_class
from replication.losses.gan import bce_discriminator_loss, bce_generator_loss
from replication.losses.msgan import mode_seeking_loss, mode_seeking_ratio, mode_seeking_weight
from replication.metrics.diversity import L1_PROTOCOL, same_class_l1_diversity
from replication.metrics.features import (
    ClassifierConfig,
    ClassifierExtractor,
    FeatureExtractor,
    cached_features,
    get_extractor,
)
from replication.metrics.fid import frechet_distance, per_class_frechet_distance
from replication.metrics.label_accuracy import label_accuracy
from replication.metrics.manifold import RealManifold
from replication.metrics.ndb import NDBBins
from replication.nets.dcgan import CondDiscriminator32, CondGenerator32
from replication.run.experiment import (
    TableNotebook,
    TableRunBase,
    TrainedRun,
    budget_line,
    claim_verdict,
    images_line,
    train_and_evaluate,
)
from replication.run.results import seed_rows
from replication.run.train import seed_everything, train_method

IMAGE_SIZE = 32  # the nets' resolution: other data sets (digits' 8×8, an image folder) are resized to it
TABLE_ID = "msgan_table1"
METHODS = ("DCGAN", "MSGAN")
DIVERSITY = "same-class L1 diversity"  # the regime check's measure (replication.metrics.diversity)
METRICS = ("FID", "NDB", "JSD", "FID (pooled)", "NDB (pooled)", "JSD (pooled)", DIVERSITY)
PRECISION = "precision"  # share of samples inside the real training split's feature manifold (the data gate)
LABELS = "label accuracy"  # the classifier's top-1 on samples against their label (classifier evaluators only)
REAL = "real data (training split)"
PARAMETERS = (
    "profile",
    "seeds",
    "dataset",
    "steps",
    "quick",
    "extractor",
    "device",
    "fast",
    "progress",
    "gpus_per_run",
)
DIVERSITY_PAIRS, DIVERSITY_SEED = 1000, 0  # random same-class pairs per class, and their seed


def load_data(config: MSGANTable1Config) -> ImageData:
    """The table's labelled images (at least two classes), resized to the nets' `IMAGE_SIZE`."""
    return load_dataset(config.dataset, image_size=IMAGE_SIZE, min_classes=2, table=TABLE_ID)


def lambda_ms_for(method: str, config: MSGANTable1Config) -> float:
    return mode_seeking_weight(method, METHODS, config.lambda_ms)


def build_models(config: MSGANTable1Config, data: ImageData, device: torch.device, seed: int, speed: Speed = BASELINE):
    """G, D and their Adam optimisers (official lr, betas and weight decay), seeded."""
    seed_everything(seed)
    channels = data.image_shape[0]
    generator = CondGenerator32(config.nz, data.num_classes, config.width, channels).to(device)
    discriminator = CondDiscriminator32(data.num_classes, config.width, channels).to(device)
    if speed.channels_last:
        generator, discriminator = (m.to(memory_format=torch.channels_last) for m in (generator, discriminator))
    hyper = dict(lr=config.lr, betas=(config.beta1, config.beta2), weight_decay=config.weight_decay)
    return (
        generator,
        discriminator,
        adam(generator.parameters(), speed, **hyper),
        adam(discriminator.parameters(), speed, **hyper),
    )


def make_step(generator, discriminator, opt_g, opt_d, sampler, nz: int, lambda_ms: float, speed: Speed = BASELINE):
    """One MSGAN iteration (official order: D on both fakes, then G on both fakes + λ_ms·L_ms).

    Forward passes run under `speed`'s autocast (bf16 on GPU in fast mode); backward passes outside it.
    """

    def step(_: int) -> dict[str, torch.Tensor]:
        real, labels = sampler()
        z1 = torch.randn(len(real), nz, device=real.device)
        z2 = torch.randn(len(real), nz, device=real.device)
        with autocast(speed, real.device):
            fake1, fake2 = generator(torch.cat([z1, z2]), torch.cat([labels, labels])).chunk(2)
            real_logits = discriminator(real, labels)
            d_loss = bce_discriminator_loss(real_logits, discriminator(fake1.detach(), labels))
            d_loss = d_loss + bce_discriminator_loss(real_logits, discriminator(fake2.detach(), labels))
        opt_d.zero_grad(set_to_none=True)
        d_loss.backward()
        opt_d.step()

        with autocast(speed, real.device):
            g_gan = bce_generator_loss(discriminator(fake1, labels)) + bce_generator_loss(discriminator(fake2, labels))
            ms_loss = mode_seeking_loss(fake1.float(), fake2.float(), z1, z2)
            g_loss = g_gan + lambda_ms * ms_loss if lambda_ms else g_gan
        opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        opt_g.step()
        with torch.no_grad():
            ratio = mode_seeking_ratio(fake1.float(), fake2.float(), z1, z2)
        return {"d_loss": d_loss, "g_gan": g_gan, "ms_loss": ms_loss, "ms_ratio": ratio}

    return step


def train_run(
    config: MSGANTable1Config, data: ImageData, method: str, seed: int, device: torch.device, progress: bool = True
) -> TrainedRun:
    """Train (or resume, or load the finished) run of `method` at `seed`."""
    lambda_ms = lambda_ms_for(method, config)
    speed = fast_settings(device, config.compile) if config.fast else BASELINE
    generator, discriminator, opt_g, opt_d = build_models(config, data, device, seed, speed)
    run_config = {**config.training_config(), "lambda_ms": lambda_ms}
    if speed != BASELINE:
        run_config["speed"] = speed.as_dict()
    # under torchrun: DDP-wrapped nets, the global batch split over ranks (L_ms is per-rank batch);
    # torch.compile wraps the nets used for the step, checkpoints keep the plain modules
    g_train, d_train = (prepare(distributed.wrap(m, device), speed) for m in (generator, discriminator))
    sampler = BatchSampler(data.train_x, data.train_y, distributed.shard_batch_size(config.batch_size))
    step = make_step(g_train, d_train, opt_g, opt_d, sampler, config.nz, lambda_ms, speed)
    result = train_method(
        TABLE_ID,
        run_config,
        method,
        seed,
        {"G": generator, "D": discriminator},
        {"G": opt_g, "D": opt_d},
        step,
        config,
        device,
        progress,
    )
    return TrainedRun(method, seed, {"G": generator.eval()}, result)


class Evaluator:
    """The fixed reference for Table 1: NDB bins and real features, computed once per notebook.

    Reference = the real *training* split (per class and pooled); NDB on flattened pixels.
    """

    def __init__(self, config: MSGANTable1Config, data: ImageData, device: torch.device):
        self.config, self.data = config, data
        classifier = ClassifierConfig(steps=config.classifier_steps)
        self.extractor: FeatureExtractor = get_extractor(
            resolve_extractor(config.extractor, data.name), data, device, classifier
        )
        self.real_features = cached_features(self.extractor, data, "train")
        pixels = data.train_x.cpu().numpy()
        labels = data.train_y.cpu().numpy()
        self.class_bins = {
            c: NDBBins(pixels[labels == c], config.ndb_bins_per_class, seed=0, alpha=config.ndb_alpha)
            for c in range(data.num_classes)
        }
        self.pooled_bins = NDBBins(pixels, config.ndb_bins_pooled, seed=0, alpha=config.ndb_alpha)
        # the data's own same-class diversity: the level below which the baseline counts as collapsed
        self.real_diversity = same_class_l1_diversity(data.train_x, data.train_y, DIVERSITY_PAIRS, DIVERSITY_SEED)
        # the "outputs are data" gate: precision on the training split's manifold, on its scale from an untrained
        # G's samples to the held-out images; "follow their label" needs a classifier evaluator
        self.manifold = RealManifold(self.real_features)
        self.real_precision = self.manifold.precision(cached_features(self.extractor, data, "test"))
        untrained = build_models(config, data, device, seed=0)[0]
        images, _ = generate_per_class(untrained, min(config.samples_per_class, 100), 10_000, device)
        self.untrained_precision = self.manifold.precision(self.extractor.features(images))
        self.classifier = self.extractor if isinstance(self.extractor, ClassifierExtractor) else None

    def protocol(self) -> dict:
        c = self.config
        return {
            "reference": f"real training split of {self.data.name} ({len(self.data.train_x)} images)",
            "generated": f"{c.samples_per_class} per class ({c.samples_per_class * self.data.num_classes} in all), generator seed 10000+seed",
            "FID": "per-class (intra-class) FID averaged over classes; 'FID (pooled)' over all classes",
            "NDB/JSD": (
                f"k-means bins on flattened training pixels, K={c.ndb_bins_per_class} per class "
                f"(mean over classes) and K={c.ndb_bins_pooled} pooled; two-proportion z-test, alpha={c.ndb_alpha}; "
                "JSD in nats; k-means seed 0"
            ),
            "extractor": self.extractor.describe(),
            "diversity": L1_PROTOCOL.format(pairs=DIVERSITY_PAIRS, seed=DIVERSITY_SEED)
            + f"; real value from the training split ({len(self.data.train_x)} images)",
            "precision": "share of the samples inside the training split's feature manifold (Kynkäänniemi et al. "
            f"2019: k-NN balls, k = 5, the extractor's features): held-out images {self.real_precision:.3f}, an "
            f"untrained generator {self.untrained_precision:.3f}",
            **(
                {"label accuracy": f"top-1 of {self.classifier.name} on the samples against their label"}
                if self.classifier is not None
                else {}
            ),
        }

    def evaluate(self, images: torch.Tensor, labels: torch.Tensor) -> dict:
        """All Table 1 metrics for one set of generated samples (+ per-class breakdown)."""
        fake_features = self.extractor.features(images)
        per_class_fid = per_class_frechet_distance(self.real_features, self.data.train_y.cpu(), fake_features, labels)
        pixels = images.numpy()
        per_class = {c: bins.evaluate(pixels[labels.numpy() == c]) for c, bins in self.class_bins.items()}
        pooled = self.pooled_bins.evaluate(pixels)
        diversity, diversity_per_class = same_class_l1_diversity(images, labels, DIVERSITY_PAIRS, DIVERSITY_SEED)
        gates = {PRECISION: self.manifold.precision(fake_features)}
        if self.classifier is not None:
            gates[LABELS] = label_accuracy(self.classifier, images[None], labels)
        return {
            **gates,
            "FID": float(np.mean(list(per_class_fid.values()))),
            "NDB": float(np.mean([r.ndb for r in per_class.values()])),
            "JSD": float(np.mean([r.jsd for r in per_class.values()])),
            "FID (pooled)": frechet_distance(self.real_features, fake_features),
            "NDB (pooled)": float(pooled.ndb),
            "JSD (pooled)": pooled.jsd,
            DIVERSITY: diversity,
            "per_class": {
                str(c): {
                    "FID": per_class_fid[c],
                    "NDB": per_class[c].ndb,
                    "JSD": per_class[c].jsd,
                    DIVERSITY: diversity_per_class[c],
                }
                for c in per_class
            },
        }


@dataclass
class TableRun(TableRunBase):
    """Everything the notebook shows: the runs (metrics, loss histories, and as `shown` each method's
    samples of the first seed, class-major), the protocol, and the real data's diversity."""

    protocol: dict
    # the real training split's same-class diversity: (mean over classes, {class: value})
    real_diversity: tuple[float, dict[int, float]]
    real_precision: float | None = None  # the held-out images' precision (the data gate's top)
    untrained_precision: float | None = None  # an untrained generator's (its bottom)
    num_classes: int = 10


def run_table(
    config: MSGANTable1Config, data: ImageData, device: torch.device, progress: bool = True, grid_per_class: int = 8
) -> TableRun:
    """Train every (method, seed), evaluate each on samples drawn per class, keep the first seed's grids."""
    start = time.perf_counter()
    evaluator = Evaluator(config, data, device)

    def evaluate(run: TrainedRun, seed: int) -> tuple[dict, torch.Tensor]:
        images, labels = generate_per_class(run.generator, config.samples_per_class, 10_000 + seed, device)
        metrics = evaluator.evaluate(images, labels)
        grid = images.view(data.num_classes, config.samples_per_class, *images.shape[1:])[:, :grid_per_class]
        return metrics, grid.reshape(-1, *images.shape[1:])

    runs = train_and_evaluate(train_run, evaluate, config, data, device, METHODS, progress)
    runs.wall_time_s = time.perf_counter() - start  # with the evaluator's reference features
    return TableRun(
        config,
        runs,
        evaluator.protocol(),
        evaluator.real_diversity,
        evaluator.real_precision,
        evaluator.untrained_precision,
        data.num_classes,
    )


def result_rows(table: TableRun) -> list[dict]:
    """One row per (method, metric), and the real data's same-class diversity (the same value at every seed)."""
    seeds = table.config.seeds
    gates = tuple(name for name in (PRECISION, LABELS) if name in table.metrics["DCGAN"][seeds[0]])
    real = {REAL: {s: {DIVERSITY: table.real_diversity[0]} for s in seeds}}
    if PRECISION in gates:
        for s in seeds:
            real[REAL][s][PRECISION] = table.real_precision
    real_metrics = [DIVERSITY, *gates[:1]]
    return seed_rows(table.metrics, METHODS, METRICS + gates, seeds) + seed_rows(real, [REAL], real_metrics, seeds)


def verdicts(table: TableRun) -> list[dict]:
    """The paper's claim, tested seed-paired: NDB lower, JSD lower, FID not worse (margin δ)."""
    m, seeds = table.metrics, table.config.seeds
    parts = [
        compare_methods(m, seeds, "NDB", "DCGAN", "MSGAN", "lower"),
        compare_methods(m, seeds, "JSD", "DCGAN", "MSGAN", "lower"),
        compare_methods(m, seeds, "FID", "DCGAN", "MSGAN", "not worse", table.config.fid_non_inferiority),
    ]
    rule = (
        "seed-paired t tests of MSGAN − DCGAN: NDB and JSD hold if the 95% interval is below 0; FID, on the log scale, "
        f"holds if the 90% interval of log(MSGAN/DCGAN) lies below log(1 + {table.config.fid_non_inferiority:.0%}), "
        "does not hold if it lies above; Holm within the claim; all parts hold → holds, any part does not hold → does "
        "not hold, else inconclusive"
    )
    return [claim_verdict("mode seeking lowers NDB and JSD without hurting FID", rule, parts)]


def details(table: TableRun) -> dict:
    return {"per_class": per_class_details(table), "config": asdict(table.config)}


def per_class_details(table: TableRun) -> dict:
    """method → class → metric → per-seed values (for the expandable per-class table)."""
    out: dict = {}
    for method in METHODS:
        for _seed, metrics in table.metrics[method].items():
            for c, values in metrics["per_class"].items():
                for metric, value in values.items():
                    out.setdefault(method, {}).setdefault(c, {}).setdefault(metric, []).append(value)
    for c, value in table.real_diversity[1].items():
        out.setdefault(REAL, {})[str(c)] = {DIVERSITY: [value]}
    return out


def regime_checks(table: TableRun, verdict: dict | None = None) -> list[regime.RegimeCheck]:
    """A working baseline that collapses (issue #29). (1) DCGAN's samples are data: their precision is at least
    halfway from an untrained generator's to the held-out images'; (2) with a classifier evaluator, they follow
    their label (top-1 ≥ halfway from chance to 1); both on every seed. (3) Mode seeking is a cure for
    collapse: DCGAN is less diverse than the real data by same-class pixel L1 diversity, seed-paired against
    the real value. MSGAN's own precision and label accuracy are in the table, as evidence."""
    seeds = table.config.seeds
    checks = []
    if all(PRECISION in table.metrics["DCGAN"][s] for s in seeds):
        precision = {"DCGAN": [table.metrics["DCGAN"][s][PRECISION] for s in seeds]}
        checks.append(regime.outputs_are_data(precision, table.untrained_precision, table.real_precision))
    if all(LABELS in table.metrics["DCGAN"][s] for s in seeds):
        accuracy = {"DCGAN": [table.metrics["DCGAN"][s][LABELS] for s in seeds]}
        name, failed = "the baseline's samples follow their label", "DCGAN ignores its labels"
        checks.append(regime.uses_labels(accuracy, table.num_classes, name, failed))
    dcgan = [table.metrics["DCGAN"][s][DIVERSITY] for s in seeds]
    return [*checks, regime.less_diverse_than_data("DCGAN", dcgan, table.real_diversity[0], DIVERSITY)]


def setup_line(config: MSGANTable1Config, data: ImageData) -> str:
    return f"{images_line(data)}; {budget_line(config)}"


NOTEBOOK = TableNotebook(TABLE_ID, PARAMETERS, load_data, setup_line)
