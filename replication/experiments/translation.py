"""What the tables with several outputs per input share (Pix2Pix, DRIT, StackGAN): their evaluation extractor,
loaded at their outputs' own image size, and the scores of a batch of such outputs."""

from __future__ import annotations

import torch

from replication.data.images import load_dataset
from replication.metrics.features import ClassifierConfig, FeatureExtractor, get_extractor
from replication.metrics.fid import frechet_distance
from replication.metrics.lpips import PerceptualDistance
from replication.metrics.ndb import NDBBins

DIVERSITY = "LPIPS diversity"
SPREAD_METRICS = ("FID", DIVERSITY, "NDB", "JSD")  # what `spread_scores` measures, in its order


def named_extractor(name: str, image_size: int, device: torch.device, classifier: ClassifierConfig) -> FeatureExtractor:
    """The feature extractor `name` (`replication.metrics.features.get_extractor`); a `classifier:<dataset>`
    one trains (or loads) its classifier on `<dataset>` at `image_size` with the `classifier` settings."""
    data = None
    if name.startswith("classifier:"):
        data = load_dataset(name.split(":", 1)[1], image_size=image_size)
    return get_extractor(name, data, device, classifier)


def consecutive_distance(outputs: torch.Tensor, distance: PerceptualDistance) -> float:
    """Mean distance between outputs k and k+1 of the same input (the LPIPS diversity of `outputs`)."""
    return float(torch.cat([distance.distance(outputs[k], outputs[k + 1]) for k in range(len(outputs) - 1)]).mean())


def spread_scores(
    outputs: torch.Tensor,
    extractor: FeatureExtractor,
    real_features: torch.Tensor,
    bins: NDBBins,
    distance: PerceptualDistance,
) -> tuple[dict[str, float], torch.Tensor]:
    """FID, LPIPS diversity, NDB and JSD of `outputs` [k, inputs, C, H, W] (k outputs for each input), and the
    features of all of them."""
    flat = outputs.flatten(0, 1)
    features = extractor.features(flat)
    ndb = bins.evaluate(flat.numpy())
    scores = {
        "FID": frechet_distance(real_features, features),
        DIVERSITY: consecutive_distance(outputs, distance),
        "NDB": float(ndb.ndb),
        "JSD": ndb.jsd,
    }
    return scores, features
