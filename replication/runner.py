"""Execute the book's notebooks with papermill, skipping those already up to date.

    python -m replication.runner --profile cpu                    # what `make book` runs
    python -m replication.runner --profile smoke --force          # re-execute everything
    python -m replication.runner --profile cpu --reference-only   # render from the committed reference only
    python -m replication.runner --profile cpu --save-reference   # what `make reference` runs
    python -m replication.runner --profile cpu --jobs 4           # four notebooks at once, a quarter of the cores each

A table notebook (`notebooks/<paper>/<table>.py`) is skipped when its executed copy carries the
same key (sha256 of the notebook source, its parameters and the `replication` modules it imports,
transitively within the package: `replication.deps`) and every results file it wrote is still
there with the sha256 recorded beside the key: a results file deleted, truncated, edited or moved
(another REPLICATION_RESULTS) makes its notebook run again.

The committed reference build: `book/reference/<profile>/notebooks/<paper>/<table>.ipynb` (the
executed table notebooks, figures included, metadata stripped to what the book needs) beside the
committed results in `results/<profile>/`. When a notebook's executed copy is stale but its
reference copy is up to date for the current code (same key, results files unchanged), the
reference copy is used instead of training. `--reference-only` never trains: a table notebook
with neither an up-to-date executed copy nor an up-to-date reference is recorded as failed.
`--save-reference` copies the up-to-date executed table notebooks of a profile into the reference.

Table notebooks run `--jobs` at a time (default 1), longest first (by their last recorded wall time),
each kernel with its share of the cores (OMP_NUM_THREADS). With one job a notebook has every core and
spreads its training runs over worker processes itself (`replication.parallel`); `--jobs N` suits a
machine with many cores. The thread count can change a run's floating-point results, so it is
recorded in status.json and in each results file's provenance.

Book pages that summarise results (`book/**/*.py`: cards, the execution-status page) always run.
Each notebook's outcome (ok / failed / up to date, wall time, device, date) goes to
`<out>/status.json`, which the execution-status page shows; an unreadable status.json is set aside
(`status.json.corrupt-<time>`) and rebuilt. A failed notebook's partial executed copy, with the
whole traceback, is kept as `<out>/.../<name>.partial.ipynb`.

Exit status: 0 all ran, 1 some notebooks failed or are stale (the book can still be built), 2 bad arguments.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import time
from pathlib import Path

from replication.deps import notebook_modules
from replication.io import sha256_file, write_json_atomic
from replication.paths import PACKAGE_DIR, repo_root, results_root
from replication.profiles import PROFILE_NAMES, resolve_profile_name
from replication.results import WRITTEN_LOG_ENV

KEY_FIELD = "replication_key"
RESULTS_FIELD = "replication_results"  # {results file (relative to the results folder): sha256}
RUN_FIELD = "replication_run"  # in a reference copy: RUN_KEYS of the run that produced it
KEY_VERSION = b"replication-key-2\0"  # bump when what the key covers changes
REFERENCE_DIR = Path("book") / "reference"  # relative to the checkout: <profile>/notebooks/<paper>/<table>.ipynb
RUN_KEYS = ("wall_time_s", "date_utc", "threads", "parallel_jobs")  # what RUN_FIELD keeps of a status entry
KEPT_NOTEBOOK_METADATA = ("kernelspec", "language_info", KEY_FIELD, RESULTS_FIELD, RUN_FIELD)
KEPT_CELL_METADATA = ("tags", "mystnb", "jupyter")


def table_notebooks(root: Path) -> list[Path]:
    return sorted((root / "notebooks").glob("*/*.py"))


def book_notebooks(root: Path) -> list[Path]:
    return sorted((root / "book").glob("**/*.py"))


def table_parameters(profile: str) -> dict:
    """The parameters the runner passes to a table notebook (part of its key)."""
    return {"profile": profile, "progress": False}


def source_key(notebook: Path, parameters: dict, package_dir: Path | None = None) -> str:
    """sha256 over the notebook, its parameters and the package modules it imports (transitively)."""
    package_dir = package_dir or PACKAGE_DIR
    digest = hashlib.sha256(KEY_VERSION)
    digest.update(notebook.read_bytes())
    for source in notebook_modules(notebook, package_dir):
        digest.update(b"\0" + source.relative_to(package_dir).as_posix().encode() + b"\0")
        digest.update(source.read_bytes())
    digest.update(b"\0" + json.dumps(parameters, sort_keys=True).encode())
    return digest.hexdigest()


def reference_copy(root: Path, profile: str, notebook: Path) -> Path:
    """Where the committed reference copy of table notebook `notebook` at `profile` lives."""
    return root / REFERENCE_DIR / profile / notebook.relative_to(root).with_suffix(".ipynb")


def to_ipynb(notebook: Path) -> Path:
    """Write the paired .ipynb beside the .py (jupytext, python3 kernel) and return its path."""
    import jupytext

    nb = jupytext.read(notebook)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    target = notebook.with_suffix(".ipynb")
    jupytext.write(nb, target)
    return target


def executed_metadata(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))["metadata"]
    except (ValueError, KeyError, TypeError, OSError):
        return {}
    return metadata if isinstance(metadata, dict) else {}


def _results_file(recorded: str, base: Path | None = None) -> Path:
    path = Path(recorded)
    return path if path.is_absolute() else (base or results_root()) / path


def stale_reason(output: Path, key: str, results_base: Path | None = None) -> str | None:
    """Why the executed copy `output` is out of date for `key`, or None when it is up to date.
    Recorded results files are looked up under `results_base` (default: the results folder)."""
    metadata = executed_metadata(output)
    if not metadata:
        return "not executed yet"
    if metadata.get(KEY_FIELD) != key:
        return "sources or parameters changed"
    written = metadata.get(RESULTS_FIELD)
    if not isinstance(written, dict):
        return "no record of the results files it wrote"
    for recorded, digest in sorted(written.items()):
        path = _results_file(recorded, results_base)
        if not path.is_file():
            return f"results file {recorded} is missing"
        if sha256_file(path) != digest:
            return f"results file {recorded} changed since it was written"
    return None


def _record(path: Path) -> str:
    """A written results file as recorded: relative to the results folder when inside it."""
    try:
        return path.resolve().relative_to(results_root().resolve()).as_posix()
    except ValueError:
        return str(path.resolve())


def execute(notebook: Path, output: Path, parameters: dict, key: str | None) -> None:
    """Run `notebook` into `<output>.partial.ipynb`; on success stamp the key and the results files it wrote
    (with their sha256) into its metadata and move it to `output`. On failure the partial copy stays."""
    import nbformat
    import papermill

    output.parent.mkdir(parents=True, exist_ok=True)
    partial = partial_path(output)
    partial.unlink(missing_ok=True)  # a partial copy left by an earlier failure would now mislead
    source = to_ipynb(notebook)
    log = output.with_name(output.stem + ".results-written.txt")
    log.unlink(missing_ok=True)
    previous_log = os.environ.get(WRITTEN_LOG_ENV)
    os.environ[WRITTEN_LOG_ENV] = str(log)  # the kernel inherits it; results.save appends each path it writes
    try:
        papermill.execute_notebook(
            str(source),
            str(partial),
            parameters=parameters,
            kernel_name="python3",
            cwd=str(notebook.parent),
            progress_bar=False,
        )
        written = sorted({Path(line) for line in log.read_text().splitlines() if line}) if log.exists() else []
    finally:
        if previous_log is None:
            os.environ.pop(WRITTEN_LOG_ENV, None)
        else:
            os.environ[WRITTEN_LOG_ENV] = previous_log
        log.unlink(missing_ok=True)
    nb = nbformat.read(partial, as_version=4)
    for cell in nb.cells:  # papermill's parameter cells hold the builder's folders: never on a page
        tags = cell.get("metadata", {}).get("tags", [])
        if {"parameters", "injected-parameters"} & set(tags) and "remove-cell" not in tags:
            cell.setdefault("metadata", {})["tags"] = [*tags, "remove-cell"]
    if key is not None:
        nb.metadata[KEY_FIELD] = key
        nb.metadata[RESULTS_FIELD] = {_record(path): sha256_file(path) for path in written if path.is_file()}
    nbformat.write(nb, partial)
    partial.replace(output)  # the executed copy appears only once the run succeeded


def partial_path(output: Path) -> Path:
    return output.with_name(output.stem + ".partial.ipynb")


def describe_error(error: BaseException, limit: int = 1000) -> str:
    """`Type: message` of what went wrong: the notebook's own exception for a papermill execution error."""
    name = getattr(error, "ename", None)
    value = getattr(error, "evalue", None)
    if name is not None:
        text = f"{name}: {value}" if value else str(name)
    else:
        lines = [line for line in str(error).strip().splitlines() if line.strip()]
        text = f"{type(error).__name__}: {' '.join(lines[-3:])}" if lines else type(error).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown_path(path: Path, root: Path) -> str:
    """`path` relative to the checkout when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def load_status(status_path: Path) -> dict[str, dict]:
    """The previous run's entries by notebook; an unreadable status.json is renamed aside, with a warning."""
    if not status_path.exists():
        return {}
    try:
        entries = json.loads(status_path.read_text(encoding="utf-8"))["notebooks"]
        return {e["notebook"]: e for e in entries if isinstance(e, dict) and isinstance(e["notebook"], str)}
    except (ValueError, KeyError, TypeError, OSError) as error:
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
        aside = status_path.with_name(f"{status_path.name}.corrupt-{stamp}")
        status_path.replace(aside)
        print(
            f"warning: {status_path.name} is unreadable ({type(error).__name__}); set aside as {aside.name}, "
            "rebuilding it (earlier outcomes of notebooks not run now are lost)",
            file=sys.stderr,
            flush=True,
        )
        return {}


