"""Bad key input: every importer answers with a KeyMaterialError that explains itself and leaks nothing."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from oktatool.core.errors import KeyMaterialError, OktaToolError, PassphraseError
from oktatool.core.keys.key import Key, KeySpec, generate_key, load_key, load_keys

EC_KEY = generate_key(KeySpec("EC", kid="ec-1"))
ED_KEY = generate_key(KeySpec("OKP", crv="Ed25519", kid="ed-1"))
RSA_KEY = generate_key(KeySpec("RSA", kid="rsa-1"))
SECRET = generate_key(KeySpec("oct", kid="hs-1"))


def secret_pieces(key: Key) -> list[str]:
    """Every 12-character run of every private member, and of the PEM body, that must never be echoed."""
    values = [v for name, v in key.to_dict(private=True).items() if name in ("d", "p", "q", "dp", "dq", "qi", "k")]
    if not key.is_symmetric:
        values.append("".join(key.export("pem").splitlines()[1:-1]))
    return [value[i:i + 12] for value in values for i in range(0, max(1, len(value) - 12), 6)]


def assert_leaks_nothing(error: OktaToolError, *keys: Key) -> None:
    text = error.user_message()
    for key in keys:
        for piece in secret_pieces(key):
            assert piece not in text


def jwk_without(key: Key, *names: str, **changes: Any) -> str:
    members = key.to_dict(private=True)
    for name in names:
        del members[name]
    members.update(changes)
    return json.dumps(members)


def truncated_pem() -> str:
    lines = RSA_KEY.export("pem").splitlines()
    return "\n".join(lines[: len(lines) // 2])


def pem_missing_middle() -> str:
    lines = RSA_KEY.export("pem").splitlines()
    return "\n".join([*lines[:3], *lines[-4:]])


BAD_INPUTS: list[tuple[str, str | bytes, str, str]] = [
    # (id, input, part of the description, part of the hint or description telling the fix)
    ("truncated-pem", truncated_pem(), "no matching END line", "copy the whole block"),
    ("pem-missing-lines", pem_missing_middle(), "damaged or truncated", "copy the whole block again"),
    ("pem-bad-chars", RSA_KEY.export("pem").replace("M", "*", 3), "not base64", "copy the block again"),
    ("pem-bad-header", RSA_KEY.export("pem").replace("\n", "\nProc-Type: 4,ENCRYPT\u00c9D\n", 1), "damaged header",
     "copy the block again"),
    ("pem-empty-block", "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----", "is empty", "copy the whole block"),
    ("pem-unknown-label", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----",
     "no key or certificate", "PRIVATE KEY"),
    ("openssh", "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----", "OpenSSH",
     "ssh-keygen"),
    ("ec-jwk-missing-y", jwk_without(EC_KEY, "y"), "has no 'y' member", "copy the whole key"),
    ("rsa-jwk-missing-n", jwk_without(RSA_KEY, "n"), "has no 'n' member", "copy the whole key"),
    ("jwk-no-kty", jwk_without(ED_KEY, "kty"), "not a key", "give a JWK"),
    ("jwk-bad-base64url", jwk_without(EC_KEY, x=EC_KEY.to_dict()["x"][:-4] + "+/=="), "'x' is not base64url",
     "URL-safe alphabet"),
    ("jwk-bad-length", jwk_without(EC_KEY, x=EC_KEY.to_dict()["x"] + "AA"), "'x' is not base64url", "RFC 7515"),
    ("ec-long-x", jwk_without(EC_KEY, x=EC_KEY.to_dict()["x"] + "A"), "'x' has 33 bytes", "at most 32"),
    ("jwk-number-member", jwk_without(ED_KEY, x=12345), "must be a string", "must be a string"),
    ("jwk-unknown-kty", jwk_without(EC_KEY, kty="DSA"), "not supported", "RSA, EC, OKP or oct"),
    ("jwk-unknown-crv", jwk_without(EC_KEY, crv="P-192"), "curve 'P-192' is not supported", "P-256"),
    ("jwk-point-off-curve", jwk_without(EC_KEY, "d", y=EC_KEY.to_dict()["x"]), "not a point on P-256", "export it"),
    ("jwk-d-of-another-key", jwk_without(EC_KEY, d=generate_key(KeySpec("EC")).to_dict(private=True)["d"]),
     "does not belong", "export it again"),
    ("okp-d-of-another-key", jwk_without(ED_KEY, d=generate_key(KeySpec("OKP")).to_dict(private=True)["d"]),
     "does not belong", "export it again"),
    ("okp-short-x", jwk_without(ED_KEY, "d", x="AAAA"), "has 3 bytes; Ed25519 needs 32", "needs 32"),
    ("rsa-broken-crt", jwk_without(RSA_KEY, qi=RSA_KEY.to_dict(private=True)["dq"]), "do not form a valid RSA key",
     "export it again"),
    ("rsa-partial-crt", jwk_without(RSA_KEY, "dp", "qi"), "lacks dp, qi", "none of them"),
    ("rsa-tiny", json.dumps({"kty": "RSA", "n": "AQAB", "e": "AQAB"}), "oktatool reads 512", "512"),
    ("oct-empty", json.dumps({"kty": "oct", "k": ""}), "'k' is empty", "16 bytes"),
    ("bad-use", jwk_without(ED_KEY, use="signing"), "must be sig or enc", "sig or enc"),
    ("bad-key-ops", jwk_without(ED_KEY, key_ops="sign"), "array of strings", "array"),
    ("twice-key-ops", jwk_without(ED_KEY, key_ops=["sign", "sign"]), "names an operation twice", "once"),
    ("json-not-key", '{"client_id": "0oa1", "scopes": ["okta.users.read"]}', "not a key", "client_id"),
    ("json-number", "[1, 2]", "key 1 of the JWKS is an int", "JWK object"),
    ("json-broken", '{"kty": "EC", "crv": "P-256", ', "not valid JSON", "closing brace"),
    ("json-deep", "[" * 100_000 + "]" * 100_000, "nested too deeply", "JWK"),
    ("jwks-empty", '{"keys": []}', "has no keys", "add a key"),
    ("jwks-not-list", '{"keys": {"kty": "oct"}}', "must be an array", "array"),
    ("jwks-bad-member", json.dumps({"keys": [EC_KEY.to_dict(), {"kty": "EC"}]}), "key 2 of the JWKS", "whole key"),
    ("jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", "this is a JWT", "JWK"),
    ("prose", "my key is in the vault", "neither JSON nor PEM", "JWK"),
    ("whitespace", " \r\n\t ", "empty", "JWK"),
    ("binary", os.urandom(64) + b"\x00\x01", "binary data, not a key", "DER"),
    ("huge-paste", "A" * (10 * 1024 * 1024), "10.0 MB", "JWK"),
    ("huge-bytes", b"{" * (2 * 1024 * 1024), "2.0 MB", "JWK"),
]


@pytest.mark.parametrize(("data", "described", "fix"), [case[1:] for case in BAD_INPUTS],
                         ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_says_what_is_wrong_and_how_to_fix_it(data: str | bytes, described: str, fix: str) -> None:
    with pytest.raises(KeyMaterialError) as info:
        load_keys(data)
    error = info.value
    assert described in error.description
    assert fix in error.user_message()
    assert error.exit_code == 2
    assert_leaks_nothing(error, EC_KEY, ED_KEY, RSA_KEY, SECRET)


def test_passphrase_errors_are_their_own_family() -> None:
    encrypted = EC_KEY.export("pem", passphrase=b"right")
    with pytest.raises(PassphraseError) as missing:
        load_key(encrypted)
    with pytest.raises(PassphraseError) as wrong:
        load_key(encrypted, passphrase=b"wrong")
    for error in (missing.value, wrong.value):
        assert isinstance(error, KeyMaterialError) and error.exit_code == 2
        assert "right" not in error.user_message() and "wrong" not in error.user_message().replace("wrong pass", "")
        assert_leaks_nothing(error, EC_KEY)
    # a passphrase given for a plain key is not an error: the key is simply not encrypted
    assert load_key(EC_KEY.export("pem"), passphrase=b"unused").thumbprint() == EC_KEY.thumbprint()


def test_unsupported_key_types_in_pem() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import dsa, ec

    dsa_pem = dsa.generate_private_key(2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    with pytest.raises(KeyMaterialError, match="JOSE cannot express"):
        load_key(dsa_pem)
    brainpool = ec.generate_private_key(ec.BrainpoolP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    with pytest.raises(KeyMaterialError, match="brainpoolP256r1 has no JOSE name"):
        load_key(brainpool)


def test_only_ec_parameters_is_not_a_key() -> None:
    with pytest.raises(KeyMaterialError, match="no key or certificate"):
        load_key("-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n")


# ---- property tests: nothing but our own errors escapes any importer --------------------------------------

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VALID_TEXTS = [EC_KEY.export("jwk"), ED_KEY.export("jwks"), EC_KEY.export("pem"), EC_KEY.export("pem-traditional"),
               ED_KEY.export("pem-public"), EC_KEY.export("cert"), SECRET.export("jwk"),
               json.dumps({"jwk": ED_KEY.to_dict(private=True), "pub": ED_KEY.to_dict()})]


def _load_or_our_error(data: str | bytes, **kwargs: Any) -> None:
    try:
        load_keys(data, **kwargs)
    except OktaToolError as exc:
        assert isinstance(exc, KeyMaterialError)
        assert exc.description and "Traceback" not in exc.description


@FUZZ
@given(st.text(max_size=400))
def test_any_text(text: str) -> None:
    _load_or_our_error(text)


@FUZZ
@given(st.binary(max_size=400), st.none() | st.binary(min_size=1, max_size=8))
def test_any_bytes(data: bytes, passphrase: bytes | None) -> None:
    _load_or_our_error(data, passphrase=passphrase)


b64ish = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=", max_size=90)
members = st.dictionaries(
    st.sampled_from(["kty", "crv", "x", "y", "d", "n", "e", "p", "q", "dp", "dq", "qi", "k", "use", "alg", "kid",
                     "key_ops", "keys", "jwk", "pub"]),
    st.one_of(st.sampled_from(["RSA", "EC", "OKP", "oct", "P-256", "P-521", "secp256k1", "Ed25519", "X448", "sig",
                               "AQAB", ""]),
              b64ish, st.integers(), st.none(), st.lists(st.text(max_size=5), max_size=3), st.booleans()),
    max_size=10,
)


@FUZZ
@given(st.recursive(members, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from(["keys", "jwk", "jwks", "pub"]), inner, max_size=3), max_leaves=8))
def test_any_json_shaped_like_a_key(value: Any) -> None:
    _load_or_our_error(json.dumps(value))


@FUZZ
@given(st.sampled_from(VALID_TEXTS), st.data())
def test_damaged_valid_inputs(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start, min(len(text), start + 40)))
    replacement = data.draw(st.text(max_size=8))
    damaged = text[:start] + replacement + text[end:]
    assume(damaged != text)
    _load_or_our_error(damaged)
    _load_or_our_error(damaged.encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.lists(st.sampled_from(VALID_TEXTS), min_size=1, max_size=3), st.none() | st.text(max_size=10))
def test_load_key_selection(texts: list[str], kid: str | None) -> None:
    pems = [t for t in texts if t.startswith("-----")]
    data = "\n".join(pems) if pems else texts[0]
    try:
        key = load_key(data, kid=kid)
    except OktaToolError as exc:
        assert isinstance(exc, KeyMaterialError)
    else:
        assert kid is None or kid in (key.kid, key.thumbprint())
