"""CVAE-GAN Table 1 and its applications: four methods under one budget, evaluated by a classifier
that only ever saw real training images.

Methods (one ablation ladder, same nets and steps):
- CVAE:     E + G, λ1·L_KL + λ2·½‖x − x'‖² (no discriminator, no classifier);
- CGAN:     G + D + C, G trained with the cross-entropy of D and C on prior samples (symmetric loss);
- FM-CGAN:  G + D + C, G trained with mean feature matching λ3·L_GD + λ4·L_GC (asymmetric loss);
- CVAE-GAN: E + G + D + C, Algorithm 1: λ1·L_KL + λ2·L_G + λ3·L_GD + λ4·L_GC.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace

import torch
import torch.nn.functional as F

from replication.claims import regime
from replication.claims.stats import compare_methods, summarise
from replication.configs.cvae_gan import CVAEGANConfig
from replication.core import parallel
from replication.data.images import BatchSampler, ImageData, load_dataset
from replication.losses import cvae_gan as L
from replication.losses.gan import bce_generator_loss
from replication.metrics.features import ClassifierConfig, ClassifierExtractor, get_extractor
from replication.metrics.inception_score import inception_score
from replication.nets.cvae_gan import (
    CondGenerator32,
    Encoder32,
    FeatureClassifier32,
    FeatureDiscriminator32,
    reparameterise,
)
from replication.run.experiment import TableNotebook, TableRunBase, budget_line, claim_verdict, train_and_evaluate
from replication.run.results import seed_rows
from replication.run.train import TrainResult, seed_everything, train_method

TABLE_ID = "cvae_gan_table1"
METHODS = ("CVAE", "CGAN", "FM-CGAN", "CVAE-GAN")
REAL = "real data"
PARAMETERS = ("profile", "seeds", "dataset", "steps", "quick", "device", "progress")  # its notebook's parameters cell
METRICS = ("top-1", "realism")
ENCODER_METHODS = ("CVAE", "CVAE-GAN")  # the methods whose decoder the label swap tests (regime check)
SWAP_IMAGES = 1000  # held-out images encoded for the label-swap test


def load_data(config: CVAEGANConfig) -> ImageData:
    """The table's labelled images (at least two classes) at the config's size."""
    return load_dataset(config.dataset, image_size=config.image_size, min_classes=2, table=TABLE_ID)


@dataclass
class Models:
    generator: CondGenerator32
    encoder: Encoder32 | None
    discriminator: FeatureDiscriminator32 | None
    classifier: FeatureClassifier32 | None

    def as_dict(self) -> dict[str, torch.nn.Module]:
        named = {"G": self.generator, "E": self.encoder, "D": self.discriminator, "C": self.classifier}
        return {k: v for k, v in named.items() if v is not None}


def build_models(config: CVAEGANConfig, data: ImageData, method: str, device: torch.device, seed: int) -> Models:
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}. Valid methods: {', '.join(METHODS)}.")
    seed_everything(seed)
    channels, k, size = data.image_shape[0], data.num_classes, data.image_shape[-1]
    generator = CondGenerator32(config.nz, k, config.width, channels, size).to(device)
    with_encoder = method in ("CVAE", "CVAE-GAN")
    encoder = Encoder32(config.nz, k, config.width, channels, size).to(device) if with_encoder else None
    adversarial = method != "CVAE"
    discriminator = FeatureDiscriminator32(config.width, channels, image_size=size).to(device) if adversarial else None
    classifier = FeatureClassifier32(k, config.width, channels, size).to(device) if adversarial else None
    return Models(generator, encoder, discriminator, classifier)


def make_step(
    models: Models, optimizers: dict, sampler: BatchSampler, config: CVAEGANConfig, method: str, num_classes: int
):
    """One iteration of `method` (update order C, D, then G and E as in Algorithm 1)."""
    G, E, D, C = models.generator, models.encoder, models.discriminator, models.classifier
    centres = (
        L.ClassFeatureCentres(num_classes, C.trunk.out_features, config.centre_rate, next(G.parameters()).device)
        if C
        else None
    )

    def step(_: int) -> dict[str, torch.Tensor]:
        x, c = sampler()
        logs: dict[str, torch.Tensor] = {}
        z_p = torch.randn(len(x), config.nz, device=x.device)
        x_p = G(z_p, c)
        x_rec = None
        if E is not None:
            mu, logvar = E(x, c)
            x_rec = G(reparameterise(mu, logvar), c)
        if C is not None:  # C: cross-entropy on real images
            logits_real, _ = C(x)
            loss_c = L.classifier_loss(logits_real, c)["L_C"]
            optimizers["C"].zero_grad(set_to_none=True)
            loss_c.backward()
            optimizers["C"].step()
            logs["L_C"] = loss_c
        if D is not None:  # D: real → 1; prior samples (and reconstructions) → 0
            real_logit, _ = D(x)
            prior_logit, _ = D(x_p.detach())
            rec_logit = D(x_rec.detach())[0] if x_rec is not None else None
            if rec_logit is None:
                loss_d = F.binary_cross_entropy_with_logits(real_logit, torch.ones_like(real_logit))
                loss_d = loss_d + F.binary_cross_entropy_with_logits(prior_logit, torch.zeros_like(prior_logit))
            else:
                loss_d = L.discriminator_loss(real_logit, rec_logit, prior_logit)["L_D"]
            optimizers["D"].zero_grad(set_to_none=True)
            loss_d.backward()
            optimizers["D"].step()
            logs["L_D"] = loss_d

        total = torch.zeros((), device=x.device)
        if method == "CVAE":
            logs["L_KL"] = L.kl_divergence(mu, logvar, config.reduction)
            logs["rec_pixel"] = L.half_squared_distance(x, x_rec, config.reduction)
            total = config.lambda_kl * logs["L_KL"] + config.lambda_rec * logs["rec_pixel"]
        elif method == "CGAN":  # symmetric: G maximises log D(x_p) + log C(c | x_p)
            prior_logit, _ = D(x_p)
            logits_p, _ = C(x_p)
            logs["G_adv"] = bce_generator_loss(prior_logit)
            logs["G_cls"] = F.cross_entropy(logits_p, c)
            total = logs["G_adv"] + logs["G_cls"]
        else:  # FM-CGAN and CVAE-GAN: asymmetric mean feature matching through D and C
            # one forward per net over [real, prior (, reconstruction)]: shared BatchNorm statistics
            batches = (x, x_p, x_rec) if method == "CVAE-GAN" else (x, x_p)
            fd_real, fd_p, *fd_rec = L.joint_features(D, *batches)
            fc_real, fc_p, *fc_rec = L.joint_features(C, *batches)
            fd_real, fc_real = fd_real.detach(), fc_real.detach()  # the real side is the target
            centres.update(fc_real, c)
            logs["L_GD"] = L.mean_feature_matching(fd_real, fd_p, config.reduction)
            logs["L_GC"] = centres.loss(fc_p, c, config.reduction)
            total = config.lambda_gd * logs["L_GD"] + config.lambda_gc * logs["L_GC"]
            if method == "CVAE-GAN":
                rec = L.reconstruction_loss(x, x_rec, fd_real, fd_rec[0], fc_real, fc_rec[0], config.reduction)
                logs["L_KL"] = L.kl_divergence(mu, logvar, config.reduction)
                logs["L_G"] = rec["L_G"]
                total = total + config.lambda_kl * logs["L_KL"] + config.lambda_rec * logs["L_G"]
        # one backward gives Algorithm 1's gradients: L_KL reaches only E, L_GD/L_GC only G
        for name in ("G", "E"):
            if name in optimizers:
                optimizers[name].zero_grad(set_to_none=True)
        total.backward()
        for name in ("G", "E"):
            if name in optimizers:
                optimizers[name].step()
        return logs

    return step


@dataclass
class TrainedRun:
    method: str
    seed: int
    models: Models
    result: TrainResult


def train_run(
    config: CVAEGANConfig,
    data: ImageData,
    method: str,
    seed: int,
    device: torch.device,
    progress: bool = True,
    data_key: dict | None = None,
) -> TrainedRun:
    """Train (or resume, or load) `method` at `seed`; every net gets Adam(lr, β1, β2).

    `data_key` says how `data` differs from the config's data set (e.g. `{"train_subset": …}` for a run on
    part of its training split, `cvae_gan_applications.subset_data`): it joins the run's key, so such a run
    gets its own folder and never resumes or loads the run on the whole split (None: the run's key as ever)."""
    run_config = {**config.training_config(), "method": method}
    if data_key:
        if set(data_key) & set(run_config):
            raise ValueError(f"data_key {sorted(data_key)} would overwrite training settings of the run's key")
        run_config.update(data_key)
    models = build_models(config, data, method, device, seed)
    modules = models.as_dict()
    optimizers = {
        n: torch.optim.Adam(m.parameters(), lr=config.lr, betas=(config.beta1, config.beta2))
        for n, m in modules.items()
    }
    sampler = BatchSampler(data.train_x, data.train_y, config.batch_size)
    step = make_step(models, optimizers, sampler, config, method, data.num_classes)
    result = train_method(
        TABLE_ID, run_config, method, seed, modules, optimizers, step, config, device, progress, sync_every=1
    )
    return TrainedRun(method, seed, models, result)


@torch.no_grad()
def sample_per_class(
    generator: CondGenerator32, per_class: int, seed: int, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor]:
    """`per_class` prior samples (z ~ N(0, I)) of every class, fixed generator seed → (images on CPU, labels)."""
    generator.eval()
    rng = torch.Generator().manual_seed(seed)
    labels = torch.arange(generator.num_classes).repeat_interleave(per_class)
    z = torch.randn(len(labels), generator.nz, generator=rng)
    return torch.cat(
        [
            generator(zb.to(device), lb.to(device)).cpu()
            for zb, lb in zip(z.split(1000), labels.split(1000), strict=True)
        ]
    ), labels


def evaluator(config: CVAEGANConfig, data: ImageData, device: torch.device) -> ClassifierExtractor:
    """The evaluation classifier: `classifier:<dataset>`, trained only on the real training split."""
    name = config.extractor.replace("<dataset>", data.name)  # data.name has the resolved path
    return get_extractor(name, data, device, ClassifierConfig(steps=config.classifier_steps))


def recognisability(extractor: ClassifierExtractor, images: torch.Tensor, labels: torch.Tensor, splits: int) -> dict:
    """top-1 accuracy (%) of the evaluator on images of known class, and realism = IS form over it."""
    logits = extractor.logits(images)
    correct = (logits.argmax(1) == labels).float()
    per_class = {str(c): 100 * float(correct[labels == c].mean()) for c in labels.unique().tolist()}
    return {
        "top-1": 100 * float(correct.mean()),
        "realism": inception_score(logits, splits)["mean"],
        "per_class_top1": per_class,
    }


@dataclass
class TableRun(TableRunBase):
    # metrics: method → seed → recognisability(...), + "label swap" (label_swap(...)) for the encoder methods;
    # shown: method → the first seed's prior samples, `grid_per_class` of each class
    real: dict  # the evaluator on the real held-out images
    protocol: dict


def run_table(
    config: CVAEGANConfig, data: ImageData, device: torch.device, progress: bool = True, grid_per_class: int = 8
) -> TableRun:
    start = time.perf_counter()
    extractor = evaluator(config, data, device)
    real = recognisability(extractor, data.test_x, data.test_y.cpu(), config.is_splits)
    swap_x, swap_y = data.test_x[:SWAP_IMAGES], data.test_y[:SWAP_IMAGES]

    def evaluate(run: TrainedRun, seed: int) -> tuple[dict, torch.Tensor]:
        """Score the run's prior samples of every class; decode swapped labels (encoder methods)."""
        images, labels = sample_per_class(run.models.generator, config.samples_per_class, 10_000 + seed, device)
        metrics = recognisability(extractor, images, labels, config.is_splits)
        if run.method in ENCODER_METHODS:
            models = run.models
            metrics["label swap"] = label_swap(models.encoder, models.generator, extractor, swap_x, swap_y, seed)
        shape = images.shape[1:]
        grid = images.view(data.num_classes, -1, *shape)[:, :grid_per_class].reshape(-1, *shape)
        return metrics, grid

    runs = train_and_evaluate(train_run, evaluate, config, data, device, METHODS, progress)
    protocol = {
        "evaluator": f"{extractor.name}, trained on the real training split only (held-out top-1 {extractor.held_out_accuracy:.3f}); never the model's own C",
        "generated": f"{config.samples_per_class} prior samples (z ~ N(0, I)) per class, generator seed 10000+seed",
        "realism": f"inception-score form exp(E KL(p(y|x) || p(y))) over the evaluator's softmax, {config.is_splits} splits",
        "real row": f"the evaluator on the {len(data.test_x)} real held-out images",
        "extractor": extractor.describe(),
        "comparable_to_paper": data.name not in ("mnist5k", "digits"),
    }
    runs.wall_time_s = time.perf_counter() - start  # with the evaluator
    return TableRun(config, runs, real, protocol)


def lambda_sensitivity(
    config: CVAEGANConfig,
    data: ImageData,
    device: torch.device,
    multipliers: tuple[float, ...] = (0.01, 0.1, 1.0),
    seed: int = 0,
    progress: bool = False,
    mean_multipliers: tuple[float, ...] = (0.01, 1.0),
) -> list[dict]:
    """CVAE-GAN at one seed with λ3 and λ4 both scaled by each multiplier (their ratio kept), with the
    paper's sum reductions and, at `mean_multipliers`, with mean reductions (`losses.cvae_gan`): top-1
    and realism of prior samples, and the label swap. Multiplier 1 with sums is the profile's own run
    (loaded, not retrained). Shows how much the verdict hinges on the weights of the matching terms."""
    extractor = evaluator(config, data, device)
    swap_x, swap_y = data.test_x[:SWAP_IMAGES], data.test_y[:SWAP_IMAGES]
    rows = []
    variants = [(m, config.reduction) for m in multipliers] + [(m, "mean") for m in mean_multipliers]
    scaled_configs = [
        replace(config, lambda_gd=config.lambda_gd * m, lambda_gc=config.lambda_gc * m, reduction=reduction)
        for m, reduction in variants
    ]
    parallel.train_runs(train_run, [(scaled, "CVAE-GAN", seed) for scaled in scaled_configs], data, device)
    for scaled in scaled_configs:
        run = train_run(scaled, data, "CVAE-GAN", seed, device, progress)
        images, labels = sample_per_class(run.models.generator, config.samples_per_class, 10_000 + seed, device)
        scores = recognisability(extractor, images, labels, config.is_splits)
        swap = label_swap(run.models.encoder, run.models.generator, extractor, swap_x, swap_y, seed)
        rows.append(
            {
                "reduction": scaled.reduction + (" (paper)" if scaled.reduction == "sum" else ""),
                "λ3 = λ4": scaled.lambda_gc,
                "top-1 (%)": scores["top-1"],
                "realism": scores["realism"],
                "swap follows label (%)": 100 * swap["follows label"],
                "swap keeps identity (%)": 100 * swap["keeps identity"],
                "KL (nats)": swap["KL"],
            }
        )
    return rows


def result_rows(table: TableRun) -> list[dict]:
    """The real-data row (one evaluation, n = 1) and one row per (method, metric) over seeds."""
    seeds = list(table.config.seeds)
    rows = [{"method": REAL, "metric": m, **summarise([table.real[m]]), "seeds": [seeds[0]]} for m in METRICS]
    return rows + seed_rows(table.metrics, METHODS, METRICS, seeds)


def verdicts(table: TableRun) -> list[dict]:
    """The paper's two orderings, each a chain of seed-paired comparisons."""
    m, seeds, margin = table.metrics, table.config.seeds, table.config.realism_margin
    top1 = [
        compare_methods(m, seeds, "top-1", "FM-CGAN", "CVAE-GAN", "higher"),
        compare_methods(m, seeds, "top-1", "CGAN", "FM-CGAN", "higher"),
        compare_methods(m, seeds, "top-1", "CVAE", "CGAN", "higher"),
    ]
    realism = [
        compare_methods(m, seeds, "realism", "FM-CGAN", "CVAE-GAN", "within", margin),
        compare_methods(m, seeds, "realism", "CGAN", "CVAE-GAN", "higher"),
        compare_methods(m, seeds, "realism", "CVAE", "CGAN", "higher"),
    ]
    rule = (
        "seed-paired t tests of the differences (the book's analysis plan): 'higher' holds if the 95% interval is above "
        f"0; 'within' (TOST) holds if the 90% interval lies inside ±{margin:.0%} of the reference method's mean, does not "
        "hold if it lies wholly outside; Holm within the claim; a chain holds if every link holds, does not hold if any "
        "link does not hold, else inconclusive"
    )
    return [
        claim_verdict("top-1 recognisability: CVAE-GAN > FM-CGAN > CGAN > CVAE", rule, top1),
        claim_verdict("realism: FM-CGAN ≈ CVAE-GAN > CGAN > CVAE", rule, realism),
    ]


def per_class_details(table: TableRun) -> dict:
    out: dict = {}
    for method in METHODS:
        for metrics in table.metrics[method].values():
            for c, value in metrics["per_class_top1"].items():
                out.setdefault(method, {}).setdefault(c, {}).setdefault("top-1", []).append(value)
    return out


# Regime checks (replication/claims/regime.py): Table 1 compares how well samples of a class look like that
# class, which means something only if each generator draws the class it is given.


@torch.no_grad()
def label_swap(encoder, generator, extractor, x: torch.Tensor, y: torch.Tensor, seed: int = 0) -> dict:
    """Encode held-out images of class a (posterior mean μ), decode with another class b and classify.

    b = (a + 1 + k) mod K with k drawn once per image (fixed generator seed) from 0..K−2, so b is
    any other class. Returns the fractions of decodes the evaluator calls b ("follows label") and a
    ("keeps identity"), and the encoder's mean KL(q(z|x, a) ‖ N(0, I)) in nats."""
    encoder.eval()
    generator.eval()
    k = generator.num_classes
    y = y.to(x.device)
    offset = torch.randint(0, k - 1, (len(y),), generator=torch.Generator().manual_seed(30_000 + seed))
    b = (y + 1 + offset.to(y.device)) % k
    mus, kls = [], []
    for xb, yb in zip(x.split(500), y.split(500), strict=True):
        mu, logvar = encoder(xb, yb)
        mus.append(mu)
        kls.append(0.5 * (mu.square() + logvar.exp() - logvar - 1.0).sum(dim=1))
    mu = torch.cat(mus)
    decoded = torch.cat([generator(zb, bb) for zb, bb in zip(mu.split(500), b.split(500), strict=True)])
    predicted = extractor.logits(decoded).argmax(1).to(y.device)
    return {
        "follows label": float((predicted == b).float().mean()),
        "keeps identity": float((predicted == y).float().mean()),
        "KL": float(torch.cat(kls).mean()),
        "n": len(y),
    }


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values)


