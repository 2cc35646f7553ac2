"""A sample figure's gate line (issue #29): what the regime gates measured, stated where the reader looks at
the samples. Imported by the notebooks that show it only, so other notebooks do not depend on it."""

from __future__ import annotations

from collections.abc import Sequence

from replication.book.plots import describe_grids, plot_class_grids, show_figure


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


def show_gated_figure(
    fig, caption: str, alt: str, results: dict, methods: Sequence[str], metrics: Sequence[str]
) -> None:
    """`show_figure` with the `metrics`' means over seeds of each of `methods` appended to the caption (when
    any method has one): a sample figure that states its gates."""
    gate_line = gate_means(results, methods, metrics)
    show_figure(fig, caption + (f" Mean over seeds — {gate_line}." if gate_line else ""), alt)


def show_class_samples(grids: dict, results: dict, metrics: Sequence[str], per_class: int = 8) -> None:
    """The class-grid figure of each method's first-seed samples (`per_class` a row), its caption ending with
    the means over seeds of `metrics`."""
    line = gate_means(results, list(grids), metrics)
    show_figure(
        plot_class_grids(grids, per_class=per_class),
        f"Samples of {len(grids)} methods (first seed): one row per class, {per_class} per row. "
        f"Mean over seeds — {line}.",
        describe_grids(grids, per_class),
    )
