"""A minimal independent client for the sandbox tests: PyJWT signs, requests sends (never oktatool's own code)."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import ec

from oktatool.sandbox import SandboxInfo

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
DROP = object()  # a claim override that removes the claim


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def assertion(info: SandboxInfo, *, key: Any = None, alg: str = "RS256", headers: dict[str, Any] | None = None,
              **claims: Any) -> str:
    """Sign a client assertion for the sandbox's service app; keyword claims override (DROP removes)."""
    now = int(time.time())
    body: dict[str, Any] = {"iss": info.client_id, "sub": info.client_id, "aud": info.token_url, "iat": now,
                            "exp": now + 300, "jti": str(uuid.uuid4())}
    for name, value in claims.items():
        if value is DROP:
            body.pop(name, None)
        else:
            body[name] = value
    header = {"kid": info.kid, **(headers or {})}
    header = {name: value for name, value in header.items() if value is not DROP}
    return jwt.encode(body, key if key is not None else info.key_file.read_bytes(), algorithm=alg, headers=header)


def token_form(client_assertion: str, scope: str = "okta.users.read", **extra: str) -> dict[str, str]:
    """Return the form body of a client_credentials request."""
    return {"grant_type": "client_credentials", "scope": scope, "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": client_assertion, **extra}


def request_token(info: SandboxInfo, *, scope: str = "okta.users.read", dpop: str | None = None,
                  url: str | None = None, **claims: Any) -> requests.Response:
    """POST a token request with a fresh assertion (and a DPoP proof when given)."""
    headers = {"DPoP": dpop} if dpop else {}
    return requests.post(url or info.token_url, data=token_form(assertion(info, **claims), scope),
                         headers=headers, timeout=10, verify=str(info.ca_file) if info.ca_file else True)


def oauth_error(response: requests.Response) -> tuple[int, str, str]:
    """Return (status, error, error_description) of a token endpoint answer."""
    body = response.json()
    return response.status_code, body.get("error", ""), body.get("error_description", "")


@dataclass
class DpopKey:
    """An EC P-256 DPoP key that signs proofs with PyJWT."""

    private: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))

    @property
    def public_jwk(self) -> dict[str, Any]:
        numbers = self.private.public_key().public_numbers()
        return {"kty": "EC", "crv": "P-256", "x": b64url(numbers.x.to_bytes(32, "big")),
                "y": b64url(numbers.y.to_bytes(32, "big"))}

    @property
    def thumbprint(self) -> str:
        jwk = self.public_jwk
        canonical = json.dumps({k: jwk[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":"))
        return b64url(hashlib.sha256(canonical.encode()).digest())

    def proof(self, htm: str, htu: str, *, nonce: str | None = None, access_token: str | None = None,
              headers: dict[str, Any] | None = None, key: Any = None, alg: str = "ES256", **claims: Any) -> str:
        body: dict[str, Any] = {"htm": htm, "htu": htu, "iat": int(time.time()), "jti": str(uuid.uuid4())}
        if nonce is not None:
            body["nonce"] = nonce
        if access_token is not None:
            body["ath"] = b64url(hashlib.sha256(access_token.encode()).digest())
        for name, value in claims.items():
            if value is DROP:
                body.pop(name, None)
            else:
                body[name] = value
        header = {"typ": "dpop+jwt", "jwk": self.public_jwk, **(headers or {})}
        header = {name: value for name, value in header.items() if value is not DROP}
        return jwt.encode(body, key if key is not None else self.private, algorithm=alg, headers=header)


def dpop_token(info: SandboxInfo, dpop_key: DpopKey, scope: str = "okta.users.read") -> dict[str, Any]:
    """Do the nonce round trip and return the DPoP token response."""
    first = request_token(info, scope=scope, dpop=dpop_key.proof("POST", info.token_url))
    assert first.status_code == 400 and first.json()["error"] == "use_dpop_nonce", first.text
    nonce = first.headers["DPoP-Nonce"]
    second = request_token(info, scope=scope, dpop=dpop_key.proof("POST", info.token_url, nonce=nonce))
    assert second.status_code == 200, second.text
    return dict(second.json())


def bearer_token(info: SandboxInfo, scope: str = "okta.users.read") -> str:
    """Return a Bearer access token for the service app."""
    response = request_token(info, scope=scope)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def ssws(info: SandboxInfo) -> dict[str, str]:
    """Return the Authorization header of the sandbox's SSWS token."""
    return {"Authorization": f"SSWS {info.ssws_token}"}


def secret_app(info: SandboxInfo, *, method: str = "client_secret_basic", label: str = "Secret reports",
               scopes: tuple[str, ...] = ("okta.users.read",)) -> tuple[str, str]:
    """Create an API Services app that authenticates with a client secret, grant it ``scopes``; return (id, secret)."""
    body = {"name": "oidc_client", "label": label, "signOnMode": "OPENID_CONNECT",
            "credentials": {"oauthClient": {"token_endpoint_auth_method": method}},
            "settings": {"oauthClient": {"application_type": "service", "grant_types": ["client_credentials"]}}}
    made = requests.post(f"{info.org_url}/api/v1/apps", json=body, headers=ssws(info), timeout=10)
    assert made.status_code == 200, made.text
    app_id, secret = made.json()["id"], made.json()["credentials"]["oauthClient"]["client_secret"]
    for scope in scopes:
        granted = requests.post(f"{info.org_url}/api/v1/apps/{app_id}/grants", headers=ssws(info), timeout=10,
                                json={"scopeId": scope, "issuer": info.org_url})
        assert granted.status_code == 201, granted.text
    return app_id, secret


def secret_token(info: SandboxInfo, app_id: str, secret: str, *, method: str = "client_secret_basic",
                 scope: str = "okta.users.read") -> requests.Response:
    """Ask the token endpoint for a token with a client secret (in the Authorization header or the form)."""
    form = {"grant_type": "client_credentials", "scope": scope}
    if method == "client_secret_post":
        return requests.post(info.token_url, data={**form, "client_id": app_id, "client_secret": secret}, timeout=10)
    return requests.post(info.token_url, data=form, auth=(app_id, secret), timeout=10)
