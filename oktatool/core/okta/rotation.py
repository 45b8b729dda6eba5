"""Rotate a service app's key in the safe order, and stop before anything is deleted.

1. add the new key (ACTIVE) to the app's JWKS; 2. get a token signed with it (proof that Okta takes it);
3. switch the profile to the new key and kid (a callback: the caller owns the profile and the key library);
4. deactivate the old key. Deleting the old key is a separate, later step (``apps.delete_key``).
The rules are checked before the first call: the old kid is registered and ACTIVE, the new one is not there,
the app has room for one more key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from oktatool.core.errors import BadInputError
from oktatool.core.okta.setup import Flow, Step, call

if TYPE_CHECKING:
    from oktatool.core.keys.key import Key
    from oktatool.core.okta.api import ApiClient
    from oktatool.core.okta.client import OktaClient
    from oktatool.core.okta.http import HttpOptions
    from oktatool.core.okta.orgurl import OrgUrl


def new_app_key(size: int = 2048) -> Key:
    """Return a new RSA signing key (RS256) for an app, kid its thumbprint."""
    from oktatool.core.keys.key import KeySpec, generate_key

    return generate_key(KeySpec("RSA", size=max(2048, size), use="sig", alg="RS256"))


def successor_key(old: Key) -> Key:
    """Return a new private key of the old key's type (RSA of its size, or EC on its curve), kid its thumbprint."""
    from oktatool.core.keys.key import KeySpec, generate_key

    if old.kty == "RSA":
        return new_app_key(old.size)
    if old.kty == "EC" and old.crv in ("P-256", "P-384", "P-521"):
        alg = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}[old.crv]
        return generate_key(KeySpec("EC", crv=old.crv, use="sig", alg=alg))
    return new_app_key()


@dataclass(frozen=True)
class RotationRequest:
    """Which app, which key it signs with now, and the key that takes over."""

    org: OrgUrl
    client_id: str
    old_kid: str
    new_key: Key = field(repr=False)
    scopes: tuple[str, ...]
    dpop: bool = False

    def __post_init__(self) -> None:
        if not self.new_key.is_private or not self.new_key.kid:
            raise BadInputError("the new key must be a private key with a kid")
        if self.new_key.kid == self.old_kid:
            raise BadInputError(f"the new key has the old key's kid {self.old_kid!r}",
                                hint="a new key pair gets a new kid (its thumbprint)")
        if not self.scopes:
            raise BadInputError("no scopes to ask for with the new key", hint="set the profile's scopes")


@dataclass(frozen=True)
class RegisteredApp:
    """What a rotation needs from the app itself when no profile says it: the key it signs with, scopes, DPoP."""

    old_kid: str
    scopes: tuple[str, ...]
    dpop: bool


def registered_app(admin: ApiClient, client_id: str, issuer: str, new_kid: str | None) -> RegisteredApp:
    """Read the app's one ACTIVE key (other than ``new_kid``), its granted scopes and whether it requires DPoP.

    For ``app rotate --org URL --client-id ID``: there is no profile to say which key the app signs with,
    so exactly one ACTIVE key must be registered (several would leave the old key a guess).
    """
    from oktatool.core.okta.apps import get_app, list_keys
    from oktatool.core.okta.grants import AppAccess

    active = [k for k in list_keys(admin, client_id) if k.active and k.kid and k.kid != new_kid]
    if len(active) != 1:
        kids = ", ".join(str(k.kid) for k in active)
        raise BadInputError(f"the app {client_id} has {len(active)} ACTIVE keys{': ' + kids if kids else ''}; "
                            "rotate needs exactly one to replace",
                            hint="deactivate the keys nothing signs with (oktatool app keys deactivate KID)"
                            if active else "add and activate a key first (oktatool app keys add FILE)")
    scopes = tuple(sorted({g.scope_id for g in AppAccess(admin, client_id, issuer).list_grants() if g.active}))
    if not scopes:
        raise BadInputError(f"the app {client_id} is granted no Okta API scope, so no token can prove the new key",
                            hint="grant one first (oktatool app grants grant SCOPE)")
    return RegisteredApp(str(active[0].kid), scopes, get_app(admin, client_id).dpop_required)


