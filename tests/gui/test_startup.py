"""The start-up contract: --smoke, headless fallbacks, and what is (not) imported at the first paint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.platforms import posix_signals, without_display

HEAVY = ("asyncio", "qasync", "jwcrypto", "requests", "cryptography", "keyring")


def _run(code_or_args: list[str], home: Path, *, display: bool = False, platform: str | None = None,
         timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = without_display(dict(os.environ))
    env["PYTHONPATH"] = str(REPO_ROOT)
    env["OKTATOOL_HOME"] = str(home)
    if platform:
        env["QT_QPA_PLATFORM"] = platform
    return subprocess.run([sys.executable, *code_or_args], env=env, capture_output=True, text=True,
                          timeout=timeout, cwd=REPO_ROOT)


def test_smoke_paints_and_exits_0_without_a_display(isolated_home: Path) -> None:
    done = _run(["-m", "oktatool", "--smoke"], isolated_home)
    assert done.returncode == 0, done.stderr
    assert (isolated_home / "config" / "settings.json").is_file()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the no-display check is for Linux")
def test_window_without_a_display_says_so_in_one_line(isolated_home: Path) -> None:
    done = _run(["-m", "oktatool"], isolated_home)
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith("error: no display found")
    assert "Traceback" not in done.stderr


def test_gui_subcommand_takes_no_flags_the_contract_way(isolated_home: Path) -> None:
    done = _run(["-m", "oktatool", "gui", "--smoke"], isolated_home)
    assert done.returncode == 2
    assert "unrecognized arguments" in done.stderr


SPY = """
import builtins
import sys
import oktatool.app as app

real = app.wait_for_first_paint

def spy(window, show):
    seconds = real(window, show)
    loaded = [name for name in {heavy!r} if name in sys.modules]
    qt = "Qt-built" if "Qt" in vars(sys.modules["PySide6.QtCore"]) else "Qt-not-built"
    print("AT-FIRST-PAINT", ",".join(loaded) or "-", "painted" if seconds is not None else "not-painted", qt,
          builtins.__import__.__name__)
    return seconds

app.wait_for_first_paint = spy
from oktatool.cli import main
sys.exit(main(["--smoke"]))
"""


def _at_first_paint(code: str, home: Path) -> list[str]:
    done = _run(["-c", code.format(heavy=HEAVY)], home, platform="offscreen")
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("AT-FIRST-PAINT"))
    return line.split(" ")[1:]


def test_heavy_modules_load_only_after_the_first_paint(isolated_home: Path) -> None:
    loaded, painted, qt_namespace, import_function = _at_first_paint(SPY, isolated_home)
    assert painted == "painted"
    assert loaded == "-", f"imported before the first paint: {loaded}"
    # the first use of Qt.* builds some 90 enum classes (~20 ms): the profile bar and menus use none
    assert qt_namespace == "Qt-not-built"
    # PySide's __feature__ hook reads the source of every module imported after it (gui/pyside_import.py)
    assert import_function == "__import__"


def test_the_spy_would_see_a_heavy_import(isolated_home: Path) -> None:
    code = SPY.replace("import oktatool.app as app", "import asyncio\nimport oktatool.app as app")
    assert _at_first_paint(code, isolated_home)[0] == "asyncio"


def test_the_spy_would_see_the_qt_namespace_and_the_import_hook(isolated_home: Path) -> None:
    # PySide6 loaded before oktatool's start-up: the hook stays (nothing to restore), and Qt is built
    code = SPY.replace("import oktatool.app as app", "from PySide6.QtCore import Qt\nimport oktatool.app as app")
    assert _at_first_paint(code, isolated_home)[2:] == ["Qt-built", "__feature_import__"]


def test_the_window_runs_until_closed_and_saves_its_state(qapp: object, isolated_home: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The real start-up path in process: paint, qasync loop, warm-up, then the user closes the window."""
    import asyncio
    from types import SimpleNamespace

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from oktatool.app import run_gui
    from oktatool.core.store.settings import load_settings
    from oktatool.gui.main_window import MainWindow

    monkeypatch.setenv("OKTATOOL_SECRET_STORE", "memory")
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_gui installs the error dialog's hook
    seen: list[str] = []

    def close_when_ready() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows or "checking" in windows[0].store_label.text():
            QTimer.singleShot(50, close_when_ready)
            return
        seen.append(windows[0].store_label.text())
        windows[0].tabs.setCurrentIndex(3)
        windows[0].close()

    QTimer.singleShot(50, close_when_ready)
    args = SimpleNamespace(smoke=False, self_test=False, screenshot=None, profile=None, debug=False)
    try:
        assert run_gui(args) == 0  # type: ignore[arg-type]
    finally:
        asyncio.set_event_loop(None)
    assert seen == ["Secrets: memory (test)"]
    assert load_settings(isolated_home / "config" / "settings.json").settings.window.tab == "console"


