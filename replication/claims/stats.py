"""Summaries over seeds and the analysis plan that turns per-seed numbers into a verdict.

The analysis plan (fixed before any number; the methods page states it too). A claim "method B is
lower / higher / not worse / within ±δ of method A on metric M" is split into parts, one per
(metric, pair of methods); each part is a test on the seed-paired differences d_s = M_B(s) − M_A(s)
(same seed, same steps, same evaluation samples' seed), n seeds, d̄ their mean, se = sd(d)/√n.

Scale. FID-type metrics (a name containing "fid": FID, intra-class FID, "FID (A→B)") are distances
whose ratios matter and whose spread grows with their level, so they are analysed on the log
scale: d_s = log M_B(s) − log M_A(s), and a relative margin δ becomes log(1 + δ) (a ratio B/A of at
most 1 + δ). Every other metric is analysed in its own units, where a relative margin δ becomes
δ·|mean_A|. `scale` records which ("log" or "linear"); `estimate`, `ci_low`, `ci_high`, `margin`
and `mde` are on that scale (the page shows log-scale ones as ratios B/A), while `mean_difference`
is always the mean of B − A in the metric's units.

Each part is one test at α = 0.05, with the interval that matches it:
- "lower" / "higher" (margin 0): the two-sided paired t test; its 95 % interval d̄ ± t_{0.975, n−1}·se.
  p (holds) = 2·P(T ≤ t) for "lower" (2·P(T ≥ t) for "higher"), p (does not hold) the same for the
  opposite direction, t = d̄/se. Holds when p (holds) < 0.05, i.e. the 95 % interval lies below 0
  (above 0 for "higher"); does not hold when it lies on the other side.
- "not worse" (non-inferiority; lower is better, margin m): the one-sided t test of H0 d ≥ m;
  its 90 % interval (one-sided 95 % bounds). p (holds) = P(T ≤ (d̄ − m)/se): holds when < 0.05,
  i.e. the interval's upper end is below m; p (does not hold) = P(T ≥ (d̄ − m)/se): does not hold
  (B is worse by more than the margin) when < 0.05, i.e. the interval's lower end is above m.
- "not lower" (non-inferiority; higher is better, margin m): the mirror image, the one-sided t test of
  H0 d ≤ −m; its 90 % interval. p (holds) = P(T ≥ (d̄ + m)/se): holds when < 0.05, i.e. the interval's
  lower end is above −m; p (does not hold) = P(T ≤ (d̄ + m)/se): does not hold when < 0.05 (B falls
  below A by more than the margin: the interval's upper end is below −m).
- "within" (equivalence within ±m): TOST, the two one-sided tests at α = 0.05; its 90 % interval.
  p (holds) = max(P(T ≥ (d̄ + m)/se), P(T ≤ (d̄ − m)/se)): holds when < 0.05, i.e. the 90 % interval
  lies inside (−m, +m). Does not hold when B differs from A by more than the margin: p (does not
  hold) = min(P(T ≥ (d̄ − m)/se), P(T ≤ (d̄ + m)/se)) < 0.05, i.e. the 90 % interval lies wholly
  outside the margin (above +m or below −m). In between: inconclusive.
- one seed: "inconclusive (one seed)" — no test can be formed (interval and p stored as null,
  shown as "—"). A method that was not run: "not run", with no numbers.

Multiplicity: Holm–Bonferroni within each claim, over its parts, family-wise α = 0.05, applied
separately to the parts' p (holds) and to their p (does not hold); the adjusted values are stored
beside each part (`p_holds_adjusted`, `p_does_not_hold_adjusted`) and the part's verdict is taken
from them (`verdict_unadjusted` keeps the part's own). The interval is the part's own, unadjusted
one: it agrees with `verdict_unadjusted`; where Holm changes a verdict the adjusted p says why. A
claim holds if every part holds, does not hold if any part does not hold; otherwise it is "not
run" if a part was not run, "inconclusive (one seed)" if every part had one seed, else
inconclusive. (For "holds" Holm is conservative: every part must hold anyway.) The summary page
adds a second, wider family — Holm over all of the book's tested claims — beside each verdict.

Robustness: wherever 2 ≤ n ≤ 12, an exact paired sign-flip (permutation) p is stored beside the t
p: all 2^n sign flips of the differences centred on the tested bound, statistic their mean, same
sidedness as the t test (doubled for "lower" / "higher", the larger of the two for TOST). Decisions
stay on the t test; the sign-flip p is a column that shows how far they lean on its normality
(at n = 5 the smallest attainable two-sided sign-flip p is 2/32 = 0.0625, one-sided 1/32).

Power (80 %, the part's own α: 0.025 one-sided for "lower"/"higher", 0.05 for "not worse", "not lower" and
TOST), from the observed sd of the paired differences, by the noncentral t distribution: `mde` is
the smallest true effect the test detects with 80 % power at the n used (the distance of the true
mean difference beyond 0 for "lower"/"higher", below the margin for "not worse" (above −margin for "not lower"); the half-width of
the equivalence region for "within"), and `seeds_for_80_power` the n that 80 % power needs for the
effect of interest: the margin for "not worse", "not lower" and "within" (with B truly equal to A) and, for
"lower"/"higher" (no margin), the observed mean difference |d̄|. Both are None where undefined
(n < 2, sd = 0, or no effect of interest).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np
from scipy import optimize, stats

HOLDS, DOES_NOT_HOLD, INCONCLUSIVE = "holds", "does not hold", "inconclusive"
ONE_SEED = "inconclusive (one seed)"  # n = 1: no interval
NOT_RUN = "not run"  # a method of the comparison was not trained (a subset of `methods`)
VERDICTS = (HOLDS, DOES_NOT_HOLD, INCONCLUSIVE, ONE_SEED, NOT_RUN)
CLAIMS = ("lower", "higher", "not worse", "not lower", "within")
CONFIDENCE = 0.95  # two-sided interval of "lower" / "higher" parts (and of the regime checks)
ALPHA = 0.05  # every part's test, and the family-wise level of Holm within a claim
POWER = 0.80
SIGN_FLIP_MAX_N = 12  # 2^12 = 4096 sign flips
MAX_SEEDS = 1_000_000  # seeds_for_80_power beyond this: None


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
    claim: str  # "lower", "higher", "not worse", "not lower" or "within"
    method_a: str
    method_b: str
    mean_difference: float | None  # mean of B − A in the metric's units (None: not run)
    ci_low: float | None  # on `scale`; None: one seed or not run (JSON null)
    ci_high: float | None
    n: int
    margin: float | None  # the margin on `scale` (0 for "lower" / "higher"; None: not run)
    verdict: str  # after Holm within the claim (`adjust_within_claim`); a lone part: its own
    # the analysis plan's fields (absent from results files written before it: the page shows "—")
    scale: str = "linear"  # "log" for FID-type metrics: differences of log values
    estimate: float | None = None  # mean paired difference on `scale` (log ratio B/A for "log")
    confidence: float | None = None  # the interval's level: 0.95 ("lower" / "higher") or 0.90
    sd_difference: float | None = None  # sd of the paired differences on `scale`
    p_holds: float | None = None  # the part's t test for the claim's direction
    p_does_not_hold: float | None = None  # … and for the opposite conclusion
    p_holds_adjusted: float | None = None  # Holm within the claim
    p_does_not_hold_adjusted: float | None = None
    p_signflip_holds: float | None = None  # exact sign-flip p (2 ≤ n ≤ 12), a robustness column
    p_signflip_does_not_hold: float | None = None
    mde: float | None = None  # minimum detectable effect on `scale` at n, 80 % power
    effect_of_interest: float | None = None  # the effect `seeds_for_80_power` is computed for
    seeds_for_80_power: int | None = None
    verdict_unadjusted: str | None = None  # the part's verdict from its own p (agrees with its interval)

    def as_dict(self) -> dict:
        return asdict(self)


def is_ratio_metric(metric: str) -> bool:
    """FID-type metrics (the name contains "fid"), analysed on the log scale."""
    return "fid" in metric.lower()


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


def _p_below(mean: float, se: float, df: int, bound: float) -> float:
    """One-sided t p for H1: true mean < bound (P(T ≤ t)); a zero spread decides by the sign alone."""
    if se == 0:
        return 0.0 if mean < bound else 1.0 if mean > bound else 0.5
    return float(stats.t.cdf((mean - bound) / se, df))


def _p_above(mean: float, se: float, df: int, bound: float) -> float:
    return _p_below(-mean, se, df, -bound)


def signflip_p_below(differences: Sequence[float], bound: float = 0.0) -> float:
    """Exact one-sided sign-flip p for H1: true mean < bound: the share of the 2^n sign flips of the
    centred differences (d − bound) whose mean is at most the observed one (the identity included)."""
    c = np.asarray(differences, dtype=np.float64) - bound
    signs = np.array(list(itertools.product((1.0, -1.0), repeat=len(c))))
    flipped = signs @ c
    observed = float(c.sum())
    tol = 1e-9 * max(1.0, float(np.abs(c).sum()))
    return float(np.mean(flipped <= observed + tol))


def signflip_p_above(differences: Sequence[float], bound: float = 0.0) -> float:
    return signflip_p_below([-x for x in differences], -bound)


def _directional(claim: str, below, above, m: float) -> tuple[float, float]:
    """(p holds, p does not hold) of a claim from one-sided p functions below(bound) / above(bound)."""
    if claim == "lower":
        return min(1.0, 2 * below(0.0)), min(1.0, 2 * above(0.0))
    if claim == "higher":
        return min(1.0, 2 * above(0.0)), min(1.0, 2 * below(0.0))
    if claim == "not worse":
        return below(m), above(m)
    if claim == "not lower":
        return above(-m), below(-m)
    return max(above(-m), below(m)), min(above(m), below(-m))  # "within": TOST / wholly outside


def verdict_from_p(p_holds: float, p_does_not_hold: float, alpha: float = ALPHA) -> str:
    if p_holds < alpha:
        return HOLDS
    if p_does_not_hold < alpha:
        return DOES_NOT_HOLD
    return INCONCLUSIVE


def one_sided_alpha(claim: str) -> float:
    """The one-sided level each one-sided test of the part runs at: 0.025 for the two-sided
    "lower" / "higher" test, 0.05 for non-inferiority and each test of TOST."""
    return ALPHA / 2 if claim in ("lower", "higher") else ALPHA


def power_one_sided(effect: float, sd: float, n: int, alpha: float) -> float:
    """Power of the one-sided paired t test at level `alpha` when the true mean lies `effect` beyond
    the tested bound (noncentral t with n − 1 degrees of freedom, noncentrality effect·√n/sd)."""
    df = n - 1
    return float(stats.nct.sf(stats.t.ppf(1 - alpha, df), df, effect * math.sqrt(n) / sd))


def power(claim: str, effect: float, sd: float, n: int) -> float:
    """The part's power for an effect of interest (for "within": at B = A, margin `effect`; TOST
    power taken as 2·P(one side) − 1, exact up to the two sides' overlap)."""
    one = power_one_sided(effect, sd, n, one_sided_alpha(claim))
    return max(0.0, 2 * one - 1) if claim == "within" else one


