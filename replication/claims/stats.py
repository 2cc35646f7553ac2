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
- one seed: "inconclusive (one seed)" — no interval can be formed (it is stored as null, shown as "—").
- a method that was not run (a notebook given a subset of `methods`): the comparison is "not run",
  with no interval.
- a claim made of several parts holds if every part holds, does not hold if any part does not
  hold; otherwise it is "not run" if a part was not run (the claim cannot be established without
  it), "inconclusive (one seed)" if every part had one seed, and inconclusive otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

HOLDS, DOES_NOT_HOLD, INCONCLUSIVE = "holds", "does not hold", "inconclusive"
ONE_SEED = "inconclusive (one seed)"  # n = 1: no interval
NOT_RUN = "not run"  # a method of the comparison was not trained (a subset of `methods`)
VERDICTS = (HOLDS, DOES_NOT_HOLD, INCONCLUSIVE, ONE_SEED, NOT_RUN)
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
    mean_difference: float | None  # mean of B − A (None: not run)
    ci_low: float | None  # None: one seed or not run (JSON null)
    ci_high: float | None
    n: int
    margin: float | None  # the non-inferiority margin in metric units (0 for "lower"; None: not run)
    verdict: str

    def as_dict(self) -> dict:
        return asdict(self)


def t_interval(
    differences: Sequence[float], confidence: float = CONFIDENCE
) -> tuple[float, float | None, float | None]:
    """(mean, low, high) of the two-sided t interval; (mean, None, None) for fewer than 2 values."""
    d = np.asarray(differences, dtype=np.float64)
    mean = float(d.mean())
    if len(d) < 2:
        return mean, None, None
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
        verdict = ONE_SEED
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
    """`compare_paired` on metrics[method][seed][metric] for methods a (reference) and b; a "not run"
    comparison (no numbers) when either method has no metrics for these seeds."""
    if any(m not in metrics or any(s not in metrics[m] for s in seeds) for m in (a, b)):
        return not_run(metric, a, b, claim)
    values = {m: [metrics[m][s][metric] for s in seeds] for m in (a, b)}
    return compare_paired(metric, a, values[a], b, values[b], claim, margin)


def not_run(metric: str, a_name: str, b_name: str, claim: str = "lower", n: int = 0) -> PairedComparison:
    """The comparison of a method that was not trained: verdict "not run", no numbers."""
    return PairedComparison(metric, claim, a_name, b_name, None, None, None, n, None, NOT_RUN)


def combine_verdicts(verdicts: Sequence[str]) -> str:
    """All parts hold → holds; any part does not hold → does not hold; otherwise not run if a part
    was not run, inconclusive (one seed) if every part had one seed, else inconclusive."""
    if verdicts and all(v == HOLDS for v in verdicts):
        return HOLDS
    if any(v == DOES_NOT_HOLD for v in verdicts):
        return DOES_NOT_HOLD
    if any(v == NOT_RUN for v in verdicts):
        return NOT_RUN
    if verdicts and all(v == ONE_SEED for v in verdicts):
        return ONE_SEED
    return INCONCLUSIVE
