"""Menus and key names as each OS shows them: explicit menu roles (macOS moves About, Preferences and Quit to
the application menu by role), a Help menu that keeps an item there, and shortcuts in the OS's own words."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from oktatool.gui.console.request_editor import RequestEditor
from oktatool.gui.main_window import MainWindow
from oktatool.gui.widgets.accessible import RUN_KEYS, main_action
from tests.gui.test_main_window import window

__all__ = ["window"]  # the fixture, shared with test_main_window

#: roles with which macOS takes an item out of its menu and into the application menu
MOVED_ON_MACOS = {QAction.MenuRole.AboutRole, QAction.MenuRole.AboutQtRole, QAction.MenuRole.PreferencesRole,
                  QAction.MenuRole.QuitRole, QAction.MenuRole.ApplicationSpecificRole}


def _menus(window: MainWindow) -> dict[str, list[QAction]]:
    return {top.text(): top.menu().actions() for top in window.menuBar().actions()}


def test_every_menu_item_has_its_role_set_not_guessed_from_its_text(window: MainWindow) -> None:
    items = [action for actions in _menus(window).values() for action in actions]
    guessed = [action.text() for action in items if action.menuRole() == QAction.MenuRole.TextHeuristicRole]
    assert guessed == []
    assert window.quit_action.menuRole() == QAction.MenuRole.QuitRole
    assert window.about_action.menuRole() == QAction.MenuRole.AboutRole
    assert window.preferences_action.menuRole() == QAction.MenuRole.PreferencesRole
    moved = {action.text() for action in items if action.menuRole() in MOVED_ON_MACOS}
    assert moved == {"&Quit", "&About oktatool", "Pr&eferences…"}


def test_the_help_menu_keeps_an_item_when_macos_moves_about_out(window: MainWindow) -> None:
    staying = [action.text() for action in _menus(window)["&Help"]
               if not action.isSeparator() and action.menuRole() not in MOVED_ON_MACOS]
    assert staying == ["&Diagnose", "&Keyboard shortcuts"]


def test_the_send_tooltip_names_the_keys_as_this_os_writes_them(qtbot: Any) -> None:
    scope = QWidget()
    qtbot.addWidget(scope)
    editor = RequestEditor(scope)
    main_action(editor.send_button, scope, RUN_KEYS, "Send the request")
    ctrl_return = QKeySequence(Qt.KeyboardModifier.ControlModifier | Qt.Key.Key_Return)
    native = ctrl_return.toString(QKeySequence.SequenceFormat.NativeText)  # "⌘↩" on macOS
    assert editor.send_button.toolTip() == f"Send the request ({native})"
    assert ctrl_return in [keys for action in scope.actions() for keys in action.shortcuts()]  # and it does send
