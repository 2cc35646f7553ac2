"""Training and evaluation throughput, printed as a table (`make bench`; never a timed test).

For every model family registered in `CASES` and the current device, two modes side by side:

- `baseline`: fp32, eager, batches from a host-memory DataLoader copied to the device every step;
- `fast`: the data set as one device tensor indexed per batch, plus `replication.core.speed`'s fast
  settings (bf16 autocast, channels_last, fused Adam on GPU; `--compile` adds torch.compile).

Columns: images/s (real images consumed per second of full iterations at the family's update ratio
and batch), ms per iteration, peak memory (CUDA: max allocated; CPU: process peak RSS), and
the seconds to generate N samples and compute their FID (features of the real split cached).
It also prints the wall time of every executed notebook from `book/executed/status.json`.

Every method of every table has a case (`replication.book.estimate` maps each to one): a case builds the
experiment's own nets and step function (`build`, `make_step`) from the config its table uses at the
paper's settings (`case_config`). The Pix2Pix cases train on synthetic pairs (`synthetic_pairs`: the
bench data are unpaired class images) at the paper's 256 px, the DRIT cases on two synthetic domains
(`synthetic_domains`) at its 216-px crops; neither times FID (those tables score translations of
held-out inputs, not class-conditional samples); the StackGAN++ cases likewise on synthetic captioned
images (`synthetic_text`) at 256 px.

    python -m replication.book.bench [--iters 20] [--fid-samples 10000] [--compile] [--case dcgan32-msgan]

On a GPU machine, `bash data_scripts/gpu_bench.sh` times every case and saves results/bench/cuda-<device>.json.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import json
import multiprocessing
import os
import resource
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
from torch.utils.data import DataLoader, TensorDataset

from replication.configs.profiles import PAIRED_TABLES, TEXT_TABLES, UNPAIRED_TABLES
from replication.core import parallel
from replication.core.device import pick_device
from replication.core.io import write_json_atomic
from replication.core.paths import repo_root, results_root
from replication.core.speed import BASELINE, Speed, adam, fast_settings
from replication.data.images import BatchSampler, ImageData, load_dataset
from replication.metrics.features import ClassifierConfig, cached_features, get_extractor
from replication.metrics.fid import frechet_distance
from replication.run.results import provenance


class HostLoaderSampler:
    """The baseline input pipeline: a shuffled host DataLoader, each batch copied to the device."""

    def __init__(self, x: torch.Tensor, y: torch.Tensor, batch_size: int, device: torch.device):
        self.loader = DataLoader(TensorDataset(x.cpu(), y.cpu()), batch_size=batch_size, shuffle=True, drop_last=True)
        self.device, self.iterator = device, iter(self.loader)

    def __call__(self) -> tuple[torch.Tensor, torch.Tensor]:
        try:
            x, y = next(self.iterator)
        except StopIteration:
            self.iterator = iter(self.loader)
            x, y = next(self.iterator)
        return x.to(self.device, non_blocking=True), y.to(self.device, non_blocking=True)


@dataclass
class BenchCase:
    """What the benchmark needs of a model family."""

    name: str
    batch_size: int
    batches_per_iter: int  # real batches one iteration consumes (D steps per G step; alpha-GAN: E/G steps + 1)
    make_step: Callable[[Callable, Speed], Callable[[int], dict]]  # (sampler, speed) -> step_fn
    sample: Callable[[int], torch.Tensor] | None  # n -> generated images on the device; None: no FID timed
    train: tuple[torch.Tensor, torch.Tensor] | None = None  # what the samplers draw from; None: the bench data
    image_size: int | None = None  # the nets' resolution; None: the bench data's


def case_config(name: str, dataset: str = "mnist5k"):
    """The config bench case `name` builds and trains its nets with (width, batch, update ratio);
    the nets' image size is the bench data's. Also read by `replication.book.estimate`."""
    from replication.configs.alpha_gan import AlphaGANConfig
    from replication.configs.contragan import ContraGANConfig
    from replication.configs.cvae_gan import CVAEGANConfig
    from replication.configs.msgan import MSGANDRITConfig, MSGANPix2PixConfig, MSGANStackGANConfig, MSGANTable1Config

    if name == "dcgan32-msgan":
        return MSGANTable1Config()
    if name in ("pix2pix256", "pix2pix256-ms"):
        return MSGANPix2PixConfig()  # the paper's facades settings: 256 px, width 64, batch 1
    if name in ("stackgan256", "stackgan256-ms"):
        return MSGANStackGANConfig()  # the birds settings: 3 stages 64/128/256, widths 64, batch 24
    if name in ("drit216", "drit216-ms"):
        return MSGANDRITConfig()  # the official Yosemite settings: 216-px crops of 256-px images, width 64, batch 2
    if name == "cvae-gan32":
        return CVAEGANConfig(dataset=dataset)
    if name in CONTRAGAN_CASES:
        return ContraGANConfig(dataset=dataset, probe_every=10**9)
    if name in ("alpha-gan32", "wgan-gp32"):
        return AlphaGANConfig(dataset=dataset)
    raise ValueError(f"Unknown case {name!r}. Valid cases: {', '.join(CASES)}.")


def _class_cycling_sampler(
    holder: dict, nz: int, data: ImageData, device: torch.device
) -> Callable[[int], torch.Tensor]:
    """n samples of the conditional generator in holder["g"], labels cycling over the classes."""

    @torch.no_grad()
    def sample(n: int) -> torch.Tensor:
        g = holder["g"].eval()
        labels = torch.arange(n, device=device) % data.num_classes
        return torch.cat([g(torch.randn(len(b), nz, device=device), b) for b in labels.split(1000)])

    return sample


def dcgan32_msgan(data: ImageData, device: torch.device) -> BenchCase:
    """MSGAN's conditional DCGAN-32 at the official width 128, batch 32, 1 D step per G step."""
    from replication.experiments import msgan

    config = case_config("dcgan32-msgan", data.name)
    holder = {}

    def make_step(sampler, speed):
        g, d, opt_g, opt_d = msgan.build_models(config, data, device, 0, speed)
        holder["g"] = g
        g_step, d_step = (torch.compile(m) if speed.compile else m for m in (g, d))
        return msgan.make_step(g_step, d_step, opt_g, opt_d, sampler, config.nz, config.lambda_ms, speed)

    return BenchCase(
        "dcgan32-msgan", config.batch_size, 1, make_step, _class_cycling_sampler(holder, config.nz, data, device)
    )


