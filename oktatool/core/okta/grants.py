"""A service app's Okta API scope grants and admin roles: list, grant, revoke, assign, unassign, compare.

Grants live at ``/api/v1/apps/{appId}/grants`` (the issuer is the org URL: the org authorization server);
roles at ``/oauth2/v1/clients/{clientId}/roles`` (FACTS §5.3, §5.4). Scopes say what the app may ask for;
a role says what it may touch: with scopes but no role every management call answers 403 E0000006.
Errors these endpoints return are explained here in their own terms (who may grant, which session).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from oktatool.core.errors import ApiError, BadInputError, OktaToolError, shorten
from oktatool.core.okta.orgurl import parse_org_url
from oktatool.core.store.settings import SANDBOX_ORG

if TYPE_CHECKING:
    from oktatool.core.okta.admin import AdminCredential
    from oktatool.core.okta.api import ApiClient, ApiResponse
    from oktatool.core.okta.http import HttpOptions
    from oktatool.core.okta.orgurl import OrgUrl
    from oktatool.core.store.settings import Profile

#: standard admin roles a service app can be given (FACTS §5.4), most used first
STANDARD_ROLES = (
    "READ_ONLY_ADMIN", "SUPER_ADMIN", "ORG_ADMIN", "APP_ADMIN", "USER_ADMIN", "GROUP_MEMBERSHIP_ADMIN",
    "HELP_DESK_ADMIN", "REPORT_ADMIN", "API_ACCESS_MANAGEMENT_ADMIN", "ACCESS_CERTIFICATIONS_ADMIN",
    "ACCESS_REQUESTS_ADMIN", "WORKFLOWS_ADMIN",
)
#: Okta's wording of the missing-role answer (FACTS §4.4)
NO_PERMISSION = "You do not have permission to perform the requested action"
#: Okta's rule on grants, in its docs' words (FACTS §5.3)
SUPER_ADMIN_RULE = "Only the Super Admin role has the permissions to grant scopes to an app."
#: the admin scopes each kind of call needs when the admin credential is a profile's token
GRANT_READ_SCOPES = ("okta.appGrants.read",)
GRANT_MANAGE_SCOPES = ("okta.appGrants.manage",)
ROLE_READ_SCOPES = ("okta.roles.read",)
ROLE_MANAGE_SCOPES = ("okta.roles.manage",)


@dataclass(frozen=True)
class Grant:
    """One scope grant of an app, and Okta's object as returned."""

    id: str
    scope_id: str
    issuer: str
    status: str
    client_id: str = ""
    source: str = ""
    created: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, value: Any) -> Grant:
        """Read an OAuth2ScopeConsentGrant; raise ApiError when it lacks an id or a scope."""
        if not isinstance(value, dict) or not isinstance(value.get("id"), str) \
                or not isinstance(value.get("scopeId"), str):
            raise ApiError("Okta answered with a grant that has no id or scopeId", code="bad_answer")
        return cls(value["id"], value["scopeId"], _text(value.get("issuer")), _text(value.get("status")) or "ACTIVE",
                   _text(value.get("clientId")), _text(value.get("source")), _text(value.get("created")), value)

    @property
    def active(self) -> bool:
        """Say whether the grant counts (Okta lists revoked grants as REVOKED on some orgs)."""
        return self.status.upper() == "ACTIVE"


@dataclass(frozen=True)
class RoleAssignment:
    """One admin role assigned to a client, and Okta's object as returned."""

    id: str
    type: str
    label: str = ""
    status: str = ""
    assignment_type: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, value: Any) -> RoleAssignment:
        """Read a role assignment; raise ApiError when it lacks an id or a type."""
        if not isinstance(value, dict) or not isinstance(value.get("id"), str) \
                or not isinstance(value.get("type"), str):
            raise ApiError("Okta answered with a role assignment that has no id or type", code="bad_answer")
        return cls(value["id"], value["type"], _text(value.get("label")), _text(value.get("status")),
                   _text(value.get("assignmentType")), value)


