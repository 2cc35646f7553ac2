"""Compare two results folders field by field, provenance aside: the check that a refactor changed no number.

    python -m replication.run.compare_results BEFORE_DIR AFTER_DIR

Every `*.json` below either folder is matched by its relative path; a file's `provenance` (commit, date,
machine) and wall times are left out, everything else — rows with their per-seed values, protocol,
verdicts with their regime checks, details — must be equal. Prints one line per file and each difference
(at most ten per file); exits 1 when any file differs or exists on one side only."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

VOLATILE = frozenset({"provenance", "wall_time_s", "date_utc"})


def without_volatile(value):
    """`value` with every VOLATILE key removed, at any depth."""
    if isinstance(value, dict):
        return {k: without_volatile(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [without_volatile(v) for v in value]
    return value


def differences(before, after, path: str = "") -> Iterator[str]:
    """Each place where `before` and `after` differ, as 'path: before != after'."""
    if type(before) is not type(after):
        yield f"{path}: {before!r} != {after!r}"
    elif isinstance(before, dict):
        for key in sorted(set(before) | set(after)):
            if key not in before or key not in after:
                yield f"{path}/{key}: only {'after' if key in after else 'before'}"
            else:
                yield from differences(before[key], after[key], f"{path}/{key}")
    elif isinstance(before, list):
        if len(before) != len(after):
            yield f"{path}: {len(before)} items != {len(after)} items"
        for i, (a, b) in enumerate(zip(before, after, strict=False)):
            yield from differences(a, b, f"{path}[{i}]")
    elif before != after:
        yield f"{path}: {before!r} != {after!r}"


def compare_folders(before: Path, after: Path) -> dict[str, list[str]]:
    """relative path → its differences ([] when identical) for every results file of either folder."""
    names = sorted({p.relative_to(root).as_posix() for root in (before, after) for p in root.rglob("*.json")})
    report = {}
    for name in names:
        a, b = before / name, after / name
        if not (a.is_file() and b.is_file()):
            report[name] = [f"only {'after' if b.is_file() else 'before'}"]
            continue
        load = lambda p: without_volatile(json.loads(p.read_text()))  # noqa: E731
        report[name] = list(differences(load(a), load(b)))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    report = compare_folders(args.before, args.after)
    for name, diffs in report.items():
        print(f"{name}: {'identical' if not diffs else f'{len(diffs)} differences'}")
        for line in diffs[:10]:
            print(f"    {line}")
    differing = sum(bool(d) for d in report.values())
    print(f"{len(report)} results files, {differing} differ")
    return 1 if differing else 0


if __name__ == "__main__":
    raise SystemExit(main())
