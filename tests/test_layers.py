"""The package's layers: every folder of `replication/` has one job (its `__init__` docstring), imports only
from folders below it, and no modules import each other in a circle (function-level and type-only
imports count: a circle there is still two modules that cannot be read apart)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from replication.book.deps import imported_names

PACKAGE = Path(__file__).resolve().parents[1] / "replication"

# bottom to top; a folder imports its own modules and those of the folders on lower rows only
LAYERS: list[tuple[str, ...]] = [
    ("core", "reported"),  # files, devices, processes; the papers' numbers
    ("data", "nets"),  # data sets; network architectures
    ("losses",),  # the papers' loss terms
    ("metrics", "claims"),  # numbers from samples; verdicts from numbers
    ("configs",),  # what a run is set to, per profile
    ("run",),  # one training run, the experiment protocol, results files
    ("experiments",),  # one module per table family
    ("book",),  # pages, the notebook runner, the speed page
]
RANK = {folder: rank for rank, row in enumerate(LAYERS) for folder in row}


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def import_graph() -> dict[str, set[str]]:
    """module → the package modules it imports (a name imported from a module counts as that module)."""
    known = modules()
    graph = {}
    for name, path in known.items():
        names = imported_names(ast.parse(path.read_bytes()), name, path.name == "__init__.py")
        graph[name] = {n for n in names if n in known and n != name and n != "replication"}
    return graph


def folder(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_every_module_lives_in_a_layer_folder_whose_init_states_its_job():
    top_level = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert not top_level, f"modules outside a layer folder: {top_level}"
    folders = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert sorted(RANK) == folders, "LAYERS must name every folder of replication/ once"
    for name in folders:
        doc = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text()))
        assert doc and len(doc) > 40, f"replication/{name}/__init__.py states no job"


def test_no_import_runs_from_a_lower_layer_to_a_higher_one():
    wrong = [
        f"{a} ({folder(a)}, layer {RANK[folder(a)]}) imports {b} ({folder(b)}, layer {RANK[folder(b)]})"
        for a, targets in import_graph().items()
        for b in sorted(targets)
        if folder(a) and folder(b) and folder(a) != folder(b) and RANK[folder(b)] >= RANK[folder(a)]
    ]
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of `graph` (a list of modules, the first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_package_has_no_import_circle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle)


@pytest.mark.parametrize(
    "graph, has_cycle",
    [({"a": {"b"}, "b": {"c"}, "c": set()}, False), ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, True), ({"a": {"a"}}, True)],
)
def test_the_cycle_finder_finds_circles(graph, has_cycle):
    assert (find_cycle(graph) is not None) == has_cycle
