"""Custom authorization servers: ``default`` and one more, with scopes, a policy and a rule each.

A custom server mints tokens for the admin's own APIs (issuer ``{org}/oauth2/{id}``, aud from its
audiences), signed with its own key; the management API never accepts them. Its token endpoint follows the
org server's client authentication, then Okta's custom-server checks: every scope must be one of the
server's (``invalid_scope``), and a policy that includes the client must have a rule that allows
client_credentials for those scopes (``access_denied``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from joserfc.jwk import RSAKey

from oktatool.sandbox.messages import Call, Response, RouteSpec, json_response, not_found
from oktatool.sandbox.paging import id_page

if TYPE_CHECKING:
    from oktatool.sandbox.store import App


class PolicyOrg(Protocol):
    """What a policy needs of the org (SandboxOrg, which imports this module for its servers)."""

    service_app: App
    dpop_app: App | None

    @property
    def misconfig(self) -> tuple[str, ...]:
        """Return the misconfigurations the sandbox was started with."""

#: the second custom server the sandbox serves (Okta ids are 20 characters: aus + 17)
ORDERS_SERVER_ID = "aus0rders5andb0x0d7"
#: Okta's wording when a scope is not one of the custom server's
UNKNOWN_SCOPE = "One or more scopes are not configured for the authorization server resource."
#: Okta's wording when no policy includes the client, or no rule of it allows the grant and scopes
POLICY_FAILED = "Policy evaluation failed for this request, please check the policy configurations."
_CREATED = "2026-01-05T09:00:00.000Z"
_SERVER_PATH = re.compile(r"^/oauth2/(?P<server>(?!v1(?:/|$))[^/]+)(?P<rest>/.*)$")


@dataclass(frozen=True)
class CustomServer:
    """One custom authorization server: its scopes, and one policy with one rule for client_credentials."""

    id: str
    name: str
    description: str
    audience: str
    scopes: tuple[tuple[str, str], ...]
    #: scopes the rule grants to client_credentials
    rule_scopes: tuple[str, ...]
    #: the policy's clients: ALL_CLIENTS, or the built-in service apps
    all_clients: bool

    def issuer(self, base: str) -> str:
        """Return the issuer of this server's tokens for an org reached at ``base``."""
        return f"{base}/oauth2/{self.id}"

    def scope_names(self) -> set[str]:
        """Return the names of the scopes this server knows."""
        return {name for name, _ in self.scopes}

    def policy_id(self) -> str:
        """Return the id of this server's one policy."""
        return "00p" + self.id[3:]

    def rule_id(self) -> str:
        """Return the id of the policy's one rule."""
        return "0pr" + self.id[3:]

    def document(self, base: str) -> dict[str, Any]:
        """Return the server as GET /api/v1/authorizationServers/{id} shows it."""
        href = f"{base}/api/v1/authorizationServers/{self.id}"
        return {"id": self.id, "name": self.name, "description": self.description, "audiences": [self.audience],
                "issuer": self.issuer(base), "issuerMode": "ORG_URL", "status": "ACTIVE", "created": _CREATED,
                "lastUpdated": _CREATED,
                "credentials": {"signing": {"rotationMode": "AUTO", "kid": server_key(self.id).kid, "use": "sig"}},
                "_links": {"self": {"href": href}, "scopes": {"href": href + "/scopes"},
                           "policies": {"href": href + "/policies"},
                           "metadata": [{"href": self.issuer(base) + "/.well-known/oauth-authorization-server"}]}}


#: the servers every sandbox serves
SERVERS = (
    CustomServer("default", "default", "Default Authorization Server for your Applications", "api://default",
                 (("orders:read", "Read orders"), ("orders:write", "Create and change orders")),
                 ("*",), all_clients=True),
    CustomServer(ORDERS_SERVER_ID, "Orders API", "Tokens for the Orders service", "api://orders",
                 (("orders:read", "Read orders"), ("orders:write", "Create and change orders"),
                  ("reports:read", "Read reports")),
                 ("orders:read", "orders:write"), all_clients=False),
)


@functools.cache
def server_key(server_id: str) -> RSAKey:
    """Return the key that signs ``server_id``'s tokens (one per server and process, made when first used)."""
    return RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, auto_kid=True)


def find_server(server_id: str) -> CustomServer | None:
    """Return the custom server ``server_id``, or None."""
    return next((server for server in SERVERS if server.id == server_id), None)


def split_server_path(path: str) -> tuple[str, str] | None:
    """Return (server id, rest) for ``/oauth2/{id}/rest``, or None for the org server's and other paths."""
    match = _SERVER_PATH.match(path)
    return (match.group("server"), match.group("rest")) if match else None


