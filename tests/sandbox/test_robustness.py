"""Whatever a client sends, the sandbox answers with an Okta-shaped refusal, never a crash (Hypothesis)."""

from __future__ import annotations

import functools
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oktatool.sandbox import Sandbox, SandboxOptions
from oktatool.sandbox.messages import Request, Response
from tests.sandbox.client import ASSERTION_TYPE, b64url

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=8,
)
jwt_like = st.builds(
    lambda header, claims, signature: ".".join(
        (b64url(json.dumps(header).encode()), b64url(json.dumps(claims).encode()), b64url(signature))),
    st.dictionaries(st.sampled_from(["alg", "typ", "kid", "jwk", "crit"]), json_values, max_size=4),
    st.dictionaries(st.sampled_from(["iss", "sub", "aud", "exp", "iat", "jti", "htm", "htu", "nonce"]),
                    json_values, max_size=6),
    st.binary(max_size=64),
)
tokenish = st.one_of(st.text(max_size=80), jwt_like)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    server = Sandbox(SandboxOptions(users=5, dpop_required=True), tmp_path_factory.mktemp("fuzz"))
    server.start()
    yield server
    server.stop()


def _send(sandbox: Sandbox, method: str, target: str, body: bytes = b"", **headers: str) -> Response:
    pairs = tuple(headers.items())
    return sandbox.handle(Request(method, target, pairs, body, sandbox.info.org_url))


@functools.cache
def _private_key(path: Path) -> PrivateKeyTypes:
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def _assertion(sandbox: Sandbox) -> str:
    info, now = sandbox.info, int(time.time())
    return jwt.encode({"iss": info.client_id, "sub": info.client_id, "aud": info.token_url, "exp": now + 60,
                       "jti": str(uuid.uuid4())}, _private_key(info.key_file), algorithm="RS256",
                      headers={"kid": info.kid})


def _assert_oauth_refusal(response: Response) -> dict[str, Any]:
    assert response.status in (400, 401), response
    body = json.loads(response.body)
    assert isinstance(body["error"], str) and isinstance(body["error_description"], str)
    return dict(body)


@FUZZ
@given(client_assertion=tokenish)
def test_any_client_assertion_is_refused_cleanly(sandbox: Sandbox, client_assertion: str) -> None:
    form = urlencode({"grant_type": "client_credentials", "scope": "okta.users.read",
                      "client_assertion_type": ASSERTION_TYPE, "client_assertion": client_assertion})
    response = _send(sandbox, "POST", "/oauth2/v1/token", form.encode(),
                     **{"Content-Type": "application/x-www-form-urlencoded"})
    assert _assert_oauth_refusal(response)["error"] in ("invalid_client", "invalid_request")


@FUZZ
@given(proof=tokenish)
def test_any_dpop_proof_is_refused_cleanly(sandbox: Sandbox, proof: str) -> None:
    form = urlencode({"grant_type": "client_credentials", "scope": "okta.users.read",
                      "client_assertion_type": ASSERTION_TYPE, "client_assertion": _assertion(sandbox)})
    response = _send(sandbox, "POST", "/oauth2/v1/token", form.encode(),
                     **{"Content-Type": "application/x-www-form-urlencoded", "DPoP": proof})
    assert _assert_oauth_refusal(response)["error"] in ("invalid_dpop_proof", "use_dpop_nonce")


@FUZZ
@given(body=st.binary(max_size=200))
def test_any_form_body_is_refused_cleanly(sandbox: Sandbox, body: bytes) -> None:
    response = _send(sandbox, "POST", "/oauth2/v1/token", body,
                     **{"Content-Type": "application/x-www-form-urlencoded"})
    _assert_oauth_refusal(response)


@FUZZ
@given(expression=st.text(max_size=60), limit=st.text(max_size=6), after=st.text(max_size=30))
def test_any_list_query_gets_a_page_or_an_okta_error(sandbox: Sandbox, expression: str, limit: str,
                                                     after: str) -> None:
    target = f"/api/v1/users?search={quote(expression)}&limit={quote(limit)}&after={quote(after)}"
    response = _send(sandbox, "GET", target, Authorization=f"SSWS {sandbox.info.ssws_token}")
    assert response.status in (200, 400), response
    body = json.loads(response.body)
    if response.status == 400:
        assert body["errorCode"] == "E0000001"
    else:
        assert isinstance(body, list)


@FUZZ
@given(body=st.binary(max_size=200), path=st.sampled_from(["/api/v1/users", "/api/v1/groups",
                                                           "/oauth2/v1/clients"]))
def test_any_create_body_is_created_or_refused_cleanly(sandbox: Sandbox, body: bytes, path: str) -> None:
    response = _send(sandbox, "POST", path, body, Authorization=f"SSWS {sandbox.info.ssws_token}")
    assert response.status in (200, 201, 400), response
    if response.status == 400:
        refusal = json.loads(response.body)
        assert refusal.get("errorCode") in ("E0000001", "E0000003") or (
            path == "/oauth2/v1/clients" and refusal["error"] == "invalid_client_metadata")



@pytest.mark.parametrize("window", [0, -5])
def test_a_rate_limit_window_shorter_than_a_second_is_refused(window: int) -> None:
    with pytest.raises(ValueError, match="at least 1 second"):
        SandboxOptions(rate_limit=2, rate_window=window)
