"""A service app's admin roles scoped down: standard roles with targets, and custom roles over resource sets.

A standard role reaches the whole org unless it has targets: USER_ADMIN, HELP_DESK_ADMIN and
GROUP_MEMBERSHIP_ADMIN take groups (``…/roles/{id}/targets/groups/{groupId}``), APP_ADMIN takes apps
(``…/targets/catalog/apps/{appName}/{appId}``). A custom role (``/api/v1/iam/roles``) holds permissions, a
resource set (``/api/v1/iam/resource-sets``) names what they act on, and assigning ``{"type": "CUSTOM", "role",
"resource-set"}`` to the client binds the two to the app: Okta's narrowest grant. Every write is a PlannedCall
first, so that a window or a command shows the exact request before it is sent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from oktatool.core.errors import ApiError, BadInputError, Hint, shorten
from oktatool.core.okta.grants import AppAccess, PlannedCall, RoleAssignment, check_role_type
from oktatool.core.okta.permissions import PERMISSIONS, permission_words

#: the standard roles that take group targets, and the one that takes app targets (Okta's RoleBTargetClient)
GROUP_TARGET_ROLES = ("USER_ADMIN", "HELP_DESK_ADMIN", "GROUP_MEMBERSHIP_ADMIN")
APP_TARGET_ROLES = ("APP_ADMIN",)
IAM_ROLES = "/api/v1/iam/roles"
RESOURCE_SETS = "/api/v1/iam/resource-sets"
#: what each standard role lets an app do, in plain words (FACTS §5.4), before its reach
ROLE_WORDS = {
    "SUPER_ADMIN": "do anything, grant scopes and assign roles",
    "ORG_ADMIN": "manage users, groups, apps and org settings",
    "APP_ADMIN": "manage apps",
    "USER_ADMIN": "manage users and groups",
    "HELP_DESK_ADMIN": "read users and reset their passwords and factors",
    "GROUP_MEMBERSHIP_ADMIN": "change who is in groups",
    "READ_ONLY_ADMIN": "read everything",
    "REPORT_ADMIN": "read reports and the System Log",
    "API_ACCESS_MANAGEMENT_ADMIN": "manage authorization servers",
}
_OKTA_ID = re.compile(r"[0-9A-Za-z]{20}")


#: what a preview names an id by before the call that makes it has answered
NEW_ASSIGNMENT, NEW_ROLE, NEW_RESOURCE_SET = "{new assignment id}", "{new role id}", "{new resource set id}"


def _q(text: str) -> str:
    """Quote a path segment; a preview's own placeholder is shown as it is (an id or a name shaped like one is
    quoted: it stays one segment)."""
    if text in (NEW_ASSIGNMENT, NEW_ROLE, NEW_RESOURCE_SET):
        return text
    return quote(text, safe="")


@dataclass(frozen=True)
class Resource:
    """A group, app or user a role is scoped to: its kind, id, name for people, and path in the org."""

    kind: str  # "group", "users-of-group", "app", "user"
    id: str
    name: str
    #: for an app, its catalog name (``oidc_client``), which its target path needs
    app_name: str = ""

    @property
    def path(self) -> str:
        """Return the resource's org-relative path, as a resource set names it."""
        return {"group": f"/api/v1/groups/{self.id}", "users-of-group": f"/api/v1/groups/{self.id}/users",
                "app": f"/api/v1/apps/{self.id}", "user": f"/api/v1/users/{self.id}"}[self.kind]

    def words(self) -> str:
        """Say what the resource is: "group Engineering", "users in group Engineering", "app Reports"."""
        return {"group": f"group {self.name}", "users-of-group": f"users in group {self.name}",
                "app": f"app {self.name}", "user": f"user {self.name}"}[self.kind]


