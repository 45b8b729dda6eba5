"""The light and dark schemes: their palettes and the switch between them that recolours every widget."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QPalette, QSyntaxHighlighter
from PySide6.QtWidgets import QApplication, QLabel, QPlainTextEdit, QTextEdit

from oktatool.gui.widgets.tones import DARK_DISABLED, DARK_ROLES, PALETTES, TONES, is_dark, pick

_HEX = re.compile(r"#[0-9a-fA-F]{6}\b")
#: a background declaration in a style sheet or an inline style (up to its end)
_BACKGROUND = re.compile(r"background(?:-color)?\s*:[^;\"'>]*", re.IGNORECASE)
#: a tone colour of either scheme -> the same tone's colour in (light, dark)
_TONE_OF = {colour.lower(): pair for pair in TONES.values() for colour in pair}
#: the application property holding the colour-scheme preference applied last
_CHOICE = "oktatoolColourScheme"


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


def retone(text: str, dark: bool) -> str:
    """Return ``text`` (a style sheet, rich text) with each message colour swapped for its ``dark`` or light twin.

    A background is kept: the tones are text and border colours, and a background under white text (the
    Console's org badges) is the same in both schemes even where it shares a tone's hex value.
    """
    def swap(part: str) -> str:
        return _HEX.sub(lambda found: pick(_TONE_OF[found.group(0).lower()], dark)
                        if found.group(0).lower() in _TONE_OF else found.group(0), part)

    parts, last = [], 0
    for background in _BACKGROUND.finditer(text):
        parts += [swap(text[last:background.start()]), background.group(0)]
        last = background.end()
    return "".join(parts) + swap(text[last:])


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
    app.setProperty(_CHOICE, choice)  # for an OS switch later (follow_system_scheme)
    if not fusion(app):
        recolour(app)  # a native style brought its own palette for the scheme
        return
    dark = wanted == Qt.ColorScheme.Dark or (wanted == Qt.ColorScheme.Unknown
                                            and hints.colorScheme() == Qt.ColorScheme.Dark)
    palette = scheme_palette(dark)
    if app.palette() != palette:
        flipped = is_dark(app.palette()) != dark
        app.setPalette(palette)
        if flipped:  # every tone and highlighting colour is chosen by light or dark alone
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
    """Apply the preference again when the OS switches between light and dark: with "system" the window follows
    the OS; with "light" or "dark" it keeps that scheme (the palette Qt hands over for the OS's is replaced)."""
    hints = QGuiApplication.styleHints()
    if hasattr(hints, "colorSchemeChanged") and not app.property("oktatoolFollowsScheme"):
        app.setProperty("oktatoolFollowsScheme", True)  # once per application, however many windows
        # after Qt has given the application the platform's new palette
        hints.colorSchemeChanged.connect(lambda _scheme: QTimer.singleShot(
            0, lambda: apply_color_scheme(str(app.property(_CHOICE) or "system"))))


def fusion(app: QApplication) -> bool:
    """Return True when the application draws with Fusion (the readable one included): our palettes fit it."""
    return app.style().name().lower() == "fusion" or type(app.style()).__name__ == "ReadableStyle"
