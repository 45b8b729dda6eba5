"""A read-only monospace view for JSON and PEM, with JSON highlighting that follows light and dark schemes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QPlainTextEdit, QWidget

if TYPE_CHECKING:
    from oktatool.gui.widgets.json_highlighter import JsonHighlighter


class CodeView(QPlainTextEdit):
    """Read-only monospace text with highlighting; wraps anywhere so long base64 fits the pane."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(self.wordWrapMode().WrapAnywhere)
        self._highlighter: JsonHighlighter | None = None

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

    def changeEvent(self, event: QEvent) -> None:
        """Re-colour when the palette switches between light and dark."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._highlighter is not None:
            self._highlighter.update_colours()
