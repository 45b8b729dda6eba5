"""The roles half of Grants & roles: the app's admin roles with what each lets it do, in plain words; assign a
standard role scoped to groups or apps, build a custom role from the picked scopes' permissions over a resource
set, remove one. Least privilege is suggested (the narrowest standard role preselected, the custom role's
permissions named), never forced. Every change goes through the panel that owns this one, which shows the exact
calls before sending them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.okta.admin_roles import APP_TARGET_ROLES, GROUP_TARGET_ROLES
from oktatool.core.okta.grants import ROLE_MANAGE_SCOPES, ROLE_READ_SCOPES, STANDARD_ROLES, least_role
from oktatool.core.okta.permissions import permissions_for
from oktatool.gui import tasks
from oktatool.gui.models.access_models import RoleTableModel
from oktatool.gui.scopes.access_parts import table_view
from oktatool.gui.widgets.accessible import named
from oktatool.gui.widgets.plain_text import rich_label

if TYPE_CHECKING:
    from oktatool.core.okta.admin_roles import AppRoles, Resource, ScopedRole
    from oktatool.core.okta.grants import AppAccess, PlannedCall
    from oktatool.gui.scopes.access_parts import AccessOwner

_SPLIT = re.compile(r"\s*[,;\n]\s*")


def names(text: str) -> list[str]:
    """Split a typed list of names on commas (names may hold spaces: "Okta Admins, Sales")."""
    return [name for name in _SPLIT.split(text.strip()) if name]


class RoleDialog(QDialog):
    """Ask what a role reaches: a standard role and its groups or apps, or a custom role's groups, apps and users."""

    def __init__(self, parent: QWidget, picked: list[str], *, custom: bool) -> None:
        super().__init__(parent)
        self.setWindowTitle("Custom role from the picked scopes" if custom else "Assign a standard role")
        self.custom = custom
        layout = QVBoxLayout(self)
        self.suggestion = QLabel()
        self.suggestion.setObjectName("roleSuggestion")
        self.suggestion.setWordWrap(True)
        layout.addWidget(self.suggestion)
        form = QFormLayout()
        self.role_type = QComboBox(self)
        self.role_type.setObjectName("roleType")
        self.role_type.addItems(list(STANDARD_ROLES))
        self.role_type.setVisible(not custom)
        self.groups = self._field("roleGroups", "group names, comma-separated (blank: the whole org)")
        self.apps = self._field("roleApps", "app labels or ids, comma-separated")
        self.users = self._field("roleUsers", "user logins or ids, comma-separated")
        self.users.setVisible(custom)
        if not custom:
            form.addRow("Standard &role", named(self.role_type, "Standard admin role to assign"))
        form.addRow("&Groups", named(self.groups, "Groups the role reaches"))
        form.addRow("A&pps", named(self.apps, "Apps the role reaches"))
        if custom:
            form.addRow("&Users", named(self.users, "Users the role reaches"))
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.preview = buttons.addButton("Preview the calls…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.preview.setObjectName("previewRole")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.plan = permissions_for(picked)
        if custom:
            self.suggestion.setText(_custom_words(self.plan.permissions, self.plan.uncovered))
        else:
            suggested = least_role(picked) if picked else "READ_ONLY_ADMIN"
            self.role_type.setCurrentText(suggested)
            self.role_type.currentTextChanged.connect(self._explain)
            self._explain(suggested, suggested)

    def _field(self, name: str, placeholder: str) -> QLineEdit:
        field = QLineEdit(self)
        field.setObjectName(name)
        field.setPlaceholderText(placeholder)
        return field

    def _explain(self, role: str, suggested: str | None = None) -> None:
        """Say what the chosen role can be scoped to, and the least privilege for the picked scopes."""
        self.groups.setEnabled(role in GROUP_TARGET_ROLES)
        self.apps.setEnabled(role in APP_TARGET_ROLES)
        reach = ("Name groups to scope it to their users." if role in GROUP_TARGET_ROLES else
                 "Name apps to scope it to them." if role in APP_TARGET_ROLES else
                 "It cannot be scoped: it reaches the whole org.")
        least = f"Least privilege for the picked scopes: {suggested}. " if suggested else ""
        self.suggestion.setText(f"{least}{role}: {reach}")


def _custom_words(permissions: tuple[str, ...], uncovered: tuple[str, ...]) -> str:
    if not permissions:
        return "No picked scope has a custom-role permission: pick users, groups or apps scopes."
    text = (f"The role holds exactly {', '.join(permissions)} (what the picked scopes' calls need) and reaches "
            "only the groups, apps and users named here.")
    return text + (f" No permission covers {', '.join(uncovered)}: a standard role is needed for those."
                   if uncovered else "")


class RolesPanel(QWidget):
    """The app's admin roles: listed with what each lets it do; assign, custom role, remove."""

    def __init__(self, owner: AccessOwner) -> None:
        super().__init__(owner)
        self.owner = owner
        self.picked: list[str] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = rich_label(QLabel("<b>Admin roles</b> of the app and what it can do"))
        layout.addWidget(title)
        self.roles = RoleTableModel(self)
        self.role_view = table_view(self.roles, "roleTable", "Admin roles")
        title.setBuddy(self.role_view)
        self.assign_button = QPushButton("Assign…")
        self.assign_button.setObjectName("assignRole")
        self.assign_button.setToolTip("Assign a standard role, scoped to groups or apps (least privilege suggested)")
        self.custom_button = QPushButton("Custom role…")
        self.custom_button.setObjectName("customRole")
        self.custom_button.setAccessibleName("Custom role from the picked scopes")
        self.custom_button.setToolTip("Create a custom role with exactly the permissions the picked scopes need, "
                                      "over the groups, apps and users you name, and bind it to the app")
        self.unassign_button = QPushButton("Remove…")
        self.unassign_button.setObjectName("unassignRole")
        self.unassign_button.setAccessibleName("Remove the selected role")
        row = QHBoxLayout()
        row.addWidget(self.role_view, 1)
        side = QVBoxLayout()
        for button in (self.assign_button, self.custom_button, self.unassign_button):
            side.addWidget(button)
        side.addStretch(1)
        row.addLayout(side)
        layout.addLayout(row, 1)
        self.assign_button.clicked.connect(lambda: owner.start(self.assign()))
        self.custom_button.clicked.connect(lambda: owner.start(self.create_custom()))
        self.unassign_button.clicked.connect(lambda: owner.start(self.remove_selected()))
        self.role_view.selectionModel().selectionChanged.connect(lambda *_: owner.enable())

    def set_roles(self, roles: tuple[ScopedRole, ...] | None) -> None:
        """Show the app's roles (None: not fetched)."""
        self.roles.set_roles(roles or ())

    def set_picked(self, picked: list[str]) -> None:
        """Remember the picked scopes: the custom role's permissions and the suggested role follow them."""
        self.picked = list(picked)

    def enable(self, ready: bool) -> None:
        """Enable the actions when the roles were fetched and no action runs."""
        self.assign_button.setEnabled(ready)
        self.custom_button.setEnabled(ready and bool(permissions_for(self.picked).permissions))
        self.unassign_button.setEnabled(ready and self.selected() is not None)

    def selected(self) -> ScopedRole | None:
        """Return the selected role, or None."""
        rows = self.role_view.selectionModel().selectedRows()
        return self.roles.data(rows[0], Qt.ItemDataRole.UserRole) if rows else None

    async def _ask(self, custom: bool) -> RoleDialog | None:
        dialog = RoleDialog(self, self.picked, custom=custom)
        accepted = await tasks.dialog_result(dialog) == QDialog.DialogCode.Accepted.value
        dialog.deleteLater()
        return dialog if accepted else None

    @staticmethod
    def _scopes(dialog: RoleDialog) -> tuple[str, ...]:
        wanted = [("okta.groups.read", dialog.groups), ("okta.apps.read", dialog.apps),
                  ("okta.users.read", dialog.users)]
        return ROLE_MANAGE_SCOPES + ROLE_READ_SCOPES + tuple(s for s, field in wanted
                                                             if field.isEnabled() and field.text().strip())

    async def assign(self) -> None:
        """Ask for a standard role and its groups or apps, then assign it scoped to them."""
        dialog = await self._ask(custom=False)
        if dialog is None:
            return
        role_type = dialog.role_type.currentText()
        groups = names(dialog.groups.text()) if dialog.groups.isEnabled() else []
        apps = names(dialog.apps.text()) if dialog.apps.isEnabled() else []
        held: dict[str, list[Resource]] = {}

        def plan(access: AppAccess) -> list[PlannedCall]:
            roles = _roles(access)
            held["targets"] = [roles.find_group(g) for g in groups] + [roles.find_app(a) for a in apps]
            return list(roles.plan_standard(role_type, held["targets"]))

        reach = ", ".join(groups + apps)
        await self.owner.change(f"Assign {role_type}" + (f" scoped to {reach}" if reach else ""), plan,
                                lambda access: _roles(access).assign_standard(role_type, held["targets"]),
                                self._scopes(dialog),
                                note="The role decides what the app's tokens may touch; scopes alone answer "
                                     "E0000006." + ("" if reach or role_type not in GROUP_TARGET_ROLES else
                                                    " Without groups it reaches the whole org."))

    async def create_custom(self) -> None:
        """Ask for the resources, then create a custom role with the picked scopes' permissions over them."""
        dialog = await self._ask(custom=True)
        if dialog is None:
            return
        permissions, kinds = dialog.plan.permissions, dialog.plan.kinds
        groups, apps, users = (names(f.text()) for f in (dialog.groups, dialog.apps, dialog.users))
        held: dict[str, Any] = {}

        def plan(access: AppAccess) -> list[PlannedCall]:
            roles = _roles(access)
            held["resources"] = roles.resources_for(kinds, groups, apps, users)
            held["label"] = roles.free_label(f"oktatool {roles.app_id}")
            return list(roles.plan_custom(held["label"], permissions, held["resources"]))

        await self.owner.change("Create a custom role", plan,
                                lambda access: _roles(access).create_custom(held["label"], permissions,
                                                                            held["resources"]),
                                self._scopes(dialog),
                                note=f"Permissions: {', '.join(permissions)}. The role reaches only its resource set.")

    async def remove_selected(self) -> None:
        """Remove the selected role (a custom role's resource set and role go with it)."""
        role = self.selected()
        if role is None:
            return
        chosen: ScopedRole = role
        await self.owner.change(f"Remove {role.assignment.type}",
                                lambda access: list(_roles(access).plan_remove(chosen)),
                                lambda access: _roles(access).remove(chosen), ROLE_MANAGE_SCOPES,
                                note="Without any role, every call the app makes answers 403 E0000006.")

    async def show_scoped_example(self) -> ScopedRole | None:
        """Assign USER_ADMIN scoped to the group Engineering and show it (--screenshot, on the Local sandbox);
        return the role, for ``remove_example``, or None when it could not be made (said)."""
        def scope_one(access: AppAccess) -> ScopedRole:
            roles = _roles(access)
            return roles.assign_standard("USER_ADMIN", [roles.find_group("Engineering")])

        made: ScopedRole | None = await self.owner.read(scope_one, (*ROLE_MANAGE_SCOPES, "okta.groups.read"),
                                                        "Scoping USER_ADMIN to Engineering…")
        if made is not None and await self.owner.refresh():
            rows = [r for r in range(self.roles.rowCount()) if self.roles.items()[r].assignment.id
                    == made.assignment.id]
            self.role_view.selectRow(rows[0] if rows else 0)
        return made

    async def remove_example(self, role: ScopedRole) -> None:
        """Remove the role ``show_scoped_example`` made: the org is left as it was."""
        await self.owner.read(lambda access: _roles(access).remove(role), ROLE_MANAGE_SCOPES, "Removing the example…")


def _roles(access: AppAccess) -> AppRoles:
    from oktatool.core.okta.admin_roles import AppRoles

    return AppRoles(access)
