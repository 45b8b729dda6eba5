"""The sandbox org's data: users, groups, apps with keys, grants and roles, issued tokens and the System Log.

Ids are a type prefix, a base-36 counter and a suffix of their own org, so they sort in creation order (a list
page starts with a binary search for the ``after`` cursor, which keeps paging 10,000 users fast) and two orgs
never make the same id (a profile for one sandbox on a port is never taken for the Local sandbox's).
"""

from __future__ import annotations

import bisect
import hashlib
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

#: the scopes the ready service app is granted unless the options say otherwise
DEFAULT_SCOPES = (
    "okta.users.read",
    "okta.users.manage",
    "okta.groups.read",
    "okta.groups.manage",
    "okta.apps.read",
    "okta.apps.manage",
    "okta.appGrants.read",
    "okta.appGrants.manage",
    "okta.logs.read",
    "okta.clients.read",
    "okta.clients.manage",
    "okta.clients.register",
    "okta.roles.read",
    "okta.roles.manage",
)

#: standard admin role types (FACTS §5.4)
ROLE_TYPES = (
    "ACCESS_CERTIFICATIONS_ADMIN", "ACCESS_REQUESTS_ADMIN", "API_ACCESS_MANAGEMENT_ADMIN", "APP_ADMIN",
    "GROUP_MEMBERSHIP_ADMIN", "HELP_DESK_ADMIN", "ORG_ADMIN", "READ_ONLY_ADMIN", "REPORT_ADMIN", "SUPER_ADMIN",
    "USER_ADMIN", "WORKFLOWS_ADMIN",
)

_ROLE_LABELS = {
    "SUPER_ADMIN": "Super Administrator",
    "ORG_ADMIN": "Organizational Administrator",
    "APP_ADMIN": "Application Administrator",
    "USER_ADMIN": "Group Administrator",
    "HELP_DESK_ADMIN": "Help Desk Administrator",
    "READ_ONLY_ADMIN": "Read Only Administrator",
}

_FIRST_NAMES = ("Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Margaret", "Dennis",
                "Radia", "Niklaus", "Sophie", "Tim", "Hedy", "Linus", "Katherine", "John", "Annie", "Guido")
_LAST_NAMES = ("Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Hamilton",
               "Ritchie", "Perlman", "Wirth", "Wilson", "Berners-Lee", "Lamarr", "Torvalds", "Johnson", "McCarthy",
               "Easley", "van Rossum")
_GROUP_NAMES = ("Engineering", "Sales", "Support", "Finance", "Okta Admins")
_SUFFIX_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SEED_EPOCH = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


def okta_time(moment: datetime) -> str:
    """Format a time the way Okta does: UTC with milliseconds and a Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def now_text() -> str:
    """Return the current time in Okta's format."""
    return okta_time(datetime.now(UTC))


class IdMaker:
    """Make Okta-looking 20-character ids that sort in the order they were made."""

    def __init__(self) -> None:
        self._counters: dict[str, int] = {}
        self._lock = threading.Lock()
        self._salt = secrets.token_hex(8)  # this org's: the counters alone repeat in every org

    def new(self, prefix: str) -> str:
        """Return the next id for ``prefix`` (three characters, e.g. 00u for users)."""
        with self._lock:
            number = self._counters.get(prefix, 0) + 1
            self._counters[prefix] = number
        digest = hashlib.sha256(f"{self._salt}:{prefix}:{number}".encode()).digest()
        suffix = "".join(_SUFFIX_ALPHABET[b % len(_SUFFIX_ALPHABET)] for b in digest[:10])
        return f"{prefix}{_base36(number).rjust(7, '0')}{suffix}"

    def counters(self) -> dict[str, int]:
        """Return how many ids of each prefix were made (a kept org carries them over)."""
        with self._lock:
            return dict(self._counters)

    def restore(self, counters: dict[str, int]) -> None:
        """Go on from ``counters`` so that new ids sort after the kept ones and never repeat them."""
        with self._lock:
            self._counters = dict(counters)


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, rest = divmod(number, 36)
        digits = _SUFFIX_ALPHABET[rest] + digits
        if not number:
            return digits


