"""Sign and verify any JWT, cross-checked with joserfc and PyJWT, and against the RFC test vectors."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt as pyjwt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from joserfc import jws as joserfc_jws
from joserfc.jwk import import_key as joserfc_import
from joserfc.jws import JWSRegistry

from oktatool.core.encoding import b64url_decode, b64url_encode
from oktatool.core.errors import ClaimError, KeyMaterialError, NetworkError, TokenFormatError, VerificationError
from oktatool.core.jose import jwa
from oktatool.core.jose.jwt import decode_token, sign_token
from oktatool.core.jose.verify import FAILURE_REASONS, fetch_jwks, verify_with_jwks, verify_with_key
from oktatool.core.keys.key import Key, KeySpec, generate_key, load_key, load_keys
from tests.loopback_http import QuietHandler, serve_on_loopback

JOSE = Path(__file__).resolve().parent.parent / "fixtures" / "jose"
VECTORS = sorted(p.stem for p in JOSE.glob("*.json"))
NOW = 1_700_000_000.0

#: alg -> the key spec that signs it
ALG_KEYS = {
    "HS256": KeySpec("oct", size=256), "HS384": KeySpec("oct", size=384), "HS512": KeySpec("oct", size=512),
    "RS256": KeySpec("RSA"), "RS384": KeySpec("RSA"), "RS512": KeySpec("RSA"),
    "PS256": KeySpec("RSA"), "PS384": KeySpec("RSA"), "PS512": KeySpec("RSA"),
    "ES256": KeySpec("EC", crv="P-256"), "ES384": KeySpec("EC", crv="P-384"), "ES512": KeySpec("EC", crv="P-521"),
    "ES256K": KeySpec("EC", crv="secp256k1"), "EdDSA": KeySpec("OKP", crv="Ed25519"),
}
JOSERFC = JWSRegistry(algorithms=list(jwa.SIGNING_ALGS))


@pytest.fixture(scope="module")
def keys() -> dict[str, Key]:
    """One key per alg; the RSA algs share one key without an alg of its own, read from a PEM as imported keys are
    (RSA generation is the slow part; a generated key carries RS256 and signs only that)."""
    made: dict[str, Key] = {}
    rsa = load_key(generate_key(KeySpec("RSA")).export("pem"))
    for alg, spec in ALG_KEYS.items():
        made[alg] = rsa if spec.kty == "RSA" else generate_key(spec)
    made["Ed448"] = generate_key(KeySpec("OKP", crv="Ed448"))
    return made


def _vector(name: str) -> dict[str, Any]:
    return json.loads((JOSE / f"{name}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _joserfc_verify(token: str, key: Key, alg: str) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # joserfc warns that EdDSA is deprecated by RFC 9864
        jwk = joserfc_import(key.to_dict(private=key.is_symmetric) if key.is_symmetric else key.public().to_dict())
        obj = joserfc_jws.deserialize_compact(token, jwk, algorithms=[alg], registry=JOSERFC)
    return json.loads(obj.payload)  # type: ignore[no-any-return]


# ------------------------------------------------------------------------------------------ RFC vectors


@pytest.mark.parametrize("name", VECTORS)
def test_rfc_vectors_verify(name: str) -> None:
    vector = _vector(name)
    key = load_key(json.dumps(vector["key"]))
    verifier = key if key.is_symmetric else key.public()
    verified = verify_with_key(vector["token"], verifier, now=NOW, check_times=False)
    assert verified.alg == vector["alg"]
    if "claims" in vector:
        assert verified.claims == vector["claims"]
    else:
        assert verified.payload.decode("utf-8") == vector["payload"]


@pytest.mark.parametrize("name", [n for n in VECTORS if _vector(n)["deterministic"]
                                  and ("d" in _vector(n)["key"] or "k" in _vector(n)["key"])])
def test_deterministic_vectors_are_reproduced_bit_for_bit(name: str) -> None:
    vector = _vector(name)
    key = load_key(json.dumps(vector["key"]))
    signing_input, _, signature = vector["token"].rpartition(".")
    assert b64url_encode(jwa.sign_bytes(key, vector["alg"], signing_input.encode("ascii"))) == signature


@pytest.mark.parametrize("name", VECTORS)
def test_rfc_vectors_fail_when_one_character_changes(name: str) -> None:
    vector = _vector(name)
    key = load_key(json.dumps(vector["key"]))
    header, payload, signature = vector["token"].split(".")
    flipped = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    with pytest.raises(VerificationError) as info:
        verify_with_key(f"{header}.{flipped}.{signature}", key, now=NOW, check_times=False)
    assert info.value.code == "bad_signature"


def test_rfc7515_a1_is_signed_right_but_expired() -> None:
    vector = _vector("rfc7515_a1_hs256")
    with pytest.raises(VerificationError) as info:
        verify_with_key(vector["token"], load_key(json.dumps(vector["key"])), now=NOW)
    assert info.value.code == "expired"
    assert "signature is valid" in info.value.description and "2011-03-22T18:43:00Z" in info.value.description


# --------------------------------------------------------------------------------- every alg, both ways


@pytest.mark.parametrize("alg", list(ALG_KEYS))
def test_every_alg_verifies_with_joserfc_and_ours(keys: dict[str, Key], alg: str) -> None:
    key = keys[alg]
    claims = {"sub": "alice", "iat": int(NOW), "exp": int(NOW) + 300, "name": "Zoë"}
    token = sign_token(claims, key, alg=alg)
    header = decode_token(token).header
    assert header == {"alg": alg, "typ": "JWT", "kid": key.kid}
    assert _joserfc_verify(token, key, alg) == claims
    verifier = key if key.is_symmetric else key.public()
    assert verify_with_key(token, verifier, now=NOW).claims == claims


def test_ed448_signs_and_verifies_with_joserfc(keys: dict[str, Key]) -> None:
    token = sign_token({"sub": "a"}, keys["Ed448"])
    assert decode_token(token).header["alg"] == "EdDSA"
    assert _joserfc_verify(token, keys["Ed448"], "EdDSA") == {"sub": "a"}


@pytest.mark.parametrize("alg", ["HS256", "RS256", "PS512", "ES256", "ES512", "ES256K", "EdDSA"])
def test_every_alg_verifies_with_pyjwt(keys: dict[str, Key], alg: str) -> None:
    key = keys[alg]
    token = sign_token({"sub": "bob"}, key, alg=alg)
    secret: Any = b64url_decode(key.to_dict(private=True)["k"]) if key.is_symmetric else key.public().pyca()
    assert pyjwt.decode(token, secret, algorithms=[alg]) == {"sub": "bob"}


@pytest.mark.parametrize("alg", ["HS384", "RS384", "PS256", "ES384", "ES256K", "EdDSA"])
def test_tokens_made_by_pyjwt_verify_with_ours(keys: dict[str, Key], alg: str) -> None:
    key = keys[alg]
    secret: Any = b64url_decode(key.to_dict(private=True)["k"]) if key.is_symmetric else key.pyca()
    token = pyjwt.encode({"sub": "carol", "exp": int(NOW) + 60}, secret, algorithm=alg, headers={"kid": key.kid})
    verifier = key if key.is_symmetric else key.public()
    assert verify_with_key(token, verifier, now=NOW).claims == {"sub": "carol", "exp": int(NOW) + 60}
    assert verify_with_jwks(token, [keys["ES256"].public(), verifier], now=NOW).key == verifier


@pytest.mark.parametrize("alg", ["HS512", "RS512", "PS384", "ES512", "EdDSA"])
def test_tokens_made_by_joserfc_verify_with_ours(keys: dict[str, Key], alg: str) -> None:
    key = keys[alg]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        signer = joserfc_import(key.to_dict(private=True))
        token = joserfc_jws.serialize_compact({"alg": alg}, b'{"sub":"dave"}', signer, registry=JOSERFC)
    verifier = key if key.is_symmetric else key.public()
    assert verify_with_key(token, verifier, now=NOW).claims == {"sub": "dave"}


# ------------------------------------------------------------------------------------------------ sign


def test_header_members_add_override_and_remove(keys: dict[str, Key]) -> None:
    key = keys["ES256"]
    token = sign_token({"a": 1}, key, header={"typ": "at+jwt", "x5t": "abc", "kid": "mine"})
    assert decode_token(token).header == {"alg": "ES256", "typ": "at+jwt", "kid": "mine", "x5t": "abc"}
    bare = sign_token({"a": 1}, key, header={"typ": None, "kid": None})
    assert decode_token(bare).header == {"alg": "ES256"}
    assert decode_token(sign_token({}, key, header={"alg": "ES256"})).header["alg"] == "ES256"


def test_alg_comes_from_the_key(keys: dict[str, Key]) -> None:
    assert decode_token(sign_token({}, keys["ES384"])).header["alg"] == "ES384"
    assert decode_token(sign_token({}, keys["RS256"])).header["alg"] == "RS256"
    ps = generate_key(KeySpec("RSA", alg="PS256"))
    assert decode_token(sign_token({}, ps)).header["alg"] == "PS256"


@pytest.mark.parametrize(("alg", "spec_alg", "fits"), [
    ("ES384", "ES256", "ES256"),
    ("RS256", "ES256", "ES256"),
    ("HS256", "RS256", "RS256, RS384"),
    ("EdDSA", "HS256", "HS256"),
    ("HS512", "HS256", "HS256"),
])
def test_key_that_does_not_fit_the_alg_is_refused_naming_what_fits(keys: dict[str, Key], alg: str, spec_alg: str,
                                                                   fits: str) -> None:
    with pytest.raises(KeyMaterialError) as info:
        sign_token({}, keys[spec_alg], alg=alg)
    assert info.value.code == "alg_mismatch"
    assert info.value.hint is not None and fits in info.value.hint


def test_none_and_unknown_algs_are_refused(keys: dict[str, Key]) -> None:
    with pytest.raises(KeyMaterialError, match="none"):
        sign_token({}, keys["HS256"], alg="none")
    with pytest.raises(KeyMaterialError, match="unsupported"):
        sign_token({}, keys["HS256"], alg="HS1")
    with pytest.raises(ClaimError, match="differs"):
        sign_token({}, keys["HS256"], alg="HS256", header={"alg": "HS384"})


def test_keys_that_cannot_sign_are_refused(keys: dict[str, Key]) -> None:
    with pytest.raises(KeyMaterialError, match="public"):
        sign_token({}, keys["ES256"].public())
    with pytest.raises(KeyMaterialError, match="X25519"):
        sign_token({}, generate_key(KeySpec("OKP", crv="X25519")))
    with pytest.raises(KeyMaterialError, match="encryption key"):
        sign_token({}, generate_key(KeySpec("EC", use="enc")))
    with pytest.raises(KeyMaterialError, match="cannot sign"):
        sign_token({}, generate_key(KeySpec("oct", size=128)))


def test_claims_must_be_an_object(keys: dict[str, Key]) -> None:
    with pytest.raises(ClaimError, match="JSON object"):
        sign_token([1, 2], keys["HS256"])  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------- verify


def _reason(token: str, verifier: Key | list[Key], **kwargs: Any) -> VerificationError:
    with pytest.raises(VerificationError) as info:
        if isinstance(verifier, list):
            verify_with_jwks(token, verifier, **kwargs)
        else:
            verify_with_key(token, verifier, **kwargs)
    assert info.value.code in FAILURE_REASONS  # the GUI maps every reason; none may be unlisted
    return info.value


def test_rsa_public_key_is_never_an_hmac_secret(keys: dict[str, Key]) -> None:
    public = keys["RS256"].public()
    pem = public.export("pem-public").encode()
    header = b64url_encode(b'{"alg":"HS256","typ":"JWT"}')
    body = b64url_encode(b'{"sub":"admin"}')
    forged_sig = hmac.new(pem, f"{header}.{body}".encode(), hashlib.sha256).digest()
    error = _reason(f"{header}.{body}.{b64url_encode(forged_sig)}", public)
    assert error.code == "alg_not_allowed"
    assert "RS256" in error.description and error.hint is not None and "HMAC" in error.hint


def test_none_never_verifies(keys: dict[str, Key]) -> None:
    token = b64url_encode(b'{"alg":"none"}') + "." + b64url_encode(b'{"sub":"a"}') + "."
    assert _reason(token, keys["HS256"]).code == "unsigned"
    assert _reason(token, [keys["HS256"]]).code == "unsigned"


def test_a_key_with_another_kid_is_refused_naming_both_kids(keys: dict[str, Key]) -> None:
    token = sign_token({}, keys["ES256"])
    other = generate_key(KeySpec("EC", kid="other"))
    error = _reason(token, other.public())
    assert error.code == "kid_not_found"
    assert keys["ES256"].kid in error.description and "'other'" in error.description  # type: ignore[operator]
    unnamed = sign_token({}, keys["ES256"], header={"kid": None})
    assert _reason(unnamed, other.public()).code == "bad_signature"


def test_expired_and_not_yet_valid_are_told_apart(keys: dict[str, Key]) -> None:
    key = keys["HS256"]
    expired = _reason(sign_token({"exp": NOW - 7200}, key), key, now=NOW)
    assert expired.code == "expired" and "expired 2 h ago" in expired.description
    early = _reason(sign_token({"nbf": NOW + 240}, key), key, now=NOW)
    assert early.code == "not_yet_valid" and "valid in 4 min" in early.description
    assert verify_with_key(sign_token({"nbf": NOW + 20}, key), key, now=NOW, leeway=30).claims == {"nbf": NOW + 20}
    bad = _reason(sign_token({"exp": "soon"}, key), key, now=NOW)
    assert bad.code == "invalid_time_claim"


def test_jwks_picks_by_kid_and_reports_unknown_kids(keys: dict[str, Key]) -> None:
    jwks = [keys["RS256"].public(), keys["ES256"].public(), keys["EdDSA"].public()]
    token = sign_token({"sub": "x"}, keys["ES256"])
    verified = verify_with_jwks(token, jwks, now=NOW)
    assert verified.key.kid == keys["ES256"].kid
    assert keys["ES256"].kid in verified.key_label  # type: ignore[operator]

    stranger = generate_key(KeySpec("EC", kid="stranger"))
    error = _reason(sign_token({}, stranger), jwks)
    assert error.code == "kid_not_found"
    assert "'stranger'" in error.description and repr(keys["RS256"].kid) in error.description


def test_jwks_without_kid_tries_every_fitting_key_and_names_the_match(keys: dict[str, Key]) -> None:
    second = generate_key(KeySpec("EC", kid="second"))
    jwks = [keys["ES256"].public(), keys["RS256"].public(), second.public()]
    token = sign_token({"sub": "y"}, second, header={"kid": None})
    verified = verify_with_jwks(token, jwks, now=NOW)
    assert verified.key.kid == "second"
    assert verified.key_label == 'kid "second" (EC P-256)'

    error = _reason(sign_token({}, keys["ES384"], header={"kid": None}), jwks)
    assert error.code == "no_fitting_key"
    outsider = generate_key(KeySpec("EC"))
    error = _reason(sign_token({}, outsider, header={"kid": None}), jwks)
    assert error.code == "bad_signature" and "second" in error.description


def test_jwks_kid_match_with_the_wrong_type_is_alg_not_allowed(keys: dict[str, Key]) -> None:
    impostor = keys["RS256"].public().with_kid("shared")
    token = sign_token({}, keys["ES256"], header={"kid": "shared"})
    assert _reason(token, [impostor]).code == "alg_not_allowed"


def test_crit_header_is_rejected(keys: dict[str, Key]) -> None:
    token = sign_token({}, keys["HS256"], header={"crit": ["exp"], "exp": 1})
    assert _reason(token, keys["HS256"]).code == "unsupported_crit"


def test_encrypted_and_malformed_tokens_are_bad_input(keys: dict[str, Key]) -> None:
    jwe = b64url_encode(b'{"alg":"dir","enc":"A128GCM"}') + "..aXY.Y3Q.dGFn"
    with pytest.raises(TokenFormatError, match="encrypted"):
        verify_with_key(jwe, keys["HS256"])
    with pytest.raises(TokenFormatError):
        verify_with_key("not.a token", keys["HS256"])


def test_openssl_made_keys_sign_and_verify(tmp_path: Path) -> None:
    private = tmp_path / "p256.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-out", str(private)], check=True, capture_output=True)
    public = subprocess.run(["openssl", "pkey", "-in", str(private), "-pubout"], check=True, capture_output=True,
                            text=True).stdout
    token = sign_token({"sub": "o"}, load_key(private.read_text()))
    assert verify_with_key(token, load_key(public), now=NOW).claims == {"sub": "o"}


# ------------------------------------------------------------------------------------------- JWKS URL


@pytest.fixture
def jwks_server(keys: dict[str, Key]) -> Iterator[str]:
    body = json.dumps({"keys": [keys["RS256"].public().to_dict(), keys["ES256"].public().to_dict()]}).encode()

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            self.send_body(*((200, body) if self.path == "/keys" else (404, b"{}")))

    with serve_on_loopback(Handler) as base:
        yield base


def test_jwks_url_is_fetched_and_used(keys: dict[str, Key], jwks_server: str) -> None:
    fetched = fetch_jwks(jwks_server + "/keys")
    assert [k.kid for k in fetched] == [keys["RS256"].kid, keys["ES256"].kid]
    token = sign_token({"sub": "z"}, keys["RS256"])
    assert verify_with_jwks(token, fetched, now=NOW).key.kid == keys["RS256"].kid
    with pytest.raises(NetworkError, match="404"):
        fetch_jwks(jwks_server + "/missing")


def test_jwks_url_must_be_https_unless_loopback() -> None:
    from oktatool.core.errors import BadInputError

    with pytest.raises(BadInputError, match="loopback"):
        fetch_jwks("http://example.com/keys")


def test_load_keys_gives_every_key_of_a_jwks(keys: dict[str, Key]) -> None:
    text = json.dumps({"keys": [keys["ES256"].public().to_dict(), keys["EdDSA"].public().to_dict()]})
    assert len(load_keys(text)) == 2


_HS_KEY = generate_key(KeySpec("oct", size=256))
_SIGNED = sign_token({"sub": "hypothesis", "n": 1}, _HS_KEY)
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=len(_SIGNED) - 1), st.sampled_from(_ALPHABET))
def test_any_one_character_change_fails_verification(position: int, char: str) -> None:
    mutated = _SIGNED[:position] + char + _SIGNED[position + 1:]
    if mutated == _SIGNED:
        return
    with pytest.raises((VerificationError, TokenFormatError)):
        verify_with_key(mutated, _HS_KEY, now=NOW)


def test_non_canonical_base64url_is_refused() -> None:
    head, body, sig = _SIGNED.split(".")
    # "Q" and "R" differ only in bits that base64url drops at the end of a 2-byte tail
    last = sig[-1]
    twin = {"A": "B", "E": "F", "I": "J", "M": "N", "Q": "R", "U": "V", "Y": "Z", "c": "d", "g": "h", "k": "l",
            "o": "p", "s": "t", "w": "x", "0": "1", "4": "5", "8": "9"}.get(last)
    assert twin is not None, "the HS256 signature is 32 bytes, so its last character carries 2 stray bits"
    assert b64url_decode(sig[:-1] + twin) == b64url_decode(sig)
    with pytest.raises(TokenFormatError, match="canonical"):
        verify_with_key(f"{head}.{body}.{sig[:-1] + twin}", _HS_KEY, now=NOW)
