"""The mouse wheel changes no value the user did not focus (gui/widgets/wheel_guard.py).

The wheel is turned as a user turns it: QTest.wheelEvent goes through the window system into the real window
at the widget's place, so Qt picks the widget under the pointer, gives focus by focus policy and passes an
ignored event on to the pane around it. Only a widget no pointer can reach now (hidden on another page or
row) gets the event Qt would deliver sent straight to it.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDoubleSpinBox,
    QScrollArea,
    QScrollBar,
    QSpinBox,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

import oktatool.gui
from oktatool.context import AppContext
from oktatool.gui.dialogs.steps_dialog import StepsDialog
from oktatool.gui.jwt.tab import JwtTab
from oktatool.gui.jwt.template_panel import OKTA
from oktatool.gui.main_window import TAB_SPECS, MainWindow
from oktatool.gui.startup import warm_up
from tests.gui.a11y_walk import dialogs
from tests.gui.conftest import finish

DOWN, UP = QPoint(0, -120), QPoint(0, 120)
T = TypeVar("T")


def in_loop(loop: asyncio.AbstractEventLoop, action: Callable[[], T]) -> T:
    """Run ``action`` inside the running qasync loop: the Qt events it processes step tasks as the app's do."""
    async def run() -> T:
        return action()

    return loop.run_until_complete(run())


def wheel_widgets(root: QWidget) -> list[QWidget]:
    """Every widget under ``root`` whose value a wheel would change (scroll bars are for wheeling)."""
    found = root.findChildren(QWidget)
    return [w for w in found if isinstance(w, QAbstractSpinBox | QComboBox | QAbstractSlider)
            and not isinstance(w, QScrollBar)]


def value_of(widget: QWidget) -> object:
    if isinstance(widget, QDateTimeEdit):
        return widget.dateTime()
    if isinstance(widget, QSpinBox | QDoubleSpinBox | QAbstractSlider):
        return widget.value()
    if isinstance(widget, QComboBox):
        return widget.currentIndex()
    assert isinstance(widget, QAbstractSpinBox)
    return widget.text()


def name_of(widget: QWidget) -> str:
    return f"{type(widget).__name__} {widget.objectName()!r} in {type(widget.window()).__name__}"


def reveal(widget: QWidget) -> None:
    """Bring ``widget``'s page forward and scroll every pane around it so that it is in view."""
    child, parent = widget, widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QStackedWidget):
            tabs = parent.parentWidget()
            if isinstance(tabs, QTabWidget):
                tabs.setCurrentWidget(child)
            else:
                parent.setCurrentWidget(child)
        child, parent = parent, parent.parentWidget()
    QApplication.processEvents()
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(widget)
        parent = parent.parentWidget()
    QApplication.processEvents()


def under_pointer(widget: QWidget) -> QPoint | None:
    """Return ``widget``'s centre in its window when the pointer placed there would be over it, else None."""
    if not widget.isVisible():
        return None
    window = widget.window()
    centre = widget.mapTo(window, widget.rect().center())
    hit = window.childAt(centre)
    return centre if hit is not None and (hit is widget or widget.isAncestorOf(hit)) else None


def turn_wheel(widget: QWidget, delta: QPoint) -> bool:
    """Turn the wheel one notch over ``widget``; return whether it went through the window (a real pointer)."""
    centre = under_pointer(widget)
    if centre is not None:
        QTest.wheelEvent(widget.window().windowHandle(), QPointF(centre), delta)
    else:
        spot = QPointF(widget.rect().center())
        QApplication.sendEvent(widget, QWheelEvent(spot, QPointF(widget.mapToGlobal(spot)), QPoint(), delta,
                                                   Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                                                   Qt.ScrollPhase.NoScrollPhase, False))
    QApplication.processEvents()
    return centre is not None


def assert_wheel_changes_nothing(root: QWidget) -> int:
    """Wheel down and up over every unfocused wheel widget under ``root``; return how many went by pointer."""
    widgets = wheel_widgets(root)
    assert widgets, f"no spin box, date-time, combo box or slider in {type(root).__name__}"
    by_pointer = 0
    for widget in widgets:
        reveal(widget)
        if widget.hasFocus():
            widget.clearFocus()
        before = value_of(widget)
        for delta in (DOWN, UP):
            pointer = turn_wheel(widget, delta)
            by_pointer += pointer
            assert value_of(widget) == before, f"the wheel changed {name_of(widget)}: {before} -> {value_of(widget)}"
            assert not widget.hasFocus(), f"the wheel focused {name_of(widget)}"
    return by_pointer


@pytest.fixture
def window(qtbot: Any, context: AppContext, aloop: asyncio.AbstractEventLoop) -> Iterator[MainWindow]:
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.resize(1100, 750)
    win.show()
    qtbot.waitExposed(win)
    win.start()
    aloop.run_until_complete(warm_up(win, context))  # start-up installs the guarding style once the window is ready
    yield win
    context.close()