@dataclass(frozen=True)
class ScopedRole:
    """One role assignment of the app with what it reaches: targets, or a custom role's permissions and set."""

    assignment: RoleAssignment
    targets: tuple[Resource, ...] = ()
    permissions: tuple[str, ...] = ()
    resources: tuple[Resource, ...] = ()
    role_label: str = ""
    resource_set_label: str = ""
    #: resource paths of the set that name no group, app or user (every user, every app…)
    wide: tuple[str, ...] = field(default=())

    @property
    def custom(self) -> bool:
        """Say whether this is a custom role over a resource set."""
        return self.assignment.type == "CUSTOM"

    def summary(self) -> tuple[str, ...]:
        """Say in plain words what the role lets the app do, one line per thing."""
        if self.custom:
            lines = []
            for name in self.permissions:
                kind = PERMISSIONS[name].kind if name in PERMISSIONS else ""
                reach = [r.words() for r in self.resources if _reaches(kind, r)]
                reach += [f"all {kind}" for path in self.wide if path.rsplit("/", 1)[-1] == kind]
                lines.append(permission_words(name, ", ".join(reach)) if reach else
                             f"{permission_words(name)}: none (the resource set holds no {kind})")
            return tuple(lines)
        words = ROLE_WORDS.get(self.assignment.type, self.assignment.label or self.assignment.type)
        if not self.targets:
            return (f"{words} across the whole org",)
        if self.assignment.type in GROUP_TARGET_ROLES:
            return tuple(f"{words} in group {t.name} only" for t in self.targets)
        return tuple(f"{words}: only {t.name}" for t in self.targets)


def _reaches(kind: str, resource: Resource) -> bool:
    if kind == "users":
        return resource.kind in ("users-of-group", "user")
    return resource.kind == kind.removesuffix("s")


