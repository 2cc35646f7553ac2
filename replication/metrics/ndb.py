"""NDB and JSD: the number of statistically different bins (Richardson & Weiss, NeurIPS 2018).

The protocol MSGAN used (its authors ran `gans-n-gmms/utils/ndb.py`), rewritten here:

1. Cluster the real *training* images (flattened pixels) into K bins with k-means
   (fixed seed); the bin proportions of the training set are P_i.
2. Assign every generated sample to its nearest centroid; its proportions are Q_i.
3. For every bin run a two-proportion z-test:
       p̂ = (n_r P_i + n_g Q_i) / (n_r + n_g),   se = sqrt(p̂ (1 − p̂) (1/n_r + 1/n_g)),
       z = (P_i − Q_i) / se;   bin i is different when the two-sided p-value < α = 0.05.
   NDB = the number of different bins (NDB/K is also reported).
4. JSD = ½ KL(P ‖ M) + ½ KL(Q ‖ M), M = ½(P + Q), natural log, over the K bin proportions.

Per class (the label-conditioned setting): bins are fitted on each class's training images and
the class's samples are tested against them; the table reports the mean over classes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm
from sklearn.cluster import KMeans


@dataclass
class NDBResult:
    ndb: int  # number of significantly different bins
    bins: int  # K
    jsd: float  # Jensen–Shannon divergence of the bin proportions (nats)
    real_proportions: np.ndarray
    sample_proportions: np.ndarray
    different: np.ndarray  # bool [K]

    @property
    def ndb_fraction(self) -> float:
        return self.ndb / self.bins


def jensen_shannon_divergence(p: np.ndarray, q: np.ndarray) -> float:
    """JSD(P, Q) = ½ Σ P log(P/M) + ½ Σ Q log(Q/M), M = (P + Q)/2; 0·log 0 = 0; natural log."""
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    m = 0.5 * (p + q)

    def kl(a: np.ndarray, b: np.ndarray) -> float:
        mask = a > 0
        return float(np.sum(a[mask] * np.log(a[mask] / b[mask])))

    return 0.5 * kl(p, m) + 0.5 * kl(q, m)


def two_proportion_z_test(p1: np.ndarray, n1: int, p2: np.ndarray, n2: int, alpha: float = 0.05) -> np.ndarray:
    """Per-bin two-sided test of P_i = Q_i; True where the difference is significant at α."""
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    se = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, (p1 - p2) / se, 0.0)
    p_values = 2.0 * norm.sf(np.abs(z))
    return p_values < alpha


class NDBBins:
    """K-means bins fitted once on real training samples, reused for every evaluated model."""

    def __init__(self, real: np.ndarray, bins: int, seed: int = 0, alpha: float = 0.05):
        real = np.asarray(real, dtype=np.float64).reshape(len(real), -1)
        if bins > len(real):
            raise ValueError(f"NDB needs at least K={bins} real samples to fit K bins, got {len(real)}")
        self.bins, self.seed, self.alpha = bins, seed, alpha
        self.kmeans = KMeans(n_clusters=bins, n_init=3, random_state=seed).fit(real)
        self.n_real = len(real)
        self.real_proportions = np.bincount(self.kmeans.labels_, minlength=bins) / self.n_real

    def evaluate(self, samples: np.ndarray) -> NDBResult:
        samples = np.asarray(samples, dtype=np.float64).reshape(len(samples), -1)
        assigned = self.kmeans.predict(samples)
        proportions = np.bincount(assigned, minlength=self.bins) / len(samples)
        different = two_proportion_z_test(self.real_proportions, self.n_real, proportions, len(samples), self.alpha)
        return NDBResult(
            ndb=int(different.sum()),
            bins=self.bins,
            jsd=jensen_shannon_divergence(self.real_proportions, proportions),
            real_proportions=self.real_proportions,
            sample_proportions=proportions,
            different=different,
        )
