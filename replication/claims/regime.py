"""Regime checks: is a claim's precondition met at the scale this run reached?

A verdict tests a claim only in the claim's regime (the book's methods page): mode seeking is a
cure for collapse, so it is tested only against a baseline that collapses; "2C conditions better
than projection" is tested only when the conditional generators use their labels at all. Each
table computes its checks from the same runs as its numbers (`replication.experiments.*`), and
`attach` stores them beside the verdicts they guard. A verdict whose precondition fails becomes
**not tested**, with the check's measurement as its reason; the verdict the numbers alone would
give is kept as `verdict_in_regime_would_be` for the reader who wants it.

Shared rules, so that every table states its thresholds the same way:
- "uses its labels": the evaluator's top-1 on samples against the label they were generated for is
  at least halfway from chance to perfect, `chance + (1 − chance) / 2` (0.55 for ten classes);
- "less diverse than the data": the seed-paired 95 % t interval of (model − real) lies below 0.
- a gate that compares a per-seed measurement with a threshold (label accuracy, content kept,
  spread ratios, classifier IS, …) is met only when **every seed** of every method meets it
  (`per_seed_check`): a verdict pairs all seeds, so each seed's run must be in the regime, and a
  mean above the threshold can be carried by a minority of seeds (CVAE-GAN's fill spread: mean
  0.555 with 3 of 5 seeds below 0.5). The mean is shown beside the count of seeds that meet it.
- a curve has converged (`converged`) when the move between the means of its last two windows is
  within max(rel_tol·|level|, abs_tol, noise_z·sd·√(2/k)): the last term is the run's own noise,
  the spread of two k-point window means that a flat curve with the windows' pooled sd would show.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

from replication.claims.stats import ONE_SEED, t_interval

NOT_TESTED = "not tested"


@dataclass
class RegimeCheck:
    name: str  # the precondition, as the page says it: "the baseline collapses"
    met: bool
    measurement: str  # the numbers behind it, in words: "DCGAN 0.171 vs real 0.186 (95 % CI …)"
    rule: str  # the threshold: "upper end of the 95 % CI of (DCGAN − real) < 0"
    values: dict = field(default_factory=dict)
    # the failure as a sentence, for the *not tested* reason: "the independent critic did not converge"
    # ("" for a check built without one: `failure_text` then says "precondition not met: <name>")
    failed: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def failure_text(check: RegimeCheck | dict) -> str:
    """Why a verdict was not tested, as one sentence: the check's `failed` phrase (or "precondition not met:
    <name>" for a check without one, e.g. from an older results file) with its measurement."""
    check = check.as_dict() if isinstance(check, RegimeCheck) else check
    failed = check.get("failed")
    said = f"{failed} at this budget" if failed else f"precondition not met at this budget: {check['name']}"
    return f"{said} ({check['measurement']})"


def attach(verdict: dict, checks: Sequence[RegimeCheck]) -> dict:
    """`verdict` with its regime checks stored; 'not tested' (with the reason) if any check fails. A one-seed
    verdict stays "inconclusive (one seed)" (the README's rule: one seed tests nothing, whatever the checks
    say, and the checks that compare seeds cannot be met with one); its checks are stored all the same."""
    out = {**verdict, "regime": [c.as_dict() for c in checks]}
    failed = [c for c in checks if not c.met]
    if failed and verdict["verdict"] != ONE_SEED:
        out["verdict_in_regime_would_be"] = verdict["verdict"]
        out["verdict"] = NOT_TESTED
        out["not_tested_because"] = "; ".join(failure_text(c) for c in failed)
    return out


