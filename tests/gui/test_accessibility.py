"""Every tab and dialog, in the light and the dark scheme, as a keyboard and screen-reader user meets them:
every control named, every control reached with Tab and none holding it, one mnemonic per menu entry, every
text and indicator at its contrast ratio (tests/gui/contrast.py; test_contrast also walks each tab's pages and
every button's focus ring); each tab's main action on a key, listed in Help > Keyboard shortcuts
(tests/gui/a11y_walk.py walks the screens)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMainWindow

from oktatool.context import AppContext
from oktatool.gui import tasks
from oktatool.gui.keys.tab import KeysTab
from oktatool.gui.main_window import MainWindow
from oktatool.gui.startup import warm_up
from oktatool.gui.widgets.shortcuts_dialog import ShortcutsDialog, window_shortcuts
from tests.gui import a11y_walk
from tests.gui.conftest import finish
from tests.gui.contrast import contrast_problems


@pytest.fixture
def window(qtbot: Any, context: AppContext, aloop: asyncio.AbstractEventLoop) -> MainWindow:
    """The main window as start-up builds it: shown, started (menus, shortcuts), then warmed up (the shown tab,
    the secret store, Fusion's readable indicators and focus rings)."""
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.show()
    win.start(build_shown_tab=False, remember_state=False)
    aloop.run_until_complete(warm_up(win, context))
    return win


def until_loaded(loop: asyncio.AbstractEventLoop) -> Callable[[], None]:
    """Return a wait for what the shown tab or dialog loads in the background (the scope catalog, a preview)."""

    stale = set(tasks.spawned())  # an earlier test's leftovers: not this walk's to wait for

    def wait() -> None:
        loop.run_until_complete(asyncio.sleep(0))  # the loop runs the tasks' first steps (never processEvents)
        pending = set(tasks.spawned()) - stale
        if pending:
            loop.run_until_complete(asyncio.wait(pending, timeout=60))
        loop.run_until_complete(asyncio.sleep(0))

    return wait


def test_every_screen_names_its_controls_lets_tab_through_is_readable_and_has_one_mnemonic_per_entry(
        window: MainWindow, aloop: asyncio.AbstractEventLoop) -> None:
    problems: list[str] = []
    walked: list[str] = []
    for screen in a11y_walk.screens(window, loaded=until_loaded(aloop)):
        walked.append(str(screen))
        # contrast first, with no control focused (the last screen's Tab walk left the focus on one, and its ring
        # on a Fusion gradient is no text background; test_contrast checks every ring with focus_draws)
        focused = QApplication.focusWidget()
        if focused is not None:
            focused.clearFocus()
        found = contrast_problems(screen.root)
        found += a11y_walk.unnamed_controls(screen.root) + a11y_walk.tab_problems(screen.root)
        if isinstance(screen.root, QMainWindow):
            found += a11y_walk.mnemonic_problems(screen.root)
        problems += [f"{screen}: {problem}" for problem in found]
    assert len(walked) == 2 * (a11y_walk.tab_screens() + len(a11y_walk.dialogs()))
    assert "Keys tab, all outputs (dark)" in walked
    assert not problems, "\n".join(problems)


def test_the_walk_sees_an_unnamed_field_a_trap_and_a_shared_mnemonic(qtbot: Any) -> None:
    from PySide6.QtWidgets import QLineEdit, QMenu, QPlainTextEdit, QTableView, QToolButton, QVBoxLayout, QWidget

    holder = QWidget()
    qtbot.addWidget(holder)
    layout = QVBoxLayout(holder)
    field = QLineEdit()
    field.setPlaceholderText("a placeholder is no name")
    layout.addWidget(field)
    table = QTableView()
    table.setAccessibleName("a table")
    editor = QPlainTextEdit()
    editor.setAccessibleName("an editor")
    layout.addWidget(table)
    layout.addWidget(editor)
    button = QToolButton()
    button.setText("Menu")
    menu = QMenu(button)
    menu.addAction("&Paste")
    menu.addAction("&Preferences")
    button.setMenu(menu)
    layout.addWidget(button)
    holder.show()
    QTest.qWaitForWindowExposed(holder)
    assert a11y_walk.unnamed_controls(holder) == ["no accessible name: QLineEdit (no object name) "
                                                  "[a placeholder is no name]"]
    editor.setTabChangesFocus(False)
    assert any("does not leave QPlainTextEdit" in problem for problem in a11y_walk.tab_problems(holder))
    assert a11y_walk.mnemonic_problems(holder) == [
        "the Menu menu: '&Preferences' and '&Paste' share the mnemonic 'p'"]


def test_edit_profiles_and_diagnose_are_in_the_menus_with_keys(window: MainWindow) -> None:
    menus = {top.text(): top.menu().actions() for top in window.menuBar().actions()}
    assert window.edit_profiles_action in menus["&Edit"]
    assert window.diagnose_action in menus["&Help"] and window.shortcuts_action in menus["&Help"]
    assert menus["&Service app"] == [window.new_app_action, window.rotate_key_action, window.move_to_key_action,
                                     window.export_action]
    for action in (window.edit_profiles_action, window.diagnose_action):
        assert not action.shortcut().isEmpty()
        button = window.profile_bar.widgetForAction(action)
        assert button.focusPolicy() & Qt.FocusPolicy.TabFocus


def test_help_lists_each_tabs_main_action_from_its_actions(window: MainWindow, aloop: asyncio.AbstractEventLoop,
                                                           qtbot: Any) -> None:
    for key in window.pages:
        window.show_tab(key)
        until_loaded(aloop)()
    rows = window_shortcuts(window)
    where_what = {(where, what.split(" (")[0]) for where, what, _keys in rows}
    assert ("Keys tab", "Generate a key with these options") in where_what
    assert ("JWT tab", "Sign the editor's header and claims with the signing key") in where_what
    assert ("Scopes tab", "Get a token with the picked scopes") in where_what
    assert ("Console tab", "Send the request") in where_what
    assert {("Console tab", "New request tab"), ("Console tab", "Close the request tab"),
            ("Console tab", "Next request tab"), ("Console tab", "Previous request tab")} <= where_what
    assert any(where == "Console tab" and what.startswith("Copy") for where, what, _keys in rows)
    assert any(where == "Console tab" and what.startswith("Ask the profile's org for a token")
               for where, what, _keys in rows)
    assert ("Edit menu", "Edit profiles…") in where_what and ("Help menu", "Diagnose") in where_what
    dialog = ShortcutsDialog(window, window)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == len(rows)
    dialog.show()
    dialog.resize(480, 460)  # narrow: the long actions wrap onto two lines and more
    QTest.qWaitForWindowExposed(dialog)
    QApplication.processEvents()
    table = dialog.table
    cut = [table.model().index(row, 1).data() for row in range(len(rows))
           if table.rowHeight(row) < table.sizeHintForRow(row)]
    assert not cut, f"rows shown in part: {cut}"  # a wrapped action (the token's Copy) is whole


def test_ctrl_return_generates_in_the_keys_tab(window: MainWindow, aloop: asyncio.AbstractEventLoop) -> None:
    tab = window.show_tab("keys")
    assert isinstance(tab, KeysTab)
    window.activateWindow()
    tab.form.generate_button.setFocus()
    QApplication.processEvents()
    assert "Ctrl+Return" in tab.form.generate_button.toolTip() or "⌘" in tab.form.generate_button.toolTip()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    finish(aloop, tab.request.task)
    assert tab.key is not None


def test_ctrl_and_a_number_reach_each_tab_from_anywhere_even_from_inside_the_console(
        window: MainWindow, aloop: asyncio.AbstractEventLoop, qtbot: Any) -> None:
    from oktatool.gui.console.tab import ConsoleTab

    def press(key: Qt.Key) -> None:
        focused = QApplication.focusWidget() or window
        QTest.keyClick(focused, key, Qt.KeyboardModifier.ControlModifier)
        until_loaded(aloop)()

    window.activateWindow()
    press(Qt.Key.Key_4)
    console = window.current_page()
    assert window.tabs.currentWidget() is window.pages["console"] and isinstance(console, ConsoleTab)
    console.new_request_tab()
    console.editor.path.setFocus()
    press(Qt.Key.Key_Tab)  # inside the Console Ctrl+Tab moves between its request tabs, not the window's tabs
    assert window.tabs.currentWidget() is window.pages["console"] and console.state.current == 0
    for number, key in enumerate(("keys", "jwt", "scopes", "console"), start=1):
        press(getattr(Qt.Key, f"Key_{number}"))
        assert window.tabs.currentWidget() is window.pages[key], key
    listed = {(where, what) for where, what, _keys in window_shortcuts(window)}
    assert {("View menu", f"{title} tab") for title in ("Keys", "JWT", "Scopes", "Console")} <= listed
