"""No import cycles between domains: a dependency between two rooms goes one way only.

The graph is read from the source with `ast` (every `app/<domain>/*.py`, imports inside functions
too), so a lazy import cannot hide a cycle. `app.core`, `app.house` and `app.main` are no domain.
"""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
NOT_DOMAINS = {"core", "house", "main", "models", "demo", "templates", "static", "translations", "centre"}

# Cycles we know of and have not broken yet, each as the set of domains on it. Empty is the goal.
KNOWN_CYCLES: list[frozenset[str]] = []


def _domain_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "app" or parts[1] in NOT_DOMAINS:
        return None
    return parts[1]


def _imported_modules(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from app import plans` names a domain in the imported names
            if node.module == "app":
                found.update(f"app.{alias.name}" for alias in node.names)
    return found


def domain_graph() -> tuple[dict[str, set[str]], int]:
    """Domain -> the other domains its modules import, and how many modules were read."""
    graph: dict[str, set[str]] = {}
    modules = 0
    for path in sorted(APP.glob("*/*.py")):
        domain = path.parent.name
        if domain in NOT_DOMAINS:
            continue
        modules += 1
        deps = graph.setdefault(domain, set())
        for module in _imported_modules(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            other = _domain_of(module)
            if other and other != domain:
                deps.add(other)
    return graph, modules


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components with more than one domain (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.add(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_is_read_from_many_modules():
    graph, modules = domain_graph()
    assert modules >= 80, modules
    assert len(graph) >= 15, sorted(graph)
    assert "appointments" in graph["plans"]  # a plan lists appointments: the edge is seen


def test_no_import_cycle_between_domains():
    graph, _ = domain_graph()
    unexpected = [sorted(c) for c in cycles(graph) if c not in KNOWN_CYCLES]
    assert unexpected == []


def test_the_cycles_found_are_real():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [frozenset("abc")]
    assert cycles({"a": {"b"}, "b": set()}) == []
