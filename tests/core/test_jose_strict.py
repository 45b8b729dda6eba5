"""JOSE as strict when signing as when verifying: one check for every signer, kids compared whatever their
origin, and no oct key's hash shown as a thumbprint. Keys come from openssl and joserfc; joserfc and PyJWT
judge what is signed."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import jwt as pyjwt
import pytest
from joserfc import jwt as joserfc_jwt
from joserfc.errors import UnsupportedKeyAlgorithmError
from joserfc.jwk import OctKey, RSAKey, import_key

from oktatool.core.errors import KeyMaterialError, VerificationError, for_window
from oktatool.core.jose.assertion import build_client_assertion
from oktatool.core.jose.dpop import DPoPKey, make_proof
from oktatool.core.jose.jwt import sign_claims, sign_token
from oktatool.core.jose.verify import key_label, verify_with_jwks, verify_with_key
from oktatool.core.keys.key import KeySpec, generate_key, load_key

ORG = "https://dev-123456.okta.com"
CLIENT = "0oa1b2c3d4E5f6G7h8i9"


@pytest.fixture(scope="module")
def rsa_pem() -> str:
    """An RSA key made by openssl, as PKCS#8 PEM."""
    return subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
                          check=True, capture_output=True, timeout=60, text=True).stdout


def joserfc_jwk(pem: str, **members: Any) -> dict[str, Any]:
    """The openssl key as a private JWK written by joserfc, with ``members`` (alg, use, key_ops, kid)."""
    return dict(import_key(pem, "RSA", parameters=members).as_dict(private=True))


def test_every_signer_refuses_an_alg_the_keys_own_alg_rules_out(rsa_pem: str) -> None:
    jwk = joserfc_jwk(rsa_pem, alg="RS256", use="sig", kid="k1")
    key = load_key(json.dumps(jwk))
    with pytest.raises(UnsupportedKeyAlgorithmError):  # the independent library refuses the same
        joserfc_jwt.encode({"alg": "PS256"}, {"a": 1}, import_key(jwk), algorithms=["PS256"])
    attempts = [
        lambda: sign_token({"a": 1}, key, alg="PS256"),                       # oktatool sign --alg
        lambda: sign_token({"a": 1}, key, header={"alg": "PS256"}),           # oktatool sign --header
        lambda: sign_claims({"alg": "PS256", "typ": "JWT"}, {"a": 1}, key),   # the JWT tab's editor
        lambda: make_proof(DPoPKey(key, "PS256", {}, key.thumbprint()), "GET", ORG + "/api/v1/users"),  # DPoP
    ]
    for attempt in attempts:
        with pytest.raises(KeyMaterialError) as caught:
            attempt()
        error = caught.value
        assert error.exit_code == 2 and error.code == "alg_mismatch"
        assert "PS256" in error.description and "alg RS256" in error.description
        assert "--alg RS256" in str(error.hint) and 'remove "alg"' in str(error.hint)
        assert "--alg" not in for_window(error.hint or "") and "choose alg RS256" in for_window(error.hint or "")
    # what the key allows is signed, and strict libraries that read the JWK's alg accept it
    token = sign_token({"a": 1}, key)
    assert joserfc_jwt.decode(token, import_key(jwk)).claims == {"a": 1}
    public = RSAKey.import_key(jwk).as_pem(private=False)
    assert pyjwt.decode(token, public, algorithms=["RS256"]) == {"a": 1}
    # client assertions and DPoP proofs take the key's own alg
    rs384 = load_key(json.dumps(joserfc_jwk(rsa_pem, alg="RS384", kid="k384")))
    assertion = build_client_assertion(ORG, CLIENT, rs384)
    assert assertion.header["alg"] == "RS384"
    claims = pyjwt.decode(assertion.token, public, algorithms=["RS384"], audience=ORG + "/oauth2/v1/token")
    assert claims["sub"] == CLIENT
    dpop = DPoPKey.from_key(rs384)
    proof = make_proof(dpop, "GET", ORG + "/api/v1/users")
    assert dpop.alg == "RS384" and pyjwt.decode(proof, public, algorithms=["RS384"])["htm"] == "GET"


