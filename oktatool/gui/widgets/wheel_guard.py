"""The mouse wheel changes no value the user did not focus.

Qt hands a wheel event to the spin box, date-time edit, combo box or slider under the pointer, and (their
focus policy being WheelFocus) gives it the focus too: scrolling the JWT form past the exp picker turned its
year and re-signed the token as expired. One application-wide event filter covers every such widget of the
app, present and future:

- while one of them lacks keyboard focus, its wheel event is ignored, so Qt passes it on to the widget
  around it and the scrolling pane scrolls;
- each one is polished with StrongFocus instead of WheelFocus, so a wheel cannot focus it either (a click
  or Tab still does, and a focused one takes the wheel as before).

Scroll bars keep the wheel: scrolling is what they are for. ``install`` is called once the window has
painted (``MainWindow.start``); widgets polished before that are set at install time.
"""

from __future__ import annotations

from typing import TypeGuard

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractSlider, QAbstractSpinBox, QApplication, QComboBox, QScrollBar, QWidget

#: the widgets whose value a wheel would change (QDateTimeEdit is a QAbstractSpinBox)
GUARDED = (QAbstractSpinBox, QComboBox, QAbstractSlider)


#: class -> whether its widgets are guarded. The filter sees every event of the app, and isinstance against
#: Qt's classes costs some 10 µs a call where a dictionary look-up costs well under one.
_GUARDED_CLASSES: dict[type, bool] = {}


def is_guarded(item: QObject) -> TypeGuard[QWidget]:
    """Return whether ``item`` takes the wheel only once it has keyboard focus (scroll bars always take it)."""
    cls = type(item)
    guarded = _GUARDED_CLASSES.get(cls)
    if guarded is None:
        guarded = _GUARDED_CLASSES[cls] = issubclass(cls, GUARDED) and not issubclass(cls, QScrollBar)
    return guarded


def keep_wheel_from_focusing(widget: QWidget) -> None:
    """Give a guarded widget that takes focus on the wheel StrongFocus (Tab and click) instead."""
    if widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)


class WheelGuard(QObject):
    """The application-wide event filter: unfocused guarded widgets pass the wheel on to their pane."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._polish = QEvent.Type.Polish

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Refuse the wheel to an unfocused guarded widget; set a guarded widget's focus policy when polished."""
        if not is_guarded(watched):
            return False  # nearly every event of the app: leave first, before reading the event's type
        if isinstance(event, QWheelEvent):
            if not watched.hasFocus():
                event.ignore()  # not accepted: Qt offers the event to the parent widgets, the pane scrolls
                return True
        elif event.type() == self._polish:
            keep_wheel_from_focusing(watched)
        return False


def install(app: QCoreApplication | None = None) -> WheelGuard:
    """Install the guard on the application once (later calls return it) and return it."""
    app = app or QApplication.instance()
    if app is None:
        raise RuntimeError("the wheel guard needs a QApplication")
    installed = app.findChild(WheelGuard)
    if isinstance(installed, WheelGuard):
        return installed
    guard = WheelGuard(app)
    for widget in QApplication.allWidgets():
        if is_guarded(widget):
            keep_wheel_from_focusing(widget)
    app.installEventFilter(guard)
    return guard