def verdict_text(verdict: dict) -> str:
    """'holds' / 'does not hold' / … or 'not tested: <why>' as printed on a page. The reason is rebuilt from
    the failed checks stored with the verdict (`failure_text`), so a results file written before the checks
    had their `failed` sentence still reads as a sentence; without stored checks, the stored reason."""
    if verdict["verdict"] == NOT_TESTED:
        failed = [c for c in verdict.get("regime", []) if not c.get("met", True)]
        because = "; ".join(failure_text(c) for c in failed) if failed else verdict.get("not_tested_because")
        if because:
            return f"{NOT_TESTED}: {because}"
    return verdict["verdict"]


def claim_methods(verdict: dict, parts: Sequence[dict] | None = None) -> list[str]:
    """The methods a verdict compares (in `parts`, default all its parts), in order of first mention."""
    parts = verdict.get("parts", []) if parts is None else parts
    return list(dict.fromkeys(m for p in parts for m in (p["method_a"], p["method_b"])))


def label_threshold(num_classes: int) -> float:
    """Halfway from chance (1/K) to perfect top-1."""
    chance = 1.0 / num_classes
    return chance + (1.0 - chance) / 2


PER_SEED_RULE = "on every seed (the mean alone can be carried by a minority of seeds)"


def seeds_meeting(values: Sequence[float], threshold: float) -> int:
    return sum(1 for v in values if v >= threshold)


def per_seed_met(values: dict[str, Sequence[float]], threshold: float) -> bool:
    """Every method has values, and every seed of every method is ≥ `threshold`."""
    return bool(values) and all(len(v) > 0 and seeds_meeting(v, threshold) == len(v) for v in values.values())


def per_seed_measurement(values: dict[str, Sequence[float]], threshold: float, digits: int = 2) -> str:
    """'A 0.56 (2 of 5 seeds ≥ 0.50), B …': each method's mean and how many of its seeds meet the threshold."""
    return ", ".join(
        f"{m} {sum(v) / len(v):.{digits}f} ({seeds_meeting(v, threshold)} of {len(v)} seed{'s' if len(v) != 1 else ''}"
        f" ≥ {threshold:.{digits}f})"
        for m, v in values.items()
        if len(v)
    )


def per_seed_check(
    name: str,
    measured: str,
    values: dict[str, Sequence[float]],
    threshold: float,
    rule: str,
    extra: dict | None = None,
    failed: str = "",
) -> RegimeCheck:
    """A threshold gate by the per-seed rule: met when every seed of every method in `values` (method →
    per-seed values) is ≥ `threshold`; the measurement shows each mean and its count of seeds that meet it."""
    return RegimeCheck(
        name=name,
        met=per_seed_met(values, threshold),
        measurement=(measured + " " + per_seed_measurement(values, threshold)) if values else "not measured",
        rule=f"{rule}, {PER_SEED_RULE}",
        values={
            **(extra or {}),
            "per_seed": {m: list(v) for m, v in values.items()},
            "seeds_meeting": {m: seeds_meeting(v, threshold) for m, v in values.items()},
            "threshold": threshold,
        },
        failed=failed,
    )


def halfway_share(name: str, measured: str, noun: str, key: str, shares: dict[str, Sequence[float]], num_classes: int):
    """Every method's share of outputs the evaluator puts in the class they were made for ≥ `label_threshold`
    on every seed: the halfway rule behind both "uses its labels" and "keeps its input's class"."""
    threshold = label_threshold(num_classes)
    means = {m: sum(v) / len(v) for m, v in shares.items() if len(v)}
    check = per_seed_check(
        name,
        measured,
        shares,
        threshold,
        f"every method's {noun} ≥ {threshold:.2f} (halfway from chance to 1)",
        {key: means},
    )
    check.measurement += f" (chance {1 / num_classes:.2f})"
    return check


def uses_labels(
    accuracy: dict[str, Sequence[float]],
    num_classes: int,
    name: str = "the conditional generators use their labels",
    failed: str = "the conditional generators do not all use their labels",
) -> RegimeCheck:
    """The conditional generators use their labels: every method's label accuracy ≥ `label_threshold` on every
    seed. `name` and `failed` say whose labels (a baseline's, the rivals', a caption's class)."""
    check = halfway_share(name, "label accuracy", "label accuracy", "label_accuracy", accuracy, num_classes)
    check.failed = failed
    return check


