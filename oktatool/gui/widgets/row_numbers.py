"""A table's row numbers, as wide as the largest number, without asking the model for them."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHeaderView, QStyle, QWidget


class RowNumbers(QHeaderView):
    """The table's row numbers, as wide as the largest: Qt's own size hint asks the model for the titles of 200
    rows (each a call into Python) at every layout, and rows arriving in batches lay the table out each time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setSectionsClickable(True)  # as QTableView's own: a click on a number selects the row
        self.setHighlightSections(True)

    def sizeHint(self) -> QSize:
        """Return the width of the largest row number and the height of one row."""
        margin = self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, self)
        digits = self.fontMetrics().horizontalAdvance(str(max(self.count(), 1)))
        return QSize(digits + 4 * margin, self.defaultSectionSize())
