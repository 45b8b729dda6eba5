"""Cells of a table or tree that Qt cut with "…" show their whole text when the pointer rests on them.

A column elides what does not fit (a long path, a kid, a JSON value); without a tooltip the rest can only be
read by widening the column. ``tip_elided_cells(view)`` gives a view a delegate that answers the tooltip
request with the cell's whole text when it was cut, and with the model's own tooltip otherwise; either is
shown as plain text (a cell quotes what an org, a token or a file chose, which Qt would draw as HTML).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
)


class ElidedTipDelegate(QStyledItemDelegate):
    """Paints as Qt does; a cell whose text does not fit gets that text as its tooltip."""

    def whole_text(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> str | None:
        """Return the cell's text when it is wider than the cell shows it, else None."""
        shown = QStyleOptionViewItem(option)
        self.initStyleOption(shown, index)
        text = shown.text
        if not text:
            return None
        widget = shown.widget
        style = widget.style() if widget is not None else QApplication.style()
        room = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, shown, widget).width()
        # the style keeps a margin on both sides of the text inside that rectangle
        margin = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1)
        widest = max(shown.fontMetrics.horizontalAdvance(line) for line in text.splitlines() or [text])
        cut = widest > room - margin or "\n" in text
        return text if cut else None

    def helpEvent(self, event: QHelpEvent, view: QAbstractItemView, option: QStyleOptionViewItem,
                  index: QModelIndex | QPersistentModelIndex) -> bool:
        """Show the whole text of a cut cell (the model's tooltip, when it has one, wins), as plain text."""
        if event is not None and event.type() == QEvent.Type.ToolTip and index.isValid():
            tip = index.data(Qt.ItemDataRole.ToolTipRole)
            text = self.whole_text(option, index) if tip is None else str(tip)
            if text:  # a cell quotes what an org or a file chose: plain, as every tooltip (plain_text)
                QToolTip.showText(event.globalPos(), text, view, view.visualRect(index))
                return True
        return super().helpEvent(event, view, option, index)


def tip_elided_cells(view: QAbstractItemView) -> ElidedTipDelegate:
    """Give ``view`` the delegate that shows a cut cell's whole text as its tooltip; return the delegate."""
    delegate = ElidedTipDelegate(view)
    view.setItemDelegate(delegate)
    return delegate
