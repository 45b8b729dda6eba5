"""The management subset: users, groups, apps (grants, JWKS keys), OAuth clients and roles, System Log.

Every route names the scope it needs (FACTS §1.1, §1.4); SSWS tokens pass every check, access tokens
must carry the scope (``.manage`` satisfies ``.read``) and their app must hold an admin role.
"""

from __future__ import annotations

import calendar
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from oktatool.sandbox.dpop import DpopError, check_proof
from oktatool.sandbox.jose import ALLOWED_ALGS, public_key
from oktatool.sandbox.messages import (
    OktaApiError,
    Request,
    Response,
    bad_body,
    json_response,
    not_found,
    okta_error,
    validation_failed,
)
from oktatool.sandbox.org import SandboxOrg
from oktatool.sandbox.store import ROLE_TYPES, App, AppKey, IssuedToken, now_text

INSUFFICIENT_SCOPE = "The access token provided does not contain the required scopes."
_MAX_KEYS = 50
_JWK_PUBLIC_MEMBERS = ("kty", "kid", "use", "alg", "e", "n", "crv", "x", "y")
_SCOPE_ID = re.compile(r"okta\.[A-Za-z]+(\.[A-Za-z]+)*|ssf\.(read|manage)")
_SEARCH_TERM = re.compile(r'\s*([\w.]+)\s+(eq|sw|co)\s+"([^"]*)"\s*', re.IGNORECASE)

Handler = Callable[["Call"], Response]


@dataclass(frozen=True)
class Route:
    """One operation: method, path pattern, required scope and handler."""

    method: str
    pattern: re.Pattern[str]
    scope: str
    handler: Handler


@dataclass(frozen=True)
class Call:
    """A request that passed authorization, with its path parameters."""

    request: Request
    params: dict[str, str]

    @property
    def base(self) -> str:
        """Return the org URL the caller used."""
        return self.request.base_url

    def body(self) -> dict[str, Any]:
        """Return the JSON object body, or raise E0000003."""
        try:
            value = self.request.json()
        except (ValueError, UnicodeDecodeError):
            raise bad_body() from None
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise bad_body()
        return value


