"""Models of a service app's grants (granted, picked, missing, extra) and of its admin role assignments."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt

from oktatool.core.okta.grants import GrantDiff, diff_grants
from oktatool.gui.models.table_model import TableModel

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from oktatool.core.okta.grants import Grant, RoleAssignment

GRANT_COLUMNS = ("Scope", "State", "Grant id", "Source")
#: what each state means, for tooltips
STATE_TIPS = {
    "granted": "granted to the app and picked",
    "missing": "picked but not granted: a token request for it is refused",
    "extra": "granted but not picked: more than this profile needs",
}


class GrantTableModel(TableModel[str]):
    """One row per scope that is granted or picked, with its state."""

    COLUMNS = GRANT_COLUMNS

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

    def items(self) -> tuple[str, ...]:
        """Return the rows' scopes."""
        return self.rows

    def cell(self, scope: str, column: int, role: int) -> Any:
        """Return a cell's text or tooltip."""
        state = self.diff.state(scope)
        grant = self._by_scope.get(scope)
        if role == Qt.ItemDataRole.DisplayRole:
            return (scope, state, grant.id if grant else "", grant.source if grant else "")[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return STATE_TIPS.get(state, "")
        if role == Qt.ItemDataRole.UserRole:
            return scope
        return None


ROLE_COLUMNS = ("Role", "Label", "Status", "Assignment id")


class RoleTableModel(TableModel["RoleAssignment"]):
    """The admin roles assigned to the app."""

    COLUMNS = ROLE_COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.roles: tuple[RoleAssignment, ...] = ()

    def set_roles(self, roles: Iterable[RoleAssignment]) -> None:
        """Show these role assignments."""
        self.beginResetModel()
        self.roles = tuple(roles)
        self.endResetModel()

    def items(self) -> tuple[RoleAssignment, ...]:
        """Return the rows' assignments."""
        return self.roles

    def cell(self, assignment: RoleAssignment, column: int, role: int) -> Any:
        """Return a cell's text."""
        if role == Qt.ItemDataRole.DisplayRole:
            return (assignment.type, assignment.label, assignment.status, assignment.id)[column]
        if role == Qt.ItemDataRole.UserRole:
            return assignment
        return None
