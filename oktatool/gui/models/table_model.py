"""The plumbing the table models share: row and column counts, titles, cell dispatch; refiltering a proxy."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")


def refilter(proxy: QSortFilterProxyModel, change: Callable[[], None]) -> None:
    """Apply ``change`` to ``proxy``'s filter and filter its rows again (Qt 6.10's API when there is one)."""
    if hasattr(proxy, "endFilterChange"):
        proxy.beginFilterChange()
        change()
        proxy.endFilterChange(QSortFilterProxyModel.Direction.Rows)
    else:  # Qt 6.8, 6.9
        change()
        proxy.invalidateRowsFilter()


class TableModel(QAbstractTableModel, Generic[T]):
    """Rows of ``T`` under the titles ``COLUMNS``.

    A subclass sets ``COLUMNS``, returns its rows from ``items()`` (``item(row)`` if rows are not shown in that
    order) and says what one cell holds for a role in ``cell()``; a row that is not there has no data.
    """

    COLUMNS: tuple[str, ...] = ()

    def items(self) -> Sequence[T]:
        """Return the rows' objects."""
        raise NotImplementedError

    def item(self, row: int) -> T:
        """Return the object shown in ``row``."""
        return self.items()[row]

    def cell(self, item: T, column: int, role: int) -> Any:
        """Return what the cell of ``item`` in ``column`` holds for ``role`` (None: nothing)."""
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Return the number of rows (a table has no children)."""
        return 0 if parent.isValid() else len(self.items())

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Return the number of columns."""
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Return the column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.COLUMNS):
            return self.COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Return the cell's value for ``role`` (see ``cell``)."""
        if not index.isValid() or not 0 <= index.row() < len(self.items()):
            return None
        return self.cell(self.item(index.row()), index.column(), role)
