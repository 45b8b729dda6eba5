"""Two tables of the JWT tab: the editor's other claims (name, typed JSON value) and a decoded token's members."""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from oktatool.core.errors import ClaimError
from oktatool.core.jose.claims import dumps_exact, explain_claim, parse_exact, value_type
from oktatool.core.jose.jwt import TIME_CLAIMS, iso_utc, numeric_date, relative_phrase

Index = QModelIndex | QPersistentModelIndex

COL_NAME, COL_VALUE, COL_TYPE = range(3)


class OtherClaimsModel(QAbstractTableModel):
    """Claims the form has no field for: each a name and a JSON value typed as the user wrote it.

    Editing a value parses it as exact JSON; bad JSON is refused and ``problem`` says where it is wrong.
    """

    #: the rows changed through editing (the panel re-serializes the claims)
    edited = Signal()
    #: an edit was refused (the message, with line and column)
    problem = Signal(str)

    HEADERS = ("Claim", "Value (JSON)", "Type")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, Any]] = []

    def set_claims(self, claims: Mapping[str, Any]) -> None:
        """Replace every row with ``claims`` (order kept)."""
        self.beginResetModel()
        self._rows = list(claims.items())
        self.endResetModel()

    def claims(self) -> dict[str, Any]:
        """Return the rows as a claims dict (a row without a name is left out)."""
        return {name: value for name, value in self._rows if name}

    def add_row(self, name: str = "", value: Any = "") -> int:
        """Append a row and return its number."""
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append((name, value))
        self.endInsertRows()
        self.edited.emit()
        return row

    def remove_row(self, row: int) -> None:
        """Remove row ``row``."""
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()
            self.edited.emit()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Return the number of claims."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Return name, value and type."""
        return 0 if parent.isValid() else 3

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Make the name and value editable."""
        base = super().flags(index)
        if index.isValid() and index.column() in (COL_NAME, COL_VALUE):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Return the cell text (the value as exact JSON), or what the claim means as a tooltip."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        name, value = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if index.column() == COL_NAME:
                return name
            if index.column() == COL_VALUE:
                return dumps_exact(value, indent=None)
            return value_type(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return explain_claim(name) or "A claim of your own (a private claim, RFC 7519 §4.3)."
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Rename a claim or set its value from JSON text (refused, with ``problem``, when not JSON)."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        row = index.row()
        name, current = self._rows[row]
        text = str(value)
        if index.column() == COL_NAME:
            if text != name and any(n == text for n, _ in self._rows):
                self.problem.emit(f"the claim {text!r} is already in the table")
                return False
            self._rows[row] = (text, current)
        elif index.column() == COL_VALUE:
            try:
                parsed = parse_exact(text, what=f"the value of {name or 'the claim'}")
            except ClaimError as exc:
                self.problem.emit(exc.description)
                return False
            self._rows[row] = (name, parsed)
        else:
            return False
        self.dataChanged.emit(self.index(row, 0), self.index(row, 2))
        self.edited.emit()
        return True

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Return the column titles."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None


def describe_time(claim: str, value: Any, now: float) -> str:
    """Return "relative · UTC · local" for a NumericDate claim, or why it is not one."""
    number = numeric_date(value)
    iso = iso_utc(number) if number is not None else None
    if number is None or iso is None:
        return "not a number of seconds since 1970"
    local = datetime.fromtimestamp(number).astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
    return f"{relative_phrase(claim, number, now)} · {iso} · local {local}"


class DecodedMembersModel(QAbstractTableModel):
    """A decoded token's header and claims: part, name, value and (for times) local/UTC/relative time."""

    HEADERS = ("Part", "Name", "Value", "Meaning / time")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str, Any]] = []
        self.now = time.time()

    def set_token(self, header: Mapping[str, Any], claims: Mapping[str, Any] | None) -> None:
        """Show ``header`` and ``claims`` (None: nothing decodable)."""
        self.beginResetModel()
        self._rows = [("header", k, v) for k, v in header.items()]
        self._rows += [("claims", k, v) for k, v in (claims or {}).items()]
        self.endResetModel()

    def tick(self, now: float | None = None) -> None:
        """Move the clock (the live countdown) and refresh the time column."""
        self.now = time.time() if now is None else now
        if self._rows:
            self.dataChanged.emit(self.index(0, 3), self.index(len(self._rows) - 1, 3))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Return the number of members."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Return part, name, value, meaning."""
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Return the cell text; the tooltip explains the member (RFC 7519, RFC 9068, Okta)."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        part, name, value = self._rows[index.row()]
        meaning = explain_claim(name, header=part == "header")
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return part
            if index.column() == 1:
                return name
            if index.column() == 2:
                text = value if isinstance(value, str) else dumps_exact(value, indent=None)
                return text if len(text) <= 200 else text[:200] + "…"
            if part == "claims" and name in TIME_CLAIMS:
                return describe_time(name, value, self.now)
            return (meaning or "").split(":")[0]
        if role == Qt.ItemDataRole.ToolTipRole:
            text = meaning or "Not a registered or Okta member."
            if part == "claims" and name in TIME_CLAIMS:
                text += "\n" + describe_time(name, value, self.now)
            return text
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Return the column titles."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None
