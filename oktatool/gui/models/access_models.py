"""Models of a service app's grants (granted, picked, missing, extra) and of its admin role assignments."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from oktatool.core.okta.grants import GrantDiff, diff_grants

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from oktatool.core.okta.grants import Grant, RoleAssignment

Index = QModelIndex | QPersistentModelIndex

GRANT_COLUMNS = ("Scope", "State", "Grant id", "Source")
#: what each state means, for tooltips
STATE_TIPS = {
    "granted": "granted to the app and picked",
    "missing": "picked but not granted: a token request for it is refused",
    "extra": "granted but not picked: more than this profile needs",
}


class GrantTableModel(QAbstractTableModel):
    """One row per scope that is granted or picked, with its state."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grants: tuple[Grant, ...] = ()
        self.diff = GrantDiff((), ())
        self.rows: tuple[str, ...] = ()
        self._by_scope: dict[str, Grant] = {}
        #: whether grants were fetched (until then there is nothing to compare)
        self.known = False

    def set_grants(self, grants: Iterable[Grant], picked: Iterable[str]) -> None:
        """Show the app's grants against the picked scopes."""
        self.beginResetModel()
        self.known = True
        self.grants = tuple(grants)
        self._by_scope = {g.scope_id: g for g in self.grants if g.active}
        self.diff = diff_grants(self.grants, picked)
        self.rows = tuple(dict.fromkeys((*self.diff.granted, *self.diff.picked)))
        self.endResetModel()

    def set_picked(self, picked: Iterable[str]) -> None:
        """Compare the same grants with new picks (nothing is shown until grants were fetched)."""
        if self.known:
            self.set_grants(self.grants, picked)

    def clear(self) -> None:
        """Forget the grants (another app, or not fetched yet)."""
        self.beginResetModel()
        self.grants, self._by_scope, self.diff, self.rows, self.known = (), {}, GrantDiff((), ()), (), False
        self.endResetModel()

    def grant_for(self, scope: str) -> Grant | None:
        """Return the active grant of ``scope``, or None."""
        return self._by_scope.get(scope)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Return the number of rows."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Return the number of columns."""
        return 0 if parent.isValid() else len(GRANT_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Return the column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(GRANT_COLUMNS):
            return GRANT_COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Return a cell's text or tooltip."""
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        scope = self.rows[index.row()]
        state = self.diff.state(scope)
        grant = self._by_scope.get(scope)
        if role == Qt.ItemDataRole.DisplayRole:
            return (scope, state, grant.id if grant else "", grant.source if grant else "")[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return STATE_TIPS.get(state, "")
        if role == Qt.ItemDataRole.UserRole:
            return scope
        return None


ROLE_COLUMNS = ("Role", "Label", "Status", "Assignment id")


class RoleTableModel(QAbstractTableModel):
    """The admin roles assigned to the app."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.roles: tuple[RoleAssignment, ...] = ()

    def set_roles(self, roles: Iterable[RoleAssignment]) -> None:
        """Show these role assignments."""
        self.beginResetModel()
        self.roles = tuple(roles)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Return the number of assignments."""
        return 0 if parent.isValid() else len(self.roles)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Return the number of columns."""
        return 0 if parent.isValid() else len(ROLE_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Return the column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(ROLE_COLUMNS):
            return ROLE_COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Return a cell's text."""
        if not index.isValid() or not 0 <= index.row() < len(self.roles):
            return None
        assignment = self.roles[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (assignment.type, assignment.label, assignment.status, assignment.id)[index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return assignment
        return None
