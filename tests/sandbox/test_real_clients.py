"""The proofs and assertions that real Okta clients send: RSA and EC of every size keygen offers.

Okta's Python SDK signs DPoP proofs with an ephemeral RSA-3072 key, the Node and Go SDKs with RSA-2048,
always with the public JWK in the proof header. Everything here is signed with PyJWT and cryptography
directly, never with oktatool's own JOSE code.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from functools import cache
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from oktatool.sandbox import SandboxInfo
from tests.sandbox.client import b64url, oauth_error, ssws, token_form
from tests.sandbox_fixtures import SandboxFactory

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

_CURVES = {"P-256": (ec.SECP256R1(), "ES256"), "P-384": (ec.SECP384R1(), "ES384"), "P-521": (ec.SECP521R1(), "ES512")}
#: every key keygen offers for signing, as (label, alg)
KEYS = [("RSA-2048", "RS256"), ("RSA-3072", "RS256"), ("RSA-4096", "RS384"), ("RSA-8192", "RS512"),
        ("P-256", "ES256"), ("P-384", "ES384"), ("P-521", "ES512")]


@cache
def private_key(label: str) -> PrivateKey:
    """One key per label for the whole session (RSA-8192 takes seconds to make)."""
    if label.startswith("RSA-"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(label[4:]))
    return ec.generate_private_key(_CURVES[label][0])


def public_jwk(key: PrivateKey) -> dict[str, Any]:
    """The public JWK as an SDK puts it in a proof header (PyJWT's own export, no kid)."""
    exporter = RSAAlgorithm if isinstance(key, rsa.RSAPrivateKey) else ECAlgorithm
    return dict(json.loads(exporter.to_jwk(key.public_key())))


def thumbprint(jwk: dict[str, Any]) -> str:
    members = ("e", "kty", "n") if jwk["kty"] == "RSA" else ("crv", "kty", "x", "y")
    canonical = json.dumps({name: jwk[name] for name in members}, separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode()).digest())


def proof(key: PrivateKey, alg: str, htm: str, htu: str, *, nonce: str | None = None,
          access_token: str | None = None) -> str:
    """A DPoP proof as the Okta SDKs build it: typ dpop+jwt, the public jwk in the header."""
    claims: dict[str, Any] = {"htm": htm, "htu": htu, "iat": int(time.time()), "jti": str(uuid.uuid4())}
    if nonce is not None:
        claims["nonce"] = nonce
    if access_token is not None:
        claims["ath"] = b64url(hashlib.sha256(access_token.encode("ascii")).digest())
    return jwt.encode(claims, key, algorithm=alg, headers={"typ": "dpop+jwt", "jwk": public_jwk(key)})


def client_assertion(info: SandboxInfo, key: PrivateKey, alg: str, kid: str) -> str:
    """A client assertion as the SDKs build it: iss = sub = client_id, aud = token URL, exp in an hour."""
    now = int(time.time())
    claims = {"iss": info.client_id, "sub": info.client_id, "aud": info.token_url, "iat": now, "exp": now + 3600,
              "jti": str(uuid.uuid4())}
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


@pytest.fixture(scope="module")
def warm_keys() -> None:
    for label, _alg in KEYS:
        private_key(label)


