"""Summaries over seeds and the rule that turns per-seed numbers into a verdict.

The rule (printed in the book beside every verdict): for a claim "method B is lower than method A
on metric M", take the per-seed paired differences d_s = M_B(s) − M_A(s) (same seed, same steps,
same evaluation samples' seed) and their two-sided 95 % t confidence interval
d̄ ± t_{0.975, n−1} · sd(d)/√n.

- "lower" claims:  holds if the whole interval is < 0; does not hold if it is > 0; else inconclusive
  ("higher" claims mirror it: holds if the whole interval is > 0).
- "not worse" claims (non-inferiority with margin δ·|mean_A|): holds if the interval's upper end
  is < δ·|mean_A|; does not hold if its lower end is > δ·|mean_A|; else inconclusive.
- "within" claims (B ≈ A, equivalence within ±δ·|mean_A|): holds if the whole interval lies
  inside (−δ·|mean_A|, +δ·|mean_A|); does not hold if it lies entirely outside; else inconclusive.
- fewer than 2 seeds: inconclusive (no interval can be formed).
- a claim made of several parts holds if every part holds, does not hold if any part does not
  hold, and is inconclusive otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

HOLDS, DOES_NOT_HOLD, INCONCLUSIVE = "holds", "does not hold", "inconclusive"
CLAIMS = ("lower", "higher", "not worse", "within")
CONFIDENCE = 0.95


def summarise(values: Sequence[float]) -> dict:
    """mean, sample std (ddof=1; 0 for one value), n and the values themselves."""
    array = np.asarray(values, dtype=np.float64)
    return {
        "mean": float(array.mean()),
        "std": float(array.std(ddof=1)) if len(array) > 1 else 0.0,
        "n": int(len(array)),
        "values": [float(v) for v in array],
    }


@dataclass
class PairedComparison:
    metric: str
    claim: str  # "lower", "higher", "not worse" or "within"
    method_a: str
    method_b: str
    mean_difference: float  # mean of B − A
    ci_low: float
    ci_high: float
    n: int
    margin: float  # the non-inferiority margin in metric units (0 for "lower")
    verdict: str

    def as_dict(self) -> dict:
        return asdict(self)


def t_interval(differences: Sequence[float], confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """(mean, low, high) of the two-sided t interval; (mean, −inf, inf) for fewer than 2 values."""
    d = np.asarray(differences, dtype=np.float64)
    mean = float(d.mean())
    if len(d) < 2:
        return mean, -math.inf, math.inf
    half = float(stats.t.ppf(0.5 + confidence / 2, len(d) - 1) * d.std(ddof=1) / math.sqrt(len(d)))
    return mean, mean - half, mean + half


def compare_paired(
    metric: str,
    a_name: str,
    a: Sequence[float],
    b_name: str,
    b: Sequence[float],
    claim: str = "lower",
    margin: float = 0.0,
) -> PairedComparison:
    """Verdict for "B is lower / higher than A", "B is not worse than A" (B may exceed A by up to
    δ·|mean A|, lower is better) or "B is within ±δ·|mean A| of A", from seed-paired values."""
    if len(a) != len(b):
        raise ValueError(f"paired comparison needs one value per seed for both methods ({len(a)} vs {len(b)})")
    if claim not in CLAIMS:
        raise ValueError(f"claim must be one of {CLAIMS}, got {claim!r}")
    differences = [vb - va for va, vb in zip(a, b, strict=False)]
    mean, low, high = t_interval(differences)
    bound = margin * abs(float(np.mean(a))) if claim in ("not worse", "within") else 0.0
    if len(differences) < 2:
        verdict = INCONCLUSIVE
    elif claim == "higher":
        verdict = HOLDS if low > 0 else DOES_NOT_HOLD if high < 0 else INCONCLUSIVE
    elif claim == "within":
        inside = -bound < low and high < bound
        outside = low > bound or high < -bound
        verdict = HOLDS if inside else DOES_NOT_HOLD if outside else INCONCLUSIVE
    elif high < bound:
        verdict = HOLDS
    elif low > bound:
        verdict = DOES_NOT_HOLD
    else:
        verdict = INCONCLUSIVE
    return PairedComparison(metric, claim, a_name, b_name, mean, low, high, len(differences), bound, verdict)


def compare_methods(
    metrics: dict, seeds: Sequence[int], metric: str, a: str, b: str, claim: str = "lower", margin: float = 0.0
) -> PairedComparison:
    """`compare_paired` on metrics[method][seed][metric] for methods a (reference) and b."""
    values = {m: [metrics[m][s][metric] for s in seeds] for m in (a, b)}
    return compare_paired(metric, a, values[a], b, values[b], claim, margin)


def combine_verdicts(verdicts: Sequence[str]) -> str:
    """All parts hold → holds; any part does not hold → does not hold; otherwise inconclusive."""
    if verdicts and all(v == HOLDS for v in verdicts):
        return HOLDS
    if any(v == DOES_NOT_HOLD for v in verdicts):
        return DOES_NOT_HOLD
    return INCONCLUSIVE
