"""One sandbox org: its options, seeded data, signing key, SSWS token, DPoP nonce, tokens and System Log."""

from __future__ import annotations

import functools
import os
import secrets
import stat
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jwt
from joserfc.jwk import RSAKey

from oktatool.core.files import is_link
from oktatool.sandbox.authservers import CustomServer, server_key
from oktatool.sandbox.client_secrets import add_secret
from oktatool.sandbox.kept import KeptFile, KeptOrg
from oktatool.sandbox.messages import Request
from oktatool.sandbox.store import DEFAULT_SCOPES, App, IssuedToken, OrgStore, now_text

#: lifetime of every access token the org AS mints (fixed at one hour, FACTS §4.6)
TOKEN_LIFETIME_SECONDS = 3600
SERVICE_APP_LABEL = "oktatool sandbox service app"
DPOP_APP_LABEL = "oktatool sandbox DPoP service app"


FAULT_KINDS = ("delay", "reset", "status", "slow", "truncate", "large", "large_error", "nested")


@dataclass(frozen=True)
class Fault:
    """Misbehaviour for testing a client's error handling, on requests whose path starts with ``path``.

    ``kind`` is "delay" (answer after ``seconds``), "reset" (drop the connection with a TCP reset),
    "status" (answer ``status`` with Okta's error body), "slow" (send the answer's body one byte every
    ``seconds``, 1 by default), "truncate" (send half the body that Content-Length promises, then close),
    "large" (answer 200 with a JSON array of about ``size`` bytes, streamed), "large_error" (answer ``status``
    with an OAuth ``invalid_client`` error whose description makes about ``size`` bytes, streamed) or "nested"
    (answer 200 with JSON nested ``size`` levels deep); ``times`` limits how many requests it hits.
    """

    path: str
    kind: str
    seconds: float = 0.0
    status: int = 500
    times: int | None = None
    size: int = 0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}: use {', '.join(FAULT_KINDS)}")


#: misconfigurations of the ready service app, each one a cause `oktatool doctor` must name
#: (``SandboxOptions.misconfig``); the values say what the org then looks like
MISCONFIGS = {
    "app-inactive": "the service app is deactivated",
    "client-secret": "the service app authenticates with a client secret, not private_key_jwt",
    "web-app": "the service app is a web app (authorization code), not an API Services app",
    "kid-unregistered": "the app's JWKS holds another key, not the service key's kid",
    "key-inactive": "the service key is registered but INACTIVE (another key is ACTIVE)",
    "dpop-required": "the service app requires DPoP-bound tokens (the start-up line does not say so)",
    "scope-missing": "okta.users.read is not granted (okta.users.manage neither)",
    "no-role": "the service app has no admin role",
    "read-only-role": "the service app's only role is READ_ONLY_ADMIN (no change calls)",
    "metadata-missing": "the org authorization server's metadata documents answer 404",
    "auth-server-no-policy": "no policy of the custom authorization server Orders API includes the service app",
}


@dataclass(frozen=True)
class SandboxOptions:
    """How to build and serve a sandbox org."""

    users: int = 50
    dpop_required: bool = False
    rate_limit: int | None = None  # requests per window per bucket; None: counted, never refused
    rate_window: int = 60  # seconds a rate-limit window lasts (Okta's are a minute; tests shorten it)
    admin_role: bool = True  # give the service app SUPER_ADMIN (without one, API calls get E0000006)
    scopes: tuple[str, ...] = DEFAULT_SCOPES  # granted to the service app
    opaque_tokens: bool = False  # random access tokens instead of signed JWTs
    service_key_pem: bytes | None = None  # reuse this private key (PKCS#8 PEM) instead of making one
    tls: bool = False
    host: str = "127.0.0.1"
    port: int = 0
    faults: tuple[Fault, ...] = ()
    clock_offset: float = 0.0  # seconds the org's clock runs ahead of this computer's (negative: behind)
    misconfig: tuple[str, ...] = ()  # names from MISCONFIGS
    #: also seed a service app that requires DPoP, with the service key, grants and role of the Bearer one
    dpop_app: bool = False

    def __post_init__(self) -> None:
        if self.rate_window < 1:
            raise ValueError(f"a rate-limit window lasts at least 1 second, not {self.rate_window}")
        unknown = [name for name in self.misconfig if name not in MISCONFIGS]
        if unknown:
            raise ValueError(f"unknown misconfiguration {unknown[0]!r}: use one of {', '.join(MISCONFIGS)}")


