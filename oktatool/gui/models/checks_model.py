"""Doctor results as a table (status, check, detail, fix), and a proxy that can show the problems only."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from oktatool.core.okta.doctor import Check
from oktatool.gui.widgets.tones import tone

COL_STATUS, COL_TITLE, COL_DETAIL, COL_FIX = range(4)
HEADERS = ("Status", "Check", "Detail", "Fix")
#: role returning the row's Check
CheckRole = Qt.ItemDataRole.UserRole + 1
_LABELS = {"pass": "✔ pass", "warn": "⚠ warn", "fail": "✘ fail", "skip": "– skip"}
_TONES = {"pass": "good", "fail": "error", "warn": "warn"}

Index = QModelIndex | QPersistentModelIndex


class ChecksModel(QAbstractTableModel):
    """Rows of Check, appended as each check ends."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._checks: list[Check] = []

    def clear(self) -> None:
        """Remove every row."""
        self.beginResetModel()
        self._checks = []
        self.endResetModel()

    def add(self, check: Check) -> None:
        """Append one result."""
        row = len(self._checks)
        self.beginInsertRows(QModelIndex(), row, row)
        self._checks.append(check)
        self.endInsertRows()

    def checks(self) -> list[Check]:
        """Return the results shown."""
        return list(self._checks)

    def counts(self) -> dict[str, int]:
        """Return how many checks ended with each status."""
        found = {"pass": 0, "warn": 0, "fail": 0, "skip": 0}
        for check in self._checks:
            found[check.status] = found.get(check.status, 0) + 1
        return found

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Return the number of results."""
        return 0 if parent.isValid() else len(self._checks)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Return the number of columns."""
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Return the cell text, its colour, a tooltip, or the Check for CheckRole."""
        if not index.isValid() or not 0 <= index.row() < len(self._checks):
            return None
        check = self._checks[index.row()]
        column = index.column()
        if role == CheckRole:
            return check
        if role == Qt.ItemDataRole.DisplayRole:
            return (_LABELS.get(check.status, check.status), check.title, check.detail,
                    check.fix if check.status in ("fail", "warn") else "")[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_STATUS and check.status in _TONES:
            return QColor(tone(_TONES[check.status]))
        if role == Qt.ItemDataRole.ToolTipRole:
            fix = f"\nFix: {check.fix}" if check.fix else ""
            return f"{check.title} ({check.id}): {check.status}\n{check.detail}{fix}"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Return the column titles."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None


class ProblemsFilter(QSortFilterProxyModel):
    """Show every check, or only those that failed or warned."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._problems_only = False

    def set_problems_only(self, on: bool) -> None:
        """Show only fail and warn rows (or all)."""
        self.beginFilterChange()
        self._problems_only = on
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        """Keep a row unless only problems are shown and it is not one."""
        if not self._problems_only:
            return True
        check = self.sourceModel().index(source_row, 0, source_parent).data(CheckRole)
        return isinstance(check, Check) and check.status in ("fail", "warn")
