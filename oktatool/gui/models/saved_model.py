"""The Console's saved requests as a table: those the active profile may use (its own, then those for all)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from oktatool.core.okta.saved_requests import Owner, SavedRequest
from oktatool.gui.models.table_model import TableModel


class SavedRequestModel(TableModel[SavedRequest]):
    """Name, method, path (with its query) and whom each request is for."""

    COLUMNS = ("Name", "Method", "Path", "For")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.shown: list[SavedRequest] = []

    def show(self, requests: list[SavedRequest], owner: Owner | None) -> None:
        """Show the requests ``owner`` may use: its own first, then those for all profiles, each by name."""
        self.beginResetModel()
        self.shown = sorted((r for r in requests if r.fits(owner)), key=lambda r: (r.owner is None, r.name.lower()))
        self.endResetModel()

    def items(self) -> list[SavedRequest]:
        return self.shown

    def row_of(self, request: SavedRequest) -> int:
        """Return the row showing ``request`` (-1 when it is not shown)."""
        return next((row for row, shown in enumerate(self.shown) if shown is request), -1)

    def cell(self, request: SavedRequest, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            names = request.variables()
            return f"{request.method} {request.full_path()}" + (
                "\nvariables: " + ", ".join(names) if names else "")
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (request.name, request.method, request.full_path(), request.scope_text)[column]
