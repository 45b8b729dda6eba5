"""Every tab and dialog is readable in both schemes, fresh and after switching: text at 4.5:1 (3:1 when large),
check-box and radio outlines at 3:1, and keyboard focus visible on every button."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QCheckBox, QDialog, QRadioButton, QTabWidget, QWidget

from oktatool.context import AppContext
from oktatool.gui import tasks
from oktatool.gui.colour_scheme import apply_color_scheme
from oktatool.gui.main_window import TAB_SPECS, MainWindow
from oktatool.gui.startup import warm_up
from oktatool.gui.widgets.tones import is_dark
from tests.gui import a11y_walk
from tests.gui.contrast import contrast_problems, focus_draws


def choose_scheme(context: AppContext, scheme: str) -> None:
    """Save the colour-scheme preference, as the Preferences dialog does."""
    settings = context.settings.settings
    context.save_settings(settings._replace(preferences=settings.preferences._replace(color_scheme=scheme)))
    QApplication.processEvents()


def settle(loop: asyncio.AbstractEventLoop) -> None:
    """Let what was just shown load (the tasks it spawned, on the qasync loop) and paint."""
    loop.run_until_complete(asyncio.sleep(0))
    pending = tasks.spawned()
    if pending:
        loop.run_until_complete(asyncio.wait(pending, timeout=60))
    QApplication.processEvents()


def until(loop: asyncio.AbstractEventLoop, condition: Callable[[], bool]) -> None:
    """Run the loop until ``condition`` holds (the dialog's own work, on the qasync loop)."""
    async def polled() -> None:
        while not condition():
            await asyncio.sleep(0.02)

    loop.run_until_complete(asyncio.wait_for(polled(), 60))


@pytest.fixture
def open_window(qtbot: Any, context: AppContext,
                aloop: asyncio.AbstractEventLoop) -> Iterator[Callable[[str], MainWindow]]:
    """Open the main window at 1100×750 as start-up does (oktatool.startup), its colour scheme saved before."""
    def open_in(scheme: str) -> MainWindow:
        choose_scheme(context, scheme)
        win = MainWindow(context)
        qtbot.addWidget(win)
        win.resize(1100, 750)
        win.show()
        win.start(build_shown_tab=False, remember_state=False)
        aloop.run_until_complete(warm_up(win, context))
        assert is_dark() == (scheme == "dark")
        return win

    try:
        yield open_in
    finally:
        apply_color_scheme("light")


def do_the_work(window: MainWindow, loop: asyncio.AbstractEventLoop) -> None:
    """Fill every tab as the README's screenshots show it: a key, a signed assertion, scopes, a users call."""
    for spec in TAB_SPECS:
        window.show_tab(spec.key)
        loop.run_until_complete(window.page(spec.key).prepare_screenshot())
        settle(loop)


def show_errors(window: MainWindow, loop: asyncio.AbstractEventLoop) -> None:
    """Put messages in their error colour on screen: a body that is not JSON, a call no endpoint matches."""
    console = window.show_tab("console")
    console.editor.body.setPlainText('{"profile": ')
    console.editor.validate_body()
    console.editor.parts.setCurrentIndex(2)
    scopes = window.show_tab("scopes")
    scopes.side.setCurrentIndex(1)
    scopes.endpoints.look_up("GET /api/v1/no-such-thing")
    settle(loop)
    assert console.editor.body_error.text().startswith("Not JSON") and scopes.endpoints.answer.styleSheet()


def each_page(page: QWidget, loop: asyncio.AbstractEventLoop, where: str) -> Iterator[tuple[str, QWidget]]:
    """Open, in turn, each page of every tab widget in ``page`` that is not shown yet (nested ones too), as a user
    would, and yield it with where it is; put back the pages that were shown."""
    for tabs in page.findChildren(QTabWidget):
        if not tabs.isVisible() or any(isinstance(up, QTabWidget) for up in ancestors(tabs, page)):
            continue  # hidden, or walked with the page of its own tab widget
        shown = tabs.currentIndex()
        for index in range(tabs.count()):
            if not tabs.isTabEnabled(index):
                continue
            tabs.setCurrentIndex(index)
            settle(loop)
            inside = f"{where} › {tab_title(tabs, index)}"
            if index != shown:  # the shown one is seen with its window
                yield inside, tabs.widget(index)
            yield from each_page(tabs.widget(index), loop, inside)
        tabs.setCurrentIndex(shown)
        settle(loop)


def tab_title(tabs: QTabWidget, index: int) -> str:
    """Return the tab's title as shown (its mnemonic's & gone)."""
    return re.sub(r"&(.)", r"\1", tabs.tabText(index))


def ancestors(widget: QWidget, below: QWidget) -> list[QWidget]:
    """Return the widgets between ``widget`` and ``below`` (both left out)."""
    found = []
    up = widget.parentWidget()
    while up is not None and up is not below:
        found.append(up)
        up = up.parentWidget()
    return found


def tab_problems(window: MainWindow, loop: asyncio.AbstractEventLoop, scheme: str) -> list[str]:
    """Check every tab of the window, and every page of the tab widgets inside it."""
    problems = []
    for spec in TAB_SPECS:
        page = window.show_tab(spec.key)
        settle(loop)
        where = f"{scheme}, {spec.title} tab"
        problems += [f"{where}: {problem}" for problem in contrast_problems(window)]
        for inside, shown in each_page(page, loop, where):
            problems += [f"{inside}: {problem}" for problem in contrast_problems(shown)]
        for state, show in a11y_walk.STATES.get(spec.key, ()):  # parts built when first opened
            show(page)
            settle(loop)
            problems += [f"{where}, {state or 'opened'}: {problem}" for problem in contrast_problems(window)]
    return problems


def open_dialogs(window: MainWindow, loop: asyncio.AbstractEventLoop) -> list[QDialog]:
    """Open every dialog the window opens (a11y_walk's list), each with the colours it can show: the error's
    details, a new passphrase's strength hint and refusal, Diagnose's checks run."""
    from oktatool.gui.dialogs.diagnose import DiagnoseDialog
    from oktatool.gui.widgets.error_dialog import ErrorDialog
    from oktatool.gui.widgets.store_unlock import PassphraseDialog

    opened = []
    for make in a11y_walk.dialogs().values():
        dialog = make(window)
        dialog.show()
        if isinstance(dialog, ErrorDialog):
            dialog.show_button.click()
        elif isinstance(dialog, PassphraseDialog):
            dialog.passphrase.setText("correcthorse")  # a strength hint in its warning colour
            dialog.show_error("The two passphrases differ; type them again.")
        elif isinstance(dialog, DiagnoseDialog):
            dialog.start()
            until(loop, lambda d=dialog: d.report is not None)
        opened.append(dialog)
    settle(loop)
    return opened


@pytest.mark.parametrize("schemes", [("dark",), ("light", "dark", "light")], ids=["fresh-dark", "light-dark-light"])
def test_every_tab_and_dialog_is_readable(open_window: Callable[[str], MainWindow], context: AppContext, qtbot: Any,
                                          aloop: asyncio.AbstractEventLoop, schemes: tuple[str, ...]) -> None:
    window = open_window(schemes[0])
    do_the_work(window, aloop)
    show_errors(window, aloop)
    problems = tab_problems(window, aloop, schemes[0])
    for scheme in schemes[1:]:  # switched with the work on screen: everything drawn before follows
        choose_scheme(context, scheme)
        assert is_dark() == (scheme == "dark")
        problems += tab_problems(window, aloop, f"{schemes[0]} then {scheme}")
    for dialog in open_dialogs(window, aloop):
        problems += [f"{schemes[-1]}, {dialog.windowTitle()}: {problem}" for problem in contrast_problems(dialog)]
        dialog.close()
    assert not problems, "\n".join(problems)


def focusable_buttons(top: QWidget) -> list[QAbstractButton]:
    return [button for button in top.findChildren(QAbstractButton)
            if button.isVisible() and button.isEnabled() and button.focusPolicy() & Qt.FocusPolicy.TabFocus
            and not isinstance(button, QCheckBox | QRadioButton) and not button.visibleRegion().isEmpty()]


def silent_buttons(top: QWidget, qtbot: Any) -> list[str]:
    top.activateWindow()
    qtbot.waitUntil(top.isActiveWindow, timeout=5000)
    return [f"{type(button).__name__}({button.text() or button.objectName()!r})"
            for button in focusable_buttons(top) if not focus_draws(button)]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_keyboard_focus_shows_on_every_button(open_window: Callable[[str], MainWindow], qtbot: Any,
                                              aloop: asyncio.AbstractEventLoop, scheme: str) -> None:
    window = open_window(scheme)
    silent = []
    for spec in TAB_SPECS:
        page = window.show_tab(spec.key)
        settle(aloop)
        silent += [f"{spec.title} tab: {name}" for name in silent_buttons(window, qtbot)]
        for inside, shown in each_page(page, aloop, f"{spec.title} tab"):
            silent += [f"{inside}: {name}" for name in silent_buttons(shown, qtbot)]
    for dialog in open_dialogs(window, aloop):
        silent += [f"{dialog.windowTitle()}: {name}" for name in silent_buttons(dialog, qtbot)]
        dialog.close()
    assert not silent, f"focus draws nothing ({scheme}): {silent}"