def minimum_detectable_effect(claim: str, sd: float, n: int, target: float = POWER) -> float | None:
    """The effect `power` reaches `target` at, for n seeds and the observed sd (None: n < 2 or sd = 0)."""
    if n < 2 or not sd > 0:
        return None
    high = sd
    while power(claim, high, sd, n) < target:
        high *= 2
    return float(optimize.brentq(lambda e: power(claim, e, sd, n) - target, 0.0, high, xtol=1e-12 * high))


def seeds_for_power(claim: str, effect: float | None, sd: float, target: float = POWER) -> int | None:
    """The smallest n ≥ 2 at which `power` reaches `target` for `effect` (None: no effect, sd = 0, or
    more than `MAX_SEEDS`)."""
    if effect is None or not effect > 0 or not sd > 0:
        return None
    if power(claim, effect, sd, 2) >= target:
        return 2
    low, high = 2, 4
    while power(claim, effect, sd, high) < target:
        low, high = high, high * 2
        if high > MAX_SEEDS:
            return None
    while high - low > 1:  # power grows with n: bisect on (low fails, high reaches)
        mid = (low + high) // 2
        low, high = (mid, high) if power(claim, effect, sd, mid) < target else (low, mid)
    return high


def compare_paired(
    metric: str,
    a_name: str,
    a: Sequence[float],
    b_name: str,
    b: Sequence[float],
    claim: str = "lower",
    margin: float = 0.0,
) -> PairedComparison:
    """One part of a claim by the analysis plan (module docstring): "B is lower / higher than A",
    "B is not worse than A" (B may exceed A by up to the relative margin δ, lower is better), "B is not
    lower than A" (B may fall below A by up to δ, higher is better) or
    "B is within ±δ of A", from seed-paired values. FID-type metrics on the log scale."""
    if len(a) != len(b):
        raise ValueError(f"paired comparison needs one value per seed for both methods ({len(a)} vs {len(b)})")
    if claim not in CLAIMS:
        raise ValueError(f"claim must be one of {CLAIMS}, got {claim!r}")
    raw = [vb - va for va, vb in zip(a, b, strict=False)]
    log = is_ratio_metric(metric) and all(v > 0 for v in (*a, *b))
    differences = [math.log(vb) - math.log(va) for va, vb in zip(a, b, strict=False)] if log else raw
    relative = claim in ("not worse", "not lower", "within")
    bound = (math.log1p(margin) if log else margin * abs(float(np.mean(a)))) if relative else 0.0
    n = len(differences)
    confidence = CONFIDENCE if claim in ("lower", "higher") else 1 - 2 * ALPHA
    estimate, low, high = t_interval(differences, confidence)
    part = PairedComparison(
        metric, claim, a_name, b_name, float(np.mean(raw)), low, high, n, bound, ONE_SEED,
        scale="log" if log else "linear", estimate=estimate, confidence=confidence if n >= 2 else None,
    )  # fmt: skip
    if n < 2:
        part.verdict_unadjusted = ONE_SEED
        return part
    sd = float(np.std(differences, ddof=1))
    se, df = sd / math.sqrt(n), n - 1
    p_holds, p_fails = _directional(
        claim, lambda m: _p_below(estimate, se, df, m), lambda m: _p_above(estimate, se, df, m), bound
    )
    if n <= SIGN_FLIP_MAX_N:
        part.p_signflip_holds, part.p_signflip_does_not_hold = _directional(
            claim, lambda m: signflip_p_below(differences, m), lambda m: signflip_p_above(differences, m), bound
        )
    effect = abs(estimate) if claim in ("lower", "higher") else bound
    part.sd_difference = sd
    part.p_holds = part.p_holds_adjusted = p_holds
    part.p_does_not_hold = part.p_does_not_hold_adjusted = p_fails
    part.verdict = part.verdict_unadjusted = verdict_from_p(p_holds, p_fails)
    part.mde = minimum_detectable_effect(claim, sd, n)
    part.effect_of_interest = effect if effect > 0 else None
    part.seeds_for_80_power = seeds_for_power(claim, effect, sd)
    return part


