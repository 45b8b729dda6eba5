"""Move a service app from a client secret to a key pair, as resumable steps.

1. list the client secrets the switch deletes (and the scopes the proof asks for); 2. add the public key
(ACTIVE); 3. switch ``token_endpoint_auth_method`` to ``private_key_jwt`` — Okta then deletes the app's
secrets, so code that still uses one stops working at that moment; 4. get a token signed with the key.
Every step reads what Okta holds first, so a run stopped anywhere goes on from there when run again, in
this process or a new one: a key added once is not added twice, a switched app is not switched again.
Ask before the switch with ``run(until="switch")``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from oktatool.core.errors import BadInputError, Hint
from oktatool.core.okta.rotation import KeyProof, add_active_key, prove_key
from oktatool.core.okta.setup import Flow, Step, call

if TYPE_CHECKING:
    from oktatool.core.keys.key import Key
    from oktatool.core.okta.api import ApiClient
    from oktatool.core.okta.apps import ClientSecret
    from oktatool.core.okta.client import OktaClient
    from oktatool.core.okta.http import HttpOptions
    from oktatool.core.okta.orgurl import OrgUrl

KEY_METHOD = "private_key_jwt"
#: what an admin profile's token must carry: the app and its key changed, its grants read
MANAGE_SCOPES = ("okta.apps.manage", "okta.appGrants.read")
#: the step a caller stops before to ask (the one that deletes the secrets)
SWITCH = "switch"


@dataclass(frozen=True)
class MigrationRequest:
    """Which app moves, the key it moves to, and the scopes its first token asks for (none: those granted)."""

    org: OrgUrl
    client_id: str
    key: Key = field(repr=False)
    scopes: tuple[str, ...] = ()
    #: the URL that publishes the key's public half (None: the public key is saved in Okta)
    jwks_uri: str | None = None

    def __post_init__(self) -> None:
        from oktatool.core.okta.jwks_uri import check_jwks_uri_text, org_fetches_loopback

        if self.jwks_uri is not None:
            object.__setattr__(self, "jwks_uri", check_jwks_uri_text(
                self.jwks_uri, allow_loopback_http=org_fetches_loopback(self.org)))
        if not self.client_id:
            raise BadInputError("no service app named",
                                hint=Hint("pass --profile NAME, or --org URL and --client-id ID",
                                          window="give the profile a client id in Edit profiles…"))
        if not self.key.is_private or not self.key.kid:
            raise BadInputError("the app's new key must be a private key with a kid",
                                hint=Hint("make one with oktatool keygen --kty RSA -o FILE",
                                          window="choose Generate a new RSA key"))


class MigrationFlow(Flow):
    """list the secrets → add the key → switch to private_key_jwt → token with the key."""

    PLAN = (("secrets", "List the client secrets the switch deletes"),
            ("add-key", "Add the public key (or the URL that publishes it)"),
            (SWITCH, "Switch to private_key_jwt (Okta deletes the secrets)"), ("token", "Get a token with the key"))

    def __init__(self, request: MigrationRequest, admin: ApiClient, http: HttpOptions, *,
                 client: OktaClient | None = None) -> None:
        super().__init__()
        self.request = request
        self.admin = admin
        self.http = http
        self._client = client
        #: what the first step found: the secrets the switch deletes, the scopes and DPoP of the proof
        self.secrets: tuple[ClientSecret, ...] = ()
        #: the kids of keys saved in Okta that a switch to the jwks_uri deletes
        self.saved_kids: tuple[str, ...] = ()
        self.scopes: tuple[str, ...] = request.scopes
        self.dpop = False
        self._add("secrets", self._list)
        self._add("add-key", self._add_key)
        self._add(SWITCH, self._switch)
        self._add("token", self._token)

    @property
    def path(self) -> str:
        """Return the app's path in the Apps API."""
        return f"/api/v1/apps/{self.request.client_id}"

    def _list(self, step: Step) -> str:
        from oktatool.core.okta.apps import get_app, list_keys, list_secrets
        from oktatool.core.okta.grants import AppAccess

        req = self.request
        app = call(step, "GET", self.path, lambda: get_app(self.admin, req.client_id))
        self.dpop = app.dpop_required
        if not self.scopes:
            access = AppAccess(self.admin, req.client_id, req.org.base)
            granted = call(step, "GET", access.grants_path, access.list_grants)
            self.scopes = tuple(sorted({g.scope_id for g in granted if g.active}))
        if not self.scopes:
            raise BadInputError(f"the app {req.client_id} is granted no Okta API scope, so no token can prove the key",
                                hint="grant one first (oktatool app grants grant SCOPE)")
        if req.jwks_uri is not None and app.jwks_uri != req.jwks_uri:
            saved = call(step, "GET", f"{self.path}/credentials/jwks", lambda: list_keys(self.admin, req.client_id))
            self.saved_kids = tuple(k.kid or k.id for k in saved)
        if app.auth_method == KEY_METHOD:
            self.secrets = ()
            return "the app authenticates with private_key_jwt already: no secret left to delete"
        self.secrets = tuple(call(step, "GET", f"{self.path}/credentials/secrets",
                                  lambda: list_secrets(self.admin, req.client_id)))
        listed = "; ".join(s.describe() for s in self.secrets) or "none"
        return f"{app.auth_method} now; the switch deletes {len(self.secrets)} secret(s): {listed}"

    def _add_key(self, step: Step) -> str:
        req = self.request
        if req.jwks_uri is None:
            return add_active_key(step, self.admin, req.client_id, req.key)
        from oktatool.core.okta.jwks_uri import check_jwks_url, org_fetches_loopback

        url = req.jwks_uri  # the app is pointed at it by the switch, after the question
        found = call(step, "GET", url, lambda: check_jwks_url(url, req.key.kid, http=self.http,
                                                              allow_loopback_http=org_fetches_loopback(req.org)))
        return f"{url} publishes kid {req.key.kid} (of {', '.join(found.kids)})"

    def _switch(self, step: Step) -> str:
        from oktatool.core.okta.apps import get_app, set_auth_method, set_jwks_uri

        req = self.request
        app = call(step, "GET", self.path, lambda: get_app(self.admin, req.client_id))
        done = []
        if req.jwks_uri is not None and app.jwks_uri != req.jwks_uri:
            url = req.jwks_uri
            call(step, "PUT", self.path, lambda: set_jwks_uri(self.admin, req.client_id, url))
            deleted = f"; Okta deleted the saved keys {', '.join(self.saved_kids)}" if self.saved_kids else ""
            done.append(f"keys fetched from {url}{deleted}")
        if app.auth_method == KEY_METHOD:
            done.append("private_key_jwt already (switched by an earlier run)")
        else:
            call(step, "PUT", self.path, lambda: set_auth_method(self.admin, req.client_id, KEY_METHOD))
            done.append(f"{app.auth_method} → private_key_jwt; Okta deleted the app's client secrets")
        return "; ".join(done)

    def _token(self, step: Step) -> str:
        req = self.request
        proof = KeyProof(req.org, req.client_id, req.key, self.scopes, self.dpop)
        return prove_key(step, proof, self.http, self._client) + f", the assertion signed with {req.key.kid}"
