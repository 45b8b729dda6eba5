"""Exact JSON for the claims editor, claim explanations, typed HMAC secrets, kid and iss/aud checks."""

from __future__ import annotations

import json
import time

import jwt as pyjwt
import pytest
from joserfc import jwt as joserfc_jwt
from joserfc.jwk import OctKey

from oktatool.core.errors import ClaimError, KeyMaterialError, VerificationError
from oktatool.core.jose.claims import (
    CLAIM_HELP,
    MAX_DEPTH,
    JsonTextError,
    dumps_exact,
    explain_claim,
    find_problem,
    new_jti,
    parse_exact,
    parse_exact_object,
    value_type,
)
from oktatool.core.jose.jwt import decode_token, secret_key, short_secret_warning, sign_token
from oktatool.core.jose.verify import Expected, key_label, verify_with_jwks, verify_with_key
from oktatool.core.keys.key import KeySpec, generate_key, load_key


@pytest.mark.parametrize("text", [
    '{"big": 123456789012345678901234567890, "f": 3.0, "e": 1E+2, "small": 0.1000, "neg": -0.0}',
    '[1.10, 2.50e-3, 9007199254740993]',
])
def test_numbers_round_trip_character_for_character(text: str) -> None:
    compact = dumps_exact(parse_exact(text), indent=None)
    assert compact == text.replace(", ", ",").replace(": ", ":")
    assert parse_exact(dumps_exact(parse_exact(text))) == parse_exact(text)


def test_signed_payload_keeps_exact_numbers() -> None:
    key = generate_key(KeySpec("EC", kid="k"))
    claims = parse_exact_object('{"n": 3.0, "big": 123456789012345678901234567890}', what="claims")
    token = sign_token(claims, key)
    payload = token.split(".")[1]
    from oktatool.core.encoding import b64url_decode
    assert b64url_decode(payload) == b'{"n":3.0,"big":123456789012345678901234567890}'


def test_errors_give_line_and_column() -> None:
    with pytest.raises(JsonTextError) as caught:
        parse_exact('{\n  "sub": "a",\n  "exp": ,\n}')
    assert (caught.value.problem.line, caught.value.problem.column) == (3, 10)
    assert "line 3, column 10" in caught.value.description
    problem = find_problem('{"a": "x\x00y"}')
    assert problem is not None and "NUL" in problem.message and problem.column == 9
    assert find_problem('{"a": 1}') is None


def test_garbage_is_refused_with_a_message() -> None:
    deep = "[" * 10_000 + "]" * 10_000
    problem = find_problem(deep)
    assert problem is not None and "nested" in problem.message and problem.column == MAX_DEPTH + 1
    huge = '{"a": "' + "x" * (10 * 1024 * 1024) + '"}'
    assert "characters long" in (find_problem(huge) or pytest.fail("accepted")).message
    for bad in ('{"a": NaN}', '{"a": 1, "a": 2}', "\udcff", '{"a": "\\ud800"}'):
        assert find_problem(bad) is not None, bad
    with pytest.raises(ClaimError, match="JSON object"):
        parse_exact_object("[1]", what="the claims")