SYNTHETIC_PAIRS = 64  # pairs the Pix2Pix cases draw from (throughput does not depend on the set's size)


def synthetic_pairs(image_size: int, n: int = SYNTHETIC_PAIRS, channels: int = 3):
    """n seeded random (input, target) pairs, uniform in [-1, 1], at image_size² with 3 channels (facades
    and maps are RGB → RGB). The bench data are unpaired class images, and a Pix2Pix step's arithmetic
    does not depend on the pixels; loading facades/maps would need a download, and the offline
    digits-lowres pairs are 1-channel digits (4,000 of them at 256 px would be 2 GB)."""
    from replication.data.image_pairs import PairedData

    noise = torch.Generator().manual_seed(0)
    x = torch.rand(2, n, channels, image_size, image_size, generator=noise) * 2 - 1
    return PairedData("synthetic pairs", x[0], x[1], x[0, :4], x[1, :4], "random → random")


def pix2pix256(method: str, name: str) -> Callable[[ImageData, torch.device], BenchCase]:
    """MSGAN's paired table (Pix2Pix / Pix2Pix + MS) at the paper's settings: the U-Net with z at every
    encoder layer and two PatchGANs at width 64, 256 px, batch 1; one G then one D update. The loop has
    no speed switches: `fast` changes the input pipeline. No FID is timed (see the module docstring)."""

    def case(data: ImageData, device: torch.device) -> BenchCase:
        from replication.experiments import msgan_pix2pix

        config = case_config(name, data.name)
        pairs = synthetic_pairs(config.image_size)

        def make_step(sampler, speed):
            g, d, opt_g, opt_d = msgan_pix2pix.build(config, pairs, device, 0)
            lambda_ms = msgan_pix2pix.lambda_ms_for(method, config)
            return msgan_pix2pix.make_step(config, g, d, opt_g, opt_d, sampler, lambda_ms)

        train = (pairs.train_input, pairs.train_target)
        return BenchCase(name, config.batch_size, 1, make_step, None, train, config.image_size)

    return case