@dataclass(frozen=True)
class ServiceKey:
    """The ready service app's key pair: the PEM and private JWK written to disk, the public JWK registered."""

    private_pem: bytes
    private_jwk: dict[str, Any]
    public_jwk: dict[str, Any]

    @property
    def kid(self) -> str:
        """Return the key's kid (its RFC 7638 thumbprint)."""
        return str(self.public_jwk["kid"])


def make_service_key(private_pem: bytes | None = None) -> ServiceKey:
    """Load or generate the service app's RSA key; its kid is the RFC 7638 thumbprint."""
    if private_pem is None:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption())
    key = RSAKey.import_key(private_pem)
    extra = {"kid": key.thumbprint(), "use": "sig", "alg": "RS256"}
    return ServiceKey(private_pem=private_pem, private_jwk={**key.as_dict(private=True), **extra},
                      public_jwk={**key.as_dict(private=False), **extra})


def reusable_service_key(path: Path) -> bytes | None:
    """Return the PEM in ``path`` when it holds an unencrypted RSA private key, so a restart keeps the kid."""
    if is_link(path):  # Windows has no O_NOFOLLOW: a symlink or junction is refused before it is opened
        return None
    try:
        # never through a symlink, and only a file this user owns that nobody else can read or write:
        # a key someone else planted would let them sign as the sandbox's service app
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as handle:
            facts = os.fstat(handle.fileno())
            if os.name != "nt" and (facts.st_uid != os.getuid() or facts.st_mode & 0o077
                                    or not stat.S_ISREG(facts.st_mode)):
                return None
            pem = handle.read(64 * 1024)
        private = serialization.load_pem_private_key(pem, password=None)
    except (OSError, ValueError, TypeError):
        return None
    return pem if isinstance(private, rsa.RSAPrivateKey) and private.key_size >= 2048 else None


@functools.cache
def _org_signing_key() -> RSAKey:
    # one key per process: tokens are looked up server-side, so sharing it between sandboxes is harmless
    return RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, auto_kid=True)


