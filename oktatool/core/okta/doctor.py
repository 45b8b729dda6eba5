"""Diagnose a service app: walk every cause of the top problems (FACTS §7) and say which one it is.

Each check ends pass, warn, fail or skip, with a detail and a fix. The checks that need no network (the org
URL's form, the key's type, algorithm and kid) come first and always run, so an org that cannot be reached
(offline, a dead port) still hears what is wrong on this side. Checks that need an admin credential are
skipped, with the reason, when there is none; the live checks (a real token, one cheap call) are skipped
while an earlier check fails, so a broken set-up shows one failure: its cause.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from oktatool.core.encoding import loads_answer
from oktatool.core.errors import Hint, OktaToolError, joined
from oktatool.core.okta.doctor_authserver import AS_CHECKS
from oktatool.core.okta.explain_builders import dpop_rule_fix

if TYPE_CHECKING:
    import requests

    from oktatool.core.keys.key import Key
    from oktatool.core.okta.admin import AdminCredential
    from oktatool.core.okta.api import ApiClient
    from oktatool.core.okta.apps import ServiceApp
    from oktatool.core.okta.authserver import AuthServer
    from oktatool.core.okta.client import OktaClient
    from oktatool.core.okta.http import HttpOptions
    from oktatool.core.okta.orgurl import OrgUrl

PASS, WARN, FAIL, SKIP = "pass", "warn", "fail", "skip"
#: a clock this far off makes assertions expired or "too far into the future", and DPoP iat refused
SKEW_FAIL_SECONDS = 300
SKEW_WARN_SECONDS = 60
NO_ADMIN = Hint("needs an admin credential (--api-token-file FILE or --admin-profile NAME)",
                window="needs an admin credential (an API token or an admin profile)")
#: the admin scopes an admin profile's token needs for the checks
ADMIN_SCOPES = ("okta.apps.read", "okta.appGrants.read", "okta.roles.read")


@dataclass(frozen=True)
class Check:
    """The outcome of one check."""

    id: str
    title: str
    status: str
    detail: str
    fix: str = ""

    def to_dict(self) -> dict[str, str]:
        """Return the check as the JSON object of ``doctor --json``."""
        return {"id": self.id, "title": self.title, "status": self.status, "detail": self.detail, "fix": self.fix}


@dataclass(frozen=True)
class DoctorReport:
    """Every check, in the order they ran."""

    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        """Say whether no check failed."""
        return all(c.status != FAIL for c in self.checks)

    def check(self, check_id: str) -> Check:
        """Return the check with this id."""
        return next(c for c in self.checks if c.id == check_id)

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"ok": bool, "checks": [...]}``."""
        return {"ok": self.ok, "checks": [c.to_dict() for c in self.checks]}


@dataclass(frozen=True)
class DoctorInput:
    """What to diagnose: the org as typed, the app, its key, the scopes and DPoP the profile uses."""

    org_text: str
    client_id: str
    key: Key | None = field(default=None, repr=False)
    kid: str | None = None
    scopes: tuple[str, ...] = ()
    dpop: bool = False
    http: HttpOptions | None = None
    admin: AdminCredential | None = field(default=None, repr=False)
    #: why there is no admin credential (shown on the skipped checks)
    no_admin_reason: str = NO_ADMIN
    #: build the client acting as the app (default: from the fields above)
    client_factory: Callable[[], OktaClient] | None = field(default=None, repr=False)
    #: the app lives in the Local sandbox (fixes name this program's dialogs, not an Admin Console)
    local_sandbox: bool = False
    #: the authorization server the profile's tokens come from ("": the org server)
    auth_server: str = ""
    #: the profile diagnosed, if any (a fix names it as the command's TARGET)
    profile: str | None = None


#: every check, in order: id -> title
CHECKS = {
    "org-url": "Org URL is the org authorization server (custom-AS and -admin traps)",
    "key-alg": "Key type and algorithm Okta accepts",
    "tls": "Org reachable, TLS verified",
    "metadata": "Org authorization server metadata served",
    "clock": "Clock skew against the org",
    "app-exists": "App exists and is ACTIVE",
    "app-type": "App is an API Services (service) app",
    "app-auth": "App authenticates with private_key_jwt",
    "jwks-kid": "App's JWKS holds our kid",
    "jwks-active": "Our key is ACTIVE",
    "dpop": "DPoP required by the app vs the profile",
    "scopes": "Scopes granted vs asked",
    "role": "Admin role assigned",
    "token": "Real token request",
    "api-call": "One cheap API call",
}
ADMIN_CHECKS = ("app-exists", "app-type", "app-auth", "jwks-kid", "jwks-active", "dpop", "scopes", "role")


