"""The explanations built from what the caller knows of the failed request (ExplainContext).

Each builder makes its words concrete (the client id, the kid, the scopes, the server) where the table of
known errors (explain_table.py) names one; ``dpop_rule_fix`` also serves the doctor's DPoP check.
"""

from __future__ import annotations

import re

from oktatool.core.errors import Hint, joined
from oktatool.core.okta.explanation import ExplainContext, Explanation

#: Okta's admin-role types a service app can be given (FACTS.md §5.4)
ADMIN_ROLES = ("SUPER_ADMIN", "ORG_ADMIN", "APP_ADMIN", "USER_ADMIN", "GROUP_MEMBERSHIP_ADMIN",
               "HELP_DESK_ADMIN", "READ_ONLY_ADMIN", "REPORT_ADMIN", "API_ACCESS_MANAGEMENT_ADMIN")


def _app(ctx: ExplainContext) -> str:
    return f"the app with client id {ctx.client_id}" if ctx.client_id else "the service app"


def token_url(ctx: ExplainContext) -> str:
    return ctx.token_url or "https://{yourOktaDomain}/oauth2/v1/token"


def _jwks_api(ctx: ExplainContext) -> str:
    return f"GET /api/v1/apps/{ctx.client_id or '{clientId}'}/credentials/jwks"


def kid_invalid(ctx: ExplainContext) -> Explanation:
    if ctx.assertion_kid:
        used = f"the assertion was signed with kid {ctx.assertion_kid!r}"
    else:
        used = "the assertion had no kid in its header"
    if ctx.key_kids:
        held = f"; the key file holds kid(s): {', '.join(ctx.key_kids)}"
    else:
        held = "; the key file gives its key no kid"
    return Explanation(
        what=f"Okta found no active public key with that kid on {_app(ctx)} ({used}{held})",
        cause="an app can hold several public keys (up to 50) and Okta picks the one whose kid the assertion "
              "names; the kid is missing, mistyped, belongs to another app, or that key is inactive",
        fix=joined(["compare the kid with the app's keys (Admin Console: Applications > the app > General > Public "
                    f"keys, or {_jwks_api(ctx)}); sign with a registered ACTIVE key",
                    Hint(", or pick it with --kid", window=", or choose that key for the profile")]),
    )


def first_scope(ctx: ExplainContext) -> str:
    """Return the scope to show in a grant example: the first one asked for, else a common one."""
    return next(iter(ctx.requested_scopes or ctx.required_scopes), "okta.users.read")


def _scope_list(ctx: ExplainContext) -> str:
    if ctx.challenge_scope:
        return ctx.challenge_scope
    if ctx.required_scopes:
        return " and ".join(ctx.required_scopes)
    return ""


def insufficient_scope(ctx: ExplainContext) -> Explanation:
    needed = _scope_list(ctx)
    endpoint = f"{ctx.method} {ctx.path}" if ctx.method and ctx.path else "this endpoint"
    had = f" (the token was asked for: {' '.join(ctx.requested_scopes)})" if ctx.requested_scopes else ""
    if needed:
        what = f"the access token lacks the scope {endpoint} needs: {needed}{had}"
        grant = f"grant {needed} to the app (Admin Console: the app > Okta API Scopes > Grant; Super Admin only) "
        fix = joined([grant, Hint(f"and request it: --scopes \"{needed}\"",
                                  window="and request it (tick it in the Scopes tab)")])
    else:
        what = f"the access token lacks a scope that {endpoint} needs{had}"
        fix = Hint("look the endpoint up with `oktatool scopes --for \"METHOD PATH\"`, grant that scope and request it",
                   window="look the endpoint up in Scopes tab > Endpoints, grant that scope and request it")
    return Explanation(what=what, cause="the scope was not requested, or not granted to the app so Okta left it "
                                        "out of the token (silent downscoping)", fix=fix)


def no_role(ctx: ExplainContext) -> Explanation:
    client = ctx.client_id or "{clientId}"
    return Explanation(
        what="the token is valid but the service app's admin role does not allow this action",
        cause="scopes say what an app may ask for, admin roles say what it may touch; service apps get no role "
              "by default, or the role assigned is too narrow for this resource: a role scoped to groups or apps "
              "reaches only those, a custom role only its permissions over its resource set",
        fix=f"assign an admin role to the app: Admin Console > Security > Administrators > Add administrator "
            f"(or the app's Admin roles tab), or POST /oauth2/v1/clients/{client}/roles with "
            f'{{"type":"READ_ONLY_ADMIN"}} (or another of {", ".join(ADMIN_ROLES)}); when its role is scoped, see '
            "what it reaches (oktatool app roles list, or Scopes > Grants & roles) and widen that",
    )


