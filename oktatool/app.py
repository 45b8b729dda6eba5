"""Composition root: build the context (paths, settings, secret store) and run the window.

Start-up order matters (research/feasibility.md §11): the window is shown and painted first; only then
are asyncio/qasync and the heavy modules imported and the loop started (``_run_loop``). Keep this
module's top-level imports light; a test asserts that asyncio, jwcrypto, requests and cryptography are
not loaded at the first paint.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from oktatool.core.paths import AppPaths
from oktatool.core.settings import Settings, SettingsStore

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from PySide6.QtWidgets import QApplication

    from oktatool.core.key_library import KeyLibrary
    from oktatool.core.secrets import SecretStore
    from oktatool.gui.main_window import MainWindow
    from oktatool.sandbox import Sandbox, SandboxInfo

#: seconds --smoke, --self-test and --screenshot wait for the first paint before giving up
PAINT_TIMEOUT_MS = 60_000


class AppContext:
    """What every tab gets: paths, settings, the secret store (opened lazily) and a clock."""

    def __init__(self, paths: AppPaths, settings: SettingsStore, *, secret_store: SecretStore | None = None,
                 args: argparse.Namespace | None = None) -> None:
        self.paths = paths
        self.settings = settings
        self.args = args
        self._secret_store = secret_store
        self._store_lock = threading.Lock()
        self._sandbox: Sandbox | None = None
        self._sandbox_lock = threading.Lock()
        #: called (on the GUI thread) after settings were saved through ``save_settings``
        self.settings_listeners: list[Callable[[Settings], None]] = []

    @property
    def opened_store(self) -> SecretStore | None:
        """Return the secret store if it was opened already (never opens it)."""
        return self._secret_store

    def secret_store(self) -> SecretStore:
        """Return the secret store, opening it on first use (keyring probing can be slow: not on the GUI thread)."""
        with self._store_lock:
            if self._secret_store is None:
                from oktatool.core.secrets import open_secret_store

                self._secret_store = open_secret_store(self.paths, self.settings.settings.preferences.secret_store)
            return self._secret_store

    @property
    def library_index(self) -> Path:
        """Return the key library's index file (public facts only)."""
        return self.paths.data_dir / "key-library.json"

    def key_library(self) -> KeyLibrary:
        """Return the key library over the secret store (opens the store: not on the GUI thread the first time)."""
        from oktatool.core.key_library import KeyLibrary

        return KeyLibrary(self.secret_store(), self.library_index)

    def library_names(self) -> list[str]:
        """Return the key library's names without opening the secret store."""
        from oktatool.core.key_library import read_entries

        return [entry.name for entry in read_entries(self.library_index)]

    def sandbox(self) -> SandboxInfo:
        """Start the built-in sandbox org in this process on first use and return how to reach it.

        Blocking (it binds a port and may make a key): call it in the executor. The service app keeps its
        key across restarts, so a profile's registered key stays valid.
        """
        with self._sandbox_lock:
            if self._sandbox is None:
                from oktatool.sandbox import Sandbox, SandboxOptions

                sandbox = Sandbox.keeping_key(SandboxOptions(), self.paths.sandbox_dir)
                sandbox.start()
                self._sandbox = sandbox
            return self._sandbox.info

    def close(self) -> None:
        """Stop what the context started (the sandbox org)."""
        with self._sandbox_lock:
            if self._sandbox is not None:
                self._sandbox.stop()
                self._sandbox = None

    def save_settings(self, settings: Settings) -> None:
        """Save new settings and tell the listeners."""
        self.settings.update(settings)
        for listener in list(self.settings_listeners):
            listener(settings)


def display_problem(mode_needs_no_screen: bool) -> str | None:
    """Return why no window can open here, or None; headless modes switch to the offscreen platform."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    if mode_needs_no_screen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return None
    return ("error: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set); run oktatool in a desktop "
            "session, or use the command-line subcommands (oktatool --help)")


def create_application() -> QApplication:
    """Return the QApplication, creating it with oktatool's names."""
    from PySide6.QtWidgets import QApplication

    from oktatool import APP_NAME, __version__

    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else APP_NAME])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("oktatool")
    app.setApplicationVersion(__version__)
    return app


def wait_for_first_paint(window: MainWindow, show: Callable[[], None]) -> float | None:
    """Show the window and run Qt until it gets its first Paint event; return seconds taken, None on timeout."""
    import time

    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer

    started = time.perf_counter()
    loop = QEventLoop()
    paint = QEvent.Type.Paint
    seen: list[float] = []

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == paint and not seen:
                seen.append(time.perf_counter() - started)
                loop.quit()
            return False

    watcher = FirstPaint()
    window.installEventFilter(watcher)
    QTimer.singleShot(PAINT_TIMEOUT_MS, loop.quit)
    show()
    if not seen:
        loop.exec()
    window.removeEventFilter(watcher)
    return seen[0] if seen else None


def run_gui(args: argparse.Namespace) -> int:
    """Open the window (or run --smoke / --self-test / --screenshot); return the exit status."""
    headless_mode = bool(args.smoke or getattr(args, "self_test", False) or args.screenshot)
    problem = display_problem(headless_mode)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    app = create_application()
    paths = AppPaths.resolve()
    context = AppContext(paths, SettingsStore(paths.settings_file), args=args)
    if args.profile:
        _choose_profile(context, args.profile)
    from oktatool.gui.main_window import MainWindow

    window = MainWindow(context)
    if args.screenshot:
        window.resize(1100, 750)
        show = window.show
    else:
        show = window.show_restored
    painted_after = wait_for_first_paint(window, show)
    if painted_after is None:
        print("error: the window was not painted within 60 seconds", file=sys.stderr)
        return 1
    if args.smoke:
        return 0
    return _run_loop(app, window, context, args, painted_after)


def _choose_profile(context: AppContext, name: str) -> None:
    names = [p.name for p in context.settings.settings.profiles]
    if name in names:
        context.settings.settings = context.settings.settings.with_active(name)
    else:
        print(f"warning: no profile called {name!r}; opening {context.settings.settings.active_profile!r}",
              file=sys.stderr)


def _close_on_interrupt(window: MainWindow) -> None:
    """Close the window (saving its state) on Ctrl+C in the terminal that started oktatool."""
    import signal

    from PySide6.QtCore import QTimer

    signal.signal(signal.SIGINT, lambda _signum, _frame: window.close())
    # Python runs signal handlers only between bytecodes; while Qt waits in C nothing runs, so wake up
    # the interpreter a few times a second.
    waker = QTimer(window)
    waker.timeout.connect(lambda: None)
    waker.start(250)


def _run_loop(app: QApplication, window: MainWindow, context: AppContext, args: argparse.Namespace,
              painted_after: float) -> int:
    """Import asyncio/qasync, start the loop, and run until the window closes (or a headless mode ends)."""
    import asyncio

    import qasync

    from oktatool.gui import startup

    _close_on_interrupt(window)
    loop = qasync.QEventLoop(app)
    # qasync wraps executor futures for the *current* loop, so it must be the current one (feasibility §7).
    asyncio.set_event_loop(loop)
    startup.install_error_handlers(window, loop)
    from oktatool.gui.tasks import GuiThreadCollector

    collector = GuiThreadCollector(app)
    collector.start()
    try:
        with loop:
            result: Any = loop.run_until_complete(startup.main(app, window, context, args, painted_after))
    finally:
        context.close()
        collector.stop()
    return int(result)
