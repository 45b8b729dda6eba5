"""Okta client assertions and the preflight: every rule Okta enforces, with the exact Okta error string."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from joserfc import jwt as joserfc_jwt
from joserfc.jwk import import_key as joserfc_import
from joserfc.jwt import JWTClaimsRegistry

from oktatool.core.errors import ClaimError, KeyMaterialError, OrgUrlError
from oktatool.core.jose.assertion import (
    ERR_ALG,
    ERR_AUDIENCE,
    ERR_AUTH_METHOD,
    ERR_EXP_REQUIRED,
    ERR_EXPIRED,
    ERR_IAT_FUTURE,
    ERR_ISSUER,
    ERR_KEY_USE,
    ERR_KID,
    ERR_SIGNATURE,
    ERR_SUBJECT,
    ERR_TOO_FAR,
    ClientAssertion,
    assertion_alg,
    build_client_assertion,
    check_assertion_token,
    preflight_assertion,
)
from oktatool.core.jose.verify import verify_with_key
from oktatool.core.keys.key import Key, KeySpec, generate_key, load_key
from oktatool.core.okta.orgurl import parse_org_url

NOW = 1_700_000_000
ORG = parse_org_url("https://dev-123456.okta.com")
CLIENT = "0oa1b2c3d4E5f6G7h8i9"
TOKEN_URL = "https://dev-123456.okta.com/oauth2/v1/token"


def clock() -> float:
    return NOW + 0.75


@pytest.fixture(scope="module")
def rsa_key(tmp_path_factory: pytest.TempPathFactory) -> Key:
    """An RSA-2048 key made by openssl, as an admin would have it."""
    path = tmp_path_factory.mktemp("keys") / "rsa.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", str(path)],
                   check=True, capture_output=True)
    return load_key(path.read_text()).with_kid("okta-key-1")


@pytest.fixture(scope="module")
def ec_key() -> Key:
    return generate_key(KeySpec("EC", crv="P-256", kid="ec-1"))


def _okta_side_check(assertion: ClientAssertion, key: Key) -> dict[str, Any]:
    """Verify the way the sandbox does: joserfc, exact aud, iss, sub."""
    jwk = joserfc_import(key.public().to_dict())
    token = joserfc_jwt.decode(assertion.token, jwk, algorithms=[str(assertion.header["alg"])])
    registry = JWTClaimsRegistry(now=NOW, leeway=0, aud={"essential": True, "value": TOKEN_URL},
                                 iss={"essential": True, "value": CLIENT}, sub={"essential": True, "value": CLIENT},
                                 exp={"essential": True}, jti={"essential": True})
    registry.validate(token.claims)
    return dict(token.claims)


def test_rsa_assertion_has_exactly_what_okta_wants(rsa_key: Key) -> None:
    assertion = build_client_assertion(ORG, CLIENT, rsa_key, clock=clock)
    assert dict(assertion.header) == {"alg": "RS256", "kid": "okta-key-1", "typ": "JWT"}
    claims = dict(assertion.claims)
    assert claims["aud"] == TOKEN_URL
    assert claims["iss"] == claims["sub"] == CLIENT
    assert claims["iat"] == NOW and claims["exp"] == NOW + 300
    assert assertion.expires_at == NOW + 300
    assert _okta_side_check(assertion, rsa_key)["jti"] == assertion.jti
    assert verify_with_key(assertion.token, rsa_key.public(), now=NOW).claims == claims


@pytest.mark.parametrize(("crv", "alg"), [("P-256", "ES256"), ("P-384", "ES384"), ("P-521", "ES512")])
def test_ec_assertion_alg_follows_the_curve(crv: str, alg: str) -> None:
    key = generate_key(KeySpec("EC", crv=crv))
    assertion = build_client_assertion("dev-123456.okta.com/", CLIENT, key, clock=clock)
    assert assertion.header["alg"] == alg
    assert assertion.header["kid"] == key.kid
    _okta_side_check(assertion, key)


def test_built_assertions_pass_their_own_preflight(rsa_key: Key, ec_key: Key) -> None:
    for key in (rsa_key, ec_key):
        built = build_client_assertion(ORG, CLIENT, key, lifetime=3600, clock=clock)
        assert preflight_assertion(built.header, built.claims, key, ORG, CLIENT, NOW) == []


def test_key_alg_wins_when_okta_accepts_it() -> None:
    key = generate_key(KeySpec("RSA", alg="RS512"))
    assert build_client_assertion(ORG, CLIENT, key, clock=clock).header["alg"] == "RS512"


def test_jti_is_random_and_new_every_time(ec_key: Key) -> None:
    jtis = {build_client_assertion(ORG, CLIENT, ec_key, clock=clock).jti for _ in range(20)}
    assert len(jtis) == 20
    assert all(len(j) >= 22 for j in jtis)  # 22 base64url characters carry 128 bits


def test_given_kid_wins_and_lifetime_is_bounded(ec_key: Key) -> None:
    assertion = build_client_assertion(ORG, CLIENT, ec_key, kid="registered-kid", lifetime=3600, clock=clock)
    assert assertion.header["kid"] == "registered-kid"
    assert assertion.expires_at == NOW + 3600
    for bad in (0, -5, 3601, True):
        with pytest.raises(ClaimError, match="lifetime"):
            build_client_assertion(ORG, CLIENT, ec_key, lifetime=bad, clock=clock)


def test_repr_never_shows_the_token(ec_key: Key) -> None:
    assertion = build_client_assertion(ORG, CLIENT, ec_key, clock=clock)
    assert assertion.token not in repr(assertion) and "<redacted>" in repr(assertion)


def test_bad_org_urls_are_refused() -> None:
    key = generate_key(KeySpec("EC"))
    with pytest.raises(OrgUrlError):
        build_client_assertion("https://dev-123456-admin.okta.com", CLIENT, key)
    with pytest.raises(OrgUrlError):
        build_client_assertion("https://dev-123456.okta.com/oauth2/default", CLIENT, key)


@pytest.mark.parametrize(("spec", "error", "okta"), [
    (KeySpec("oct"), KeyMaterialError, ERR_AUTH_METHOD),
    (KeySpec("EC", use="enc"), KeyMaterialError, ERR_KEY_USE),
    (KeySpec("OKP", crv="Ed25519"), KeyMaterialError, ERR_ALG),
    (KeySpec("EC", crv="secp256k1"), KeyMaterialError, ERR_ALG),
    (KeySpec("RSA", alg="PS256"), ClaimError, ERR_ALG),
    (KeySpec("EC", kid_mode="none"), ClaimError, ERR_KID),
])
def test_keys_okta_would_refuse_are_refused_with_its_error(spec: KeySpec, error: type[Exception], okta: str) -> None:
    with pytest.raises(error) as info:
        build_client_assertion(ORG, CLIENT, generate_key(spec), clock=clock)
    assert f'"{okta}"' in str(info.value)


def test_public_key_cannot_make_an_assertion(ec_key: Key) -> None:
    with pytest.raises(KeyMaterialError) as info:
        build_client_assertion(ORG, CLIENT, ec_key.public(), clock=clock)
    assert ERR_SIGNATURE in info.value.description
    assert info.value.hint is not None and "private key" in info.value.hint


@pytest.mark.parametrize("client_id", ["", "0oa 123", "https://dev-1.okta.com", "0oa1\n", "id/with/slash"])
def test_malformed_client_id_is_refused(ec_key: Key, client_id: str) -> None:
    with pytest.raises(ClaimError) as info:
        build_client_assertion(ORG, client_id, ec_key, clock=clock)
    assert ERR_ISSUER in info.value.description


# ------------------------------------------------------------------------------------------- preflight

GOOD_HEADER = {"alg": "ES256", "kid": "ec-1", "typ": "JWT"}
GOOD_CLAIMS = {"iss": CLIENT, "sub": CLIENT, "aud": TOKEN_URL, "iat": NOW, "exp": NOW + 300, "jti": "x" * 30}


def test_good_assertion_has_no_findings(ec_key: Key) -> None:
    assert preflight_assertion(GOOD_HEADER, GOOD_CLAIMS, ec_key, ORG, CLIENT, NOW) == []
    assert preflight_assertion(GOOD_HEADER, {**GOOD_CLAIMS, "exp": NOW + 3600}, ec_key, ORG, CLIENT, NOW) == []
    without_iat = {k: v for k, v in GOOD_CLAIMS.items() if k != "iat"}
    assert preflight_assertion(GOOD_HEADER, without_iat, ec_key, ORG, CLIENT, NOW) == []


@pytest.mark.parametrize(("header", "claims", "rule", "okta"), [
    ({}, {"aud": TOKEN_URL + "/"}, "aud", ERR_AUDIENCE),
    ({}, {"aud": "https://dev-123456.okta.com"}, "aud", ERR_AUDIENCE),
    ({}, {"aud": [TOKEN_URL]}, "aud", ERR_AUDIENCE),
    ({}, {"aud": "https://dev-123456.okta.com/oauth2/default/v1/token"}, "aud", ERR_AUDIENCE),
    ({}, {"aud": None}, "aud", ERR_AUDIENCE),
    ({}, {"iss": "0oaOTHER"}, "iss", ERR_ISSUER),
    ({}, {"sub": "0oaOTHER"}, "sub", ERR_SUBJECT),
    ({}, {"exp": None}, "exp_missing", ERR_EXP_REQUIRED),
    ({}, {"exp": "1700000300"}, "exp_missing", ERR_EXP_REQUIRED),
    ({}, {"exp": NOW}, "exp_past", ERR_EXPIRED),
    ({}, {"exp": NOW - 60}, "exp_past", ERR_EXPIRED),
    ({}, {"exp": NOW + 3601}, "exp_too_far", ERR_TOO_FAR),
    ({}, {"iat": NOW + 30}, "iat_future", ERR_IAT_FUTURE),
    ({"kid": None}, {}, "kid_missing", ERR_KID),
    ({"kid": ""}, {}, "kid_missing", ERR_KID),
    ({"alg": "HS256"}, {}, "alg", ERR_ALG),
    ({"alg": "PS256"}, {}, "alg", ERR_ALG),
    ({"alg": "none"}, {}, "alg", ERR_ALG),
    ({"alg": "ES384"}, {}, "alg_key_mismatch", ERR_SIGNATURE),
])
def test_each_broken_rule_is_one_finding_with_okta_error(ec_key: Key, header: dict[str, Any],
                                                         claims: dict[str, Any], rule: str, okta: str) -> None:
    full_header = {k: v for k, v in {**GOOD_HEADER, **header}.items() if v is not None}
    full_claims = {k: v for k, v in {**GOOD_CLAIMS, **claims}.items() if v is not None}
    findings = preflight_assertion(full_header, full_claims, ec_key, ORG, CLIENT, NOW)
    assert [f.rule for f in findings] == [rule]
    finding = findings[0]
    assert finding.okta_error == okta
    assert f'"{okta}"' in finding.message()
    assert finding.fix


def test_iss_and_sub_differing_is_said(ec_key: Key) -> None:
    findings = preflight_assertion(GOOD_HEADER, {**GOOD_CLAIMS, "sub": "someone"}, ec_key, ORG, CLIENT, NOW)
    assert "iss and sub must be the same" in findings[0].problem


def test_key_findings(ec_key: Key) -> None:
    def rules(key: Key) -> list[str]:
        return [f.rule for f in preflight_assertion(GOOD_HEADER, GOOD_CLAIMS, key, ORG, CLIENT, NOW)]

    assert rules(generate_key(KeySpec("oct"))) == ["symmetric_key"]
    assert rules(generate_key(KeySpec("EC", use="enc"))) == ["key_use_enc"]
    assert rules(ec_key.public()) == ["no_private_key"]
    assert rules(generate_key(KeySpec("OKP"))) == ["key_type"]
    without_key = preflight_assertion(GOOD_HEADER, GOOD_CLAIMS, None, ORG, CLIENT, NOW)
    assert without_key == []


def test_everything_wrong_reports_everything(ec_key: Key) -> None:
    findings = preflight_assertion({"alg": "HS256"}, {"aud": "x", "iat": NOW + 5}, generate_key(KeySpec("oct")),
                                   ORG, "bad id", NOW)
    assert {f.rule for f in findings} == {"client_id_malformed", "aud", "iss", "sub", "exp_missing", "iat_future",
                                          "kid_missing", "alg", "symmetric_key"}
    assert all(f.okta_error.endswith(".") for f in findings)


def test_okta_strings_are_verbatim() -> None:
    """The strings Okta's catalogue has (FACTS.md §3); a typo here would mislead a user searching for them."""
    facts = (Path("/work/shared/okta/FACTS.md"))
    if not facts.exists():
        pytest.skip("FACTS.md is not on this machine")
    text = facts.read_text(encoding="utf-8")
    for error in (ERR_AUDIENCE, ERR_ISSUER, ERR_SUBJECT, ERR_EXP_REQUIRED, ERR_EXPIRED, ERR_TOO_FAR, ERR_IAT_FUTURE,
                  ERR_KID, ERR_ALG, ERR_SIGNATURE, ERR_KEY_USE, ERR_AUTH_METHOD):
        assert error in text, error
    assert json.dumps(ERR_KEY_USE)


