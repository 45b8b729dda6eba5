"""The token client against the sandbox: the exact request, Bearer and DPoP with the nonce round trip,
the cache, and every client-assertion rule broken once (assertions signed by joserfc in the test)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from oktatool.core.errors import BadInputError, TokenError
from oktatool.core.jose.dpop import DPoPKey
from oktatool.core.keys.key import load_key
from oktatool.core.okta.client import Connection, DPoPSigner, OktaClient
from oktatool.core.okta.http import new_session
from oktatool.core.okta.orgurl import parse_org_url
from oktatool.core.okta.tokens import (
    CLIENT_ASSERTION_TYPE,
    ClientCredentials,
    TokenClient,
    TokenResponse,
    build_token_request,
    normalize_scopes,
)
from oktatool.sandbox.org import SandboxOptions
from oktatool.sandbox.server import Sandbox, SandboxInfo


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxInfo]:
    with Sandbox(SandboxOptions(users=5), tmp_path_factory.mktemp("sandbox")) as info:
        yield info


@pytest.fixture(scope="module")
def dpop_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxInfo]:
    with Sandbox(SandboxOptions(users=5, dpop_required=True), tmp_path_factory.mktemp("dpop")) as info:
        yield info


def _recording_session() -> tuple[requests.Session, list[requests.PreparedRequest], list[requests.Response]]:
    session = new_session()
    sent: list[requests.PreparedRequest] = []
    answers: list[requests.Response] = []

    def record(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        sent.append(response.request)
        answers.append(response)

    session.hooks["response"].append(record)
    return session, sent, answers


def _client(info: SandboxInfo, *, dpop: bool = False, session: requests.Session | None = None) -> OktaClient:
    key = load_key(info.key_file.read_text())
    return OktaClient(Connection(parse_org_url(info.org_url), info.client_id, key, key_kids=(info.kid,),
                                 scopes=("okta.users.read",), dpop=dpop), session=session)


def _form(request: requests.PreparedRequest) -> dict[str, str]:
    body = request.body
    text = body.decode() if isinstance(body, bytes) else str(body)
    return dict(parse_qsl(text))


def test_build_token_request_holds_exactly_the_four_fields() -> None:
    request = build_token_request("https://dev-1.okta.com/oauth2/v1/token", "okta.users.read okta.users.read  "
                                  "okta.groups.read", "eyJ.assertion.sig")
    assert request.url == "https://dev-1.okta.com/oauth2/v1/token"
    assert request.form == (
        ("grant_type", "client_credentials"),
        ("scope", "okta.users.read okta.groups.read"),
        ("client_assertion_type", CLIENT_ASSERTION_TYPE),
        ("client_assertion", "eyJ.assertion.sig"),
    )
    assert request.header("content-type") == "application/x-www-form-urlencoded"
    assert request.header("DPoP") is None
    assert "eyJ.assertion.sig" not in repr(request)
    with_proof = build_token_request(request.url, ["okta.users.read"], "a.b.c", dpop_proof="eyJ.proof.sig")
    assert with_proof.header("dpop") == "eyJ.proof.sig" and "eyJ.proof.sig" not in repr(with_proof)
    with pytest.raises(BadInputError):
        normalize_scopes("   ")


def test_token_response_repr_hides_the_token() -> None:
    token = TokenResponse("secret-token-value", "DPoP", 3600, "okta.users.read", 1000.0)
    assert "secret-token-value" not in repr(token) and "secret-token-value" not in str(token)
    assert token.is_dpop and token.scheme == "DPoP" and token.expires_at == 4600.0
    assert token.to_dict() == {"access_token": "secret-token-value", "token_type": "DPoP", "expires_in": 3600,
                               "scope": "okta.users.read"}


def test_bearer_token_body_is_form_only_and_cached(sandbox: SandboxInfo) -> None:
    session, sent, _ = _recording_session()
    client = _client(sandbox, session=session)
    token = client.token()
    assert token.token_type == "Bearer" and token.scope == "okta.users.read" and token.expires_in == 3600
    (request,) = sent
    assert request.method == "POST" and request.url == sandbox.token_url  # no query string
    assert set(_form(request)) == {"grant_type", "scope", "client_assertion_type", "client_assertion"}
    assert "DPoP" not in request.headers and "Authorization" not in request.headers
    assert client.token() is token  # from the cache: no second request
    assert len(sent) == 1
    assert client.token(use_cache=False) is not token
    assert len(sent) == 2


def test_the_cache_renews_five_minutes_before_expiry(sandbox: SandboxInfo) -> None:
    now = [time.time()]
    tokens = TokenClient(new_session(), clock=lambda: now[0])
    client = _client(sandbox)
    first = tokens.get_token(client.credentials, "okta.users.read")
    now[0] += 3600 - 301
    assert tokens.get_token(client.credentials, "okta.users.read") is first
    now[0] += 2
    assert tokens.get_token(client.credentials, "okta.users.read") is not first
    # another scope set, or another DPoP key, is another cache entry
    assert tokens.get_token(client.credentials, "okta.users.read okta.groups.read") is not first


def test_dpop_nonce_round_trip_with_a_new_assertion_and_proof(dpop_sandbox: SandboxInfo) -> None:
    session, sent, answers = _recording_session()
    client = _client(dpop_sandbox, dpop=True, session=session)
    token = client.token()
    assert token.token_type == "DPoP" and token.warnings == ()
    first, second = sent
    assert answers[0].status_code == 400 and answers[0].json()["error"] == "use_dpop_nonce"
    assert _form(first)["client_assertion"] != _form(second)["client_assertion"]
    assert first.headers["DPoP"] != second.headers["DPoP"]
    proof = jwt.decode(second.headers["DPoP"], _proof_key(second.headers["DPoP"]))  # verified with its own jwk
    assert proof.claims["nonce"] == answers[0].headers["DPoP-Nonce"]
    assert proof.claims["htm"] == "POST" and proof.claims["htu"] == dpop_sandbox.token_url
    # the nonce is kept per org: the next token request needs one round trip only
    client.token(use_cache=False)
    assert len(sent) == 3


def _proof_key(proof: str) -> ECKey:
    from oktatool.core.jose.jwt import parse_compact

    return ECKey.import_key(parse_compact(proof).header["jwk"])


def test_a_dpop_required_app_without_dpop_is_explained(dpop_sandbox: SandboxInfo) -> None:
    with pytest.raises(TokenError) as caught:
        _client(dpop_sandbox).token()
    assert "requires DPoP" in caught.value.description
    assert "The DPoP proof JWT header is missing." in caught.value.description
    assert "--dpop" in (caught.value.hint or "")


def test_dpop_asked_but_bearer_issued_warns(sandbox: SandboxInfo) -> None:
    token = _client(sandbox, dpop=True).token()
    assert token.token_type == "Bearer"
    assert token.warnings and "Bearer" in token.warnings[0]


def test_the_dpop_key_is_part_of_the_cache_key(dpop_sandbox: SandboxInfo) -> None:
    tokens = TokenClient(new_session())
    credentials = _client(dpop_sandbox).credentials
    one, two = DPoPSigner(DPoPKey.generate()), DPoPSigner(DPoPKey.generate())
    first = tokens.get_token(credentials, "okta.users.read", dpop=one)
    assert tokens.get_token(credentials, "okta.users.read", dpop=one) is first
    assert tokens.get_token(credentials, "okta.users.read", dpop=two) is not first


# --- every client-assertion rule broken once, signed by joserfc (an independent JOSE library) --------------

Claims = dict[str, Any]


def _claims(info: SandboxInfo, **changes: Any) -> Claims:
    now = int(time.time())
    claims: Claims = {"iss": info.client_id, "sub": info.client_id, "aud": info.token_url, "iat": now,
                      "exp": now + 300, "jti": uuid.uuid4().hex}
    for name, value in changes.items():
        if value is None:
            claims.pop(name, None)
        else:
            claims[name] = value
    return claims


def _sign(info: SandboxInfo, claims: Claims, *, kid: str | None = "<registered>", alg: str = "RS256",
          key_pem: bytes | None = None) -> str:
    header: dict[str, Any] = {"alg": alg, "typ": "JWT"}
    if kid is not None:
        header["kid"] = info.kid if kid == "<registered>" else kid
    key = RSAKey.import_key(key_pem or info.key_file.read_bytes())
    return jwt.encode(header, claims, key, algorithms=[alg])


def _refused(info: SandboxInfo, assertion: str | Callable[[], str], *, kid: str | None = None) -> TokenError:
    sign = assertion if callable(assertion) else (lambda: assertion)
    credentials = ClientCredentials(info.token_url, info.client_id, sign, kid=kid, key_kids=(info.kid, "spare-key"))
    with pytest.raises(TokenError) as caught:
        TokenClient(new_session()).get_token(credentials, "okta.users.read")
    return caught.value


BROKEN_RULES = [
    ("aud is the org URL", lambda i: _sign(i, _claims(i, aud=i.org_url)),
     "The audience claim for client_assertion must be the endpoint invoked", "aud is not exactly the token URL"),
    ("exp two hours ahead", lambda i: _sign(i, _claims(i, exp=int(time.time()) + 7200)),
     "expiration too far into the future", "more than one hour"),
    ("exp in the past", lambda i: _sign(i, _claims(i, exp=int(time.time()) - 60, iat=int(time.time()) - 120)),
     "The client_assertion token is expired.", "already in the past"),
    ("no exp", lambda i: _sign(i, _claims(i, exp=None)), "must contain the 'exp' claim", "no exp claim"),
    ("iat in the future", lambda i: _sign(i, _claims(i, iat=int(time.time()) + 600, exp=int(time.time()) + 900)),
     "must be issued before the current time", "iat is in the future"),
    ("iss is not the client", lambda i: _sign(i, _claims(i, iss="someone-else")),
     "The issuer claim for client_assertion is not a valid client_id.", "Okta does not know the client id"),
    ("sub is not the client", lambda i: _sign(i, _claims(i, sub="someone-else")),
     "The subject claim for client_assertion is not a valid client_id.", "Okta does not know the client id"),
    ("PS256 is not allowed", lambda i: _sign(i, _claims(i), alg="PS256"),
     "signature algorithm is invalid", "does not accept the assertion's signing algorithm"),
    ("not a JWT", lambda i: "not-a-jwt", "The parsing of the client_assertion failed.", "could not parse"),
]


@pytest.mark.parametrize(("rule", "make", "okta_says", "we_say"), BROKEN_RULES, ids=[r[0] for r in BROKEN_RULES])
def test_each_assertion_rule_broken_once_is_explained(sandbox: SandboxInfo, rule: str, make: Callable[..., str],
                                                      okta_says: str, we_say: str) -> None:
    error = _refused(sandbox, make(sandbox))
    assert okta_says in error.description
    assert we_say in error.description
    assert error.hint and "fix:" in error.hint
    assert error.exit_code == 1


def test_unknown_kid_lists_the_kids_of_the_key(sandbox: SandboxInfo) -> None:
    error = _refused(sandbox, _sign(sandbox, _claims(sandbox), kid="not-registered"), kid="not-registered")
    assert "The client_assertion JWT kid is invalid." in error.description
    assert "'not-registered'" in error.description and f"{sandbox.kid}, spare-key" in error.description
    assert "several" in (error.hint or "")


def test_a_key_that_is_not_the_registered_one_is_explained(sandbox: SandboxInfo) -> None:
    other = RSAKey.generate_key(2048).as_pem(private=True)
    error = _refused(sandbox, _sign(sandbox, _claims(sandbox), key_pem=other))
    assert "The client_assertion signature is invalid." in error.description
    assert "public key" in error.description


def test_a_reused_assertion_is_explained(sandbox: SandboxInfo) -> None:
    assertion = _sign(sandbox, _claims(sandbox))
    TokenClient(new_session()).get_token(ClientCredentials(sandbox.token_url, sandbox.client_id, lambda: assertion),
                                         "okta.users.read")
    error = _refused(sandbox, assertion)
    assert "The client_assertion token has already been used." in error.description
    assert "new assertion" in (error.hint or "")


def test_scopes_not_granted_are_explained(sandbox: SandboxInfo) -> None:
    with pytest.raises(TokenError) as caught:
        _client(sandbox).token("okta.logStreams.manage")
    assert "You are not allowed any of the requested scopes." in caught.value.description
    assert f"/api/v1/apps/{sandbox.client_id}/grants" in (caught.value.hint or "")


def test_a_server_that_keeps_asking_for_a_nonce_is_retried_once_only(sandbox: SandboxInfo) -> None:
    from tests.okta_stub import json_answer, stub_server

    with stub_server() as stub:
        refusal = {"error": "use_dpop_nonce", "error_description": "Authorization server requires nonce in DPoP proof."}
        stub.token_answer = json_answer(400, refusal, ("DPoP-Nonce", "always-new"))
        key = load_key(sandbox.key_file.read_text())
        client = OktaClient(Connection(parse_org_url(stub.url), sandbox.client_id, key, scopes=("okta.users.read",),
                                       dpop=True))
        with pytest.raises(TokenError) as refused:
            client.token()
    first, second = stub.seen
    assertions = [dict(parse_qsl(s.body.decode()))["client_assertion"] for s in (first, second)]
    assert assertions[0] != assertions[1]  # a new assertion for the retry: Okta consumed the first jti
    assert "nonce" not in jwt.decode(first.headers["DPoP"], _proof_key(first.headers["DPoP"])).claims
    assert jwt.decode(second.headers["DPoP"], _proof_key(second.headers["DPoP"])).claims["nonce"] == "always-new"
    message = refused.value.user_message()
    assert all(a not in message and a.split(".")[2] not in message for a in assertions)
    assert second.headers["DPoP"] not in message


@pytest.mark.parametrize("expires_in", [b"Infinity", b"1e999", b"-1", b"100000000000000000000", b'"soon"'])
def test_a_nonsense_expires_in_means_the_default_hour(expires_in: bytes) -> None:
    from tests.okta_stub import Answer, stub_server

    body = b'{"access_token": "stub-token", "token_type": "Bearer", "scope": "okta.users.read", "expires_in": ' \
        + expires_in + b"}"
    with stub_server() as stub:
        stub.token_answer = Answer(200, (("Content-Type", "application/json"),), body)
        credentials = ClientCredentials(stub.url + "/oauth2/v1/token", "0oa-any", lambda: "assertion")
        token = TokenClient(new_session()).get_token(credentials, "okta.users.read")
    assert token.access_token == "stub-token" and token.expires_in == 3600
    time.gmtime(token.expires_at)  # what `oktatool token` prints
