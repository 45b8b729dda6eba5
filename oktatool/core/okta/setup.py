"""Set up a service app as resumable steps: create the app, grant scopes, assign roles, get a token, call.

A ``SetupFlow`` holds its steps and what each has done (the app's client id, the scopes granted, the roles
assigned). ``run()`` starts at the first step not done and stops at the first that fails; run it again
after fixing the cause and it goes on from there, never creating a second app or granting a scope twice.
Every step records the API calls it made and their answers. ``Flow`` and ``Step`` are shared with the key
rotation.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from oktatool.core.errors import BadInputError, OktaToolError

if TYPE_CHECKING:
    from oktatool.core.keys.key import Key
    from oktatool.core.okta.api import ApiClient
    from oktatool.core.okta.client import OktaClient
    from oktatool.core.okta.http import HttpOptions
    from oktatool.core.okta.orgurl import OrgUrl

#: a GET that each scope family allows and that costs one small page ({client_id}: the app itself)
_PROBES = (
    ("okta.users.", "/api/v1/users?limit=1"),
    ("okta.groups.", "/api/v1/groups?limit=1"),
    ("okta.apps.", "/api/v1/apps?limit=1"),
    ("okta.logs.", "/api/v1/logs?limit=1"),
    ("okta.clients.read", "/oauth2/v1/clients?limit=1"),
    ("okta.clients.manage", "/oauth2/v1/clients?limit=1"),
    ("okta.appGrants.", "/api/v1/apps/{client_id}/grants"),
    ("okta.roles.", "/oauth2/v1/clients/{client_id}/roles"),
)

#: what an admin profile's token must carry for the set-up calls (an SSWS token needs none)
MANAGE_SCOPES = ("okta.apps.manage", "okta.appGrants.manage", "okta.roles.manage")

PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"
T = TypeVar("T")


def probe_call(scopes: tuple[str, ...], client_id: str) -> tuple[str, str] | None:
    """Return (scope, path) of one cheap GET the scopes allow, or None when none is known."""
    for scope in scopes:
        for prefix, path in _PROBES:
            if scope.startswith(prefix) and (scope.endswith((".read", ".manage"))):
                return scope, path.replace("{client_id}", client_id)
    return None


@dataclass
class Step:
    """One step of a flow: its state, the API calls it made and what came of them."""

    id: str
    title: str
    status: str = PENDING
    calls: list[str] = field(default_factory=list)
    result: str = ""
    error: str = ""
    hint: str = ""

    def record(self, call: str) -> None:
        """Note one API call (``METHOD PATH → answer``)."""
        self.calls.append(call)


class Flow:
    """Steps run in order; a failed step can be run again without redoing the ones before it."""

    #: (id, title) of every step, in order (a view can show the plan before the flow exists)
    PLAN: tuple[tuple[str, str], ...] = ()

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self._actions: dict[str, Callable[[Step], str]] = {}
        self._lock = threading.Lock()

    @classmethod
    def planned_steps(cls) -> list[Step]:
        """Return the steps as they stand before anything ran."""
        return [Step(step_id, title) for step_id, title in cls.PLAN]

    def _add(self, step_id: str, action: Callable[[Step], str]) -> None:
        self.steps.append(Step(step_id, dict(self.PLAN)[step_id]))
        self._actions[step_id] = action

    def step(self, step_id: str) -> Step:
        """Return the step with this id."""
        return next(s for s in self.steps if s.id == step_id)

    @property
    def done(self) -> bool:
        """Say whether every step is done."""
        return all(s.status == DONE for s in self.steps)

    @property
    def failed(self) -> Step | None:
        """Return the step that failed last run, if any."""
        return next((s for s in self.steps if s.status == FAILED), None)

    def run(self, on_change: Callable[[Step], None] | None = None, *, until: str | None = None) -> bool:
        """Run every step not done yet, in order, until one fails; return True when all are done.

        ``until`` names a step to stop before (a question is asked there): True then means all before it are done.
        """
        with self._lock:
            for step in self.steps:
                if step.id == until:
                    return True
                if step.status == DONE:
                    continue
                step.status, step.error, step.hint = RUNNING, "", ""
                if on_change is not None:
                    on_change(step)
                try:
                    step.result = self._actions[step.id](step)
                    step.status = DONE
                except OktaToolError as exc:
                    step.status, step.error, step.hint = FAILED, exc.description, exc.hint or ""
                if on_change is not None:
                    on_change(step)
                if step.status == FAILED:
                    return False
            return True


def call(step: Step, method: str, path: str, action: Callable[[], T]) -> T:
    """Run ``action`` (one API call ``method path``), recording the call and its outcome on ``step``."""
    try:
        value = action()
    except OktaToolError as exc:
        step.record(f"{method} {path} → failed: {exc.description}")
        raise
    step.record(f"{method} {path} → ok")
    return value


def add_missing(step: Step, path: str, held: Callable[[], Iterable[str]], wanted: Iterable[str], done: set[str],
                add: Callable[[str], object]) -> None:
    """List what the app holds at ``path`` into ``done``, then ``add`` each of ``wanted`` not in it yet.

    ``done`` keeps what was added, so a retry never adds a scope or role twice.
    """
    done.update(call(step, "GET", path, held))
    for name in wanted:
        if name not in done:
            call(step, "POST", f"{path} ({name})", partial(add, name))
            done.add(name)


@dataclass(frozen=True)
class SetupRequest:
    """What the user chose for the new app."""

    org: OrgUrl
    label: str
    key: Key = field(repr=False)
    scopes: tuple[str, ...]
    #: none chosen: the narrowest standard role that covers the scopes (``least_role``)
    roles: tuple[str, ...] = ()
    dpop: bool = False
    #: the URL Okta fetches the app's public keys from (None: the public key is saved in Okta)
    jwks_uri: str | None = None

    def __post_init__(self) -> None:
        from oktatool.core.okta.grants import least_role
        from oktatool.core.okta.jwks_uri import check_jwks_uri_text, org_fetches_loopback

        if not self.label.strip():
            raise BadInputError("give the app a name")
        if not self.scopes:
            raise BadInputError("choose at least one Okta API scope to grant", hint="e.g. okta.users.read")
        if not self.roles:
            object.__setattr__(self, "roles", (least_role(self.scopes),))
        if not self.key.is_private:
            raise BadInputError("the new app needs a private key (its public half is registered)")
        if self.jwks_uri is not None:
            object.__setattr__(self, "jwks_uri", check_jwks_uri_text(
                self.jwks_uri, allow_loopback_http=org_fetches_loopback(self.org)))


class SetupFlow(Flow):
    """create app → grant scopes → assign roles → token → one API call."""

    PLAN = (("create-app", "Create the API Services app"), ("grant-scopes", "Grant the Okta API scopes"),
            ("assign-role", "Assign the admin role"), ("token", "Get an access token"),
            ("api-call", "Call the API once"))

    def __init__(self, request: SetupRequest, admin: ApiClient, http: HttpOptions, *,
                 client_factory: Callable[[str], OktaClient] | None = None) -> None:
        super().__init__()
        self.request = request
        self.admin = admin
        self.http = http
        self._client_factory = client_factory
        self.client_id: str | None = None
        self.granted: set[str] = set()
        self.assigned: set[str] = set()
        self._client: OktaClient | None = None
        self._add("create-app", self._create)
        self._add("grant-scopes", self._grant)
        self._add("assign-role", self._assign)
        self._add("token", self._token)
        self._add("api-call", self._call)

    def client(self) -> OktaClient:
        """Return the OktaClient acting as the new app (after the app was created)."""
        if self.client_id is None:
            raise BadInputError("the app is not created yet")
        if self._client is None:
            if self._client_factory is not None:
                self._client = self._client_factory(self.client_id)
            else:
                from oktatool.core.okta.client import Connection, OktaClient

                req = self.request
                self._client = OktaClient(Connection(req.org, self.client_id, req.key, scopes=req.scopes,
                                                     dpop=req.dpop, http=self.http))
        return self._client

    def _create(self, step: Step) -> str:
        from oktatool.core.okta.apps import create_service_app

        req = self.request
        if req.jwks_uri is not None:  # as Okta will fetch it, before the app exists
            from oktatool.core.okta.jwks_uri import check_jwks_url, org_fetches_loopback

            url = req.jwks_uri
            call(step, "GET", url, lambda: check_jwks_url(url, req.key.kid, http=self.http,
                                                          allow_loopback_http=org_fetches_loopback(req.org)))
        app = call(step, "POST", "/api/v1/apps",
                   lambda: create_service_app(self.admin, req.label, req.key, dpop=req.dpop, jwks_uri=req.jwks_uri))
        self.client_id = app.id
        where = f"keys fetched from {req.jwks_uri}" if req.jwks_uri else "public key saved in Okta"
        return f"created {req.label!r}, client id {self.client_id}, kid {req.key.kid} ({where})"

    def _grant(self, step: Step) -> str:
        from oktatool.core.okta.grants import AppAccess

        client_id = self.client_id or ""
        access = AppAccess(self.admin, client_id, self.request.org.base)
        add_missing(step, access.grants_path, lambda: [g.scope_id for g in access.list_grants() if g.active],
                    self.request.scopes, self.granted, access.grant)
        return "granted " + " ".join(self.request.scopes)

    def _assign(self, step: Step) -> str:
        from oktatool.core.okta.grants import AppAccess

        client_id = self.client_id or ""
        access = AppAccess(self.admin, client_id, self.request.org.base)
        if not self.request.roles:
            return "no role chosen (API calls need one: assign it later with oktatool app roles assign)"
        add_missing(step, access.roles_path, lambda: [r.type for r in access.list_roles()],
                    self.request.roles, self.assigned, access.assign_role)
        return "assigned " + " ".join(self.request.roles)

    def _token(self, step: Step) -> str:
        client = self.client()
        answer = call(step, "POST", "/oauth2/v1/token",
                      lambda: client.token(use_cache=False))
        return f"{answer.token_type} token for {answer.scope}"

    def _call(self, step: Step) -> str:
        client = self.client()
        probe = probe_call(self.request.scopes, self.client_id or "")
        if probe is None:
            return "no cheap read call is known for these scopes; skipped"
        _scope, path = probe
        response = call(step, "GET", path,
                        lambda: client.api(self.request.scopes).call("GET", path))
        return f"GET {path} answered {response.status}"
