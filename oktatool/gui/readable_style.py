"""Fusion made readable in both schemes: check-box and radio outlines and focus rings at 3:1.

Installed once the window has painted: subclassing a Qt style and painting through Python builds PySide's
QStyle, QStyleOption and QPainter types (~60 ms), which the first paint does without.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QStyle, QStyleOption, QWidget

from oktatool.gui.colour_scheme import fusion
from oktatool.gui.widgets import wheel_guard
from oktatool.gui.widgets.tones import PARTS, is_dark, pick
from oktatool.gui.widgets.wheel_guard import WheelGuardStyle

_INDICATORS = (QStyle.PrimitiveElement.PE_IndicatorCheckBox, QStyle.PrimitiveElement.PE_IndicatorRadioButton)


class ReadableStyle(WheelGuardStyle):
    """Fusion, with check-box and radio outlines and a focus ring at 3:1 in both schemes.

    Fusion outlines an indicator with the window colour darkened (#bcbcbc on #efefef, #1d1d1d on #2b2b2b), no
    palette role moves it, and a default button looks the same focused or not.
    """

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption, painter: QPainter,
                      widget: QWidget | None = None) -> None:
        """Draw as Fusion does, then the outline or the focus ring over it."""
        super().drawPrimitive(element, option, painter, widget)
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus
                       and option.state & QStyle.StateFlag.State_KeyboardFocusChange)
        if element in _INDICATORS:
            self._outline(element, option, painter, focused)
        elif focused and element == QStyle.PrimitiveElement.PE_PanelButtonCommand:
            self._ring(option, painter, 2.5)  # Fusion draws no focus frame on a push button
        elif focused and element == QStyle.PrimitiveElement.PE_FrameFocusRect:
            self._ring(option, painter, 1)  # a tool button, a check box's text, an item view's current cell

    @staticmethod
    def _outline(element: QStyle.PrimitiveElement, option: QStyleOption, painter: QPainter, focused: bool) -> None:
        if option.state & QStyle.StateFlag.State_Selected:  # an item's check box on a selected row
            colour = option.palette.color(QPalette.ColorRole.HighlightedText)
        else:
            colour = QColor(pick(PARTS["focus" if focused else "outline"], is_dark(option.palette)))
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(colour, 1))
        rect = QRectF(option.rect).adjusted(0.5, 0.5, -0.5, -0.5)
        if element == QStyle.PrimitiveElement.PE_IndicatorCheckBox:
            painter.drawRect(rect)
        else:
            radius = min(rect.width(), rect.height()) / 2
            painter.drawEllipse(QPointF(rect.center()), radius, radius)
        painter.restore()

    @staticmethod
    def _ring(option: QStyleOption, painter: QPainter, inset: float) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(pick(PARTS["focus"], is_dark(option.palette))), 2))
        painter.drawRoundedRect(QRectF(option.rect).adjusted(inset, inset, -inset, -inset), 2, 2)
        painter.restore()


def install_style(app: QApplication) -> None:
    """Give the application its guarding style: the readable Fusion where it uses Fusion, else the platform's
    style with the wheel guard and keyboard defaults only (native styles draw their own parts). One style change,
    once the window is ready: it re-polishes every widget, which the first paint and the shown tab do without."""
    if isinstance(app.style(), ReadableStyle):
        return
    if not fusion(app):
        wheel_guard.install()
        return
    palette = app.palette()
    app.setStyle(ReadableStyle(wheel_guard.guard(), "Fusion"))
    app.setPalette(palette)  # setting a style resets the palette to the style's
