"""The mouse wheel changes no value the user did not focus.

Qt hands a wheel event to the spin box, date-time edit, combo box or slider under the pointer, and (their
focus policy being WheelFocus) gives it the focus too: scrolling the JWT form past the exp picker turned its
year and re-signed the token as expired. One application-wide event filter covers every such widget of the
app, present and future:

- a wheel event reaches the window (a QWindow) before Qt picks the widget under the pointer and gives it
  focus by its policy; the guard first turns WheelFocus into StrongFocus (Tab and click) on every guarded
  widget from there up to the window, so the wheel cannot focus them;
- while a guarded widget lacks keyboard focus its wheel event is ignored, so Qt passes it on to the widget
  around it and the scrolling pane scrolls. A focused one takes the wheel as before.

Scroll bars keep the wheel: scrolling is what they are for. The filter sees every event of the app, so it
leaves on the event's class first; it reads nothing else of any other event, and nothing is swept at start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard, cast

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QWindow

#: class -> whether its widgets are guarded (isinstance against Qt's classes costs some 10 µs a call)
_GUARDED_CLASSES: dict[type, bool] = {}


def is_guarded(item: QObject) -> TypeGuard[QWidget]:
    """Return whether ``item`` takes the wheel only once it has keyboard focus: a spin box (QDateTimeEdit is
    one), a combo box or a slider; scroll bars always take it."""
    cls = type(item)
    guarded = _GUARDED_CLASSES.get(cls)
    if guarded is None:
        # loaded at the first wheel, not while the window gets ready (building QAbstractSlider costs ~0.6 ms)
        from PySide6.QtWidgets import QAbstractSlider, QAbstractSpinBox, QComboBox, QScrollBar

        guarded = issubclass(cls, QAbstractSpinBox | QComboBox | QAbstractSlider) and not issubclass(cls, QScrollBar)
        _GUARDED_CLASSES[cls] = guarded
    return guarded


def keep_wheel_from_focusing(widget: QWidget | None) -> None:
    """Give the guarded widgets from ``widget`` up to its window StrongFocus where they have WheelFocus."""
    while widget is not None:
        if is_guarded(widget) and widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        if widget.isWindow():
            return
        widget = widget.parentWidget()


class WheelGuard(QObject):
    """The application-wide event filter: no wheel focuses a guarded widget or turns an unfocused one."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Fit the widgets under the pointer as the wheel reaches the window; refuse it to unfocused ones."""
        if type(event) is not QWheelEvent:
            return False  # nearly every event of the app: leave before anything else is read
        if watched.isWindowType():  # a QWindow: before Qt picks the widget under the pointer and focuses it
            window = QWidget.find(cast("QWindow", watched).winId())
            if window is not None:
                keep_wheel_from_focusing(window.childAt(event.position().toPoint()))
        elif is_guarded(watched) and not watched.hasFocus():
            event.ignore()  # not accepted: Qt offers the event to the parent widgets, the pane scrolls
            return True
        return False


#: the one guard of the application
_guard: WheelGuard | None = None


def install() -> WheelGuard:
    """Install the guard on the application (once) and return it."""
    global _guard
    if _guard is None:
        app = QApplication.instance()
        if app is None:
            raise RuntimeError("the wheel guard needs a QApplication")
        _guard = WheelGuard(app)
        app.installEventFilter(_guard)
    return _guard
