"""The key library as a table: names and public facts only (never key material)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from oktatool.core.keys.library import LibraryEntry

COL_NAME, COL_SHAPE, COL_KID, COL_THUMBPRINT, COL_ADDED = range(5)
HEADERS = ("Name", "Key", "kid", "Thumbprint", "Added")
#: role returning the row's LibraryEntry
EntryRole = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class KeyLibraryModel(QAbstractTableModel):
    """Rows of LibraryEntry; ``set_entries`` replaces them all."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._entries: list[LibraryEntry] = []

    def set_entries(self, entries: list[LibraryEntry]) -> None:
        """Replace the rows and tell the views."""
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def entry(self, row: int) -> LibraryEntry:
        """Return the entry shown in ``row``."""
        return self._entries[row]

    def row_of(self, name: str) -> int:
        """Return the row of the entry ``name``, or -1."""
        return next((i for i, e in enumerate(self._entries) if e.name == name), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Return the number of entries (a table has no children)."""
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Return the number of columns."""
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Return the cell text, tooltip, or the entry itself for EntryRole."""
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role == EntryRole:
            return entry
        if role == Qt.ItemDataRole.DisplayRole:
            access = "" if entry.private else " (public)"
            return (entry.name, entry.shape + access, entry.kid or "(none)",
                    entry.thumbprint[:12] + "…" if entry.thumbprint else "(secret)", entry.added)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            uses = ", ".join(x for x in (entry.use, entry.alg) if x) or "no use or alg set"
            return (f"{entry.name}: {entry.shape}, {'private' if entry.private else 'public only'}, {uses}\n"
                    f"kid: {entry.kid or '(none)'}\nthumbprint: {entry.thumbprint or '(not kept for a secret key)'}")
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Return the column titles."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None