class Collection:
    """Records by id, kept in id order so that ``after`` cursors resolve with a binary search."""

    def __init__(self, id_field: str = "id") -> None:
        self._id_field = id_field
        self._items: dict[str, dict[str, Any]] = {}
        self._order: list[str] = []

    def __len__(self) -> int:
        return len(self._order)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (self._items[item_id] for item_id in list(self._order))

    def add(self, item: dict[str, Any]) -> dict[str, Any]:
        """Add a record whose ``id`` sorts after every other id."""
        item_id = item[self._id_field]
        self._items[item_id] = item
        bisect.insort(self._order, item_id)
        return item

    def get(self, item_id: str) -> dict[str, Any] | None:
        """Return the record with this id, or None."""
        return self._items.get(item_id)

    def remove(self, item_id: str) -> None:
        """Remove a record (no-op when it is gone already)."""
        if self._items.pop(item_id, None) is not None:
            del self._order[bisect.bisect_left(self._order, item_id)]

    def page(self, after: str | None, limit: int,
             keep: Callable[[dict[str, Any]], bool] | None = None) -> tuple[list[dict[str, Any]], bool]:
        """Return up to ``limit`` records after the cursor (that pass ``keep``) and whether more follow."""
        start = bisect.bisect_right(self._order, after) if after else 0
        found: list[dict[str, Any]] = []
        for index in range(start, len(self._order)):
            item = self._items[self._order[index]]
            if keep is not None and not keep(item):
                continue
            if len(found) == limit:
                return found, True
            found.append(item)
        return found, False


@dataclass
class AppKey:
    """A public key registered on an app (the JWKS credential of Okta's Apps API)."""

    id: str
    jwk: dict[str, Any]
    status: str
    created: str
    last_updated: str

    @property
    def kid(self) -> str | None:
        """Return the key's kid."""
        kid = self.jwk.get("kid")
        return kid if isinstance(kid, str) else None


@dataclass
class App:
    """An app integration: OAuth client settings, registered keys, granted scopes and admin roles."""

    id: str
    label: str
    name: str
    application_type: str
    grant_types: list[str]
    token_endpoint_auth_method: str
    dpop_bound_access_tokens: bool
    created: str
    last_updated: str
    status: str = "ACTIVE"
    sign_on_mode: str = "OPENID_CONNECT"
    #: ``settings.app``: a bookmark app's ``url`` and ``requestIntegration``; empty for OAuth apps
    app_settings: dict[str, Any] = field(default_factory=dict)
    keys: list[AppKey] = field(default_factory=list)
    #: ``settings.oauthClient.jwks_uri``: where the app's keys are fetched from at token time (then none are saved)
    jwks_uri: str | None = None
    grants: list[dict[str, Any]] = field(default_factory=list)
    roles: list[dict[str, Any]] = field(default_factory=list)
    #: client secrets (``client_secrets``): masked form and hash only, never the secret
    secrets: list[dict[str, Any]] = field(default_factory=list)
    #: each role assignment's targets: ``{assignment id: {"groups": [group id], "apps": ["name" or "name/id"]}}``
    role_targets: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def granted_scopes(self) -> set[str]:
        """Return the scope ids of the app's active grants."""
        return {grant["scopeId"] for grant in self.grants if grant["status"] == "ACTIVE"}

    def active_keys(self) -> list[AppKey]:
        """Return the keys a client assertion may be signed with."""
        return [key for key in self.keys if key.status == "ACTIVE"]


