"""CVAE-GAN's applications (Bao et al. 2017, §5): inpainting, data augmentation, attribute morphing.

Inpainting and morphing reuse the Table 1 runs (same config → same run folders: finished runs load
instantly); the augmentation study trains its own CVAE-GAN per seed (`AUGMENT_GENERATOR`).

- Inpainting: a centred square of each held-out image is masked; z starts at E's mean for the
  masked image and is optimised so that G(z, c) matches the *known* pixels; the hole is filled
  with G's pixels. Scored by PSNR on the hole and SSIM on the filled image (both in [0, 1] range).
- Augmentation: a classifier trained on a small real subset (`real_subset`: `augment_real_per_class`
  images of every class, drawn by the seed), then on the subset plus prior samples of a CVAE-GAN
  trained on that same subset only (`subset_data`, `train_application_run`: Table 1's nets, losses
  and steps, keyed by the subset, so its run folder is its own), scored on the held-out split (the
  paper's LFW experiment, scaled down). The generator sees no labelled image the subset-only
  classifier lacks, so a gain is the generator's, not the full training split's: the paper's
  question, whether generated samples add anything beyond the labelled data.
- Morphing: G along a straight line in z at a fixed class, and between two classes (soft labels).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict, dataclass, replace

import torch
import torch.nn.functional as F
from torchmetrics.functional.image import structural_similarity_index_measure

from replication.claims import regime
from replication.claims.stats import compare_methods, compare_paired, summarise
from replication.configs.cvae_gan import CVAEGANConfig
from replication.data.images import ImageData, load_dataset
from replication.experiments.cvae_gan import TrainedRun, evaluator, sample_per_class, setup_line, train_run
from replication.experiments.sampling import evenly_spaced
from replication.metrics.features import ClassifierExtractor, classifier_accuracy
from replication.nets.classifier import SmallClassifier
from replication.run.experiment import TableNotebook, TableRunBase, claim_verdict, train_and_evaluate
from replication.run.results import seed_rows

TABLE_ID = "cvae_gan_applications"
PARAMETERS = ("profile", "seeds", "dataset", "steps", "quick", "device", "progress")  # its notebook's parameters cell
INPAINT_METHODS = ("CVAE", "CVAE-GAN")
INPAINT_METRICS = ("inpainting PSNR", "inpainting SSIM")
AUGMENT_GENERATOR = "CVAE-GAN on the real subset"  # the augmentation study's generator: trained on the subset only
RUNS = (*INPAINT_METHODS, AUGMENT_GENERATOR)  # what the table trains per seed (the first two: Table 1's runs)
SETTINGS = ("real subset only", "real subset + CVAE-GAN samples")  # the augmentation study's training sets
ADDED_TOP1 = "added samples top-1"  # regime: the evaluator's top-1 (fraction) on the CVAE-GAN samples added
FILL_SPREAD_THRESHOLD = 0.5  # fills keep ≥ half the pairwise L1 spread of the true holes (as alpha-GAN's rule)


def load_data(config: CVAEGANConfig) -> ImageData:
    """The applications' labelled images (at least two classes) at the config's size."""
    return load_dataset(config.dataset, image_size=config.image_size, min_classes=2, table=TABLE_ID)


NOTEBOOK = TableNotebook(TABLE_ID, PARAMETERS, load_data, setup_line)  # cvae_gan's setup line: same data, budget


def centre_mask(shape: tuple[int, ...], fraction: float = 0.375) -> torch.Tensor:
    """1 inside a centred square covering `fraction` of the side (the hole), 0 elsewhere."""
    h, w = shape[-2:]
    size = int(round(h * fraction))
    mask = torch.zeros(1, 1, h, w)
    top, left = (h - size) // 2, (w - size) // 2
    mask[..., top : top + size, left : left + size] = 1.0
    return mask


def inpaint(
    generator, encoder, x: torch.Tensor, labels: torch.Tensor, mask: torch.Tensor, steps: int, lr: float = 0.05
) -> torch.Tensor:
    """Fill the hole: z₀ = μ(E(x ⊙ (1 − M), c)); minimise ‖(1 − M) ⊙ (G(z, c) − x)‖² over z."""
    known = 1.0 - mask
    with torch.no_grad():
        z, _ = encoder(x * known + mask * -1.0, labels)  # the hole shown as background
    z = z.clone().requires_grad_(True)
    optimizer = torch.optim.Adam([z], lr=lr)
    for _ in range(steps):
        loss = (known * (generator(z, labels) - x)).square().flatten(1).sum(1).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        return known * x + mask * generator(z, labels)


def hole_psnr(filled: torch.Tensor, original: torch.Tensor, mask: torch.Tensor) -> float:
    """PSNR (dB) over the hole's pixels only, images mapped from [-1, 1] to [0, 1]."""
    hole = mask.expand_as(original).bool()
    mse = ((filled - original) / 2)[hole].square().mean()
    return float(10 * torch.log10(1.0 / mse))


