"""Colours and wording for messages shown next to fields, readable in light and dark schemes."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QPalette

from oktatool.core.errors import OktaToolError, end_sentence, for_window

#: (light scheme, dark scheme) colours by meaning
_TONES = {"error": ("#c62828", "#ff8a80"), "good": ("#2e7d32", "#81c784"), "secret": ("#c62828", "#ff8a80"),
          "warn": ("#9a5b00", "#ffb74d")}


def is_dark(palette: QPalette | None = None) -> bool:
    """Return True when the palette (default: the application's) is a dark one."""
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def tone(kind: str) -> str:
    """Return the colour for ``kind`` (error, good, secret, warn) in the current scheme."""
    light, dark = _TONES[kind]
    return dark if is_dark() else light


def tone_style(kind: str, *, bold: bool = False) -> str:
    """Return a style sheet colouring a label for ``kind``."""
    return f"color: {tone(kind)}" + ("; font-weight: 600" if bold else "")


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
