"""Help > Keyboard shortcuts: every shortcut of the window, read from its actions as they are set now.

The menus' actions, then each tab's (its main action: Generate, Sign, Get token, Send, Copy). A tab not yet
shown is built first, so its shortcuts are listed too. Nothing here is a hand-kept list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QAction, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from PySide6.QtWidgets import QMenuBar, QTabWidget

    from oktatool.gui.widgets.lazy_tab import LazyTab


class MainWindow(Protocol):
    """What the dialog reads of the main window (a Protocol: this module never imports the window)."""

    tabs: QTabWidget
    pages: Mapping[str, LazyTab]

    def menuBar(self) -> QMenuBar: ...


def keys_text(action: QAction) -> str:
    """Return ``action``'s shortcuts as this OS writes them, "Ctrl+Return or Ctrl+Enter"."""
    native = QKeySequence.SequenceFormat.NativeText
    return " or ".join(keys.toString(native) for keys in action.shortcuts() if not keys.isEmpty())


def window_shortcuts(window: MainWindow) -> list[tuple[str, str, str]]:
    """Return (where, what, keys) for every action of ``window`` with a shortcut: menus first, then tabs."""
    rows: list[tuple[str, str, str]] = []
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if not isinstance(menu, QMenu):
            continue
        where = f"{menu_action.text().replace('&', '')} menu"
        rows += [(where, action.text().replace("&", ""), keys_text(action))
                 for action in menu.actions() if keys_text(action)]
    for index in range(window.tabs.count()):
        title = window.tabs.tabText(index)
        key = next(key for key, page in window.pages.items() if window.tabs.indexOf(page) == index)
        content = window.pages[key].ensure_built()
        rows += [(f"{title} tab", action.text(), keys_text(action))
                 for action in content.findChildren(QAction) if keys_text(action)]
    return rows


class ShortcutsDialog(QDialog):
    """A table of every keyboard shortcut of the window."""

    def __init__(self, window: MainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(["Where", "Action", "Keys"])
        for row in window_shortcuts(window):
            items = [QStandardItem(text) for text in row]
            for item in items:
                item.setEditable(False)
            self.model.appendRow(items)
        self.table = QTableView()
        self.table.setObjectName("shortcutsTable")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        # a long action wraps: its row grows to show it whole
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(2)
        note = QLabel("Tab and Shift+Tab move between controls; the arrow keys move inside a table or list. "
                      "Alt and a menu's underlined letter open it.")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(680, 460)
