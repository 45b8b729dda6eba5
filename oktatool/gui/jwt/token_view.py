"""The compact token, coloured by part (header, payload, signature), editable so a token can be pasted in."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Signal
from PySide6.QtGui import QColor, QFontDatabase, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from oktatool.gui.widgets.tones import TOKEN_PARTS, pick

#: tokens longer than this are not coloured (a 10 MB paste must not stall highlighting)
MAX_COLOURED = 64 * 1024


class TokenHighlighter(QSyntaxHighlighter):
    """Colour each dot-separated part of a compact JWS or JWE."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.formats: list[QTextCharFormat] = []
        self.update_colours()

    def update_colours(self) -> None:
        """Pick colours for the current light or dark scheme."""
        self.formats = []
        for pair in TOKEN_PARTS:  # the dots stay the text colour
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(pick(pair)))
            self.formats.append(fmt)
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        """Colour the parts of one line (a token is one line)."""
        if len(text) > MAX_COLOURED:
            return
        start = 0
        for part, segment in enumerate(text.split(".")):
            if segment:
                self.setFormat(start, len(segment), self.formats[min(part, len(self.formats) - 1)])
            start += len(segment) + 1


class TokenView(QPlainTextEdit):
    """The token: wraps anywhere, monospace, coloured by part; pasted text is taken as plain text.

    A paste or drop longer than a JWT can be is refused before it reaches the document (``refused``); a
    dropped file is handed over (``file_dropped``) instead of inserting its path.
    """

    refused = Signal(str)
    file_dropped = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tokenView")
        self.setAccessibleName("Token")
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(self.wordWrapMode().WrapAnywhere)
        self.setPlaceholderText("The signed token appears here. Paste, drop or open a JWT to decode it.")
        self.highlighter = TokenHighlighter(self.document())

    def insertFromMimeData(self, source: QMimeData) -> None:
        """Paste text only (never rich text or images); refuse what cannot be a JWT."""
        from oktatool.core.jose.jwt import MAX_TOKEN_CHARS

        if source.hasUrls() and source.urls()[0].isLocalFile():
            self.file_dropped.emit(source.urls()[0].toLocalFile())
            return
        if not source.hasText():
            self.refused.emit("The clipboard holds no text: copy a JWT (header.payload.signature).")
            return
        text = source.text()
        if len(text) > MAX_TOKEN_CHARS:
            self.refused.emit(f"Refused a paste of {len(text):,} characters: a JWT is at most "
                              f"{MAX_TOKEN_CHARS // 1024} kB. Copy the token alone.")
            return
        self.insertPlainText(text)
