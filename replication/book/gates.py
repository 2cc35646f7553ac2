"""A sample figure's gate line (issue #29): what the regime gates measured, stated where the reader looks at
the samples. Imported by the notebooks that show it only, so other notebooks do not depend on it."""

from __future__ import annotations

from collections.abc import Sequence


def gate_means(results: dict, methods: Sequence[str], metrics: Sequence[str]) -> str:
    """ "A: precision 0.93, content kept 0.88; B: …" — each method's mean over seeds of the `metrics` it has (a
    sample figure's caption states its gates, issue #29); "" when none has any."""
    means = {(r["method"], r["metric"]): r["mean"] for r in results["rows"]}
    lines = []
    for method in methods:
        parts = [f"{m} {means[(method, m)]:.2f}" for m in metrics if (method, m) in means]
        if parts:
            lines.append(f"{method}: " + ", ".join(parts))
    return "; ".join(lines)
