"""The checks that read the app with an admin credential: the app, its keys, DPoP, scopes and admin role."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from oktatool.core.errors import Hint, OktaToolError, joined
from oktatool.core.okta.doctor_report import ADMIN_CHECKS, FAIL, PASS, SKIP, WARN
from oktatool.core.okta.doctor_run import DoctorRun
from oktatool.core.okta.explain_builders import dpop_rule_fix

if TYPE_CHECKING:
    from oktatool.core.okta.api import ApiClient
    from oktatool.core.okta.apps import ServiceApp

#: the admin scopes an admin profile's token needs for the checks
ADMIN_SCOPES = ("okta.apps.read", "okta.appGrants.read", "okta.roles.read")


class AppChecks(DoctorRun):
    """The checks of a diagnosis that need an admin credential (skipped, with the reason, without one)."""

    def admin_checks(self) -> None:
        from oktatool.core.errors import ApiError
        from oktatool.core.okta.admin import admin_api
        from oktatool.core.okta.apps import get_app

        given = self.given
        if given.admin is None:
            for check_id in ADMIN_CHECKS:
                self.add(check_id, SKIP, joined(["skipped: ", given.no_admin_reason]))
            return
        assert self.org is not None
        try:
            api = admin_api(self.org, given.admin, self.http, ADMIN_SCOPES)
            app = get_app(api, given.client_id)
        except ApiError as exc:
            status = FAIL
            not_found = exc.code == "E0000007" or "not found" in exc.description.lower()
            detail = (f"there is no app with client id {given.client_id} in {self.org.base}" if not_found
                      else f"the app could not be read: {exc.description}")
            fix = ("check the client id (Applications > your app > General > Client Credentials)" if not_found
                   else exc.hint or "check the admin credential")
            self.add("app-exists", status, detail, fix)
            for check_id in ADMIN_CHECKS[1:]:
                self.add(check_id, SKIP, "skipped: the app could not be read")
            return
        except OktaToolError as exc:
            self.add("app-exists", FAIL, f"the app could not be read: {exc.description}", exc.hint or "")
            for check_id in ADMIN_CHECKS[1:]:
                self.add(check_id, SKIP, "skipped: the app could not be read")
            return
        self.check_app(app)
        self.check_jwks(api, app.jwks_uri)
        self.check_dpop(app)
        self.check_scopes(api)
        self.check_role(api)

    def check_app(self, app: ServiceApp) -> None:
        if app.status != "ACTIVE":
            self.add("app-exists", FAIL, f"{app.label!r} ({app.id}) is {app.status}: Okta answers its token "
                                         "requests with invalid_client",
                     f"activate it: Applications > {app.label} > Activate, or POST /api/v1/apps/{app.id}/lifecycle/"
                     "activate")
        else:
            self.add("app-exists", PASS, f"{app.label!r} ({app.id}) is ACTIVE")
        if app.application_type != "service" or "client_credentials" not in app.grant_types:
            grants = ", ".join(app.grant_types) or "none"
            self.add("app-type", FAIL, f"the app is a {app.application_type or 'non-OAuth'} app (grant types "
                                       f"{grants}); only API Services apps may use client_credentials with the "
                                       "org authorization server",
                     "create an API Services app (oktatool app create, or Applications > Create App Integration "
                     "> API Services)")
        else:
            self.add("app-type", PASS, "application_type service, grant type client_credentials")
        if app.auth_method.startswith("client_secret_"):
            given, org = self.given, self.org.base if self.org is not None else self.given.org_text
            self.add("app-auth", FAIL, f"the app still authenticates with a client secret ({app.auth_method}): "
                                       "\"Client Credentials requests to the Org Authorization Server must use the "
                                       "private_key_jwt token_endpoint_auth_method.\"",
                     Hint("move it to a key pair (it lists the secrets that go, and asks first): oktatool app "
                          "migrate-to-key " + (f"--profile {shlex.quote(given.profile)}" if given.profile else
                                               f"--org {shlex.quote(org)} --client-id {shlex.quote(given.client_id)}")
                          + " ADMIN",
                          window="move it to a key pair: Service app > Move to a key pair… (it lists the "
                                 "secrets that go, and asks first)"))
        elif app.auth_method != "private_key_jwt":
            self.add("app-auth", FAIL, f"the app authenticates with {app.auth_method or 'nothing'}: \"Client "
                                       "Credentials requests to the Org Authorization Server must use the "
                                       "private_key_jwt token_endpoint_auth_method.\"",
                     "in the app's General tab choose Client authentication: Public key / Private key, and add "
                     "the public key")
        else:
            self.add("app-auth", PASS, "token_endpoint_auth_method private_key_jwt")

    def check_jwks(self, api: ApiClient, jwks_uri: str | None) -> None:
        from oktatool.core.okta.apps import AppKey
        from oktatool.core.okta.doctor_jwks_uri import jwks_uri_checks, other_public_key

        given = self.given
        kid = given.kid or (given.key.kid if given.key is not None else None)
        if jwks_uri is not None:
            assert self.org is not None
            jwks_uri_checks(jwks_uri, kid, given.key, self.org, self.http, self.add)
            return
        try:
            raw = api.call("GET", f"/api/v1/apps/{given.client_id}/credentials/jwks").items()
            keys = [AppKey.from_json(item) for item in raw]
        except OktaToolError as exc:
            self.add("jwks-kid", FAIL, f"the app's keys could not be read: {exc.description}", exc.hint or "")
            self.add("jwks-active", SKIP, "skipped: the app's keys could not be read")
            return
        kids = ", ".join(f"{k.kid or '(no kid)'} {k.status}" for k in keys) or "no keys"
        if not kid:
            self.add("jwks-kid", SKIP, f"our key has no kid to look for (the app holds {kids})")
            self.add("jwks-active", SKIP, "skipped: our key has no kid")
            return
        index = next((i for i, k in enumerate(keys) if k.kid == kid), None)
        add_fix = "add our public key: oktatool app keys add FILE (or the app's General tab > Add key)"
        if index is None:
            self.add("jwks-kid", FAIL, f"the app's JWKS has no key with kid {kid} (it holds {kids}); Okta answers "
                                       "\"The client_assertion JWT kid is invalid.\"", add_fix)
            self.add("jwks-active", SKIP, "skipped: our kid is not registered")
            return
        mismatch = other_public_key(raw[index], given.key)
        if mismatch:
            self.add("jwks-kid", FAIL, f"kid {kid} is registered, but for a different public key: Okta answers "
                                       "\"The client_assertion signature is invalid.\"",
                     "use the private key that belongs to the registered kid, or register ours with a new kid")
        else:
            self.add("jwks-kid", PASS, f"kid {kid} is registered ({len(keys)} key(s) in all)")
        key = keys[index]
        if key.active:
            self.add("jwks-active", PASS, f"{kid} is ACTIVE")
        else:
            self.add("jwks-active", FAIL, f"{kid} is {key.status}: Okta answers \"The client_assertion JWT kid is "
                                          "invalid.\"", f"activate it: oktatool app keys activate {kid}")

    def check_dpop(self, app: ServiceApp) -> None:
        ours, local = self.given.dpop, self.given.local_sandbox
        if app.dpop_required and not ours:
            self.add("dpop", FAIL, "the app requires DPoP-bound tokens, the profile asks for Bearer: Okta answers "
                                   "\"The DPoP proof JWT header is missing.\"",
                     dpop_rule_fix(app_requires=True, local_sandbox=local))
        elif ours and not app.dpop_required:
            self.add("dpop", WARN, "the profile sends DPoP proofs, but the app does not require DPoP: Okta issues "
                                   "a Bearer token", dpop_rule_fix(app_requires=False, local_sandbox=local))
        else:
            self.add("dpop", PASS, "both use DPoP" if ours else "neither uses DPoP (Bearer tokens)")

    def check_scopes(self, api: ApiClient) -> None:
        from oktatool.core.okta.grants import AppAccess

        if self.given.auth_server:
            self.add("scopes", SKIP, "a custom server's scopes are not Okta API grants: its policy rule allows them "
                                     "(checked below)")
            return
        try:
            access = AppAccess(api, self.given.client_id, api.org_url)
            granted = {g.scope_id for g in access.list_grants() if g.active}
        except OktaToolError as exc:
            self.add("scopes", FAIL, f"the app's grants could not be read: {exc.description}", exc.hint or "")
            return
        asked = self.given.scopes
        if not asked:
            self.add("scopes", WARN, f"no scopes asked; granted: {' '.join(sorted(granted)) or 'none'}",
                     Hint("say which scopes the app should get (--scopes, or the profile's scopes)",
                          window="say which scopes the app should get (the profile's scopes, in Edit profiles…)"))
            return
        missing = [s for s in asked if s not in granted]
        if missing:
            self.add("scopes", FAIL, f"not granted: {' '.join(missing)}; Okta answers invalid_scope or \"You are "
                                     "not allowed any of the requested scopes.\"",
                     f"grant them: oktatool app grants grant {' '.join(missing)} (Okta API Scopes tab)")
        else:
            self.add("scopes", PASS, f"granted: {' '.join(asked)}")

    def check_role(self, api: ApiClient) -> None:
        from oktatool.core.okta.grants import AppAccess

        try:
            roles = [r.type for r in AppAccess(api, self.given.client_id, api.org_url).list_roles()]
        except OktaToolError as exc:
            self.add("role", FAIL, f"the app's roles could not be read: {exc.description}", exc.hint or "")
            return
        fix = "assign one: oktatool app roles assign SUPER_ADMIN (or a role that covers the scopes)"
        if not roles:
            self.add("role", FAIL, "no admin role: every API call answers 403 E0000006 \"You do not have permission "
                                   "to perform the requested action\"", fix)
        elif all(r == "READ_ONLY_ADMIN" for r in roles) and any(s.endswith(".manage") for s in self.given.scopes):
            self.add("role", FAIL, "the only role is READ_ONLY_ADMIN: the changes the .manage scopes allow answer "
                                   "403 E0000006", fix)
        else:
            self.add("role", PASS, "assigned: " + ", ".join(roles))
