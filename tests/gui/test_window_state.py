"""The window keeps its state through a crash: geometry and tab are saved (debounced) as they change."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from oktatool.context import AppContext
from oktatool.core.store.paths import AppPaths
from oktatool.core.store.settings import load_settings
from oktatool.gui.main_window import MIN_HEIGHT, MIN_WIDTH, STATE_SAVE_DELAY_MS, MainWindow
from oktatool.gui.scopes.tab import ScopesTab
from tests.conftest import REPO_ROOT
from tests.gui.conftest import finish
from tests.platforms import posix_signals

# Runs the real oktatool window; once it started, a "user" resizes it and switches tab, then it waits to
# be killed. Nothing of oktatool's is replaced: start() is wrapped only to schedule the user's actions.
_DRIVER = """
import sys
from PySide6.QtCore import QTimer
from oktatool.gui import main_window

original = main_window.MainWindow.start

def start(self, **options):
    original(self, **options)
    QTimer.singleShot(300, lambda: (self.resize(800, 555), self.show_tab("jwt")))
    QTimer.singleShot(300 + {delay} * 3, lambda: print("acted", flush=True))

main_window.MainWindow.start = start
from oktatool.cli import main
sys.exit(main([]))
"""


def _run_and_kill(home: Path, delay_ms: int) -> dict[str, Any]:
    env = dict(os.environ, OKTATOOL_HOME=str(home), QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    process = subprocess.Popen([sys.executable, "-c", _DRIVER.format(delay=delay_ms)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline and "acted" not in line:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
        assert "acted" in line, process.stderr.read() if process.poll() is not None else "no answer"
        process.send_signal(signal.SIGKILL)  # no closeEvent, no atexit: only what was saved already
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL
    settings = AppPaths.resolve(home).settings_file
    return dict(json.loads(settings.read_text(encoding="utf-8"))["window"])


@posix_signals  # the debounced save itself is tested below on every OS
def test_geometry_and_tab_survive_kill_9(tmp_path: Path) -> None:
    saved = _run_and_kill(tmp_path, STATE_SAVE_DELAY_MS)
    assert (saved["height"], saved["tab"]) == (555, "jwt")  # the offscreen screen is 800 px wide


def test_window_comes_back_as_saved_and_never_below_its_minimum(qtbot: Any, context: AppContext,
                                                                 aloop: asyncio.AbstractEventLoop) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.start()
    window.resize(200, 100)
    assert (window.width(), window.height()) == (MIN_WIDTH, MIN_HEIGHT)
    scopes = window.show_tab("scopes")
    assert isinstance(scopes, ScopesTab)
    finish(aloop, scopes.ready)  # its catalog loads in this test's loop, not in qtbot's waits below
    # The resize comes after the catalog's load, so that a slow load cannot use up the debounce delay
    # before `before` is read; the wait is timed, and only a wait shorter than the delay proves anything.
    window.resize(800, 570)  # the offscreen screen is 800×600
    started = time.monotonic()
    before = context.paths.settings_file.read_text(encoding="utf-8") if context.paths.settings_file.exists() else ""
    qtbot.wait(STATE_SAVE_DELAY_MS // 5)  # debounced: nothing written while the user is still dragging
    now = context.paths.settings_file.read_text(encoding="utf-8") if context.paths.settings_file.exists() else ""
    if (time.monotonic() - started) * 1000 < STATE_SAVE_DELAY_MS * 0.9:
        assert now == before
    qtbot.waitUntil(lambda: load_settings(context.paths.settings_file).settings.window.height == 570, timeout=5000)
    saved = load_settings(context.paths.settings_file).settings.window
    assert (saved.width, saved.height, saved.tab) == (800, 570, "scopes")
    again = MainWindow(AppContext(context.paths, type(context.settings)(context.paths.settings_file)))
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (800, 570)
    assert again.tabs.currentWidget() is again.pages["scopes"]



# Starts the real program on a 1920x1080 screen at QT_SCALE_FACTOR=2 (960x540 logical pixels) and prints
# where its window's frame sits and the screen's available area once it is shown.
_WHERE_DRIVER = """
import json, os, sys
from oktatool.gui import main_window

original = main_window.MainWindow.start

def start(self, **options):
    original(self, **options)
    frame, room = self.frameGeometry(), self.screen().availableGeometry()
    print(json.dumps({"frame": frame.getRect(), "room": room.getRect(), "size": self.size().toTuple()}), flush=True)
    os._exit(0)

main_window.MainWindow.start = start
from oktatool.cli import main
sys.exit(main([]))
"""
_BIG_SCREEN = {"synchronousWindowSystemEvents": True, "windowFrameMargins": True,
               "screens": [{"name": "big", "x": 0, "y": 0, "width": 1920, "height": 1080,
                            "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}


@pytest.mark.parametrize(("x", "y", "width", "height"), [
    (100, -20, 1100, 750),  # above the screen: the report (saved at another scale)
    (500, 300, 900, 560),  # over the bottom right corner
    (0, 0, 1100, 750),  # bigger than the screen
])
def test_a_restored_window_lies_inside_the_available_screen_area(tmp_path: Path, x: int, y: int, width: int,
                                                                  height: int) -> None:
    from oktatool.core.store.settings import SettingsStore, WindowState

    store = SettingsStore(AppPaths.resolve(tmp_path).settings_file)
    store.update(store.settings._replace(window=WindowState(x=x, y=y, width=width, height=height)))
    screens = tmp_path / "screens.json"
    screens.write_text(json.dumps(_BIG_SCREEN), encoding="utf-8")
    env = dict(os.environ, OKTATOOL_HOME=str(tmp_path), QT_QPA_PLATFORM=f"offscreen:configfile={screens}",
               QT_SCALE_FACTOR="2", PYTHONPATH=str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-c", _WHERE_DRIVER], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    fx, fy, fw, fh = shown["frame"]
    rx, ry, rw, rh = shown["room"]
    assert (rw, rh) == (960, 540)  # the scaled screen, as the report had it
    assert rx <= fx and ry <= fy and fx + fw <= rx + rw and fy + fh <= ry + rh, shown
    assert shown["size"][0] >= MIN_WIDTH and shown["size"][1] >= MIN_HEIGHT