def test_explanations_and_types() -> None:
    for claim in ("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "cid", "uid", "scp", "auth_time", "client_id"):
        assert claim in CLAIM_HELP
    assert "RFC 7519" in (explain_claim("exp") or "")
    assert "never fetches" in (explain_claim("jku", header=True) or "")
    assert explain_claim("x-custom") is None
    assert [value_type(v) for v in parse_exact('[1, 1.5, "s", true, null, [], {}]')] == \
        ["integer", "number", "string", "boolean", "null", "array", "object"]
    assert len({new_jti() for _ in range(50)}) == 50 and len(new_jti()) >= 32


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_typed_secret_signs_what_pyjwt_and_joserfc_verify(alg: str) -> None:
    secret = "a-long-enough-shared-secret-for-every-hmac-alg-0123456789-abcdefghijk"
    token = sign_token({"sub": "x"}, secret_key(secret), alg=alg, short_secret_ok=True)
    assert pyjwt.decode(token, secret, algorithms=[alg]) == {"sub": "x"}
    assert joserfc_jwt.decode(token, OctKey.import_key(secret), algorithms=[alg]).claims == {"sub": "x"}
    foreign = pyjwt.encode({"sub": "y"}, secret, algorithm=alg)
    assert verify_with_key(foreign, secret_key(secret), short_secret_ok=True).claims == {"sub": "y"}


def test_short_secret_warns_but_signs_only_when_asked() -> None:
    key = secret_key("secret")
    assert "6 bytes" in (short_secret_warning(key, "HS256") or "")
    assert short_secret_warning(secret_key("x" * 64), "HS512") is None
    with pytest.raises(KeyMaterialError):
        sign_token({}, key, alg="HS256")
    token = sign_token({}, key, short_secret_ok=True)
    assert pyjwt.decode(token, "secret", algorithms=["HS256"], options={"verify_signature": True}) == {}
    b64 = secret_key("c2VjcmV0", "base64url")
    assert verify_with_key(token, b64, short_secret_ok=True).alg == "HS256"
    with pytest.raises(KeyMaterialError, match="base64url"):
        secret_key("not base64!", "base64url")


def test_single_key_checks_the_kid_and_names_the_key() -> None:
    key = generate_key(KeySpec("EC", kid="real"))
    lying = sign_token({"sub": "a"}, key, header={"kid": "someone-else"})
    with pytest.raises(VerificationError) as caught:
        verify_with_key(lying, key.public())
    assert caught.value.code == "kid_not_found" and "someone-else" in caught.value.description
    good = verify_with_key(sign_token({"sub": "a"}, key), key.public())
    assert good.key_label == 'kid "real" (EC P-256)'
    # a PEM carries no kid: the key is named by its thumbprint, never by the token's kid
    pem_key = load_key(generate_key(KeySpec("EC")).export("pem"))
    verified = verify_with_key(sign_token({}, pem_key, header={"kid": "registered"}), pem_key.public())
    assert "registered" not in verified.key_label and pem_key.thumbprint() in verified.key_label
    assert key_label(pem_key) == f"EC P-256 key with no kid, thumbprint {pem_key.thumbprint()}"
    # a thumbprint kid is a kid the key carries: it is compared like any other
    thumb_kid = pem_key.with_thumbprint_kid()
    assert key_label(thumb_kid) == f'kid "{pem_key.thumbprint()}" (EC P-256)'
    with pytest.raises(VerificationError, match="registered"):
        verify_with_key(sign_token({}, thumb_kid, header={"kid": "registered"}), thumb_kid.public())


def test_expected_issuer_and_audience_name_the_claim() -> None:
    key = generate_key(KeySpec("RSA", size=2048, kid="r"))
    token = sign_token({"iss": "https://a", "aud": ["api://x", "api://y"], "exp": int(time.time()) + 60}, key)
    verify_with_key(token, key, expected=Expected(issuer="https://a", audience="api://y"))
    for expected, code in ((Expected(issuer="https://b"), "issuer_mismatch"),
                           (Expected(audience="api://z"), "audience_mismatch")):
        with pytest.raises(VerificationError) as caught:
            verify_with_jwks(token, [key.public()], expected=expected)
        assert caught.value.code == code


def test_decode_reports_encrypted_tokens() -> None:
    from oktatool.core.encoding import b64url_encode
    jwe = b64url_encode(json.dumps({"alg": "RSA-OAEP", "enc": "A256GCM"}).encode()) + ".a2V5.aXY.Y3Q.dGFn"
    assert decode_token(jwe).encrypted


@pytest.mark.parametrize("claims", [
    {"iss": "0oa1", "aud": "https://x.okta.com/oauth2/v1/token", "iat": 1_700_000_000, "exp": 1_700_000_300},
    {"sub": "ünïcödé \u2028 \"quoted\" \\ back", "n": -0, "big": 10**40, "ok": True, "no": False, "x": None},
    {"aud": ["a", "b"], "empty": [], "tup": ("c", 1, None), "": ""},
    {"emoji": "\U0001f511", "ctl": "\x01\x1f", "neg": -5},
])
def test_the_fast_compact_path_writes_what_the_exact_writer_writes(claims: dict[str, object]) -> None:
    from oktatool.core.jose.claims import _write_exact

    assert dumps_exact(claims, indent=None) == _write_exact(claims, None)
    assert json.loads(dumps_exact(claims, indent=None)) == json.loads(json.dumps(claims))


@pytest.mark.parametrize("claims", [{"f": 3.0}, {"nested": {"a": 1}}, {"deep": [[1]]}, {"nan": float("nan")}])
def test_floats_and_nesting_take_the_exact_writer(claims: dict[str, object]) -> None:
    from oktatool.core.jose.claims import ExactFloat, _write_exact

    if "f" in claims:
        claims = {"f": ExactFloat("3.0")}
        assert dumps_exact(claims, indent=None) == '{"f":3.0}'
    if "nan" in claims:
        with pytest.raises(ValueError, match="NaN"):
            dumps_exact(claims, indent=None)
        return
    assert dumps_exact(claims, indent=None) == _write_exact(claims, None)
