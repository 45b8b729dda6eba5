"""Each tab names the heavy modules its module needs (TabSpec.heavy): start-up imports them off the GUI
thread, then builds the shown tab on it. Building a tab after those alone must import no other heavy module,
or the window would stall while the GUI thread imports it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from oktatool.gui.main_window import TAB_SPECS
from tests.conftest import REPO_ROOT

#: the third-party packages that cost the first paint or the build tens of milliseconds each
HEAVY_PACKAGES = ("cryptography", "jwcrypto", "requests", "urllib3", "keyring", "charset_normalizer", "idna")

BUILD = """
import sys
from oktatool.gui.pyside_import import load_pyside
load_pyside()
from PySide6.QtWidgets import QApplication
app = QApplication([])
import asyncio, qasync  # start-up has them before it builds a tab
from oktatool.context import AppContext
from oktatool.core.store.paths import AppPaths
from oktatool.core.store.settings import SettingsStore
from oktatool.gui.deferred import import_modules
from oktatool.gui.main_window import TAB_SPECS
spec = next(s for s in TAB_SPECS if s.key == {key!r})
import_modules({heavy!r})
before = set(sys.modules)
paths = AppPaths.resolve()
context = AppContext(paths, SettingsStore(paths.settings_file), args=None)
tab = getattr(__import__(spec.module, fromlist=[spec.class_name]), spec.class_name)(context)
late = sorted(m for m in set(sys.modules) - before if m.split(".")[0] in {packages!r})
print("LATE", ",".join(late) or "-")
"""


def _imported_while_building(key: str, heavy: tuple[str, ...], home: Path) -> list[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), OKTATOOL_HOME=str(home), QT_QPA_PLATFORM="offscreen",
               OKTATOOL_SECRET_STORE="memory")
    code = BUILD.format(key=key, heavy=heavy, packages=HEAVY_PACKAGES)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
                          cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("LATE"))
    late = line.split(" ", 1)[1]
    return [] if late == "-" else late.split(",")


@pytest.mark.parametrize("spec", TAB_SPECS, ids=[spec.key for spec in TAB_SPECS])
def test_a_tab_built_after_its_heavy_modules_imports_no_other(spec: object, isolated_home: Path) -> None:
    from oktatool.gui.widgets.lazy_tab import TabSpec

    assert isinstance(spec, TabSpec)
    assert _imported_while_building(spec.key, spec.heavy, isolated_home) == []


def test_the_check_sees_a_heavy_module_the_spec_leaves_out(isolated_home: Path) -> None:
    assert "cryptography" in _imported_while_building("keys", (), isolated_home)


def test_every_heavy_module_of_a_tab_is_warmed_after_start_up() -> None:
    from oktatool.gui.deferred import WARM_LATER

    assert {name for spec in TAB_SPECS for name in spec.heavy} <= set(WARM_LATER)
