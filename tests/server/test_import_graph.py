"""No import cycle between the server's top-level packages, and nothing above the base layer
imported by it: `core` is what every package may import, so it may import none of them.

The graph is read from the source (every import statement, relative ones and those inside
functions included), with each top-level package or module of `server/` as one node: the console
and all of its sub-packages are `console`, `server/__init__.py` (the app factory) is `server`.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "server"
BASE = "core"

Edges = dict[str, dict[str, list[str]]]  # node -> imported node -> where ("server/x/y.py:12")


def _is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _node(dotted: str) -> str:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else "server"


def _imported(tree: ast.AST, package: list[str]) -> list[tuple[str, int]]:
    """The modules an import statement names, as dotted paths (`from . import x` names `pkg.x`
    when x is a module, `pkg` when it is a name defined there)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                target = f"{base}.{alias.name}"
                found.append((target if _is_module(target) else base, node.lineno))
    return found


def import_graph() -> Edges:
    edges: Edges = {}
    for path in sorted(SERVER.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        package = parts[:-1]
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        source = _node(module)
        for target, line in _imported(ast.parse(path.read_text(encoding="utf-8")), package):
            if target != "server" and not target.startswith("server."):
                continue
            node = _node(target)
            where = f"{path.relative_to(ROOT)}:{line}"
            if node != source and where not in edges.get(source, {}).get(node, []):
                edges.setdefault(source, {}).setdefault(node, []).append(where)
    return edges


def cycles(edges: Edges) -> list[tuple[list[str], list[str]]]:
    """Each group of nodes that import each other (Tarjan's strongly connected components), with
    one cycle through it as the path a reader can follow: ([a, b, c], [a, b, ..., a])."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in edges.get(node, {}):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return [(sorted(group), _path_within(sorted(group), group, edges)) for group in groups]


def _path_within(order: list[str], group: set[str], edges: Edges) -> list[str]:
    """A shortest cycle from the group's first node back to itself, inside the group."""
    start = order[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for other in sorted(edges.get(node, {})):
            if other == start:
                return paths[node] + [start]
            if other in group and other not in paths:
                paths[other] = paths[node] + [other]
                queue.append(other)
    return order


def _describe(members: list[str], cycle: list[str], edges: Edges) -> str:
    steps = "\n".join(f"  {a} -> {b}  ({', '.join(edges[a][b][:3])})" for a, b in zip(cycle, cycle[1:]))
    return f"{', '.join(members)} import each other, for one:\n{steps}"


def test_the_server_packages_import_each_other_without_a_cycle():
    edges = import_graph()
    found = cycles(edges)
    assert not found, "import cycles between server packages:\n" + "\n\n".join(_describe(*c, edges) for c in found)


def test_the_base_layer_imports_no_other_server_package():
    edges = import_graph()
    assert BASE in {path.name for path in SERVER.iterdir()}
    assert not edges.get(BASE), f"server/{BASE} imports upward: {edges.get(BASE)}"


def test_the_graph_sees_every_kind_of_import():
    """The reader itself: relative, absolute and function-level imports all count, and a cycle is
    reported as a path."""
    tree = ast.parse("from ..core import scope\nfrom . import models\nimport server.wire\n"
                     "def f():\n    from ..syncapi.push import push\n")
    names = {name for name, _ in _imported(tree, ["server", "console"])}
    assert names == {"server.core.scope", "server.console.models", "server.wire", "server.syncapi.push"}
    edges = {"a": {"b": ["x.py:1"]}, "b": {"c": ["y.py:2"]}, "c": {"a": ["z.py:3"]}, "d": {"a": ["w.py:4"]}}
    assert cycles(edges) == [(["a", "b", "c"], ["a", "b", "c", "a"])]