def test_use_enc_and_key_ops_without_sign_never_sign(rsa_pem: str) -> None:
    enc = load_key(json.dumps(joserfc_jwk(rsa_pem, use="enc", kid="e")))
    verify_only = load_key(json.dumps(joserfc_jwk(rsa_pem, key_ops=["verify"], kid="v")))
    for key, words in ((enc, "use is enc"), (verify_only, "key_ops ['verify'] do not include sign")):
        for attempt in (lambda k=key: sign_token({}, k), lambda k=key: sign_token({}, k, alg="RS256"),
                        lambda k=key: build_client_assertion(ORG, CLIENT, k), lambda k=key: DPoPKey.from_key(k)):
            with pytest.raises(KeyMaterialError) as caught:
                attempt()
            assert words in caught.value.description or words in str(caught.value.hint), caught.value.description
    signer = load_key(json.dumps(joserfc_jwk(rsa_pem, key_ops=["sign"], kid="s")))
    token = sign_token({"a": 1}, signer)
    assert joserfc_jwt.decode(token, import_key(joserfc_jwk(rsa_pem))).claims == {"a": 1}
    # verifying is bound the same way: a key whose key_ops leave out verify does not verify
    with pytest.raises(VerificationError) as refused:
        verify_with_key(token, signer)
    assert refused.value.code == "alg_not_allowed" and "do not include verify" in refused.value.description


def test_a_thumbprint_kid_is_compared_like_any_other(rsa_pem: str) -> None:
    theirs = RSAKey.import_key(rsa_pem)
    thumb_kid = theirs.thumbprint()
    as_jwk = load_key(json.dumps({**theirs.as_dict(private=False), "kid": thumb_kid}))
    made_here = generate_key(KeySpec("EC"))  # kid mode thumbprint, held in memory
    lying = joserfc_jwt.encode({"alg": "RS256", "kid": "someone-else"}, {"a": 1}, theirs)
    with pytest.raises(VerificationError) as caught:
        verify_with_key(lying, as_jwk)
    assert caught.value.code == "kid_not_found" and thumb_kid in caught.value.description
    own = sign_token({"a": 1}, made_here, header={"kid": "someone-else"})
    with pytest.raises(VerificationError, match="someone-else"):
        verify_with_key(own, made_here.public())
    honest = joserfc_jwt.encode({"alg": "RS256", "kid": thumb_kid}, {"a": 1}, theirs)
    verified = verify_with_key(honest, as_jwk)
    assert verified.kid_note is None and verified.to_dict()["kid_compared"] is True


def test_a_key_without_a_kid_is_tried_and_says_no_kid_was_compared(rsa_pem: str) -> None:
    theirs = RSAKey.import_key(rsa_pem)
    token = joserfc_jwt.encode({"alg": "RS256", "kid": "registered-in-okta"}, {"a": 1}, theirs)
    for key in (load_key(rsa_pem), load_key(json.dumps(theirs.as_dict(private=False)))):
        verified = verify_with_key(token, key)
        assert verified.kid_note == "no kid was compared: the key carries none"
        assert verified.to_dict()["kid_compared"] is False
        assert "registered-in-okta" not in verified.checked_with and "no kid was compared" in verified.checked_with
    with_kid = load_key(json.dumps({**theirs.as_dict(private=False), "kid": "k"}))
    no_kid_token = joserfc_jwt.encode({"alg": "RS256"}, {"a": 1}, theirs)
    assert verify_with_key(no_kid_token, with_kid).kid_note == "no kid was compared: the token names none"


def test_no_oct_hash_is_named_a_thumbprint() -> None:
    secret = OctKey.generate_key(256)
    digest = secret.thumbprint()
    jwk = secret.as_dict(private=True)  # no kid
    key = load_key(json.dumps(jwk))
    assert key.shown_thumbprint() is None and key.public_id() is None
    token = sign_token({"a": 1}, key)
    verified = verify_with_key(token, key)
    texts = [key_label(key), verified.checked_with, json.dumps(verified.to_dict())]
    other = OctKey.generate_key(256)
    both = json.dumps({"keys": [jwk, other.as_dict(private=True)]})
    with pytest.raises(KeyMaterialError) as which:
        load_key(both)
    texts.append(which.value.user_message())
    with pytest.raises(VerificationError) as tried:
        verify_with_jwks(sign_token({"a": 1}, load_key(json.dumps(other.as_dict(private=True)))),
                         [key, load_key(json.dumps(OctKey.generate_key(256).as_dict(private=True)))])
    texts.append(tried.value.user_message())
    for text in texts:
        assert digest not in text and other.thumbprint() not in text and "thumbprint" not in text, text
    assert "oct 256" in key_label(key)
