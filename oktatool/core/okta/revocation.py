"""Revoke (RFC 7009) and introspect (RFC 7662) one token at the authorization server that issued it (the app's:
the org server, or its custom one), as the service app.

Okta authenticates these calls as it does the token endpoint: a fresh client assertion (private_key_jwt) whose
``aud`` is the endpoint called. The request is built first (a frozen ``TokenRequest``), then sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from oktatool.core.encoding import loads_answer
from oktatool.core.errors import BadInputError, TokenError
from oktatool.core.okta.explanation import ExplainContext
from oktatool.core.okta.problems import parse_problem
from oktatool.core.okta.tokens import CLIENT_ASSERTION_TYPE, TokenRequest

if TYPE_CHECKING:
    from oktatool.core.okta.client import OktaClient

REVOKE_PATH = "/oauth2/v1/revoke"
INTROSPECT_PATH = "/oauth2/v1/introspect"


@dataclass(frozen=True)
class Introspection:
    """What the authorization server says of a token: active or not, and its members (RFC 7662)."""

    active: bool
    members: Mapping[str, Any] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """Return the answer as ``name: value`` lines, times also in UTC (``exp: 1767225600 (2026-01-01 …)``)."""
        if not self.active:
            return ["active: false (revoked, expired, another app's, or not a token of this org)"]
        shown = []
        for name, value in self.members.items():
            text = value if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else \
                str(value)
            if name in ("exp", "iat", "nbf") and isinstance(value, int) and not isinstance(value, bool):
                moment = datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
                text = f"{value} ({moment})"
            shown.append(f"{name}: {text}")
        return shown


def build_token_check(client: OktaClient, endpoint: str, token: str) -> TokenRequest:
    """Return the revoke or introspect request for ``token`` with a fresh client assertion for ``endpoint``."""
    if not token.strip():
        raise BadInputError("no token to " + ("revoke" if endpoint.endswith("/revoke") else "introspect"),
                            hint="get a token first")
    form = (
        ("token", token.strip()),
        ("token_type_hint", "access_token"),
        ("client_assertion_type", CLIENT_ASSERTION_TYPE),
        ("client_assertion", client.sign_assertion(endpoint)),
    )
    headers = (("Accept", "application/json"), ("Content-Type", "application/x-www-form-urlencoded"))
    return TokenRequest(client.connection.org.url(endpoint), form, headers)


def _send(client: OktaClient, request: TokenRequest) -> bytes:
    status, headers, body = client.tokens.send(request)
    if status != 200:
        conn = client.connection
        context = ExplainContext(client_id=conn.client_id, token_url=request.url,
                                 assertion_kid=conn.kid or conn.key.kid, key_kids=conn.key_kids,
                                 local_sandbox=conn.local_sandbox)
        raise parse_problem(status, headers, body, source="token", context=context).to_error()
    return body


def revoke_token(client: OktaClient, token: str) -> None:
    """Revoke ``token`` and drop the client's cached tokens (the next call gets a new one); raise TokenError."""
    _send(client, build_token_check(client, client.connection.server.revoke_path, token))
    client.tokens.forget()


def introspect_token(client: OktaClient, token: str) -> Introspection:
    """Return what the app's authorization server says of ``token``; raise TokenError when it refuses."""
    body = _send(client, build_token_check(client, client.connection.server.introspect_path, token))
    try:
        data = loads_answer(body)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("active"), bool):
        raise TokenError("the introspection endpoint answered 200 without an \"active\" member", code="bad_answer")
    return Introspection(data["active"], {name: value for name, value in data.items() if name != "active"})
