"""JSON highlighting (keys, strings, numbers, literals, PEM armour) in colours that follow light and dark schemes."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import (
    QColor,
    QFont,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)

from oktatool.gui.widgets.tones import JSON, pick

_RULES = (
    ("string", r'"(?:[^"\\]|\\.)*"'),
    ("key", r'"(?:[^"\\]|\\.)*"(?=\s*:)'),
    # a number or literal stands apart from letters, quotes and the base64 marks + / = (so PEM bodies stay plain)
    ("number", r"(?<![\w\"+/=.-])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w\"+/=])"),
    ("literal", r"(?<![\w+/=])(?:true|false|null)(?![\w+/=])"),
    ("pem", r"^-----(?:BEGIN|END) [A-Z0-9 ]+-----$"),
)
#: token kinds that only count outside a string
_OUTSIDE_STRINGS = frozenset({"number", "literal"})


class JsonHighlighter(QSyntaxHighlighter):
    """Colour JSON keys, strings, numbers and literals (and PEM armour lines)."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._rules = [(QRegularExpression(pattern), kind) for kind, pattern in _RULES]
        self.formats: dict[str, QTextCharFormat] = {}
        self.update_colours()

    def update_colours(self) -> None:
        """Pick the colours for the current light or dark palette and re-highlight."""
        for kind, pair in JSON.items():
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(pick(pair)))
            if kind == "key":
                fmt.setFontWeight(QFont.Weight.DemiBold)
            self.formats[kind] = fmt
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        """Apply the rules to one line (later rules win: keys over strings); the digits and words inside a
        string ("2025-01-06T09:00:00Z") stay the string's colour."""
        strings: list[tuple[int, int]] = []
        for expression, kind in self._rules:
            matches = expression.globalMatch(text)
            while matches.hasNext():
                match = matches.next()
                start = match.capturedStart()
                if kind == "string":
                    strings.append((start, start + match.capturedLength()))
                elif kind in _OUTSIDE_STRINGS and any(low <= start < high for low, high in strings):
                    continue
                self.setFormat(start, match.capturedLength(), self.formats[kind])
