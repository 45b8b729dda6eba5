"""Resource sets (``/api/v1/iam/resource-sets``): what a custom role may touch, and the bindings of roles to
members over them.

A resource is named by URL (``https://{org}/api/v1/groups/{id}``) or ORN (``orn:okta:directory:{org}:groups:{id}``)
and kept as its org-relative path: ``/api/v1/users`` (every user), ``/api/v1/users/{id}``, ``/api/v1/groups``,
``/api/v1/groups/{id}`` (the group itself), ``/api/v1/groups/{id}/users`` (the users in it), ``/api/v1/apps``,
``/api/v1/apps/{id}``, ``/api/v1/authorizationServers[/{id}]``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from oktatool.sandbox.custom_roles import ROLES, find_custom_role
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

SETS = "/api/v1/iam/resource-sets"
SET = SETS + "/{resourceSetIdOrLabel}"
BINDING = SET + "/bindings/{roleIdOrLabel}"
#: the org id that the sandbox's ORNs name
ORG_ID = "00o0000000sandbox001"
_PATHS = re.compile(r"/api/v1/(users|groups|apps|authorizationServers)(?:/([^/]+)(/users)?)?")
_ORN = re.compile(r"orn:okta:(directory|idp|authorization):[^:]+:(users|groups|apps|authorizationServers)"
                  r"(?::([^:]+))?(?::([^:]+))?")
#: the most resources a set holds (Okta's limit)
MAX_RESOURCES = 1000


def find_resource_set(store: OrgStore, id_or_label: str) -> dict[str, Any]:
    """Return the resource set with this id or label, or raise Okta's 404."""
    found = store.resource_sets.get(id_or_label) or next(
        (s for s in store.resource_sets.values() if s["label"] == id_or_label), None)
    if found is None:
        raise not_found(id_or_label, "ResourceSet")
    return found


def orn_of(path: str, app_name: str | None = None) -> str:
    """Return the ORN of a resource path; an app's names its app name before its id, as Okta's ORNs do
    (``orn:okta:idp:{org}:apps:oidc_client:0oa…``)."""
    kind, item, users = _PATHS.fullmatch(path).groups()  # type: ignore[union-attr]
    if kind == "apps" and item and app_name:
        item = f"{app_name}:{item}"
    realm = {"apps": "idp", "authorizationServers": "authorization"}.get(kind, "directory")
    return f"orn:okta:{realm}:{ORG_ID}:{kind}" + (f":{item}" if item else "") + (":contained_resources" if users
                                                                                else "")