@pytest.mark.slow
@pytest.mark.parametrize(("label", "alg"), KEYS, ids=[label for label, _ in KEYS])
def test_a_dpop_proof_of_every_key_keygen_offers_gets_a_bound_token_and_calls_the_api(
        sandbox_dpop: SandboxInfo, warm_keys: None, label: str, alg: str) -> None:
    key = private_key(label)
    signed = client_assertion(sandbox_dpop, _service_key(sandbox_dpop), "RS256", sandbox_dpop.kid)
    first = requests.post(sandbox_dpop.token_url, data=token_form(signed), timeout=10,
                          headers={"DPoP": proof(key, alg, "POST", sandbox_dpop.token_url)})
    assert oauth_error(first)[1] == "use_dpop_nonce", first.text
    nonce = first.headers["DPoP-Nonce"]
    signed = client_assertion(sandbox_dpop, _service_key(sandbox_dpop), "RS256", sandbox_dpop.kid)
    second = requests.post(sandbox_dpop.token_url, data=token_form(signed), timeout=10,
                           headers={"DPoP": proof(key, alg, "POST", sandbox_dpop.token_url, nonce=nonce)})
    assert second.status_code == 200, second.text
    token = second.json()["access_token"]
    assert jwt.decode(token, options={"verify_signature": False})["cnf"] == {"jkt": thumbprint(public_jwk(key))}
    users = f"{sandbox_dpop.org_url}/api/v1/users"
    answer = requests.get(users, timeout=10, params={"limit": 2},
                          headers={"Authorization": f"DPoP {token}",
                                   "DPoP": proof(key, alg, "GET", users, access_token=token)})
    assert answer.status_code == 200, answer.text
    assert len(answer.json()) == 2


@pytest.mark.slow
@pytest.mark.parametrize(("label", "alg"), KEYS, ids=[label for label, _ in KEYS])
def test_an_assertion_signed_by_every_key_the_sandbox_registers_is_accepted(
        sandbox_org: SandboxInfo, warm_keys: None, label: str, alg: str) -> None:
    key = private_key(label)
    jwk = {**public_jwk(key), "kid": f"sdk-{label}", "use": "sig", "alg": alg}
    added = requests.post(f"{sandbox_org.org_url}/api/v1/apps/{sandbox_org.client_id}/credentials/jwks",
                          json=jwk, headers=ssws(sandbox_org), timeout=10)
    assert added.status_code in (200, 201), added.text
    signed = client_assertion(sandbox_org, key, alg, jwk["kid"])
    answer = requests.post(sandbox_org.token_url, data=token_form(signed), timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.json()["token_type"] == "Bearer"


@pytest.mark.parametrize("bits", [1024, 16392])
def test_an_rsa_key_outside_what_the_sandbox_verifies_is_refused_at_registration(
        sandbox_org: SandboxInfo, bits: int) -> None:
    # a modulus of this size, built without generating a key: registration must refuse what it cannot verify
    modulus = (1 << (bits - 1)) | 1
    jwk = {"kty": "RSA", "kid": f"odd-{bits}", "e": "AQAB", "n": b64url(modulus.to_bytes(bits // 8 + 1, "big"))}
    added = requests.post(f"{sandbox_org.org_url}/api/v1/apps/{sandbox_org.client_id}/credentials/jwks",
                          json=jwk, headers=ssws(sandbox_org), timeout=10)
    assert added.status_code == 400, added.text
    assert added.json()["errorCode"] == "E0000001"


def test_the_sample_bookmark_app_has_its_url(sandbox_org: SandboxInfo) -> None:
    apps = requests.get(f"{sandbox_org.org_url}/api/v1/apps", headers=ssws(sandbox_org), timeout=10).json()
    bookmark = next(app for app in apps if app["signOnMode"] == "BOOKMARK")
    assert bookmark["name"] == "bookmark"
    assert bookmark["settings"]["app"]["url"].startswith("https://")
    assert isinstance(bookmark["settings"]["app"]["requestIntegration"], bool)


def test_a_bookmark_app_created_through_the_api_keeps_its_url(sandbox_factory: SandboxFactory) -> None:
    info = sandbox_factory()
    body = {"name": "bookmark", "label": "Wiki", "signOnMode": "BOOKMARK",
            "settings": {"app": {"requestIntegration": False, "url": "https://wiki.example.com/start"}}}
    created = requests.post(f"{info.org_url}/api/v1/apps", json=body, headers=ssws(info), timeout=10)
    assert created.status_code == 200, created.text
    fetched = requests.get(f"{info.org_url}/api/v1/apps/{created.json()['id']}", headers=ssws(info), timeout=10)
    assert fetched.json()["settings"]["app"]["url"] == "https://wiki.example.com/start"


def _service_key(info: SandboxInfo) -> Any:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    return load_pem_private_key(info.key_file.read_bytes(), password=None)
