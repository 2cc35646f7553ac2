"""Execute the book's notebooks with papermill, skipping those already up to date.

    python -m replication.runner --profile cpu            # what `make book` runs
    python -m replication.runner --profile smoke --force  # re-execute everything

A table notebook (`notebooks/<paper>/<table>.py`) is skipped when its executed copy carries the
same key: sha256 of the notebook source, every `replication/` source file and the parameters.
Book pages that summarise results (`book/**/*.py`: cards, the execution-status page) always run.
Each notebook's outcome (ok / failed / up to date, wall time, device, date) goes to
`<out>/status.json`, which the execution-status page shows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import time
from pathlib import Path

from replication.io import write_json_atomic
from replication.paths import PACKAGE_DIR, repo_root
from replication.profiles import PROFILE_NAMES, resolve_profile_name

KEY_FIELD = "replication_key"


def table_notebooks(root: Path) -> list[Path]:
    return sorted((root / "notebooks").glob("*/*.py"))


def book_notebooks(root: Path) -> list[Path]:
    return sorted((root / "book").glob("**/*.py"))


def source_key(notebook: Path, parameters: dict) -> str:
    """sha256 over the notebook, the package sources and the parameters."""
    digest = hashlib.sha256(notebook.read_bytes())
    for source in sorted(PACKAGE_DIR.rglob("*.py")):
        digest.update(source.relative_to(PACKAGE_DIR).as_posix().encode())
        digest.update(source.read_bytes())
    digest.update(json.dumps(parameters, sort_keys=True).encode())
    return digest.hexdigest()


def to_ipynb(notebook: Path) -> Path:
    """Write the paired .ipynb beside the .py (jupytext, python3 kernel) and return its path."""
    import jupytext

    nb = jupytext.read(notebook)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    target = notebook.with_suffix(".ipynb")
    jupytext.write(nb, target)
    return target


def executed_key(path: Path) -> str | None:
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text())["metadata"].get(KEY_FIELD)
    except (ValueError, KeyError):
        return None


def execute(notebook: Path, output: Path, parameters: dict, key: str | None) -> None:
    import nbformat
    import papermill

    source = to_ipynb(notebook)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.stem + ".partial.ipynb")
    papermill.execute_notebook(
        str(source),
        str(partial),
        parameters=parameters,
        kernel_name="python3",
        cwd=str(notebook.parent),
        progress_bar=False,
    )
    nb = nbformat.read(partial, as_version=4)
    if key is not None:
        nb.metadata[KEY_FIELD] = key
    nbformat.write(nb, partial)
    partial.replace(output)  # the executed copy appears only once the run succeeded


def run_all(profile: str, out_dir: Path, root: Path, force: bool = False, only: list[str] | None = None) -> list[dict]:
    profile = resolve_profile_name(profile)
    status_path = out_dir / "status.json"
    previous = {}
    if status_path.exists():
        previous = {e["notebook"]: e for e in json.loads(status_path.read_text()).get("notebooks", [])}
    entries = []
    jobs = [(nb, True) for nb in table_notebooks(root)] + [(nb, False) for nb in book_notebooks(root)]
    for notebook, is_table in jobs:
        relative = notebook.relative_to(root).as_posix()
        if (
            only
            and not any(relative.startswith(o) or o in (notebook.stem, notebook.parent.name) for o in only)
            and is_table
        ):
            if relative in previous:  # not selected this time: keep its last recorded outcome
                entries.append(previous[relative])
            continue
        output = out_dir / notebook.relative_to(root).with_suffix(".ipynb")
        if is_table:
            parameters = {"profile": profile, "progress": False}
        else:
            parameters = {"profile": profile, "executed_dir": str(out_dir)}
        key = source_key(notebook, parameters) if is_table else None
        entry = {"notebook": relative, "profile": profile, "kind": "table" if is_table else "page"}
        if is_table and not force and executed_key(output) == key:
            entry.update(previous.get(relative, {}), status="up to date", notebook=relative)
            print(f"[up to date] {relative}", flush=True)
            entries.append(entry)
            continue
        print(f"[run] {relative} (profile {profile})", flush=True)
        start = time.perf_counter()
        try:
            if not is_table:  # pages read status.json: give them this run's entries so far
                write_json_atomic(status_path, {"profile": profile, "notebooks": entries})
            execute(notebook, output, parameters, key)
            entry["status"] = "ok"
        except Exception as error:  # record and go on with the other notebooks
            entry["status"] = "failed"
            entry["error"] = f"{type(error).__name__}: {str(error)[-2000:]}"
            print(f"[failed] {relative}: {entry['error'][:500]}", file=sys.stderr, flush=True)
        entry["wall_time_s"] = round(time.perf_counter() - start, 1)
        entry["date_utc"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        entries.append(entry)
        print(f"    {entry['status']} in {entry['wall_time_s']} s", flush=True)
    write_json_atomic(status_path, {"profile": profile, "notebooks": entries})
    return entries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="auto", help=f"one of {', '.join(PROFILE_NAMES)}")
    parser.add_argument("--out", type=Path, default=None, help="executed notebooks (default <repo>/book/executed)")
    parser.add_argument("--root", type=Path, default=None, help="the checkout (default: this package's)")
    parser.add_argument("--force", action="store_true", help="re-execute up-to-date notebooks too")
    parser.add_argument("--only", nargs="*", help="run only these table notebooks (path prefix or stem)")
    args = parser.parse_args(argv)
    try:
        resolve_profile_name(args.profile)
    except ValueError as error:
        parser.error(str(error))
    root = (args.root or repo_root()).resolve()
    out_dir = (args.out or root / "book" / "executed").resolve()
    entries = run_all(args.profile, out_dir, root, args.force, args.only)
    failed = [e["notebook"] for e in entries if e["status"] == "failed"]
    if failed:
        print(f"{len(failed)} notebook(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
