"""Tokens an org issued: an app's tokens (list, revoke one or all) and an authorization server's
``/oauth2/v1/revoke`` (RFC 7009) and ``/oauth2/v1/introspect`` (RFC 7662), or a custom server's
``/oauth2/{id}/v1/revoke`` and ``/oauth2/{id}/v1/introspect`` (each sees only its own tokens).

Okta's ``/api/v1/apps/{appId}/tokens`` lists an app's refresh tokens, which a client-credentials service app
never gets; the sandbox issues access tokens only, so it lists (and revokes) those, in Okta's
``OAuth2RefreshToken`` shape, so that the commands and the window can be tried against it. A revoked token
is forgotten: the management API then answers it 401 E0000011 and introspection ``active: false``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from oktatool.sandbox.apps import find_app
from oktatool.sandbox.messages import (
    Call,
    Request,
    Response,
    RouteSpec,
    json_response,
    not_found,
    oauth_error,
    okta_error,
)
from oktatool.sandbox.oauth import TokenEndpoint, TokenRefused
from oktatool.sandbox.org import SandboxOrg
from oktatool.sandbox.paging import limit_param, page_response
from oktatool.sandbox.store import IssuedToken, okta_time

REVOKE_PATH = "/oauth2/v1/revoke"
INTROSPECT_PATH = "/oauth2/v1/introspect"
TOKEN_TYPE_HINTS = ("access_token", "refresh_token", "id_token", "device_secret")
_APP_TOKENS = "/api/v1/apps/{appId}/tokens"


def _time(epoch: float) -> str:
    return okta_time(datetime.fromtimestamp(epoch, UTC))


class AppTokenRoutes:
    """GET and DELETE ``/api/v1/apps/{appId}/tokens`` and ``.../tokens/{tokenId}``."""

    def __init__(self, org: SandboxOrg) -> None:
        self.org = org
        self.store = org.store

    def routes(self) -> list[RouteSpec]:
        """Return (method, path template, scope, handler) of every operation here."""
        return [
            ("GET", _APP_TOKENS, "okta.apps.read", self.list_tokens),
            ("DELETE", _APP_TOKENS, "okta.apps.manage", self.revoke_all),
            ("GET", _APP_TOKENS + "/{tokenId}", "okta.apps.read", self.get_token),
            ("DELETE", _APP_TOKENS + "/{tokenId}", "okta.apps.manage", self.revoke_one),
        ]

    def _live(self, app_id: str) -> list[tuple[str, IssuedToken]]:
        """Return the app's unexpired tokens (value, record) in the order they were issued."""
        now = self.org.now()
        found = [(value, token) for value, token in self.store.tokens.items()
                 if token.client_id == app_id and token.expires_at > now]
        return sorted(found, key=lambda pair: pair[1].id)

    def _find(self, call: Call) -> str:
        app = find_app(self.store, call.params["appId"])
        wanted = call.params["tokenId"]
        value = next((value for value, token in self._live(app.id) if token.id == wanted), None)
        if value is None:
            raise not_found(wanted, "OAuth2Token")
        return value

    def _json(self, token: IssuedToken, base: str) -> dict[str, Any]:
        app_href = f"{base}/api/v1/apps/{token.client_id}"
        app = self.store.apps.get(token.client_id)
        return {
            "id": token.id, "status": "ACTIVE", "created": _time(token.issued_at),
            "lastUpdated": _time(token.issued_at), "expiresAt": _time(token.expires_at), "issuer": token.issuer,
            # no userId: a client credentials token has no user, and Okta types userId as a string, never null
            "clientId": token.client_id, "scopes": list(token.scopes),
            "_links": {
                "app": {"href": app_href, "title": app.label if app else token.client_id},
                "self": {"href": f"{app_href}/tokens/{token.id}"},
                "revoke": {"href": f"{app_href}/tokens/{token.id}", "hints": {"allow": ["DELETE"]}},
                "client": {"href": f"{base}/oauth2/v1/clients/{token.client_id}"},
            },
        }

    def list_tokens(self, call: Call) -> Response:
        app = find_app(self.store, call.params["appId"])
        request = call.request
        limit = limit_param(request, 20, 200)
        after = request.param("after")
        tokens = [token for _value, token in self._live(app.id) if not after or token.id > after]
        page, more = tokens[:limit], len(tokens) > limit
        by_id = {token.id: token for token in page}
        return page_response(call, [{"id": token.id} for token in page], more, limit,
                             page[-1].id if page else None, lambda item: self._json(by_id[item["id"]], call.base))

    def get_token(self, call: Call) -> Response:
        return json_response(200, self._json(self.store.tokens[self._find(call)], call.base))

    def revoke_one(self, call: Call) -> Response:
        del self.store.tokens[self._find(call)]
        return Response(204)

    def revoke_all(self, call: Call) -> Response:
        app = find_app(self.store, call.params["appId"])
        for value, _token in self._live(app.id):
            del self.store.tokens[value]
        return Response(204)


class TokenIntrospection:
    """``POST /oauth2/v1/revoke`` and ``POST /oauth2/v1/introspect``, the client authenticated as at the token
    endpoint (a client assertion whose ``aud`` is the endpoint called); a client sees only its own tokens."""

    def __init__(self, org: SandboxOrg, token_endpoint: TokenEndpoint, issuer_path: str = "") -> None:
        self.org = org
        self.token_endpoint = token_endpoint
        #: ``/oauth2/{id}`` for a custom server (its tokens only), "" for the org server
        self.issuer_path = issuer_path

    def handle(self, request: Request) -> Response:
        """Answer a revoke or introspect request."""
        if request.method != "POST":
            return okta_error(405, "E0000022", "The endpoint does not support the provided HTTP method")
        try:
            app, form = self.token_endpoint.authenticate_client(request)
        except TokenRefused as refused:
            return oauth_error(refused.status, refused.error, refused.description)
        value = form.get("token")
        if not value:
            return oauth_error(400, "invalid_request", "The token parameter is required.")
        hint = form.get("token_type_hint")
        if hint is not None and hint not in TOKEN_TYPE_HINTS:
            return oauth_error(400, "invalid_request", "The token_type_hint is invalid. Valid values: "
                                                       f"[{', '.join(TOKEN_TYPE_HINTS)}].")
        store = self.org.store
        with store.lock:
            tokens = store.custom_tokens if self.issuer_path else store.tokens
            token = tokens.get(value)
            if token is not None and (token.client_id != app.id or token.expires_at <= self.org.now()
                                      or (self.issuer_path and token.issuer != request.base_url + self.issuer_path)):
                token = None  # another client's or server's token, or an expired one, is not this client's to see
            if request.path.endswith("/v1/revoke"):
                if token is not None:
                    del tokens[value]
                return Response(200, b"", (("Cache-Control", "no-store"), ("Pragma", "no-cache")))
        return json_response(200, self._introspection(token), ("Cache-Control", "no-store"),
                             ("Pragma", "no-cache"))

    @staticmethod
    def _introspection(token: IssuedToken | None) -> dict[str, Any]:
        if token is None:
            return {"active": False}
        answer: dict[str, Any] = {
            "active": True, "token_type": "DPoP" if token.jkt else "Bearer", "scope": " ".join(token.scopes),
            "client_id": token.client_id, "exp": int(token.expires_at), "iat": int(token.issued_at),
            "sub": token.client_id, "aud": token.audience or token.issuer, "iss": token.issuer, "jti": token.jti,
        }
        if token.jkt:
            answer["cnf"] = {"jkt": token.jkt}
        return answer
