"""Okta's admin permissions beside the Okta API scopes: which permissions a custom admin role needs so that the
calls a scope allows are allowed by the role too, and how each permission reads in plain words.

A scope says what a token may ask for; a role says what the app may touch. A custom role holds permissions
(``okta.users.read``, ``okta.groups.members.manage``…) over a resource set (groups, the users in groups, apps,
users). Derived from Okta's management spec (the ``x-okta-iam-permissions`` of its operations and the resource
set binding notes) and Okta's list of custom-role permissions: only scopes whose resources a custom role can
hold appear here; for the others a standard role is the way (``least_role`` in grants).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Permission:
    """One custom-role permission: its Okta name, what it lets an app do, and the kind of resource it acts on."""

    name: str
    #: the verb phrase of the plain-words summary ("read", "manage", "change the members of")
    verb: str
    #: what the permission acts on: "users", "groups", "apps", "authorizationServers" or "org" (no resource set
    #: entry names it: it reaches its kind across the org)
    kind: str


#: every permission named below, by name
PERMISSIONS: dict[str, Permission] = {p.name: p for p in (
    Permission("okta.users.read", "read", "users"),
    Permission("okta.users.manage", "manage", "users"),
    Permission("okta.users.create", "create", "users"),
    Permission("okta.users.userprofile.manage", "edit the profiles of", "users"),
    Permission("okta.groups.read", "read", "groups"),
    Permission("okta.groups.manage", "manage", "groups"),
    Permission("okta.groups.members.manage", "change the members of", "groups"),
    Permission("okta.apps.read", "read", "apps"),
    Permission("okta.apps.manage", "manage", "apps"),
    Permission("okta.authzServers.read", "read", "authorizationServers"),
    Permission("okta.authzServers.manage", "manage", "authorizationServers"),
    Permission("okta.identityProviders.read", "read", "identity providers"),
    Permission("okta.identityProviders.manage", "manage", "identity providers"),
    Permission("okta.devices.read", "read", "devices"),
    Permission("okta.devices.manage", "manage", "devices"),
    Permission("okta.realms.read", "read", "realms"),
    Permission("okta.realms.manage", "manage", "realms"),
    Permission("okta.customizations.read", "read", "customizations"),
    Permission("okta.customizations.manage", "manage", "customizations"),
    Permission("okta.iam.read", "read", "admin roles"),
)}

#: for each Okta API scope, the permissions a custom role needs for that scope's calls (a manage permission
#: includes reading: "create and manage users and read all profile … information")
SCOPE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "okta.users.read": ("okta.users.read",),
    "okta.users.manage": ("okta.users.manage",),
    "okta.groups.read": ("okta.groups.read",),
    # adding and removing members is its own permission; creating, renaming and deleting groups is manage
    "okta.groups.manage": ("okta.groups.manage", "okta.groups.members.manage"),
    "okta.apps.read": ("okta.apps.read",),
    "okta.apps.manage": ("okta.apps.manage",),
    "okta.authorizationServers.read": ("okta.authzServers.read",),
    "okta.authorizationServers.manage": ("okta.authzServers.manage",),
    "okta.idps.read": ("okta.identityProviders.read",),
    "okta.idps.manage": ("okta.identityProviders.manage",),
    "okta.devices.read": ("okta.devices.read",),
    "okta.devices.manage": ("okta.devices.manage",),
    "okta.realms.read": ("okta.realms.read",),
    "okta.realms.manage": ("okta.realms.manage",),
    "okta.brands.read": ("okta.customizations.read",),
    "okta.brands.manage": ("okta.customizations.manage",),
    "okta.templates.read": ("okta.customizations.read",),
    "okta.templates.manage": ("okta.customizations.manage",),
    "okta.roles.read": ("okta.iam.read",),
}

@dataclass(frozen=True)
class PermissionPlan:
    """The permissions picked scopes need, and the scopes no custom-role permission covers."""

    permissions: tuple[str, ...]
    uncovered: tuple[str, ...]

    @property
    def kinds(self) -> tuple[str, ...]:
        """Return the resource kinds the permissions act on, in table order."""
        return tuple(dict.fromkeys(PERMISSIONS[p].kind for p in self.permissions))


def permissions_for(scopes: Iterable[str]) -> PermissionPlan:
    """Return the least permissions a custom role needs for ``scopes``, and the scopes none covers."""
    wanted = dict.fromkeys(s for s in scopes if s)
    names: dict[str, None] = {}
    uncovered: list[str] = []
    for scope in wanted:
        needed = SCOPE_PERMISSIONS.get(scope)
        if needed is None:
            uncovered.append(scope)
            continue
        names.update(dict.fromkeys(needed))
    # a manage permission includes its read one: both picked, the read one goes
    for name in [n for n in names if n.endswith(".read")]:
        if name.removesuffix(".read") + ".manage" in names:
            del names[name]
    order = list(PERMISSIONS)
    return PermissionPlan(tuple(sorted(names, key=order.index)), tuple(uncovered))


def permission_words(name: str, reach: str = "") -> str:
    """Say what one permission lets the app do over ``reach`` ("users in group Engineering"), or over its
    kind when no reach is given: "read users in group Engineering", "manage apps"."""
    known = PERMISSIONS.get(name)
    if known is None:
        return f"{name} on {reach}" if reach else name
    return f"{known.verb} {reach or known.kind}"
