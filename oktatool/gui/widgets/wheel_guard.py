"""The mouse wheel changes no value the user did not focus.

Qt hands a wheel event to the spin box, date-time edit, combo box or slider under the pointer, and (their
focus policy being WheelFocus) gives it the focus too: scrolling the JWT form past the exp picker turned its
year and re-signed the token as expired. The guard covers every such widget of the app, present and future,
at the one moment each widget passes through once: its polish by the application's style (a QProxyStyle over
the platform's own, which draws nothing differently). There each guarded widget

- gets StrongFocus (Tab and click) where it had WheelFocus, so the wheel cannot focus it;
- gets the guard as its own event filter: while it lacks keyboard focus its wheel event is ignored, so Qt
  passes it on to the widget around it and the scrolling pane scrolls. A focused one takes the wheel as before.

Scroll bars keep the wheel: scrolling is what they are for. Only the guarded widgets' own events cross into
Python (an application-wide filter saw every event of the app and slowed start-up by a tenth).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QProxyStyle,
    QScrollBar,
    QWidget,
)

from oktatool.gui.widgets.accessible import keyboard_defaults
from oktatool.gui.widgets.plain_text import plain_by_default


def is_guarded(widget: QWidget) -> bool:
    """Return whether ``widget`` takes the wheel only once it has keyboard focus: a spin box (QDateTimeEdit is
    one), a combo box or a slider; scroll bars always take it."""
    return isinstance(widget, QAbstractSpinBox | QComboBox | QAbstractSlider) and not isinstance(widget, QScrollBar)


class WheelGuard(QObject):
    """The event filter of every guarded widget: no wheel turns an unfocused one."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Refuse the wheel to a guarded widget without keyboard focus (its parents get the event)."""
        if event.type() != QEvent.Type.Wheel or watched.hasFocus():  # type: ignore[attr-defined]
            return False
        event.ignore()  # not accepted: Qt offers the event to the parent widgets, the pane scrolls
        return True

    def guard(self, widget: QWidget) -> None:
        """Keep the wheel from focusing ``widget`` or turning it unfocused (again on a second polish: Qt installs a
        filter once)."""
        if widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        widget.installEventFilter(self)


class WheelGuardStyle(QProxyStyle):
    """The platform's style (or the one ``base`` names), guarding each spin box, date-time, combo box and slider
    as it is polished, and giving every widget the keyboard defaults (accessible.keyboard_defaults) and every
    label plain text unless it asked for HTML (plain_text.plain_by_default)."""

    def __init__(self, guard: WheelGuard, base: str | None = None) -> None:
        if base is None:
            super().__init__()
        else:
            super().__init__(base)
        self.wheel_guard = guard

    def polish(self, item: object) -> object:  # type: ignore[override]  # QStyle.polish has three overloads
        """Polish ``item`` as the base style does; guard it when it is a guarded widget."""
        result = super().polish(item)  # type: ignore[call-overload]
        if isinstance(item, QWidget):
            if is_guarded(item):
                self.wheel_guard.guard(item)
            keyboard_defaults(item)
            plain_by_default(item)
        return result


#: the one guard of the application
_guard: WheelGuard | None = None


def guard() -> WheelGuard:
    """Return the application's one guard (made on first use); a style that guards takes it."""
    global _guard
    if _guard is None:
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            raise RuntimeError("the wheel guard needs a QApplication")
        _guard = WheelGuard(app)
    return _guard


def install() -> WheelGuard:
    """Make the guard's style the application's style unless a guarding style is (start-up installs the readable
    one where the app draws with Fusion: readable_style); setting the style re-polishes, so guards, every widget."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        raise RuntimeError("the wheel guard needs a QApplication")
    if not isinstance(app.style(), WheelGuardStyle):
        app.setStyle(WheelGuardStyle(guard()))  # the application owns the style
    return guard()