@dataclass(frozen=True)
class IssuedToken:
    """An access token the sandbox minted, remembered so that the management API can check it."""

    client_id: str
    scopes: tuple[str, ...]
    expires_at: float
    jkt: str | None  # thumbprint of the DPoP key the token is bound to
    #: the token's object id (``/api/v1/apps/{appId}/tokens/{tokenId}``), its jti, when and by whom it was issued
    id: str = ""
    jti: str = ""
    issued_at: float = 0.0
    issuer: str = ""
    #: the token's aud when it is not its issuer (a custom authorization server's, e.g. api://default)
    audience: str = ""


class OrgStore:
    """All data of one sandbox org, guarded by one lock (requests run on several threads)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.ids = IdMaker()
        self.users = Collection()
        self.groups = Collection()
        self.logs = Collection(id_field="uuid")
        self.apps: dict[str, App] = {}
        #: custom admin roles (``/api/v1/iam/roles``) and resource sets (``/api/v1/iam/resource-sets``) by id
        self.custom_roles: dict[str, dict[str, Any]] = {}
        self.resource_sets: dict[str, dict[str, Any]] = {}
        self.group_members: dict[str, list[str]] = {}
        self.tokens: dict[str, IssuedToken] = {}
        #: the tokens custom authorization servers minted: never accepted by the management API
        self.custom_tokens: dict[str, IssuedToken] = {}
        #: token ids count apart from ``ids``: tokens belong to one run, and a kept org's counters never go back
        self.token_ids = IdMaker()
        self.used_assertion_jtis: dict[str, float] = {}
        self.used_proof_jtis: dict[str, float] = {}

    def adopt(self, kept: OrgStore) -> None:
        """Take the lasting data of ``kept`` (the org file read again); this run's tokens, jtis and log stay."""
        self.ids.restore(kept.ids.counters())
        self.users, self.groups, self.group_members, self.apps = kept.users, kept.groups, kept.group_members, \
            kept.apps
        self.custom_roles, self.resource_sets = kept.custom_roles, kept.resource_sets

    def seed_users(self, count: int) -> None:
        """Create ``count`` active users with distinct names and logins, spread over the seeded groups."""
        groups = [group["id"] for group in self.groups]
        members: list[list[str]] = [[] for _ in groups]
        for number in range(count):
            first = _FIRST_NAMES[number % len(_FIRST_NAMES)]
            last = _LAST_NAMES[(number // len(_FIRST_NAMES)) % len(_LAST_NAMES)]
            login = f"{first}.{last.replace(' ', '')}.{number + 1}@example.com".lower()
            moment = _SEED_EPOCH + timedelta(minutes=number)
            user = self.add_user({"firstName": first, "lastName": last, "email": login, "login": login},
                                 status="ACTIVE", when=okta_time(moment))
            if groups:
                members[number % len(groups)].append(user["id"])
        for group_id, group_members in zip(groups, members, strict=True):
            self.group_members[group_id] = group_members

    def seed_groups(self) -> None:
        """Create the Everyone group and a few ordinary groups."""
        self.add_group({"name": "Everyone", "description": "All users in your organization"}, kind="BUILT_IN")
        for name in _GROUP_NAMES:
            self.add_group({"name": name, "description": f"{name} team"}, kind="OKTA_GROUP")

    def add_user(self, profile: dict[str, Any], *, status: str, when: str | None = None) -> dict[str, Any]:
        """Store a new user with Okta's shape and return it."""
        stamp = when or now_text()
        user: dict[str, Any] = {
            "id": self.ids.new("00u"),
            "status": status,
            "created": stamp,
            "activated": stamp if status == "ACTIVE" else None,
            "statusChanged": stamp,
            "lastLogin": None,
            "lastUpdated": stamp,
            "passwordChanged": None,
            "type": {"id": "oty0000000sandbox001"},
            "profile": {"firstName": None, "lastName": None, "mobilePhone": None, "secondEmail": None,
                        **profile},
            "credentials": {"provider": {"type": "OKTA", "name": "OKTA"}},
        }
        return self.users.add(user)

    def find_user(self, id_or_login: str) -> dict[str, Any] | None:
        """Return a user by id or by login (case-insensitive), as Okta's get-user does."""
        user = self.users.get(id_or_login)
        if user is not None:
            return user
        wanted = id_or_login.lower()
        return next((u for u in self.users if str(u["profile"].get("login", "")).lower() == wanted), None)

    def add_group(self, profile: dict[str, Any], *, kind: str = "OKTA_GROUP") -> dict[str, Any]:
        """Store a new group with Okta's shape and return it."""
        stamp = now_text()
        group: dict[str, Any] = {
            "id": self.ids.new("00g"),
            "created": stamp,
            "lastUpdated": stamp,
            "lastMembershipUpdated": stamp,
            "objectClass": ["okta:user_group"],
            "type": kind,
            "profile": {"name": profile.get("name"), "description": profile.get("description")},
        }
        self.group_members[group["id"]] = []
        return self.groups.add(group)

    def members_of(self, group: dict[str, Any]) -> list[str]:
        """Return the user ids in a group (Everyone holds every user)."""
        if group["type"] == "BUILT_IN":
            return [user["id"] for user in self.users]
        return self.group_members.get(group["id"], [])

    def add_app(self, *, label: str, application_type: str = "service",
                grant_types: list[str] | None = None, auth_method: str = "private_key_jwt",
                dpop: bool = False, sign_on_mode: str = "OPENID_CONNECT", name: str = "oidc_client") -> App:
        """Store a new app integration and return it."""
        stamp = now_text()
        app = App(id=self.ids.new("0oa"), label=label, name=name, application_type=application_type,
                  grant_types=grant_types or ["client_credentials"], token_endpoint_auth_method=auth_method,
                  dpop_bound_access_tokens=dpop, created=stamp, last_updated=stamp, sign_on_mode=sign_on_mode)
        self.apps[app.id] = app
        return app

    def add_key(self, app: App, jwk: dict[str, Any], *, status: str = "ACTIVE") -> AppKey:
        """Register a public JWK on an app."""
        stamp = now_text()
        key = AppKey(id=self.ids.new("pks"), jwk=jwk, status=status, created=stamp, last_updated=stamp)
        app.keys.append(key)
        return key

    def add_grant(self, app: App, scope: str, issuer: str) -> dict[str, Any]:
        """Grant an Okta scope to an app and return the grant."""
        stamp = now_text()
        grant: dict[str, Any] = {
            "id": self.ids.new("oag"),
            "status": "ACTIVE",
            "created": stamp,
            "createdBy": {"id": "00u0000000sandboxadm", "type": "User"},
            "lastUpdated": stamp,
            "issuer": issuer,
            "clientId": app.id,
            "scopeId": scope,
            "source": "ADMIN",
        }
        app.grants.append(grant)
        return grant

    def add_role(self, app: App, role_type: str, custom: dict[str, Any] | None = None,
                 resource_set: str | None = None) -> dict[str, Any]:
        """Assign an admin role to an app (a client role assignment): a standard one, or a custom role
        (``custom``, its record) over a resource set (its id)."""
        stamp = now_text()
        role: dict[str, Any] = {
            "id": self.ids.new("irb"),
            "label": custom["label"] if custom else _ROLE_LABELS.get(role_type, role_type.replace("_", " ").title()),
            "type": role_type,
            "status": "ACTIVE",
            "created": stamp,
            "lastUpdated": stamp,
            "assignmentType": "CLIENT",
        }
        if custom is not None:
            role["role"], role["resource-set"] = custom["id"], resource_set
        app.roles.append(role)
        return role

    def remember_jti(self, table: dict[str, float], jti: str, expires_at: float, now: float) -> bool:
        """Record a single-use jti; return False when it was seen before (expired ones are forgotten)."""
        if len(table) > 10_000:
            for stale in [j for j, until in table.items() if until < now]:
                del table[stale]
        if jti in table:
            return False
        table[jti] = expires_at
        return True
