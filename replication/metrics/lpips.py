"""LPIPS diversity (MSGAN's measure for Pix2Pix): the mean perceptual distance between two outputs
for the same input and different noise. Higher is more diverse.

LPIPS (Zhang et al. 2018, eq. 1) compares the activations of L layers of a network,
each unit-normalised along channels (ŷ = y / ‖y‖₂ per position), with learned channel weights w_l:

    d(x, x0) = Σ_l 1/(H_l W_l) Σ_{h,w} ‖ w_l ⊙ (ŷ_l,hw − ŷ0_l,hw) ‖²

(the `lpips` package applies the non-negative w_l to the squared channel differences, a 1×1 conv).
Two implementations behind one interface, `PerceptualDistance`:

- the real one: the `lpips` package, AlexNet, linear weights v0.1, used only when the package is
  installed AND torchvision's AlexNet weights are already in the torch hub cache, so that nothing
  is ever downloaded (the package's own AlexNet is built random and the cached file loaded into it);
- a named stand-in otherwise: the same formula on the three conv stages (post-ReLU) of the project's
  `classifier:<dataset>` network, with unit weights w_l = 1. It is not AlexNet LPIPS and its values
  are not comparable with the paper's; its name says so wherever it is printed.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import math
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.models import AlexNet_Weights

from replication.core.io import sha256_file
from replication.metrics.features import ClassifierExtractor

ALEXNET_URL = AlexNet_Weights.IMAGENET1K_V1.url  # …/alexnet-owt-7be5be79.pth; 7be5be79 = sha256 prefix
DIVERSITY_PROTOCOL = (
    "same-input diversity: for each of {inputs} inputs, {pairs} pairs z1, z2 ~ N(0, I) (seed {seed}), "
    "mean {name} distance between G(x, z1) and G(x, z2); images in [-1, 1]"
)


def unit_normalise(y: torch.Tensor, eps: float = 1e-10) -> torch.Tensor:
    """ŷ = y / (‖y‖₂ + ε) along channels at every position (as `lpips.normalize_tensor`)."""
    return y / (y.norm(dim=1, keepdim=True) + eps)


def lpips_from_features(ya: list[torch.Tensor], yb: list[torch.Tensor]) -> torch.Tensor:
    """Σ_l mean_hw Σ_c (ŷ_l − ŷ0_l)², unit weights, for per-layer activations [N, C_l, H_l, W_l] → [N]."""
    return sum(((unit_normalise(a) - unit_normalise(b)) ** 2).sum(1).mean((1, 2)) for a, b in zip(ya, yb, strict=True))


class PerceptualDistance:
    """d(a, b) per image pair, for image batches in [-1, 1]; `name` goes into the protocol line."""

    name: str
    device: torch.device

    def _distance(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:  # pragma: no cover - interface
        raise NotImplementedError

    @torch.no_grad()
    def distance(self, a: torch.Tensor, b: torch.Tensor, batch_size: int = 256) -> torch.Tensor:
        """[N] distances between a[i] and b[i] (float32, on the CPU)."""
        if a.shape != b.shape:
            raise ValueError(f"image batches differ in shape: {list(a.shape)} vs {list(b.shape)}")
        chunks = [
            self._distance(a[i : i + batch_size].to(self.device).float(), b[i : i + batch_size].to(self.device).float())
            for i in range(0, len(a), batch_size)
        ]
        return torch.cat(chunks).float().cpu()

    def describe(self) -> dict:  # pragma: no cover - interface
        raise NotImplementedError


class AlexNetLPIPS(PerceptualDistance):
    """The `lpips` package's LPIPS v0.1 on AlexNet (its default, and what MSGAN reports)."""

    def __init__(self, model: nn.Module, device: torch.device, weights: Path, package_version: str):
        self.model, self.device = model.to(device).eval(), device
        self.weights, self.package_version = weights, package_version
        self.name = "LPIPS v0.1 (AlexNet, lpips package)"

    def _distance(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        if a.shape[1] == 1:
            a, b = a.repeat(1, 3, 1, 1), b.repeat(1, 3, 1, 1)
        return self.model(a, b).flatten()

    def describe(self) -> dict:
        return {
            "name": self.name,
            "network": "AlexNet (torchvision IMAGENET1K_V1), relu1..relu5",
            "weights": "learned linear weights v0.1 (from the lpips package)",
            "alexnet_file": str(self.weights),
            "lpips_version": self.package_version,
            "input": "[-1, 1] at the images' own size; grey repeated to RGB",
        }


class ClassifierLPIPS(PerceptualDistance):
    """The LPIPS formula on the post-ReLU outputs of `SmallClassifier.body`'s three conv stages, w_l = 1.

    Images are fed as the classifier expects: grey repeated to RGB or RGB to grey (BT.601 luma) to
    match its input channels, and bilinearly resized to its training size if theirs differs.
    """

    def __init__(self, extractor: ClassifierExtractor, real_lpips_unavailable: str | None = None):
        body = extractor.model.body
        if extractor.model.training:
            raise ValueError("the classifier must be in eval mode (BatchNorm with its running statistics)")
        if not all(isinstance(body[i], nn.ReLU) for i in (2, 5, 8)) or not isinstance(body[10], nn.Linear):
            raise ValueError("expected SmallClassifier.body: 3 × (conv, BN, ReLU), flatten, linear")
        self.stages = [body[0:3], body[3:6], body[6:9]]
        self.device = extractor.device
        self.in_channels = body[0].in_channels
        cells = body[10].in_features // body[6].out_channels  # (S/8)² positions after three stride-2 convs
        self.image_size = 8 * math.isqrt(cells)
        self.extractor_name, self.extractor_sha256 = extractor.name, extractor.sha256
        self.real_lpips_unavailable = real_lpips_unavailable
        self.name = f"LPIPS stand-in: {extractor.name} conv features, unit weights (not AlexNet LPIPS)"

    def classifier_input(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[1] == 1 and self.in_channels == 3:
            x = x.repeat(1, 3, 1, 1)
        elif x.shape[1] == 3 and self.in_channels == 1:
            x = (x * torch.tensor([0.299, 0.587, 0.114], device=x.device)[None, :, None, None]).sum(1, keepdim=True)
        elif x.shape[1] != self.in_channels:
            raise ValueError(f"images have {x.shape[1]} channels; the classifier takes {self.in_channels}")
        if x.shape[-2:] != (self.image_size, self.image_size):
            x = F.interpolate(x, size=(self.image_size,) * 2, mode="bilinear", align_corners=False, antialias=True)
        return x

    def features(self, x: torch.Tensor) -> list[torch.Tensor]:
        h, out = self.classifier_input(x), []
        for stage in self.stages:
            h = stage(h)
            out.append(h)
        return out

    def _distance(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return lpips_from_features(self.features(a), self.features(b))

    def describe(self) -> dict:
        info = {
            "name": self.name,
            "network": f"{self.extractor_name} (sha256 {self.extractor_sha256[:12]}), 3 conv stages after ReLU",
            "weights": "w_l = 1 (no learned calibration)",
            "input": f"{self.in_channels} channel(s), {self.image_size}×{self.image_size}, [-1, 1]",
            "stand_in_for": "LPIPS v0.1 AlexNet",
        }
        if self.real_lpips_unavailable:
            info["real_lpips_unavailable"] = self.real_lpips_unavailable
        return info


def lpips_installed() -> bool:
    return importlib.util.find_spec("lpips") is not None


def alexnet_cache_path() -> Path:
    """Where torchvision keeps AlexNet's ImageNet weights: <torch hub dir>/checkpoints/alexnet-owt-7be5be79.pth."""
    return Path(torch.hub.get_dir()) / "checkpoints" / ALEXNET_URL.rsplit("/", 1)[-1]


def load_alexnet_features(net: nn.Module, state: dict[str, torch.Tensor]) -> None:
    """Copy torchvision AlexNet's `features.<i>.*` into lpips' `slice1..5`, whose children keep the index i."""
    loaded = set()
    for name, module in net.named_modules():
        index = name.rsplit(".", 1)[-1]
        if not name.startswith("slice") or "." not in name:
            continue
        for param_name, param in module.named_parameters(recurse=False):
            key = f"features.{index}.{param_name}"
            param.data.copy_(state[key])
            loaded.add(key)
    expected = {k for k in state if k.startswith("features.")}
    if loaded != expected:
        raise ValueError(f"AlexNet features not loaded: {sorted(expected - loaded)}")


def real_lpips(device: str | torch.device = "cpu") -> tuple[PerceptualDistance | None, str]:
    """(AlexNet LPIPS v0.1, where its weights came from), or (None, why not). Never downloads."""
    if not lpips_installed():
        return None, "lpips not installed (pip install lpips)"
    path = alexnet_cache_path()
    if not path.exists():
        return None, f"AlexNet weights not in the torch cache ({path})"
    prefix = ALEXNET_URL.rsplit("-", 1)[-1].split(".")[0]  # torch hub's check: the sha256 starts with it
    if not sha256_file(path).startswith(prefix):
        return None, f"AlexNet weights in the torch cache fail their checksum ({path}; sha256 should start {prefix})"
    try:
        import lpips

        # pnet_rand=True builds AlexNet without weights (no download); the linear layers ship with the package
        model = lpips.LPIPS(net="alex", version="0.1", pretrained=True, pnet_rand=True, verbose=False)
        load_alexnet_features(model.net, torch.load(path, map_location="cpu", weights_only=True))
    except Exception as error:  # an incompatible lpips version must not stop the notebook
        return None, f"lpips could not be set up: {error!r}"
    version = importlib.metadata.version("lpips")
    return AlexNetLPIPS(model, torch.device(device), path, version), f"AlexNet weights from {path}"


def classifier_lpips(extractor: ClassifierExtractor, real_lpips_unavailable: str | None = None) -> PerceptualDistance:
    """The named stand-in on the project's classifier (see `ClassifierLPIPS`)."""
    return ClassifierLPIPS(extractor, real_lpips_unavailable)


def perceptual_distance(extractor: ClassifierExtractor, device: str | torch.device = "cpu") -> PerceptualDistance:
    """Real AlexNet LPIPS when it is available offline, else the classifier stand-in (which records why).
    With the Inception extractor (gpu/paper) there is no classifier to stand in: real LPIPS or an error
    that says how to get it."""
    real, reason = real_lpips(device)
    if real is not None:
        return real
    if not isinstance(extractor, ClassifierExtractor):
        raise RuntimeError(
            f"LPIPS diversity needs AlexNet LPIPS here ({reason}). Install it and cache AlexNet's weights once: "
            "pip install lpips && python -c \"import torchvision; torchvision.models.alexnet(weights='DEFAULT')\""
        )
    return classifier_lpips(extractor, real_lpips_unavailable=reason)


@torch.no_grad()
def same_input_diversity(
    generate: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    inputs: torch.Tensor,
    nz: int,
    pairs: int,
    distance: PerceptualDistance,
    seed: int,
    batch_size: int = 64,
) -> float:
    """Mean d(G(x, z1), G(x, z2)) over every input x ([N, C, H, W]) and `pairs` noise pairs per input.

    All z's are drawn first, as one [2, pairs, N, nz] tensor from a torch.Generator seeded by `seed`,
    so the value does not depend on `batch_size`. `generate(x, z)` must be deterministic (put the
    generator in eval mode); z is moved to the inputs' device.
    """
    rng = torch.Generator().manual_seed(seed)
    z = torch.randn(2, pairs, len(inputs), nz, generator=rng)
    total, count = 0.0, 0
    for p in range(pairs):
        for i in range(0, len(inputs), batch_size):
            x = inputs[i : i + batch_size]
            z1, z2 = z[0, p, i : i + batch_size].to(x.device), z[1, p, i : i + batch_size].to(x.device)
            d = distance.distance(generate(x, z1), generate(x, z2))
            total, count = total + float(d.double().sum()), count + len(d)
    return total / count
