"""Walk every screen of the window as a keyboard and screen-reader user meets it, and say what is wrong there.

``screens(window)`` yields each tab of the main window (built as the app builds it) and each dialog, in the
light and the dark scheme, shown and laid out; each check is a pure function of a screen's root widget
returning one line per problem, so more checks (contrast) plug into the same walk:

- ``unnamed_controls``: an interactive control a screen reader can only call "edit" or "check box": no
  accessible name from a buddy label, a form row's label, its own text or ``setAccessibleName`` (a
  placeholder is a description, not a name);
- ``tab_problems``: walking the focus with the Tab key (and back with Shift+Tab) from the first control,
  a control it never reaches, or a control Tab does not leave (a trap: a table wrapping Tab among its
  cells, an editor typing it as a character);
- ``mnemonic_problems``: a menu whose entries lack a mnemonic or share one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QScrollBar,
    QStackedWidget,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QToolButton,
    QWidget,
)

from oktatool.gui.main_window import TAB_SPECS, MainWindow
from oktatool.gui.shell_actions import apply_color_scheme

#: what a user types into, ticks, picks from or presses
INTERACTIVE = (QLineEdit, QAbstractSpinBox, QComboBox, QAbstractButton, QAbstractItemView, QAbstractSlider,
               QPlainTextEdit, QTextEdit)
#: controls whose inner widgets (a spin box's line edit, a view's editors, a tab bar's scroll arrows) are theirs
COMPOSITES = (QAbstractSpinBox, QComboBox, QAbstractItemView, QTabBar, QScrollBar)
#: Qt's own helpers that are not the app's controls: a table's corner button, a tool bar's overflow arrow
QT_HELPERS = ("QTableCornerButton", "QToolBarExtension")
SCHEMES = ("light", "dark")


@dataclass(frozen=True)
class Screen:
    """One screen of the walk: a tab of the window or a dialog, in one colour scheme."""

    name: str
    scheme: str
    root: QWidget

    def __str__(self) -> str:
        return f"{self.name} ({self.scheme})"


def describe(widget: QWidget) -> str:
    """Name a widget in a problem line: its class, object name and what a user sees of it."""
    hint = getattr(widget, "placeholderText", lambda: "")() or widget.toolTip()[:50]
    return f"{type(widget).__name__} {widget.objectName() or '(no object name)'} [{hint}]"


def accessible_name(widget: QWidget) -> str:
    """Return the name Qt's accessibility interface gives ``widget`` (what a screen reader says)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name).strip() if interface is not None else ""


def _inside_composite(widget: QWidget, root: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, COMPOSITES):
            return True
        parent = parent.parentWidget()
    return False


def _other_tabs(root: QWidget) -> list[QWidget]:
    """Return the window's tab pages not shown (each is its own screen of the walk)."""
    if not isinstance(root, MainWindow):
        return []
    return [page for page in root.pages.values() if page is not root.tabs.currentWidget()]


def _under(widget: QWidget, ancestors: list[QWidget]) -> bool:
    return any(ancestor.isAncestorOf(widget) for ancestor in ancestors)


def _own_tab_bar(widget: QWidget) -> bool:
    """Say whether ``widget`` is a tab bar of the app's own (the Console's request tabs), not a tab widget's."""
    return isinstance(widget, QTabBar) and not isinstance(widget.parentWidget(), QTabWidget)


def controls(root: QWidget, *, shown_only: bool = False) -> list[QWidget]:
    """Return the app's interactive controls on the screen ``root`` shows (those in a sub-tab not chosen too,
    unless ``shown_only``), leaving out Qt's inner parts of composite controls and what the app hid on purpose
    (a button shown only when it applies)."""
    found = []
    elsewhere = _other_tabs(root)
    for widget in root.findChildren(QWidget):
        if (not (isinstance(widget, INTERACTIVE) or _own_tab_bar(widget))
                or isinstance(widget, QScrollBar | QHeaderView)
                or type(widget).__name__ in QT_HELPERS or _inside_composite(widget, root)
                or widget.window() is not root or _under(widget, elsewhere)):
            continue
        if widget.isHidden() and not isinstance(widget.parentWidget(), QStackedWidget):
            continue  # hidden by the app; a sub-tab's page is hidden by its tab widget, and checked
        if shown_only and not widget.isVisible():
            continue
        found.append(widget)
    return found


def named_on_purpose(widget: QWidget, buddies: set[int]) -> bool:
    """Say whether ``widget``'s name comes from the app: ``setAccessibleName``, a buddy label, or a button's own
    text. Qt's fallbacks do not count: a combo box's current value or a group box's title is no field's name."""
    if widget.accessibleName().strip() or id(widget) in buddies:
        return True
    return isinstance(widget, QAbstractButton) and bool(widget.text().replace("&", "").strip())


