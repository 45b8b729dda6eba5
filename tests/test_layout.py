"""House rules that a reviewer would otherwise have to remember."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.test_arrows import parse_source

FORBIDDEN_IN_CORE = {"PySide6", "shiboken6", "qasync"}


def _imported_roots(path: Path) -> set[str]:
    tree = parse_source(path)
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_core_never_imports_qt() -> None:
    offenders = {
        str(path.relative_to(REPO_ROOT)): sorted(_imported_roots(path) & FORBIDDEN_IN_CORE)
        for path in (REPO_ROOT / "oktatool" / "core").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_rule_catches_an_offender(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("from PySide6.QtCore import QObject\nimport qasync\n", encoding="utf-8")
    assert _imported_roots(sample) & FORBIDDEN_IN_CORE == {"PySide6", "qasync"}


def test_no_module_asks_for_pyside_features() -> None:
    # oktatool.gui.pyside_import removes PySide's __feature__ import hook, which such an import would need
    users = sorted(str(path.relative_to(REPO_ROOT)) for path in (REPO_ROOT / "oktatool").rglob("*.py")
                   if "__feature__" in _imported_roots(path))
    assert users == []


def test_the_feature_rule_catches_an_offender(tmp_path: Path) -> None:
    sample = tmp_path / "snake.py"
    sample.write_text("from __feature__ import snake_case\n", encoding="utf-8")
    assert "__feature__" in _imported_roots(sample)


def test_the_okta_spec_is_not_committed() -> None:
    if not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listing = subprocess.run(["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    tracked = listing.stdout
    assert "management-minimal.yaml" not in tracked


#: the one module that writes the clipboard; every copy goes through its copy_text(text, secret=...)
CLIPBOARD_HELPER = Path("oktatool") / "gui" / "widgets" / "clipboard.py"
_CLIPBOARD_WRITES = {"setText", "setMimeData", "setPixmap", "setImage"}


def _clipboard_writes(path: Path) -> list[int]:
    """Return the lines where ``path`` writes the clipboard itself (``….clipboard().setText(…)`` or a name for it)."""
    tree = parse_source(path)

    def is_clipboard(node: ast.AST) -> bool:
        return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "clipboard"

    bound = {target.id for node in ast.walk(tree) if isinstance(node, ast.Assign) and is_clipboard(node.value)
             for target in node.targets if isinstance(target, ast.Name)}
    def is_write(node: ast.AST) -> bool:
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in _CLIPBOARD_WRITES):
            return False
        target = node.func.value
        return is_clipboard(target) or (isinstance(target, ast.Name) and target.id in bound)

    return [node.lineno for node in ast.walk(tree) if is_write(node)]


def test_only_the_clipboard_helper_writes_the_clipboard() -> None:
    # so that every copy says whether it holds a secret (marked for clipboard managers, cleared after 30 s)
    writers = {str(path.relative_to(REPO_ROOT)): lines for path in (REPO_ROOT / "oktatool").rglob("*.py")
               if path.relative_to(REPO_ROOT) != CLIPBOARD_HELPER and (lines := _clipboard_writes(path))}
    assert writers == {}


def test_the_clipboard_rule_catches_an_offender(tmp_path: Path) -> None:
    sample = tmp_path / "copy.py"
    sample.write_text("from PySide6.QtGui import QGuiApplication as G\nG.clipboard().setText('a')\n"
                      "board = G.clipboard()\nboard.setMimeData(None)\nother.setText('b')\n", encoding="utf-8")
    assert _clipboard_writes(sample) == [2, 4]


#: the house's size for a module: past it, split it by what it holds
MAX_MODULE_LINES = 500


def _long_modules(root: Path) -> dict[str, int]:
    sizes = {str(path.relative_to(root)): len(path.read_text(encoding="utf-8").splitlines())
             for path in root.rglob("*.py")}
    return {name: lines for name, lines in sizes.items() if lines >= MAX_MODULE_LINES}


def test_every_module_is_under_500_lines() -> None:
    assert _long_modules(REPO_ROOT / "oktatool") == {}


def test_the_size_rule_catches_a_long_module(tmp_path: Path) -> None:
    (tmp_path / "big.py").write_text("x = 1\n" * MAX_MODULE_LINES)
    (tmp_path / "small.py").write_text("x = 1\n")
    assert _long_modules(tmp_path) == {"big.py": MAX_MODULE_LINES}
