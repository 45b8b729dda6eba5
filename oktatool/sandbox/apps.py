"""App integrations: apps, their scope grants and their JWKS signing keys (Okta's Apps API subset)."""

from __future__ import annotations

from typing import Any

from oktatool.sandbox.client_secrets import (
    NO_KEY_CAUSE,
    SECRET_METHODS,
    add_secret,
    lifecycle_links,
    secrets_json,
    switch_auth_method,
)
from oktatool.sandbox.jose import ALLOWED_ALGS, public_key
from oktatool.sandbox.jwks_uri import checked_jwks_uri, refuse_both
from oktatool.sandbox.messages import (
    Call,
    OktaApiError,
    Response,
    RouteSpec,
    json_response,
    nested,
    no_permission,
    not_found,
    validation_failed,
)
from oktatool.sandbox.org import SandboxOrg
from oktatool.sandbox.paging import limit_param, page_response
from oktatool.sandbox.resource_sets import orn_of
from oktatool.sandbox.store import App, AppKey, OrgStore, now_text

APPS = "/api/v1/apps"
APP = APPS + "/{appId}"
JWKS = APP + "/credentials/jwks"
SECRETS = APP + "/credentials/secrets"
#: "You can add up to 50 signing keys per app" (FACTS §5.1)
MAX_KEYS = 50
_JWK_PUBLIC_MEMBERS = ("kty", "kid", "use", "alg", "e", "n", "crv", "x", "y")


def _grantable(scope: object) -> bool:
    """Say whether ``scope`` is an Okta API scope an app can be granted: a catalog scope, not a ``.self`` one."""
    from oktatool.core.okta.scopes import ScopeCatalog

    return isinstance(scope, str) and not scope.endswith(".self") and \
        any(known.name == scope for known in ScopeCatalog.load().scopes)


def registrable_jwk(jwk: Any, existing: list[AppKey]) -> dict[str, Any]:
    """Return the public members of a JWK an app may register next to ``existing``; raise E0000001 if not."""
    if not isinstance(jwk, dict):
        raise validation_failed("jwks", "The key must be a JSON object.")
    if "d" in jwk or jwk.get("kty") == "oct":
        raise validation_failed("jwks", "Only public keys can be registered.")
    if jwk.get("kty") not in ("RSA", "EC"):
        raise validation_failed("kty", "The key type must be RSA or EC.")
    kid = jwk.get("kid")
    if not isinstance(kid, str) or not kid:
        raise validation_failed("kid", "The field cannot be left blank.")
    if any(key.kid == kid for key in existing):
        raise validation_failed("kid", "A key with this kid already exists.")
    if any(key.kid is None for key in existing):
        raise validation_failed("kid", "An existing key has no kid; a new key cannot be added.")
    if jwk.get("use", "sig") not in ("sig", "enc"):
        raise validation_failed("use", "The value must be sig or enc.")
    if "alg" in jwk and jwk["alg"] not in ALLOWED_ALGS:
        raise validation_failed("alg", f"The value must be one of {', '.join(ALLOWED_ALGS)}.")
    cleaned = {name: jwk[name] for name in _JWK_PUBLIC_MEMBERS if name in jwk}
    try:
        public_key(cleaned)
    except ValueError:
        raise validation_failed("jwks", "The key is not a valid public RSA or EC JWK.") from None
    return cleaned


def find_app(store: OrgStore, app_id: str) -> App:
    """Return the app (or OAuth client) with this id, or raise Okta's 404."""
    app = store.apps.get(app_id)
    if app is None:
        raise not_found(app_id, "Application")
    return app


