"""A read-only monospace view for JSON and PEM, with JSON highlighting that follows light and dark schemes.

When there is nothing to show and a reason why (an export that cannot be made), the reason is a note: real,
wrapped, selectable text in the view's normal colour, not grey placeholder text that reads as a hint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QLabel, QPlainTextEdit, QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QResizeEvent

    from oktatool.gui.widgets.json_highlighter import JsonHighlighter

#: the note's distance from the view's edges
NOTE_MARGIN = 8


class CodeView(QPlainTextEdit):
    """Read-only monospace text with highlighting; wraps anywhere so long base64 fits the pane."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(self.wordWrapMode().WrapAnywhere)
        self._highlighter: JsonHighlighter | None = None
        #: the note shown while the view is empty (made with the first note)
        self.note: QLabel | None = None

    @property
    def highlighter(self) -> JsonHighlighter:
        """Return the view's highlighter, made on first use: an empty view (every one at start-up) skips
        its Qt types and expressions, some 4 ms before the shown tab is ready."""
        if self._highlighter is None:
            from oktatool.gui.widgets.json_highlighter import JsonHighlighter

            self._highlighter = JsonHighlighter(self.document())
        return self._highlighter

    def setPlainText(self, text: str) -> None:
        """Show ``text``, coloured (the highlighter is attached with the first text)."""
        if text and self._highlighter is None:
            _ = self.highlighter
        super().setPlainText(text)
        self._place_note()

    def set_note(self, text: str | None) -> None:
        """Say why the view is empty, as plain wrapped text over it (None or "": no note)."""
        if not text and self.note is None:
            return
        if self.note is None:
            self.note = QLabel(self.viewport())
            self.note.setObjectName("codeViewNote")
            self.note.setFont(QApplication.font("QLabel"))  # prose, not the view's monospace
            self.note.setTextFormat(Qt.TextFormat.PlainText)
            self.note.setWordWrap(True)
            self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.note.setText(text or "")
        self._place_note()

    def _place_note(self) -> None:
        if self.note is None:
            return
        shown = bool(self.note.text()) and not self.document().toPlainText()
        if shown:
            width = max(1, self.viewport().width() - 2 * NOTE_MARGIN)
            self.note.setGeometry(NOTE_MARGIN, NOTE_MARGIN, width, self.note.heightForWidth(width))
        self.note.setVisible(shown)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the note as wide as the view."""
        super().resizeEvent(event)
        self._place_note()
