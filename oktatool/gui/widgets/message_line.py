"""A message line that keeps its space: fixed height, never widens the window, clears itself when stale.

Put one where a panel reports what happened ("Saved … (owner only)", "Copied", an import error). The
line is always laid out, empty or not, so a message never pushes the widgets below it; long text wraps
into the lines kept for it (the whole text is also the tooltip). A line is never cut through: a message
longer than the lines kept at the line's width gets up to as many lines again, and one longer still ends
with "…" on the last whole line (the tooltip holds all of it). ``show_message`` takes a ``timeout_ms``
after which the message goes; ``clear`` drops it at once (e.g. when the profile it speaks of changes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QResizeEvent

from oktatool.gui.widgets.tones import restyle, tone_style

#: how long a confirmation ("Copied", "Saved …") stays; errors stay until the next action
DEFAULT_INFO_TIMEOUT_MS = 6000


class MessageLine(QLabel):
    """A label of fixed height (``lines`` text lines) whose width follows its layout, not its text."""

    def __init__(self, lines: int = 2, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines = lines
        self._whole = ""
        self.kind = ""
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)  # a message quotes what others chose: never markup
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Ignored: the text never asks for more width, so a long message cannot widen the window.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(0)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear_message)
        self._fit_height()

    def _height_for(self, lines: int) -> int:
        margins = self.contentsMargins()
        return self.fontMetrics().lineSpacing() * lines + margins.top() + margins.bottom() + 2

    def _fit_height(self) -> None:
        """Show the whole text in the lines kept, in up to twice as many, or cut at a word with "…"."""
        kept, most = self._height_for(self.lines), self._height_for(2 * self.lines)
        width = self.width()
        shown = self._whole
        super().setText(shown)
        if shown and width > 0:
            needed = super().heightForWidth(width)
            if needed > most:
                shown = self._cut_to(most, width)
            height = min(max(kept, needed), most)
        else:
            height = kept
        if height != self.minimumHeight() or height != self.maximumHeight():
            self.setFixedHeight(height)

    def _cut_to(self, most: int, width: int) -> str:
        """Return the longest start of the text, ended with "…", that fits ``most`` pixels at ``width``."""
        low, high = 0, len(self._whole)  # the longest kept prefix lies in [low, high)
        while high - low > 1:
            middle = (low + high) // 2
            super().setText(self._whole[:middle].rstrip() + "…")
            if super().heightForWidth(width) <= most:
                low = middle
            else:
                high = middle
        shown = self._whole[:low].rstrip() + "…"
        super().setText(shown)
        return shown

    def setText(self, text: str) -> None:
        """Show ``text`` whole where it fits (see the module's note)."""
        self._whole = text
        self._fit_height()

    def clear(self) -> None:
        """Drop the text (QLabel's own clear would leave the whole text that ``text`` returns)."""
        self.clear_message()

    def text(self) -> str:
        """Return the whole message, shown whole or cut."""
        return self._whole

    def shown_text(self) -> str:
        """Return the message as drawn at the current width."""
        return super().text()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fit the text again at the new width."""
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit_height()

    def changeEvent(self, event: QEvent) -> None:
        """Keep the height right when the font changes (the scheme's colours: colour_scheme.recolour)."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_height()

    def _paint(self) -> None:
        restyle(self, tone_style(self.kind) if self.kind not in ("", "info") else "")

    def show_message(self, text: str, kind: str = "info", *, timeout_ms: int | None = None) -> None:
        """Show ``text``; ``kind`` is info, good, warn or error (coloured); gone after ``timeout_ms``.

        Without a timeout, errors stay and the rest go after DEFAULT_INFO_TIMEOUT_MS; 0 means stay.
        """
        self.kind = kind
        self._paint()
        self.setText(text)
        self.setToolTip(text)  # plain, as every tooltip (plain_text.plain_by_default)
        if timeout_ms is None and kind != "error":
            timeout_ms = DEFAULT_INFO_TIMEOUT_MS
        if not timeout_ms:
            self._timer.stop()
        else:
            self._timer.start(timeout_ms)

    def clear_message(self) -> None:
        """Drop the message (the space stays)."""
        self._timer.stop()
        self.kind = ""
        self.setText("")
        self.setToolTip("")
        self._paint()

    def message(self) -> str:
        """Return the message shown ("" when none)."""
        return self.text()