def _num_classes(table: TableRun) -> int:
    """K: prior samples are drawn for every class, so each run's per-class top-1 has K entries."""
    for runs in table.metrics.values():
        for metrics in runs.values():
            return len(metrics["per_class_top1"])
    raise ValueError("no run was evaluated")


def prior_follows_label_check(table: TableRun, methods: list[str]) -> regime.RegimeCheck:
    """Every method's prior samples: top-1 (as a fraction) ≥ `regime.label_threshold(K)` on every seed."""
    num_classes = _num_classes(table)
    threshold = regime.label_threshold(num_classes)
    per_seed = {m: [v["top-1"] / 100 for v in table.metrics[m].values()] for m in methods if table.metrics.get(m)}
    means = {m: _mean(v) for m, v in per_seed.items()}
    check = regime.per_seed_check(
        "the prior samples follow their label",
        "top-1",
        per_seed,
        threshold,
        f"every method's prior-sample top-1 ≥ {threshold:.2f} (halfway from chance to 1)",
        {"top1": means},
        failed="the prior samples do not follow their label",
    )
    check.measurement += f" (chance {1 / num_classes:.2f})"
    return check


def swap_follows_label_check(table: TableRun, methods: list[str]) -> regime.RegimeCheck:
    """Every encoder method's label swap: "follows label" ≥ `regime.label_threshold(K)` on every seed."""
    num_classes = _num_classes(table)
    threshold = regime.label_threshold(num_classes)
    runs = {m: list(table.metrics[m].values()) for m in methods if table.metrics.get(m)}
    follows = {m: [v["label swap"]["follows label"] for v in r] for m, r in runs.items()}
    summary = {
        m: {key: _mean(v["label swap"][key] for v in r) for key in ("follows label", "keeps identity", "KL")}
        for m, r in runs.items()
    }
    return regime.RegimeCheck(
        name="decoding with another label follows that label (label swap)",
        failed="decoding with another label does not follow that label (label swap)",
        met=regime.per_seed_met(follows, threshold),
        measurement="; ".join(
            f"{m}: follows label {v['follows label']:.2f} ({regime.seeds_meeting(follows[m], threshold)} of "
            f"{len(follows[m])} seeds ≥ {threshold:.2f}), keeps identity {v['keeps identity']:.2f}, KL {v['KL']:.2f} nats"
            for m, v in summary.items()
        )
        or "not measured",
        rule=(
            f"held-out images encoded (μ) and decoded with another class: every encoder method's fraction "
            f"classified as the new class ≥ {threshold:.2f}, {regime.PER_SEED_RULE}"
        ),
        values={"swap": summary, "follows_label_per_seed": follows, "threshold": threshold},
    )


def regime_checks(table: TableRun, verdict: dict) -> list[regime.RegimeCheck]:
    """Both Table 1 claims rank every method's generator: all must follow their label."""
    named = set(regime.claim_methods(verdict))
    methods = [m for m in METHODS if m in named]
    checks = [prior_follows_label_check(table, methods)]
    encoders = [m for m in methods if m in ENCODER_METHODS]
    if encoders:
        checks.append(swap_follows_label_check(table, encoders))
    return checks


def details(table: TableRun) -> dict:
    return {"per_class": per_class_details(table), "config": asdict(table.config), "regime": regime_details(table)}


def regime_details(table: TableRun) -> dict:
    """The label-swap measurements per method and seed, for the results file."""
    swaps = {m: {str(s): v["label swap"] for s, v in table.metrics[m].items()} for m in ENCODER_METHODS}
    return {"label_swap": swaps}


def setup_line(config: CVAEGANConfig, data: ImageData) -> str:
    return f"data `{data.name}` {data.image_shape}; {budget_line(config)}"


NOTEBOOK = TableNotebook(TABLE_ID, PARAMETERS, load_data, setup_line)
