"""The token endpoints: the org server's /oauth2/v1/token and custom servers' /oauth2/{id}/v1/token, with Okta's
rules and wording; the org server's keys and metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from oktatool.sandbox.authservers import POLICY_FAILED, UNKNOWN_SCOPE, CustomServer, policy_allows
from oktatool.sandbox.client_secrets import secret_client
from oktatool.sandbox.dpop import DpopError, check_proof
from oktatool.sandbox.jose import ALLOWED_ALGS, CLOCK_SKEW_SECONDS, CompactJwt, parse_jwt, signature_valid
from oktatool.sandbox.jwks_uri import JwksUriFailed, fetch_keys
from oktatool.sandbox.messages import Request, Response, json_response, oauth_error
from oktatool.sandbox.org import TOKEN_LIFETIME_SECONDS, SandboxOrg
from oktatool.sandbox.store import App, AppKey

TOKEN_PATH = "/oauth2/v1/token"  # noqa: S105 - a path, not a secret
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#: the longest an assertion may live, counted from now (FACTS §3)
MAX_ASSERTION_LIFETIME_SECONDS = 3600
TOKEN_EVENT = "app.oauth2.token.grant.access_token"  # noqa: S105 - an event type

_CREDENTIAL_PARAMS = ("client_id", "client_secret", "client_assertion", "client_assertion_type")
_OKTA_SCOPE = re.compile(r"okta\.[A-Za-z]+(\.[A-Za-z]+)*|ssf\.(read|manage)")
_SELF_SCOPE = re.compile(r"okta\.[A-Za-z.]+\.self")

INVALID_CLIENT = "Client authentication failed. Either the client or the client credentials are invalid."


class TokenRefused(Exception):
    """The token request breaks a rule: status, OAuth error and Okta's description."""

    def __init__(self, status: int, error: str, description: str, *, result: str = "FAILURE",
                 headers: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description
        self.result = result
        self.headers = headers


def _client_error(description: str) -> TokenRefused:
    return TokenRefused(401, "invalid_client", description)


def _request_error(description: str, status: int = 400) -> TokenRefused:
    return TokenRefused(status, "invalid_request", description)


@dataclass
class _Attempt:
    """What is known about a token request so far (for the System Log)."""

    client_id: str | None = None
    requested: str = ""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class TokenEndpoint:
    """POST /oauth2/v1/token (or a custom server's): client_credentials with private_key_jwt, optional DPoP."""

    def __init__(self, org: SandboxOrg, server: CustomServer | None = None) -> None:
        self.org = org
        self.server = server
        self.path = TOKEN_PATH if server is None else f"/oauth2/{server.id}/v1/token"

    def handle(self, request: Request, request_id: str) -> Response:
        """Answer one token request and log it."""
        attempt = _Attempt()
        try:
            body = self._grant(request, attempt)
        except TokenRefused as refused:
            self.org.log(request, event_type=TOKEN_EVENT, result=refused.result, reason=refused.description,
                         message="OAuth2 access token request", actor_id=attempt.client_id, request_id=request_id,
                         debug={"requestedScopes": attempt.requested, "error": refused.error})
            return oauth_error(refused.status, refused.error, refused.description, *refused.headers)
        self.org.log(request, event_type=TOKEN_EVENT, result="SUCCESS", reason=None,
                     message="OAuth2 access token is granted", actor_id=attempt.client_id, request_id=request_id,
                     debug={"requestedScopes": attempt.requested, "grantedScopes": body["scope"],
                            "tokenType": body["token_type"]})
        return json_response(200, body, ("Cache-Control", "no-store"), ("Pragma", "no-cache"))

    def authenticate_client(self, request: Request) -> tuple[App, dict[str, str]]:
        """Return the app that a revoke or introspect request authenticates as (private_key_jwt, with its
        assertion's ``aud`` that endpoint), and the request's form; raise TokenRefused as the token endpoint does."""
        if any(name in request.query for name in _CREDENTIAL_PARAMS):
            raise _request_error("Client credentials cannot be supplied via query parameters.")
        form = self._form(request)
        if "client_assertion" not in form:
            basic = (request.header("Authorization") or "").lower().startswith("basic ")
            known = form.get("client_id") in self.org.store.apps or basic
            raise _client_error(INVALID_CLIENT if known or "client_secret" in form else "No client credentials found.")
        return self._authenticate(request, form, _Attempt()), form

    def _grant(self, request: Request, attempt: _Attempt) -> dict[str, Any]:
        if any(name in request.query for name in _CREDENTIAL_PARAMS):
            raise _request_error("Client credentials cannot be supplied via query parameters.")
        form = self._form(request)
        attempt.requested = form.get("scope", "")
        if not form.get("grant_type"):
            raise _request_error("The token request must specify a 'grant_type'. "
                                 "Valid values: [client_credentials]")
        basic = (request.header("Authorization") or "").lower().startswith("basic ")
        kinds = [basic, "client_secret" in form, "client_assertion" in form]
        if sum(kinds) > 1:
            raise _request_error("Cannot supply multiple client credentials. Use one of the following: "
                                 "credentials in the Authorization header, credentials in the post body, "
                                 "or a client_assertion in the post body.", status=401)
        if form["grant_type"] != "client_credentials":
            raise TokenRefused(400, "unsupported_grant_type", "The authorization grant type is not supported by "
                               "the authorization server. Configured grant types: [client_credentials].")
        if not any(kinds):
            raise _client_error("No client credentials found.")
        if "client_assertion" not in form:
            # the secret is checked first: only a client it authenticates learns that it needs a key here
            secret_app = secret_client(self.org.store, request, form)
            if secret_app is None:
                raise _client_error(INVALID_CLIENT)
            attempt.client_id = secret_app.id
            raise _client_error("Client Credentials requests to the Org Authorization Server must use the "
                                "private_key_jwt token_endpoint_auth_method.")
        app = self._authenticate(request, form, attempt)
        if app.token_endpoint_auth_method != "private_key_jwt":  # noqa: S105 - a method name
            raise _client_error("Client Credentials requests to the Org Authorization Server must use the "
                                "private_key_jwt token_endpoint_auth_method.")
        if app.application_type != "service":
            raise _client_error("Only clients with 'application_type' of 'service' may use the client_credentials "
                                "'grant_type' with the Org Authorization Server.")
        if "client_credentials" not in app.grant_types:
            raise TokenRefused(400, "unauthorized_client", "The client is not authorized to use the provided grant "
                               f"type. Configured grant types: [{', '.join(app.grant_types)}].")
        jkt = self._dpop(request, app)
        if self.server is not None:
            scopes = self._custom_scopes(self.server, app, form.get("scope", ""))
            token = self.org.mint_custom_token(self.server, app, scopes, jkt, request.base_url)
        else:
            scopes = self._scopes(app, form.get("scope", ""))
            token = self.org.mint_token(app, scopes, jkt, request.base_url)
        return {"token_type": "DPoP" if jkt else "Bearer", "expires_in": TOKEN_LIFETIME_SECONDS,
                "access_token": token, "scope": " ".join(scopes)}

    @staticmethod
    def _form(request: Request) -> dict[str, str]:
        content_type = (request.header("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            return {}  # Okta reads parameters only from a form body
        try:
            pairs = parse_qsl(request.body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            return {}
        form: dict[str, str] = {}
        for name, value in pairs:
            if name in form:
                raise _request_error("The request contained multiple parameters with the same name.")
            form[name] = value
        return form

    def _authenticate(self, request: Request, form: dict[str, str], attempt: _Attempt) -> App:
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            raise _request_error("The client_assertion_type is invalid.")
        try:
            assertion = parse_jwt(form["client_assertion"])
        except ValueError:
            raise _client_error("The parsing of the client_assertion failed.") from None
        claims = assertion.claims
        issuer = claims.get("iss")
        app = self.org.store.apps.get(issuer) if isinstance(issuer, str) else None
        if app is None:
            raise _client_error("The issuer claim for client_assertion is not a valid client_id.")
        attempt.client_id = app.id
        if claims.get("sub") != app.id:
            raise _client_error("The subject claim for client_assertion is not a valid client_id.")
        if form.get("client_id", app.id) != app.id or app.status != "ACTIVE":
            raise _client_error(INVALID_CLIENT)
        if not app.keys and not app.jwks_uri:
            raise _client_error("The client does not have a JWKSet configured, but the client_assertion "
                                "requires one.")
        alg = assertion.header.get("alg")
        if alg not in ALLOWED_ALGS:
            raise _client_error("The client_assertion JWT signature algorithm is invalid.")
        key = self._signing_key(self._client_keys(app), assertion)
        if key.jwk.get("use", "sig") != "sig":
            raise _client_error("The public key being used for client assertion has an invalid 'use' parameter. "
                                "Valid values for the 'use' parameter are [sig].")
        if not signature_valid(assertion, key.jwk, str(alg)):
            raise _client_error("The client_assertion signature is invalid.")
        if claims.get("aud") != request.base_url + request.path:  # the token, revoke or introspect endpoint
            raise _client_error("The audience claim for client_assertion must be the endpoint invoked for the "
                                "request.")
        self._check_times(claims)
        jti = claims.get("jti")
        if jti is not None:
            if not isinstance(jti, str) or not jti:
                raise _client_error("The parsing of the client_assertion failed.")
            with self.org.store.lock:
                fresh = self.org.store.remember_jti(self.org.store.used_assertion_jtis, f"{app.id}:{jti}",
                                                    float(claims["exp"]), self.org.now())
            if not fresh:
                raise _client_error("The client_assertion token has already been used.")
        return app

    @staticmethod
    def _client_keys(app: App) -> list[AppKey]:
        """Return the keys an assertion may be signed with: the saved ACTIVE ones, or those at the app's jwks_uri
        (fetched now, as Okta does at token time)."""
        if not app.jwks_uri:
            return app.active_keys()
        try:
            published = fetch_keys(app.jwks_uri)
        except JwksUriFailed as failed:
            raise _client_error(failed.description) from None
        return [AppKey(id="", jwk=jwk, status="ACTIVE", created="", last_updated="") for jwk in published]

    @staticmethod
    def _signing_key(active: list[AppKey], assertion: CompactJwt) -> AppKey:
        kid = assertion.header.get("kid")
        if kid is None and len(active) == 1:
            return active[0]
        match = next((key for key in active if kid is not None and key.kid == kid), None)
        if match is None:
            raise _client_error("The client_assertion JWT kid is invalid.")
        return match

    def _check_times(self, claims: dict[str, Any]) -> None:
        now = self.org.now()
        if not _is_number(claims.get("exp")):
            raise _client_error("The client_assertion must contain the 'exp' claim as seconds since epoch.")
        exp = float(claims["exp"])
        if exp <= now:
            raise _client_error("The client_assertion token is expired.")
        if exp > now + MAX_ASSERTION_LIFETIME_SECONDS:
            raise _client_error("The client_assertion token has an expiration too far into the future.")
        iat = claims.get("iat")
        if iat is not None and not _is_number(iat):
            raise _client_error("The parsing of the client_assertion failed.")
        if iat is not None and iat > now + CLOCK_SKEW_SECONDS:
            raise _client_error("The client_assertion token must be issued before the current time.")

    def _dpop(self, request: Request, app: App) -> str | None:
        if not app.dpop_bound_access_tokens:
            return None  # Okta ignores a proof sent for an app that does not require DPoP
        store = self.org.store

        def first_use(jti: str, until: float) -> bool:
            with store.lock:
                return store.remember_jti(store.used_proof_jtis, jti, until, self.org.now())

        try:
            proof = check_proof(request.header_values("DPoP"), method="POST", url=request.base_url + self.path,
                                now=self.org.now(), first_use=first_use)
        except DpopError as exc:
            raise TokenRefused(400, exc.error, exc.description) from None
        if proof.nonce != self.org.dpop_nonce:
            raise TokenRefused(400, "use_dpop_nonce", "Authorization server requires nonce in DPoP proof.",
                               result="CHALLENGE", headers=(("DPoP-Nonce", self.org.dpop_nonce),))
        return proof.jkt

    def _custom_scopes(self, server: CustomServer, app: App, requested_text: str) -> tuple[str, ...]:
        requested = list(dict.fromkeys(requested_text.split()))
        if not requested:
            raise TokenRefused(400, "invalid_scope", "No scopes were requested.")
        if any(scope not in server.scope_names() for scope in requested):
            raise TokenRefused(400, "invalid_scope", UNKNOWN_SCOPE)
        if not policy_allows(self.org, server, app.id, requested):
            raise TokenRefused(400, "access_denied", POLICY_FAILED)
        return tuple(requested)

    @staticmethod
    def _scopes(app: App, requested_text: str) -> tuple[str, ...]:
        requested = list(dict.fromkeys(requested_text.split()))
        if not requested:
            raise TokenRefused(400, "invalid_scope", "No scopes were requested.")
        if "openid" in requested:
            raise TokenRefused(400, "invalid_scope", "Cannot request 'openid' scopes using client credentials.")
        if any(_SELF_SCOPE.fullmatch(scope) for scope in requested):
            raise TokenRefused(400, "client_credentials_self_scope_requested",
                               "The 'client_credentials' grant type may not request .self scopes.")
        granted = app.granted_scopes()
        allowed = [scope for scope in requested if scope in granted]
        if not allowed:
            raise TokenRefused(400, "consent_required", "You are not allowed any of the requested scopes.")
        refused = [scope for scope in requested if scope not in granted]
        if refused:
            raise TokenRefused(400, "invalid_scope", "The following scopes are not allowed for this request: "
                               f"[{', '.join(refused)}].")
        return tuple(allowed)


def keys_document(org: SandboxOrg) -> Response:
    """GET /oauth2/v1/keys: the org authorization server's public signing keys."""
    return json_response(200, {"keys": [org.signing_key.as_dict(private=False)]},
                         ("Cache-Control", "max-age=3600"))


def metadata_document(org: SandboxOrg, request: Request) -> Response:
    """GET /.well-known/openid-configuration and /.well-known/oauth-authorization-server."""
    base = request.base_url
    algs = list(ALLOWED_ALGS)
    return json_response(200, {
        "issuer": base,
        "authorization_endpoint": f"{base}/oauth2/v1/authorize",
        "token_endpoint": f"{base}{TOKEN_PATH}",
        "jwks_uri": f"{base}/oauth2/v1/keys",
        "registration_endpoint": f"{base}/oauth2/v1/clients",
        "revocation_endpoint": f"{base}/oauth2/v1/revoke",
        "revocation_endpoint_auth_methods_supported": ["private_key_jwt"],
        "introspection_endpoint": f"{base}/oauth2/v1/introspect",
        "introspection_endpoint_auth_methods_supported": ["private_key_jwt"],
        "response_types_supported": ["token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "grant_types_supported": ["client_credentials"],
        "scopes_supported": sorted(org.service_app.granted_scopes() | set(org.options.scopes)),
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": algs,
        "dpop_signing_alg_values_supported": algs,
        "request_parameter_supported": False,
    })
