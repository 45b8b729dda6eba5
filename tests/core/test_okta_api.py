"""The API client: pages as they arrive, rate limits and 429 waits (bounded, cancellable), DPoP proofs per
request and the resource nonce challenge, explained errors; against the sandbox and a scripted stub."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import tracemalloc
from collections.abc import Iterator
from email.utils import formatdate

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey

from oktatool.core.encoding import b64url_encode
from oktatool.core.errors import ApiError, BadInputError, CancelledError
from oktatool.core.jose.dpop import DPoPKey
from oktatool.core.jose.jwt import parse_compact
from oktatool.core.keys.key import load_key
from oktatool.core.okta.api import ApiClient
from oktatool.core.okta.client import Connection, DPoPSigner, OktaClient
from oktatool.core.okta.http import new_session
from oktatool.core.okta.orgurl import parse_org_url
from oktatool.core.okta.tokens import TokenResponse
from oktatool.sandbox.org import SandboxOptions
from oktatool.sandbox.server import Sandbox, SandboxInfo
from tests.okta_stub import Answer, Seen, json_answer, stub_server
from tests.sandbox_fixtures import SandboxFactory


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxInfo]:
    with Sandbox(SandboxOptions(users=45), tmp_path_factory.mktemp("sandbox")) as info:
        yield info


def _client(info: SandboxInfo, **kwargs: object) -> OktaClient:
    key = load_key(info.key_file.read_text())
    return OktaClient(Connection(parse_org_url(info.org_url), info.client_id, key, **kwargs))  # type: ignore[arg-type]


def _bearer() -> TokenResponse:
    return TokenResponse("stub-token", "Bearer", 3600, "okta.users.read", time.time())


def _stub_client(url: str, **kwargs: object) -> ApiClient:
    return ApiClient(url, new_session(), _bearer, **kwargs)  # type: ignore[arg-type]


def test_pages_arrive_one_by_one_with_rate_limits_and_request_ids(sandbox: SandboxInfo) -> None:
    pages = _client(sandbox).pages("GET", "/api/v1/users?limit=10")
    first = next(pages)  # a generator: the first page is usable before the others are fetched
    assert first.status == 200 and len(first.items()) == 10
    assert first.next_url is not None and "after=" in first.next_url
    assert first.rate_limit.limit and first.rate_limit.remaining is not None and first.rate_limit.reset
    assert first.request_id
    rest = list(pages)
    assert len(rest) == 4 and rest[-1].next_url is None
    ids = [u["id"] for page in [first, *rest] for u in page.items()]
    assert len(ids) == 45 == len(set(ids))


def test_the_scope_comes_from_the_catalog(sandbox: SandboxInfo) -> None:
    client = _client(sandbox)
    assert client.scopes_for("GET", "/api/v1/groups/00g1/users?limit=2") == ("okta.groups.read",)
    assert client.scopes_for("GET", f"{sandbox.org_url}/api/v1/groups?q=a") == ("okta.groups.read",)
    assert client.scopes_for("get", "api/v1/groups") == ("okta.groups.read",)
    assert client.send("GET", "/api/v1/groups").status == 200
    assert client.scopes_for("GET", "/api/v1/users", "okta.users.manage") == ("okta.users.manage",)
    # a profile that holds only the .manage scope asks for that one
    manager = _client(sandbox, scopes=("okta.groups.manage",))
    assert manager.scopes_for("GET", "/api/v1/groups") == ("okta.groups.manage",)
    assert manager.send("GET", "/api/v1/groups").status == 200
    assert manager.scopes_for("GET", "/api/v1/users") == ("okta.users.read",)
    with pytest.raises(BadInputError):
        client.scopes_for("GET", "/api/v1/not-an-endpoint")


def test_missing_admin_role_is_explained(sandbox_no_role: SandboxInfo) -> None:
    with pytest.raises(ApiError) as caught:
        next(_client(sandbox_no_role).pages("GET", "/api/v1/users"))
    assert caught.value.code == "E0000006"
    assert "admin role" in caught.value.description
    assert f"/oauth2/v1/clients/{sandbox_no_role.client_id}/roles" in (caught.value.hint or "")


def test_send_returns_error_answers_for_a_console(sandbox: SandboxInfo) -> None:
    answer = _client(sandbox).send("GET", "/api/v1/users/nobody")
    assert answer.status == 404 and not answer.ok
    assert answer.problem is not None and answer.problem.error == "E0000007"
    assert answer.json()["errorCode"] == "E0000007"


def test_links_to_another_host_are_not_followed() -> None:
    page = json_answer(200, [{"id": 1}], ("Link", '<https://evil.example/api/v1/users?after=1>; rel="next"'))
    with stub_server(page) as stub:
        pages = list(_stub_client(stub.url).pages("GET", "/api/v1/users"))
        assert len(pages) == 1 and pages[0].next_url is None
        with pytest.raises(BadInputError):
            _stub_client(stub.url).send("GET", "https://evil.example/api/v1/users")


def test_an_empty_polling_page_ends_the_walk() -> None:
    link = ("Link", '<{}/api/v1/logs?after=2>; rel="next"')
    with stub_server() as stub:
        stub.script += [json_answer(200, [{"n": 1}], (link[0], link[1].format(stub.url))),
                        json_answer(200, [], (link[0], link[1].format(stub.url)))]
        pages = list(_stub_client(stub.url).pages("GET", "/api/v1/logs"))
    assert [len(p.items()) for p in pages] == [1, 0]


def _too_many(seconds: int) -> Answer:
    now = int(time.time())
    return json_answer(429, {"errorCode": "E0000047", "errorSummary": "API call exceeded rate limit due to too many "
                                                                      "requests."},
                       ("X-Rate-Limit-Limit", "2"), ("X-Rate-Limit-Remaining", "0"),
                       ("X-Rate-Limit-Reset", str(now + seconds)), ("Date", formatdate(now, usegmt=True)))


def test_a_429_is_waited_through_until_the_reset() -> None:
    with stub_server(_too_many(1), json_answer(200, [{"id": "ok"}])) as stub:
        started = time.monotonic()
        answer = _stub_client(stub.url).call("GET", "/api/v1/users")
        waited = time.monotonic() - started
    assert answer.items() == [{"id": "ok"}] and answer.retries == 1
    assert 0.0 <= waited < 5


def test_a_reset_beyond_the_bound_fails_at_once_and_says_when() -> None:
    with stub_server(_too_many(120)) as stub:
        started = time.monotonic()
        with pytest.raises(ApiError) as caught:
            _stub_client(stub.url, max_wait=5).call("GET", "/api/v1/users")
        assert time.monotonic() - started < 3
    assert caught.value.code == "E0000047"
    assert "rate limit" in caught.value.description
    assert "resets in 1" in (caught.value.hint or "")  # 119-120 s


def test_retries_are_bounded() -> None:
    with stub_server(_too_many(0), _too_many(0), _too_many(0)) as stub:
        with pytest.raises(ApiError) as caught:
            _stub_client(stub.url, max_retries=2).call("GET", "/api/v1/users")
        assert len(stub.api_requests()) == 3
    assert "still limited after waiting 2 time(s)" in (caught.value.hint or "")


def test_a_wait_can_be_cancelled() -> None:
    cancel = threading.Event()
    with stub_server(_too_many(30)) as stub:
        threading.Timer(0.3, cancel.set).start()
        started = time.monotonic()
        with pytest.raises(CancelledError):
            _stub_client(stub.url, max_wait=60).call("GET", "/api/v1/users", cancel=cancel)
        assert time.monotonic() - started < 5


def _dpop_token() -> TokenResponse:
    return TokenResponse("dpop-bound-token", "DPoP", 3600, "okta.users.read", time.time())


def _verified_proof(seen: Seen) -> dict[str, object]:
    proof = seen.headers["DPoP"]
    key = ECKey.import_key(parse_compact(proof).header["jwk"])
    return dict(jwt.decode(proof, key).claims)


def test_dpop_calls_carry_a_new_proof_with_htm_htu_and_ath() -> None:
    signer = DPoPSigner(DPoPKey.generate())
    with stub_server(json_answer(200, []), json_answer(200, [])) as stub:
        client = ApiClient(stub.url, new_session(), _dpop_token, dpop=signer)
        client.call("GET", "/api/v1/users/a%40b.com?limit=2")
        answer = client.call("POST", "/api/v1/groups", body={"profile": {"name": "g"}})
        first, second = stub.api_requests()
    assert first.headers["Authorization"] == "DPoP dpop-bound-token"
    assert answer.request_headers["Authorization"] == "DPoP [redacted]"
    assert answer.request_headers["DPoP"] == "[redacted]" and "dpop-bound-token" not in repr(answer)
    one, two = _verified_proof(first), _verified_proof(second)
    assert one["htm"] == "GET" and one["htu"] == f"{stub.url}/api/v1/users/a@b.com"
    assert one["ath"] == b64url_encode(hashlib.sha256(b"dpop-bound-token").digest())
    assert two["htm"] == "POST" and one["jti"] != two["jti"]
    assert json.loads(second.body) == {"profile": {"name": "g"}}
    assert second.headers["Content-Type"] == "application/json"


def test_a_resource_nonce_challenge_is_answered_once() -> None:
    challenge = Answer(401, (("WWW-Authenticate", 'DPoP error="use_dpop_nonce", error_description="Resource server '
                                                  'requires nonce in DPoP proof"'), ("DPoP-Nonce", "n-42")))
    signer = DPoPSigner(DPoPKey.generate())
    with stub_server(challenge, json_answer(200, {"ok": True})) as stub:
        answer = ApiClient(stub.url, new_session(), _dpop_token, dpop=signer).call("GET", "/api/v1/users/me")
        first, second = stub.api_requests()
    assert answer.json() == {"ok": True}
    assert "nonce" not in _verified_proof(first)
    assert _verified_proof(second)["nonce"] == "n-42"


def test_a_dpop_token_without_a_dpop_key_is_refused_before_sending() -> None:
    with stub_server() as stub:
        with pytest.raises(BadInputError):
            ApiClient(stub.url, new_session(), _dpop_token).call("GET", "/api/v1/users")
        assert stub.api_requests() == []


def test_a_non_json_error_is_shown_raw() -> None:
    with stub_server(Answer(500, (("Content-Type", "text/html"),), b"<h1>upstream broke</h1>")) as stub, \
            pytest.raises(ApiError) as caught:
        _stub_client(stub.url).call("GET", "/api/v1/users")
    assert caught.value.description == ("the API call failed: HTTP 500 Internal Server Error, "
                                        "<h1>upstream broke</h1>")


def test_a_minimal_standard_token_answer_is_enough(sandbox: SandboxInfo) -> None:
    """Any RFC 6749 server on Okta's paths: lower-case token_type, no expires_in, no scope."""
    with stub_server(json_answer(200, {"me": 1})) as stub:
        stub.token_answer = json_answer(200, {"access_token": "plain", "token_type": "bearer"})
        key = load_key(sandbox.key_file.read_text())
        client = OktaClient(Connection(parse_org_url(stub.url), "0oa-any", key, scopes=("okta.users.read",)))
        token = client.token()
        answer = client.send("GET", "/api/v1/users/me")
        (api_call,) = stub.api_requests()
    assert (token.scheme, token.expires_in, token.scope) == ("Bearer", 3600, "okta.users.read")
    assert api_call.headers["Authorization"] == "Bearer plain"
    assert answer.json() == {"me": 1}