def keeps_content(kept: dict[str, Sequence[float]], num_classes: int, direction: str) -> RegimeCheck:
    """An unpaired translation keeps its input's content: every method's share of outputs that the
    evaluator classifies as the input's class ≥ `label_threshold`, on every seed."""
    name = f"the translations ({direction}) keep the input's class"
    check = halfway_share(name, "outputs of the input's class", "share", "content_kept", kept, num_classes)
    check.failed = f"the translations ({direction}) do not keep the input's class"
    return check


def outputs_are_data(
    precision: dict[str, Sequence[float]],
    untrained: float,
    real: float,
    name: str = "the outputs are data (inside the real data's feature manifold)",
) -> RegimeCheck:
    """The outputs are data: every method's precision (share of outputs inside the real data's feature
    manifold, `metrics.prdc`) is at least halfway from an untrained generator's to the real held-out data's,
    on every seed (issue #29: a baseline that draws noise, grids or blanks is no baseline). Where an untrained
    generator scores as high as real data, precision has no scale and the gate is not met, saying so."""
    threshold = untrained + (real - untrained) / 2
    has_scale = real > untrained
    check = per_seed_check(
        name,
        "precision",
        precision,
        threshold,
        f"every method's precision ≥ {threshold:.2f}, halfway from an untrained generator's {untrained:.2f} to "
        f"the real held-out data's {real:.2f}",
        {"untrained": untrained, "real": real},
        failed="the outputs are not recognisable data"
        if has_scale
        else (
            f"precision cannot tell real images from an untrained generator's outputs (untrained {untrained:.3f} "
            f"≥ held-out images {real:.3f}), so the outputs are not shown to be data"
        ),
    )
    check.met = check.met and has_scale
    return check


def less_diverse_than_data(
    method: str, model: Sequence[float], real: Sequence[float] | float, metric: str
) -> RegimeCheck:
    """`method` collapses: the 95 % interval of (model − real) diversity, paired by seed, lies below 0."""
    real_values = list(real) if isinstance(real, Iterable) else [float(real)] * len(model)
    mean, low, high = t_interval([m - r for m, r in zip(model, real_values, strict=True)])
    met = len(model) >= 2 and high < 0
    return RegimeCheck(
        name=f"the baseline ({method}) is less diverse than the real data",
        met=met,
        measurement=f"{metric}: {method} {sum(model) / len(model):.4f} vs real {sum(real_values) / len(real_values):.4f}"
        + (f" (Δ {mean:+.4f}, 95 % CI [{low:+.4f}, {high:+.4f}])" if len(model) >= 2 else " (one seed)"),
        rule=f"upper end of the 95 % CI of ({method} − real) {metric} < 0",
        values={
            "model": list(model),
            "real": real_values,
            "mean_difference": mean,
            "ci_high": high if met or len(model) >= 2 else None,
        },
        failed=f"the baseline ({method}) is not less diverse than the real data",
    )


def grows_over_training(name: str, early: Sequence[float], late: Sequence[float]) -> RegimeCheck:
    """`name` grows: the seed-paired 95 % t interval of (late − early) lies above 0 (needs ≥ 2 seeds)."""
    mean, low, high = t_interval([b - a for a, b in zip(early, late, strict=True)])
    met = len(early) >= 2 and low > 0
    return RegimeCheck(
        name=f"{name} grows over training",
        met=met,
        measurement=f"early {sum(early) / len(early):+.4f} → late {sum(late) / len(late):+.4f}"
        + (f" (Δ {mean:+.4f}, 95 % CI [{low:+.4f}, {high:+.4f}])" if len(early) >= 2 else " (one seed)"),
        rule="lower end of the seed-paired 95 % CI of (late − early) > 0",
        values={
            "early": list(early),
            "late": list(late),
            "mean_difference": mean,
            "ci_low": low if len(early) >= 2 else None,
        },
        failed=f"{name} does not grow over training",
    )