class AppRoles:
    """Scoped and custom admin roles of one app, over an AppAccess carrying an admin credential (blocking)."""

    def __init__(self, access: AppAccess) -> None:
        self.access = access

    @property
    def app_id(self) -> str:
        """Return the app's client id."""
        return self.access.app_id

    # planned calls ---------------------------------------------------------------------------------------

    def target_call(self, assignment_id: str, target: Resource, *, remove: bool = False) -> PlannedCall:
        """Return the call that adds (or removes) one group or app target of a role assignment."""
        base = f"{self.access.roles_path}/{_q(assignment_id)}/targets"
        if target.kind == "group":
            path = f"{base}/groups/{_q(target.id)}"
        elif target.kind == "app" and target.id != target.app_name:
            path = f"{base}/catalog/apps/{_q(target.app_name)}/{_q(target.id)}"
        elif target.kind == "app":  # a catalog app: every instance of it
            path = f"{base}/catalog/apps/{_q(target.app_name)}"
        else:
            raise BadInputError(f"a standard role cannot be scoped to {target.words()}",
                                hint=Hint("scope it to groups (--group) or apps (--app)",
                                          window="scope it to groups or apps"))
        return PlannedCall("DELETE" if remove else "PUT", path)

    def create_role_call(self, label: str, permissions: Iterable[str]) -> PlannedCall:
        """Return the call that creates a custom role holding ``permissions``."""
        names = list(dict.fromkeys(permissions))
        if not names:
            raise BadInputError("a custom role needs at least one permission",
                                hint="pick scopes that a custom role can cover (users, groups, apps …)")
        return PlannedCall("POST", IAM_ROLES, {"label": label, "description": f"oktatool: {', '.join(names)}",
                                               "permissions": names})

    def create_set_call(self, label: str, resources: Iterable[Resource]) -> PlannedCall:
        """Return the call that creates a resource set of ``resources`` (URLs on the org)."""
        urls = [self.access.issuer + r.path for r in dict.fromkeys(resources)]
        if not urls:
            raise BadInputError("a resource set needs at least one group, app or user",
                                hint=Hint("name them with --group, --app or --user",
                                          window="name groups, apps or users in the dialog"))
        return PlannedCall("POST", RESOURCE_SETS, {"label": label, "description": f"what {label} reaches",
                                                   "resources": urls})

    def assign_custom_call(self, role_id: str, resource_set_id: str) -> PlannedCall:
        """Return the call that binds a custom role over a resource set to the app."""
        return PlannedCall("POST", self.access.roles_path, {"type": "CUSTOM", "role": role_id,
                                                            "resource-set": resource_set_id})

    def plan_standard(self, role_type: str, targets: Iterable[Resource]) -> tuple[PlannedCall, ...]:
        """Return the calls that assign a standard role and scope it to ``targets``."""
        wanted = check_role_type(role_type)
        chosen = tuple(dict.fromkeys(targets))
        check_targets(wanted, chosen)
        pending = NEW_ASSIGNMENT
        return (self.access.assign_call(wanted), *(self.target_call(pending, t) for t in chosen))

    def plan_custom(self, label: str, permissions: Iterable[str], resources: Iterable[Resource]
                    ) -> tuple[PlannedCall, ...]:
        """Return the calls that create a custom role, its resource set, and bind them to the app."""
        return (self.create_role_call(label, permissions), self.create_set_call(label, resources),
                self.assign_custom_call(NEW_ROLE, NEW_RESOURCE_SET))

    def plan_remove(self, role: ScopedRole) -> tuple[PlannedCall, ...]:
        """Return the calls that remove a role assignment (and a custom role's set and role with it)."""
        calls = [self.access.unassign_call(role.assignment.id)]
        raw = role.assignment.raw
        if role.custom and isinstance(raw.get("resource-set"), str) and isinstance(raw.get("role"), str):
            calls.append(PlannedCall("DELETE", f"{RESOURCE_SETS}/{_q(raw['resource-set'])}"))
            calls.append(PlannedCall("DELETE", f"{IAM_ROLES}/{_q(raw['role'])}"))
        return tuple(calls)

    # reading ---------------------------------------------------------------------------------------------

    def describe(self) -> tuple[ScopedRole, ...]:
        """Return every role of the app with its targets, or its custom role's permissions and resources."""
        return tuple(self.describe_one(a) for a in self.access.list_roles())

    def describe_one(self, assignment: RoleAssignment) -> ScopedRole:
        """Return one assignment with what it reaches."""
        base = f"{self.access.roles_path}/{_q(assignment.id)}/targets"
        if assignment.type in GROUP_TARGET_ROLES:
            groups = self._items(f"{base}/groups", "list the role's group targets")
            return ScopedRole(assignment, tuple(Resource("group", g["id"], _group_name(g)) for g in groups
                                                if isinstance(g.get("id"), str)))
        if assignment.type in APP_TARGET_ROLES:
            apps = self._items(f"{base}/catalog/apps", "list the role's app targets")
            return ScopedRole(assignment, tuple(self._app_target(a) for a in apps if isinstance(a.get("name"), str)))
        if assignment.type != "CUSTOM":
            return ScopedRole(assignment)
        role_id, set_id = assignment.raw.get("role"), assignment.raw.get("resource-set")
        if not isinstance(role_id, str) or not isinstance(set_id, str):
            return ScopedRole(assignment)
        role = self.access.run(PlannedCall("GET", f"{IAM_ROLES}/{_q(role_id)}"), "read the custom role").json()
        permissions = self._items(f"{IAM_ROLES}/{_q(role_id)}/permissions", "read the custom role's permissions",
                                  member="permissions")
        found = self.access.run(PlannedCall("GET", f"{RESOURCE_SETS}/{_q(set_id)}"), "read the resource set").json()
        listed = self._items(f"{RESOURCE_SETS}/{_q(set_id)}/resources", "list the resource set", member="resources")
        resources, wide = self._resources(listed)
        return ScopedRole(assignment, (), tuple(str(p.get("label")) for p in permissions), resources,
                          _text(role, "label"), _text(found, "label"), wide)

    def _app_target(self, value: Mapping[str, Any]) -> Resource:
        """Return an app target: an instance by its label, a catalog app (every instance) by its name."""
        name, app_id = _text(value, "name"), _text(value, "id")
        if app_id:
            return self._named("apps", app_id, False)
        return Resource("app", name, f"every {_text(value, 'displayName') or name} app", name)

    def _resources(self, listed: list[dict[str, Any]]) -> tuple[tuple[Resource, ...], tuple[str, ...]]:
        resources: list[Resource] = []
        wide: list[str] = []
        for item in listed:
            href = item.get("_links", {}).get("self", {}).get("href", "")
            path = "/" + href.split("/", 3)[-1] if isinstance(href, str) and href.count("/") >= 3 else ""
            parts = path.strip("/").split("/")  # api v1 kind [id [users]]
            if len(parts) == 3:
                wide.append(path)
            elif len(parts) >= 4 and parts[2] in ("groups", "apps", "users"):
                resources.append(self._named(parts[2], parts[3], len(parts) == 5))
        return tuple(resources), tuple(wide)

    def _named(self, kind: str, item: str, users_of: bool) -> Resource:
        """Return the resource with its name for people (its id when it cannot be read)."""
        answer = self.access.api.send("GET", f"/api/v1/{kind}/{_q(item)}")
        value = answer.json() if answer.ok else {}
        value = value if isinstance(value, dict) else {}
        if kind == "groups":
            return Resource("users-of-group" if users_of else "group", item, _group_name(value) or item)
        if kind == "apps":
            return Resource("app", item, _text(value, "label") or item, _text(value, "name"))
        return Resource("user", item, _text(value.get("profile") or {}, "login") or item)

    def _items(self, path: str, doing: str, member: str | None = None) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for page in self.access.pages(path, doing):
            data = page.json()
            items = data.get(member, []) if member and isinstance(data, dict) else page.items()
            found.extend(i for i in items if isinstance(i, dict))
        return found

    # finding groups, apps and users by name -------------------------------------------------------------

    def find_group(self, name_or_id: str) -> Resource:
        """Return the group with this id or exact name."""
        if _OKTA_ID.fullmatch(name_or_id):
            answer = self.access.api.send("GET", f"/api/v1/groups/{_q(name_or_id)}")
            if answer.ok and isinstance(answer.json(), dict):
                return Resource("group", name_or_id, _group_name(answer.json()) or name_or_id)
        listed = self.access.run(PlannedCall("GET", f"/api/v1/groups?q={_q(name_or_id)}"), "find the group").items()
        match = next((g for g in listed if isinstance(g, dict) and _group_name(g) == name_or_id), None)
        if match is None:
            raise BadInputError(f"no group named {shorten(name_or_id)!r} in the org",
                                hint="give the group's exact name or its id (00g…)")
        return Resource("group", str(match["id"]), name_or_id)

    def find_app(self, label_or_id: str) -> Resource:
        """Return the app with this id or exact label."""
        answer = self.access.api.send("GET", f"/api/v1/apps/{_q(label_or_id)}")
        if answer.ok and isinstance(answer.json(), dict) and isinstance(answer.json().get("id"), str):
            value = answer.json()
            return Resource("app", value["id"], _text(value, "label") or label_or_id, _text(value, "name"))
        listed = self.access.run(PlannedCall("GET", f"/api/v1/apps?q={_q(label_or_id)}"), "find the app").items()
        match = next((a for a in listed if isinstance(a, dict) and a.get("label") == label_or_id), None)
        if match is None:
            raise BadInputError(f"no app labelled {shorten(label_or_id)!r} in the org",
                                hint="give the app's exact label or its id (0oa…)")
        return Resource("app", str(match["id"]), label_or_id, _text(match, "name"))

    def find_user(self, login_or_id: str) -> Resource:
        """Return the user with this id or login."""
        answer = self.access.api.send("GET", f"/api/v1/users/{_q(login_or_id)}")
        value = answer.json() if answer.ok else None
        if not isinstance(value, dict) or not isinstance(value.get("id"), str):
            raise BadInputError(f"no user {shorten(login_or_id)!r} in the org", hint="give the user's login or id")
        return Resource("user", value["id"], _text(value.get("profile") or {}, "login") or login_or_id)

    def resources_for(self, kinds: Iterable[str], groups: Iterable[str], apps: Iterable[str] = (),
                      users: Iterable[str] = ()) -> tuple[Resource, ...]:
        """Return a resource set's entries for permissions acting on ``kinds``: a named group's users (Okta's
        ``/groups/{id}/users``) for user permissions, the group itself for group ones; apps and users as named."""
        held = tuple(kinds)
        found: list[Resource] = []
        for name in groups:
            group = self.find_group(name)
            if "users" in held:
                found.append(Resource("users-of-group", group.id, group.name))
            if "groups" in held or "users" not in held:
                found.append(group)
        return tuple(found + [self.find_app(a) for a in apps] + [self.find_user(u) for u in users])

    def free_label(self, base: str) -> str:
        """Return ``base``, or ``base (2)``, ``(3)``…: the first label no custom role or resource set has yet
        (Okta refuses a second one with the same label)."""
        for number in range(1, 100):
            label = base if number == 1 else f"{base} ({number})"
            if all(self.access.api.send("GET", f"{path}/{_q(label)}").status == 404
                   for path in (IAM_ROLES, RESOURCE_SETS)):
                return label
        raise BadInputError(f"every label from {base!r} to {base!r} (99) is taken", hint="give a label of its own")

    # writing ---------------------------------------------------------------------------------------------

    def assign_standard(self, role_type: str, targets: Iterable[Resource],
                        show: Callable[[PlannedCall], None] | None = None) -> ScopedRole:
        """Assign a standard role and scope it to ``targets`` (each call shown to ``show`` before it is sent)."""
        wanted = check_role_type(role_type)
        chosen = tuple(dict.fromkeys(targets))
        check_targets(wanted, chosen)
        call = self.access.assign_call(wanted)
        _show(show, call)
        assignment = RoleAssignment.from_json(self.access.run(call, f"assign {wanted}").json())
        for target in chosen:
            call = self.target_call(assignment.id, target)
            _show(show, call)
            self.access.run(call, f"scope {wanted} to {target.words()}")
        return ScopedRole(assignment, chosen)

    def create_custom(self, label: str, permissions: Iterable[str], resources: Iterable[Resource],
                      show: Callable[[PlannedCall], None] | None = None) -> ScopedRole:
        """Create a custom role and a resource set, and bind them to the app; undo what was made if one fails."""
        names, chosen = tuple(dict.fromkeys(permissions)), tuple(dict.fromkeys(resources))
        role_call, set_call = self.create_role_call(label, names), self.create_set_call(label, chosen)
        _show(show, role_call)
        role = self.access.run(role_call, "create the custom role").json()
        made: list[PlannedCall] = [PlannedCall("DELETE", f"{IAM_ROLES}/{_q(_id(role))}")]
        try:
            _show(show, set_call)
            found = self.access.run(set_call, "create the resource set").json()
            made.insert(0, PlannedCall("DELETE", f"{RESOURCE_SETS}/{_q(_id(found))}"))
            bind = self.assign_custom_call(_id(role), _id(found))
            _show(show, bind)
            assignment = RoleAssignment.from_json(self.access.run(bind, "bind the custom role to the app").json())
        except (ApiError, BadInputError):
            for undo in made:  # a half-made custom role would be left unused in the org
                self.access.api.send(undo.method, undo.path)
            raise
        return ScopedRole(assignment, (), names, chosen, label, label)

    def remove(self, role: ScopedRole, show: Callable[[PlannedCall], None] | None = None) -> None:
        """Remove a role assignment; a custom one's resource set and role go with it."""
        for call in self.plan_remove(role):
            _show(show, call)
            self.access.run(call, "remove the role" if call.path.startswith(self.access.roles_path)
                            else "delete the custom role's " + ("resource set" if RESOURCE_SETS in call.path
                                                                  else "role"))