def filled_ssim(filled: torch.Tensor, original: torch.Tensor) -> float:
    """SSIM (torchmetrics, Gaussian 7×7 window) of the filled image vs the original, in [0, 1] range."""
    return float(
        structural_similarity_index_measure((filled + 1) / 2, (original + 1) / 2, data_range=1.0, kernel_size=7)
    )


def train_subset_classifier(
    x: torch.Tensor, y: torch.Tensor, num_classes: int, steps: int, seed: int, device: torch.device
) -> SmallClassifier:
    """The augmentation study's classifier (the evaluator's architecture), trained from scratch."""
    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    model = SmallClassifier(x.shape[1], num_classes, width=16, image_size=x.shape[-1]).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    model.train()
    for _ in range(steps):
        index = torch.randint(0, len(x), (min(64, len(x)),), generator=generator)
        loss = F.cross_entropy(model(x[index].to(device)), y[index].to(device))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model.eval()


def real_subset_index(data: ImageData, per_class: int, seed: int) -> torch.Tensor:
    """Indices into the training split (CPU): `per_class` images of every class, drawn without replacement
    by `seed`, class by class."""
    generator = torch.Generator().manual_seed(seed)
    y = data.train_y.cpu()
    return torch.cat(
        [
            torch.nonzero(y == c).flatten()[torch.randperm(int((y == c).sum()), generator=generator)[:per_class]]
            for c in range(data.num_classes)
        ]
    )


