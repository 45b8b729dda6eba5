"""The Console's history as a table (newest first), and a proxy that searches it."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt

from oktatool.core.okta.history import HistoryEntry
from oktatool.gui.models.table_model import Index, TableModel, refilter


class HistoryModel(TableModel[HistoryEntry]):
    """Time, profile, method, path, status, duration and request id of each call."""

    COLUMNS = ("Time", "Profile", "Method", "Path", "Status", "ms", "Request id")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        #: oldest first, as stored; rows show newest first
        self.entries: list[HistoryEntry] = []

    def set_entries(self, entries: list[HistoryEntry]) -> None:
        """Show ``entries`` (oldest first)."""
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()

    def entry(self, row: int) -> HistoryEntry:
        """Return the entry shown in ``row``."""
        return self.entries[len(self.entries) - 1 - row]

    def items(self) -> list[HistoryEntry]:
        return self.entries

    def item(self, row: int) -> HistoryEntry:
        return self.entry(row)

    def cell(self, entry: HistoryEntry, column: int, role: int) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            # the whole call (the Path column cuts a long one), and why it failed when it did
            return f"{entry.method} {entry.path}" + (f"\n{entry.error}" if entry.error else "")
        if column == 0:
            return time.strftime("%H:%M:%S", time.localtime(entry.time))
        if column == 1:
            return entry.profile
        if column == 2:
            return entry.method
        if column == 3:
            return entry.path
        if column == 4:
            return str(entry.status) if entry.status is not None else "failed"
        if column == 5:
            return f"{entry.duration_ms:.0f}"
        return entry.request_id or ""


class HistoryFilter(QSortFilterProxyModel):
    """Keeps the calls of one profile (or of all) whose method, path, status, request id or profile contain every
    word typed."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        #: (profile name, org) whose calls are shown; None shows every profile's
        self._owner: tuple[str, str] | None = None

    def set_owner(self, owner: tuple[str, str] | None) -> None:
        """Show only the calls of ``(profile name, org)``, or every call when None."""
        refilter(self, lambda: setattr(self, "_owner", owner))

    def set_search(self, text: str) -> None:
        """Search for ``text``."""
        words = text.lower().split()
        refilter(self, lambda: setattr(self, "_words", words))

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        source = self.sourceModel()
        assert isinstance(source, HistoryModel)
        entry = source.entry(source_row)
        return (self._owner is None or entry.belongs_to(*self._owner)) and entry.matches(self._words)
