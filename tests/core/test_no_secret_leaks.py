"""Secrets never reach an error message, a hint or a repr: private key members, passphrases, tokens.

Each test makes an operation fail (or prints a value) while holding a known secret, then looks for
that secret, and for any long piece of it, in everything a person or a log could see.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from oktatool.core.errors import OktaToolError
from oktatool.core.jose.assertion import build_client_assertion, check_assertion_token
from oktatool.core.jose.dpop import DPoPKey, make_proof
from oktatool.core.jose.jwt import decode_token, parse_compact, sign_token
from oktatool.core.jose.verify import verify_with_jwks, verify_with_key
from oktatool.core.keys.key import Key, KeySpec, generate_key, load_key
from oktatool.core.okta.orgurl import parse_org_url

ORG = parse_org_url("https://dev-123456.okta.com")
CLIENT = "0oa1b2c3d4E5f6G7h8i9"
PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "k")
#: a run of this many characters of a secret counts as a leak
CHUNK = 12


def _chunks(secret: str) -> set[str]:
    return {secret[i:i + CHUNK] for i in range(max(1, len(secret) - CHUNK + 1))} if len(secret) >= CHUNK else set()


def _visible(exc: OktaToolError) -> str:
    return "\n".join((exc.description, exc.hint or "", str(exc), repr(exc), exc.user_message()))


def _assert_hidden(secrets: list[str], text: str) -> None:
    for secret in secrets:
        for chunk in _chunks(secret):
            assert chunk not in text, f"a piece of a secret ({chunk!r}) is visible in: {text[:300]!r}"


@pytest.fixture(scope="module")
def keys() -> dict[str, Key]:
    return {
        "RSA": generate_key(KeySpec("RSA", kid="rsa-1")),
        "EC": generate_key(KeySpec("EC", kid="ec-1")),
        "OKP": generate_key(KeySpec("OKP", kid="okp-1")),
        "oct": generate_key(KeySpec("oct", kid="oct-1")),
    }


_B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kty=st.sampled_from(["RSA", "EC", "OKP", "oct"]), data=st.data())
def test_a_damaged_private_jwk_is_refused_without_showing_its_secret_members(
        keys: dict[str, Key], kty: str, data: st.DataObject) -> None:
    jwk: dict[str, Any] = keys[kty].to_dict(private=True)
    member = data.draw(st.sampled_from(sorted(jwk)), label="member")
    original = jwk[member]
    mutated = data.draw(st.one_of(
        st.text(alphabet=_B64URL, min_size=CHUNK, max_size=200),  # a plausible but wrong value
        st.just(original[:-2] if isinstance(original, str) else original),  # truncated
        st.just(original + "!!" if isinstance(original, str) else original),  # a stray character
        st.text(min_size=CHUNK, max_size=40),  # anything at all
    ), label="mutated")
    jwk[member] = mutated
    secrets = [str(v) for m, v in jwk.items() if m in PRIVATE_MEMBERS]
    secrets += [str(v) for m, v in keys[kty].to_dict(private=True).items() if m in PRIVATE_MEMBERS]
    try:
        loaded = load_key(json.dumps(jwk))
    except OktaToolError as exc:
        _assert_hidden(secrets, _visible(exc))
        return
    _assert_hidden(secrets, repr(loaded))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(wrong=st.text(min_size=CHUNK, max_size=40).filter(lambda s: s.strip() == s and "\x00" not in s))
def test_a_wrong_passphrase_is_never_repeated(keys: dict[str, Key], wrong: str) -> None:
    right = "correct horse battery staple"
    pem = keys["EC"].export("pem", passphrase=right.encode())
    with pytest.raises(OktaToolError) as fixed_text:
        load_key(pem, passphrase=b"\x01" * CHUNK)
    # a passphrase made of the message's own words ("0 the private") is not a leak when it shows up
    assume(not any(chunk in _visible(fixed_text.value) for chunk in _chunks(wrong)))
    with pytest.raises(OktaToolError) as caught:
        load_key(pem, passphrase=wrong.encode())
    _assert_hidden([right, wrong, pem.splitlines()[1]], _visible(caught.value))


def test_a_damaged_pem_private_key_does_not_echo_its_body(keys: dict[str, Key]) -> None:
    pem = keys["RSA"].export("pem")
    lines = pem.splitlines()
    for damaged in ("\n".join(lines[:5]), "\n".join([*lines[:3], "!!!" + lines[3], *lines[4:]]),
                    pem.replace(lines[2], lines[2][::-1])):
        with pytest.raises(OktaToolError) as caught:
            load_key(damaged)
        _assert_hidden(lines[1:-1], _visible(caught.value))


def test_signing_refusals_do_not_show_the_secret(keys: dict[str, Key]) -> None:
    secret = keys["oct"].to_dict(private=True)["k"]
    for alg in ("RS256", "ES256", "none", "HS999"):
        with pytest.raises(OktaToolError) as caught:
            sign_token({"sub": "a"}, keys["oct"], alg=alg)
        _assert_hidden([secret], _visible(caught.value))
    with pytest.raises(OktaToolError) as caught:
        build_client_assertion(ORG, CLIENT, keys["oct"])
    _assert_hidden([secret], _visible(caught.value))


def test_token_values_keep_the_signature_out_of_their_repr(keys: dict[str, Key]) -> None:
    token = sign_token({"sub": "a"}, keys["EC"])
    signature = token.rsplit(".", 1)[1]
    for value in (parse_compact(token), decode_token(token), verify_with_key(token, keys["EC"])):
        _assert_hidden([signature], repr(value))
    assertion = build_client_assertion(ORG, CLIENT, keys["RSA"])
    _assert_hidden([assertion.token.rsplit(".", 1)[1]], repr(assertion))


def test_verification_failures_do_not_repeat_the_token(keys: dict[str, Key]) -> None:
    token = sign_token({"sub": "a", "exp": 1}, keys["EC"])
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    other = generate_key(KeySpec("EC", kid="ec-1"))
    attempts = [
        lambda: verify_with_key(token, keys["EC"]),  # expired
        lambda: verify_with_key(tampered, keys["EC"]),  # bad signature
        lambda: verify_with_key(token, keys["RSA"]),  # alg not allowed
        lambda: verify_with_jwks(token, [keys["RSA"].public()]),  # no fitting key
        lambda: verify_with_jwks(token, [other.public()]),  # bad signature, same kid
        lambda: verify_with_key(token.replace(".", "..", 1), keys["EC"]),  # malformed
    ]
    for attempt in attempts:
        with pytest.raises(OktaToolError) as caught:
            attempt()
        _assert_hidden([token.rsplit(".", 1)[1], tampered.rsplit(".", 1)[1]], _visible(caught.value))


def test_assertion_preflight_findings_do_not_repeat_the_assertion(keys: dict[str, Key]) -> None:
    assertion = build_client_assertion(ORG, CLIENT, keys["RSA"])
    findings = check_assertion_token(assertion.token, parse_org_url("https://other.okta.com"), "0oaOTHER",
                                     key=keys["EC"].public())
    assert findings
    text = "\n".join(f"{f.message()} {f.fix}" for f in findings)
    _assert_hidden([assertion.token.rsplit(".", 1)[1]], text)


def test_dpop_key_and_proof_errors_do_not_show_the_private_key(keys: dict[str, Key]) -> None:
    dpop = DPoPKey.from_key(keys["EC"])
    private_d = keys["EC"].to_dict(private=True)["d"]
    _assert_hidden([private_d], repr(dpop))
    for method, url, token in (("G E T", "https://x/", None), ("GET", "ftp://x/", None), ("GET", "https://x/", "é")):
        with pytest.raises(OktaToolError) as caught:
            make_proof(dpop, method, url, access_token=token)
        _assert_hidden([private_d], _visible(caught.value))
