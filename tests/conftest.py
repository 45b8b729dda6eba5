"""Shared fixtures: an isolated OKTATOOL_HOME per test, offscreen Qt, and a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import hypothesis  # noqa: F401  (see below)
import pytest

from oktatool.gui.qt_platform import give_offscreen_fonts

# Hypothesis's pytest plugin imports hypothesis in the terminal summary when no collected test did, and pytest
# then rewrites its modules with ast.parse after the GUI tests' loop and executor threads ran: a run of GUI tests
# alone died there once with "SystemError: AST constructor recursion depth mismatch" (exit 1, every test passed;
# CPython 3.11 keeps that depth in state shared by threads). Imported here, before any test runs, it never is.

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
give_offscreen_fonts()  # Windows: offscreen Qt finds no fonts of its own

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point OKTATOOL_HOME at a fresh folder, and the keyring at a file in it, so no test touches the real
    settings or the user's OS keyring (in this process and in every subprocess a test starts)."""
    import keyring

    from tests.isolated_keyring import PATH_ENV, IsolatedTestKeyring

    home = tmp_path_factory.mktemp("oktatool-home")
    monkeypatch.setenv("OKTATOOL_HOME", str(home))
    monkeypatch.setenv(PATH_ENV, str(home / "test-keyring.json"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", f"{IsolatedTestKeyring.__module__}.{IsolatedTestKeyring.__name__}")
    previous = keyring.get_keyring()
    keyring.set_keyring(IsolatedTestKeyring())
    yield home
    keyring.set_keyring(previous)


CliRunner = Callable[..., "subprocess.CompletedProcess[str]"]


@pytest.fixture
def run_cli(isolated_home: Path) -> CliRunner:
    """Run ``python -m oktatool ARGS`` in a subprocess; returns the CompletedProcess (text mode)."""

    def run(*args: str, input: str | None = None, timeout: float = 120, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        full_env = dict(os.environ)
        full_env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
        full_env["OKTATOOL_HOME"] = str(isolated_home)
        if env:
            full_env.update(env)
        return subprocess.run(
            [sys.executable, "-m", "oktatool", *args],
            input=input, capture_output=True, text=True, timeout=timeout, env=full_env, cwd=cwd,
        )

    return run

pytest_plugins = ["tests.sandbox_fixtures", "tests.figures", "tests.jwks_server"]
