"""Which `replication` modules a notebook actually uses, found statically (no import is executed).

A notebook's up-to-date key (`replication.book.runner.source_key`) covers its own source, its parameters
and the package modules it imports, transitively within the package, not the whole package: a
notebook that imports only `replication.claims.stats` stays up to date when `replication/book/plots.py` changes.

What counts as an import (anywhere in a module, function bodies included):
- `import replication.a.b` and `from replication.a import b` (b a submodule or a name in a/__init__.py);
  `from replication import book, results` imports those two submodules;
- relative imports inside the package (`from .io import x`, `from . import stats`);
- importing a module runs every enclosing package's `__init__.py`, which are dependencies too;
- dynamic imports: `importlib.import_module("replication.x")`, and an f-string whose constant start
  names a subpackage (`import_module(f"replication.configs.{name}")`: every module below
  `replication/configs/`). A module name computed otherwise is not followed: `replication.run.train`'s
  command line maps each table to its experiment module (`TRAINABLE`), which that table's notebook
  imports itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "replication"


def _module_file(name: str, package_dir: Path) -> Path | None:
    """The file of module `name` ("replication.a.b") inside `package_dir`, or None when there is none."""
    parts = name.split(".")
    if parts[0] != PACKAGE:
        return None
    base = package_dir.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py") if len(parts) > 1 else None, base / "__init__.py"):
        if candidate is not None and candidate.is_file():
            return candidate
    return None


def _module_name(path: Path, package_dir: Path) -> str:
    relative = path.relative_to(package_dir).with_suffix("")
    parts = [PACKAGE, *relative.parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _enclosing_packages(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _is_import_call(func: ast.expr) -> bool:
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in ("import_module", "__import__")


def imported_names(tree: ast.AST, current: str | None = None, is_package: bool = False) -> set[str]:
    """Candidate module names imported by `tree`; `current` is the module's own name (for relative imports)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if current is None:
                    continue
                package = current.split(".") if is_package else current.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join(package + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)  # a submodule, when one exists
        elif isinstance(node, ast.Call) and _is_import_call(node.func) and node.args:
            argument = node.args[0]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                names.add(argument.value)
            elif isinstance(argument, ast.JoinedStr) and argument.values:
                first = argument.values[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value.endswith("."):
                    names.add(first.value + "*")  # every module below that subpackage
    return {name for name in names if name == PACKAGE or name.startswith(PACKAGE + ".")}


def _resolve(name: str, package_dir: Path) -> set[Path]:
    if name.endswith(".*"):
        folder = _module_file(name[:-2], package_dir)
        if folder is None or folder.name != "__init__.py":
            return set()
        return set(folder.parent.rglob("*.py"))
    found = _module_file(name, package_dir)
    return {found} if found is not None else set()


def module_closure(sources: list[str], package_dir: Path) -> list[Path]:
    """The package files used by code `sources` (notebook cells), transitively, sorted."""
    pending: set[str] = set()
    for source in sources:
        try:
            pending |= imported_names(ast.parse(source))
        except SyntaxError:  # cannot tell what it imports: count the whole package
            pending.add(PACKAGE + ".*")
    seen: set[Path] = set()
    while pending:
        name = pending.pop()
        for path in _resolve(name, package_dir):
            if path in seen:
                continue
            seen.add(path)
            module = _module_name(path, package_dir)
            pending.update(_enclosing_packages(module))
            pending |= imported_names(ast.parse(path.read_bytes()), module, path.name == "__init__.py")
        for package in _enclosing_packages(name.removesuffix(".*")):
            found = _module_file(package, package_dir)
            if found is not None and found not in seen:
                pending.add(package)
    return sorted(seen)


def notebook_code(notebook: Path) -> list[str]:
    """The code cells of a jupytext percent notebook (`# %%` markers), magics and shell escapes blanked."""
    import jupytext

    cells = []
    for cell in jupytext.read(notebook).cells:
        if cell.cell_type != "code":
            continue
        lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in cell.source.splitlines()]
        cells.append("\n".join(lines))
    return cells


def notebook_modules(notebook: Path, package_dir: Path) -> list[Path]:
    """The package files a notebook imports, transitively within the package."""
    return module_closure(notebook_code(notebook), package_dir)