FROZEN = """
import gc
import sys
{before}
from oktatool.cli import main
status = main(["--smoke"])
print("FROZEN", gc.get_freeze_count(), "AFTER", len(gc.get_objects()))
sys.exit(status)
"""


@pytest.mark.parametrize(("before", "frozen"), [("", True), ("import PySide6.QtWidgets", False)])
def test_what_start_up_made_is_frozen_at_the_first_paint_when_the_process_is_ours(
        isolated_home: Path, before: str, frozen: bool) -> None:
    # frozen, no collection looks through start-up's objects again (the collector's, the interpreter's at exit);
    # a host that loaded Qt first (pytest-qt) keeps its own objects collectable
    done = _run(["-c", FROZEN.format(before=before)], isolated_home, platform="offscreen")
    assert done.returncode == 0, done.stderr
    words = next(x for x in done.stdout.splitlines() if x.startswith("FROZEN")).split()
    frozen_count, tracked = int(words[1]), int(words[3])
    if frozen:
        assert frozen_count > 10_000 and tracked < frozen_count // 10
    else:
        assert frozen_count == 0 and tracked > 10_000


@pytest.mark.parametrize(("argv", "expected"), [
    ([], {"command": None, "smoke": False}),
    (["gui"], {"command": "gui"}),
    (["--smoke", "--profile", "prod", "--home", "/tmp/h"], {"smoke": True, "profile": "prod", "home": "/tmp/h"}),
    (["--self-test", "--debug"], {"self_test": True, "debug": True}),
    (["--screenshot", "shots"], {"screenshot": "shots"}),
])
def test_window_command_lines_skip_the_full_parser(argv: list[str], expected: dict[str, object]) -> None:
    from oktatool.cli import _parse, _window_args

    fast = _window_args(argv)
    assert fast is not None
    for name, value in expected.items():
        assert getattr(fast, name) == value
    full = vars(_parse(argv))  # what the full parser makes of it, a global --profile included
    assert {k: v for k, v in vars(fast).items()} == {k: full[k] for k in vars(fast)}


@pytest.mark.parametrize("argv", [["--profile"], ["--screenshot", "--smoke"], ["keygen", "--kty", "EC"],
                                  ["--version"], ["gui", "--smoke"], ["--screenshot=x"], ["-h"]])
def test_anything_else_goes_to_argparse(argv: list[str]) -> None:
    from oktatool.cli import _window_args

    assert _window_args(argv) is None


@posix_signals
@pytest.mark.parametrize("when", ["while it loads", "once it runs"])
def test_ctrl_c_closes_the_window_without_a_traceback(isolated_home: Path, when: str) -> None:
    import signal
    import time

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(PYTHONPATH=str(REPO_ROOT), OKTATOOL_HOME=str(isolated_home), QT_QPA_PLATFORM="offscreen",
               OKTATOOL_SECRET_STORE="memory")
    settings = isolated_home / "config" / "settings.json"
    process = subprocess.Popen([sys.executable, "-m", "oktatool"], env=env, cwd=REPO_ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not settings.exists() and time.monotonic() < deadline:  # the first run's settings, written while
            time.sleep(0.02)  # the window is being built, before its loop runs
        if when == "once it runs":  # the window's state is saved on a resize, from the running loop
            first = json.loads(settings.read_text(encoding="utf-8"))
            while json.loads(settings.read_text(encoding="utf-8") or "{}") == first and time.monotonic() < deadline:
                time.sleep(0.05)
        # while it loads: no KeyboardInterrupt, the window closes once its loop runs; the loop ends only when the
        # window has closed, so a clean exit 0 means it did
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert (process.returncode, err) == (0, "")
