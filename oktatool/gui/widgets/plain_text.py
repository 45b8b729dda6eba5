"""Text from elsewhere (an org's answer, a key set, a file) shown as the characters it holds, never as markup.

Qt renders a label's text or a tooltip as HTML when it merely looks like HTML (a known tag in its first line),
so a group named ``<a href=…>Fix now</a>`` or a kid with ``<img>`` would be drawn as a link or an image. The
message labels are plain text (``plain_label``), and a tooltip that would be taken for HTML is escaped
(``plain_tip``); a label meant as HTML escapes what it quotes (``html.escape``).
"""

from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel


def plain_tip(text: str) -> str:
    """Return ``text`` as a tooltip that shows it literally (escaped only when Qt would take it for HTML)."""
    return QtGui.Qt.convertFromPlainText(text) if QtGui.Qt.mightBeRichText(text) else text


def plain_label(label: QLabel) -> QLabel:
    """Make ``label`` show its text as plain text, whatever it holds; return it."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label
