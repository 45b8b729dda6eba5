"""Fuzz every parser that reads outside input: 500 generated cases each, and no escapes.

An escape is any exception other than an OktaToolError: the CLI would print a traceback and the window
an "unexpected" dialog. Inputs mix random text and bytes with near-valid documents (real keys and tokens
cut, flipped and re-wrapped), because the bugs live next to the valid shape. The figure for the README
comes from ``pytest tests/fuzz --hypothesis-show-statistics`` (passing/failing examples per parser).
"""

from __future__ import annotations

import base64
import json
import os
import string
from collections import Counter
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from oktatool.core.errors import OktaToolError
from oktatool.core.jose.jwt import decode_token, parse_json_object, token_times
from oktatool.core.keys.key import load_keys
from oktatool.core.okta.doctor_connection import metadata_check
from oktatool.core.okta.exchange import TokenLeg, decode_jws
from oktatool.core.okta.headers import (
    next_link,
    parse_link_header,
    parse_rate_limit,
    parse_www_authenticate,
    seconds_until_retry,
)
from oktatool.core.okta.orgurl import parse_org_url
from oktatool.core.okta.problems import parse_problem
from oktatool.core.okta.scopes import ScopeCatalog, split_endpoint
from oktatool.core.okta.tokens import TokenRequest, normalize_scopes
from oktatool.core.store.settings import load_settings, save_settings, settings_from_dict
from tests.figures import Figures