class SandboxOrg:
    """The state of one sandbox org and the actions the token endpoint and the API share."""

    def __init__(self, options: SandboxOptions, service_key: ServiceKey, org_url: str, *,
                 keep_in: Path | None = None) -> None:
        """Seed a new org; with ``keep_in`` go on with the org kept in that file, and write every change to it.

        ``notice`` then says what the user must know about the start (a damaged file set aside), else None.
        """
        self.options = options
        self.org_url = org_url
        self.service_key = service_key
        self.signing_key = _org_signing_key()
        self.ssws_token = "00" + secrets.token_urlsafe(30)
        self.dpop_nonce = secrets.token_urlsafe(32)
        self.kept = KeptFile(keep_in) if keep_in is not None else None
        self.notice: str | None = None
        self.store = OrgStore()
        self.dpop_app: App | None = None
        if self.kept is None:
            self._start(None)
            return
        with self.kept.locked():  # another process starting on the same folder now finds this org, not a seed
            kept, self.notice = self.kept.load(org_url)
            self._start(kept)

    def _start(self, kept: KeptOrg | None) -> None:
        if kept is None:
            self.service_app = self._seed()
        else:
            self._adopt(kept)
            self._register_service_key(self.service_app)
        if self.options.dpop_app and self.dpop_app is None:
            self.dpop_app = self._seed_dpop_app()
        elif self.dpop_app is not None:
            self._register_service_key(self.dpop_app)
        self.changed()

    def _adopt(self, kept: KeptOrg) -> None:
        self.store.adopt(kept.store)
        self.service_app = self.store.apps[kept.service_app]
        self.dpop_app = self.store.apps[kept.dpop_app] if kept.dpop_app else None

    def refresh(self) -> None:
        """Read the kept org again when another sandbox changed its file (one stat when none did)."""
        if self.kept is not None and self.kept.changed():
            with self.store.lock, self.kept.locked():
                self._catch_up()

    def _catch_up(self) -> None:
        assert self.kept is not None
        if not self.kept.changed():
            return
        kept, _notice = self.kept.load(self.org_url)
        if kept is None:
            self.changed()  # the file went, or was damaged and set aside: this sandbox's org takes its place
        else:
            self._adopt(kept)

    @contextmanager
    def changing(self) -> Iterator[None]:
        """Hold the store (and the kept file's inter-process lock), up to date with the file, for one change.

        Call ``changed()`` inside the block once the change is made; then no other sandbox's change is lost.
        """
        with self.store.lock:
            if self.kept is None:
                yield
                return
            with self.kept.locked():
                self._catch_up()
                yield

    def changed(self) -> None:
        """Write the org to its file when it is kept (call inside ``changing()``, after a change)."""
        if self.kept is not None:
            self.kept.save(self.store, self.org_url, self.service_app.id,
                           self.dpop_app.id if self.dpop_app else None)

    def close(self) -> None:
        """Let go of the kept file."""
        if self.kept is not None:
            self.kept.close()

    def _register_service_key(self, app: App) -> None:
        """Register the service key on a kept built-in app that never saw it (its key file was made anew)."""
        if not any(key.kid == self.service_key.kid for key in app.keys):
            self.store.add_key(app, dict(self.service_key.public_jwk))

    def _seed_dpop_app(self) -> App:
        """Add the DPoP-requiring twin of the service app: same key, scopes and roles, so DPoP works at once."""
        store, twin = self.store, self.service_app
        app = store.add_app(label=DPOP_APP_LABEL, dpop=True)
        store.add_key(app, dict(self.service_key.public_jwk))
        for scope in sorted(twin.granted_scopes()):
            store.add_grant(app, scope, issuer=self.org_url)
        for role in twin.roles:
            store.add_role(app, role["type"])
        return app

    def _seed(self) -> App:
        store, broken = self.store, set(self.options.misconfig)
        store.seed_groups()
        store.seed_users(self.options.users)
        app = store.add_app(label=SERVICE_APP_LABEL, dpop=self.options.dpop_required or "dpop-required" in broken)
        if "kid-unregistered" in broken:
            store.add_key(app, dict(make_service_key().public_jwk))
        else:
            key = store.add_key(app, dict(self.service_key.public_jwk))
            if "key-inactive" in broken:
                key.status = "INACTIVE"
                store.add_key(app, dict(make_service_key().public_jwk))
        scopes = self.options.scopes
        if "scope-missing" in broken:
            scopes = tuple(s for s in scopes if s not in ("okta.users.read", "okta.users.manage"))
        for scope in scopes:
            store.add_grant(app, scope, issuer=self.org_url)
        if self.options.admin_role and "no-role" not in broken:
            store.add_role(app, "READ_ONLY_ADMIN" if "read-only-role" in broken else "SUPER_ADMIN")
        if "app-inactive" in broken:
            app.status = "INACTIVE"
        if "client-secret" in broken:
            app.token_endpoint_auth_method = "client_secret_basic"  # noqa: S105 - a method name
            add_secret(store, app)
        if "web-app" in broken:
            app.application_type, app.grant_types = "web", ["authorization_code"]
        add_secret(store, store.add_app(label="Example Web App", application_type="web",
                                        grant_types=["authorization_code"], auth_method="client_secret_basic"))
        bookmark = store.add_app(label="Example Bookmark", application_type="browser", grant_types=[],
                                 auth_method="none", sign_on_mode="BOOKMARK", name="bookmark")
        bookmark.app_settings = {"requestIntegration": False, "url": "https://example.com/bookmark.htm"}
        return app

    @property
    def misconfig(self) -> tuple[str, ...]:
        """Return the misconfigurations the sandbox was started with (what a policy and doctor see)."""
        return self.options.misconfig

    def now(self) -> float:
        """Return the org's time in seconds since the epoch (this computer's, plus the clock offset)."""
        return time.time() + self.options.clock_offset

    def mint_token(self, app: App, scopes: tuple[str, ...], jkt: str | None, issuer: str) -> str:
        """Mint and remember an access token for ``app``."""
        now = int(self.now())
        jti = "AT." + secrets.token_urlsafe(32)
        if self.options.opaque_tokens:
            token = secrets.token_urlsafe(48)
        else:
            claims: dict[str, Any] = {
                "ver": 1, "jti": jti, "iss": issuer, "aud": issuer,
                "iat": now, "exp": now + TOKEN_LIFETIME_SECONDS, "cid": app.id, "scp": list(scopes),
                "sub": app.id,
            }
            if jkt:
                claims["cnf"] = {"jkt": jkt}
            token = jwt.encode({"alg": "RS256", "kid": self.signing_key.kid}, claims, self.signing_key)
        with self.store.lock:
            self.store.tokens[token] = IssuedToken(client_id=app.id, scopes=scopes,
                                                   expires_at=now + TOKEN_LIFETIME_SECONDS, jkt=jkt,
                                                   id=self.store.token_ids.new("oar"), jti=jti, issued_at=now,
                                                   issuer=issuer)
        return token

    def mint_custom_token(self, server: CustomServer, app: App, scopes: tuple[str, ...], jkt: str | None,
                          base: str) -> str:
        """Mint an access token of the custom authorization server ``server``: for the admin's own APIs only.

        It is remembered apart from the org server's (for the server's revoke and introspect): the management
        API refuses it, as Okta refuses tokens not intended for it.
        """
        now = int(self.now())
        jti = "AT." + secrets.token_urlsafe(32)
        claims: dict[str, Any] = {
            "ver": 1, "jti": jti, "iss": server.issuer(base), "aud": server.audience,
            "iat": now, "exp": now + TOKEN_LIFETIME_SECONDS, "cid": app.id, "scp": list(scopes), "sub": app.id,
        }
        if jkt:
            claims["cnf"] = {"jkt": jkt}
        key = server_key(server.id)
        token = jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)
        with self.store.lock:
            self.store.custom_tokens[token] = IssuedToken(
                client_id=app.id, scopes=scopes, expires_at=now + TOKEN_LIFETIME_SECONDS, jkt=jkt, jti=jti,
                issued_at=now, issuer=server.issuer(base), audience=server.audience)
        return token

    def log(self, request: Request, *, event_type: str, result: str, reason: str | None, message: str,
            actor_id: str | None, request_id: str, debug: dict[str, Any] | None = None) -> None:
        """Append one System Log event."""
        app = self.store.apps.get(actor_id or "")
        event: dict[str, Any] = {
            "published": now_text(),
            "eventType": event_type,
            "version": "0",
            "severity": "INFO" if result == "SUCCESS" else "WARN",
            "displayMessage": message,
            "actor": {"id": actor_id or "unknown", "type": "PublicClientApp",
                      "alternateId": actor_id or "unknown", "displayName": app.label if app else "Unknown"},
            "client": {"ipAddress": request.client_ip,
                       "userAgent": {"rawUserAgent": request.header("User-Agent") or "unknown"}},
            "outcome": {"result": result, "reason": reason},
            "target": [],
            "transaction": {"type": "WEB", "id": request_id},
            "debugContext": {"debugData": {"requestId": request_id, "requestUri": request.raw_path,
                                           **(debug or {})}},
        }
        with self.store.lock:
            # the uuid starts with a sequence number so that log pages sort in publication order
            random_part = uuid.uuid4().hex
            event_id = (f"{len(self.store.logs) + 1:08x}-{random_part[8:12]}-{random_part[12:16]}-"
                        f"{random_part[16:20]}-{random_part[20:32]}")
            self.store.logs.add({"uuid": event_id, **event})
