"""What every control needs for keyboard and screen-reader users: a name, a way out with Tab, and for a tab's
main action a shortcut.

- ``labelled`` / ``form_row``: a field's label is its buddy and its accessible name, so a screen reader says
  "exp, date-time" rather than "edit", and the label's mnemonic focuses it (a placeholder is not a name: Qt
  reads it as the description). A field with no label beside it gets ``setAccessibleName`` where it is built.
- ``keyboard_defaults``: every view and text editor, present and future, gets Tab that leaves it: item views
  stop wrapping Tab among their cells (the arrow keys move inside) and text editors hand Tab on instead of
  typing it; a scrolling pane that holds controls is no Tab stop of its own (a nameless stop: Tab goes to its
  controls, which Qt scrolls into view). The application's style applies it as it polishes each widget (before
  it is first shown), the moment the wheel guard uses: no application-wide event filter, which would send every
  event of the app through Python.
- ``main_action``: a tab's main button (Generate, Sign, Get token, Send, Copy) gets a QAction with its
  shortcut, scoped to the tab, with the keys in the button's tooltip; Help > Keyboard shortcuts lists the
  actions it finds, so the list is never kept by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QLabel,
    QLayout,
    QPlainTextEdit,
    QScrollArea,
    QTextEdit,
    QWidget,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QAbstractButton

#: the keys of each tab's main action (the first is the one tooltips show)
RUN_KEYS = ("Ctrl+Return", "Ctrl+Enter")
#: Get token (Ctrl+T is the Console's New tab, as in Postman and browsers)
TOKEN_KEYS = ("Ctrl+Shift+T",)
COPY_TOKEN_KEYS = ("Ctrl+Shift+C",)
#: the Console's request tabs (Ctrl+Shift+Tab arrives as Ctrl+Shift+Backtab on some platforms: both listed)
NEW_TAB_KEYS = ("Ctrl+T",)
CLOSE_TAB_KEYS = ("Ctrl+W",)
NEXT_TAB_KEYS = ("Ctrl+Tab", "Ctrl+PgDown")
PREVIOUS_TAB_KEYS = ("Ctrl+Shift+Tab", "Ctrl+Shift+Backtab", "Ctrl+PgUp")


def with_keys(text: str, keys: str) -> str:
    """Return ``text`` followed by ``keys`` as this OS writes them: "(Ctrl+Return)", "(⌘↩)" on macOS."""
    return f"{text} ({QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)})"


def labelled(text: str, field: QWidget) -> QLabel:
    """Return a label for ``field``: its buddy (the label's ``&`` mnemonic focuses it) and its accessible name."""
    label = QLabel(text)
    label.setBuddy(field)
    if not field.accessibleName():
        field.setAccessibleName(text.replace("&", "").strip())
    return label


def first_control(layout: QLayout) -> QWidget | None:
    """Return the first widget in ``layout`` (depth first) that takes the focus, None if there is none."""
    for index in range(layout.count()):
        item = layout.itemAt(index)
        if item is None:
            continue
        widget, inner = item.widget(), item.layout()
        if widget is not None:
            if widget.focusPolicy() != Qt.FocusPolicy.NoFocus:
                return widget
            inside = widget.layout()
            found = first_control(inside) if inside is not None else None
        else:
            found = first_control(inner) if inner is not None else None
        if found is not None:
            return found
    return None


def form_row(form: QFormLayout, label: str | QLabel, field: QWidget | QLayout) -> QLabel:
    """Add a row to ``form`` whose label names its field: the field itself, or the first control of a field
    that is a layout or a composite widget (QFormLayout names a field only when it is a plain widget)."""
    if isinstance(label, str):
        label = QLabel(label)
    form.addRow(label, field)
    if isinstance(field, QLayout):
        target = first_control(field)
    else:
        inside = field.layout()
        target = field if inside is None or field.focusPolicy() != Qt.FocusPolicy.NoFocus else first_control(inside)
    if target is not None:
        label.setBuddy(target)
        if not target.accessibleName():
            target.setAccessibleName(label.text().replace("&", "").strip())
    return label


def named(widget: QWidget, text: str) -> QWidget:
    """Give ``widget`` (a field with no label beside it) the accessible name ``text``; return it."""
    widget.setAccessibleName(text)
    return widget


def holds_controls(widget: QWidget | None) -> bool:
    """Say whether Tab can stop on anything inside ``widget`` (a pane that holds controls)."""
    return widget is not None and any(child.focusPolicy() & Qt.FocusPolicy.TabFocus
                                      for child in widget.findChildren(QWidget))


def keyboard_defaults(widget: QWidget) -> None:
    """Give ``widget`` Tab that leaves it: no Tab among a view's cells, no Tab typed into an editor, no Tab stop
    on a pane that scrolls controls. The application's style calls this as it polishes each widget
    (wheel_guard.WheelGuardStyle), once per widget, present and future."""
    if isinstance(widget, QAbstractItemView):
        widget.setTabKeyNavigation(False)
    elif isinstance(widget, QPlainTextEdit | QTextEdit):
        widget.setTabChangesFocus(True)
    elif isinstance(widget, QScrollArea) and holds_controls(widget.widget()):
        widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to its controls, scrolled into view


def main_action(button: QAbstractButton, scope: QWidget, keys: tuple[str, ...], tip: str) -> QAction:
    """Press ``button`` with ``keys`` from anywhere inside ``scope`` (a tab, a pane); say so in its tooltip.

    The action presses the button, so a disabled button stays disabled by keyboard too. Its text is what
    Help > Keyboard shortcuts shows.
    """
    action = tab_action(scope, keys, tip, button.click)
    button.setToolTip(with_keys(tip, keys[0]))
    return action


def tab_action(scope: QWidget, keys: tuple[str, ...], text: str, trigger: Callable[[], object]) -> QAction:
    """Run ``trigger`` with ``keys`` from anywhere inside ``scope``; Help > Keyboard shortcuts lists it as ``text``."""
    action = QAction(text, scope)
    action.setShortcuts([QKeySequence(k) for k in keys])
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.triggered.connect(lambda _checked=False: trigger())
    scope.addAction(action)
    return action
