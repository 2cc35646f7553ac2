"""What a notebook's source declares, read without running it: the `TableNotebook` a table notebook passes to
`start(...)` and the parameter names a notebook checks. For tests and tools, never imported by a notebook: it
imports experiment modules by name, which would make every notebook depend on all of them
(`replication.book.deps` counts a dynamic import as the whole package)."""

from __future__ import annotations

import ast
import importlib


def notebook_table(source: str):
    """The `TableNotebook` a table notebook's source passes to `start(...)` (None for a book page)."""
    tree = ast.parse(source)
    imports = {}  # the notebook's `from replication.experiments import x [as y]`
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "replication.experiments":
            for alias in node.names:
                imports[alias.asname or alias.name] = importlib.import_module(f"replication.experiments.{alias.name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "start":
            return _resolve(node.args[0], imports)
    return None


def declared_parameters(source: str) -> list[str]:
    """The names a notebook checks its parameters against: `check_parameters(..., declared=...)` in a book page,
    the `TableNotebook.parameters` passed to `start(...)` in a table notebook."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "check_parameters":
            for keyword in node.keywords:
                if keyword.arg == "declared":
                    return [element.value for element in keyword.value.elts]
    table = notebook_table(source)
    if table is None:
        raise ValueError("no check_parameters(..., declared=...) or start(...) call")
    return list(table.parameters)


def _resolve(node: ast.expr, names: dict):
    """The value of `module.NOTEBOOK` or `module.NOTEBOOKS[module.TABLE1]` (names, attributes, subscripts only)."""
    if isinstance(node, ast.Name):
        return names[node.id]
    if isinstance(node, ast.Attribute):
        return getattr(_resolve(node.value, names), node.attr)
    if isinstance(node, ast.Subscript):
        return _resolve(node.value, names)[_resolve(node.slice, names)]
    raise ValueError(f"cannot read the notebook's table from {ast.unparse(node)!r}")
