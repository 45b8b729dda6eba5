"""Name/value pairs the user edits: the request's query parameters and headers (a blank row to add one)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class KeyValueModel(QAbstractTableModel):
    """Editable Name and Value columns; the last row is always blank and typing in it adds a pair."""

    HEADERS = ("Name", "Value")

    def __init__(self, parent: Any = None, *, editable: bool = True) -> None:
        super().__init__(parent)
        self.rows: list[list[str]] = []
        self.editable = editable

    def pairs(self) -> list[tuple[str, str]]:
        """Return the pairs with a name, in order."""
        return [(name.strip(), value) for name, value in self.rows if name.strip()]

    def set_pairs(self, pairs: list[tuple[str, str]]) -> None:
        """Replace every pair."""
        self.beginResetModel()
        self.rows = [[name, value] for name, value in pairs]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows) + (1 if self.editable else 0)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole,
                                               Qt.ItemDataRole.ToolTipRole):
            return None
        if index.row() >= len(self.rows):
            return "" if role != Qt.ItemDataRole.ToolTipRole else "Type here to add one"
        return self.rows[index.row()][index.column()]

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or not self.editable:
            return False
        text = str(value)
        if index.row() >= len(self.rows):
            if not text:
                return False
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows))
            self.rows.append(["", ""])
            self.endInsertRows()
        self.rows[index.row()][index.column()] = text
        self.dataChanged.emit(index, index)
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if self.editable else base

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def remove_rows(self, rows: list[int]) -> None:
        """Remove the given rows (the blank row is ignored)."""
        for row in sorted({r for r in rows if 0 <= r < len(self.rows)}, reverse=True):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.rows[row]
            self.endRemoveRows()