def dpop_rule_fix(*, app_requires: bool, local_sandbox: bool) -> Hint:
    """Say how to make the profile's DPoP and the app's rule agree, where that rule is set.

    A real org's app is changed in its Admin Console; a Local sandbox app keeps the rule it was made with
    (the window has no control that changes it), so the fix is the profile's DPoP box or a new app.
    """
    if local_sandbox:
        if app_requires:
            return Hint("ask for a DPoP token (--dpop), or make an app that takes Bearer tokens (app create without "
                        "--dpop)", window="tick 'Ask for DPoP-bound tokens' for this profile in Edit profiles…, or "
                        "make an app that takes Bearer tokens: Service app > New service app… with 'Require "
                        "DPoP-bound tokens' unticked")
        return Hint("make an app that requires DPoP (app create --dpop --save-profile NAME), or leave out --dpop to "
                    "use Bearer tokens", window="make an app that requires DPoP: Service app > New service app… "
                    "with 'Require DPoP-bound tokens' ticked (it saves a profile for the new app), or untick 'Ask "
                    "for DPoP-bound tokens' for this profile in Edit profiles… to use Bearer tokens")
    if app_requires:
        return Hint("ask for a DPoP token (--dpop, or DPoP in the profile), or switch 'Require Demonstrating Proof "
                    "of Possession (DPoP) header in token requests' off in the app's General settings",
                    window="ask for a DPoP token (DPoP in the profile, Edit profiles…), or switch 'Require "
                    "Demonstrating Proof of Possession (DPoP) header in token requests' off in the app's General "
                    "settings")
    return Hint("turn on 'Require Demonstrating Proof of Possession (DPoP) header in token requests' in the app's "
                "General settings to bind tokens to the key, or leave out --dpop",
                window="turn on 'Require Demonstrating Proof of Possession (DPoP) header in token requests' in the "
                "app's General settings to bind tokens to the key, or turn DPoP off in the profile (Edit profiles…)")


def dpop_missing(ctx: ExplainContext) -> Explanation:
    return Explanation(
        what="the app requires DPoP but the token request carried no DPoP proof",
        cause="the app was made with DPoP required" if ctx.local_sandbox else
              "new API Services apps have 'Require Demonstrating Proof of Possession (DPoP) header in token "
              "requests' switched on by default",
        fix=dpop_rule_fix(app_requires=True, local_sandbox=ctx.local_sandbox),
    )


def unknown_client(ctx: ExplainContext) -> Explanation:
    # oktatool sets iss and sub to the client id itself: Okta refusing them means it does not know that id
    named = f"the client id {ctx.client_id}" if ctx.client_id else "the client id"
    return Explanation(
        what=f"Okta does not know {named} in this org",
        cause=joined([Hint("oktatool puts the --client-id (or the profile's)", window="oktatool puts the profile's "
                           "client id"), " in the assertion's iss and sub, so that id is wrong for this org: a typo, "
                      "another app's id, or an app in another org (an assertion made elsewhere gets this answer when "
                      "its iss or sub is not the client id)"]),
        fix=Hint("copy the Client ID from the API Services app's General tab in this org, and check --org",
                 window="copy the Client ID from the API Services app's General tab in this org, and check the "
                 "profile's org URL"),
    )


def scopes_not_allowed(ctx: ExplainContext) -> Explanation:
    from oktatool.core.okta.scope_names import unknown_scopes

    unknown = unknown_scopes(ctx.requested_scopes)
    if unknown:
        return Explanation(
            what="some requested scopes cannot be issued to this app",
            cause="; ".join(u.describe() for u in unknown),
            fix="fix or drop " + ", ".join(u.name for u in unknown) + "; `oktatool scopes QUERY` lists the Okta API "
                "scopes",
        )
    return Explanation(
        what="some requested scopes cannot be issued to this app",
        cause="they are not Okta API scopes of the org authorization server (custom or OIDC scopes)",
        fix="request okta.* scopes only; see oktatool scopes",
    )


def _server(ctx: ExplainContext) -> str:
    """Return the custom authorization server's id named by the token URL, else ``{authServerId}``."""
    found = re.search(r"/oauth2/([^/]+)/v1/token$", ctx.token_url or "")
    return found.group(1) if found else "{authServerId}"


def no_policy(ctx: ExplainContext) -> Explanation:
    where = f"Security > API > Authorization Servers > {_server(ctx)} > Access Policies"
    return Explanation(
        what=f"no access policy of the authorization server {_server(ctx)} lets {_app(ctx)} get this token",
        cause="no policy of the server includes this client, or its policy has no rule that allows the Client "
              "Credentials grant for the requested scopes",
        fix=joined([f"in {where}, assign the app to a policy and add a rule with Client Credentials ticked that "
                    "allows these scopes; ", Hint("oktatool doctor checks both", window="Diagnose checks both")]),
    )


def unknown_custom_scope(ctx: ExplainContext) -> Explanation:
    asked = f" ({' '.join(ctx.requested_scopes)})" if ctx.requested_scopes else ""
    return Explanation(
        what=f"a requested scope{asked} is not a scope of the authorization server {_server(ctx)}",
        cause="a custom server issues only the scopes added to it (okta.* scopes come only from the org server); a "
              "typo, or the scope was never added",
        fix=f"add it in Security > API > Authorization Servers > {_server(ctx)} > Scopes, or ask for one it has "
            f"(GET /api/v1/authorizationServers/{_server(ctx)}/scopes lists them)",
    )
