"""kwo's modules import each other without a cycle.

The graph is built from the source with ``ast``: every ``import`` and ``from ... import`` in
every module, also those inside functions (a lazy import is still an edge: it only hides the
cycle until the function runs). Relative imports are resolved, and ``from . import x`` where x
is a submodule is an edge to that submodule.
"""

from __future__ import annotations

import ast
from pathlib import Path

KWO = Path(__file__).resolve().parents[1] / "kwo"

#: Imports that close the cycles known today (importer, imported); the test looks for cycles with
#: these edges left out. An edge listed here that is gone fails too, so the list only shrinks.
KNOWN_CYCLE_EDGES: dict[tuple[str, str], str] = {}


def module_name(path: Path) -> str:
    parts = path.relative_to(KWO.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in sorted(KWO.rglob("*.py"))}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base_parts = package.split(".")
                    base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                    base = ".".join(base_parts + ([node.module] if node.module else []))
                else:
                    base = node.module or ""
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    targets.append(sub if sub in files else base)
            for target in targets:
                while target and target not in files:  # `import kwo.x.y` of a name inside: its module
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each as a cycle path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def path_through(graph: dict[str, set[str]], component: list[str]) -> str:
    """One cycle inside a component, as ``a -> b -> a``, for the failure message."""
    members = set(component)
    start = component[0]
    trail, seen = [start], {start}
    while True:
        nxt = sorted(w for w in graph[trail[-1]] if w in members)
        back = [w for w in nxt if w in seen]
        if back:
            return " -> ".join(trail[trail.index(back[0]):] + [back[0]])
        trail.append(next(w for w in nxt if w not in seen))
        seen.add(trail[-1])


def test_the_graph_sees_relative_lazy_and_submodule_imports():
    graph = import_graph()
    assert "kwo.sample.world" in graph["kwo.sample"]  # from .world import ... (relative)
    assert "kwo.sample.parquet_writer" in graph["kwo.sample"]  # inside generate() (lazy)
    assert "kwo.output" in graph["kwo.sample.files"]  # from ..output import (lazy, two levels)


def test_no_import_cycle():
    graph = import_graph()
    gone = [edge for edge in KNOWN_CYCLE_EDGES if edge[1] not in graph.get(edge[0], ())]
    assert not gone, f"these imports are gone: remove them from KNOWN_CYCLE_EDGES: {gone}"
    for importer, imported in KNOWN_CYCLE_EDGES:
        graph[importer].discard(imported)
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(path_through(graph, c) for c in found)


def test_a_cycle_is_found_and_shown():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}
    assert cycles(graph) == [["a", "b", "c"]]
    assert path_through(graph, ["a", "b", "c"]) == "a -> b -> c -> a"
