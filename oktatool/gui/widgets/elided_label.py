"""A one-line label that shows as much of its text as fits, with an ellipsis, and never asks for width.

It sits in the profile bar, which is built and painted before the first paint returns. It therefore
touches no ``Qt.*`` enum: the first use of PySide6's ``Qt`` namespace builds its ~90 enum classes, about
20 ms. The text is cut by measuring, and the alignment is passed as the plain flags int.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

#: Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter as an int (tests check it against the enums)
ALIGN_LEFT_VCENTER = 0x0001 | 0x0080
ELLIPSIS = "…"


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
    """A label whose text is cut with "…" where space runs out (a tool bar keeps it in view, not in overflow)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def minimumSizeHint(self) -> QSize:
        """Ask only for a short stub: the rest of the text is elided."""
        return QSize(80, super().minimumSizeHint().height())

    def shown_text(self) -> str:
        """Return the text as it is drawn at the label's current width."""
        return elide_right(self.text(), self.contentsRect().width(), self.fontMetrics().horizontalAdvance)

    def paintEvent(self, _event: QPaintEvent) -> None:
        """Draw the text cut at the end to the label's width (the org and client id come first)."""
        QPainter(self).drawText(self.contentsRect(), ALIGN_LEFT_VCENTER, self.shown_text())