def _from_reference(notebook: Path, output: Path, key: str, root: Path, profile: str) -> dict | None:
    """Copy the committed reference of `notebook` to `output` when it is up to date for `key`;
    return its recorded run ({wall_time_s, date_utc}, possibly empty), or None when it cannot be used."""
    reference = reference_copy(root, profile, notebook)
    if not reference.is_file() or stale_reason(reference, key) is not None:
        return None
    output.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(reference, output)
    run = executed_metadata(reference).get(RUN_FIELD)
    return run if isinstance(run, dict) else {}


THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")  # what torch reads for its intra-op threads


def threads_per_job(jobs: int) -> int | None:
    """Threads each notebook's kernel gets when `jobs` run at once (None: torch's default, all cores)."""
    return max(1, (os.cpu_count() or 1) // jobs) if jobs > 1 else None


def run_notebook(notebook: Path, output: Path, parameters: dict, key: str, threads: int | None) -> dict:
    """Execute one table notebook (in a worker process when several run at once) and report
    {status, error?, partial?, wall_time_s}. `threads` caps the kernel's torch threads (inherited env)."""
    if threads is not None:
        for variable in THREAD_VARIABLES:
            os.environ[variable] = str(threads)
    start = time.perf_counter()
    outcome: dict = {"status": "ok"}
    try:
        execute(notebook, output, parameters, key)
    except Exception as error:  # record and go on with the other notebooks
        outcome = {"status": "failed", "error": describe_error(error)}
        if partial_path(output).exists():
            outcome["partial"] = str(partial_path(output))
    outcome["wall_time_s"] = round(time.perf_counter() - start, 1)
    return outcome


def _expected_seconds(relative: str, previous: dict[str, dict], reference: Path) -> float:
    """The last recorded wall time of a notebook (status.json, else its reference copy); unknown: longest."""
    recorded = previous.get(relative, {}).get("wall_time_s")
    if recorded is None:
        recorded = (executed_metadata(reference).get(RUN_FIELD) or {}).get("wall_time_s")
    return float(recorded) if isinstance(recorded, int | float) else float("inf")


def _finish(entry: dict, outcome: dict, root: Path) -> None:
    entry.update({k: v for k, v in outcome.items() if k != "partial"})
    if entry["status"] == "failed":
        print(f"[failed] {entry['notebook']}: {entry['error']}", file=sys.stderr, flush=True)
        if "partial" in outcome:
            entry["partial"] = shown_path(Path(outcome["partial"]), root)
            print(f"    whole traceback: {entry['partial']}", file=sys.stderr, flush=True)
    entry["date_utc"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    print(f"    {entry['notebook']}: {entry['status']} in {entry['wall_time_s']} s", flush=True)


def execute_tables(pending: list[tuple[dict, tuple]], jobs: int, root: Path) -> None:
    """Run the (entry, arguments) table notebooks, `jobs` at a time, longest expected first, each kernel
    with `threads_per_job(jobs)` threads; fill in each entry's outcome."""
    jobs = max(1, min(jobs, len(pending)))
    threads = threads_per_job(jobs)
    where = f"; {jobs} notebooks at once, {threads} thread(s) each" if jobs > 1 else ""
    for entry, _ in pending:
        entry.update(parallel_jobs=jobs, threads=threads)
    if jobs == 1:
        for entry, arguments in pending:
            print(f"[run] {entry['notebook']} ({entry.pop('why')})", flush=True)
            _finish(entry, run_notebook(*arguments, None), root)
        return
    queue = list(pending)
    running: dict[concurrent.futures.Future, dict] = {}
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no forked OpenMP state
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        while queue or running:
            while queue and len(running) < jobs:
                entry, arguments = queue.pop(0)
                print(f"[run] {entry['notebook']} ({entry.pop('why')}{where})", flush=True)
                running[pool.submit(run_notebook, *arguments, threads)] = entry
            done, _ = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                entry = running.pop(future)
                try:
                    outcome = future.result()
                except Exception as error:  # the worker process itself died (killed, out of memory)
                    outcome = {"status": "failed", "error": describe_error(error), "wall_time_s": 0.0}
                _finish(entry, outcome, root)


def select_notebooks(names: list[str], root: Path) -> set[str]:
    """The table notebooks (paths relative to `root`) that `names` pick: each name is a notebook's stem
    (`table1_labels`), its path — relative or absolute, with `.py`, `.ipynb` or no suffix — its table id
    (`msgan_table1`) or its paper's folder (`msgan`: all of that paper's tables). Raises ValueError, listing
    the valid names, for an empty list or a name that picks nothing."""
    from replication.summary import TABLES

    notebooks = [n.relative_to(root).as_posix() for n in table_notebooks(root)]
    table_ids: dict[str, list[str]] = {}
    for table_id, page in TABLES.items():
        table_ids.setdefault(page.notebook, []).append(table_id)
    valid = (
        "notebook stems: "
        + ", ".join(Path(n).stem for n in notebooks)
        + "; table ids: "
        + ", ".join(t for n in notebooks for t in table_ids.get(n, []))
        + "; papers: "
        + ", ".join(dict.fromkeys(Path(n).parent.name for n in notebooks))
        + "; or a notebook's path (notebooks/<paper>/<table>.py)"
    )
    if not names:
        raise ValueError(f"--only needs at least one name. Valid names: {valid}.")
    selected: set[str] = set()
    for name in names:
        wanted = name.strip()
        if Path(wanted).is_absolute():
            try:
                wanted = Path(wanted).resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                pass
        wanted = wanted.removeprefix("./").removesuffix(".py").removesuffix(".ipynb")
        picked = {
            n
            for n in notebooks
            if wanted in (n.removesuffix(".py"), Path(n).stem, Path(n).parent.name) or wanted in table_ids.get(n, [])
        }
        if not picked:
            raise ValueError(f"--only {name!r} matches no table notebook. Valid names: {valid}.")
        selected |= picked
    return selected


def run_all(
    profile: str,
    out_dir: Path,
    root: Path,
    force: bool = False,
    only: list[str] | None = None,
    reference_only: bool = False,
    jobs: int = 1,
) -> list[dict]:
    """Execute what is stale (see the module's doc), table notebooks `jobs` at a time, then the book pages;
    with `reference_only`, train nothing: a stale table notebook without an up-to-date reference copy is
    recorded as failed."""
    profile = resolve_profile_name(profile)
    status_path = out_dir / "status.json"
    previous = load_status(status_path)
    entries: list[dict] = []
    pending: list[tuple[dict, tuple]] = []
    selected = None if only is None else select_notebooks(only, root)
    for notebook in table_notebooks(root):
        relative = notebook.relative_to(root).as_posix()
        if selected is not None and relative not in selected:
            if relative in previous:  # not selected this time: keep its last recorded outcome
                entries.append(previous[relative])
            continue
        output = out_dir / notebook.relative_to(root).with_suffix(".ipynb")
        parameters = table_parameters(profile)
        key = source_key(notebook, parameters)
        entry = {"notebook": relative, "profile": profile, "kind": "table"}
        entries.append(entry)
        reason = None if force else stale_reason(output, key)
        if not force and reason is None:
            entry.update(previous.get(relative, {}), status="up to date", notebook=relative)
            print(f"[up to date] {relative}", flush=True)
            continue
        if not force:
            run = _from_reference(notebook, output, key, root, profile)
            if run is not None:
                entry.update({k: run[k] for k in RUN_KEYS if k in run})
                entry.update(status="up to date", source="reference")
                shown = reference_copy(root, profile, notebook).relative_to(root).as_posix()
                print(f"[up to date] {relative} (the committed reference {shown})", flush=True)
                continue
        if reference_only:
            entry["status"] = "failed"
            entry["error"] = (
                f"stale ({reason}) and no up-to-date reference in {(REFERENCE_DIR / profile).as_posix()}/: "
                f"refresh it with `make book PROFILE={profile}` then `make reference PROFILE={profile}`"
            )
            print(f"[stale] {relative}: {entry['error']}", file=sys.stderr, flush=True)
            continue
        entry["why"] = f"profile {profile}" + (f"; {reason}" if reason and reason != "not executed yet" else "")
        expected = _expected_seconds(relative, previous, reference_copy(root, profile, notebook))
        pending.append((entry, (notebook, output, parameters, key), expected))
    pending.sort(key=lambda job: -job[2])  # longest first: the last notebook to start is a short one
    execute_tables([(entry, arguments) for entry, arguments, _ in pending], jobs, root)

    for notebook in book_notebooks(root):  # pages read status.json: give them every table's outcome
        relative = notebook.relative_to(root).as_posix()
        output = out_dir / notebook.relative_to(root).with_suffix(".ipynb")
        entry = {"notebook": relative, "profile": profile, "kind": "page"}
        print(f"[run] {relative} (profile {profile})", flush=True)
        write_json_atomic(status_path, {"profile": profile, "notebooks": entries})
        _finish(
            entry, run_notebook(notebook, output, {"profile": profile, "executed_dir": str(out_dir)}, None, None), root
        )
        entries.append(entry)
    write_json_atomic(status_path, {"profile": profile, "notebooks": entries})
    return entries


def strip_for_reference(nb, run: dict | None = None):
    """The executed notebook `nb` with only the metadata the book and the up-to-date check need."""
    nb.metadata = {k: v for k, v in nb.metadata.items() if k in KEPT_NOTEBOOK_METADATA}
    if run:
        nb.metadata[RUN_FIELD] = {k: run[k] for k in RUN_KEYS if k in run}
    for cell in nb.cells:
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in KEPT_CELL_METADATA}
    return nb


def reference_problems(root: Path, results_base: Path | None = None) -> list[tuple[str, str]]:
    """(reference copy, why it is stale) for every committed reference notebook that no longer matches the
    current tree: its notebook is gone, its key differs from the one computed now, or a results file it
    recorded is missing or changed (looked up under `results_base`, default `<root>/results`)."""
    results_base = results_base or root / "results"
    problems = []
    for reference in sorted((root / REFERENCE_DIR).glob("*/notebooks/**/*.ipynb")):
        profile = reference.relative_to(root / REFERENCE_DIR).parts[0]
        shown = reference.relative_to(root).as_posix()
        notebook = root / reference.relative_to(root / REFERENCE_DIR / profile).with_suffix(".py")
        if not notebook.is_file():
            problems.append((shown, f"its notebook {notebook.relative_to(root).as_posix()} no longer exists"))
            continue
        reason = stale_reason(reference, source_key(notebook, table_parameters(profile)), results_base)
        if reason is not None:
            problems.append((shown, reason))
    return problems


def save_reference(profile: str, out_dir: Path, root: Path) -> int:
    """Copy every table notebook's up-to-date executed copy at `profile` into the committed reference
    (`book/reference/<profile>/`), metadata stripped; its results files into `<root>/results/` when the
    results folder is elsewhere. Writes nothing and returns 1 unless every table notebook is up to date."""
    profile = resolve_profile_name(profile)
    status = load_status(out_dir / "status.json")
    chosen, missing = [], []
    for notebook in table_notebooks(root):
        relative = notebook.relative_to(root).as_posix()
        executed = out_dir / notebook.relative_to(root).with_suffix(".ipynb")
        reason = stale_reason(executed, source_key(notebook, table_parameters(profile)))
        if reason is not None:
            missing.append(f"{relative}: {reason}")
        else:
            chosen.append((notebook, executed))
    if missing:
        print(f"No reference written: run `make book PROFILE={profile}` first. Not up to date at {profile}:")
        print("\n".join(f"  {line}" for line in missing))
        return 1
    import nbformat

    target_dir = root / REFERENCE_DIR / profile
    kept_results = (root / "results").resolve()
    total = 0
    written = set()
    for notebook, executed in chosen:
        nb = strip_for_reference(
            nbformat.read(executed, as_version=4), status.get(notebook.relative_to(root).as_posix())
        )
        for recorded in nb.metadata[RESULTS_FIELD]:
            if Path(recorded).is_absolute():
                print(f"No reference written: {executed.name} wrote {recorded}, outside the results folder")
                return 1
            source, kept = _results_file(recorded), kept_results / recorded
            if source.resolve() != kept:
                kept.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, kept)
        target = reference_copy(root, profile, notebook)
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        text = target.read_text(encoding="utf-8")
        for machine_path in {str(root), str(results_root().resolve()), str(Path.home())}:
            if machine_path in text:  # the reference is published: no machine path may reach a page
                print(f"warning: {target.relative_to(root).as_posix()} contains the machine path {machine_path}")
        written.add(target)
        total += target.stat().st_size
        print(f"{target.relative_to(root).as_posix()}: {target.stat().st_size / 1e6:.2f} MB")
    for old in target_dir.glob("notebooks/**/*.ipynb"):
        if old not in written:  # a notebook that no longer exists
            old.unlink()
            print(f"removed {old.relative_to(root).as_posix()}")
    print(
        f"Reference at {profile}: {len(written)} notebooks, {total / 1e6:.2f} MB in "
        f"{target_dir.relative_to(root).as_posix()}/; commit it with results/{profile}/"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="auto", help=f"one of {', '.join(PROFILE_NAMES)}")
    parser.add_argument("--out", type=Path, default=None, help="executed notebooks (default <repo>/book/executed)")
    parser.add_argument("--root", type=Path, default=None, help="the checkout (default: this package's)")
    parser.add_argument("--force", action="store_true", help="re-execute up-to-date notebooks too")
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        help="run only these table notebooks: a stem (table1_labels), a path, a table id (msgan_table1) or a paper (msgan)",
    )
    parser.add_argument(
        "--reference-only",
        action="store_true",
        help="train nothing: use the committed reference, fail for a stale table notebook",
    )
    parser.add_argument(
        "--save-reference",
        action="store_true",
        help="copy the up-to-date executed table notebooks into book/reference/<profile>/ (make reference)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="table notebooks run at once, each kernel with its share of the cores (default 1: one notebook on "
        "all cores, its training runs spread over worker processes by replication.parallel)",
    )
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be ≥ 1, got {args.jobs}")
    try:
        resolve_profile_name(args.profile)
    except ValueError as error:
        parser.error(str(error))  # exit status 2, before anything runs
    if args.force and args.reference_only:
        parser.error("--force and --reference-only exclude each other")
    root = (args.root or repo_root()).resolve()
    out_dir = (args.out or root / "book" / "executed").resolve()
    if args.only is not None:
        try:
            select_notebooks(args.only, root)
        except ValueError as error:
            parser.error(str(error))  # exit status 2, before anything runs
    if args.save_reference:
        return save_reference(args.profile, out_dir, root)
    entries = run_all(args.profile, out_dir, root, args.force, args.only, args.reference_only, args.jobs)
    failed = [e["notebook"] for e in entries if e["status"] == "failed"]
    if failed:
        print(f"{len(failed)} notebook(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