def check_targets(role_type: str, targets: Iterable[Resource]) -> None:
    """Raise BadInputError when ``role_type`` cannot be scoped to one of ``targets``."""
    for target in targets:
        if target.kind == "group" and role_type not in GROUP_TARGET_ROLES:
            raise BadInputError(f"{role_type} cannot be scoped to groups",
                                hint=f"groups scope {', '.join(GROUP_TARGET_ROLES)}; or build a custom role")
        if target.kind == "app" and role_type not in APP_TARGET_ROLES:
            raise BadInputError(f"{role_type} cannot be scoped to apps", hint="apps scope APP_ADMIN")
        if target.kind not in ("group", "app"):
            raise BadInputError(f"a standard role cannot be scoped to {target.words()}",
                                hint=Hint("scope it to groups or apps, or build a custom role with --user",
                                          window="scope it to groups or apps, or build a custom role"))


def summary(roles: Iterable[ScopedRole]) -> tuple[str, ...]:
    """Say in plain words what the app's roles let it do (every role's lines), or that it can do nothing."""
    lines = [line for role in roles for line in role.summary()]
    return tuple(lines) or ("nothing: no admin role is assigned (every management call answers 403 E0000006)",)


def _show(show: Callable[[PlannedCall], None] | None, call: PlannedCall) -> None:
    if show is not None:
        show(call)


def _group_name(value: Mapping[str, Any]) -> str:
    profile = value.get("profile")
    return _text(profile, "name") if isinstance(profile, dict) else ""


def _id(value: Any) -> str:
    if not isinstance(value, dict) or not isinstance(value.get("id"), str):
        raise ApiError("Okta answered without an id", code="bad_answer")
    return str(value["id"])


def _text(value: Any, name: str) -> str:
    found = value.get(name) if isinstance(value, dict) else None
    return found if isinstance(found, str) else ""