@dataclass(frozen=True)
class GrantDiff:
    """Granted scopes against picked ones: what a token can carry vs what the user wants it to carry."""

    granted: tuple[str, ...]
    picked: tuple[str, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        """Return picked scopes that are not granted (a token request for them is refused)."""
        held = set(self.granted)
        return tuple(s for s in self.picked if s not in held)

    @property
    def extra(self) -> tuple[str, ...]:
        """Return granted scopes nobody picked (more than the least privilege)."""
        wanted = set(self.picked)
        return tuple(s for s in self.granted if s not in wanted)

    @property
    def in_step(self) -> bool:
        """Say whether every picked scope is granted and nothing else is."""
        return not self.missing and not self.extra

    def state(self, scope: str) -> str:
        """Return "granted" (granted and picked), "missing", "extra" or "" for one scope."""
        granted, picked = scope in self.granted, scope in self.picked
        if granted and picked:
            return "granted"
        if picked:
            return "missing"
        return "extra" if granted else ""

    def summary(self) -> str:
        """Say in one line how grants and picks compare (names when few, else counts)."""
        if not self.granted and not self.picked:
            return "no scope granted and none picked"
        parts = [f"{len(self.granted)} granted", f"{len(self.picked)} picked"]
        if self.in_step:
            return ", ".join(parts) + ": in step"
        for label, names in (("missing", self.missing), ("extra", self.extra)):
            if names:
                parts.append(f"{label} {' '.join(names)}" if len(names) <= 3 else f"{len(names)} {label}")
        return ", ".join(parts)


def diff_grants(granted: Iterable[Grant | str], picked: Iterable[str]) -> GrantDiff:
    """Compare the app's active grants with the picked scopes (order kept, duplicates dropped)."""
    names = [g.scope_id if isinstance(g, Grant) else g for g in granted if not isinstance(g, Grant) or g.active]
    return GrantDiff(tuple(dict.fromkeys(names)), tuple(dict.fromkeys(picked)))


def role_warning(granted: Iterable[Grant | str], roles: Iterable[RoleAssignment]) -> str | None:
    """Return the E0000006 warning when scopes are granted but no admin role is assigned, else None."""
    scopes = [g.scope_id if isinstance(g, Grant) else g for g in granted if not isinstance(g, Grant) or g.active]
    if not scopes or any(True for _ in roles):
        return None
    return (f"Scopes are granted but the app has no admin role: every management call will answer 403 E0000006 "
            f"\"{NO_PERMISSION}\". {suggest_role(scopes)}")


#: the resources (``okta.<resource>.manage``) a standard role narrower than ORG_ADMIN changes (FACTS §5.4)
NARROW_ROLES = {"APP_ADMIN": frozenset({"apps", "clients"}), "USER_ADMIN": frozenset({"users", "groups"}),
                "API_ACCESS_MANAGEMENT_ADMIN": frozenset({"authorizationServers"})}
#: scopes whose calls only a Super Admin may make: granting scopes and assigning roles (FACTS §5.3)
SUPER_ADMIN_SCOPES = frozenset({"okta.appGrants.manage", "okta.roles.manage"})


def least_role(scopes: Iterable[str]) -> str:
    """Return the narrowest standard role that covers ``scopes``: the default for a new app (window and CLI).

    Read scopes only: READ_ONLY_ADMIN. Changes to one family of resources that every other scope stays within:
    APP_ADMIN (apps, clients), USER_ADMIN (users, groups), API_ACCESS_MANAGEMENT_ADMIN (authorization servers).
    Grants or role assignments: SUPER_ADMIN, the only role Okta lets make them. Anything else: ORG_ADMIN.
    """
    held = {s for s in scopes if s}
    if all(s.endswith(".read") for s in held):
        return "READ_ONLY_ADMIN"
    if held & SUPER_ADMIN_SCOPES:
        return "SUPER_ADMIN"
    resources = {s.split(".")[1] if s.count(".") >= 2 else s for s in held}
    return next((role for role, family in NARROW_ROLES.items() if resources <= family), "ORG_ADMIN")


def suggest_role(scopes: Iterable[str]) -> str:
    """Say which standard role is the least that fits ``scopes``."""
    held = list(scopes)
    role = least_role(held)
    if role == "READ_ONLY_ADMIN":
        return "Assign READ_ONLY_ADMIN: every granted scope only reads."
    return (f"Assign a role that covers what the scopes change: {role} is the narrowest standard role that does "
            "(READ_ONLY_ADMIN is not enough for .manage scopes).")


@dataclass(frozen=True)
class PlannedCall:
    """The exact API call an action makes, for a confirmation dialog."""

    method: str
    path: str
    body: Mapping[str, Any] | None = None

    def text(self) -> str:
        """Return ``METHOD /path`` and the JSON body on the next line."""
        import json

        line = f"{self.method} {self.path}"
        return line if self.body is None else line + "\n" + json.dumps(dict(self.body))


class AppAccess:
    """Grants and roles of one app, through an ApiClient carrying an admin credential (blocking calls)."""

    def __init__(self, api: ApiClient, app_id: str, issuer: str) -> None:
        if not app_id or any(c in app_id for c in "/?#") or not app_id.isprintable():
            raise BadInputError(f"{shorten(app_id)!r} is not an app id (client id)",
                                hint="give the service app's client id, e.g. 0oa1b2c3d4E5f6G7h8i9")
        self.api = api
        self.app_id = app_id
        self.issuer = issuer.rstrip("/")

    # grants -----------------------------------------------------------------------------------------------

    @property
    def grants_path(self) -> str:
        """Return the app's grants collection path."""
        return f"/api/v1/apps/{quote(self.app_id, safe='')}/grants"

    @property
    def roles_path(self) -> str:
        """Return the client's role assignments path."""
        return f"/oauth2/v1/clients/{quote(self.app_id, safe='')}/roles"

    def grant_call(self, scope: str) -> PlannedCall:
        """Return the call that grants ``scope``."""
        return PlannedCall("POST", self.grants_path, {"scopeId": scope, "issuer": self.issuer})

    def revoke_call(self, grant: Grant) -> PlannedCall:
        """Return the call that revokes ``grant``."""
        return PlannedCall("DELETE", f"{self.grants_path}/{quote(grant.id, safe='')}")

    def assign_call(self, role_type: str) -> PlannedCall:
        """Return the call that assigns a standard role."""
        return PlannedCall("POST", self.roles_path, {"type": role_type})

    def unassign_call(self, assignment_id: str) -> PlannedCall:
        """Return the call that removes a role assignment."""
        return PlannedCall("DELETE", f"{self.roles_path}/{quote(assignment_id, safe='')}")

    def list_grants(self) -> tuple[Grant, ...]:
        """Return every grant of the app (all pages)."""
        found: list[Grant] = []
        for page in self.pages(self.grants_path, "list the app's grants"):
            found.extend(Grant.from_json(item) for item in page.items())
        return tuple(found)

    def grant(self, scope: str) -> Grant:
        """Grant one Okta scope to the app and return the new grant."""
        check_scope_name(scope)
        return Grant.from_json(self.run(self.grant_call(scope), f"grant {scope}").json())

    def revoke(self, scope: str, grants: Iterable[Grant] | None = None) -> Grant:
        """Revoke the app's grant of ``scope`` (looked up by scope id) and return it."""
        check_scope_name(scope)
        current = tuple(grants) if grants is not None else self.list_grants()
        grant = next((g for g in current if g.scope_id == scope), None)
        if grant is None:
            held = ", ".join(g.scope_id for g in current) or "none"
            raise BadInputError(f"{scope} is not granted to the app {self.app_id}", hint=f"granted: {held}")
        self.run(self.revoke_call(grant), f"revoke {scope}")
        return grant

    # roles ------------------------------------------------------------------------------------------------

    def list_roles(self) -> tuple[RoleAssignment, ...]:
        """Return the admin roles assigned to the app."""
        found: list[RoleAssignment] = []
        for page in self.pages(self.roles_path, "list the app's admin roles"):
            found.extend(RoleAssignment.from_json(item) for item in page.items())
        return tuple(found)

    def assign_role(self, role_type: str) -> RoleAssignment:
        """Assign a standard admin role to the app and return the assignment."""
        wanted = check_role_type(role_type)
        return RoleAssignment.from_json(self.run(self.assign_call(wanted), f"assign {wanted}").json())

    def unassign_role(self, assignment_id: str) -> None:
        """Remove one role assignment (its id, as listed)."""
        if not assignment_id.strip() or not assignment_id.isprintable():
            raise BadInputError("give the role assignment's id (from `oktatool app roles list`)")
        self.run(self.unassign_call(assignment_id.strip()), "unassign the role")

    # plumbing ---------------------------------------------------------------------------------------------

    def run(self, call: PlannedCall, doing: str) -> ApiResponse:
        """Make ``call``; raise ApiError explaining a refusal in terms of ``doing``."""
        response = self.api.send(call.method, call.path, body=dict(call.body) if call.body is not None else None)
        if not response.ok:
            raise access_error(response, doing, self.app_id)
        return response

    def pages(self, path: str, doing: str) -> list[ApiResponse]:
        """Return every page of the list at ``path`` (at most 100); raise ApiError explaining a refusal."""
        pages: list[ApiResponse] = []
        url: str | None = path
        seen: set[str] = set()
        while url is not None and url not in seen and len(pages) < 100:
            response = self.api.send("GET", url)
            if not response.ok:
                raise access_error(response, doing, self.app_id)
            pages.append(response)
            seen.add(url)
            seen.add(response.url)
            url = response.next_url
        return pages


def app_access(org: OrgUrl, client_id: str, credential: AdminCredential, http: HttpOptions,
               scopes: Iterable[str] = ()) -> AppAccess:
    """Return AppAccess on ``client_id`` whose calls carry ``credential`` (``scopes`` for an admin profile)."""
    from oktatool.core.okta.admin import admin_api

    return AppAccess(admin_api(org, credential, http, scopes), client_id, org.base)


#: the secret-store names of the SSWS tokens the Scopes tab keeps for a profile: ``PREFIX + name@org``
ADMIN_TOKEN_PREFIX = "profile-admin-token:"  # noqa: S105 - a name, not a token
#: how an older version named them, by the profile's name alone (the set-up dialogs' labelled tokens share it)
LEGACY_ADMIN_TOKEN_PREFIX = "admin-token:"  # noqa: S105 - a name, not a token


def org_identity(org_url: str) -> str:
    """Return the org a profile's ``org_url`` names, normalized (scheme, host and port in lower case)."""
    if org_url == SANDBOX_ORG:
        return SANDBOX_ORG
    try:
        return parse_org_url(org_url).base.lower()
    except OktaToolError:
        return org_url.strip().rstrip("/").lower()


def admin_token_secret_name(profile: Profile) -> str:
    """Return the secret-store name under which ``profile``'s SSWS admin token is kept.

    It names the profile and its org, so a token stored for one org never goes to another: not after the
    profile's org is edited, nor to a new profile that reuses a deleted one's name on another org.
    """
    whose = f"{profile.name}@{org_identity(profile.org_url)}"
    if len(ADMIN_TOKEN_PREFIX + whose) > 200:  # what a secret's name may hold
        whose = hashlib.sha256(whose.encode("utf-8")).hexdigest()
    return ADMIN_TOKEN_PREFIX + whose


def stale_admin_tokens(stored: Iterable[str], profiles: Iterable[Profile]) -> list[str]:
    """Return the stored admin-token names that no profile has now (deleted, renamed, or its org changed)."""
    current = {admin_token_secret_name(p) for p in profiles}
    return [name for name in stored if name.startswith(ADMIN_TOKEN_PREFIX) and name not in current]


def check_scope_name(scope: str) -> str:
    """Return ``scope`` when it looks like an Okta API scope; raise BadInputError otherwise."""
    parts = scope.split(".")
    if len(parts) < 3 or parts[0] != "okta" or not all(p.isascii() and p.isalnum() for p in parts[1:]):
        raise BadInputError(f"{shorten(scope)!r} is not an Okta API scope",
                            hint="Okta scopes look like okta.users.read; `oktatool scopes` lists them")
    if parts[-1] == "self":
        raise BadInputError(f"{scope} is an end-user scope; service apps cannot be granted .self scopes")
    return scope


def check_role_type(role_type: str) -> str:
    """Return the standard role type (any case); raise BadInputError naming the choices."""
    wanted = role_type.strip().upper()
    if wanted not in STANDARD_ROLES:
        raise BadInputError(f"{shorten(role_type)!r} is not a standard admin role",
                            hint="choose one of " + ", ".join(STANDARD_ROLES))
    return wanted


def access_error(response: ApiResponse, doing: str, app_id: str) -> ApiError:
    """Return the error of a failed grants/roles call, explained for what the call was doing."""
    problem = response.problem
    code = problem.error if problem is not None else ""
    said = problem.raw() if problem is not None else f"HTTP {response.status}"
    is_grant = "/grants" in response.url
    if code == "E0000006":
        if is_grant and response.method != "GET":
            what = f"cannot {doing}: only a Super Admin can grant or revoke Okta API scopes"
            hint = (f"Okta: \"{SUPER_ADMIN_RULE}\" Use the SSWS API token of a Super Admin, or an admin profile "
                    "whose app holds SUPER_ADMIN; or copy the call and ask a Super Admin to make it")
        elif "/roles" in response.url and response.method != "GET":
            what = f"cannot {doing}: the admin credential may not assign admin roles"
            hint = "only a Super Admin can assign or remove admin roles; use a Super Admin's API token"
        else:
            what = f"cannot {doing}: the admin credential's role does not allow it"
            hint = ("with an admin profile, its app needs an admin role as well as the scopes "
                    "(scopes without a role answer E0000006); or use an SSWS API token")
    elif code == "E0000005":
        what = f"cannot {doing}: Okta wants an admin session here, not a service-app token (\"Invalid session\")"
        hint = "some orgs refuse grant calls made with an OAuth token; use an admin's SSWS API token instead"
    elif code == "E0000007" or response.status == 404:
        what = f"cannot {doing}: Okta has no app with client id {app_id}"
        hint = "check the client id (Applications > the app > General), and that the org is the right one"
    elif code == "insufficient_scope":
        needed = problem.challenge.get("scope") if problem is not None and problem.challenge else None
        what = f"cannot {doing}: the admin profile's token lacks the scope {needed or 'this call needs'}"
        hint = (f"grant {needed or 'okta.appGrants.* / okta.roles.*'} to the admin profile's app and ask for it, "
                "or use an SSWS API token")
    elif code in ("E0000011", "invalid_token") or response.status == 401:
        what = f"cannot {doing}: Okta refused the admin credential"
        hint = "the API token was revoked or is from another org (Security > API > Tokens); make a new one"
    elif code == "E0000001":
        what = f"cannot {doing}: Okta rejected the request"
        hint = "check the scope or role name; grants need the org URL as issuer"
    else:
        return ApiError(f"cannot {doing}: {said}", hint=problem.hint() if problem is not None else None,
                        code=code or f"http_{response.status}")
    return ApiError(f"{what} (server said: {said})", hint=hint, code=code or f"http_{response.status}")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