def holm(pvalues: Sequence[float | None]) -> list[float | None]:
    """Holm–Bonferroni adjusted p-values, in the input's order: the j-th smallest of the m values
    becomes max over i ≤ j of min(1, (m − i + 1)·p_(i)). None entries are left out of the family."""
    indexed = sorted((p, i) for i, p in enumerate(pvalues) if p is not None)
    m = len(indexed)
    out: list[float | None] = [None] * len(pvalues)
    running = 0.0
    for rank, (p, i) in enumerate(indexed):
        running = max(running, min(1.0, (m - rank) * p))
        out[i] = running
    return out


def adjust_within_claim(parts: Sequence[PairedComparison], alpha: float = ALPHA) -> list[PairedComparison]:
    """The claim's parts with Holm-adjusted p-values (over the parts that have p-values) and their
    verdicts taken from the adjusted values; parts without a test (one seed, not run) unchanged."""
    held = holm([p.p_holds for p in parts])
    failed = holm([p.p_does_not_hold for p in parts])
    out = []
    for part, ph, pf in zip(parts, held, failed, strict=True):
        if ph is None or pf is None:
            out.append(part)
            continue
        verdict = verdict_from_p(ph, pf, alpha)
        out.append(replace(part, p_holds_adjusted=ph, p_does_not_hold_adjusted=pf, verdict=verdict))
    return out