def synthetic_domains(image_size: int, n: int = SYNTHETIC_PAIRS, channels: int = 3):
    """Two domains of n seeded random RGB images, uniform in [-1, 1], at image_size² (Yosemite and
    cat2dog are RGB; a DRIT step's arithmetic does not depend on the pixels)."""
    from replication.data.image_pairs import UnpairedData

    noise = torch.Generator().manual_seed(1)
    x = torch.rand(2, n, channels, image_size, image_size, generator=noise) * 2 - 1
    return UnpairedData("synthetic domains", "a", "b", x[0], x[1], x[0, :4], x[1, :4])


def drit216(method: str, name: str) -> Callable[[ImageData, torch.device], BenchCase]:
    """MSGAN's unpaired table (DRIT / DRIT + MS) at the official settings: 216-px random crops of 256-px
    images, width 64, batch 2 per domain, `d_iter` 3 (two content-D-only batches, then the full
    update). The case draws its own two domains (`synthetic_domains`), not the bench's class images;
    the loop has no speed switches. No FID is timed (see the module docstring)."""

    def case(data: ImageData, device: torch.device) -> BenchCase:
        from replication.experiments import msgan_drit

        config = case_config(name, data.name)
        domains = synthetic_domains(config.image_size)

        def make_step(sampler, speed):
            nets, optimizers = msgan_drit.build(config, domains, device, 0)
            sample_a, sample_b = (
                msgan_drit.DomainSampler(x.to(device), config.batch_size, config.crop_size, config.flip)
                for x in (domains.train_a, domains.train_b)
            )
            lambda_ms = msgan_drit.lambda_ms_for(method, config)
            return msgan_drit.make_step(config, nets, optimizers, sample_a, sample_b, lambda_ms)

        train = (domains.train_a, torch.zeros(len(domains.train_a), dtype=torch.long))
        return BenchCase(name, config.batch_size, config.d_iter, make_step, None, train, config.crop_size)

    return case


SYNTHETIC_TEXT_DIM, SYNTHETIC_CAPTIONS = 1024, 10  # char-CNN-RNN's embedding size, CUB's captions per image


def synthetic_text(image_size: int, n: int = SYNTHETIC_PAIRS, channels: int = 3):
    """n seeded random RGB images with 10 random 1,024-d 'sentence embeddings' each (the shapes of CUB with
    StackGAN's char-CNN-RNN embeddings; a StackGAN++ step's arithmetic does not depend on the values)."""
    from replication.data.text import TextData

    noise = torch.Generator().manual_seed(2)
    x = torch.rand(n, channels, image_size, image_size, generator=noise) * 2 - 1
    y = torch.zeros(n, dtype=torch.long)
    e = torch.randn(n, SYNTHETIC_CAPTIONS, SYNTHETIC_TEXT_DIM, generator=noise)
    images = ImageData("synthetic text", x, y, x[:4], y[:4], ["bird"])
    return TextData("synthetic text", images, e, e[:4])


def stackgan256(method: str, name: str) -> Callable[[ImageData, torch.device], BenchCase]:
    """MSGAN's text table (StackGAN++ / StackGAN++ + MS) at the birds settings: conditioning augmentation,
    three generator stages (64/128/256 px) and one discriminator each, batch 24; every D, then G. The case
    draws its own captioned images (`synthetic_text`); the loop has no speed switches; no FID is timed."""

    def case(data: ImageData, device: torch.device) -> BenchCase:
        from replication.experiments import msgan_stackgan

        config = case_config(name, data.name)
        text = synthetic_text(config.image_size, channels=config.channels)

        def make_step(sampler, speed):
            generator, discriminators, opt_g, opt_d = msgan_stackgan.build(config, text, device, 0)
            texts = msgan_stackgan.TextSampler(text.to(device), config.batch_size)
            lambda_ms = msgan_stackgan.lambda_ms_for(method, config)
            return msgan_stackgan.make_step(config, generator, discriminators, opt_g, opt_d, texts, lambda_ms)

        train = (text.images.train_x, text.images.train_y)
        return BenchCase(name, config.batch_size, 1, make_step, None, train, config.image_size)

    return case


