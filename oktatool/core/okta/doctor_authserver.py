"""The doctor's checks of a custom authorization server: it exists and is ACTIVE, a policy includes the app,
and a rule of that policy allows client_credentials for the scopes asked.

Without an admin credential only the server's public discovery document can be read: the check says that the
server answers, and the others say what could not be checked and why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from oktatool.core.encoding import loads_answer
from oktatool.core.errors import OktaToolError, joined

if TYPE_CHECKING:
    import requests

    from oktatool.core.okta.admin import AdminCredential
    from oktatool.core.okta.api import ApiClient
    from oktatool.core.okta.authserver import AuthServer
    from oktatool.core.okta.http import HttpOptions

#: the checks of a custom server: id -> title (run only when the profile uses one)
AS_CHECKS = {
    "as-server": "Custom authorization server exists and is ACTIVE",
    "as-policy": "A policy of the server includes the app",
    "as-rule": "A rule of that policy allows client_credentials for the scopes",
}
#: the admin scope the checks read the server, its policies and rules with
AS_ADMIN_SCOPE = "okta.authorizationServers.read"

Add = Callable[[str, str, str, str], Any]


def custom_server_checks(server: AuthServer, admin: AdminCredential | None, no_admin_reason: str,
                         http: HttpOptions, client_id: str, scopes: tuple[str, ...], add: Add) -> None:
    """Add the three checks of a custom server: with ``admin`` from its settings, else what discovery shows."""
    from oktatool.core.okta.admin import admin_api
    from oktatool.core.okta.http import new_session

    if not discovery_check(server, new_session(http), http.timeout, add):
        _skip_rest(add, "skipped: the server does not answer")
    elif admin is None:
        no_admin_checks(server, no_admin_reason, add)
    else:
        try:
            api = admin_api(server.org, admin, http, (AS_ADMIN_SCOPE,))
        except OktaToolError as exc:
            add("as-server", "skip", f"skipped: the admin credential gave no token: {exc.description}", "")
            _skip_rest(add, "skipped: the admin credential gave no token")
            return
        server_checks(server, api, client_id, scopes, add)


def _where(server: AuthServer) -> str:
    return f"Security > API > Authorization Servers > {server.server_id}"


def discovery_check(server: AuthServer, session: requests.Session, timeout: tuple[float, float] | float,
                    add: Add) -> bool:
    """Check without an admin credential that the server publishes its metadata; return whether it does."""
    import requests

    url = server.discovery_url
    try:
        response = session.get(url, timeout=timeout, allow_redirects=False)
    except requests.RequestException as exc:
        add("as-server", "fail", f"GET {url} failed: {exc.__class__.__name__}", "check the org URL and network")
        return False
    try:
        data = loads_answer(response.content) if response.status_code == 200 else None
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get("token_endpoint") != server.token_url:
        add("as-server", "fail", f"GET {url} answered {response.status_code}: there is no active authorization "
                                 f"server {server.server_id} (or the org has no API Access Management)",
            f"check the id in {_where(server)}, or use the org authorization server")
        return False
    return True


def server_checks(server: AuthServer, api: ApiClient, client_id: str, scopes: tuple[str, ...], add: Add) -> None:
    """Read the server, its policies and their rules with the admin credential and add the three checks."""
    base = f"/api/v1/authorizationServers/{server.server_id}"
    try:
        found = api.call("GET", base).json()
    except OktaToolError as exc:
        missing = exc.code == "E0000007"
        add("as-server", "fail", f"there is no authorization server {server.server_id}" if missing
            else f"the server could not be read: {exc.description}",
            f"check the id in {_where(server)}" if missing else exc.hint or "")
        _skip_rest(add, "skipped: the server could not be read")
        return
    status = found.get("status") if isinstance(found, dict) else None
    name = found.get("name", server.server_id) if isinstance(found, dict) else server.server_id
    if status != "ACTIVE":
        add("as-server", "fail", f"{name!r} ({server.server_id}) is {status}: it issues no tokens",
            f"activate it in {_where(server)}")
    else:
        add("as-server", "pass", f"{name!r} ({server.server_id}) is ACTIVE, issuer {server.issuer}", "")
    try:
        policies = [p for p in api.call("GET", base + "/policies").items() if isinstance(p, dict)]
    except OktaToolError as exc:
        add("as-policy", "fail", f"the server's policies could not be read: {exc.description}", exc.hint or "")
        add("as-rule", "skip", "skipped: the policies could not be read", "")
        return
    fitting = [p for p in policies if p.get("status", "ACTIVE") == "ACTIVE" and _includes(p, client_id)]
    policy_fix = f"in {_where(server)} > Access Policies, add a policy assigned to the app (client id {client_id})"
    if not fitting:
        add("as-policy", "fail", f"none of the server's {len(policies)} active policies includes {client_id}: Okta "
                                 "answers access_denied \"Policy evaluation failed for this request, please check "
                                 "the policy configurations.\"", policy_fix)
        add("as-rule", "skip", "skipped: no policy includes the app", "")
        return
    add("as-policy", "pass", "included by " + ", ".join(repr(p.get("name", p.get("id"))) for p in fitting), "")
    _rule_check(server, api, base, fitting, scopes, add)


def _rule_check(server: AuthServer, api: ApiClient, base: str, policies: list[dict[str, Any]],
                scopes: tuple[str, ...], add: Add) -> None:
    fix = (f"in {_where(server)} > Access Policies > the policy, add a rule with Client Credentials ticked "
           "that allows " + (" ".join(scopes) or "the scopes"))
    try:
        for policy in policies:
            for rule in api.call("GET", f"{base}/policies/{policy.get('id')}/rules").items():
                if isinstance(rule, dict) and _allows(rule, scopes):
                    add("as-rule", "pass", f"rule {rule.get('name', rule.get('id'))!r} of {policy.get('name')!r} "
                                           "allows client_credentials" + (f" for {' '.join(scopes)}" if scopes
                                                                          else ""), "")
                    return
    except OktaToolError as exc:
        add("as-rule", "fail", f"the policy's rules could not be read: {exc.description}", exc.hint or "")
        return
    add("as-rule", "fail", "no active rule allows client_credentials" + (f" for {' '.join(scopes)}" if scopes
                                                                         else "")
        + ": Okta answers access_denied \"Policy evaluation failed for this request…\"", fix)


def _includes(policy: dict[str, Any], client_id: str) -> bool:
    include = ((policy.get("conditions") or {}).get("clients") or {}).get("include") or []
    return "ALL_CLIENTS" in include or client_id in include


def _allows(rule: dict[str, Any], scopes: tuple[str, ...]) -> bool:
    if rule.get("status", "ACTIVE") != "ACTIVE":
        return False
    conditions = rule.get("conditions") or {}
    grants = (conditions.get("grantTypes") or {}).get("include") or []
    allowed = (conditions.get("scopes") or {}).get("include") or []
    return "client_credentials" in grants and ("*" in allowed or all(s in allowed for s in scopes))


def _skip_rest(add: Add, reason: str) -> None:
    add("as-policy", "skip", reason, "")
    add("as-rule", "skip", reason, "")


def no_admin_checks(server: AuthServer, reason: str, add: Add) -> None:
    """Say what could not be checked without an admin credential (after the discovery check passed)."""
    add("as-server", "pass", f"{server.server_id} publishes its metadata at {server.discovery_url} (Okta serves it "
                             "only for an active server)", "")
    _skip_rest(add, joined([f"skipped: reading {server.server_id}'s policies and rules ", reason]))
