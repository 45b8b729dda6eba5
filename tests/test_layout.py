"""House rules that a reviewer would otherwise have to remember."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

FORBIDDEN_IN_CORE = {"PySide6", "shiboken6", "qasync"}


_ROOTS = """
import ast, json, sys
found = {}
for name in sys.argv[1:]:
    roots = set()
    for node in ast.walk(ast.parse(open(name, encoding="utf-8").read(), filename=name)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    found[name] = sorted(roots)
print(json.dumps(found))
"""


def _imported_roots_of(paths: list[Path]) -> dict[Path, set[str]]:
    """Read the files' top-level import roots in a fresh interpreter (CPython 3.11's ast raises 'recursion
    depth mismatch' in a process where the deep-nesting tests ran; the arrows test does the same)."""
    done = subprocess.run([sys.executable, "-c", _ROOTS, *map(str, paths)], capture_output=True, text=True,
                          timeout=120, check=True)
    return {Path(name): set(roots) for name, roots in json.loads(done.stdout).items()}


def _imported_roots(path: Path) -> set[str]:
    return _imported_roots_of([path])[path]


def test_core_never_imports_qt() -> None:
    roots = _imported_roots_of(sorted((REPO_ROOT / "oktatool" / "core").rglob("*.py")))
    offenders = {str(path.relative_to(REPO_ROOT)): sorted(found & FORBIDDEN_IN_CORE) for path, found in roots.items()}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_rule_catches_an_offender(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("from PySide6.QtCore import QObject\nimport qasync\n", encoding="utf-8")
    assert _imported_roots(sample) & FORBIDDEN_IN_CORE == {"PySide6", "qasync"}


def test_the_okta_spec_is_not_committed() -> None:
    if not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listing = subprocess.run(["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    tracked = listing.stdout
    assert "management-minimal.yaml" not in tracked