def real_subset(data: ImageData, per_class: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The augmentation study's small real training set (images, labels; on the CPU): `real_subset_index`."""
    index = real_subset_index(data, per_class, seed)
    return data.train_x.cpu()[index], data.train_y.cpu()[index]


def subset_data(data: ImageData, per_class: int, seed: int) -> ImageData:
    """`data` with its training split cut to `real_subset(data, per_class, seed)` (on `data`'s device), what the
    augmentation study's generator trains on; the held-out split and the classes are `data`'s own, untouched.
    Its name says which subset; its checksum hashes `data`'s with the chosen indices (`subset_key`)."""
    index = real_subset_index(data, per_class, seed)
    digest = hashlib.sha256(f"{data.checksum}|{per_class}|{seed}|".encode() + index.numpy().tobytes())
    return ImageData(
        f"{data.name} (training subset: {per_class} per class, seed {seed})",
        data.train_x[index.to(data.train_x.device)],
        data.train_y[index.to(data.train_y.device)],
        data.test_x,
        data.test_y,
        data.class_names,
        digest.hexdigest(),
    )


def subset_key(subset: ImageData, per_class: int, seed: int) -> dict:
    """What joins a subset-trained run's key (`cvae_gan.train_run`'s `data_key`): the subset's size, seed
    and checksum, so a run on another subset, or on the whole split, never shares its folder."""
    return {"train_subset": {"per_class": per_class, "seed": seed, "sha256": subset.checksum[:16]}}


def subset_run_config(config: CVAEGANConfig, subset_size: int) -> CVAEGANConfig:
    """The subset-trained CVAE-GAN's config: the table's, with the batch cut to the subset's size where that
    is smaller (a quick check's or a small data set's subset: `BatchSampler` draws no batch larger than its
    images). At the profiles' own sizes (smoke 50, cpu 100, gpu/paper 10,000 images) it is the table's."""
    return replace(config, batch_size=min(config.batch_size, subset_size))


def train_application_run(
    config: CVAEGANConfig, data: ImageData, method: str, seed: int, device: torch.device, progress: bool = True
) -> TrainedRun:
    """Train (or resume, or load) one of `RUNS` at `seed` (`cvae_gan.train_run`; a module-level function, so
    `core.parallel`'s workers can run it). CVAE and CVAE-GAN: Table 1's runs on the whole training split
    (the same folders). `AUGMENT_GENERATOR`: CVAE-GAN, same config, trained on `subset_data(data,
    config.augment_real_per_class, seed)` only, the subset the augmentation study's classifiers see at that
    seed, in its own run folder (`subset_key`; its batch at most the subset's size, `subset_run_config`)."""
    if method != AUGMENT_GENERATOR:
        return train_run(config, data, method, seed, device, progress)
    per_class = config.augment_real_per_class
    subset = subset_data(data, per_class, seed)
    key = subset_key(subset, per_class, seed)
    run = train_run(subset_run_config(config, len(subset.train_x)), subset, "CVAE-GAN", seed, device, progress, key)
    return replace(run, method=AUGMENT_GENERATOR)


def first_of_classes(x: torch.Tensor, y: torch.Tensor, classes: int, per_class: int) -> torch.Tensor:
    """The first `per_class` images of each of classes 0..`classes`−1, class by class (a grid's rows)."""
    return torch.cat([x[y == c][:per_class] for c in range(classes)])


def augmentation_study(
    config: CVAEGANConfig, data: ImageData, generator, judge: ClassifierExtractor, seed: int, device: torch.device
) -> tuple[dict[str, float], dict[str, torch.Tensor]]:
    """A classifier trained on a small real subset (`real_subset`), then on the subset plus prior samples of
    `generator` (the CVAE-GAN trained on that subset, `train_application_run`), labelled with the class they
    were drawn for: each setting's held-out accuracy (%), and `judge`'s top-1 on the added samples
    (`ADDED_TOP1`); and for the page, up to 8 subset images and 8 added samples of each of the first 10 classes."""
    subset_x, subset_y = real_subset(data, config.augment_real_per_class, seed)
    fake_x, fake_y = sample_per_class(generator, config.augment_fake_per_class, 20_000 + seed, device)
    out = {ADDED_TOP1: float((judge.logits(fake_x).argmax(1).cpu() == fake_y).float().mean())}
    training_sets = [(subset_x, subset_y), (torch.cat([subset_x, fake_x]), torch.cat([subset_y, fake_y]))]
    for setting, (x, y) in zip(SETTINGS, training_sets, strict=True):
        model = train_subset_classifier(x, y, data.num_classes, config.augment_steps, seed, device)
        out[setting] = 100 * classifier_accuracy(model, data.test_x, data.test_y)
    classes = min(10, data.num_classes)
    pictures = {
        "subset": first_of_classes(subset_x, subset_y, classes, 8),
        "added": first_of_classes(fake_x, fake_y, classes, 8),
    }
    return out, pictures


@dataclass
class ApplicationsRun(TableRunBase):
    # runs.metrics: CVAE, CVAE-GAN → seed → inpainting PSNR, SSIM and "fill spread" (regime: the filled holes'
    # spread ratio); AUGMENT_GENERATOR → seed → augmentation_study(...)'s numbers. shown (first seed): CVAE,
    # CVAE-GAN → {"fill": first 8 fills}, CVAE-GAN + "morph z", "morph c"; AUGMENT_GENERATOR → "subset", "added"
    examples: dict[str, torch.Tensor]  # the first 8 held-out images: "original", "masked"
    protocol: dict
    num_classes: int


def run_applications(
    config: CVAEGANConfig, data: ImageData, device: torch.device, progress: bool = True
) -> ApplicationsRun:
    start = time.perf_counter()
    # every class in proportion (the offline held-out split is stored class by class), the page's eight too
    chosen = evenly_spaced(len(data.test_x), config.inpaint_images).to(data.test_x.device)
    x_test, y_test = data.test_x[chosen], data.test_y[chosen.to(data.test_y.device)]
    shown = evenly_spaced(len(x_test), 8).to(x_test.device)
    mask = centre_mask(data.image_shape).to(device)
    examples = {"original": x_test[shown].cpu(), "masked": (x_test[shown] * (1 - mask) - mask).cpu()}
    judge = evaluator(config, data, device)

    def evaluate(run: TrainedRun, seed: int) -> tuple[dict, dict]:
        """The subset-trained CVAE-GAN augments a classifier's training set; CVAE and CVAE-GAN (Table 1's runs)
        inpaint with their E and G, and CVAE-GAN morphs."""
        if run.method == AUGMENT_GENERATOR:
            return augmentation_study(config, data, run.models.generator.eval(), judge, seed, device)
        g, e = run.models.generator.eval(), run.models.encoder.eval()
        torch.manual_seed(seed)
        filled = inpaint(g, e, x_test, y_test, mask, config.inpaint_steps)
        metrics = {
            "inpainting PSNR": hole_psnr(filled, x_test, mask),
            "inpainting SSIM": filled_ssim(filled, x_test),
            "fill spread": regime.spread_ratio(filled * mask, x_test * mask),  # the holes only
        }
        pictures = {"fill": filled[shown].cpu()}
        if run.method == "CVAE-GAN" and seed == config.seeds[0]:
            pictures["morph z"], pictures["morph c"] = morphs(g, data.num_classes, device)
        return metrics, pictures

    runs = train_and_evaluate(train_application_run, evaluate, config, data, device, RUNS, progress)
    real = config.augment_real_per_class
    subset_size = len(real_subset_index(data, real, config.seeds[0]))  # min(real, class size) per class: any seed
    batch = subset_run_config(config, subset_size).batch_size
    protocol = {
        "inpainting": f"centred {int(round(data.image_shape[-1] * 0.375))}² hole on {len(x_test)} held-out images evenly spaced over the split (every class); z from E, then {config.inpaint_steps} Adam steps (lr 0.05) on the known pixels; PSNR on the hole, SSIM (7×7 Gaussian) on the filled image",
        "augmentation": f"{real} real training images per class ({subset_size} in all, drawn per seed), + {config.augment_fake_per_class} prior samples per class (generator seed 20000+seed, labelled with the class drawn for) of a CVAE-GAN trained on those {subset_size} images only: Table 1's nets, losses and {config.steps} steps × batch {batch}, in its own run folder (keyed by the subset); classifier (SmallClassifier, width 16) trained {config.augment_steps} steps on each set; accuracy on all {len(data.test_x)} held-out images. The generator saw no labelled image the subset-only classifier lacks. Caveats: its settings are Table 1's, chosen on the full training split (at cpu/smoke the λ3 = λ4 multiple), and no classical augmentation of the subset (shifts, noise) is run beside it, so a gain is not shown to exceed what jitter of those images gives. The regime check's evaluator saw the full split (it only gates the verdict). Inpainting and morphing use the Table 1 runs",
        "comparable_to_paper": data.name not in ("mnist5k", "digits"),
    }
    runs.wall_time_s = time.perf_counter() - start  # with the evaluator
    return ApplicationsRun(config, runs, examples, protocol, data.num_classes)


@torch.no_grad()
def morphs(generator, num_classes: int, device: torch.device, steps: int = 8) -> tuple[torch.Tensor, torch.Tensor]:
    """(z morphs: 3 classes × steps, class morphs: 3 pairs × steps), images on the CPU."""
    rng = torch.Generator().manual_seed(7)
    t = torch.linspace(0, 1, steps)[:, None]
    z_rows, c_rows = [], []
    for row in range(3):
        z0, z1 = torch.randn(2, generator.nz, generator=rng)
        z = (1 - t) * z0 + t * z1
        label = torch.full((steps,), row % num_classes, dtype=torch.long)
        z_rows.append(generator(z.to(device), label.to(device)).cpu())
        a, b = F.one_hot(torch.tensor([row, (row + 5) % num_classes]), num_classes).float()
        soft = (1 - t) * a + t * b
        c_rows.append(generator(z0.expand(steps, -1).contiguous().to(device), soft.to(device)).cpu())
    return torch.cat(z_rows), torch.cat(c_rows)


def result_rows(run: ApplicationsRun) -> list[dict]:
    seeds = list(run.config.seeds)
    rows = seed_rows(run.runs.metrics, INPAINT_METHODS, INPAINT_METRICS, seeds)
    for setting in SETTINGS:
        values = [run.runs.metrics[AUGMENT_GENERATOR][s][setting] for s in seeds]
        rows.append({"method": setting, "metric": "accuracy", **summarise(values), "seeds": seeds})
    return rows


def details(run: ApplicationsRun) -> dict:
    return {"config": asdict(run.config)}


def verdicts(run: ApplicationsRun) -> list[dict]:
    seeds, metrics = list(run.config.seeds), run.runs.metrics
    augmented = [metrics[AUGMENT_GENERATOR][s] for s in seeds]
    aug = compare_paired(
        "accuracy",
        SETTINGS[0],
        [v[SETTINGS[0]] for v in augmented],
        SETTINGS[1],
        [v[SETTINGS[1]] for v in augmented],
        "higher",
    )
    psnr = compare_methods(metrics, seeds, "inpainting PSNR", "CVAE", "CVAE-GAN", "higher")
    rule = (
        "seed-paired t test of the difference: holds if its 95% interval lies above 0, does not hold if below, "
        "else inconclusive"
    )
    return [
        claim_verdict(augmentation_claim(run.config), rule, [aug]),
        claim_verdict(
            "CVAE-GAN fills masked regions closer to the truth than the CVAE (the paper shows this qualitatively)",
            rule,
            [psnr],
        ),
    ]


def augmentation_claim(config: CVAEGANConfig) -> str:
    """The augmentation claim as tested, with the caveat that remains (the verdict line states it)."""
    return (
        f"adding samples of a CVAE-GAN trained on the same {config.augment_real_per_class} real images per class "
        "raises held-out accuracy over those images alone (caveat: no classical augmentation of the subset is run "
        "beside it, so the gain is not shown to exceed what jitter of those images gives)"
    )


def added_samples_follow_label_check(run: ApplicationsRun) -> regime.RegimeCheck:
    """The augmentation adds samples of the subset-trained CVAE-GAN (`AUGMENT_GENERATOR`) *with the label
    they were drawn for*: if G ignores its label they are mislabelled images, and the study measures
    label noise, not the paper's claim."""
    top1 = {s: v[ADDED_TOP1] for s, v in run.runs.metrics.get(AUGMENT_GENERATOR, {}).items()}
    threshold = regime.label_threshold(run.num_classes)
    values = {AUGMENT_GENERATOR: list(top1.values())} if top1 else {}
    check = regime.per_seed_check(
        "the added CVAE-GAN samples follow their label",
        "evaluator top-1 on the added samples:",
        values,
        threshold,
        f"the evaluator's top-1 on the added samples ≥ {threshold:.2f} (halfway from chance to 1)",
        {"top1": {str(s): v for s, v in top1.items()}},
        failed="the added CVAE-GAN samples do not follow their label",
    )
    if top1:
        check.measurement += f" (chance {1 / run.num_classes:.2f})"
    return check


def fills_vary_check(run: ApplicationsRun) -> regime.RegimeCheck:
    """Inpainting compares how close each method's fill comes to the truth; that tests a generative
    model only if the fill depends on the image around the hole. A decoder that paints one glyph (or
    one per class) into every hole would be scored on how close that constant is to the average hole.
    Same rule as alpha-GAN's reconstructions (`regime.not_constant`), on the hole's pixels, on every seed."""
    spread = {m: {s: v["fill spread"] for s, v in run.runs.metrics.get(m, {}).items()} for m in INPAINT_METHODS}
    per_seed = {m: list(v.values()) for m, v in spread.items() if v}
    check = regime.per_seed_check(
        "the fills are not one constant output",
        "spread ratio of the filled holes",
        per_seed,
        FILL_SPREAD_THRESHOLD,
        "mean pairwise L1 between the filled holes of different held-out images ÷ the same for the true holes ≥ "
        f"{FILL_SPREAD_THRESHOLD} for CVAE and CVAE-GAN (a constant fill gives 0)",
        {"spread_ratio": {m: {str(s): r for s, r in v.items()} for m, v in spread.items()}},
        failed="the fills are close to one constant output",
    )
    check.met = check.met and len(per_seed) == len(INPAINT_METHODS)
    return check


def regime_checks(run: ApplicationsRun, verdict: dict) -> list[regime.RegimeCheck]:
    """The augmentation verdict needs labelled samples that carry their label; the inpainting verdict
    needs fills that depend on the image (it decodes with the image's true class, so it does not need
    G to follow its label)."""
    if verdict["parts"][0]["metric"] == "accuracy":
        return [added_samples_follow_label_check(run)]
    return [fills_vary_check(run)]
