"""Custom admin roles (``/api/v1/iam/roles``): a label, a description and the permissions the role holds."""

from __future__ import annotations

from typing import Any

from oktatool.sandbox.messages import (
    Call,
    OktaApiError,
    Response,
    RouteSpec,
    json_response,
    not_found,
    validation_failed,
)
from oktatool.sandbox.org import SandboxOrg
from oktatool.sandbox.paging import object_page
from oktatool.sandbox.store import OrgStore, now_text

ROLES = "/api/v1/iam/roles"
ROLE = ROLES + "/{roleIdOrLabel}"
#: the permissions a custom role may hold that the sandbox knows (Okta's names; the sandbox enforces the
#: users, groups, apps and authorization-server ones)
PERMISSIONS = frozenset({
    "okta.users.read", "okta.users.manage", "okta.users.create", "okta.users.userprofile.manage",
    "okta.users.credentials.manage", "okta.users.lifecycle.manage", "okta.users.groupMembership.manage",
    "okta.users.appAssignment.manage",
    "okta.groups.read", "okta.groups.manage", "okta.groups.create", "okta.groups.members.manage",
    "okta.groups.appAssignment.manage",
    "okta.apps.read", "okta.apps.manage", "okta.apps.assignment.manage", "okta.apps.clientCredentials.read",
    "okta.authzServers.read", "okta.authzServers.manage",
    "okta.customizations.read", "okta.customizations.manage", "okta.identityProviders.read",
    "okta.identityProviders.manage", "okta.devices.read", "okta.devices.manage", "okta.iam.read",
    "okta.realms.read", "okta.realms.manage", "okta.workflows.read", "okta.workflows.invoke",
    "okta.support.cases.manage",
})


def find_custom_role(store: OrgStore, id_or_label: str) -> dict[str, Any]:
    """Return the custom role with this id or label, or raise Okta's 404."""
    role = store.custom_roles.get(id_or_label) or next(
        (r for r in store.custom_roles.values() if r["label"] == id_or_label), None)
    if role is None:
        raise not_found(id_or_label, "IamRole")
    return role


def _text_field(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise validation_failed(name, "The field cannot be left blank.")
    return value


def _permission_name(value: Any) -> str:
    if not isinstance(value, str) or value not in PERMISSIONS:
        raise validation_failed("permissions", f"{value!r} is not a valid permission type.")
    return value


class CustomRoleRoutes:
    """Custom roles and their permissions."""

    def __init__(self, org: SandboxOrg) -> None:
        self.org = org
        self.store = org.store

    def routes(self) -> list[RouteSpec]:
        """Return (method, path template, scope, handler) of every operation here."""
        return [
            ("GET", ROLES, "okta.roles.read", self.list_roles),
            ("POST", ROLES, "okta.roles.manage", self.create_role),
            ("GET", ROLE, "okta.roles.read", self.get_role),
            ("PUT", ROLE, "okta.roles.manage", self.replace_role),
            ("DELETE", ROLE, "okta.roles.manage", self.delete_role),
            ("GET", ROLE + "/permissions", "okta.roles.read", self.list_permissions),
            ("GET", ROLE + "/permissions/{permissionType}", "okta.roles.read", self.get_permission),
            ("POST", ROLE + "/permissions/{permissionType}", "okta.roles.manage", self.add_permission),
            ("DELETE", ROLE + "/permissions/{permissionType}", "okta.roles.manage", self.remove_permission),
        ]

    @staticmethod
    def role_json(role: dict[str, Any], base: str) -> dict[str, Any]:
        """Return an IamRole as Okta shows it (its permissions are listed apart)."""
        href = f"{base}{ROLES}/{role['id']}"
        return {"id": role["id"], "label": role["label"], "description": role["description"],
                "created": role["created"], "lastUpdated": role["lastUpdated"],
                "_links": {"self": {"href": href}, "permissions": {"href": href + "/permissions"}}}

    @staticmethod
    def _permission_json(role: dict[str, Any], permission: dict[str, Any], base: str) -> dict[str, Any]:
        href = f"{base}{ROLES}/{role['id']}"
        return {**permission, "_links": {"role": {"href": href},
                                         "self": {"href": f"{href}/permissions/{permission['label']}"}}}

    def list_roles(self, call: Call) -> Response:
        return object_page(call, "roles", list(self.store.custom_roles.values()),
                           lambda role: self.role_json(role, call.base))

    def create_role(self, call: Call) -> Response:
        body = call.body()
        label, description = _text_field(body, "label"), _text_field(body, "description")
        permissions = body.get("permissions")
        if not isinstance(permissions, list) or not permissions:
            raise validation_failed("permissions", "The field cannot be left blank.")
        names = list(dict.fromkeys(_permission_name(p) for p in permissions))
        if any(r["label"] == label for r in self.store.custom_roles.values()):
            raise validation_failed("label", "A role with this label already exists.")
        stamp = now_text()
        role = {"id": self.store.ids.new("cr0"), "label": label, "description": description, "created": stamp,
                "lastUpdated": stamp,
                "permissions": [{"label": name, "created": stamp, "lastUpdated": stamp} for name in names]}
        self.store.custom_roles[role["id"]] = role
        return json_response(200, self.role_json(role, call.base))

    def get_role(self, call: Call) -> Response:
        return json_response(200, self.role_json(find_custom_role(self.store, call.params["roleIdOrLabel"]),
                                                 call.base))

    def replace_role(self, call: Call) -> Response:
        role = find_custom_role(self.store, call.params["roleIdOrLabel"])
        body = call.body()
        role["label"], role["description"] = _text_field(body, "label"), _text_field(body, "description")
        role["lastUpdated"] = now_text()
        return json_response(200, self.role_json(role, call.base))

    def delete_role(self, call: Call) -> Response:
        role = find_custom_role(self.store, call.params["roleIdOrLabel"])
        bound = [s["label"] for s in self.store.resource_sets.values() if role["id"] in s.get("bindings", {})]
        if bound:
            raise OktaApiError(400, "E0000001", "Api validation failed: role",
                               (f"The role is bound to the resource set {bound[0]}; delete the binding first.",))
        del self.store.custom_roles[role["id"]]
        return Response(204)

    def list_permissions(self, call: Call) -> Response:
        role = find_custom_role(self.store, call.params["roleIdOrLabel"])
        items = [self._permission_json(role, p, call.base) for p in role["permissions"]]
        return json_response(200, {"permissions": items})

    def _permission(self, role: dict[str, Any], name: str) -> dict[str, Any]:
        found = next((p for p in role["permissions"] if p["label"] == name), None)
        if found is None:
            raise not_found(name, "Permission")
        return found

    def get_permission(self, call: Call) -> Response:
        role = find_custom_role(self.store, call.params["roleIdOrLabel"])
        permission = self._permission(role, call.params["permissionType"])
        return json_response(200, self._permission_json(role, permission, call.base))

    def add_permission(self, call: Call) -> Response:
        role = find_custom_role(self.store, call.params["roleIdOrLabel"])
        name = _permission_name(call.params["permissionType"])
        if not any(p["label"] == name for p in role["permissions"]):
            stamp = now_text()
            role["permissions"].append({"label": name, "created": stamp, "lastUpdated": stamp})
            role["lastUpdated"] = stamp
        return Response(204)

    def remove_permission(self, call: Call) -> Response:
        role = find_custom_role(self.store, call.params["roleIdOrLabel"])
        role["permissions"].remove(self._permission(role, call.params["permissionType"]))
        role["lastUpdated"] = now_text()
        return Response(204)
