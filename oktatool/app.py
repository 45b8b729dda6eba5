"""Composition root: build the context (paths, settings, secret store) and run the window.

Start-up order matters (research/feasibility.md §11): the window is shown and painted first; only then
are asyncio/qasync and the heavy modules imported and the loop started (``_run_loop``). Keep this
module's top-level imports light; a test asserts that asyncio, jwcrypto, requests and cryptography are
not loaded at the first paint.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from oktatool.context import AppContext
from oktatool.core.store.paths import AppPaths
from oktatool.core.store.settings import SettingsStore

if TYPE_CHECKING:
    import argparse

    from PySide6.QtWidgets import QApplication

    from oktatool.gui.main_window import MainWindow

#: seconds --smoke, --self-test and --screenshot wait for the first paint before giving up
PAINT_TIMEOUT_MS = 60_000


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
    import gc

    # No automatic cyclic collection while start-up allocates (Qt's and the heavy modules' imports, the
    # widgets): some 36 passes, ~5 ms, before the first paint alone. Once the loop runs the GUI-thread
    # collector (gui/tasks.py) collects on its timer and gives collection back when the window closes.
    # What start-up made by the first paint is frozen then (_show_window).
    collecting = gc.isenabled()
    gc.disable()
    try:
        if args.screenshot:
            import tempfile

            # the README's pictures, of a fresh Local sandbox: the user's settings, keys, secrets and orgs are
            # neither read nor changed (no real org gets the pictures' calls or their example role)
            with tempfile.TemporaryDirectory(prefix="oktatool-screenshot-", ignore_cleanup_errors=True) as home:
                return _show_window(args, home=home)
        return _show_window(args)
    finally:
        if collecting:
            gc.enable()


#: set when Ctrl+C arrives before the window can close itself (imports, building, first paint)
_INTERRUPTED: list[bool] = []


def _show_window(args: argparse.Namespace, home: str | None = None) -> int:
    """Run the window on the platform's folders, or on ``home`` with secrets in memory (--screenshot)."""
    import gc
    import signal

    headless_mode = bool(args.smoke or getattr(args, "self_test", False) or args.screenshot)
    if not headless_mode:
        # Ctrl+C while Qt and the window load would end the program ("interrupted") before the window could save
        # its state: note it instead, and close the window as soon as its loop waits for it
        signal.signal(signal.SIGINT, lambda _signum, _frame: _INTERRUPTED.append(True))
    from oktatool.gui.pyside_import import load_pyside

    # before any other PySide6 import: without the __feature__ hook every later import is cheaper
    own_process = load_pyside()  # False when a host (pytest-qt) loaded Qt first: its objects are not ours
    from oktatool.gui.qt_platform import display_problem

    problem = display_problem(headless_mode)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    if headless_mode:
        from oktatool.gui import qt_messages

        qt_messages.install()  # only oktatool's own lines reach the terminal
    app = create_application()
    paths = AppPaths.resolve(home)
    secrets = None
    if home is not None:
        from oktatool.core.store.secrets import MemoryStore

        secrets = MemoryStore()
    context = AppContext(paths, SettingsStore(paths.settings_file), secret_store=secrets, args=args)
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
    if own_process:
        # Qt's and oktatool's modules, the window: some 29,000 objects that live as long as the window, with
        # about 80 unreachable among them. Frozen (gc.freeze, no scan), no collection looks through them
        # again, neither the GUI-thread collector's nor the two or three at the interpreter's exit (~14 ms).
        gc.freeze()
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
    """From now on Ctrl+C in the terminal that started oktatool closes the window (saving its state); one
    pressed while the window loaded closes it now. Called once the loop waits for the window to close."""
    import signal

    from PySide6.QtCore import QTimer

    signal.signal(signal.SIGINT, lambda _signum, _frame: window.close())
    # Python runs signal handlers only between bytecodes; while Qt waits in C nothing runs, so wake up
    # the interpreter a few times a second.
    waker = QTimer(window)
    waker.timeout.connect(lambda: None)
    waker.start(250)
    if _INTERRUPTED:
        window.close()


def _run_loop(app: QApplication, window: MainWindow, context: AppContext, args: argparse.Namespace,
              painted_after: float) -> int:
    """Import asyncio/qasync, start the loop, and run until the window closes (or a headless mode ends)."""
    from oktatool.gui import startup
    from oktatool.gui.tasks import GuiLoop

    with GuiLoop(app, context) as gui:
        startup.install_error_handlers(window, gui.loop)
        result: Any = gui.loop.run_until_complete(startup.main(app, window, context, args, painted_after,
                                                                    on_waiting=lambda: _close_on_interrupt(window)))
    return int(result)
