"""GUI fixtures: a qasync loop for the test, an AppContext on a temp home with an in-memory secret store."""

from __future__ import annotations

import asyncio
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from oktatool.context import AppContext
from oktatool.core.store.paths import AppPaths
from oktatool.core.store.secrets import MemoryStore
from oktatool.core.store.settings import SettingsStore


@pytest.fixture
def aloop(qapp: Any) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop set as the current loop (tests drive it with run_until_complete)."""
    import qasync

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    from oktatool.gui import tasks

    # what the test left running (a tab's load, a dialog's check) ends with its loop, as the app's way out does:
    # a task left pending on a closed loop never finishes, and the next test would wait for it
    left = [task for task in tasks.spawned() if task.get_loop() is loop]
    for task in left:
        task.cancel()
    loop.run_until_complete(asyncio.wait(left, timeout=10) if left else asyncio.sleep(0))
    loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture
def context(isolated_home: Path) -> AppContext:
    """An AppContext on the test's OKTATOOL_HOME with an in-memory secret store."""
    paths = AppPaths.resolve(isolated_home)
    return AppContext(paths, SettingsStore(paths.settings_file), secret_store=MemoryStore())


def finish(loop: asyncio.AbstractEventLoop, task: Any, timeout: float = 60) -> Any:
    """Run ``task`` (a Task or None) to completion on the qasync loop."""
    assert task is not None, "the action did not start a request"
    return loop.run_until_complete(asyncio.wait_for(asyncio.shield(task), timeout))


def openssl(*args: str, input: bytes | None = None) -> bytes:
    """Run openssl and return its stdout (keys made independently of our code)."""
    return subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60, input=input).stdout


@pytest.fixture(autouse=True)
def collect_qt_garbage_on_this_thread(qapp: Any) -> Iterator[None]:
    """Collect garbage on the GUI thread only while a GUI test runs, as the app does; then destroy its windows.

    Left to automatic collection, a worker thread (the executor, a sandbox's server thread) can collect a cycle
    holding a widget, destroying it off the GUI thread; its timers then fire on freed memory and the run
    segfaults inside Qt's event processing. The app prevents that with GuiThreadCollector; so does each test.
    """
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    from oktatool.gui.tasks import GuiThreadCollector

    collector = GuiThreadCollector(qapp)
    collector.start()
    try:
        yield
    finally:
        collector.stop()  # one collection here, on the GUI thread, and automatic collection back
        collector._timer.deleteLater()
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    gc.collect()


#: a command-line flag as a message would name it: --key, --scopes "…", --client-id, (--max-wait)
COMMAND_LINE_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*(?=[\s=)\"'\]`,.;:]|$)")


def _recording(owner: type, name: str, said: list[str], monkeypatch: pytest.MonkeyPatch, *, static: bool = False,
               arg: int = 0) -> None:
    """Wrap ``owner.name`` so that the text it is given (positional ``arg``, after self) lands in ``said``."""
    original = getattr(owner, name)

    def record(*args: Any, **kwargs: Any) -> Any:
        texts = args if static else args[1:]
        said.extend(text for text in texts[arg:arg + 1] if isinstance(text, str))
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, staticmethod(record) if static else record)


@pytest.fixture(autouse=True)
def window_speaks_of_its_own_controls(qapp: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Record every message the window shows during a GUI test; fail the test if one names a command-line flag.

    The paths: every label (message lines, notes, status and summary labels, what plain_message feeds),
    tooltips, placeholder notes, the status bar and message boxes (built, set or static).
    """
    from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QStatusBar, QWidget

    said: list[str] = []
    _recording(QLabel, "setText", said, monkeypatch)
    _recording(QWidget, "setToolTip", said, monkeypatch)
    _recording(QLineEdit, "setPlaceholderText", said, monkeypatch)
    _recording(QPlainTextEdit, "setPlaceholderText", said, monkeypatch)
    _recording(QStatusBar, "showMessage", said, monkeypatch)
    _recording(QMessageBox, "setText", said, monkeypatch)
    _recording(QMessageBox, "setInformativeText", said, monkeypatch)
    _recording(QMessageBox, "__init__", said, monkeypatch, arg=2)  # (icon, title, text, …)
    for name in ("warning", "critical", "information", "question"):
        _recording(QMessageBox, name, said, monkeypatch, static=True, arg=2)  # (parent, title, text, …)
    yield said
    flagged = [text for text in said if COMMAND_LINE_FLAG.search(text)]
    assert not flagged, f"the window named a command-line flag: {flagged[:3]}"


def answer_confirmation(button: str, asked: list[str]) -> None:
    """Press ``button`` of the confirmation dialog once it shows (as a user would); its text goes to ``asked``."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    def press() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible():
            asked.append(box.text())
            (chosen,) = [b for b in box.buttons() if b.text().replace("&", "") == button]
            chosen.click()
        else:
            QTimer.singleShot(20, press)  # not shown yet: look again (no deadline here; finish() has one)

    QTimer.singleShot(0, press)


def answer_role_dialog(role: str | None = None, *, groups: str = "", apps: str = "", users: str = "") -> None:
    """Fill the Grants & roles' role dialog once it shows (as a user would) and press Preview the calls…"""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from oktatool.gui.scopes.roles import RoleDialog

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, RoleDialog) or not dialog.isVisible():
            QTimer.singleShot(20, fill)  # not shown yet: look again (no deadline here; finish() has one)
            return
        if role is not None:
            dialog.role_type.setCurrentText(role)
        dialog.groups.setText(groups)
        dialog.apps.setText(apps)
        dialog.users.setText(users)
        dialog.preview.click()

    QTimer.singleShot(0, fill)