def cvae_gan32(data: ImageData, device: torch.device) -> BenchCase:
    """CVAE-GAN's four nets (E, G, D, C) at width 64, latent 256, batch 64; one Algorithm-1 iteration.

    Its training loop has no autocast yet: `fast` changes the input pipeline (and fused Adam on GPU).
    """
    from replication.experiments import cvae_gan

    config = case_config("cvae-gan32", data.name)
    holder = {}

    def make_step(sampler, speed):
        models = cvae_gan.build_models(config, data, "CVAE-GAN", device, 0)
        holder["g"] = models.generator
        optimizers = {n: adam(m.parameters(), speed, lr=config.lr) for n, m in models.as_dict().items()}
        return cvae_gan.make_step(models, optimizers, sampler, config, "CVAE-GAN", data.num_classes)

    return BenchCase(
        "cvae-gan32", config.batch_size, 1, make_step, _class_cycling_sampler(holder, config.nz, data, device)
    )


# ContraGAN's cases: name → (backbone, D head, consistency regularisation), matched to a method's
# spec by `replication.book.estimate` (a method with a lighter head than the case's 2C is bounded by it).
CONTRAGAN_CASES = {
    "contragan-sndcgan32": ("SNDCGAN", "2C", False),
    "contragan-snresgan32": ("SNResGAN", "2C", False),
    "contragan-biggan32": ("BigGAN", "2C", False),
    "contragan-sagan32": ("SAGAN", "projection", False),  # Table 2's SAGAN (its only head)
    "contragan-biggan32-cr": ("BigGAN", "2C", True),  # Table 2's ContraGAN + CR: + D on augmented reals
}


def contragan32(name: str) -> Callable[[ImageData, torch.device], BenchCase]:
    """ContraGAN's paper settings (CIFAR-10 configs) on one backbone and head (`CONTRAGAN_CASES`): width 96,
    batch 64, 5 D steps per G step. The loop has no speed switches: `fast` changes the input pipeline."""
    backbone, head, cr = CONTRAGAN_CASES[name]

    def case(data: ImageData, device: torch.device) -> BenchCase:
        from replication.experiments import contragan

        config = case_config(name, data.name)
        spec = contragan.MethodSpec(backbone, head, cr)
        holder = {}

        def make_step(sampler, speed):
            nets, optimizers = contragan.build(config, data, spec, device, 0)
            holder["g"] = nets.get("G_ema", nets["G"])
            probe = data.train_x[:64].to(device), data.train_y[:64].to(device)
            return contragan.make_step(nets, optimizers, sampler, spec, config, probe + probe)

        sample = _class_cycling_sampler(holder, config.nz, data, device)
        return BenchCase(name, config.batch_size, config.d_steps_per_g, make_step, sample)

    return case


def alpha_gan_table32(method: str, name: str) -> Callable[[ImageData, torch.device], BenchCase]:
    """A method of the alpha-GAN table at width 64, batch 64. alpha-GAN: its four nets (E, G, D, C),
    2 E/G updates per D/C update (3 real batches per iteration); WGAN-GP: G and a BN-free critic,
    `wgan_critic_steps` (5) critic updates with a gradient penalty per G update (5 real batches).
    No speed switches in its loop: `fast` changes the input pipeline."""

    def case(data: ImageData, device: torch.device) -> BenchCase:
        from replication.experiments import alpha_gan

        config = case_config(name, data.name)
        holder = {}

        def make_step(sampler, speed):
            nets = alpha_gan.build(config, data, method, device, 0)
            holder["g"] = nets["G"]
            betas = (config.beta1, config.beta2)
            optimizers = {n: adam(m.parameters(), speed, lr=config.lr, betas=betas) for n, m in nets.items()}
            return alpha_gan.make_step(nets, optimizers, sampler, config, method)

        def sample(n: int) -> torch.Tensor:
            return alpha_gan.samples(holder["g"], n, 0, device)  # no_grad inside

        batches = config.wgan_critic_steps if method == "WGAN-GP" else config.ge_steps_per_d + 1
        return BenchCase(name, config.batch_size, batches, make_step, sample)

    return case


