"""One sandbox org: its options, seeded data, signing key, SSWS token, DPoP nonce, tokens and System Log."""

from __future__ import annotations

import functools
import secrets
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jwt
from joserfc.jwk import RSAKey

from oktatool.sandbox.messages import Request
from oktatool.sandbox.store import DEFAULT_SCOPES, App, IssuedToken, OrgStore, now_text

#: lifetime of every access token the org AS mints (fixed at one hour, FACTS §4.6)
TOKEN_LIFETIME_SECONDS = 3600
SERVICE_APP_LABEL = "oktatool sandbox service app"


@dataclass(frozen=True)
class Fault:
    """Misbehaviour for testing a client's error handling, on requests whose path starts with ``path``.

    ``kind`` is "delay" (answer after ``seconds``), "reset" (drop the connection with a TCP reset),
    "status" (answer ``status`` with Okta's error body), "large" (answer 200 with a JSON array of about
    ``size`` bytes, streamed) or "nested" (answer 200 with JSON nested ``size`` levels deep); ``times``
    limits how many requests it hits.
    """

    path: str
    kind: str
    seconds: float = 0.0
    status: int = 500
    times: int | None = None
    size: int = 0

    def __post_init__(self) -> None:
        if self.kind not in ("delay", "reset", "status", "large", "nested"):
            raise ValueError(f"unknown fault kind {self.kind!r}: use delay, reset, status, large or nested")


@dataclass(frozen=True)
class SandboxOptions:
    """How to build and serve a sandbox org."""

    users: int = 50
    dpop_required: bool = False
    rate_limit: int | None = None  # requests per minute per bucket; None: counted, never refused
    admin_role: bool = True  # give the service app SUPER_ADMIN (without one, API calls get E0000006)
    scopes: tuple[str, ...] = DEFAULT_SCOPES  # granted to the service app
    opaque_tokens: bool = False  # random access tokens instead of signed JWTs
    service_key_pem: bytes | None = None  # reuse this private key (PKCS#8 PEM) instead of making one
    tls: bool = False
    host: str = "127.0.0.1"
    port: int = 0
    faults: tuple[Fault, ...] = ()


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
    try:
        pem = path.read_bytes()
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

    def __init__(self, options: SandboxOptions, service_key: ServiceKey, org_url: str) -> None:
        self.options = options
        self.org_url = org_url
        self.store = OrgStore()
        self.service_key = service_key
        self.signing_key = _org_signing_key()
        self.ssws_token = "00" + secrets.token_urlsafe(30)
        self.dpop_nonce = secrets.token_urlsafe(32)
        self.service_app = self._seed()

    def _seed(self) -> App:
        store = self.store
        store.seed_groups()
        store.seed_users(self.options.users)
        app = store.add_app(label=SERVICE_APP_LABEL, dpop=self.options.dpop_required)
        store.add_key(app, dict(self.service_key.public_jwk))
        for scope in self.options.scopes:
            store.add_grant(app, scope, issuer=self.org_url)
        if self.options.admin_role:
            store.add_role(app, "SUPER_ADMIN")
        store.add_app(label="Example Web App", application_type="web",
                      grant_types=["authorization_code"], auth_method="client_secret_basic")
        store.add_app(label="Example Bookmark", application_type="browser", grant_types=[],
                      auth_method="none", sign_on_mode="BOOKMARK", name="bookmark")
        return app

    @staticmethod
    def now() -> float:
        """Return the current time in seconds since the epoch."""
        return time.time()

    def mint_token(self, app: App, scopes: tuple[str, ...], jkt: str | None, issuer: str) -> str:
        """Mint and remember an access token for ``app``."""
        now = int(self.now())
        if self.options.opaque_tokens:
            token = secrets.token_urlsafe(48)
        else:
            claims: dict[str, Any] = {
                "ver": 1, "jti": "AT." + secrets.token_urlsafe(32), "iss": issuer, "aud": issuer,
                "iat": now, "exp": now + TOKEN_LIFETIME_SECONDS, "cid": app.id, "scp": list(scopes),
                "sub": app.id,
            }
            if jkt:
                claims["cnf"] = {"jkt": jkt}
            token = jwt.encode({"alg": "RS256", "kid": self.signing_key.kid}, claims, self.signing_key)
        with self.store.lock:
            self.store.tokens[token] = IssuedToken(client_id=app.id, scopes=scopes,
                                                   expires_at=now + TOKEN_LIFETIME_SECONDS, jkt=jkt)
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