def unnamed_controls(root: QWidget) -> list[str]:
    """Return a line for each interactive control under ``root`` with no accessible name (or only one Qt makes up
    from its value or its group box), and each whose tooltip explains it while its accessible description says
    nothing."""
    problems = []
    buddies = {id(label.buddy()) for label in root.findChildren(QLabel) if label.buddy() is not None}
    for widget in controls(root):
        interface = QAccessible.queryAccessibleInterface(widget)
        if not accessible_name(widget) or not named_on_purpose(widget, buddies):
            problems.append(f"no accessible name: {describe(widget)}")
        if widget.toolTip() and interface is not None and not interface.text(QAccessible.Text.Description):
            problems.append(f"a tooltip but no accessible description: {describe(widget)}")
    return problems


def _owner(widget: QWidget | None, wanted: set[int]) -> QWidget | None:
    """Return ``widget`` or the control it is part of (a spin box for its line edit), if one of ``wanted``."""
    while widget is not None:
        if id(widget) in wanted:
            return widget
        widget = widget.parentWidget()
    return None


def _step(key: Qt.Key) -> QWidget | None:
    focus = QApplication.focusWidget()
    if focus is None:
        return None
    QTest.keyClick(focus, key)
    QApplication.processEvents()
    return QApplication.focusWidget()


def focus_walk(root: QWidget, key: Qt.Key = Qt.Key.Key_Tab) -> tuple[list[QWidget], list[str]]:
    """Press ``key`` from the first control of ``root`` until the focus comes round to a widget it had; return
    the widgets of that round in order (a control left behind before it is not reachable: Tab never comes
    back to it), and a line for each place the key did not leave (a trap)."""
    root.activateWindow()
    QTest.qWaitForWindowActive(root)
    chain = [w for w in controls(root, shown_only=True)
             if w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus]
    if not chain:
        return [], []
    chain[0].setFocus(Qt.FocusReason.TabFocusReason)
    QApplication.processEvents()
    start = QApplication.focusWidget()
    visited: list[QWidget] = [start] if start is not None else []  # the round so far
    traps: list[str] = []
    for _ in range(4 * len(root.findChildren(QWidget)) + 10):
        before = QApplication.focusWidget()
        after = _step(key)
        if after is None or after is before:
            traps.append(f"{key.name} does not leave {describe(before) if before else 'the window'}")
            if before is None:
                break
            before.nextInFocusChain().setFocus(Qt.FocusReason.TabFocusReason)  # go on past the trap
            QApplication.processEvents()
            after = QApplication.focusWidget()
        if after in visited:
            return visited[visited.index(after):], traps
        if after is not None:
            visited.append(after)
    return visited, traps


def tab_problems(root: QWidget) -> list[str]:
    """Return a line for each shown, enabled control that Tab never reaches, each trap, and each stop on something
    with no name (a bare scroll area), Tab and Shift+Tab."""
    problems: list[str] = []
    wanted_controls = [w for w in controls(root, shown_only=True) if w.isEnabled()]
    wanted = {id(w) for w in wanted_controls}
    reached: set[int] = set()
    for key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
        visited, traps = focus_walk(root, key)
        problems += traps
        for widget in visited:
            owner = _owner(widget, wanted)
            if owner is not None:
                reached.add(id(owner))
            elif not accessible_name(widget):
                problems.append(f"Tab stops on something with no name: {describe(widget)}")
    for widget in wanted_controls:
        proxy = widget.focusProxy()
        if id(widget) not in reached and not (proxy is not None and _owner(proxy, wanted) is not None
                                               and id(_owner(proxy, wanted)) in reached):
            problems.append(f"not reachable with Tab: {describe(widget)}")
    return sorted(set(problems))


def _menus(root: QWidget) -> Iterator[tuple[str, QMenu]]:
    if isinstance(root, QMainWindow):
        for action in root.menuBar().actions():
            if action.menu() is not None:
                yield action.text(), action.menu()
    for button in root.findChildren(QToolButton):
        if button.menu() is not None:
            yield button.text(), button.menu()


def mnemonic(text: str) -> str | None:
    """Return the letter after a single ``&`` in ``text`` (lower case), None when it has none."""
    index = 0
    while (index := text.find("&", index)) != -1 and index + 1 < len(text):
        if text[index + 1] != "&":
            return text[index + 1].lower()
        index += 2
    return None


def mnemonic_problems(root: QWidget) -> list[str]:
    """Return a line for each menu entry (and menu bar title) without a mnemonic or sharing its menu's."""
    problems: list[str] = []
    groups: list[tuple[str, list[str]]] = []
    if isinstance(root, QMainWindow):
        groups.append(("the menu bar", [a.text() for a in root.menuBar().actions() if not a.isSeparator()]))
    groups += [(f"the {title.replace('&', '')} menu", [a.text() for a in menu.actions() if not a.isSeparator()])
               for title, menu in _menus(root)]
    for where, texts in groups:
        seen: dict[str, str] = {}
        for text in texts:
            letter = mnemonic(text)
            if letter is None:
                problems.append(f"{where}: {text!r} has no mnemonic")
            elif letter in seen:
                problems.append(f"{where}: {text!r} and {seen[letter]!r} share the mnemonic {letter!r}")
            else:
                seen[letter] = text
    return problems