CASES: dict[str, Callable[[ImageData, torch.device], BenchCase]] = {
    "dcgan32-msgan": dcgan32_msgan,
    "pix2pix256": pix2pix256("Pix2Pix", "pix2pix256"),
    "pix2pix256-ms": pix2pix256("Pix2Pix + MS", "pix2pix256-ms"),
    "stackgan256": stackgan256("StackGAN++", "stackgan256"),
    "stackgan256-ms": stackgan256("StackGAN++ + MS", "stackgan256-ms"),
    "drit216": drit216("DRIT", "drit216"),
    "drit216-ms": drit216("DRIT + MS", "drit216-ms"),
    "cvae-gan32": cvae_gan32,
    **{name: contragan32(name) for name in CONTRAGAN_CASES},
    "alpha-gan32": alpha_gan_table32("alpha-GAN", "alpha-gan32"),
    "wgan-gp32": alpha_gan_table32("WGAN-GP", "wgan-gp32"),
}


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _peak_memory_mb(device: torch.device) -> float:
    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device) / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def measure(
    case: BenchCase, data: ImageData, device: torch.device, mode: str, iters: int, warmup: int, compile: bool
) -> dict:
    speed = fast_settings(device, compile) if mode == "fast" else BASELINE
    x, y = case.train if case.train is not None else (data.train_x, data.train_y)
    if mode == "fast":
        sampler = BatchSampler(x.to(device), y.to(device), case.batch_size)
    else:
        sampler = HostLoaderSampler(x, y, case.batch_size, device)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    start = time.perf_counter()
    step = case.make_step(sampler, speed)
    for i in range(warmup):
        step(i)
    _sync(device)
    warmup_s = time.perf_counter() - start
    start = time.perf_counter()
    for i in range(iters):
        step(i)
    _sync(device)
    elapsed = time.perf_counter() - start
    return {
        "mode": mode,
        "image px": case.image_size or data.image_shape[-1],
        "images/s": case.batch_size * case.batches_per_iter * iters / elapsed,
        "ms/iter": 1000 * elapsed / iters,
        "peak MB": _peak_memory_mb(device),
        "warmup+compile s": warmup_s,
    }


def fid_time(case: BenchCase, data: ImageData, device: torch.device, n: int, extractor_name: str) -> float:
    """Seconds to generate n samples and compute their FID against cached real features."""
    extractor = get_extractor(extractor_name, data, device, ClassifierConfig(steps=300))
    real = cached_features(extractor, data, "train")
    _sync(device)
    start = time.perf_counter()
    fake = extractor.features(case.sample(n))
    frechet_distance(real, fake)
    _sync(device)
    return time.perf_counter() - start


# The cpu book's training runs: table → (experiment module, methods trained there (None: all of the cpu
# config's), extra runs of one method). A run two tables share at cpu (the same run key: `estimate.reused_from`)
# is counted once, under the table that trains it (tests/test_bench.py keeps the methods listed here equal to
# the ones `reused_from` leaves to each table): CVAE-GAN Table 1's CVAE and CVAE-GAN ↔ its applications'
# inpainting and morphing. The applications train one CVAE-GAN of their own per seed, on the augmentation
# study's real subset (`cvae_gan_applications`: AUGMENT_GENERATOR, trained by `train_application_run`). The
# ContraGAN overfitting study trains its own runs at cpu (`train_images`: a 1,000-image subset, so not Table 1's;
# at gpu/paper it reuses Table 1's). CVAE-GAN Table 1 adds four sensitivity runs at one seed (λ, sum/mean);
# Pix2Pix one per λ_ms of its profile's `sensitivity_lambdas` (`extra_runs`).
CPU_BOOK = {
    "msgan_table1": ("replication.experiments.msgan", None, {}),
    "msgan_pix2pix": ("replication.experiments.msgan_pix2pix", None, {}),
    "msgan_drit": ("replication.experiments.msgan_drit", None, {}),
    "msgan_stackgan": ("replication.experiments.msgan_stackgan", None, {}),
    "contragan_table1": ("replication.experiments.contragan", None, {}),
    "contragan_overfitting": ("replication.experiments.contragan", None, {}),
    "contragan_table2": ("replication.experiments.contragan", None, {}),
    "cvae_gan_table1": ("replication.experiments.cvae_gan", None, {"CVAE-GAN": 4}),
    "cvae_gan_applications": ("replication.experiments.cvae_gan_applications", ("CVAE-GAN on the real subset",), {}),
    "alpha_gan_table": ("replication.experiments.alpha_gan", None, {}),
}


