"""OAuth clients (dynamic client registration) and the admin roles assigned to them."""

from __future__ import annotations

import calendar
import time
from typing import Any

from oktatool.sandbox.apps import find_app, registrable_jwk
from oktatool.sandbox.custom_roles import find_custom_role
from oktatool.sandbox.jwks_uri import checked_jwks_uri
from oktatool.sandbox.messages import (
    ApiRefusal,
    Call,
    OktaApiError,
    Response,
    RouteSpec,
    json_response,
    nested,
    no_permission,
    not_found,
    oauth_error,
    validation_failed,
)
from oktatool.sandbox.org import SandboxOrg
from oktatool.sandbox.paging import limit_param, page_response
from oktatool.sandbox.resource_sets import find_resource_set
from oktatool.sandbox.store import ROLE_TYPES, App, now_text

CLIENTS = "/oauth2/v1/clients"


def _invalid_metadata(description: str) -> ApiRefusal:
    return ApiRefusal(oauth_error(400, "invalid_client_metadata", description))


class ClientRoutes:
    """OAuth clients and their role assignments."""

    def __init__(self, org: SandboxOrg) -> None:
        self.org = org
        self.store = org.store

    def routes(self) -> list[RouteSpec]:
        """Return (method, path template, scope, handler) of every operation here."""
        return [
            ("GET", CLIENTS, "okta.clients.read", self.list_clients),
            ("POST", CLIENTS, "okta.clients.register", self.create_client),
            ("GET", CLIENTS + "/{clientId}", "okta.clients.read", self.get_client),
            ("PUT", CLIENTS + "/{clientId}", "okta.clients.manage", self.replace_client),
            ("DELETE", CLIENTS + "/{clientId}", "okta.clients.manage", self.delete_client),
            ("GET", CLIENTS + "/{clientId}/roles", "okta.roles.read", self.list_roles),
            ("POST", CLIENTS + "/{clientId}/roles", "okta.roles.manage", self.assign_role),
            ("GET", CLIENTS + "/{clientId}/roles/{roleId}", "okta.roles.read", self.get_role),
            ("DELETE", CLIENTS + "/{clientId}/roles/{roleId}", "okta.roles.manage", self.unassign_role),
        ]

    def _client(self, call: Call) -> App:
        return find_app(self.store, call.params["clientId"])

    def _client_json(self, app: App, base: str) -> dict[str, Any]:
        return {
            "client_id": app.id,
            "client_id_issued_at": calendar.timegm(time.strptime(app.created[:19], "%Y-%m-%dT%H:%M:%S")),
            "client_name": app.label,
            "client_uri": None,
            "logo_uri": None,
            "response_types": ["token"] if app.application_type == "service" else ["code"],
            "grant_types": list(app.grant_types),
            "token_endpoint_auth_method": app.token_endpoint_auth_method,
            "application_type": app.application_type,
            "dpop_bound_access_tokens": app.dpop_bound_access_tokens,
            "jwks": {"keys": [dict(key.jwk) for key in app.active_keys()]},
            **({"jwks_uri": app.jwks_uri} if app.jwks_uri else {}),
            "_links": {"app": {"href": f"{base}/api/v1/apps/{app.id}"}},
        }

    @staticmethod
    def _client_fields(app: App, body: dict[str, Any]) -> None:
        # dynamic client registration answers in RFC 7591's error shape, not Okta's E0000001
        name = body.get("client_name")
        if not isinstance(name, str) or not name.strip():
            raise _invalid_metadata("client_name: The field cannot be left blank.")
        grant_types = body.get("grant_types", app.grant_types)
        if not isinstance(grant_types, list) or not all(isinstance(g, str) for g in grant_types):
            raise _invalid_metadata("grant_types: The value must be a list of grant types.")
        application_type = body.get("application_type", app.application_type)
        auth_method = body.get("token_endpoint_auth_method", app.token_endpoint_auth_method)
        if not isinstance(application_type, str) or not isinstance(auth_method, str):
            raise _invalid_metadata("application_type and token_endpoint_auth_method must be text.")
        dpop = body.get("dpop_bound_access_tokens", app.dpop_bound_access_tokens)
        if not isinstance(dpop, bool):
            raise _invalid_metadata("dpop_bound_access_tokens: The value must be true or false.")
        jwks_uri = body.get("jwks_uri") or None
        if jwks_uri is not None:
            try:
                jwks_uri = checked_jwks_uri(jwks_uri)
            except OktaApiError:
                raise _invalid_metadata("jwks_uri: The jwks_uri must be a valid https URL.") from None
            if nested(body, "jwks", "keys"):
                raise _invalid_metadata("jwks: Provide either jwks or jwks_uri, not both.")
            if jwks_uri != app.jwks_uri:
                app.keys.clear()  # switching to a URL deletes the saved keys
            app.jwks_uri = jwks_uri
        app.label, app.grant_types, app.application_type = name, list(grant_types), application_type
        app.token_endpoint_auth_method, app.dpop_bound_access_tokens = auth_method, dpop
        app.last_updated = now_text()

    def list_clients(self, call: Call) -> Response:
        request = call.request
        limit = limit_param(request, 20, 200)
        q = (request.param("q") or "").lower()
        apps = [app for app in self.store.apps.values() if app.sign_on_mode == "OPENID_CONNECT"
                and (not q or app.label.lower().startswith(q))]
        after = request.param("after")
        if after:
            apps = [app for app in apps if app.id > after]
        page, more = apps[:limit], len(apps) > limit
        return page_response(call, [{"id": app.id} for app in page], more, limit,
                              page[-1].id if page else None,
                              lambda item: self._client_json(self.store.apps[item["id"]], call.base))

    def create_client(self, call: Call) -> Response:
        body = call.body()
        app = self.store.add_app(label="new client", application_type="web", grant_types=["authorization_code"],
                                 auth_method="client_secret_basic")
        keys = nested(body, "jwks", "keys") or []
        try:
            if not isinstance(keys, list):
                raise _invalid_metadata("jwks: keys must be a list of JWKs.")
            self._client_fields(app, body)
            for jwk in keys:
                self.store.add_key(app, registrable_jwk(jwk, app.keys))
        except ApiRefusal:
            del self.store.apps[app.id]
            raise
        return json_response(201, self._client_json(app, call.base))

    def get_client(self, call: Call) -> Response:
        return json_response(200, self._client_json(self._client(call), call.base))

    def replace_client(self, call: Call) -> Response:
        app = self._client(call)
        self._client_fields(app, call.body())
        return json_response(200, self._client_json(app, call.base))

    def delete_client(self, call: Call) -> Response:
        app = self._client(call)
        if app is self.org.service_app:
            raise no_permission()
        del self.store.apps[app.id]
        return Response(204)

    def _role_json(self, role: dict[str, Any], app: App, base: str) -> dict[str, Any]:
        """Return a role assignment with Okta's links: a standard role's assignee (LinksAssignee); a custom
        role's assignee, role, permissions, resource set and binding member (LinksCustomRoleResponse)."""
        links: dict[str, Any] = {"assignee": {"href": f"{base}/oauth2/v1/clients/{app.id}"}}
        if role["type"] == "CUSTOM":
            found = f"{base}/api/v1/iam/resource-sets/{role['resource-set']}"
            links["resource-set"] = {"href": found}
            links["role"] = {"href": f"{base}/api/v1/iam/roles/{role['role']}"}
            links["permissions"] = {"href": f"{base}/api/v1/iam/roles/{role['role']}/permissions"}
            links["member"] = {"href": f"{found}/bindings/{role['role']}/members/{role['id']}"}
        return {**role, "_links": links}

    def _role(self, call: Call, app: App) -> dict[str, Any]:
        role = next((r for r in app.roles if r["id"] == call.params["roleId"]), None)
        if role is None:
            raise not_found(call.params["roleId"], "RoleAssignment")
        return role

    def list_roles(self, call: Call) -> Response:
        app = self._client(call)
        return json_response(200, [self._role_json(r, app, call.base) for r in app.roles])

    def assign_role(self, call: Call) -> Response:
        app = self._client(call)
        body = call.body()
        role_type = body.get("type")
        if role_type == "CUSTOM":
            return json_response(200, self._role_json(self._assign_custom(app, body), app, call.base))
        if role_type not in ROLE_TYPES:
            raise validation_failed("type", f"The value must be one of {', '.join(ROLE_TYPES)} or CUSTOM.")
        role = next((r for r in app.roles if r["type"] == role_type), None) or self.store.add_role(app, role_type)
        return json_response(200, self._role_json(role, app, call.base))

    def _assign_custom(self, app: App, body: dict[str, Any]) -> dict[str, Any]:
        """Assign a custom role over a resource set: the client becomes a member of the set's binding."""
        for name in ("role", "resource-set"):
            if not isinstance(body.get(name), str) or not body[name]:
                raise validation_failed(name, "The field cannot be left blank.")
        custom = find_custom_role(self.store, body["role"])
        found = find_resource_set(self.store, body["resource-set"])
        existing = next((r for r in app.roles if r.get("role") == custom["id"]
                         and r.get("resource-set") == found["id"]), None)
        if existing is not None:
            return existing
        role = self.store.add_role(app, "CUSTOM", custom, found["id"])
        found["bindings"].setdefault(custom["id"], []).append(
            {"id": role["id"], "path": f"{CLIENTS}/{app.id}", "created": role["created"],
             "lastUpdated": role["created"]})
        return role

    def get_role(self, call: Call) -> Response:
        app = self._client(call)
        return json_response(200, self._role_json(self._role(call, app), app, call.base))

    def unassign_role(self, call: Call) -> Response:
        app = self._client(call)
        role = self._role(call, app)
        app.roles.remove(role)
        app.role_targets.pop(role["id"], None)
        found = self.store.resource_sets.get(role.get("resource-set") or "")
        if found is not None:
            members = found["bindings"].get(role["role"], [])
            members[:] = [m for m in members if m["id"] != role["id"]]
            if not members:
                found["bindings"].pop(role["role"], None)
        return Response(204)
