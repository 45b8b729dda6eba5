"""A read-only monospace view for JSON and PEM, with JSON highlighting that follows light and dark schemes.

When there is nothing to show and a reason why (an export that cannot be made), the reason is a note: real,
wrapped, selectable text in the view's normal colour, not grey placeholder text that reads as a hint.

A long text goes in a few kilobytes at a time, some milliseconds of each turn of the event loop: laid out and
coloured at once, the 512 KB the Console's Text view shows held the GUI thread for a second. A line longer than
LONG_LINE is shown as lines of LONG_LINE characters (the view wraps anywhere, so it reads the same): Qt lays out
a line whole, and a 64 KB one (a 20 MB error body's start) took 50 ms at each resize. The text itself is kept as
it came: toPlainText and a copy of a selection give it without those breaks.
"""

from __future__ import annotations

import bisect
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, Qt, QTimer
from PySide6.QtGui import QFontDatabase, QTextCursor
from PySide6.QtWidgets import QApplication, QLabel, QPlainTextEdit, QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QResizeEvent

    from oktatool.gui.widgets.json_highlighter import JsonHighlighter

#: the note's distance from the view's edges
NOTE_MARGIN = 8
#: a text longer than this goes in a piece (whole lines of about this size) at a time
PIECE = 4096
#: how long each turn of the event loop adds pieces
TURN_SECONDS = 0.008


#: the longest line the view lays out (a longer one is shown as lines of this length)
LONG_LINE = 4096


def _units(text: str) -> int:
    """Return the length of ``text`` in UTF-16 code units (Qt's positions)."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def _shown(text: str) -> tuple[str, list[int]]:
    """Return ``text`` with its long lines cut into LONG_LINE characters, and the positions of the breaks put in."""
    lines = text.split("\n")
    if max(map(len, lines)) <= LONG_LINE:
        return text, []
    shown: list[str] = []
    breaks: list[int] = []
    position = 0
    for line in lines:
        for start in range(0, max(len(line), 1), LONG_LINE):
            piece = line[start:start + LONG_LINE]
            if start:
                breaks.append(position - 1)  # the newline before this piece is the view's, not the text's
            shown.append(piece)
            position += _units(piece) + 1
    return "\n".join(shown), breaks


def _cut(text: str) -> tuple[str, str]:
    """Return the whole lines of about PIECE characters ``text`` starts with, and the rest."""
    if len(text) <= PIECE:
        return text, ""
    end = text.rfind("\n", 0, PIECE) + 1 or text.find("\n", PIECE) + 1 or len(text)
    return text[:end], text[end:]


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
        #: the text as given, the breaks the view put in its long lines (positions in the document), and the part
        #: of the shown text still to go in, a piece per turn
        self._text = ""
        self._breaks: list[int] = []
        self._rest = ""
        self._feeder = QTimer(self)
        self._feeder.setSingleShot(True)
        self._feeder.setInterval(0)
        self._feeder.timeout.connect(self._feed)
        self.document().setUndoRedoEnabled(False)  # read-only: the pieces going in are no edits to undo

    @property
    def highlighter(self) -> JsonHighlighter:
        """Return the view's highlighter, made on first use: an empty view (every one at start-up) skips
        its Qt types and expressions, some 4 ms before the shown tab is ready."""
        if self._highlighter is None:
            from oktatool.gui.widgets.json_highlighter import JsonHighlighter

            self._highlighter = JsonHighlighter(self.document())
        return self._highlighter

    def setPlainText(self, text: str) -> None:
        """Show ``text``, coloured (the highlighter is attached with the first text); a long one a piece per turn."""
        if text and self._highlighter is None:
            _ = self.highlighter
        self._text = text
        shown, self._breaks = _shown(text)
        head, self._rest = _cut(shown)
        super().setPlainText(head)
        self._place_note()
        if self._rest:
            self._feeder.start()
        else:
            self._feeder.stop()

    def clear(self) -> None:
        """Show nothing (a long text still going in stops)."""
        self.setPlainText("")

    def toPlainText(self) -> str:
        """Return the whole text as given: the part still going in included, long lines whole."""
        return self._text

    def createMimeDataFromSelection(self) -> QMimeData:
        """Copy (or drag) the selected text as given: without the breaks the view put in long lines."""
        data = super().createMimeDataFromSelection()
        cursor = self.textCursor()
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        inside = self._breaks[bisect.bisect_left(self._breaks, start):bisect.bisect_left(self._breaks, end)]
        if inside:
            units = bytearray(data.text().encode("utf-16-le"))
            for position in reversed(inside):
                offset = 2 * (position - start)
                del units[offset:offset + 2]
            data = QMimeData()
            data.setText(units.decode("utf-16-le"))
        return data

    def is_complete(self) -> bool:
        """Return whether the whole text is in the view."""
        return not self._rest

    def _feed(self) -> None:
        cursor = QTextCursor(self.document())  # not the view's cursor: the view stays where the user put it
        cursor.movePosition(QTextCursor.MoveOperation.End)
        deadline = time.perf_counter() + TURN_SECONDS
        while self._rest and time.perf_counter() < deadline:
            piece, self._rest = _cut(self._rest)
            cursor.insertText(piece)
        if self._rest:
            self._feeder.start()

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
