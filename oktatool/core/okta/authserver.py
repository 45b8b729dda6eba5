"""Which authorization server a profile gets its tokens from: the org server or a custom one.

The org authorization server (issuer ``https://{org}``) is the only one whose tokens Okta's own APIs accept;
a custom server (``default`` or ``aus…``, issuer ``https://{org}/oauth2/{id}``) mints tokens for the admin's
own APIs (FACTS.md §4.6). Every URL that depends on the choice comes from ``auth_server`` here: the token URL
(which is also the client assertion's ``aud``: Okta wants the endpoint invoked), the keys URL, discovery, and
the issuer and audience a token from that server carries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from oktatool.core.errors import BadInputError
from oktatool.core.okta.orgurl import OrgUrl

if TYPE_CHECKING:
    from oktatool.core.jose.verify import VerifiedToken
    from oktatool.core.okta.api import ApiClient

#: the admin scope that lists authorization servers and their scopes
READ_SCOPE = "okta.authorizationServers.read"

#: the id a profile stores for the org authorization server (the setting's default)
ORG_SERVER = ""
#: the custom server every org with API Access Management has; its tokens' aud is api://default
DEFAULT_SERVER = "default"
DEFAULT_AUDIENCE = "api://default"

_SERVER_ID = re.compile(r"default|aus[A-Za-z0-9]{1,40}")


@dataclass(frozen=True)
class AuthServer:
    """One authorization server of one org: every URL that follows from choosing it."""

    org: OrgUrl
    #: ``""`` for the org authorization server, else the custom server's id (``default``, ``aus…``)
    server_id: str = ORG_SERVER

    @property
    def is_org(self) -> bool:
        """Return True for the org authorization server, whose tokens Okta's APIs accept."""
        return not self.server_id

    @property
    def prefix(self) -> str:
        """Return the path under which this server's endpoints live (``/oauth2`` or ``/oauth2/{id}``)."""
        return "/oauth2" if self.is_org else f"/oauth2/{quote(self.server_id, safe='')}"

    @property
    def issuer(self) -> str:
        """Return the ``iss`` of this server's tokens."""
        return self.org.base if self.is_org else self.org.base + self.prefix

    @property
    def token_path(self) -> str:
        """Return the token endpoint's path (``/oauth2/v1/token``, ``/oauth2/{id}/v1/token``)."""
        return self.prefix + "/v1/token"

    @property
    def revoke_path(self) -> str:
        """Return the revocation endpoint's path (RFC 7009): it revokes this server's tokens only."""
        return self.prefix + "/v1/revoke"

    @property
    def introspect_path(self) -> str:
        """Return the introspection endpoint's path (RFC 7662): it knows this server's tokens only."""
        return self.prefix + "/v1/introspect"

    @property
    def token_url(self) -> str:
        """Return the token endpoint, which is also the exact ``aud`` of a client assertion sent to it."""
        return self.org.url(self.token_path)

    @property
    def keys_url(self) -> str:
        """Return the JWKS URL of the keys that sign this server's tokens."""
        return self.org.base + self.prefix + "/v1/keys"

    @property
    def discovery_url(self) -> str:
        """Return the authorization server metadata URL (RFC 8414)."""
        if self.is_org:
            return self.org.base + "/.well-known/oauth-authorization-server"
        return self.org.base + self.prefix + "/.well-known/oauth-authorization-server"

    @property
    def audience(self) -> str | None:
        """Return the ``aud`` of this server's tokens when it is fixed (org: the org URL; ``default``), else None."""
        if self.is_org:
            return self.org.base
        return DEFAULT_AUDIENCE if self.server_id == DEFAULT_SERVER else None

    @property
    def label(self) -> str:
        """Return how the server is named to a user."""
        return "the org authorization server" if self.is_org else f"the custom authorization server {self.server_id}"


def issuer_findings(server: AuthServer, issuer: str | None, audience: tuple[str, ...]) -> list[str]:
    """Return what in a decoded token's ``iss`` and ``aud`` does not match ``server`` (empty: both are its)."""
    found = []
    if issuer != server.issuer:
        found.append(f"iss is {issuer or 'missing'}, not {server.issuer} ({server.label})")
    expected = server.audience
    if expected is not None and expected not in audience:
        found.append(f"aud is {' '.join(audience) or 'missing'}, not {expected}")
    return found


def parse_server_id(text: str | None) -> str:
    """Return the stored id for ``text``: ``""`` (org server) for empty or ``org``, else ``default`` or ``aus…``."""
    raw = (text or "").strip()
    if raw.lower() in ("", "org"):
        return ORG_SERVER
    if raw.startswith(("http://", "https://")) or raw.startswith("/"):
        found = re.search(r"/oauth2/([^/]+)", raw)
        raw = found.group(1) if found and found.group(1) != "v1" else ""
        if not raw:
            return ORG_SERVER
    if not _SERVER_ID.fullmatch(raw):
        raise BadInputError(f"{raw[:60]!r} is not an authorization server id",
                            hint="give org, default, or a custom server's id (aus…), as "
                                 "Security > API > Authorization Servers shows it")
    return raw


def auth_server(org: OrgUrl, server_id: str | None = ORG_SERVER) -> AuthServer:
    """Return the authorization server ``server_id`` (see ``parse_server_id``) of ``org``."""
    return AuthServer(org, parse_server_id(server_id))


@dataclass(frozen=True)
class ServerSummary:
    """One authorization server as a picker lists it."""

    server_id: str
    name: str
    status: str


def list_servers(api: ApiClient) -> list[ServerSummary]:
    """Return the org's custom authorization servers (GET /api/v1/authorizationServers; blocking)."""
    found = api.call("GET", "/api/v1/authorizationServers").items()
    return [ServerSummary(str(item["id"]), str(item.get("name", item["id"])), str(item.get("status", "")))
            for item in found if isinstance(item, dict) and isinstance(item.get("id"), str)]


def server_scopes(api: ApiClient, server_id: str) -> tuple[str, ...]:
    """Return the names of a custom server's scopes (GET /api/v1/authorizationServers/{id}/scopes; blocking)."""
    found = api.call("GET", f"/api/v1/authorizationServers/{quote(server_id, safe='')}/scopes").items()
    return tuple(str(item["name"]) for item in found if isinstance(item, dict) and isinstance(item.get("name"), str))


def verify_server_token(server: AuthServer, token: str, *, ca_bundle: str | None = None,
                        timeout: float = 30.0) -> VerifiedToken:
    """Verify ``token`` against ``server``'s keys, issuer and (when fixed) audience (blocking: fetches the keys)."""
    from oktatool.core.jose.verify import Expected, fetch_jwks, verify_with_jwks

    keys = fetch_jwks(server.keys_url, ca_bundle=ca_bundle, timeout=timeout)
    return verify_with_jwks(token, keys, expected=Expected(issuer=server.issuer, audience=server.audience))
