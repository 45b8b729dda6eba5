"""Text from elsewhere (an org's answer, a key set, a file) shown as the characters it holds, never as markup.

Qt renders a label's text, a message box's or a tooltip as HTML when it merely looks like HTML (a known tag in
its first line), so a group named ``<a href=…>Fix now</a>`` or a kid with ``<img>`` would be drawn as a link or
an image. The class is closed where every widget passes once, its polish by the application's style
(wheel_guard.WheelGuardStyle): ``plain_by_default`` makes each label that did not ask for HTML show its text
as plain text, whatever is set on it later; that covers a message box's labels and the label Qt shows a
tooltip in, so every tooltip is plain text too. A label meant as HTML says so with ``rich_label`` and escapes
what it quotes (``html.escape``); ``plain_label`` says plain where the style has not polished yet.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


def plain_label(label: QLabel) -> QLabel:
    """Make ``label`` show its text as plain text, whatever it holds; return it."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def rich_label(label: QLabel) -> QLabel:
    """Make ``label`` draw its text as HTML, on purpose (bold words, a line break); every value it quotes must
    be escaped with ``html.escape``. Return it."""
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


def plain_by_default(widget: QWidget) -> None:
    """Make ``widget``, when it is a label left to guess (AutoText), show its text as plain text. The style calls
    this as it polishes each widget, present and future: a tooltip's label too, before its text is laid out."""
    if isinstance(widget, QLabel) and widget.textFormat() == Qt.TextFormat.AutoText:
        widget.setTextFormat(Qt.TextFormat.PlainText)
