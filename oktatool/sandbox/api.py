"""The management API: route a request to its operation and authorize it the way Okta does.

Every operation names the scope it needs (FACTS §1.1, §1.4). SSWS tokens pass every check; access tokens
must carry the scope (``.manage`` satisfies ``.read``), use the right scheme (DPoP-bound tokens need
``Authorization: DPoP`` and a proof), and their app must hold an admin role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NoReturn

from oktatool.sandbox.apps import AppRoutes
from oktatool.sandbox.authservers import AuthServerRoutes
from oktatool.sandbox.clients import ClientRoutes
from oktatool.sandbox.custom_roles import CustomRoleRoutes
from oktatool.sandbox.directory import DirectoryRoutes
from oktatool.sandbox.dpop import DpopError, check_proof
from oktatool.sandbox.jose import ALLOWED_ALGS
from oktatool.sandbox.logs import LogRoutes
from oktatool.sandbox.messages import ApiRefusal, Call, Handler, Request, Response, no_permission, okta_error
from oktatool.sandbox.org import SandboxOrg
from oktatool.sandbox.reach import Operation, Reach
from oktatool.sandbox.resource_sets import ResourceSetRoutes
from oktatool.sandbox.role_targets import RoleTargetRoutes
from oktatool.sandbox.store import IssuedToken
from oktatool.sandbox.tokens import AppTokenRoutes

INSUFFICIENT_SCOPE = "The access token provided does not contain the required scopes."
#: changing grants or admin roles takes a Super Admin (FACTS §5.3); other roles get E0000006
SUPER_ADMIN_ONLY = frozenset({"okta.appGrants.manage", "okta.roles.manage"})


@dataclass(frozen=True)
class Route:
    """One operation: method, path pattern, required scope and handler."""

    method: str
    pattern: re.Pattern[str]
    scope: str
    handler: Handler


class ManagementApi:
    """Route, authorize and answer management API requests."""

    def __init__(self, org: SandboxOrg) -> None:
        self.org = org
        self.store = org.store
        self.routes: list[Route] = []
        self.reach = Reach(org.store)
        for provider in (DirectoryRoutes(org), AppRoutes(org), AppTokenRoutes(org), ClientRoutes(org),
                         RoleTargetRoutes(org), CustomRoleRoutes(org), ResourceSetRoutes(org), LogRoutes(org),
                         AuthServerRoutes(org)):
            for method, template, scope, handler in provider.routes():
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
            visible = self._authorize(request, route.scope, match.groupdict())
            call = Call(request, match.groupdict(), visible)
            if request.method == "GET":
                with self.store.lock:
                    return route.handler(call)
            with self.org.changing():
                response = route.handler(call)
                if response.status < 400:
                    self.org.changed()
                return response
        except ApiRefusal as refusal:
            return refusal.response

    # -- authorization -------------------------------------------------------------------------------------

    def _authorize(self, request: Request, scope: str, params: dict[str, str]) -> frozenset[str] | None:
        """Refuse the request as Okta would, or return the ids a list may show the caller (None: all)."""
        scheme, _, credential = (request.header("Authorization") or "").strip().partition(" ")
        scheme, credential = scheme.lower(), credential.strip()
        if scheme == "ssws" and credential and credential == self.org.ssws_token:
            return None
        token = self.store.tokens.get(credential) if scheme in ("bearer", "dpop") and credential else None
        if token is None or token.expires_at <= self.org.now():
            challenge = (("WWW-Authenticate", self._challenge(request, "Bearer", scope, "invalid_token", None)),)
            raise ApiRefusal(okta_error(401, "E0000011", "Invalid token provided", (),
                                        *(challenge if scheme in ("bearer", "dpop") else ())))
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
            raise no_permission()
        if scope in SUPER_ADMIN_ONLY and not any(role["type"] == "SUPER_ADMIN" for role in app.roles):
            raise no_permission()  # "Only the Super Admin role has the permissions to grant scopes to an app."
        operation = Operation(request.method, scope, request.path, params)
        with self.store.lock:
            # a read-only admin never changes anything; a scoped or custom role reaches only its targets
            if not self.reach.allows(app, operation):
                raise no_permission()
            return self.reach.visible(app, operation)

    def _check_dpop(self, request: Request, token: IssuedToken, credential: str, scope: str) -> None:
        if not token.jkt:
            self._refuse(request, 401, "DPoP", scope, "invalid_token", "The presented access_token is not DPoP bound.")
        values = request.header_values("DPoP")
        if not values:
            self._refuse(request, 400, "DPoP", scope, "invalid_request", "The resource request requires a DPoP proof.")
        store = self.store

        def first_use(jti: str, until: float) -> bool:
            with store.lock:
                return store.remember_jti(store.used_proof_jtis, jti, until, self.org.now())

        try:
            proof = check_proof(values, method=request.method, url=request.base_url + request.path,
                                now=self.org.now(), first_use=first_use, access_token=credential)
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

    def _refuse(self, request: Request, status: int, scheme: str, scope: str, error: str,
                description: str) -> NoReturn:
        # resource-side OAuth errors come only in WWW-Authenticate, without a body (FACTS §4.4)
        raise ApiRefusal(Response(status, b"", (("WWW-Authenticate",
                                               self._challenge(request, scheme, scope, error, description)),)))


def _scope_satisfied(scope: str, token: IssuedToken) -> bool:
    if scope in token.scopes:
        return True
    return scope.endswith(".read") and scope.removesuffix(".read") + ".manage" in token.scopes