def test_walking_10000_users_keeps_one_page_in_memory(sandbox_factory: SandboxFactory) -> None:
    info = sandbox_factory(users=10_000)
    client = _client(info)
    client.token("okta.users.read")
    pages = client.pages("GET", "/api/v1/users?limit=200")
    tracemalloc.start()
    try:
        count = sum(len(page.items()) for page in pages)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 10_000
    # keeping all 10,000 parsed users takes about 27 MB; walking the pages holds one page (about 1 MB)
    assert peak < 5_000_000, peak


def test_a_refused_token_is_renewed_once() -> None:
    refused = json_answer(401, {"errorCode": "E0000011", "errorSummary": "Invalid token provided"})
    issued: list[str] = []

    def renew() -> TokenResponse:
        issued.append("new")
        return _bearer()

    with stub_server(refused, json_answer(200, {"ok": 1}), refused, refused) as stub:
        client = ApiClient(stub.url, new_session(), _bearer, renew_token=renew)
        assert client.call("GET", "/api/v1/users/me").json() == {"ok": 1}
        with pytest.raises(ApiError) as caught:  # renewed once; a second refusal is the answer
            client.call("GET", "/api/v1/users/me")
    assert len(issued) == 2
    assert caught.value.code == "E0000011" and "refused the access token" in caught.value.description