pytestmark = pytest.mark.slow
#: cases per parser; OKTATOOL_FUZZ_CASES=5000 for a deeper hunt
CASES = max(500, int(os.environ.get("OKTATOOL_FUZZ_CASES", "500")))
fuzz = settings(max_examples=CASES, deadline=None, derandomize=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


#: cases each parser ran in this session (a passing test means none of them escaped)
CASES_RUN: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report_cases(figures: Figures) -> Iterator[None]:
    yield
    if CASES_RUN:
        figures.add("fuzz", ", ".join(f"{name} {count:,}" for name, count in CASES_RUN.items())
                    + f" cases ({sum(CASES_RUN.values()):,} in all); escapes: 0 (any escape fails its test)")


def no_escape(parse: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a parser; an OktaToolError is a clean refusal, anything else propagates as an escape."""
    try:
        return parse(*args, **kwargs)
    except OktaToolError as refused:
        assert refused.description.strip(), "a refusal must say what is wrong"
        return None


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


# --- building blocks ------------------------------------------------------------------------------

json_scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
                | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=40))
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=5), max_leaves=15)
b64_text = st.binary(max_size=600).map(b64url) | st.text(string.ascii_letters + string.digits + "-_=+/", max_size=80)


@cache
def real_keys() -> dict[str, Any]:
    """One key of each kind, made once: the seeds the near-valid inputs are cut from."""
    return {"rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
            "ec": ec.generate_private_key(ec.SECP256R1()), "ed": ed25519.Ed25519PrivateKey.generate()}


@cache
def real_jwks() -> list[dict[str, Any]]:
    from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

    keys = real_keys()
    return [json.loads(RSAAlgorithm.to_jwk(keys["rsa"])), json.loads(RSAAlgorithm.to_jwk(keys["rsa"].public_key())),
            json.loads(ECAlgorithm.to_jwk(keys["ec"])), json.loads(OKPAlgorithm.to_jwk(keys["ed"]))]


@cache
def real_pems() -> list[bytes]:
    keys = real_keys()
    pkcs8, pem = serialization.PrivateFormat.PKCS8, serialization.Encoding.PEM
    none = serialization.NoEncryption()
    return [keys["rsa"].private_bytes(pem, serialization.PrivateFormat.TraditionalOpenSSL, none),
            keys["ec"].private_bytes(pem, pkcs8, none), keys["ed"].private_bytes(pem, pkcs8, none),
            keys["rsa"].public_key().public_bytes(pem, serialization.PublicFormat.SubjectPublicKeyInfo),
            keys["ec"].private_bytes(pem, pkcs8, serialization.BestAvailableEncryption(b"pw")),
            keys["rsa"].private_bytes(serialization.Encoding.DER, pkcs8, none),
            keys["ec"].public_key().public_bytes(serialization.Encoding.DER,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo)]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A real document cut, with bytes flipped, inserted or dropped."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 4))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        kind = draw(st.sampled_from(["flip", "insert", "drop", "cut"]))
        if kind == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "drop":
            del data[at:at + draw(st.integers(1, 40))]
        else:
            del data[at:]
    return bytes(data)


jwk_member_values = json_values | b64_text | st.sampled_from(["RSA", "EC", "OKP", "oct", "P-256", "P-384", "P-521",
                                                             "Ed25519", "X25519", "secp256k1", "AQAB", "sig", "enc"])


@st.composite
def jwk_dicts(draw: st.DrawFn) -> dict[str, Any]:
    """A JWK-shaped object: a real JWK with members changed or removed, or one made of random members."""
    if draw(st.booleans()):
        jwk: dict[str, Any] = dict(draw(st.sampled_from(real_jwks())))
        for name in draw(st.lists(st.sampled_from(["kty", "n", "e", "d", "p", "q", "dp", "dq", "qi", "crv", "x", "y",
                                                   "kid", "alg", "use", "key_ops", "x5c"]), max_size=3)):
            if draw(st.booleans()):
                jwk.pop(name, None)
            else:
                jwk[name] = draw(jwk_member_values)
        return jwk
    members = st.sampled_from(["kty", "n", "e", "d", "crv", "x", "y", "k", "kid", "alg", "use", "p", "q"])
    return draw(st.dictionaries(members, jwk_member_values, max_size=8))


# --- the parsers ----------------------------------------------------------------------------------

@fuzz
@given(jwk_dicts())
def test_jwk(jwk: dict[str, Any]) -> None:
    CASES_RUN["JWK"] += 1
    no_escape(load_keys, json.dumps(jwk, allow_nan=True))


@fuzz
@given(st.one_of(
    st.lists(jwk_dicts(), max_size=4).map(lambda keys: {"keys": keys}),
    st.dictionaries(st.sampled_from(["keys", "kty", "x"]), json_values, max_size=3),
    json_values,
))
def test_jwks(document: Any) -> None:
    CASES_RUN["JWKS"] += 1
    no_escape(load_keys, json.dumps(document, allow_nan=True))


@fuzz
@given(st.one_of(mutated(real_pems()), st.binary(max_size=2000),
                 st.text(max_size=300).map(lambda body: f"-----BEGIN PRIVATE KEY-----\n{body}\n"
                                           "-----END PRIVATE KEY-----\n".encode()),
                 st.text(max_size=2000).map(str.encode)),
       st.none() | st.binary(max_size=8))
def test_pem_and_der(data: bytes, passphrase: bytes | None) -> None:
    CASES_RUN["PEM/DER"] += 1
    no_escape(load_keys, data, passphrase=passphrase)
    text = data.decode("utf-8", "replace")
    no_escape(load_keys, text, passphrase=passphrase)


segment = st.one_of(b64_text, json_values.map(lambda v: b64url(json.dumps(v, allow_nan=True).encode())),
                    st.text(max_size=30))


@fuzz
@given(st.one_of(
    st.lists(segment, min_size=1, max_size=6).map(".".join),
    st.tuples(st.dictionaries(st.sampled_from(["alg", "typ", "kid", "crit", "b64", "jwk", "enc", "zip"]), json_values,
                              max_size=4), json_values, b64_text)
    .map(lambda parts: ".".join([b64url(json.dumps(parts[0], allow_nan=True).encode()),
                                 b64url(json.dumps(parts[1], allow_nan=True).encode()), parts[2]])),
    st.text(max_size=400),
))
def test_jwt(token: str) -> None:
    CASES_RUN["JWT"] += 1
    no_escape(decode_token, token, now=1_700_000_000)
    no_escape(decode_token, token, now=1_700_000_000, strict=True)


@fuzz
@given(st.one_of(json_values.map(lambda v: json.dumps(v, allow_nan=True)), st.text(max_size=300),
                 st.dictionaries(st.sampled_from(["exp", "iat", "nbf", "sub", "aud"]), json_values, min_size=1)
                 .map(lambda claims: json.dumps(claims, allow_nan=True))))
def test_claims_json(text: str) -> None:
    CASES_RUN["claims JSON"] += 1
    claims = no_escape(parse_json_object, text, what="the claims")
    if claims is not None:
        no_escape(token_times, claims, 1_700_000_000, leeway=30)


url_parts = st.sampled_from(["https://", "http://", "HTTPS://", "ftp://", "//", "", "https:///", "http://evil.example\\@"])
hosts = st.sampled_from(["example.okta.com", "example-admin.okta.com", "127.0.0.1", "[::1]", "localhost", "xn--d1acj3b",
                         "a..b", "", "example.oktapreview.com", "a" * 300, "例え.jp"]) | st.text(max_size=30)


@fuzz
@given(st.one_of(st.tuples(url_parts, hosts, st.sampled_from(["", ":443", ":0", ":99999", ":-1", ":abc"]),
                           st.text(max_size=30)).map("".join),
                 st.text(max_size=200)))
def test_org_url(text: str) -> None:
    CASES_RUN["org URL"] += 1
    no_escape(parse_org_url, text)


scope_words = st.sampled_from(["okta.users.read", "okta.users.manage", "openid", "okta.", ".read",
                               "okta.apps.read.self", "ssf.read"]) | st.text(max_size=20)


@fuzz
@given(st.lists(scope_words, max_size=6).map(" ".join) | st.text(max_size=200),
       st.text(max_size=60) | st.sampled_from(["GET /api/v1/users", "POST /api/v1/apps/{appId}/grants",
                                              "GET /api/v1/users/00u1?limit=2", "DELETE /", "GET"]))
def test_scope_strings(scopes: str, endpoint: str) -> None:
    CASES_RUN["scope strings"] += 1
    catalog = ScopeCatalog.load()
    no_escape(normalize_scopes, scopes)
    for word in scopes.split():
        no_escape(catalog.scope, word)
        catalog.search(word)
    parsed = no_escape(split_endpoint, endpoint)
    if parsed is not None:
        no_escape(catalog.required_scopes, *parsed)


header_text = st.text(max_size=200) | st.sampled_from([
    'Bearer authorization_uri="x", error="insufficient_scope", error_description="The access token provided does not '
    'contain the required scopes.", resource="/api/v1/users"', 'DPoP algs="RS256 ES256", error="invalid_dpop_proof"',
    '<https://x.okta.com/api/v1/users?after=1>; rel="next", <https://x>; rel="self"', 'Bearer realm="a\\"b', ',,;;=""'])


@fuzz
@given(st.integers(100, 599),
       st.one_of(st.binary(max_size=400), json_values.map(lambda v: json.dumps(v, allow_nan=True).encode()),
                 st.fixed_dictionaries({}, optional={"errorCode": json_values, "errorSummary": json_values,
                                                     "errorCauses": json_values, "errorId": json_values,
                                                     "error": json_values, "error_description": json_values})
                 .map(lambda v: json.dumps(v, allow_nan=True).encode())),
       st.dictionaries(st.sampled_from(["WWW-Authenticate", "X-Rate-Limit-Reset", "X-Rate-Limit-Limit",
                                        "X-Rate-Limit-Remaining", "Retry-After", "Date", "DPoP-Nonce"]),
                       header_text, max_size=4),
       st.sampled_from(["api", "token"]))
def test_okta_error_bodies(status: int, body: bytes, headers: dict[str, str], source: str) -> None:
    CASES_RUN["Okta error bodies"] += 1
    problem = no_escape(parse_problem, status, headers, body, source=source)
    if problem is not None:
        assert problem.message().strip()
        problem.hint()
        assert isinstance(problem.to_error(), OktaToolError)
    no_escape(parse_rate_limit, headers)
    no_escape(seconds_until_retry, headers, 1_700_000_000.0)


@fuzz
@given(header_text | st.lists(st.tuples(st.text(max_size=40), st.text(max_size=20)), max_size=4)
       .map(lambda links: ", ".join(f'<{url}>; rel="{rel}"' for url, rel in links)))
def test_link(value: str) -> None:
    CASES_RUN["Link"] += 1
    no_escape(parse_link_header, value)
    no_escape(next_link, value)


@fuzz
@given(header_text | st.lists(st.tuples(st.sampled_from(["Bearer", "DPoP", "Basic", ""]),
                                        st.dictionaries(st.text(max_size=12), st.text(max_size=20), max_size=3)),
                              max_size=3)
       .map(lambda cs: ", ".join(scheme + " " + ", ".join(f'{k}="{v}"' for k, v in params.items())
                                 for scheme, params in cs)))
def test_www_authenticate(value: str) -> None:
    CASES_RUN["WWW-Authenticate"] += 1
    for challenge in no_escape(parse_www_authenticate, value) or ():
        challenge.get("error")


settings_like = st.fixed_dictionaries({}, optional={
    "version": json_values, "profiles": st.lists(st.dictionaries(st.sampled_from(
        ["name", "org_url", "client_id", "key_ref", "scopes", "dpop", "ca_bundle", "proxy", "timeout"]), json_values,
        max_size=6), max_size=3) | json_values,
    "preferences": st.dictionaries(st.sampled_from(["color_scheme", "secret_store", "assertion_lifetime",
                                                    "network_timeout", "confirm_delete"]) | st.text(max_size=8),
                                   json_values, max_size=4) | json_values,
    "window": st.dictionaries(st.sampled_from(["x", "y", "width", "height", "maximized", "tab"]) | st.text(max_size=8),
                              json_values, max_size=4) | json_values,
    "active_profile": json_values, "recent_files": json_values})


@fuzz
@given(st.one_of(settings_like.map(lambda v: json.dumps(v, allow_nan=True).encode()),
                 json_values.map(lambda v: json.dumps(v, allow_nan=True).encode()), st.binary(max_size=300)))
@example(data=b'{"active_profile": []}')  # an escape this test found (TypeError: unhashable type)
def test_settings_json(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    CASES_RUN["settings.json"] += 1
    path: Path = tmp_path_factory.mktemp("settings") / "settings.json"
    path.write_bytes(data)
    result = no_escape(load_settings, path)
    if result is not None:
        save_settings(path, result.settings)  # what was read can always be written back
        assert load_settings(path).notice is None
    try:
        raw = json.loads(data)
    except ValueError:
        return
    if isinstance(raw, dict):
        no_escape(settings_from_dict, raw)


#: JSON nested past Python's limits, cut at random: where RecursionError used to escape from answers
deep_json = st.integers(1, 200_000).flatmap(
    lambda depth: st.sampled_from([b"[" * depth + b"]" * depth, b'{"a":' * depth + b"1" + b"}" * depth,
                                   b'{"error": ' + b"[" * depth]))
#: an answer body as a server may send it: bytes, JSON of any shape, near-valid token or metadata answers
answer_bodies = st.one_of(
    st.binary(max_size=400), deep_json, json_values.map(lambda v: json.dumps(v, allow_nan=True).encode()),
    st.fixed_dictionaries({}, optional={"error": json_values, "error_description": json_values,
                                        "access_token": json_values, "token_type": json_values,
                                        "token_endpoint": json_values | st.just("https://x.okta.com/oauth2/v1/token"),
                                        "issuer": json_values,
                                        "token_endpoint_auth_methods_supported": json_values})
    .map(lambda v: json.dumps(v, allow_nan=True).encode()))


@fuzz
@given(st.integers(100, 599) | st.none(), answer_bodies,
       st.lists(st.tuples(st.sampled_from(["DPoP-Nonce", "WWW-Authenticate", "Content-Type"]), header_text),
                max_size=3),
       b64_text | st.builds(lambda h, p, s: f"{h}.{p}.{s}", b64_text, answer_bodies.map(b64url), b64_text))
def test_token_exchange_legs(status: int | None, body: bytes, headers: list[tuple[str, str]], token: str) -> None:
    CASES_RUN["token exchange"] += 1
    request = TokenRequest("https://x.okta.com/oauth2/v1/token",
                           (("grant_type", "client_credentials"), ("client_assertion", token)), (("DPoP", token),))
    leg = TokenLeg(request, status, tuple(headers), body, 0.1)
    assert isinstance(no_escape(leg.response_text), str)
    no_escape(lambda: leg.oauth_error)
    no_escape(lambda: leg.is_nonce_challenge)
    no_escape(decode_jws, leg.assertion)
    no_escape(decode_jws, leg.proof)


@fuzz
@given(st.integers(100, 599), answer_bodies)
def test_doctor_metadata(status: int, body: bytes) -> None:
    CASES_RUN["doctor metadata"] += 1
    org = parse_org_url("https://x.okta.com")
    checked = no_escape(metadata_check, org, status, body)
    if checked is not None:
        state, detail, _fix = checked
        assert state in ("pass", "warn", "fail") and detail.strip()