def extra_runs(table_id: str, config) -> dict[str, int]:
    """Runs beyond one per seed, per method: `CPU_BOOK`'s, and Pix2Pix + MS's λ_ms sensitivity where the profile
    asks for it."""
    extra = dict(CPU_BOOK[table_id][2]) if table_id in CPU_BOOK else {}
    if table_id == "msgan_pix2pix":
        extra["Pix2Pix + MS"] = len(config.sensitivity_lambdas)
    return extra


def cpu_book_methods(table_id: str, config, experiment) -> tuple[str, ...]:
    """The methods `cpu_book_plan` times for `table_id` at its cpu `config`: `CPU_BOOK`'s, or (None) the config's
    `methods`, else its experiment module's METHODS."""
    listed = CPU_BOOK[table_id][1]
    return tuple(listed if listed is not None else getattr(config, "methods", None) or experiment.METHODS)


def _timed_run(train_run: Callable, config, method: str, seed: int) -> float:
    """ms per training step of one short run (inside a `replication.core.parallel` worker)."""
    run = train_run(config, parallel._DATA, method, seed, torch.device("cpu"), progress=False)
    return 1000 * run.result.wall_time_s / run.result.steps_done


def cpu_book_plan(steps: int, tables: list[str] | None = None) -> list[dict]:
    """Per method of every cpu-profile table: ms per step trained alone on all threads vs two runs at
    once in `replication.core.parallel`'s workers (1 thread each), and the training time each layout
    projects for the cpu book (runs × steps × ms/step, divided by the workers)."""
    import importlib
    from dataclasses import replace

    from replication.configs.profiles import get_profile

    threads = torch.get_num_threads()
    rows = []
    with _scratch_runs():
        for table_id, (module_name, _, _) in CPU_BOOK.items():
            if tables is not None and table_id not in tables:
                continue
            experiment = importlib.import_module(module_name)
            config = get_profile(table_id, "cpu")
            size = getattr(experiment, "IMAGE_SIZE", None) or getattr(config, "image_size", None)
            if table_id in PAIRED_TABLES:
                from replication.data.image_pairs import load_paired

                data = load_paired(config.dataset, size)
            elif table_id in UNPAIRED_TABLES:
                from replication.data.image_pairs import load_unpaired

                data = load_unpaired(config.dataset, size)
            elif table_id in TEXT_TABLES:
                from replication.data.captions import load_text

                data = load_text(config.dataset, size)
            else:
                data = load_dataset(config.dataset, size)
            short = replace(config, steps=steps, checkpoint_every=10**9)
            listed = cpu_book_methods(table_id, config, experiment)
            # the applications' own run trains on its subset of `data` (its batch: at most the subset's size)
            train_run = (
                experiment.train_application_run if table_id == "cvae_gan_applications" else experiment.train_run
            )
            for method in listed:
                torch.set_num_threads(threads)
                alone = _timed_run_here(train_run, short, data, method)
                with concurrent.futures.ProcessPoolExecutor(
                    2,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=parallel._start_worker,
                    initargs=(1, data),
                ) as pool:
                    pair = [pool.submit(_timed_run, train_run, short, method, seed) for seed in (1, 2)]
                    per_run = sum(f.result() for f in pair) / 2
                runs_needed = len(config.seeds) + extra_runs(table_id, config).get(method, 0)
                rows.append(
                    {
                        "table": table_id,
                        "method": method,
                        "runs": runs_needed,
                        "steps": config.steps,
                        f"ms/step alone ({threads} threads)": alone,
                        "ms/step in a pair (1 thread)": per_run,
                        "speed-up": alone / (per_run / 2),
                        "alone min": runs_needed * config.steps * alone / 60_000,
                        "workers min": runs_needed * config.steps * per_run / 2 / 60_000,
                    }
                )
    torch.set_num_threads(threads)
    return rows