def add_active_key(step: Step, admin: ApiClient, client_id: str, key: Key) -> str:
    """Make ``key`` an ACTIVE key of the app: add it, or activate it when an earlier try added it INACTIVE."""
    from oktatool.core.okta.apps import activate_key, add_key, list_keys

    path = f"/api/v1/apps/{client_id}/credentials/jwks"
    keys = call(step, "GET", path, lambda: list_keys(admin, client_id))
    there = next((k for k in keys if k.kid == key.kid), None)
    if there is None:
        done = call(step, "POST", path, lambda: add_key(admin, client_id, key, keys=keys))
    elif not there.active:  # added by an earlier try that stopped before activating
        done = call(step, "POST", f"{path}/{there.id}/lifecycle/activate",
                    lambda: activate_key(admin, client_id, str(key.kid), keys=keys))
    else:
        done = there
    return f"key is {done.status} (kid {done.kid})"


@dataclass(frozen=True)
class KeyProof:
    """Who asks for the token that proves a key: the org, the app, its key, the scopes, DPoP or not."""

    org: OrgUrl
    client_id: str
    key: Key = field(repr=False)
    scopes: tuple[str, ...]
    dpop: bool


def prove_key(step: Step, proof: KeyProof, http: HttpOptions, client: OktaClient | None = None) -> str:
    """Get a token whose assertion the key signed (``client``, when given, acts as the app); say what came."""
    if client is None:
        from oktatool.core.okta.client import Connection, OktaClient

        client = OktaClient(Connection(proof.org, proof.client_id, proof.key, scopes=proof.scopes, dpop=proof.dpop,
                                       http=http))
    answer = call(step, "POST", "/oauth2/v1/token", lambda: client.token(use_cache=False))
    return f"{answer.token_type} token for {answer.scope}"


class RotationFlow(Flow):
    """add new key → token with it → switch the profile → deactivate the old key."""

    PLAN = (("check", "Check Okta's key rules"), ("add-key", "Add the new key"),
            ("token", "Get a token with the new key"), ("switch", "Switch the profile to the new key"),
            ("deactivate-old", "Deactivate the old key"))

    def __init__(self, request: RotationRequest, admin: ApiClient, http: HttpOptions,
                 switch: Callable[[Key], str], *, client_factory: Callable[[Key], OktaClient] | None = None) -> None:
        super().__init__()
        self.request = request
        self.admin = admin
        self.http = http
        self._switch = switch
        self._client_factory = client_factory
        self._add("check", self._check)
        self._add("add-key", self._add_key)
        self._add("token", self._token)
        self._add("switch", self._do_switch)
        self._add("deactivate-old", self._deactivate)

    def _check(self, step: Step) -> str:
        from oktatool.core.okta.apps import check_can_add, find_key, list_keys, public_jwk

        req = self.request
        keys = call(step, "GET", f"/api/v1/apps/{req.client_id}/credentials/jwks",
                    lambda: list_keys(self.admin, req.client_id))
        old = find_key(keys, req.old_kid)
        if not old.active:
            raise BadInputError(f"the current key {req.old_kid} is {old.status}, not ACTIVE",
                                hint="activate it, or add the new key with oktatool app keys add")
        if not any(k.kid == req.new_key.kid for k in keys):
            check_can_add(keys, public_jwk(req.new_key))
        return f"{len(keys)} key(s) of at most 50; the current key is ACTIVE; the new kid is free"

    def _add_key(self, step: Step) -> str:
        return "the new " + add_active_key(step, self.admin, self.request.client_id, self.request.new_key)

    def _token(self, step: Step) -> str:
        req = self.request
        client = None if self._client_factory is None else self._client_factory(req.new_key)
        return prove_key(step, KeyProof(req.org, req.client_id, req.new_key, req.scopes, req.dpop), self.http,
                         client) + ", the assertion signed with the new key"

    def _do_switch(self, step: Step) -> str:
        return self._switch(self.request.new_key)

    def _deactivate(self, step: Step) -> str:
        from oktatool.core.okta.apps import deactivate_key, find_key, list_keys

        req = self.request
        path = f"/api/v1/apps/{req.client_id}/credentials/jwks"
        keys = call(step, "GET", path, lambda: list_keys(self.admin, req.client_id))
        old = find_key(keys, req.old_kid)
        key = call(step, "POST", f"{path}/{old.id}/lifecycle/deactivate",
                   lambda: deactivate_key(self.admin, req.client_id, req.old_kid, keys=keys))
        return f"the old key is {key.status}; delete it later: oktatool app keys delete {req.old_kid}"