def settle(rounds: int = 3) -> None:
    """Let Qt lay out and paint what was just shown."""
    for _ in range(rounds):
        QApplication.processEvents()


def dialogs() -> dict[type[QDialog], Callable[[MainWindow], QDialog]]:
    """Every dialog the window opens, made as the window makes it (test_wheel_guard checks none is missing)."""
    from oktatool.gui.console.saved_panel import SaveRequestDialog
    from oktatool.gui.dialogs.diagnose import DiagnoseDialog
    from oktatool.gui.dialogs.export_app import ExportDialog
    from oktatool.gui.dialogs.move_to_key import MoveToKeyDialog
    from oktatool.gui.dialogs.profiles import ProfilesDialog
    from oktatool.gui.dialogs.rotate_key import RotateKeyDialog
    from oktatool.gui.dialogs.service_app import NewServiceAppDialog
    from oktatool.gui.scopes.roles import RoleDialog
    from oktatool.gui.shell_actions import PreferencesDialog
    from oktatool.gui.widgets.error_dialog import ErrorDialog
    from oktatool.gui.widgets.shortcuts_dialog import ShortcutsDialog
    from oktatool.gui.widgets.store_unlock import PassphraseDialog

    made: dict[type[QDialog], Callable[[MainWindow], QDialog]] = {
        cls: (lambda w, cls=cls: cls(w.context, w))
        for cls in (DiagnoseDialog, ExportDialog, ProfilesDialog, RotateKeyDialog, NewServiceAppDialog,
                    MoveToKeyDialog)}
    made[PreferencesDialog] = lambda w: PreferencesDialog(w.context.settings.settings.preferences, w)
    made[PassphraseDialog] = lambda w: PassphraseDialog("Secret store", "Choose a passphrase.", confirm=True,
                                                        parent=w)
    made[ErrorDialog] = lambda w: ErrorDialog("ValueError: test", "details", w)
    made[ShortcutsDialog] = lambda w: ShortcutsDialog(w, w)
    made[SaveRequestDialog] = lambda w: SaveRequestDialog(w.context.session.profile.name, "List users", w)
    made[RoleDialog] = lambda w: RoleDialog(w, ["okta.users.read"], custom=False)
    return made


def _keys_single(tab: Any) -> None:
    tab.show_library(True)
    tab.outputs.show_all(False)
    tab.outputs.select("cert")  # its subject, validity and alternative names


def _console_two_tabs(tab: Any) -> None:
    if len(tab.request_tab_titles()) < 2:
        tab.new_request_tab().editor.set_request("GET", "/api/v1/groups")


#: the states of a tab the walk shows, each a screen of its own: parts built only when first opened (the key
#: library, the Certificate output's fields, All outputs, a second request tab) are opened so that they are
#: walked too
STATES: dict[str, tuple[tuple[str, Callable[[Any], None]], ...]] = {
    "keys": (("", _keys_single), ("all outputs", lambda tab: tab.outputs.show_all(True))),
    "scopes": (("", lambda tab: tab.side.setCurrentIndex(0)),
               ("Grants & roles", lambda tab: tab.side.setCurrentIndex(tab.side.count() - 1))),
    "console": (("", lambda _tab: None), ("two request tabs", _console_two_tabs)),
}


def tab_screens() -> int:
    """Return how many screens the walk makes of the window's tabs in one scheme."""
    return sum(len(STATES.get(spec.key, ((),))) for spec in TAB_SPECS)


def screens(window: MainWindow, schemes: tuple[str, ...] = SCHEMES,
            loaded: Callable[[], None] = settle) -> Iterator[Screen]:
    """Show each tab of ``window`` and each dialog in each scheme and yield it once ``loaded`` returns (e.g. a
    tab's catalog has loaded); the light scheme is left on."""
    try:
        for scheme in schemes:
            apply_color_scheme(scheme)
            for spec in TAB_SPECS:
                content = window.show_tab(spec.key)
                for state, show in STATES.get(spec.key, (("", lambda _tab: None),)):
                    loaded()  # a state shows a part of the tab, built once the tab has loaded
                    show(content)
                    loaded()
                    yield Screen(f"{spec.title} tab" + (f", {state}" if state else ""), scheme, window)
            for dialog_class, make in dialogs().items():
                title = dialog_class.__name__
                dialog = make(window)
                dialog.show()
                loaded()
                try:
                    yield Screen(title, scheme, dialog)
                finally:
                    dialog.done(0)
                    dialog.deleteLater()
                    settle()
    finally:
        apply_color_scheme("light")
