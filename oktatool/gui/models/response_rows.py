"""An answer's array as a table: one row per item, columns from the items' keys (one level of nesting flattened).

Rows arrive page by page (``append_rows``); new keys add columns. The model holds every item at once (Save and
sorting see them all) and shows them ROWS_PER_TURN at a time, one batch per turn of the event loop: the views
and the filter proxy look at each inserted row on the GUI thread (190,000 rows at once held it for a second).
Sorting is done here on the Python list (one key function per row, not a Python call per comparison), so
100,000 rows sort in a fraction of a second; the proxy only filters.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, QTimer, Signal

from oktatool.gui.models.table_model import Index, refilter

Column = tuple[str, ...]
#: nested objects with at most this many keys are flattened into ``outer.inner`` columns
FLATTEN_LIMIT = 30
#: rows of each batch looked at for new columns
SCAN_ROWS = 50
CELL_LIMIT = 200
#: rows shown per turn of the event loop
ROWS_PER_TURN = 1000
VALUE_COLUMN: Column = ("value",)


def cell_value(item: Any, column: Column) -> Any:
    """Return the value at ``column`` of ``item`` (None when absent)."""
    if not isinstance(item, dict):
        return item if column == VALUE_COLUMN else None
    value: Any = item
    for part in column:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def cell_text(value: Any) -> str:
    """Return how a value reads in a cell."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value if len(value) <= CELL_LIMIT else value[:CELL_LIMIT] + "…"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= CELL_LIMIT else text[:CELL_LIMIT] + "…"


def columns_of(items: Iterable[Any], known: Sequence[Column] = ()) -> list[Column]:
    """Return the columns of ``items`` not in ``known``, in order of first appearance."""
    seen = set(known)
    found: list[Column] = []
    for item in items:
        keys: list[Column] = []
        if isinstance(item, dict):
            for key, value in item.items():
                if isinstance(value, dict) and 0 < len(value) <= FLATTEN_LIMIT and key != "_links":
                    keys.extend((key, inner) for inner in value)
                else:
                    keys.append((key,))
        else:
            keys.append(VALUE_COLUMN)
        for column in keys:
            if column not in seen:
                seen.add(column)
                found.append(column)
    return found


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (3, "")
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, (int, float)):
        return (0, value)
    if isinstance(value, str):
        return (1, value.lower())
    return (2, cell_text(value))


def rows_csv(items: Sequence[Any], columns: Sequence[Column]) -> str:
    """Return the rows as CSV text (header row of dotted column names), full values, no cut."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([".".join(c) for c in columns])
    for item in items:
        row = []
        for column in columns:
            value = cell_value(item, column)
            row.append("" if value is None else value if isinstance(value, str) else
                       json.dumps(value, ensure_ascii=False))
        writer.writerow(row)
    return out.getvalue()


class ResponseRowsModel(QAbstractTableModel):
    """The items of a list answer (or of every page of it)."""

    #: every item is shown (the last batch went in)
    all_shown = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.items: list[Any] = []
        self.columns: list[Column] = []
        #: how many of ``items`` the views were told of
        self.shown = 0
        self._next_batch = QTimer(self)
        self._next_batch.setSingleShot(True)
        self._next_batch.setInterval(0)
        self._next_batch.timeout.connect(self._show_batch)

    def clear(self) -> None:
        """Drop every row and column."""
        self._next_batch.stop()
        self.beginResetModel()
        self.items, self.columns, self.shown = [], [], 0
        self.endResetModel()
        self.all_shown.emit()  # nothing is left to show: whoever waited for the rows stops waiting

    def append_rows(self, items: Sequence[Any], *, later: bool = False) -> None:
        """Add ``items`` at the end (shown a batch per turn, the first at once unless ``later``); new keys (in the
        first rows of the batch) add columns."""
        if not items:
            return
        new = columns_of(items[:SCAN_ROWS], self.columns)
        if new:
            first = len(self.columns)
            self.beginInsertColumns(QModelIndex(), first, first + len(new) - 1)
            self.columns.extend(new)
            self.endInsertColumns()
        self.items.extend(items)
        if later:
            self._next_batch.start()
        elif not self._next_batch.isActive():
            self._show_batch()

    def showing_all(self) -> bool:
        """Return whether every item is shown."""
        return self.shown == len(self.items)

    def _show_batch(self) -> None:
        first, last = self.shown, min(len(self.items), self.shown + ROWS_PER_TURN) - 1
        if last >= first:
            self.beginInsertRows(QModelIndex(), first, last)
            self.shown = last + 1
            self.endInsertRows()
        if self.showing_all():
            self.all_shown.emit()
        else:
            self._next_batch.start()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.shown

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        return cell_text(cell_value(self.items[index.row()], self.columns[index.column()]))

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return ".".join(self.columns[section]) if 0 <= section < len(self.columns) else None
        return str(section + 1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows by ``column`` (stable; empty cells last when ascending)."""
        if not 0 <= column < len(self.columns):
            return
        path = self.columns[column]
        self.layoutAboutToBeChanged.emit()
        self.items.sort(key=lambda item: _sort_key(cell_value(item, path)),
                        reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()

    def csv_text(self) -> str:
        """Return every row as CSV."""
        return rows_csv(self.items, self.columns)


class RowsFilterProxy(QSortFilterProxyModel):
    """Filters rows by text in any cell; sorting is handed to the source model (fast for 100,000 rows)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []

    def set_filter_text(self, text: str) -> None:
        """Keep the rows whose cells contain every word of ``text`` (any case)."""
        words = text.lower().split()
        refilter(self, lambda: setattr(self, "_words", words))

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._words:
            return True
        source = self.sourceModel()
        assert isinstance(source, ResponseRowsModel)
        item = source.items[source_row]
        text = json.dumps(item, ensure_ascii=False).lower() if isinstance(item, (dict, list)) else \
            cell_text(item).lower()
        return all(word in text for word in self._words)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if isinstance(source, ResponseRowsModel):
            source.sort(column, order)