def policy_clients(org: PolicyOrg, server: CustomServer) -> list[str]:
    """Return the client ids the server's policy includes (``ALL_CLIENTS`` for every one)."""
    if server.all_clients:
        return ["ALL_CLIENTS"]
    if "auth-server-no-policy" in org.misconfig:
        return []
    return [app.id for app in (org.service_app, org.dpop_app) if app is not None]


def policy_allows(org: PolicyOrg, server: CustomServer, client_id: str, scopes: list[str]) -> bool:
    """Say whether a policy includes ``client_id`` and its rule allows client_credentials for ``scopes``."""
    clients = policy_clients(org, server)
    if "ALL_CLIENTS" not in clients and client_id not in clients:
        return False
    return "*" in server.rule_scopes or all(scope in server.rule_scopes for scope in scopes)


def keys_document(server: CustomServer) -> Response:
    """GET /oauth2/{id}/v1/keys: the server's public signing keys."""
    return json_response(200, {"keys": [server_key(server.id).as_dict(private=False)]},
                         ("Cache-Control", "max-age=3600"))


def metadata_document(server: CustomServer, base: str) -> Response:
    """GET /oauth2/{id}/.well-known/oauth-authorization-server (and openid-configuration)."""
    issuer = server.issuer(base)
    return json_response(200, {
        "issuer": issuer, "authorization_endpoint": f"{issuer}/v1/authorize", "token_endpoint": f"{issuer}/v1/token",
        "jwks_uri": f"{issuer}/v1/keys", "response_types_supported": ["token"],
        "revocation_endpoint": f"{issuer}/v1/revoke", "introspection_endpoint": f"{issuer}/v1/introspect",
        "grant_types_supported": ["client_credentials"], "scopes_supported": sorted(server.scope_names()),
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"],
    })


class AuthServerRoutes:
    """GET /api/v1/authorizationServers and each server's scopes, policies and rules."""

    def __init__(self, org: PolicyOrg) -> None:
        self.org = org

    def routes(self) -> list[RouteSpec]:
        """Return (method, path template, scope, handler) of every operation here."""
        read = "okta.authorizationServers.read"
        base = "/api/v1/authorizationServers"
        return [
            ("GET", base, read, self.list_servers),
            ("GET", base + "/{authServerId}", read, self.get_server),
            ("GET", base + "/{authServerId}/scopes", read, self.list_scopes),
            ("GET", base + "/{authServerId}/policies", read, self.list_policies),
            ("GET", base + "/{authServerId}/policies/{policyId}/rules", read, self.list_rules),
        ]

    @staticmethod
    def _server(call: Call) -> CustomServer:
        server = find_server(call.params["authServerId"])
        if server is None:
            raise not_found(call.params["authServerId"], "AuthorizationServer")
        return server

    def list_servers(self, call: Call) -> Response:
        return id_page(call, [server.document(call.base) for server in SERVERS])

    def get_server(self, call: Call) -> Response:
        return json_response(200, self._server(call).document(call.base))

    def list_scopes(self, call: Call) -> Response:
        server = self._server(call)
        return id_page(call, [{"id": f"scp{server.id[3:8]}{index:02d}", "name": name, "description": text,
                               "system": False, "consent": "IMPLICIT", "default": False,
                               "metadataPublish": "ALL_CLIENTS"}
                              for index, (name, text) in enumerate(server.scopes)])

    def list_policies(self, call: Call) -> Response:
        server = self._server(call)
        return json_response(200, [{
            "id": server.policy_id(), "type": "OAUTH_AUTHORIZATION_POLICY", "status": "ACTIVE",
            "name": "Default Policy" if server.all_clients else "Orders clients", "priority": 1, "system": False,
            "conditions": {"clients": {"include": policy_clients(self.org, server)}}, "created": _CREATED,
        }])

    def list_rules(self, call: Call) -> Response:
        server = self._server(call)
        if call.params["policyId"] != server.policy_id():
            raise not_found(call.params["policyId"], "Policy")
        return json_response(200, [{
            "id": server.rule_id(), "type": "RESOURCE_ACCESS", "status": "ACTIVE", "priority": 1, "system": False,
            "name": "Client credentials",
            "conditions": {"grantTypes": {"include": ["client_credentials"]},
                           "scopes": {"include": list(server.rule_scopes)},
                           "people": {"groups": {"include": ["EVERYONE"]}}},
            "actions": {"token": {"accessTokenLifetimeMinutes": 60}}, "created": _CREATED,
        }])
