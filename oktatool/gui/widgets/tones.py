"""Colours and wording for messages shown next to fields, readable in light and dark schemes."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QWidget

from oktatool.core.errors import OktaToolError, end_sentence, for_window

# Every colour the window draws with, for both schemes, in one place (light scheme, dark scheme). Text colours
# are at least 4.5:1 on each background of their scheme (window, fields, framed boxes, the dark scheme's raised
# panels); a control's parts (indicator outlines, focus rings) at least 3:1 (WCAG 2.2, 1.4.3 and 1.4.11).

#: text colours by meaning
TONES = {"error": ("#c62828", "#ff9e96"), "good": ("#256b2a", "#81c784"), "secret": ("#c62828", "#ff9e96"),
         "warn": ("#8a5100", "#ffb74d"), "muted": ("#616161", "#b0b0b0")}
#: a control's parts: check-box and radio outlines, the focus ring
PARTS = {"outline": ("#767676", "#9a9a9a"), "focus": ("#1f6fb2", "#8ab4f8")}
#: the palette's roles that the style's own defaults get wrong (white on Fusion's selection blue is 3.69:1)
PALETTES = {"Highlight": ("#1f6fb2", "#2f5a94"), "HighlightedText": ("#ffffff", "#ffffff")}
#: the dark palette's other roles (the light one is the style's own)
DARK_ROLES = {"Window": "#2b2b2b", "WindowText": "#e6e6e6", "Base": "#1f1f1f", "AlternateBase": "#2a2a2a",
              "Text": "#e6e6e6", "Button": "#353535", "ButtonText": "#e6e6e6", "ToolTipBase": "#2b2b2b",
              "ToolTipText": "#e6e6e6", "PlaceholderText": "#8a8a8a", "Link": "#6ea8ff", "BrightText": "#ffffff"}
#: the dark palette's disabled text (inactive controls are exempt from the ratios, but stay legible)
DARK_DISABLED = "#7a7a7a"
#: the Console's org badge: white text on these, in both schemes (each at least 4.5:1 against white)
BADGES = {"sandbox": "#256b2a", "preview": "#8a5100", "developer": "#1565c0", "production": "#c62828"}
#: JSON highlighting by token kind
JSON = {"key": ("#1a4fa0", "#8cb8ff"), "string": ("#256b2a", "#a5d6a7"), "number": ("#a04f00", "#ffb870"),
        "literal": ("#8e24aa", "#e1a6ff"), "pem": ("#616161", "#a8a8a8")}
#: a compact JWT's parts in order (header, payload, signature; a JWE's five)
TOKEN_PARTS = (("#c2185b", "#ff80ab"), ("#1565c0", "#90caf9"), ("#00737d", "#80deea"), ("#256b2a", "#a5d6a7"),
               ("#a04f00", "#ffcc80"))


def is_dark(palette: QPalette | None = None) -> bool:
    """Return True when the palette (default: the application's) is a dark one."""
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def pick(pair: tuple[str, str], dark: bool | None = None) -> str:
    """Return the colour of ``pair`` (light, dark) for the current scheme (or the one ``dark`` names)."""
    return pair[1] if (is_dark() if dark is None else dark) else pair[0]


def tone(kind: str) -> str:
    """Return the text colour for ``kind`` (error, good, secret, warn, muted) in the current scheme."""
    return pick(TONES[kind])


def tone_style(kind: str, *, bold: bool = False) -> str:
    """Return a style sheet colouring a label for ``kind``."""
    return f"color: {tone(kind)}" + ("; font-weight: 600" if bold else "")


def restyle(widget: QWidget, sheet: str) -> None:
    """Give ``widget`` the style sheet ``sheet`` unless it has it: setting one, even the same, re-polishes the
    widget and asks its layout again (a page walk's every progress update repainted the whole Console tab)."""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


def field_error_style() -> str:
    """Return the style sheet that marks a field holding bad input."""
    return f"border: 1px solid {tone('error')}"


def plain_message(exc: OktaToolError) -> str:
    """Return the error as one or two plain sentences: what is wrong, then how to fix it (worded for the window)."""
    text = end_sentence(sentence_start(exc.description))
    return f"{text} Fix: {end_sentence(for_window(exc.hint))}" if exc.hint else text


def sentence_start(text: str) -> str:
    """Capitalise ``text`` to start a sentence, unless it starts with a name to keep as typed (a host, an id, alg)."""
    first = text.split(" ", 1)[0]
    return f"{text[:1].upper()}{text[1:]}" if first.isalpha() and first.islower() else text
