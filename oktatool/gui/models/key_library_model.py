"""The key library as a table: names and public facts only (never key material)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from oktatool.core.keys.library import LibraryEntry
from oktatool.gui.models.table_model import TableModel

COL_NAME, COL_SHAPE, COL_KID, COL_THUMBPRINT, COL_ADDED = range(5)
HEADERS = ("Name", "Key", "kid", "Thumbprint", "Added")
#: role returning the row's LibraryEntry
EntryRole = Qt.ItemDataRole.UserRole + 1


class KeyLibraryModel(TableModel[LibraryEntry]):
    """Rows of LibraryEntry; ``set_entries`` replaces them all."""

    COLUMNS = HEADERS

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

    def items(self) -> list[LibraryEntry]:
        """Return the rows' entries."""
        return self._entries

    def cell(self, entry: LibraryEntry, column: int, role: int) -> Any:
        """Return the cell text, tooltip, or the entry itself for EntryRole."""
        if role == EntryRole:
            return entry
        if role == Qt.ItemDataRole.DisplayRole:
            access = "" if entry.private else " (public)"
            return (entry.name, entry.shape + access, entry.kid or "(none)",
                    entry.thumbprint[:12] + "…" if entry.thumbprint else "(secret)", entry.added)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            uses = ", ".join(x for x in (entry.use, entry.alg) if x) or "no use or alg set"
            return (f"{entry.name}: {entry.shape}, {'private' if entry.private else 'public only'}, {uses}\n"
                    f"kid: {entry.kid or '(none)'}\nthumbprint: {entry.thumbprint or '(not kept for a secret key)'}")
        return None
