"""What runs once the window has painted: error handlers, deferred imports, the secret store, and the
headless modes (--self-test, --screenshot)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QApplication

from oktatool.gui import tasks
from oktatool.gui.deferred import import_modules, warm_later
from oktatool.gui.widgets.error_dialog import ErrorReporter

if TYPE_CHECKING:
    import argparse

    from oktatool.context import AppContext
    from oktatool.gui.main_window import MainWindow

def install_error_handlers(window: MainWindow, loop: asyncio.AbstractEventLoop) -> ErrorReporter:
    """Send uncaught exceptions (Qt slots and asyncio tasks alike) to the error dialog."""
    reporter = ErrorReporter(window)
    sys.excepthook = reporter.excepthook

    def on_loop_error(_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if isinstance(exc, BaseException):
            reporter.excepthook(type(exc), exc, exc.__traceback__)
        else:
            reporter.report(RuntimeError(str(context.get("message", "asyncio error"))),
                            str(context.get("message", "")))

    loop.set_exception_handler(on_loop_error)
    return reporter


async def warm_up(window: MainWindow, context: AppContext, importing: Awaitable[object] | None = None) -> None:
    """Wait for the shown tab's heavy modules (``importing``, already loading off the GUI thread, or loaded
    now), build the tab, set the window icon, open the secret store, say which, then warm every other heavy
    module and make Fusion's parts readable."""
    try:
        await (importing if importing is not None else tasks.run_blocking(import_modules, window.shown_spec().heavy))
    finally:
        window.build_shown_tab()  # a missing module then fails here, visibly, in the error dialog
    from oktatool.gui.shell_actions import apply_window_icon

    opening = asyncio.get_running_loop().run_in_executor(None, context.secret_store)
    await asyncio.sleep(0)  # a loop turn: Qt lays out and paints the built tab before the icon is loaded
    apply_window_icon(window)  # the SVG, on the GUI thread while the store opens in the executor
    try:
        store = await opening
        window.set_store_text(f"Secrets: {store.short_name}", store.description)
        from oktatool.gui.tab_page import StorePage

        for page in window.built_pages().values():
            if isinstance(page, StorePage):
                page.store_ready()
        await tasks.run_blocking(warm_later)
    finally:  # a store that fails to open leaves no label drawing an org's text as HTML
        from oktatool.gui.readable_style import install_style

        app = QApplication.instance()
        if isinstance(app, QApplication):
            # once the window is ready: the wheel guard, Tab out of views and editors, every label plain text
            # unless it asks for HTML, and with Fusion check-box outlines and focus rings at 3:1 (one style
            # change, which re-polishes every widget)
            install_style(app)


async def main(app: QApplication, window: MainWindow, context: AppContext, args: argparse.Namespace,
               painted_after: float, *, on_waiting: Callable[[], None] | None = None) -> int:
    """Run after the first paint until the window closes; --self-test and --screenshot end on their own.

    ``on_waiting`` runs once closing the window ends this (the app hands Ctrl+C to the window then).
    """
    headless = bool(getattr(args, "self_test", False) or args.screenshot)
    # the heavy modules load in the executor while the menus are wired: both hold the GIL for most of it, but
    # the import's file reads and library loads do not (about 15 ms sooner ready than one after the other)
    importing = asyncio.get_running_loop().run_in_executor(None, import_modules, window.shown_spec().heavy)
    window.start(build_shown_tab=False, remember_state=not headless)
    warm = tasks.spawn(warm_up(window, context, importing))
    if getattr(args, "self_test", False):
        from oktatool.gui.self_test import run_self_test

        return await run_self_test(window, context, painted_after, warm)
    if args.screenshot:
        from oktatool.gui.self_test import take_screenshots

        await asyncio.gather(warm, return_exceptions=True)
        return await take_screenshots(window, args.screenshot)
    app.setQuitOnLastWindowClosed(False)
    closed: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def on_last_window_closed() -> None:
        if not closed.done():
            closed.set_result(0)

    app.lastWindowClosed.connect(on_last_window_closed)
    if on_waiting is not None:
        on_waiting()
    return await closed
