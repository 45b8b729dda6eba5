"""The house's arrows (DESIGN.md): cli → commands → context → core; cli → parsers → core; app → gui → context →
core; no cycles.

Every import counts: module level, function-local and type-only (``if TYPE_CHECKING:``) alike, since a
type-only arrow still ties two modules together for a reader and for the next refactor.
"""

from __future__ import annotations

import ast
import gc
import json
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

PACKAGE = REPO_ROOT / "oktatool"

#: (importer prefix, forbidden target prefixes): a module whose name starts with the importer prefix
#: must not import a module whose name starts with any of the targets
FORBIDDEN: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("oktatool.gui", ("oktatool.app", "oktatool.commands", "oktatool.cli", "oktatool.parsers")),
    ("oktatool.context", ("oktatool.gui", "oktatool.app", "oktatool.cli", "oktatool.commands", "oktatool.parsers")),
    ("oktatool.commands", ("oktatool.gui", "oktatool.app", "oktatool.cli", "oktatool.parsers")),
    ("oktatool.parsers", ("oktatool.gui", "oktatool.app", "oktatool.cli", "oktatool.commands", "oktatool.context")),
    ("oktatool.core", ("oktatool.gui", "oktatool.app", "oktatool.cli", "oktatool.commands", "oktatool.context",
                       "oktatool.parsers", "oktatool.sandbox")),
    ("oktatool.sandbox", ("oktatool.core.jose", "oktatool.core.keys", "oktatool.gui", "oktatool.app",
                          "oktatool.cli", "oktatool.commands", "oktatool.context", "oktatool.parsers")),
)


def parse_source(path: Path) -> ast.Module:
    """Parse a file with the garbage collector paused.

    CPython 3.11 keeps one AST-conversion depth counter per interpreter: a finalizer that runs during
    ast.parse and formats a traceback (3.11's traceback calls ast.parse itself, e.g. for an asyncio task
    that failed in an earlier test) corrupts it, and the outer parse fails with "SystemError: AST
    constructor recursion depth mismatch".
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    finally:
        if enabled:
            gc.enable()


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, known: set[str], root: Path = PACKAGE) -> set[str]:
    """Return the project modules ``path`` imports anywhere in its body (resolving relative imports)."""
    me = module_name(path, root)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(parse_source(path)):
        if isinstance(node, ast.Import):
            names: Iterable[str] = (alias.name for alias in node.names)
            found.update(_closest(name, known) for name in names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in known else _closest(base, known))
    found.discard("")
    found.discard(me)
    return found


def _closest(name: str, known: set[str]) -> str:
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    files = {module_name(p, root): p for p in root.rglob("*.py")}
    known = set(files)
    return {name: imports_of(path, known, root) for name, path in files.items()}


def forbidden_arrows(graph: dict[str, set[str]]) -> list[str]:
    bad = []
    for source, targets in graph.items():
        for prefix, banned in FORBIDDEN:
            if source == prefix or source.startswith(prefix + "."):
                bad += [f"{source} -> {t}" for t in targets
                        if any(t == b or t.startswith(b + ".") for b in banned)]
    return sorted(bad)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            # a package's __init__ is imported by every child on the way in: not an arrow of its own
            if nxt not in graph or node.startswith(nxt + "."):
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


@pytest.fixture(scope="module")
def project_graph() -> dict[str, set[str]]:
    """Read the project's imports in a fresh interpreter.

    CPython 3.11's ast module can raise "SystemError: AST constructor recursion depth mismatch" in a
    process where earlier tests provoked RecursionErrors (the deep-nesting garbage tests); the graph does
    not depend on the test process, so it is read where nothing else ran.
    """
    code = ("import json; from tests.test_arrows import import_graph; "
            "print(json.dumps({k: sorted(v) for k, v in import_graph().items()}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
                          check=True)
    return {name: set(targets) for name, targets in json.loads(done.stdout).items()}


def test_no_forbidden_arrows(project_graph: dict[str, set[str]]) -> None:
    assert forbidden_arrows(project_graph) == []


def test_no_import_cycles(project_graph: dict[str, set[str]]) -> None:
    assert cycles(project_graph) == []


def test_the_checks_catch_offenders(tmp_path: Path) -> None:
    root = tmp_path / "oktatool"
    for folder in ("gui", "core", "sandbox", "core/jose"):
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / "__init__.py").write_text("")
    (root / "__init__.py").write_text("")
    (root / "app.py").write_text("from oktatool.gui import window\n")
    (root / "gui" / "window.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from oktatool.app import run\n")
    (root / "core" / "a.py").write_text("def f():\n    from oktatool.core import b\n")
    (root / "core" / "b.py").write_text("from . import a\n")
    (root / "core" / "jose" / "jwt.py").write_text("")
    (root / "sandbox" / "oauth.py").write_text("import oktatool.core.jose.jwt\n")
    graph = import_graph(root)
    assert forbidden_arrows(graph) == ["oktatool.gui.window -> oktatool.app",
                                       "oktatool.sandbox.oauth -> oktatool.core.jose.jwt"]
    assert sorted(cycles(graph)) == [["oktatool.app", "oktatool.gui.window"], ["oktatool.core.a", "oktatool.core.b"]]