@contextlib.contextmanager
def _scratch_runs():
    """Run folders in a temporary directory (the workers inherit it), the previous setting restored after."""
    previous = os.environ.get("REPLICATION_RUNS")
    with tempfile.TemporaryDirectory() as runs:
        os.environ["REPLICATION_RUNS"] = runs
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop("REPLICATION_RUNS", None)
            else:
                os.environ["REPLICATION_RUNS"] = previous


def _timed_run_here(train_run: Callable, config, data: ImageData, method: str) -> float:
    run = train_run(config, data, method, 0, torch.device("cpu"), progress=False)
    return 1000 * run.result.wall_time_s / run.result.steps_done


def print_cpu_book_plan(rows: list[dict]) -> None:
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for row in rows:
        print("| " + " | ".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in row.values()) + " |")
    alone, workers = sum(r["alone min"] for r in rows), sum(r["workers min"] for r in rows)
    print(
        f"\nProjected training time of the cpu book: {alone:.1f} min one run at a time on all threads, "
        f"{workers:.1f} min in two 1-thread workers ({alone / workers:.2f}×); evaluation and notebook start-up come on top "
        "(the Execution status page shows the measured wall time per notebook)."
    )


CPU_BOOK_FILE = "cpu-book.json"  # results/bench/: the cpu profile's own nets, per method (the speed page's cpu rows)


def save_cpu_book(
    rows: list[dict], title: str, steps: int, wall_time_s: float, tables: list[str] | None = None
) -> Path:
    """Write `cpu_book_plan`'s rows with provenance to results/bench/cpu-book.json (atomically).

    With `tables`, only those tables were timed: their rows replace the saved ones and every other
    table's rows are kept. Each row carries the date and commit of the run that timed it."""
    run = provenance("bench", {"name": "the cpu profile's data sets"}, torch.device("cpu"), wall_time_s, [])
    stamped = [{**row, "timed_utc": run["date_utc"], "timed_at_commit": run["git_commit"][:12]} for row in rows]
    path = results_root() / "bench" / CPU_BOOK_FILE
    if tables is not None and path.exists():
        saved = json.loads(path.read_text())
        earlier = saved["provenance"]
        kept = [
            {"timed_utc": earlier["date_utc"], "timed_at_commit": earlier["git_commit"][:12], **row}
            for row in saved["rows"]
            if row["table"] not in tables
        ]
        stamped = kept + stamped
    payload = {
        "title": f"{title}, the cpu profile's nets",
        "settings": {"steps_per_timed_run": steps},
        "rows": stamped,
        "provenance": run,
    }
    write_json_atomic(path, payload)
    print(f"\nsaved {path}")
    return path