def test_pasted_assertion_is_checked_with_its_signature(ec_key: Key) -> None:
    built = build_client_assertion(ORG, CLIENT, ec_key, clock=clock)
    assert check_assertion_token(built.token, ORG, CLIENT, key=ec_key.public(), now=NOW) == []
    other = generate_key(KeySpec("EC", kid="ec-1"))
    findings = check_assertion_token(built.token, ORG, CLIENT, key=other.public(), now=NOW + 400)
    assert [f.rule for f in findings] == ["exp_past", "signature"]
    assert findings[1].okta_error == ERR_SIGNATURE and "bad signature" in findings[1].problem
    wrong_org = parse_org_url("dev-999.okta.com")
    assert [f.rule for f in check_assertion_token(built.token, wrong_org, CLIENT, now=NOW)] == ["aud"]


@pytest.mark.parametrize(("spec", "refused"), [
    (KeySpec("RSA", size=2048), False),
    (KeySpec("EC", crv="P-384"), False),
    (KeySpec("EC", crv="P-521", use="sig"), False),
    (KeySpec("EC", crv="secp256k1"), True),
    (KeySpec("OKP", crv="Ed25519"), True),
    (KeySpec("oct"), True),
    (KeySpec("RSA", size=2048, use="enc"), True),
])
def test_okta_key_problem_follows_the_preflight(spec: KeySpec, refused: bool) -> None:
    from oktatool.core.jose.assertion import okta_key_problem

    key = generate_key(spec)
    problem = okta_key_problem(key)
    assert (problem is not None) == refused
    if not key.is_symmetric:  # the public half is what is pasted into Okta: judged the same
        assert (okta_key_problem(key.public()) is not None) == refused
    if problem is not None:  # the same finding the preflight gives when signing with it
        header = {"alg": assertion_alg(key), "kid": key.kid}
        assert problem.rule in {f.rule for f in preflight_assertion(header, {}, key, ORG, CLIENT, NOW)}