def claim_p_values(parts: Sequence[dict]) -> tuple[float, float] | None:
    """A claim's (p holds, p does not hold) from its parts' Holm-adjusted values: the largest
    adjusted p (holds) — every part must hold — and the smallest adjusted p (does not hold) — one
    part suffices. None when a part lacks them (one seed, not run, or a results file from before
    the analysis plan)."""
    if not parts:
        return None
    held = [p.get("p_holds_adjusted") for p in parts]
    failed = [p.get("p_does_not_hold_adjusted") for p in parts]
    if any(v is None for v in (*held, *failed)):
        return None
    return max(held), min(failed)


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
    return PairedComparison(
        metric, claim, a_name, b_name, None, None, None, n, None, NOT_RUN, verdict_unadjusted=NOT_RUN
    )


def combine_verdicts(verdicts: Sequence[str]) -> str:
    """All parts hold → holds; any part does not hold → does not hold; otherwise not run if a part
    was not run, inconclusive (one seed) if every part had one seed, else inconclusive. Give it the
    parts' verdicts after `adjust_within_claim`."""
    if verdicts and all(v == HOLDS for v in verdicts):
        return HOLDS
    if any(v == DOES_NOT_HOLD for v in verdicts):
        return DOES_NOT_HOLD
    if any(v == NOT_RUN for v in verdicts):
        return NOT_RUN
    if verdicts and all(v == ONE_SEED for v in verdicts):
        return ONE_SEED
    return INCONCLUSIVE