def apply_okta_template(window: MainWindow, loop: asyncio.AbstractEventLoop) -> JwtTab:
    tab = window.show_tab("jwt")
    assert isinstance(tab, JwtTab)
    tab.template.setCurrentText(OKTA)
    tab.apply_button.click()
    finish(loop, tab.template_request.task)
    return tab


def test_no_wheel_changes_a_value_on_any_tab(window: MainWindow, aloop: asyncio.AbstractEventLoop) -> None:
    apply_okta_template(window, aloop)
    keys = window.show_tab("keys")
    keys.show_library(True)  # type: ignore[attr-defined]
    scopes = window.show_tab("scopes")
    finish(aloop, scopes.ready)  # type: ignore[attr-defined]
    window.show_tab("console")
    for spec in TAB_SPECS:  # every tab has some: a tab built without its form would pass here for nothing
        assert wheel_widgets(window.pages[spec.key]), f"no wheel widget on the {spec.title} tab"
    by_pointer = in_loop(aloop, lambda: assert_wheel_changes_nothing(window))  # the tabs and the profile switcher
    assert by_pointer >= 40  # most turns went through the window as a user's do, not straight to a widget


def dialog_classes_in_the_app() -> set[type[QDialog]]:
    found: set[type[QDialog]] = set()
    for module_info in pkgutil.walk_packages(oktatool.gui.__path__, "oktatool.gui."):
        module = importlib.import_module(module_info.name)
        found.update(cls for _, cls in inspect.getmembers(module, inspect.isclass)
                     if issubclass(cls, QDialog) and cls.__module__ == module.__name__)
    return found


def test_the_dialog_list_names_every_dialog_of_the_app() -> None:
    assert dialog_classes_in_the_app() - {StepsDialog} == set(dialogs())


@pytest.mark.parametrize("dialog_class", list(dialogs()), ids=lambda cls: cls.__name__)
def test_no_wheel_changes_a_value_in_any_dialog(window: MainWindow, qtbot: Any, aloop: asyncio.AbstractEventLoop,
                                               dialog_class: type[QDialog]) -> None:
    dialog = dialogs()[dialog_class](window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    if not wheel_widgets(dialog):
        pytest.skip(f"{dialog_class.__name__} has no spin box, date-time, combo box or slider")
    assert in_loop(aloop, lambda: assert_wheel_changes_nothing(dialog)) > 0


def test_the_wheel_over_exp_scrolls_the_claims_form(window: MainWindow, aloop: asyncio.AbstractEventLoop) -> None:
    """The issue's case: Okta client assertion applied, the form scrolled with the pointer over exp."""
    window.resize(960, 600)
    tab = apply_okta_template(window, aloop)
    exp = tab.claims.findChild(QDateTimeEdit, "picker_exp")
    assert exp is not None and exp.isEnabled()
    bar = tab.editor_area.verticalScrollBar()
    in_loop(aloop, lambda: reveal(exp))
    start = bar.value()
    assert start < bar.maximum(), "the form must have room to scroll for this test"
    before = exp.dateTime()
    token = tab.current_token()
    assert in_loop(aloop, lambda: turn_wheel(exp, DOWN)), "the pointer must be over exp"
    assert exp.dateTime() == before and not exp.hasFocus()
    assert bar.value() > start, "the pane around exp did not scroll"
    assert tab.current_token() == token


def test_a_focused_spin_box_still_takes_the_wheel(window: MainWindow, qtbot: Any,
                                                  aloop: asyncio.AbstractEventLoop) -> None:
    tab = apply_okta_template(window, aloop)
    exp = tab.claims.findChild(QDateTimeEdit, "picker_exp")
    assert exp is not None
    in_loop(aloop, lambda: reveal(exp))
    exp.setFocus()
    assert exp.hasFocus()
    bar = tab.editor_area.verticalScrollBar()
    start, before = bar.value(), exp.dateTime()
    assert in_loop(aloop, lambda: turn_wheel(exp, DOWN))
    assert exp.dateTime() != before
    assert bar.value() == start


def test_the_readable_style_start_up_installs_keeps_the_guard_and_the_keyboard_defaults(
        window: MainWindow, qtbot: Any) -> None:
    from PySide6.QtWidgets import QApplication, QPlainTextEdit, QSpinBox, QTableView

    from oktatool.gui.readable_style import install_style

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    install_style(app)  # what start-up's warm-up does once the window is ready: it replaces the app's style
    later = QWidget()  # a pane built after it (a dialog, a tab first opened), its widgets polished now
    qtbot.addWidget(later)
    spin, table, editor = QSpinBox(later), QTableView(later), QPlainTextEdit(later)
    later.show()
    assert spin.focusPolicy() == Qt.FocusPolicy.StrongFocus  # the wheel cannot focus it
    turn_wheel(spin, UP)
    assert spin.value() == 0  # unfocused: the wheel went past it
    assert not table.tabKeyNavigation() and editor.tabChangesFocus()
