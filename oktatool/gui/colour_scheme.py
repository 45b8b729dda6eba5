"""The light and dark schemes: the palettes, the switch between them that recolours every widget, and a style
that outlines check boxes and radio buttons and rings focused buttons at 3:1 in both."""

from __future__ import annotations

import re

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette, QPen, QSyntaxHighlighter
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QPlainTextEdit,
    QProxyStyle,
    QStyle,
    QStyleOption,
    QTextEdit,
    QWidget,
)

from oktatool.gui.widgets.tones import DARK_DISABLED, DARK_ROLES, PALETTES, PARTS, TONES, is_dark, pick

_HEX = re.compile(r"#[0-9a-fA-F]{6}\b")
#: a tone colour of either scheme -> the same tone's colour in (light, dark)
_TONE_OF = {colour.lower(): pair for pair in TONES.values() for colour in pair}
_INDICATORS = (QStyle.PrimitiveElement.PE_IndicatorCheckBox, QStyle.PrimitiveElement.PE_IndicatorRadioButton)


def scheme_palette(dark: bool) -> QPalette:
    """Return the palette of the light or dark scheme (the light one is the style's own, its selection darker)."""
    app = QApplication.instance()
    palette = QPalette() if dark or not isinstance(app, QApplication) else app.style().standardPalette()
    role = QPalette.ColorRole
    if dark:
        for name, colour in DARK_ROLES.items():
            palette.setColor(getattr(role, name), QColor(colour))
        for name in ("Text", "ButtonText", "WindowText"):
            palette.setColor(QPalette.ColorGroup.Disabled, getattr(role, name), QColor(DARK_DISABLED))
    for name, pair in PALETTES.items():
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, getattr(role, name), QColor(pick(pair, dark)))
    return palette


def dark_palette() -> QPalette:
    """Return the dark scheme's palette."""
    return scheme_palette(True)


def retone(text: str, dark: bool) -> str:
    """Return ``text`` (a style sheet, rich text) with each message colour swapped for its ``dark`` or light twin."""
    return _HEX.sub(lambda found: pick(_TONE_OF[found.group(0).lower()], dark)
                    if found.group(0).lower() in _TONE_OF else found.group(0), text)


def apply_color_scheme(choice: str) -> None:
    """Follow the OS light/dark scheme ("system"), or force one, and recolour every widget to match.

    Qt 6.8+ honours the request where the platform can; where it cannot (offscreen, most Linux desktops) the
    Fusion style gets the scheme's palette. Every coloured place then follows: style sheets (set again, with
    each message colour swapped for its twin), coloured rich text in labels, syntax highlighting.
    """
    hints = QGuiApplication.styleHints()
    wanted = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(choice, Qt.ColorScheme.Unknown)
    setter = getattr(hints, "setColorScheme", None)
    if callable(setter):
        setter(wanted)
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    install_style(app)
    if not _fusion(app):
        recolour(app)  # a native style brought its own palette for the scheme
        return
    dark = wanted == Qt.ColorScheme.Dark or (wanted == Qt.ColorScheme.Unknown
                                            and hints.colorScheme() == Qt.ColorScheme.Dark)
    palette = scheme_palette(dark)
    if app.palette() != palette:
        app.setPalette(palette)
        recolour(app)


def recolour(app: QApplication) -> None:
    """Redraw every widget's own colours in the application palette's scheme."""
    dark = is_dark(app.palette())
    for widget in app.allWidgets():
        # a widget with a style sheet keeps the palette it was polished with (Qt resolves the sheet against the
        # palette once): set each sheet again so its unstyled colours follow the new scheme, its tones too
        sheet = widget.styleSheet()
        if sheet:
            widget.setStyleSheet("")
            widget.setStyleSheet(retone(sheet, dark))
        if isinstance(widget, QLabel) and widget.textFormat() != Qt.TextFormat.PlainText and "#" in widget.text():
            text = retone(widget.text(), dark)
            if text != widget.text():
                widget.setText(text)
        if isinstance(widget, QPlainTextEdit | QTextEdit):
            for highlighter in widget.document().findChildren(QSyntaxHighlighter):
                update = getattr(highlighter, "update_colours", highlighter.rehighlight)
                update()


def follow_system_scheme(app: QApplication) -> None:
    """Recolour when the OS switches between light and dark while the preference is "system"."""
    hints = QGuiApplication.styleHints()
    if hasattr(hints, "colorSchemeChanged"):
        # after Qt has given the application the platform's new palette
        hints.colorSchemeChanged.connect(lambda _scheme: QTimer.singleShot(0, lambda: recolour(app)))


class ReadableStyle(QProxyStyle):
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
    """Give the application the readable Fusion where it uses Fusion (native styles draw their own parts)."""
    if isinstance(app.style(), ReadableStyle) or not _fusion(app):
        return
    palette = app.palette()
    app.setStyle(ReadableStyle("Fusion"))
    app.setPalette(palette)  # setting a style resets the palette to the style's


def _fusion(app: QApplication) -> bool:
    return isinstance(app.style(), ReadableStyle) or app.style().name().lower() == "fusion"
