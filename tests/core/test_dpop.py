"""DPoP proofs as Okta checks them (RFC 9449, FACTS.md §2), verified with joserfc from the embedded jwk."""

from __future__ import annotations

import json
from typing import Any

import pytest
from joserfc import jws as joserfc_jws
from joserfc.jwk import import_key as joserfc_import
from joserfc.jws import JWSRegistry

from oktatool.core.errors import BadInputError, KeyMaterialError
from oktatool.core.jose.dpop import DPoPKey, ath_for, make_proof, normalize_htu, proof_parts
from oktatool.core.jose.jwt import decode_token
from oktatool.core.keys.key import KeySpec, generate_key

NOW = 1_700_000_000
#: joserfc refuses headers over 512 bytes by default; an RSA-2048 jwk makes the header about 560
REGISTRY = JWSRegistry()
REGISTRY.max_header_length = 4096


@pytest.fixture(scope="module")
def ec_key() -> DPoPKey:
    return DPoPKey.generate()


def _verified_by_joserfc(proof: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header = decode_token(proof).header
    key = joserfc_import(dict(header["jwk"]))
    obj = joserfc_jws.deserialize_compact(proof, key, algorithms=[header["alg"]], registry=REGISTRY)
    return dict(obj.headers()), json.loads(obj.payload)


@pytest.mark.parametrize(("url", "htu"), [
    ("https://dev-1.okta.com/oauth2/v1/token", "https://dev-1.okta.com/oauth2/v1/token"),
    ("https://dev-1.okta.com/api/v1/users?limit=200&after=abc", "https://dev-1.okta.com/api/v1/users"),
    ("https://dev-1.okta.com/api/v1/users/a%40example.com#frag", "https://dev-1.okta.com/api/v1/users/a@example.com"),
    ("HTTPS://Dev-1.OKTA.com:443/api/v1/groups", "https://dev-1.okta.com/api/v1/groups"),
    ("http://127.0.0.1:8080/oauth2/v1/token", "http://127.0.0.1:8080/oauth2/v1/token"),
    ("https://dev-1.okta.com", "https://dev-1.okta.com/"),
])
def test_htu_is_scheme_host_and_decoded_path(url: str, htu: str) -> None:
    assert normalize_htu(url) == htu


@pytest.mark.parametrize("url", ["/api/v1/users", "ftp://x/y", "https://", "https://x:99999/"])
def test_htu_needs_an_absolute_http_url(url: str) -> None:
    with pytest.raises(BadInputError):
        normalize_htu(url)


def test_ath_matches_the_rfc_9449_example() -> None:
    assert ath_for("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU") == "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"
    with pytest.raises(BadInputError):
        ath_for("tökén")


def test_token_request_proof(ec_key: DPoPKey) -> None:
    proof = make_proof(ec_key, "post", "https://dev-1.okta.com/oauth2/v1/token", now=NOW)
    header, claims = _verified_by_joserfc(proof)
    assert header["typ"] == "dpop+jwt" and header["alg"] == "ES256"
    assert set(header["jwk"]) == {"kty", "crv", "x", "y"}  # public members only: no d, no kid
    assert set(claims) == {"jti", "htm", "htu", "iat"}
    assert claims["htm"] == "POST" and claims["iat"] == NOW
    assert claims["htu"] == "https://dev-1.okta.com/oauth2/v1/token"
    assert len(claims["jti"]) >= 22


def test_nonce_retry_and_resource_proof(ec_key: DPoPKey) -> None:
    retry = make_proof(ec_key, "POST", "https://dev-1.okta.com/oauth2/v1/token", nonce="n-123", now=NOW)
    assert _verified_by_joserfc(retry)[1]["nonce"] == "n-123"
    api = make_proof(ec_key, "GET", "https://dev-1.okta.com/api/v1/users?limit=2", access_token="tok.en.x", now=NOW)
    claims = _verified_by_joserfc(api)[1]
    assert claims["ath"] == ath_for("tok.en.x")
    assert claims["htu"] == "https://dev-1.okta.com/api/v1/users"
    assert "nonce" not in claims


def test_every_proof_has_a_new_jti(ec_key: DPoPKey) -> None:
    jtis = {proof_parts(ec_key, "GET", "https://x.okta.com/api/v1/users", now=NOW)[1]["jti"] for _ in range(50)}
    assert len(jtis) == 50


def test_thumbprint_is_the_rfc_7638_jkt(ec_key: DPoPKey) -> None:
    assert ec_key.thumbprint == joserfc_import(ec_key.public_jwk).thumbprint()
    private_d = ec_key.key.to_dict(private=True)["d"]
    assert private_d not in repr(ec_key) and ec_key.thumbprint in repr(ec_key)


def test_rsa_and_other_curves() -> None:
    rsa = DPoPKey.from_key(generate_key(KeySpec("RSA")))
    assert rsa.alg == "RS256" and set(rsa.public_jwk) == {"kty", "n", "e"}
    header, _ = _verified_by_joserfc(make_proof(rsa, "DELETE", "https://x.okta.com/api/v1/users/1"))
    assert header["alg"] == "RS256"
    assert DPoPKey.generate(crv="P-384").alg == "ES384"


@pytest.mark.parametrize("spec", [KeySpec("oct"), KeySpec("OKP", crv="Ed25519"), KeySpec("EC", crv="secp256k1")])
def test_keys_okta_does_not_accept_for_dpop_are_refused(spec: KeySpec) -> None:
    with pytest.raises(KeyMaterialError, match="cannot sign DPoP proofs"):
        DPoPKey.from_key(generate_key(spec))


def test_public_key_and_bad_method_are_refused(ec_key: DPoPKey) -> None:
    with pytest.raises(KeyMaterialError, match="private"):
        DPoPKey.from_key(ec_key.key.public())
    with pytest.raises(BadInputError, match="HTTP method"):
        make_proof(ec_key, "GE T", "https://x.okta.com/")


@pytest.mark.parametrize("kty", ["OKP", "oct", "ec", ""])
def test_generate_refuses_a_key_type_okta_cannot_take_for_dpop(kty: str) -> None:
    # it used to make an RSA key for anything that was not exactly "EC"
    with pytest.raises(KeyMaterialError, match="EC or RSA"):
        DPoPKey.generate(kty)