class _Doctor:
    def __init__(self, given: DoctorInput, on_check: Callable[[Check], None] | None) -> None:
        from oktatool.core.okta.http import HttpOptions

        self.given = given
        self.http = given.http or HttpOptions()
        self.on_check = on_check
        self.checks: list[Check] = []
        self.org: OrgUrl | None = None
        self.metadata_response: requests.Response | None = None
        self.sent_at = 0.0
        self.titles = {**CHECKS, **(AS_CHECKS if given.auth_server else {})}

    def add(self, check_id: str, status: str, detail: str, fix: str = "") -> Check:
        check = Check(check_id, self.titles[check_id], status, detail, fix)
        self.checks.append(check)
        if self.on_check is not None:
            self.on_check(check)
        return check

    def skip_rest(self, reason: str) -> None:
        done = {c.id for c in self.checks}
        for check_id in self.titles:
            if check_id not in done:
                self.add(check_id, SKIP, reason)

    @property
    def failing(self) -> list[str]:
        return [c.id for c in self.checks if c.status == FAIL]

    def run(self) -> DoctorReport:
        usable = self.check_org_url()
        self.check_key()  # needs no network: said even when the org cannot be reached
        if not usable:
            self.skip_rest("skipped: the org URL is not usable")
        elif not self.check_tls():
            self.skip_rest("skipped: the org cannot be reached")
        else:
            self.check_metadata()
            self.check_clock()
            self.admin_checks()
            self.server_checks()
            self.live_checks()
        return DoctorReport(tuple(self.checks))

    # -- connection ----------------------------------------------------------------------------------------

    def check_org_url(self) -> bool:
        from oktatool.core.errors import OrgUrlError
        from oktatool.core.okta.orgurl import parse_org_url

        try:
            self.org = parse_org_url(self.given.org_text)
        except OrgUrlError as exc:
            self.add("org-url", FAIL, exc.description, exc.hint or "")
            return False
        server = self.server
        self.add("org-url", PASS, f"{self.org.base}: tokens come from {server.label} {server.token_url}")
        return True

    @property
    def server(self) -> AuthServer:
        from oktatool.core.okta.authserver import auth_server

        assert self.org is not None
        return auth_server(self.org, self.given.auth_server)

    def server_checks(self) -> None:
        from oktatool.core.okta.doctor_authserver import custom_server_checks

        given = self.given
        if not self.server.is_org:
            custom_server_checks(self.server, given.admin, given.no_admin_reason, self.http, given.client_id,
                                 given.scopes, self.add)

    def trust(self) -> str:
        ca = self.http.ca_bundle
        return "the system trust store" + (f" and the CA bundle {ca}" if ca is not None else "")

    def check_tls(self) -> bool:
        import requests

        from oktatool.core.okta.http import explain_network_error, new_session

        assert self.org is not None
        url = self.org.url("/.well-known/oauth-authorization-server")
        try:
            session = new_session(self.http)
            self.sent_at = time.time()
            self.metadata_response = session.get(url, timeout=self.http.timeout, allow_redirects=False)
        except OktaToolError as exc:
            self.add("tls", FAIL, exc.description, exc.hint or "")
            return False
        except requests.RequestException as exc:
            error = explain_network_error(exc, url)
            detail = error.description
            if error.code in ("tls_verify_failed", "tls_failed"):
                detail += f" against {self.trust()}"
            self.add("tls", FAIL, detail, error.hint or "check the org URL, your network or proxy")
            return False
        if self.org.scheme == "http":
            self.add("tls", PASS, f"{self.org.netloc} answered over plain http (this computer only: no TLS)")
        else:
            self.add("tls", PASS, f"{self.org.netloc} answered; its certificate verified against {self.trust()}")
        return True

    def check_metadata(self) -> None:
        assert self.org is not None and self.metadata_response is not None
        self.add("metadata", *metadata_check(self.org, self.metadata_response.status_code,
                                             self.metadata_response.content))

    def check_clock(self) -> None:
        assert self.metadata_response is not None
        date = self.metadata_response.headers.get("Date")
        if not date:
            self.add("clock", WARN, "the org sent no Date header; the clock cannot be compared")
            return
        try:
            server = parsedate_to_datetime(date).timestamp() + 0.5  # the header drops the fraction of a second
        except (TypeError, ValueError):
            self.add("clock", WARN, f"the org's Date header {date!r} cannot be read")
            return
        local = (self.sent_at + time.time()) / 2
        skew = server - local
        side = "behind" if skew > 0 else "ahead of"
        detail = f"this computer's clock is {abs(skew):.0f} s {side} the org's"
        fix = ("set the clock right (turn on network time: timedatectl set-ntp true, or Windows Settings > Time > "
               "Sync now); a skewed clock makes assertions \"expired\" or \"too far into the future\" and DPoP "
               "proofs \"issued in the future\"")
        if abs(skew) >= SKEW_FAIL_SECONDS:
            self.add("clock", FAIL, detail, fix)
        elif abs(skew) >= SKEW_WARN_SECONDS:
            self.add("clock", WARN, detail, fix)
        else:
            self.add("clock", PASS, f"within {max(1, round(abs(skew)))} s of the org's clock")

    def check_key(self) -> None:
        from oktatool.core.jose.assertion import OKTA_ASSERTION_ALGS, assertion_alg

        key = self.given.key
        if key is None:
            self.add("key-alg", SKIP, "no key given", Hint(
                "pass --key FILE or use a profile with a key", window="choose a key for the profile in Edit profiles…"))
            return
        if not key.is_private:
            self.add("key-alg", FAIL, f"the {key.describe()} key is a public key; signing needs the private key",
                     "give the private key (JWK or PEM)")
            return
        alg = assertion_alg(key)
        if alg not in OKTA_ASSERTION_ALGS or (key.alg is not None and key.alg not in OKTA_ASSERTION_ALGS):
            self.add("key-alg", FAIL, f"{key.describe()} signs with {key.alg or alg}; Okta takes client assertions "
                                      f"signed with {', '.join(OKTA_ASSERTION_ALGS)} only (\"The client_assertion "
                                      "JWT signature algorithm is invalid.\")",
                     "make an RSA 2048 or EC P-256 key (oktatool keygen), register it and use it")
            return
        kid = self.given.kid or key.kid
        if not kid:
            self.add("key-alg", WARN, f"{key.describe()} signs with {alg}, but the key has no kid",
                     "give the key a kid: Okta matches the assertion's kid to the app's JWKS")
            return
        self.add("key-alg", PASS, f"{key.describe()} signs with {alg}, kid {kid}")

    # -- with an admin credential --------------------------------------------------------------------------

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

    # -- live ----------------------------------------------------------------------------------------------

    def client(self) -> OktaClient:
        given = self.given
        if given.client_factory is not None:
            return given.client_factory()
        from oktatool.core.okta.client import Connection, OktaClient

        assert self.org is not None and given.key is not None
        return OktaClient(Connection(self.org, given.client_id, given.key, kid=given.kid, scopes=given.scopes,
                                     dpop=given.dpop, http=self.http, local_sandbox=given.local_sandbox,
                                     auth_server=given.auth_server))

    def live_checks(self) -> None:
        from oktatool.core.okta.setup import probe_call

        given = self.given
        failing = self.failing
        if failing:
            reason = f"skipped: fix the failing check first ({', '.join(failing)})"
            self.add("token", SKIP, reason)
            self.add("api-call", SKIP, reason)
            return
        if given.key is None or not given.scopes:
            reason = "skipped: no key given" if given.key is None else "skipped: no scopes to ask for"
            self.add("token", SKIP, reason)
            self.add("api-call", SKIP, reason)
            return
        try:
            client = self.client()
            answer = client.token(given.scopes, use_cache=False)
        except OktaToolError as exc:
            self.add("token", FAIL, exc.description, exc.hint or "")
            self.add("api-call", SKIP, "skipped: no token")
            return
        self.add("token", PASS, f"{answer.token_type} token for {answer.scope}, expires in {answer.expires_in} s")
        if given.auth_server:
            self.add("api-call", SKIP, f"a token from {self.server.label} is not for the Okta API: not sent")
            return
        probe = probe_call(given.scopes, given.client_id)
        if probe is None:
            self.add("api-call", SKIP, "no cheap read call is known for these scopes")
            return
        scope, path = probe
        try:
            response = client.api(given.scopes).call("GET", path)
        except OktaToolError as exc:
            self.add("api-call", FAIL, f"GET {path}: {exc.description}", exc.hint or "")
            return
        self.add("api-call", PASS, f"GET {path} answered {response.status} (allowed by {scope})")