def converged(
    history: Sequence[float],
    rel_tol: float = 0.05,
    abs_tol: float = 0.05,
    window: float = 0.1,
    noise_z: float = 2.0,
) -> dict:
    """Is a curve flat at its end? The mean of its last `window` of points (k points) against the mean of
    the `window` before it: met when |last − previous| ≤ max(rel_tol·|last|, abs_tol, noise_z·sd·√(2/k)),
    i.e. the curve moved by at most `rel_tol` of its value (or `abs_tol` in its units, for values near
    0) over the last 2·`window` of training, or by no more than its own noise would move it: sd is the
    pooled within-window sd of the two windows (0 for one-point windows), sd·√(2/k) the sd of the
    difference of two k-point means of a flat curve. Too short a curve (fewer than 2 points) is not converged."""
    n = len(history)
    k = max(1, round(window * n))
    if n < 2 * k:
        return {
            "met": False, "last": None, "previous": None, "change": None, "tolerance": None, "noise": None, "points": n,
        }  # fmt: skip
    tail, before = [float(v) for v in history[-k:]], [float(v) for v in history[-2 * k : -k]]
    last, previous = sum(tail) / k, sum(before) / k
    if k > 1:
        pooled = (sum((v - last) ** 2 for v in tail) + sum((v - previous) ** 2 for v in before)) / (2 * k - 2)
        noise = noise_z * (pooled * 2 / k) ** 0.5
    else:
        noise = 0.0
    tolerance = max(rel_tol * abs(last), abs_tol, noise)
    return {
        "met": abs(last - previous) <= tolerance,
        "last": last,
        "previous": previous,
        "change": last - previous,
        "tolerance": tolerance,
        "noise": noise,
        "points": n,
    }


def downsample(values: Sequence[float], points: int = 50) -> list[float]:
    """At most `points` values, evenly spaced over `values`, always keeping the last one."""
    n = len(values)
    if n <= points:
        return [float(v) for v in values]
    return [float(values[round(i * (n - 1) / (points - 1))]) for i in range(points)]


def pairwise_spread(x) -> float:
    """Mean L1 distance per element between all pairs of distinct rows of `x` (a tensor [N, …])."""
    import torch

    flat = x.detach().flatten(1).double()
    n = len(flat)
    if n < 2:
        raise ValueError("pairwise spread needs at least two items")
    return float(torch.cdist(flat, flat, p=1).sum() / (n * (n - 1) * flat.shape[1]))


def spread_ratio(outputs, inputs) -> float:
    """Spread of `outputs` (e.g. reconstructions) over the spread of the `inputs` they came from:
    0 for one constant output, 1 when the outputs differ from each other as much as the inputs do."""
    return pairwise_spread(outputs) / pairwise_spread(inputs)


def not_constant(ratio: float, threshold: float = 0.5) -> bool:
    """The outputs keep at least `threshold` of the inputs' spread (a constant output keeps none)."""
    return ratio >= threshold


def checks_frame(verdicts: Sequence[dict]):
    """The regime checks stored on `verdicts`, one row per distinct check, as a pandas DataFrame
    (precondition, measurement, rule, met); display it with `.to_html(index=False)`."""
    import pandas as pd

    rows, seen = [], set()
    for verdict in verdicts:
        for check in verdict.get("regime", []):
            key = (check["name"], check["measurement"])
            if key not in seen:
                seen.add(key)
                rows.append(
                    {
                        "precondition": check["name"],
                        "measurement": check["measurement"],
                        "rule": check["rule"],
                        "met": "yes" if check["met"] else "no",
                    }
                )
    return pd.DataFrame(rows, columns=["precondition", "measurement", "rule", "met"])
