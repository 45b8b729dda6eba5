"""Doctor results as a table (status, check, detail, fix), and a proxy that can show the problems only."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from oktatool.core.errors import for_window
from oktatool.core.okta.doctor_report import Check
from oktatool.gui.models.table_model import Index, TableModel, refilter
from oktatool.gui.widgets.tones import tone

COL_STATUS, COL_TITLE, COL_DETAIL, COL_FIX = range(4)
HEADERS = ("Status", "Check", "Detail", "Fix")
#: role returning the row's Check
CheckRole = Qt.ItemDataRole.UserRole + 1
_LABELS = {"pass": "✔ pass", "warn": "⚠ warn", "fail": "✘ fail", "skip": "– skip"}
_TONES = {"pass": "good", "fail": "error", "warn": "warn"}


class ChecksModel(TableModel[Check]):
    """Rows of Check, appended as each check ends."""

    COLUMNS = HEADERS

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

    def items(self) -> list[Check]:
        """Return the rows' results."""
        return self._checks

    def cell(self, check: Check, column: int, role: int) -> Any:
        """Return the cell text, its colour, a tooltip, or the Check for CheckRole."""
        if role == CheckRole:
            return check
        if role == Qt.ItemDataRole.DisplayRole:
            return (_LABELS.get(check.status, check.status), check.title, for_window(check.detail),
                    for_window(check.fix) if check.status in ("fail", "warn") else "")[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_STATUS and check.status in _TONES:
            return QColor(tone(_TONES[check.status]))
        if role == Qt.ItemDataRole.ToolTipRole:
            fix = f"\nFix: {for_window(check.fix)}" if check.fix else ""
            return f"{check.title} ({check.id}): {check.status}\n{for_window(check.detail)}{fix}"
        return None


class ProblemsFilter(QSortFilterProxyModel):
    """Show every check, or only those that failed or warned."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._problems_only = False

    def set_problems_only(self, on: bool) -> None:
        """Show only fail and warn rows (or all)."""
        refilter(self, lambda: setattr(self, "_problems_only", on))

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        """Keep a row unless only problems are shown and it is not one."""
        if not self._problems_only:
            return True
        check = self.sourceModel().index(source_row, 0, source_parent).data(CheckRole)
        return isinstance(check, Check) and check.status in ("fail", "warn")