def metadata_check(org: OrgUrl, status: int, content: bytes) -> tuple[str, str, str]:
    """Return the metadata check's status, detail and fix for the org's answer to its metadata URL."""
    url = org.url("/.well-known/oauth-authorization-server")
    fix = ("give the org URL of your Okta org (https://{yourOktaDomain}); a proxy or custom domain in front "
           "of it must pass /.well-known and /oauth2/v1 through")
    if status != 200:
        return FAIL, f"GET {url} answered {status}, not the org authorization server's metadata", fix
    try:
        data = loads_answer(content)
    except ValueError:  # nested too deeply too
        data = None
    if not isinstance(data, dict):
        return FAIL, f"GET {url} answered 200 with something that is not JSON metadata", fix
    token_endpoint = data.get("token_endpoint")
    if token_endpoint != org.token_url:
        return FAIL, f"the metadata names the token endpoint {token_endpoint!r}, not {org.token_url}", fix
    methods = data.get("token_endpoint_auth_methods_supported") or []
    note = "" if isinstance(methods, list) and "private_key_jwt" in methods else " (it does not list private_key_jwt)"
    return (PASS if not note else WARN), f"issuer {data.get('issuer')}, token endpoint {token_endpoint}{note}", ""


def run_doctor(given: DoctorInput, on_check: Callable[[Check], None] | None = None) -> DoctorReport:
    """Run every check (blocking: network) and return the report; ``on_check`` sees each as it ends."""
    return _Doctor(given, on_check).run()