class ResourceSetRoutes:
    """Resource sets, their resources, bindings and binding members."""

    def __init__(self, org: SandboxOrg) -> None:
        self.org = org
        self.store = org.store

    def routes(self) -> list[RouteSpec]:
        """Return (method, path template, scope, handler) of every operation here."""
        return [
            ("GET", SETS, "okta.roles.read", self.list_sets),
            ("POST", SETS, "okta.roles.manage", self.create_set),
            ("GET", SET, "okta.roles.read", self.get_set),
            ("PUT", SET, "okta.roles.manage", self.replace_set),
            ("DELETE", SET, "okta.roles.manage", self.delete_set),
            ("GET", SET + "/resources", "okta.roles.read", self.list_resources),
            ("PATCH", SET + "/resources", "okta.roles.manage", self.add_resources),
            ("GET", SET + "/resources/{resourceId}", "okta.roles.read", self.get_resource),
            ("DELETE", SET + "/resources/{resourceId}", "okta.roles.manage", self.delete_resource),
            ("GET", SET + "/bindings", "okta.roles.read", self.list_bindings),
            ("POST", SET + "/bindings", "okta.roles.manage", self.create_binding),
            ("GET", BINDING, "okta.roles.read", self.get_binding),
            ("DELETE", BINDING, "okta.roles.manage", self.delete_binding),
            ("GET", BINDING + "/members", "okta.roles.read", self.list_members),
            ("PATCH", BINDING + "/members", "okta.roles.manage", self.add_members),
            ("GET", BINDING + "/members/{memberId}", "okta.roles.read", self.get_member),
            ("DELETE", BINDING + "/members/{memberId}", "okta.roles.manage", self.delete_member),
        ]

    # resources --------------------------------------------------------------------------------------------

    def _resource_path(self, value: Any, base: str) -> str:
        """Return the org-relative path a resource URL or ORN names; raise E0000001 when it names nothing here."""
        path: str | None = None
        if isinstance(value, str) and value.startswith("orn:"):
            orn = _ORN.fullmatch(value)
            if orn is not None:
                kind, item, extra = orn.group(2), orn.group(3), orn.group(4)
                if kind == "apps" and extra:  # orn:okta:idp:{org}:apps:{appName}:{appId}
                    item = extra
                path = f"/api/v1/{kind}" + (f"/{item}" if item and item != "contained_resources" else "")
                if extra == "contained_resources" and kind == "groups":
                    path += "/users"
        elif isinstance(value, str):
            parts = urlsplit(value)
            if f"{parts.scheme}://{parts.netloc}" in (base, self.org.org_url):
                path = parts.path.rstrip("/")
        matched = _PATHS.fullmatch(path or "")
        if matched is None:
            raise validation_failed("resources", f"{value!r} is not a resource of this org.")
        kind, item, _ = matched.groups()
        if item is not None and not self._exists(kind, item):
            raise validation_failed("resources", f"{value!r} names no {kind[:-1]} of this org.")
        return path or ""

    def _exists(self, kind: str, item: str) -> bool:
        if kind == "users":
            return self.store.users.get(item) is not None
        if kind == "groups":
            return self.store.groups.get(item) is not None
        return kind != "apps" or item in self.store.apps

    def _new_resource(self, path: str) -> dict[str, Any]:
        stamp = now_text()
        app = self.store.apps.get(path.removeprefix("/api/v1/apps/")) if path.startswith("/api/v1/apps/") else None
        return {"id": self.store.ids.new("ire"), "orn": orn_of(path, app.name if app else None), "path": path,
                "created": stamp,
                "lastUpdated": stamp}

    def _add_resources(self, found: dict[str, Any], values: Any, base: str) -> None:
        if not isinstance(values, list):
            raise validation_failed("resources", "The value must be a list of resource URLs or ORNs.")
        held = {r["path"] for r in found["resources"]}
        for value in values:
            path = self._resource_path(value, base)
            if path not in held:
                if len(found["resources"]) >= MAX_RESOURCES:
                    raise validation_failed("resources", f"A resource set holds at most {MAX_RESOURCES} resources.")
                found["resources"].append(self._new_resource(path))
                held.add(path)

    @staticmethod
    def _resource_json(found: dict[str, Any], resource: dict[str, Any], base: str) -> dict[str, Any]:
        return {"id": resource["id"], "orn": resource["orn"], "created": resource["created"],
                "lastUpdated": resource["lastUpdated"],
                "_links": {"self": {"href": f"{base}{resource['path']}"},
                           "resource": {"href": f"{base}{SETS}/{found['id']}/resources/{resource['id']}"}}}

    # sets -------------------------------------------------------------------------------------------------

    @staticmethod
    def _set_json(found: dict[str, Any], base: str) -> dict[str, Any]:
        href = f"{base}{SETS}/{found['id']}"
        return {"id": found["id"], "label": found["label"], "description": found["description"],
                "created": found["created"], "lastUpdated": found["lastUpdated"],
                "_links": {"self": {"href": href}, "resources": {"href": href + "/resources"},
                           "bindings": {"href": href + "/bindings"}}}

    def list_sets(self, call: Call) -> Response:
        return object_page(call, "resource-sets", list(self.store.resource_sets.values()),
                           lambda found: self._set_json(found, call.base))

    def create_set(self, call: Call) -> Response:
        body = call.body()
        label, description = body.get("label"), body.get("description")
        for name, value in (("label", label), ("description", description)):
            if not isinstance(value, str) or not value.strip():
                raise validation_failed(name, "The field cannot be left blank.")
        if any(s["label"] == label for s in self.store.resource_sets.values()):
            raise validation_failed("label", "A resource set with this label already exists.")
        resources = body.get("resources")
        if not isinstance(resources, list) or not resources:
            raise validation_failed("resources", "The field cannot be left blank.")
        stamp = now_text()
        found: dict[str, Any] = {"id": self.store.ids.new("iam"), "label": label, "description": description,
                                 "created": stamp, "lastUpdated": stamp, "resources": [], "bindings": {}}
        self._add_resources(found, resources, call.base)
        self.store.resource_sets[found["id"]] = found
        return json_response(200, self._set_json(found, call.base))

    def get_set(self, call: Call) -> Response:
        return json_response(200, self._set_json(self._set(call), call.base))

    def _set(self, call: Call) -> dict[str, Any]:
        return find_resource_set(self.store, call.params["resourceSetIdOrLabel"])

    def replace_set(self, call: Call) -> Response:
        found = self._set(call)
        body = call.body()
        for name in ("label", "description"):
            value = body.get(name)
            if not isinstance(value, str) or not value.strip():
                raise validation_failed(name, "The field cannot be left blank.")
            found[name] = value
        found["lastUpdated"] = now_text()
        return json_response(200, self._set_json(found, call.base))

    def delete_set(self, call: Call) -> Response:
        found = self._set(call)
        if found["bindings"]:
            raise OktaApiError(400, "E0000001", "Api validation failed: resource-set",
                               ("The resource set has bindings; delete them first.",))
        del self.store.resource_sets[found["id"]]
        return Response(204)

    def list_resources(self, call: Call) -> Response:
        found = self._set(call)
        return object_page(call, "resources", found["resources"],
                           lambda resource: self._resource_json(found, resource, call.base),
                           links={"resource-set": {"href": f"{call.base}{SETS}/{found['id']}"}})

    def add_resources(self, call: Call) -> Response:
        found = self._set(call)
        self._add_resources(found, call.body().get("additions"), call.base)
        found["lastUpdated"] = now_text()
        return json_response(200, self._set_json(found, call.base))

    def _resource(self, call: Call) -> tuple[dict[str, Any], dict[str, Any]]:
        found = self._set(call)
        resource = next((r for r in found["resources"] if r["id"] == call.params["resourceId"]), None)
        if resource is None:
            raise not_found(call.params["resourceId"], "ResourceSetResource")
        return found, resource

    def get_resource(self, call: Call) -> Response:
        found, resource = self._resource(call)
        return json_response(200, self._resource_json(found, resource, call.base))

    def delete_resource(self, call: Call) -> Response:
        found, resource = self._resource(call)
        found["resources"].remove(resource)
        return Response(204)

    # bindings ---------------------------------------------------------------------------------------------

    def _binding_links(self, found: dict[str, Any], role_id: str, base: str) -> dict[str, Any]:
        href = f"{base}{SETS}/{found['id']}/bindings/{role_id}"
        return {"self": {"href": href}, "members": {"href": href + "/members"},
                "resource-set": {"href": f"{base}{SETS}/{found['id']}"}}

    def list_bindings(self, call: Call) -> Response:
        found = self._set(call)
        roles = [{"id": role_id} for role_id in found["bindings"]]
        # a listed binding links its role and members (ResourceSetBindingRole), not itself
        return object_page(call, "roles", roles,
                           lambda item: {"id": item["id"], "_links": {
                               "self": {"href": f"{call.base}{ROLES}/{item['id']}"},
                               "members": {"href": f"{call.base}{SETS}/{found['id']}/bindings/{item['id']}/members"}}},
                           links={"resource-set": {"href": f"{call.base}{SETS}/{found['id']}"}}, self_link=True)

    def _member_path(self, value: Any, base: str) -> str:
        parts = urlsplit(value) if isinstance(value, str) else None
        path = parts.path.rstrip("/") if parts is not None else ""
        matched = re.fullmatch(r"/api/v1/(users|groups)/([^/]+)", path)
        if parts is None or f"{parts.scheme}://{parts.netloc}" not in (base, self.org.org_url) or matched is None \
                or not self._exists(matched.group(1), matched.group(2)):
            raise validation_failed("members", f"{value!r} is not a user or group of this org.")
        return path

    def _add_members(self, members: list[dict[str, Any]], values: Any, base: str) -> None:
        if not isinstance(values, list) or not values:
            raise validation_failed("members", "The field cannot be left blank.")
        held = {m["path"] for m in members}
        for value in values:
            path = self._member_path(value, base)
            if path not in held:
                stamp = now_text()
                members.append({"id": self.store.ids.new("irb"), "path": path, "created": stamp,
                                "lastUpdated": stamp})
                held.add(path)

    @staticmethod
    def _binding_edit(found: dict[str, Any], role_id: str, base: str) -> dict[str, Any]:
        """Return Okta's answer to a change of a binding (created, or members added): links only, no id."""
        href = f"{base}{SETS}/{found['id']}"
        return {"_links": {"self": {"href": f"{href}/bindings/{role_id}"}, "bindings": {"href": f"{href}/bindings"},
                           "resource-set": {"href": href}}}

    def create_binding(self, call: Call) -> Response:
        found = self._set(call)
        body = call.body()
        role_ref = body.get("role")
        if not isinstance(role_ref, str) or not role_ref:
            raise validation_failed("role", "The field cannot be left blank.")
        role = find_custom_role(self.store, role_ref)
        members = found["bindings"].setdefault(role["id"], [])
        try:
            self._add_members(members, body.get("members"), call.base)
        except OktaApiError:
            if not members:
                del found["bindings"][role["id"]]
            raise
        return json_response(200, self._binding_edit(found, role["id"], call.base))

    def _binding(self, call: Call) -> tuple[dict[str, Any], str]:
        found = self._set(call)
        role = find_custom_role(self.store, call.params["roleIdOrLabel"])
        if role["id"] not in found["bindings"]:
            raise not_found(call.params["roleIdOrLabel"], "ResourceSetBinding")
        return found, role["id"]

    def get_binding(self, call: Call) -> Response:
        found, role_id = self._binding(call)
        return json_response(200, {"id": role_id, "_links": self._binding_links(found, role_id, call.base)})

    def delete_binding(self, call: Call) -> Response:
        found, role_id = self._binding(call)
        if any(m["path"].startswith("/oauth2/v1/clients/") for m in found["bindings"][role_id]):
            raise OktaApiError(400, "E0000001", "Api validation failed: binding",
                               ("The binding holds a client's role assignment; unassign the role from the "
                                "client first.",))
        del found["bindings"][role_id]
        return Response(204)

    @staticmethod
    def _member_json(found: dict[str, Any], role_id: str, member: dict[str, Any], base: str) -> dict[str, Any]:
        return {"id": member["id"], "created": member["created"], "lastUpdated": member["lastUpdated"],
                "_links": {"self": {"href": f"{base}{member['path']}"}}}

    def list_members(self, call: Call) -> Response:
        found, role_id = self._binding(call)
        href = f"{call.base}{SETS}/{found['id']}/bindings/{role_id}"
        return object_page(call, "members", found["bindings"][role_id],
                           lambda member: self._member_json(found, role_id, member, call.base),
                           links={"binding": {"href": href}}, self_link=True)

    def add_members(self, call: Call) -> Response:
        found, role_id = self._binding(call)
        self._add_members(found["bindings"][role_id], call.body().get("additions"), call.base)
        return json_response(200, self._binding_edit(found, role_id, call.base))

    def _member(self, call: Call) -> tuple[dict[str, Any], str, dict[str, Any]]:
        found, role_id = self._binding(call)
        member = next((m for m in found["bindings"][role_id] if m["id"] == call.params["memberId"]), None)
        if member is None:
            raise not_found(call.params["memberId"], "ResourceSetBindingMember")
        return found, role_id, member

    def get_member(self, call: Call) -> Response:
        found, role_id, member = self._member(call)
        return json_response(200, self._member_json(found, role_id, member, call.base))

    def delete_member(self, call: Call) -> Response:
        found, role_id, member = self._member(call)
        if member["path"].startswith("/oauth2/v1/clients/"):
            raise OktaApiError(400, "E0000001", "Api validation failed: member",
                               ("The member is a client's role assignment; unassign the role from the client.",))
        found["bindings"][role_id].remove(member)
        return Response(204)