def notebook_times(status_file: Path) -> list[dict]:
    if not status_file.exists():
        return []
    return [e for e in json.loads(status_file.read_text())["notebooks"] if e.get("kind") == "table"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--dataset", default="mnist5k", help="mnist5k (offline) or e.g. cifar10 / imagefolder:<path>")
    parser.add_argument("--iters", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--fid-samples", type=int, default=10_000)
    parser.add_argument(
        "--extractor", default=None, help="default: classifier:<dataset> on CPU, inception-v3-fid on GPU"
    )
    parser.add_argument("--compile", action="store_true", help="torch.compile in fast mode")
    parser.add_argument(
        "--cpu-book",
        type=int,
        nargs="?",
        const=20,
        default=None,
        metavar="STEPS",
        help="instead: every cpu-profile method, alone vs in two 1-thread workers (STEPS steps each, default 20), "
        "and the cpu book's projected training time (--save: results/bench/cpu-book.json)",
    )
    parser.add_argument(
        "--tables",
        nargs="*",
        default=None,
        help="with --cpu-book: time only these tables (--save then replaces their rows and keeps the others')",
    )
    parser.add_argument("--case", nargs="*", default=list(CASES), help=f"families: {', '.join(CASES)}")
    parser.add_argument(
        "--save", action="store_true", help="also write results/bench/<device>.json (shown in the book)"
    )
    args = parser.parse_args(argv)
    unknown = set(args.case) - set(CASES)
    if unknown:
        parser.error(f"unknown case(s) {sorted(unknown)}; valid: {', '.join(CASES)}")
    if args.cpu_book is not None:
        title = f"CPU, {torch.get_num_threads()} threads"
        print(f"# The cpu book's training, per method ({title}, torch {torch.__version__})\n")
        started = time.perf_counter()
        if args.tables is not None and set(args.tables) - set(CPU_BOOK):
            parser.error(f"unknown table(s) {sorted(set(args.tables) - set(CPU_BOOK))}; valid: {', '.join(CPU_BOOK)}")
        rows = cpu_book_plan(args.cpu_book, args.tables)
        print_cpu_book_plan(rows)
        if args.save:
            save_cpu_book(rows, title, args.cpu_book, time.perf_counter() - started, args.tables)
        return 0
    device = pick_device(args.device)
    data = load_dataset(args.dataset)
    extractor = args.extractor or ("inception-v3-fid" if device.type == "cuda" else f"classifier:{data.name}")
    title = torch.cuda.get_device_name(device) if device.type == "cuda" else f"CPU, {torch.get_num_threads()} threads"
    print(f"# Benchmark on {title}; data {data.name} {tuple(data.image_shape)}; torch {torch.__version__}\n")
    print("| model | mode | batch | images/s | ms/iter | peak MB | warm-up s | fast/baseline |")
    print("|---|---|---|---|---|---|---|---|")
    fid_rows, saved_rows = [], []
    started = time.perf_counter()
    for name in args.case:
        case = CASES[name](data, device)
        rows = [
            measure(case, data, device, mode, args.iters, args.warmup, args.compile) for mode in ("baseline", "fast")
        ]
        ratio = rows[1]["images/s"] / rows[0]["images/s"]
        saved_rows += [{"model": name, "batch": case.batch_size, "fast/baseline": ratio, **row} for row in rows]
        for row in rows:
            shown = f"{ratio:.2f}×" if row["mode"] == "fast" else ""
            print(
                f"| {name} | {row['mode']} | {case.batch_size} | {row['images/s']:.0f} | {row['ms/iter']:.1f} | "
                f"{row['peak MB']:.0f} | {row['warmup+compile s']:.1f} | {shown} |"
            )
        if case.sample is not None:  # the Pix2Pix cases time no FID
            fid_rows.append((name, fid_time(case, data, device, args.fid_samples, extractor)))
    print(f"\n| model | FID of {args.fid_samples} samples (generation + `{extractor}` features + distance), s |")
    print("|---|---|")
    for name, seconds in fid_rows:
        print(f"| {name} | {seconds:.1f} |")
    if args.save:
        slug = "cuda-" + title.lower().replace(" ", "-") if device.type == "cuda" else "cpu"
        payload = {
            "title": title,
            "settings": {k: v for k, v in vars(args).items() if k != "save"} | {"extractor": extractor},
            "training": saved_rows,
            "fid": [{"model": n, "samples": args.fid_samples, "seconds": s} for n, s in fid_rows],
            "provenance": provenance("bench", data.describe(), device, time.perf_counter() - started, []),
        }
        path = results_root() / "bench" / f"{slug}.json"
        write_json_atomic(path, payload)
        print(f"\nsaved {path}")
    times = notebook_times(repo_root() / "book" / "executed" / "status.json")
    if times:
        print("\n| notebook | profile | status | wall time s |")
        print("|---|---|---|---|")
        for entry in times:
            print(f"| {entry['notebook']} | {entry['profile']} | {entry['status']} | {entry.get('wall_time_s', '')} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
