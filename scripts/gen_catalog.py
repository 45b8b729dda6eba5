"""Generate resources/okta/catalog.json, the scope catalog, from Okta's management OpenAPI spec.

Run from the repository root after updating ../shared/okta/management-minimal.yaml (no extra packages:
the spec is read with the small block-YAML reader in scripts/yaml_outline.py)::

    python3 scripts/gen_catalog.py [SPEC] [-o resources/okta/catalog.json]

Only facts go into the catalog (scope names, paths, methods, operation ids, security requirements,
lifecycle, API area names); the spec's prose stays out. Every scope description is our own, written
in this file. The output is deterministic: the same spec gives the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from yaml_outline import load_outline

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "resources" / "okta" / "catalog.json"
CATALOG_FORMAT = 1

METHODS = ("get", "post", "put", "patch", "delete", "head", "options")
LIFECYCLES = ("GA", "EA", "LIMITED_GA")

#: what each scope resource is about, in our words: "<resource>" -> noun phrase used by the descriptions
NOUNS: dict[str, str] = {
    "okta.agentPools": "directory agent pools and their agent update schedules",
    "okta.apiTokens": "the org's SSWS API tokens",
    "okta.appGrants": "the Okta API scopes granted to apps",
    "okta.apps": "app integrations: settings, assignments, keys, logos, provisioning and group push",
    "okta.apps.interclientTrust": "native-to-web SSO trust between apps",
    "okta.authenticators": "authenticators, their methods and their AAGUID lists",
    "okta.authorizationServers": "custom authorization servers: scopes, claims, policies, rules and keys",
    "okta.behaviors": "behavior detection rules",
    "okta.botProtection": "the bot protection set-up",
    "okta.brands": "brands, themes, custom pages and well-known domain content",
    "okta.captchas": "CAPTCHA instances and the org-wide CAPTCHA setting",
    "okta.customTelephonyProvider": "custom telephony (SMS and voice) providers",
    "okta.deviceAssurance": "device assurance policies",
    "okta.deviceIntegrations": "device integrations",
    "okta.devicePostureChecks": "device posture checks",
    "okta.devices": "registered devices and their users",
    "okta.directories.groups": "AD and LDAP directory groups",
    "okta.domains": "custom domains and their certificates",
    "okta.dr": "enhanced disaster recovery",
    "okta.emailDomains": "email sender domains",
    "okta.emailServers": "custom SMTP email servers",
    "okta.eventHooks": "event hooks",
    "okta.features": "self-service features and their dependencies",
    "okta.groups": "groups, group members, owners and group rules",
    "okta.identitySources": "custom identity sources and their import sessions",
    "okta.idps": "identity providers, their keys, certificates and linked users",
    "okta.inlineHooks": "inline hooks and hook signing keys",
    "okta.linkedObjects": "linked object definitions",
    "okta.logStreams": "log streams to outside services",
    "okta.logs": "System Log events",
    "okta.networkZones": "network zones",
    "okta.oauthIntegrations": "API service integration instances",
    "okta.orgs": "org-wide settings: contacts, preferences, support, communication and attack protection",
    "okta.personal.adminSettings": "the signed-in admin's personal Admin Console settings",
    "okta.policies": "policies and policy rules",
    "okta.principalRateLimits": "per-principal rate limit settings",
    "okta.profileMappings": "profile mappings between Okta and apps or directories",
    "okta.pushProviders": "push notification providers (APNs, FCM)",
    "okta.rateLimits": "rate limit admin notifications and warning thresholds",
    "okta.realmAssignments": "realm assignment rules",
    "okta.realms": "realms",
    "okta.roles": "admin roles, custom roles, resource sets and their assignments",
    "okta.schemas": "user, group and app profile schemas",
    "okta.securityEventsProviders": "Shared Signals receiver configurations",
    "okta.serviceAccounts": "service accounts",
    "okta.serviceAccounts.okta": "Okta-managed user accounts",
    "okta.sessions": "user sessions",
    "okta.templates": "email and SMS templates and their customizations",
    "okta.threatInsights": "the ThreatInsight configuration",
    "okta.trustedOrigins": "trusted origins (CORS and redirect)",
    "okta.uischemas": "UI schemas of enrollment forms",
    "okta.userRisk": "user risk levels",
    "okta.userTypes": "user types",
    "okta.users": "users: profiles, lifecycle, credentials, factors, grants and sessions",
    "ssf": "Shared Signals Framework transmitter streams",
    "okta.clients": "OAuth 2.0 client apps (Dynamic Client Registration)",
}

#: descriptions that say more than the verb + noun pattern
OVERRIDES: dict[str, str] = {
    "okta.logs.read": "Read System Log events (audit trail of everything in the org).",
    "okta.dr.read": "Read the disaster recovery status of the org's domains.",
    "okta.dr.manage": "Start failover and failback of the org's domains (enhanced disaster recovery).",
    "okta.sessions.manage": "Revoke and refresh user sessions; includes okta.sessions.read.",
    "okta.userRisk.manage": "Set a user's risk level; includes okta.userRisk.read.",
    "okta.apiTokens.manage": "Change or revoke the org's SSWS API tokens; includes okta.apiTokens.read.",
    "okta.clients.register": "Register new OAuth 2.0 client apps (Dynamic Client Registration).",
    "okta.clients.manage": "Change and delete OAuth 2.0 client apps, rotate their secrets; includes okta.clients.read.",
    "okta.universalLogout.manage": "Start Universal Logout: revoke a user's tokens and sessions everywhere.",
    "okta.workflows.invoke.manage": "Invoke Okta Workflows flows whose API endpoint is secured with OAuth 2.0.",
}

#: org authorization server scopes outside the management spec (FACTS.md §1.4, Okta's oauth-minimal.yaml)
ORG_AS_SCOPES: tuple[tuple[str, str], ...] = (
    ("okta.clients.read", "Dynamic Client Registration"),
    ("okta.clients.register", "Dynamic Client Registration"),
    ("okta.clients.manage", "Dynamic Client Registration"),
    ("okta.universalLogout.manage", "Universal Logout"),
    ("okta.workflows.invoke.manage", "Okta Workflows"),
)
#: their endpoints: method, path, operationId, scope, SSWS accepted too
ORG_AS_OPERATIONS: tuple[tuple[str, str, str, str, bool], ...] = (
    ("GET", "/oauth2/v1/clients", "listClients", "okta.clients.read", True),
    ("POST", "/oauth2/v1/clients", "createClient", "okta.clients.register", True),
    ("GET", "/oauth2/v1/clients/{clientId}", "getClient", "okta.clients.read", True),
    ("PUT", "/oauth2/v1/clients/{clientId}", "replaceClient", "okta.clients.manage", True),
    ("DELETE", "/oauth2/v1/clients/{clientId}", "deleteClient", "okta.clients.manage", True),
    ("POST", "/oauth2/v1/clients/{clientId}/lifecycle/newSecret", "generateNewClientSecret",
     "okta.clients.manage", True),
    ("POST", "/oauth2/v1/global-token-revocation", "globalTokenRevocation", "okta.universalLogout.manage", False),
)
#: scopes a service app can never get with client credentials, and why (FACTS.md §1.2, §1.4, §7)
NOT_FOR_CLIENT_CREDENTIALS: tuple[tuple[str, str], ...] = (
    ("*.self", "End-user scopes (okta.users.read.self and the like); the org authorization server answers "
               "client_credentials_self_scope_requested."),
    ("openid", "OpenID Connect scopes need a signed-in user; client credentials cannot ask for them."),
    ("profile", "OpenID Connect claim scope; needs a signed-in user."),
    ("email", "OpenID Connect claim scope; needs a signed-in user."),
    ("address", "OpenID Connect claim scope; needs a signed-in user."),
    ("phone", "OpenID Connect claim scope; needs a signed-in user."),
    ("groups", "OpenID Connect claim scope; needs a signed-in user."),
    ("offline_access", "Asks for a refresh token; client credentials get none."),
    ("device_sso", "Native SSO for a signed-in user's device; not for service apps."),
)


def default_spec() -> Path:
    """Return ../shared/okta/management-minimal.yaml next to the repository (a worktree may sit deeper)."""
    relative = Path("shared", "okta", "management-minimal.yaml")
    for folder in REPO_ROOT.parents:
        if (folder / relative).is_file():
            return folder / relative
    return REPO_ROOT.parent / relative


def resource_of(scope: str) -> tuple[str, str]:
    """Split ``okta.users.read`` into (``okta.users``, ``read``)."""
    resource, _, verb = scope.rpartition(".")
    return resource, verb


def describe(scope: str, known: set[str]) -> str:
    """Write the one-line description of a scope in our own words."""
    if scope in OVERRIDES:
        return OVERRIDES[scope]
    resource, verb = resource_of(scope)
    noun = NOUNS.get(resource)
    if noun is None:
        raise SystemExit(f"no description for scope {scope}: add {resource!r} to NOUNS in {__file__}")
    if verb == "read":
        return f"Read {noun}."
    if verb == "manage":
        includes = f"; includes {resource}.read" if f"{resource}.read" in known else ""
        return f"Create, change and delete {noun}{includes}."
    raise SystemExit(f"scope {scope} is neither .read nor .manage: add it to OVERRIDES in {__file__}")


def _security(op: dict[str, Any]) -> tuple[list[str], bool, bool]:
    """Return (required oauth2 scopes, SSWS accepted, no authentication at all)."""
    requirements = op.get("security")
    if requirements is None:
        raise SystemExit(f"operation {op.get('operationId')} has no security list")
    scopes: list[str] = []
    ssws = False
    for requirement in requirements:
        if "apiToken" in requirement:
            ssws = True
        if "oauth2" in requirement:
            if scopes:
                raise SystemExit(f"operation {op.get('operationId')} has two oauth2 requirement objects")
            scopes = sorted(requirement["oauth2"])
    return scopes, ssws, not requirements


def _lifecycle(op: dict[str, Any], path_item: dict[str, Any]) -> str | None:
    marker = op.get("x-okta-lifecycle") or path_item.get("x-okta-lifecycle") or {}
    value = marker.get("lifecycle")
    if value is not None and value not in LIFECYCLES:
        raise SystemExit(f"operation {op.get('operationId')} has an unknown lifecycle {value!r}")
    return value if isinstance(value, str) else None


def build_catalog(spec: dict[str, Any], spec_bytes: bytes) -> dict[str, Any]:
    """Build the catalog (plain JSON data) from a loaded spec."""
    areas_by_tag = {tag["name"]: tag.get("x-displayName") or tag["name"] for tag in spec.get("tags") or []}
    declared = spec["components"]["securitySchemes"]["oauth2"]["flows"]["authorizationCode"]["scopes"]
    operations: list[dict[str, Any]] = []
    for path, path_item in (spec.get("paths") or {}).items():
        for method in METHODS:
            op = (path_item or {}).get(method)
            if op is None:
                continue
            scopes, ssws, public = _security(op)
            unknown = set(scopes) - set(declared)
            if unknown:
                raise SystemExit(f"{method.upper()} {path} uses undeclared scopes {sorted(unknown)}")
            tags = op.get("tags") or []
            operations.append({
                "method": method.upper(),
                "path": path,
                "operation_id": op["operationId"],
                "scopes": scopes,
                "ssws_allowed": ssws,
                "oauth_only": bool(scopes) and not ssws,
                "public": public,
                "lifecycle": _lifecycle(op, path_item),
                "area": areas_by_tag.get(tags[0], tags[0]) if tags else None,
                "server": "management",
            })
    for method, path, operation_id, scope, ssws in ORG_AS_OPERATIONS:
        area = dict(ORG_AS_SCOPES)[scope]
        operations.append({
            "method": method, "path": path, "operation_id": operation_id, "scopes": [scope],
            "ssws_allowed": ssws, "oauth_only": not ssws, "public": False, "lifecycle": None,
            "area": area, "server": "org-as",
        })
    method_order = {m.upper(): i for i, m in enumerate(METHODS)}
    operations.sort(key=lambda o: (o["path"], method_order[o["method"]]))

    scopes_out: list[dict[str, Any]] = []
    names = [(name, "management", None) for name in declared] + [(n, "org-as", a) for n, a in ORG_AS_SCOPES]
    known = {name for name, _, _ in names}
    for name, server, fixed_area in names:
        used = [o for o in operations if name in o["scopes"]]
        areas = sorted({o["area"] for o in used if o["area"]} | ({fixed_area} if fixed_area else set()))
        scopes_out.append({
            "name": name, "server": server, "areas": areas, "operations": len(used),
            "description": describe(name, known),
        })
    scopes_out.sort(key=lambda s: s["name"])
    return {
        "format": CATALOG_FORMAT,
        "source": {
            "spec": spec["info"]["title"],
            "version": str(spec["info"]["version"]),
            "sha256": hashlib.sha256(spec_bytes).hexdigest(),
            "repository": "okta/okta-management-openapi-spec dist/current/management-minimal.yaml (Apache-2.0)",
        },
        "scopes": scopes_out,
        "operations": operations,
        "not_for_client_credentials": [{"name": n, "reason": r} for n, r in NOT_FOR_CLIENT_CREDENTIALS],
    }


def render(catalog: dict[str, Any]) -> str:
    """Serialize the catalog: one scope or operation per line, so diffs stay readable."""
    def one(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

    parts = ["{"]
    keys = list(catalog)
    for index, key in enumerate(keys):
        value = catalog[key]
        comma = "," if index < len(keys) - 1 else ""
        if isinstance(value, list):
            rows = ",\n".join(f"    {one(row)}" for row in value)
            parts.append(f'  "{key}": [\n{rows}\n  ]{comma}')
        else:
            parts.append(f'  "{key}": {one(value)}{comma}')
    parts.append("}")
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Read the spec, write the catalog and print a one-line summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="?", help="management-minimal.yaml (default: ../shared/okta/)")
    parser.add_argument("-o", "--output", default=str(DEFAULT_OUTPUT), help="catalog.json to write")
    args = parser.parse_args(argv)
    spec_bytes = Path(args.spec or default_spec()).read_bytes()
    catalog = build_catalog(load_outline(spec_bytes.decode("utf-8")), spec_bytes)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render(catalog), encoding="utf-8", newline="\n")
    ops = catalog["operations"]
    print(f"{output}: spec {catalog['source']['version']}, {len(catalog['scopes'])} scopes, {len(ops)} operations "
          f"({sum(1 for o in ops if o['server'] == 'management')} from the management spec)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
