"""What an app's admin roles let it touch: standard roles (whole org, or scoped to target groups or apps) and
custom roles (their permissions, over their resource set).

An operation passes when one of the app's roles allows it; otherwise Okta answers 403 E0000006. A role scoped
to groups reaches the groups and the users in them; one scoped to apps reaches those apps; a custom role reaches
what its resource set holds, and only with a permission that covers the operation (Okta's permission names,
written out here apart from the client's table, so that the two sides cannot share a mistake).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from oktatool.sandbox.store import App, OrgStore

#: for each operation's scope, the custom-role permissions that allow it (a write may name a narrower one)
_PERMITS = {
    "okta.users.read": {"okta.users.read", "okta.users.manage"},
    "okta.users.manage": {"okta.users.manage"},
    "okta.groups.read": {"okta.groups.read", "okta.groups.manage"},
    "okta.groups.manage": {"okta.groups.manage"},
    "okta.apps.read": {"okta.apps.read", "okta.apps.manage"},
    "okta.apps.manage": {"okta.apps.manage"},
    "okta.authorizationServers.read": {"okta.authzServers.read", "okta.authzServers.manage"},
    "okta.authorizationServers.manage": {"okta.authzServers.manage"},
}
_RESOURCE = re.compile(r"/api/v1/(users|groups|apps|authorizationServers)(?:/([^/]+))?(?:/users/([^/]+))?")


@dataclass(frozen=True)
class Operation:
    """What a request does: its method, the scope its route needs, and the resource it names."""

    method: str
    scope: str
    path: str
    params: dict[str, str]

    @property
    def kind(self) -> str:
        """Return users, groups, apps, authorizationServers, or "" for anything else."""
        found = _RESOURCE.match(self.path)
        return found.group(1) if found else ""

    def permits(self) -> set[str]:
        """Return the custom-role permissions that allow this operation (none: no custom role can)."""
        allowed = set(_PERMITS.get(self.scope, ()))
        if self.scope == "okta.users.manage" and self.method == "POST" and "userId" not in self.params:
            allowed.add("okta.users.create")
        if self.scope == "okta.users.manage" and self.method in ("POST", "PUT") and "userId" in self.params:
            allowed.add("okta.users.userprofile.manage")
        if self.scope == "okta.groups.manage" and "userId" in self.params:
            allowed.add("okta.groups.members.manage")
        if self.scope == "okta.groups.manage" and self.method == "POST" and "groupId" not in self.params:
            allowed.add("okta.groups.create")
        return allowed


class Reach:
    """Decide whether an app's roles allow an operation (call with the store's lock held)."""

    def __init__(self, store: OrgStore) -> None:
        self.store = store

    def allows(self, app: App, operation: Operation) -> bool:
        """Say whether any of the app's roles allows ``operation``."""
        return any(self._role_allows(app, role, operation) for role in app.roles)

    def visible(self, app: App, operation: Operation) -> frozenset[str] | None:
        """Return the ids a list of users or groups may show the app (its roles' reach), or None for all of them.

        As in the Admin Console, an admin scoped to groups lists only the users and groups it manages.
        """
        kind = operation.kind
        if operation.method != "GET" or kind not in ("users", "groups") or operation.params:
            return None
        shown: set[str] = set()
        for role in app.roles:
            reach = self._role_reach(app, role, operation, kind)
            if reach is None:
                return None
            shown |= reach
        return frozenset(shown)

    def _role_reach(self, app: App, role: dict[str, Any], operation: Operation, kind: str) -> set[str] | None:
        """Return the ids of ``kind`` one role reaches (None: all of them)."""
        if role["type"] == "CUSTOM":
            custom = self.store.custom_roles.get(role.get("role") or "")
            found = self.store.resource_sets.get(role.get("resource-set") or "")
            if custom is None or found is None or not {p["label"] for p in custom["permissions"]} & operation.permits():
                return set()
            paths = {r["path"] for r in found["resources"]}
            if f"/api/v1/{kind}" in paths:
                return None
            if kind == "groups":
                return {p.split("/")[4] for p in paths if p.startswith("/api/v1/groups/") and p.count("/") == 4}
            groups = [p.split("/")[4] for p in paths if p.startswith("/api/v1/groups/") and p.endswith("/users")]
            return {p.split("/")[4] for p in paths if p.startswith("/api/v1/users/")} | self._members(groups)
        targets = app.role_targets.get(role["id"], {})
        if targets.get("apps"):
            return set()
        if not targets.get("groups"):
            return None
        return set(targets["groups"]) if kind == "groups" else self._members(targets["groups"])

    def _members(self, group_ids: list[str]) -> set[str]:
        found: set[str] = set()
        for group_id in group_ids:
            group = self.store.groups.get(group_id)
            if group is not None:
                found.update(self.store.members_of(group))
        return found

    def _role_allows(self, app: App, role: dict[str, Any], operation: Operation) -> bool:
        if role["type"] == "CUSTOM":
            return self._custom_allows(role, operation)
        targets = app.role_targets.get(role["id"], {})
        if targets.get("groups"):
            return operation.kind in ("users", "groups") and self._in_groups(set(targets["groups"]), operation)
        if targets.get("apps"):
            return operation.kind == "apps" and self._in_apps(targets["apps"], operation)
        return operation.method == "GET" or role["type"] != "READ_ONLY_ADMIN"

    # standard roles with targets ----------------------------------------------------------------------------

    def _user_groups(self, user_id: str) -> set[str]:
        user = self.store.find_user(user_id)
        if user is None:
            return set()
        return {g for g, members in self.store.group_members.items() if user["id"] in members}

    def _in_groups(self, groups: set[str], operation: Operation) -> bool:
        group_id, user_id = operation.params.get("groupId"), operation.params.get("userId")
        if group_id is not None and group_id not in groups:
            return False
        if user_id is not None and group_id is None:
            return bool(self._user_groups(user_id) & groups)
        return True  # a list, or the creation of a user (its groups are the caller's to choose)

    def _in_apps(self, targets: list[str], operation: Operation) -> bool:
        app_id = operation.params.get("appId")
        if app_id is None:
            return operation.method == "GET"
        target = self.store.apps.get(app_id)
        return target is not None and (target.name in targets or f"{target.name}/{app_id}" in targets)

    # custom roles ---------------------------------------------------------------------------------------------

    def _custom_allows(self, role: dict[str, Any], operation: Operation) -> bool:
        custom = self.store.custom_roles.get(role.get("role") or "")
        found = self.store.resource_sets.get(role.get("resource-set") or "")
        if custom is None or found is None:
            return False
        held = {p["label"] for p in custom["permissions"]}
        if not held & operation.permits():
            return False
        return self._in_set({r["path"] for r in found["resources"]}, operation)

    def _in_set(self, paths: set[str], operation: Operation) -> bool:
        kind, params = operation.kind, operation.params
        if f"/api/v1/{kind}" in paths:
            return True
        if kind == "users":
            user_id = params.get("userId")
            if user_id is None:
                return any(p.startswith("/api/v1/users/") or p.endswith("/users") for p in paths)
            user = self.store.find_user(user_id)
            if user is None:
                return False
            return f"/api/v1/users/{user['id']}" in paths or any(
                f"/api/v1/groups/{g}/users" in paths for g in self._user_groups(user["id"]))
        if kind == "groups":
            group_id = params.get("groupId")
            if group_id is None:
                return any(p.startswith("/api/v1/groups/") for p in paths)
            if "userId" in params:  # membership changes: the group's users are the resource
                return f"/api/v1/groups/{group_id}/users" in paths or f"/api/v1/groups/{group_id}" in paths
            return f"/api/v1/groups/{group_id}" in paths
        item = params.get("appId") if kind == "apps" else params.get("authServerId")
        if item is None:
            return any(p.startswith(f"/api/v1/{kind}/") for p in paths)
        return f"/api/v1/{kind}/{item}" in paths