class _Denied(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def _limit(request: Request, default: int, maximum: int) -> int:
    raw = request.param("limit")
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise validation_failed("limit", "The value must be a number.") from None
    return max(1, min(value, maximum))


def _page_response(call: Call, items: list[dict[str, Any]], more: bool, limit: int, cursor: str | None,
                   render: Callable[[dict[str, Any]], dict[str, Any]]) -> Response:
    request = call.request
    query = request.target.partition("?")[2]
    self_url = call.base + request.raw_path + (f"?{query}" if query else "")
    links = [("Link", f'<{self_url}>; rel="self"')]
    if more and cursor is not None:
        params = {name: values[0] for name, values in request.query.items() if name not in ("after", "limit")}
        params.update({"after": cursor, "limit": str(limit)})
        links.append(("Link", f'<{call.base}{request.raw_path}?{urlencode(params)}>; rel="next"'))
    return json_response(200, [render(item) for item in items], *links)


def _matches(record: dict[str, Any], expression: str) -> bool:
    """Evaluate a small subset of Okta's search syntax: terms joined by ``and``/``or``, eq/sw/co."""
    for alternative in re.split(r"\s+or\s+", expression, flags=re.IGNORECASE):
        terms = re.split(r"\s+and\s+", alternative, flags=re.IGNORECASE)
        if all(_term_matches(record, term) for term in terms):
            return True
    return False


def _term_matches(record: dict[str, Any], term: str) -> bool:
    parsed = _SEARCH_TERM.fullmatch(term)
    if parsed is None:
        raise validation_failed("search", f"Invalid search expression: {term.strip()}")
    path, operator, wanted = parsed.groups()
    value: Any = record
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    text, wanted = str(value or "").lower(), wanted.lower()
    operator = operator.lower()
    if operator == "eq":
        return text == wanted
    if operator == "sw":
        return text.startswith(wanted)
    return wanted in text


def _public_jwk(jwk: Any, existing: list[AppKey]) -> dict[str, Any]:
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


class ManagementApi:
    """Route, authorize and answer management API requests."""

    def __init__(self, org: SandboxOrg) -> None:
        self.org = org
        self.store = org.store
        self.routes: list[Route] = []
        users, groups, apps = "/api/v1/users", "/api/v1/groups", "/api/v1/apps"
        app, clients = apps + "/{appId}", "/oauth2/v1/clients"
        jwks = app + "/credentials/jwks"
        for method, template, scope, handler in (
            ("GET", users, "okta.users.read", self.list_users),
            ("POST", users, "okta.users.manage", self.create_user),
            ("GET", users + "/{userId}", "okta.users.read", self.get_user),
            ("POST", users + "/{userId}", "okta.users.manage", self.update_user),
            ("PUT", users + "/{userId}", "okta.users.manage", self.replace_user),
            ("DELETE", users + "/{userId}", "okta.users.manage", self.delete_user),
            ("GET", groups, "okta.groups.read", self.list_groups),
            ("POST", groups, "okta.groups.manage", self.create_group),
            ("GET", groups + "/{groupId}", "okta.groups.read", self.get_group),
            ("PUT", groups + "/{groupId}", "okta.groups.manage", self.replace_group),
            ("DELETE", groups + "/{groupId}", "okta.groups.manage", self.delete_group),
            ("GET", groups + "/{groupId}/users", "okta.groups.read", self.list_group_users),
            ("PUT", groups + "/{groupId}/users/{userId}", "okta.groups.manage", self.add_group_user),
            ("DELETE", groups + "/{groupId}/users/{userId}", "okta.groups.manage", self.remove_group_user),
            ("GET", apps, "okta.apps.read", self.list_apps),
            ("POST", apps, "okta.apps.manage", self.create_app),
            ("GET", app, "okta.apps.read", self.get_app),
            ("PUT", app, "okta.apps.manage", self.replace_app),
            ("DELETE", app, "okta.apps.manage", self.delete_app),
            ("POST", app + "/lifecycle/activate", "okta.apps.manage", self.activate_app),
            ("POST", app + "/lifecycle/deactivate", "okta.apps.manage", self.deactivate_app),
            ("GET", app + "/grants", "okta.appGrants.read", self.list_grants),
            ("POST", app + "/grants", "okta.appGrants.manage", self.create_grant),
            ("GET", app + "/grants/{grantId}", "okta.appGrants.read", self.get_grant),
            ("DELETE", app + "/grants/{grantId}", "okta.appGrants.manage", self.delete_grant),
            ("GET", jwks, "okta.apps.read", self.list_keys),
            ("POST", jwks, "okta.apps.manage", self.add_key),
            ("GET", jwks + "/{keyId}", "okta.apps.read", self.get_key),
            ("DELETE", jwks + "/{keyId}", "okta.apps.manage", self.delete_key),
            ("POST", jwks + "/{keyId}/lifecycle/activate", "okta.apps.manage", self.activate_key),
            ("POST", jwks + "/{keyId}/lifecycle/deactivate", "okta.apps.manage", self.deactivate_key),
            ("GET", clients, "okta.clients.read", self.list_clients),
            ("POST", clients, "okta.clients.register", self.create_client),
            ("GET", clients + "/{clientId}", "okta.clients.read", self.get_client),
            ("PUT", clients + "/{clientId}", "okta.clients.manage", self.replace_client),
            ("DELETE", clients + "/{clientId}", "okta.clients.manage", self.delete_client),
            ("GET", clients + "/{clientId}/roles", "okta.roles.read", self.list_roles),
            ("POST", clients + "/{clientId}/roles", "okta.roles.manage", self.assign_role),
            ("GET", clients + "/{clientId}/roles/{roleId}", "okta.roles.read", self.get_role),
            ("DELETE", clients + "/{clientId}/roles/{roleId}", "okta.roles.manage", self.unassign_role),
            ("GET", "/api/v1/logs", "okta.logs.read", self.list_logs),
        ):
            regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
            self.routes.append(Route(method, re.compile(regex + "/?"), scope, handler))

    def handle(self, request: Request) -> Response | None:
        """Answer a management request, or return None when no route has this path."""
        path = request.path
        candidates = [(route, match) for route in self.routes if (match := route.pattern.fullmatch(path))]
        if not candidates:
            return None
        chosen = next(((route, match) for route, match in candidates if route.method == request.method), None)
        if chosen is None:
            return okta_error(405, "E0000022", "The endpoint does not support the provided HTTP method")
        route, match = chosen
        try:
            self._authorize(request, route.scope)
            with self.store.lock:
                return route.handler(Call(request, match.groupdict()))
        except _Denied as denied:
            return denied.response
        except OktaApiError as error:
            return error.response

    # -- authorization -------------------------------------------------------------------------------------

    def _authorize(self, request: Request, scope: str) -> None:
        scheme, _, credential = (request.header("Authorization") or "").strip().partition(" ")
        scheme, credential = scheme.lower(), credential.strip()
        if scheme == "ssws" and credential and credential == self.org.ssws_token:
            return
        token = self.store.tokens.get(credential) if scheme in ("bearer", "dpop") and credential else None
        if token is None or token.expires_at <= time.time():
            challenge = self._challenge(request, "Bearer", scope, "invalid_token", None)
            raise _Denied(okta_error(401, "E0000011", "Invalid token provided", (),
                                     ("WWW-Authenticate", challenge)) if scheme in ("bearer", "dpop")
                          else okta_error(401, "E0000011", "Invalid token provided"))
        token_scheme = "DPoP" if token.jkt else "Bearer"
        if scheme == "bearer" and token.jkt:
            self._refuse(request, 400, "DPoP", scope, "invalid_request",
                         "The resource request must use the DPoP authentication scheme when using a DPoP bound "
                         "token.")
        if scheme == "dpop":
            self._check_dpop(request, token, credential, scope)
        if not _scope_satisfied(scope, token):
            self._refuse(request, 403, token_scheme, scope, "insufficient_scope", INSUFFICIENT_SCOPE)
        app = self.store.apps.get(token.client_id)
        if app is None or not app.roles:
            raise _Denied(okta_error(403, "E0000006", "You do not have permission to perform the requested action"))

    def _check_dpop(self, request: Request, token: IssuedToken, credential: str, scope: str) -> None:
        if not token.jkt:
            self._refuse(request, 401, "DPoP", scope, "invalid_token", "The presented access_token is not DPoP bound.")
        values = request.header_values("DPoP")
        if not values:
            self._refuse(request, 400, "DPoP", scope, "invalid_request", "The resource request requires a DPoP proof.")
        store = self.store

        def first_use(jti: str, until: float) -> bool:
            with store.lock:
                return store.remember_jti(store.used_proof_jtis, jti, until, time.time())

        try:
            proof = check_proof(values, method=request.method, url=request.base_url + request.path,
                                now=time.time(), first_use=first_use, access_token=credential)
        except DpopError as exc:
            self._refuse(request, 401, "DPoP", scope, exc.error, exc.description)
        if proof.jkt != token.jkt:
            self._refuse(request, 401, "DPoP", scope, "invalid_dpop_proof",
                         "The access_token is not bound to the provided DPoP proof.")

    def _challenge(self, request: Request, scheme: str, scope: str, error: str, description: str | None) -> str:
        base = request.base_url
        parts = [f'authorization_uri="{base}/oauth2/v1/authorize"', f'realm="{base}"', f'scope="{scope}"',
                 f'error="{error}"']
        if description is not None:
            parts.append(f'error_description="{description}"')
        parts.append(f'resource="{request.raw_path}"')
        if scheme == "DPoP":
            parts.insert(0, f'algs="{" ".join(ALLOWED_ALGS)}"')
        return f"{scheme} " + ", ".join(parts)

    def _refuse(self, request: Request, status: int, scheme: str, scope: str, error: str, description: str) -> None:
        # resource-side OAuth errors come only in WWW-Authenticate, without a body (FACTS §4.4)
        raise _Denied(Response(status, b"", (("WWW-Authenticate",
                                               self._challenge(request, scheme, scope, error, description)),)))

    # -- users ---------------------------------------------------------------------------------------------

    def _user_json(self, base: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
        return lambda user: {**user, "_links": {"self": {"href": f"{base}/api/v1/users/{user['id']}"}}}

    def _user(self, call: Call) -> dict[str, Any]:
        user = self.store.find_user(call.params["userId"])
        if user is None:
            raise not_found(call.params["userId"], "User")
        return user

    def list_users(self, call: Call) -> Response:
        request = call.request
        q, search = request.param("q"), request.param("search") or request.param("filter")
        limit = _limit(request, 10 if q else 200, 200)
        keep: Callable[[dict[str, Any]], bool] | None = None
        if q:
            needle = q.lower()
            fields = ("firstName", "lastName", "email", "login")
            keep = lambda user: any(str(user["profile"].get(f) or "").lower().startswith(needle) for f in fields)  # noqa: E731
        elif search:
            keep = lambda user: _matches(user, search)  # noqa: E731
        items, more = self.store.users.page(request.param("after"), limit, keep)
        cursor = items[-1]["id"] if items else None
        return _page_response(call, items, more, limit, cursor, self._user_json(call.base))

    def create_user(self, call: Call) -> Response:
        profile = call.body().get("profile")
        if not isinstance(profile, dict):
            raise validation_failed("profile", "The field cannot be left blank.")
        for name in ("login", "email"):
            if not isinstance(profile.get(name), str) or not profile[name].strip():
                raise validation_failed(name, "The field cannot be left blank.")
        if self.store.find_user(profile["login"]) is not None:
            raise validation_failed("login", "An object with this field already exists in the current organization")
        activate = (call.request.param("activate") or "true").lower() != "false"
        user = self.store.add_user(profile, status="ACTIVE" if activate else "STAGED")
        return json_response(200, self._user_json(call.base)(user))

    def get_user(self, call: Call) -> Response:
        return json_response(200, self._user_json(call.base)(self._user(call)))

    def update_user(self, call: Call) -> Response:
        user = self._user(call)
        profile = call.body().get("profile", {})
        if not isinstance(profile, dict):
            raise validation_failed("profile", "The value must be an object.")
        user["profile"].update(profile)
        user["lastUpdated"] = now_text()
        return json_response(200, self._user_json(call.base)(user))

    def replace_user(self, call: Call) -> Response:
        user = self._user(call)
        profile = call.body().get("profile")
        if not isinstance(profile, dict) or not profile.get("login") or not profile.get("email"):
            raise validation_failed("profile", "login and email cannot be left blank.")
        user["profile"] = dict(profile)
        user["lastUpdated"] = now_text()
        return json_response(200, self._user_json(call.base)(user))

    def delete_user(self, call: Call) -> Response:
        user = self._user(call)
        if user["status"] != "DEPROVISIONED":  # the first delete deactivates, the second deletes (as Okta)
            user["status"] = "DEPROVISIONED"
            user["statusChanged"] = user["lastUpdated"] = now_text()
            return Response(204)
        self.store.users.remove(user["id"])
        for members in self.store.group_members.values():
            if user["id"] in members:
                members.remove(user["id"])
        return Response(204)

    # -- groups --------------------------------------------------------------------------------------------

    def _group_json(self, base: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
        def render(group: dict[str, Any]) -> dict[str, Any]:
            href = f"{base}/api/v1/groups/{group['id']}"
            return {**group, "_links": {"self": {"href": href}, "users": {"href": href + "/users"}}}

        return render

    def _group(self, call: Call) -> dict[str, Any]:
        group = self.store.groups.get(call.params["groupId"])
        if group is None:
            raise not_found(call.params["groupId"], "UserGroup")
        return group

    def list_groups(self, call: Call) -> Response:
        request = call.request
        q, search = request.param("q"), request.param("search") or request.param("filter")
        limit = _limit(request, 10000, 10000)
        keep: Callable[[dict[str, Any]], bool] | None = None
        if q:
            keep = lambda group: str(group["profile"].get("name") or "").lower().startswith(q.lower())  # noqa: E731
        elif search:
            keep = lambda group: _matches(group, search)  # noqa: E731
        items, more = self.store.groups.page(request.param("after"), limit, keep)
        cursor = items[-1]["id"] if items else None
        return _page_response(call, items, more, limit, cursor, self._group_json(call.base))

    def _group_profile(self, call: Call) -> dict[str, Any]:
        profile = call.body().get("profile")
        if not isinstance(profile, dict) or not isinstance(profile.get("name"), str) or not profile["name"]:
            raise validation_failed("name", "The field cannot be left blank.")
        return profile

    def create_group(self, call: Call) -> Response:
        group = self.store.add_group(self._group_profile(call))
        return json_response(200, self._group_json(call.base)(group))

    def get_group(self, call: Call) -> Response:
        return json_response(200, self._group_json(call.base)(self._group(call)))

    def replace_group(self, call: Call) -> Response:
        group = self._group(call)
        if group["type"] == "BUILT_IN":
            raise OktaApiError(403, "E0000006", "You do not have permission to perform the requested action")
        profile = self._group_profile(call)
        group["profile"] = {"name": profile["name"], "description": profile.get("description")}
        group["lastUpdated"] = now_text()
        return json_response(200, self._group_json(call.base)(group))

    def delete_group(self, call: Call) -> Response:
        group = self._group(call)
        if group["type"] == "BUILT_IN":
            raise OktaApiError(403, "E0000006", "You do not have permission to perform the requested action")
        self.store.groups.remove(group["id"])
        self.store.group_members.pop(group["id"], None)
        return Response(204)

    def list_group_users(self, call: Call) -> Response:
        group = self._group(call)
        request = call.request
        limit = _limit(request, 1000, 1000)
        member_ids = set(self.store.members_of(group))
        items, more = self.store.users.page(request.param("after"), limit, lambda user: user["id"] in member_ids)
        cursor = items[-1]["id"] if items else None
        return _page_response(call, items, more, limit, cursor, self._user_json(call.base))

    def add_group_user(self, call: Call) -> Response:
        group, user = self._group(call), self._user(call)
        if group["type"] == "BUILT_IN":
            raise OktaApiError(403, "E0000006", "You do not have permission to perform the requested action")
        members = self.store.group_members.setdefault(group["id"], [])
        if user["id"] not in members:
            members.append(user["id"])
        return Response(204)

    def remove_group_user(self, call: Call) -> Response:
        group, user = self._group(call), self._user(call)
        members = self.store.group_members.get(group["id"], [])
        if user["id"] in members:
            members.remove(user["id"])
        return Response(204)

    # -- apps ----------------------------------------------------------------------------------------------

    def _app(self, call: Call, name: str = "appId") -> App:
        app = self.store.apps.get(call.params[name])
        if app is None:
            raise not_found(call.params[name], "Application")
        return app

    def _app_json(self, app: App, base: str) -> dict[str, Any]:
        href = f"{base}/api/v1/apps/{app.id}"
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
            "settings": {"app": {}, "oauthClient": {
                "application_type": app.application_type,
                "grant_types": list(app.grant_types),
                "response_types": ["token"] if app.application_type == "service" else ["code"],
                "redirect_uris": [],
                "consent_method": "TRUSTED",
                "issuer_mode": "DYNAMIC",
                "dpop_bound_access_tokens": app.dpop_bound_access_tokens,
            }},
            "_links": {"self": {"href": href}, "jwks": {"href": href + "/credentials/jwks"}},
        }

    def list_apps(self, call: Call) -> Response:
        request = call.request
        limit = _limit(request, 20, 200)
        q = (request.param("q") or "").lower()
        apps = [app for app in self.store.apps.values()
                if not q or app.label.lower().startswith(q) or app.name.lower().startswith(q)]
        after = request.param("after")
        if after:
            apps = [app for app in apps if app.id > after]
        page, more = apps[:limit], len(apps) > limit
        return _page_response(call, [{"id": app.id} for app in page], more, limit,
                              page[-1].id if page else None,
                              lambda item: self._app_json(self.store.apps[item["id"]], call.base))

    def _apply_app_body(self, app: App, body: dict[str, Any]) -> None:
        label = body.get("label", app.label)
        if not isinstance(label, str) or not label.strip():
            raise validation_failed("label", "The field cannot be left blank.")
        app.label = label
        oauth = body.get("settings", {}).get("oauthClient", {}) if isinstance(body.get("settings"), dict) else {}
        if isinstance(oauth, dict):
            dpop = oauth.get("dpop_bound_access_tokens", app.dpop_bound_access_tokens)
            if not isinstance(dpop, bool):
                raise validation_failed("dpop_bound_access_tokens", "The value must be true or false.")
            app.dpop_bound_access_tokens = dpop
            grant_types = oauth.get("grant_types", app.grant_types)
            if isinstance(grant_types, list) and all(isinstance(g, str) for g in grant_types):
                app.grant_types = list(grant_types)
            application_type = oauth.get("application_type", app.application_type)
            if isinstance(application_type, str):
                app.application_type = application_type
        app.last_updated = now_text()

    def create_app(self, call: Call) -> Response:
        body = call.body()
        credentials = body.get("credentials", {})
        method = (credentials.get("oauthClient", {}) if isinstance(credentials, dict) else {}).get(
            "token_endpoint_auth_method", "private_key_jwt")
        app = self.store.add_app(label="new app", name=str(body.get("name") or "oidc_client"),
                                 auth_method=str(method), sign_on_mode=str(body.get("signOnMode") or
                                                                            "OPENID_CONNECT"))
        try:
            self._apply_app_body(app, body)
            keys = (body.get("settings", {}).get("oauthClient", {}).get("jwks", {}) or {}).get("keys", [])
            for jwk in keys if isinstance(keys, list) else []:
                self.store.add_key(app, _public_jwk(jwk, app.keys))
        except (OktaApiError, AttributeError):
            del self.store.apps[app.id]
            raise
        if (call.request.param("activate") or "true").lower() == "false":
            app.status = "INACTIVE"
        return json_response(200, self._app_json(app, call.base))

    def get_app(self, call: Call) -> Response:
        return json_response(200, self._app_json(self._app(call), call.base))

    def replace_app(self, call: Call) -> Response:
        app = self._app(call)
        self._apply_app_body(app, call.body())
        return json_response(200, self._app_json(app, call.base))

    def delete_app(self, call: Call) -> Response:
        app = self._app(call)
        if app.status == "ACTIVE":
            raise OktaApiError(400, "E0000056", "Delete application forbidden.",
                               ("The application must be deactivated before it can be deleted.",))
        del self.store.apps[app.id]
        return Response(204)

    def activate_app(self, call: Call) -> Response:
        self._app(call).status = "ACTIVE"
        return json_response(200, {})

    def deactivate_app(self, call: Call) -> Response:
        app = self._app(call)
        if app is self.org.service_app:
            raise OktaApiError(403, "E0000006", "You do not have permission to perform the requested action")
        app.status = "INACTIVE"
        return json_response(200, {})

    # -- grants --------------------------------------------------------------------------------------------

    def _grant_json(self, grant: dict[str, Any], app: App, base: str) -> dict[str, Any]:
        href = f"{base}/api/v1/apps/{app.id}/grants/{grant['id']}"
        return {**grant, "_embedded": {"scope": {"id": grant["scopeId"]}},
                "_links": {"self": {"href": href}, "app": {"href": f"{base}/api/v1/apps/{app.id}"}}}

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
        if not isinstance(scope, str) or not _SCOPE_ID.fullmatch(scope) or scope.endswith(".self"):
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

    # -- JWKS credentials ----------------------------------------------------------------------------------

    def _key_json(self, key: AppKey, app: App, base: str) -> dict[str, Any]:
        href = f"{base}/api/v1/apps/{app.id}/credentials/jwks/{key.id}"
        lifecycle = "deactivate" if key.status == "ACTIVE" else "activate"
        return {"id": key.id, **key.jwk, "status": key.status, "created": key.created,
                "lastUpdated": key.last_updated,
                "_links": {"self": {"href": href}, lifecycle: {"href": f"{href}/lifecycle/{lifecycle}"}}}

    def _key(self, call: Call, app: App) -> AppKey:
        wanted = call.params["keyId"]
        key = next((k for k in app.keys if k.id == wanted), None) or next(
            (k for k in app.keys if k.kid == wanted), None)
        if key is None:
            raise not_found(wanted, "OAuth2ClientJsonWebKey")
        return key

    def list_keys(self, call: Call) -> Response:
        app = self._app(call)
        return json_response(200, [self._key_json(k, app, call.base) for k in app.keys])

    def add_key(self, call: Call) -> Response:
        app = self._app(call)
        body = call.body()
        if len(app.keys) >= _MAX_KEYS:
            raise validation_failed("jwks", f"An app can hold at most {_MAX_KEYS} keys.")
        status = body.get("status", "ACTIVE")
        if status not in ("ACTIVE", "INACTIVE"):
            raise validation_failed("status", "The value must be ACTIVE or INACTIVE.")
        key = self.store.add_key(app, _public_jwk(body, app.keys), status=status)
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

    # -- OAuth clients (dynamic client registration) -------------------------------------------------------

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
            "_links": {"app": {"href": f"{base}/api/v1/apps/{app.id}"}},
        }

    def _client_fields(self, app: App, body: dict[str, Any]) -> None:
        name = body.get("client_name")
        if not isinstance(name, str) or not name.strip():
            raise validation_failed("client_name", "The field cannot be left blank.")
        app.label = name
        for field_name in ("grant_types",):
            value = body.get(field_name)
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                app.grant_types = list(value)
        for attr, field_name in (("application_type", "application_type"),
                                 ("token_endpoint_auth_method", "token_endpoint_auth_method")):
            value = body.get(field_name)
            if isinstance(value, str):
                setattr(app, attr, value)
        if isinstance(body.get("dpop_bound_access_tokens"), bool):
            app.dpop_bound_access_tokens = body["dpop_bound_access_tokens"]
        app.last_updated = now_text()

    def list_clients(self, call: Call) -> Response:
        request = call.request
        limit = _limit(request, 20, 200)
        q = (request.param("q") or "").lower()
        apps = [app for app in self.store.apps.values() if app.sign_on_mode == "OPENID_CONNECT"
                and (not q or app.label.lower().startswith(q))]
        after = request.param("after")
        if after:
            apps = [app for app in apps if app.id > after]
        page, more = apps[:limit], len(apps) > limit
        return _page_response(call, [{"id": app.id} for app in page], more, limit,
                              page[-1].id if page else None,
                              lambda item: self._client_json(self.store.apps[item["id"]], call.base))

    def create_client(self, call: Call) -> Response:
        body = call.body()
        app = self.store.add_app(label="new client", application_type="web", grant_types=["authorization_code"],
                                 auth_method="client_secret_basic")
        try:
            self._client_fields(app, body)
            jwks = body.get("jwks") or {}
            for jwk in jwks.get("keys", []) if isinstance(jwks, dict) else []:
                self.store.add_key(app, _public_jwk(jwk, app.keys))
        except OktaApiError:
            del self.store.apps[app.id]
            raise
        return json_response(201, self._client_json(app, call.base))

    def get_client(self, call: Call) -> Response:
        return json_response(200, self._client_json(self._app(call, "clientId"), call.base))

    def replace_client(self, call: Call) -> Response:
        app = self._app(call, "clientId")
        self._client_fields(app, call.body())
        return json_response(200, self._client_json(app, call.base))

    def delete_client(self, call: Call) -> Response:
        app = self._app(call, "clientId")
        if app is self.org.service_app:
            raise OktaApiError(403, "E0000006", "You do not have permission to perform the requested action")
        del self.store.apps[app.id]
        return Response(204)

    # -- client roles --------------------------------------------------------------------------------------

    def _role_json(self, role: dict[str, Any], app: App, base: str) -> dict[str, Any]:
        href = f"{base}/oauth2/v1/clients/{app.id}/roles/{role['id']}"
        return {**role, "_links": {"self": {"href": href}, "assignee": {"href": f"{base}/oauth2/v1/clients/{app.id}"}}}

    def _role(self, call: Call, app: App) -> dict[str, Any]:
        role = next((r for r in app.roles if r["id"] == call.params["roleId"]), None)
        if role is None:
            raise not_found(call.params["roleId"], "RoleAssignment")
        return role

    def list_roles(self, call: Call) -> Response:
        app = self._app(call, "clientId")
        return json_response(200, [self._role_json(r, app, call.base) for r in app.roles])

    def assign_role(self, call: Call) -> Response:
        app = self._app(call, "clientId")
        role_type = call.body().get("type")
        if role_type not in ROLE_TYPES:
            raise validation_failed("type", f"The value must be one of {', '.join(ROLE_TYPES)}.")
        role = next((r for r in app.roles if r["type"] == role_type), None) or self.store.add_role(app, role_type)
        return json_response(200, self._role_json(role, app, call.base))

    def get_role(self, call: Call) -> Response:
        app = self._app(call, "clientId")
        return json_response(200, self._role_json(self._role(call, app), app, call.base))

    def unassign_role(self, call: Call) -> Response:
        app = self._app(call, "clientId")
        app.roles.remove(self._role(call, app))
        return Response(204)

    # -- System Log ----------------------------------------------------------------------------------------

    def list_logs(self, call: Call) -> Response:
        request = call.request
        limit = _limit(request, 100, 1000)
        since, until = request.param("since"), request.param("until")
        q = (request.param("q") or "").lower()
        log_filter = request.param("filter")

        def keep(event: dict[str, Any]) -> bool:
            if since and event["published"] < since:
                return False
            if until and event["published"] >= until:
                return False
            if q and q not in str(event).lower():
                return False
            return not log_filter or _matches(event, log_filter)

        items, more = self.store.logs.page(request.param("after"), limit, keep)
        cursor = items[-1]["uuid"] if items else None
        return _page_response(call, items, more, limit, cursor, dict)


def _scope_satisfied(scope: str, token: IssuedToken) -> bool:
    if scope in token.scopes:
        return True
    return scope.endswith(".read") and scope.removesuffix(".read") + ".manage" in token.scopes
