"""The engine's rooms: no import cycle among its modules, none reads another's privates."""

from __future__ import annotations

import ast
from pathlib import Path

import unionkit.rules

RULES = Path(unionkit.rules.__file__).parent
ENGINE = (
    "expr",
    "values",
    "cells",
    "columns",
    "functions",
    "check",
    "rule",
    "program",
    "trace",
    "interpret",
    "output",
    "batch",
    "explain",
    "parse",
    "ruleset",
    "whatif",
    "parameters",
)


def _imports(module: str) -> set[tuple[str, str]]:
    """(module imported, name imported) pairs, inside functions and TYPE_CHECKING included."""
    tree = ast.parse((RULES / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                found.add((node.module, alias.name))
        elif isinstance(node, ast.Import):
            found.update((alias.name, "") for alias in node.names)
    return found


def _engine_graph() -> dict[str, set[str]]:
    graph = {}
    for module in ENGINE:
        deps = set()
        for target, name in _imports(module):
            if (target == "unionkit" and name == "rules") or target == "unionkit.rules":
                deps.add("__init__")
            elif target.startswith("unionkit.rules."):
                deps.add(target.split(".")[2])
        graph[module] = deps
    return graph


def test_the_engine_modules_import_each_other_without_a_cycle() -> None:
    graph = _engine_graph()
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(m: str, path: tuple[str, ...]) -> None:
        assert state.get(m) != 1, f"import cycle: {' -> '.join((*path, m))}"
        if state.get(m) == 2:
            return
        state[m] = 1
        for d in sorted(graph.get(m, ())):
            if d in graph:
                visit(d, (*path, m))
        state[m] = 2
        order.append(m)

    for m in graph:
        visit(m, ())
    assert not any("__init__" in deps for deps in graph.values())
    assert set(order) == set(ENGINE)


def test_interpreters_and_explanations_read_the_program_not_the_facade() -> None:
    for module in ("interpret", "explain", "batch", "trace", "functions", "output"):
        text = (RULES / f"{module}.py").read_text(encoding="utf-8")
        assert "._parameters" not in text, module
        assert "ruleset" not in {t.split(".")[-1] for t, _ in _imports(module)}, module
    explain = {name for target, name in _imports("explain") if target.startswith("unionkit.rules.")}
    assert not [n for n in explain if n.startswith("_")]
