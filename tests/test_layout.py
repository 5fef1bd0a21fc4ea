"""Package layout: no import cycle among compare/ modules, no module over 500 lines.

The import graph is read with ``ast`` (nothing is imported), counting every
import a module can run, at its top or inside a function, except those under
``if TYPE_CHECKING:`` (annotations only).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "compare"
MAX_LINES = 500
# Modules being split by another branch right now; empty this set once they are
# (html_report.py, 505 lines, is the table-builder branch's).
SPLIT_IN_PROGRESS: set = set()
# Import edges of a cycle another branch removes (issue 16: ``types`` <-> ``report``,
# Comparison's to_dict/..._frame methods import report.py lazily); empty it with them.
CYCLE_EDGES_IN_PROGRESS: set = set()


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imported(tree: ast.AST, name: str, is_package: bool, known: set[str]) -> set[str]:
    """The compare modules that running ``name``'s code imports."""
    base = name.split(".") if is_package else name.split(".")[:-1]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            start = base[:len(base) - node.level + 1] if node.level else []
            target = ".".join(start + (node.module.split(".") if node.module else []))
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)  # "from . import fetch"
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    # Importing a submodule runs the packages above it first, except the ones
    # ``name`` is itself inside (they are already being imported).
    own_packages = {".".join(name.split(".")[:n]) for n in range(1, name.count(".") + 2)}
    closed = set()
    for target in found:
        parts = target.split(".")
        closed.update(".".join(parts[:n]) for n in range(2, len(parts) + 1))
    return {m for m in closed - own_packages if m in known}


def import_graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imported(ast.parse(path.read_text(encoding="utf-8")), name, path.name == "__init__.py",
                           set(found)) for name, path in found.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path that ends where it starts, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := walk(nxt)):
                return cycle
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := walk(node)):
            return cycle
    return None


@pytest.mark.parametrize("graph, cycle", [
    ({"a": {"b"}, "b": set()}, None),
    ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
    ({"a": {"b"}, "b": {"c"}, "c": {"b"}}, ["b", "c", "b"]),
])
def test_find_cycle(graph, cycle):
    assert find_cycle(graph) == cycle


def test_the_graph_sees_relative_lazy_and_package_imports():
    graph = import_graph()
    assert "compare.encoders.onnx" in graph["compare.encoders"]  # imported inside get_embedder
    assert "compare.encoders" in graph["compare.links.signals"]  # from ..encoders import ...
    assert "compare.fetch" in graph["compare.ingest"]  # from . import fetch
    assert "compare.batch" not in graph["compare.outputs"]  # under TYPE_CHECKING only


def test_no_import_cycle_among_compare_modules():
    graph = import_graph()
    for module, target in CYCLE_EDGES_IN_PROGRESS:
        graph[module].discard(target)
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_no_module_over_500_lines():
    too_long = {str(p.relative_to(PACKAGE.parent)): n for p in modules().values()
                if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert set(too_long) <= SPLIT_IN_PROGRESS, too_long