class AppRoutes:
    """Apps, scope grants and JWKS keys."""

    def __init__(self, org: SandboxOrg) -> None:
        self.org = org
        self.store = org.store

    def routes(self) -> list[RouteSpec]:
        """Return (method, path template, scope, handler) of every operation here."""
        return [
            ("GET", APPS, "okta.apps.read", self.list_apps),
            ("POST", APPS, "okta.apps.manage", self.create_app),
            ("GET", APP, "okta.apps.read", self.get_app),
            ("PUT", APP, "okta.apps.manage", self.replace_app),
            ("DELETE", APP, "okta.apps.manage", self.delete_app),
            ("POST", APP + "/lifecycle/activate", "okta.apps.manage", self.activate_app),
            ("POST", APP + "/lifecycle/deactivate", "okta.apps.manage", self.deactivate_app),
            ("GET", APP + "/grants", "okta.appGrants.read", self.list_grants),
            ("POST", APP + "/grants", "okta.appGrants.manage", self.create_grant),
            ("GET", APP + "/grants/{grantId}", "okta.appGrants.read", self.get_grant),
            ("DELETE", APP + "/grants/{grantId}", "okta.appGrants.manage", self.delete_grant),
            ("GET", SECRETS, "okta.apps.read", self.list_secrets),
            ("GET", JWKS, "okta.apps.read", self.list_keys),
            ("POST", JWKS, "okta.apps.manage", self.add_key),
            ("GET", JWKS + "/{keyId}", "okta.apps.read", self.get_key),
            ("DELETE", JWKS + "/{keyId}", "okta.apps.manage", self.delete_key),
            ("POST", JWKS + "/{keyId}/lifecycle/activate", "okta.apps.manage", self.activate_key),
            ("POST", JWKS + "/{keyId}/lifecycle/deactivate", "okta.apps.manage", self.deactivate_key),
        ]

    def _app(self, call: Call) -> App:
        return find_app(self.store, call.params["appId"])

    def _app_json(self, app: App, base: str) -> dict[str, Any]:
        href = f"{base}/api/v1/apps/{app.id}"
        lifecycle = "deactivate" if app.status == "ACTIVE" else "activate"
        return {
            "id": app.id,
            "name": app.name,
            "label": app.label,
            "status": app.status,
            "created": app.created,
            "lastUpdated": app.last_updated,
            "signOnMode": app.sign_on_mode,
            "features": [],
            "credentials": {"oauthClient": {"autoKeyRotation": True, "client_id": app.id,
                                            "token_endpoint_auth_method": app.token_endpoint_auth_method,
                                            "pkce_required": False}},
            "settings": {"app": dict(app.app_settings), "oauthClient": {
                "application_type": app.application_type,
                "grant_types": list(app.grant_types),
                "response_types": ["token"] if app.application_type == "service" else ["code"],
                "redirect_uris": [],
                "consent_method": "TRUSTED",
                "issuer_mode": "DYNAMIC",
                "dpop_bound_access_tokens": app.dpop_bound_access_tokens,
                **({"jwks_uri": app.jwks_uri} if app.jwks_uri else {}),
            }},
            "accessibility": {"selfService": False},
            "visibility": {"autoLaunch": False, "autoSubmitToolbar": False, "hide": {"iOS": True, "web": True},
                           "appLinks": {}},
            "orn": orn_of(f"/api/v1/apps/{app.id}", app.name),
            # ApplicationLinks: what its status allows, its users and groups (no jwks link in Okta's spec)
            "_links": {"self": {"href": href}, lifecycle: {"href": f"{href}/lifecycle/{lifecycle}"},
                       "users": {"href": f"{href}/users"}, "groups": {"href": f"{href}/groups"}},
        }

    def list_apps(self, call: Call) -> Response:
        request = call.request
        limit = limit_param(request, 20, 200)
        q = (request.param("q") or "").lower()
        apps = [app for app in self.store.apps.values()
                if not q or app.label.lower().startswith(q) or app.name.lower().startswith(q)]
        after = request.param("after")
        if after:
            apps = [app for app in apps if app.id > after]
        page, more = apps[:limit], len(apps) > limit
        return page_response(call, [{"id": app.id} for app in page], more, limit,
                              page[-1].id if page else None,
                              lambda item: self._app_json(self.store.apps[item["id"]], call.base))

    def _apply_app_body(self, app: App, body: dict[str, Any]) -> None:
        label = body.get("label", app.label)
        if not isinstance(label, str) or not label.strip():
            raise validation_failed("label", "The field cannot be left blank.")
        oauth = nested(body, "settings", "oauthClient") or {}
        dpop = oauth.get("dpop_bound_access_tokens", app.dpop_bound_access_tokens)
        if not isinstance(dpop, bool):
            raise validation_failed("dpop_bound_access_tokens", "The value must be true or false.")
        grant_types = oauth.get("grant_types", app.grant_types)
        if not isinstance(grant_types, list) or not all(isinstance(g, str) for g in grant_types):
            raise validation_failed("grant_types", "The value must be a list of grant types.")
        application_type = oauth.get("application_type", app.application_type)
        if not isinstance(application_type, str):
            raise validation_failed("application_type", "The value must be text.")
        jwks_uri = oauth.get("jwks_uri") or None
        if jwks_uri is not None:
            jwks_uri = checked_jwks_uri(jwks_uri)
        refuse_both(nested(oauth, "jwks", "keys") or [], jwks_uri)
        app.label, app.dpop_bound_access_tokens = label, dpop
        app.grant_types, app.application_type = list(grant_types), application_type
        if jwks_uri is not None and jwks_uri != app.jwks_uri:
            app.keys.clear()  # "switching to a URL deletes the keys saved in Okta"
        if "jwks_uri" in oauth or jwks_uri is not None:
            app.jwks_uri = jwks_uri
        app.last_updated = now_text()

    def create_app(self, call: Call) -> Response:
        body = call.body()
        texts = {"name": body.get("name") or "oidc_client", "signOnMode": body.get("signOnMode") or "OPENID_CONNECT",
                 "token_endpoint_auth_method": nested(body, "credentials", "oauthClient",
                                                      "token_endpoint_auth_method") or "private_key_jwt"}
        for field_name, value in texts.items():
            if not isinstance(value, str):
                raise validation_failed(field_name, "The value must be text.")
        app_settings = nested(body, "settings", "app") or {}
        if not isinstance(app_settings, dict):
            raise validation_failed("settings.app", "The value must be a JSON object.")
        if texts["signOnMode"] == "BOOKMARK" and not (isinstance(app_settings.get("url"), str) and app_settings["url"]):
            raise validation_failed("url", "The field cannot be left blank.")
        keys = nested(body, "settings", "oauthClient", "jwks", "keys") or []
        if not isinstance(keys, list):
            raise validation_failed("jwks", "keys must be a list of JWKs.")
        if texts["signOnMode"] == "OPENID_CONNECT" and texts["name"] != "oidc_client":
            raise validation_failed("name", "An OpenID Connect app must be named oidc_client.")
        app = self.store.add_app(label="new app", name=texts["name"], sign_on_mode=texts["signOnMode"],
                                 auth_method=texts["token_endpoint_auth_method"])
        app.app_settings = dict(app_settings)
        try:
            self._apply_app_body(app, body)
            if app.application_type == "service" and app.grant_types != ["client_credentials"]:
                raise validation_failed("grant_types", "An API Services app can only use the client_credentials "
                                                       "grant type.")
            if app.sign_on_mode == "OPENID_CONNECT" and app.token_endpoint_auth_method == "private_key_jwt" \
                    and not keys and not app.jwks_uri:  # noqa: S105 - a method
                raise validation_failed("jwks", NO_KEY_CAUSE)
            for jwk in keys:
                self.store.add_key(app, registrable_jwk(jwk, app.keys))
        except OktaApiError:
            del self.store.apps[app.id]
            raise
        if (call.request.param("activate") or "true").lower() == "false":
            app.status = "INACTIVE"
        secret = add_secret(self.store, app) if app.token_endpoint_auth_method in SECRET_METHODS else None
        return json_response(200, self._with_secret(self._app_json(app, call.base), secret))

    @staticmethod
    def _with_secret(answer: dict[str, Any], secret: str | None) -> dict[str, Any]:
        """Show a secret just made in the answer that made it (the only time Okta shows it whole)."""
        if secret is not None:
            answer["credentials"]["oauthClient"]["client_secret"] = secret
        return answer

    def get_app(self, call: Call) -> Response:
        return json_response(200, self._app_json(self._app(call), call.base))

    def replace_app(self, call: Call) -> Response:
        app = self._app(call)
        body = call.body()
        self._apply_app_body(app, body)
        secret = switch_auth_method(self.store, app, body)
        return json_response(200, self._with_secret(self._app_json(app, call.base), secret))

    def delete_app(self, call: Call) -> Response:
        app = self._app(call)
        if app.status == "ACTIVE":
            # Okta answers 403 here (its spec lists 204/403/404/429 for this operation), not 400
            raise OktaApiError(403, "E0000056", "Delete application forbidden.",
                               ("The application must be deactivated before it can be deleted.",))
        del self.store.apps[app.id]
        return Response(204)

    def activate_app(self, call: Call) -> Response:
        self._app(call).status = "ACTIVE"
        return json_response(200, {})

    def deactivate_app(self, call: Call) -> Response:
        app = self._app(call)
        if app is self.org.service_app:
            raise no_permission()
        app.status = "INACTIVE"
        return json_response(200, {})

    def _grant_json(self, grant: dict[str, Any], app: App, base: str) -> dict[str, Any]:
        href = f"{base}/api/v1/apps/{app.id}/grants/{grant['id']}"
        return {**grant, "_embedded": {"scope": {"id": grant["scopeId"]}},
                "_links": {"app": {"href": f"{base}/api/v1/apps/{app.id}", "title": app.label},
                           "self": {"href": href, "hints": {"allow": ["GET", "DELETE"]}},
                           "client": {"href": f"{base}/oauth2/v1/clients/{app.id}", "title": app.label}}}

    def _grant(self, call: Call, app: App) -> dict[str, Any]:
        grant = next((g for g in app.grants if g["id"] == call.params["grantId"]), None)
        if grant is None:
            raise not_found(call.params["grantId"], "OAuth2ScopeConsentGrant")
        return grant

    def list_grants(self, call: Call) -> Response:
        app = self._app(call)
        return json_response(200, [self._grant_json(g, app, call.base) for g in app.grants])

    def create_grant(self, call: Call) -> Response:
        app = self._app(call)
        body = call.body()
        scope, issuer = body.get("scopeId"), body.get("issuer")
        if not _grantable(scope):
            raise validation_failed("scopeId", "The scope is not an Okta API scope that can be granted.")
        if issuer != self.org.org_url and issuer != call.base:
            raise validation_failed("issuer", f"The issuer must be the org URL {call.base}.")
        existing = next((g for g in app.grants if g["scopeId"] == scope), None)
        grant = existing or self.store.add_grant(app, scope, issuer)
        return json_response(201, self._grant_json(grant, app, call.base))

    def get_grant(self, call: Call) -> Response:
        app = self._app(call)
        return json_response(200, self._grant_json(self._grant(call, app), app, call.base))

    def delete_grant(self, call: Call) -> Response:
        app = self._app(call)
        app.grants.remove(self._grant(call, app))
        return Response(204)

    def _key_json(self, key: AppKey, app: App, base: str) -> dict[str, Any]:
        href = f"{base}/api/v1/apps/{app.id}/credentials/jwks/{key.id}"
        return {"id": key.id, **key.jwk, "status": key.status, "created": key.created,
                "lastUpdated": key.last_updated, "_links": lifecycle_links(href, key.status)}

    def _key(self, call: Call, app: App) -> AppKey:
        wanted = call.params["keyId"]
        key = next((k for k in app.keys if k.id == wanted), None) or next(
            (k for k in app.keys if k.kid == wanted), None)
        if key is None:
            raise not_found(wanted, "OAuth2ClientJsonWebKey")
        return key

    def list_secrets(self, call: Call) -> Response:
        return json_response(200, secrets_json(self._app(call), call.base))

    def list_keys(self, call: Call) -> Response:
        app = self._app(call)
        return json_response(200, [self._key_json(k, app, call.base) for k in app.keys])

    def add_key(self, call: Call) -> Response:
        app = self._app(call)
        body = call.body()
        if len(app.keys) >= MAX_KEYS:
            raise validation_failed("jwks", f"An app can hold at most {MAX_KEYS} keys.")
        status = body.get("status", "ACTIVE")
        if status not in ("ACTIVE", "INACTIVE"):
            raise validation_failed("status", "The value must be ACTIVE or INACTIVE.")
        key = self.store.add_key(app, registrable_jwk(body, app.keys), status=status)
        return json_response(201, self._key_json(key, app, call.base))

    def get_key(self, call: Call) -> Response:
        app = self._app(call)
        return json_response(200, self._key_json(self._key(call, app), app, call.base))

    def activate_key(self, call: Call) -> Response:
        app = self._app(call)
        key = self._key(call, app)
        key.status, key.last_updated = "ACTIVE", now_text()
        return json_response(200, self._key_json(key, app, call.base))

    def deactivate_key(self, call: Call) -> Response:
        app = self._app(call)
        key = self._key(call, app)
        if key.jwk.get("use", "sig") != "sig":
            raise OktaApiError(400, "E0000001", "Api validation failed: You can only deactivate signing keys.",
                               ("You can only deactivate signing keys.",))
        if key.status == "ACTIVE" and len(app.active_keys()) == 1:
            raise OktaApiError(400, "E0000001", "Api validation failed: The app must keep at least one active "
                               "key.", ("Activate another key before you deactivate this one.",))
        key.status, key.last_updated = "INACTIVE", now_text()
        return json_response(200, self._key_json(key, app, call.base))

    def delete_key(self, call: Call) -> Response:
        app = self._app(call)
        key = self._key(call, app)
        if key.status != "INACTIVE":
            raise OktaApiError(400, "E0000001", "Api validation failed: You can only delete an inactive key.",
                               ("You can only delete an inactive key.",))
        app.keys.remove(key)
        return Response(204)
