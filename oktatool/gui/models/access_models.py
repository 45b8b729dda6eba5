"""Models of a service app's grants (granted, picked, missing, extra), admin roles (with what each reaches) and
tokens."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt

from oktatool.core.okta.grants import GrantDiff, diff_grants
from oktatool.gui.models.table_model import TableModel

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from oktatool.core.okta.admin_roles import ScopedRole
    from oktatool.core.okta.app_tokens import AppToken
    from oktatool.core.okta.grants import Grant

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


ROLE_COLUMNS = ("Role", "What the app can do", "Status", "Assignment id")


def can_text(role: ScopedRole) -> str:
    """Say in plain words what one role lets the app do (a custom role named first)."""
    said = "; ".join(role.summary())
    return f"{role.role_label or role.assignment.label}: {said}" if role.custom else said


def reach_tip(role: ScopedRole) -> str:
    """Say what one role reaches: its targets, its custom role's permissions and resource set, or the org."""
    if role.custom:
        held = [r.words() for r in role.resources] + list(role.wide)
        return (f"custom role {role.role_label}: {', '.join(role.permissions)}\n"
                f"resource set {role.resource_set_label}: {', '.join(held) or 'nothing'}")
    if role.targets:
        return "scoped to " + ", ".join(t.words() for t in role.targets)
    return "not scoped: the whole org"


class RoleTableModel(TableModel["ScopedRole"]):
    """The admin roles assigned to the app, with what each lets it do in plain words."""

    COLUMNS = ROLE_COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.roles: tuple[ScopedRole, ...] = ()

    def set_roles(self, roles: Iterable[ScopedRole]) -> None:
        """Show these role assignments."""
        self.beginResetModel()
        self.roles = tuple(roles)
        self.endResetModel()

    def items(self) -> tuple[ScopedRole, ...]:
        """Return the rows' roles."""
        return self.roles

    def cell(self, role: ScopedRole, column: int, item_role: int) -> Any:
        """Return a cell's text, the role's reach as its tooltip, or the role."""
        a = role.assignment
        if item_role == Qt.ItemDataRole.DisplayRole:
            return (a.type, can_text(role), a.status, a.id)[column]
        if item_role == Qt.ItemDataRole.ToolTipRole:
            return reach_tip(role)
        if item_role == Qt.ItemDataRole.UserRole:
            return role
        return None


TOKEN_COLUMNS = ("Token id", "Status", "Expires", "Scopes")


class TokenTableModel(TableModel["AppToken"]):
    """The app's tokens as Okta lists them (never the tokens themselves)."""

    COLUMNS = TOKEN_COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tokens: tuple[AppToken, ...] = ()

    def set_tokens(self, tokens: Iterable[AppToken]) -> None:
        """Show these tokens."""
        self.beginResetModel()
        self.tokens = tuple(tokens)
        self.endResetModel()

    def items(self) -> tuple[AppToken, ...]:
        """Return the rows' tokens."""
        return self.tokens

    def cell(self, token: AppToken, column: int, role: int) -> Any:
        """Return a cell's text, or the token."""
        if role == Qt.ItemDataRole.DisplayRole:
            return (token.id, token.status, token.expires_at, " ".join(token.scopes))[column]
        if role == Qt.ItemDataRole.UserRole:
            return token
        return None
