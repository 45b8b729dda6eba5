"""A one-line label that shows as much of its text as fits, with an ellipsis, and never asks for width.

It sits in the profile bar, which is built and painted before the first paint returns, so it is made of
what the bare window loads anyway: the text is cut by measuring when the label is resized, and QLabel
paints it. Painting it ourselves would load QPainter (and the ``Qt.*`` alignment enums would build PySide's
whole ``Qt`` namespace: ~90 enum classes, ~20 ms).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLabel, QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QResizeEvent

ELLIPSIS = "…"
#: the width the label asks for at least: the rest of the text is elided
MIN_WIDTH = 80


def elide_right(text: str, fits: int, width_of: Callable[[str], int]) -> str:
    """Return ``text`` cut at the end with "…" so that ``width_of`` it is at most ``fits`` (at least "…")."""
    if width_of(text) <= fits:
        return text
    low, high = 0, len(text)  # the longest kept prefix lies in [low, high)
    while high - low > 1:
        middle = (low + high) // 2
        if width_of(text[:middle] + ELLIPSIS) <= fits:
            low = middle
        else:
            high = middle
    return text[:low].rstrip() + ELLIPSIS


class ElidedLabel(QLabel):
    """A label whose text is cut with "…" where space runs out (a tool bar keeps it in view, not in overflow).

    ``text()`` is the whole text; ``shown_text()`` is what is drawn at the current width, and the tooltip
    holds the whole text while it is cut.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._whole = ""
        self._plain = False

    def setText(self, text: str) -> None:
        """Keep ``text`` and show as much of it as fits, as the characters it holds (never as HTML)."""
        self._whole = text
        if not self._plain and ("<" in text or "&" in text):  # what Qt could take for HTML: a claim, a path
            from PySide6.QtCore import Qt  # only then: the bare window's labels never load the Qt namespace

            self.setTextFormat(Qt.TextFormat.PlainText)
            self._plain = True
        self._fit()

    def text(self) -> str:
        """Return the whole text, cut or not."""
        return self._whole

    def shown_text(self) -> str:
        """Return the text as drawn at the label's current width."""
        return super().text()

    def sizeHint(self) -> QSize:
        """Ask for the whole text's width, so that the label is given it when there is room."""
        margins = self.contentsMargins()
        extra = margins.left() + margins.right() + 2 * self.margin()
        return QSize(self.fontMetrics().horizontalAdvance(self._whole) + extra, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        """Ask only for a short stub: the rest of the text is elided."""
        return QSize(MIN_WIDTH, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Cut the text anew for the new width."""
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        room = self.contentsRect().width() - 2 * self.margin()
        shown = elide_right(self._whole, room, self.fontMetrics().horizontalAdvance)
        if shown != super().text():
            super().setText(shown)
        self.setToolTip(self._whole.strip() if shown != self._whole else "")  # the whole text, when cut
