"""DPoP at the token endpoint and at the resources: the nonce round trip and every proof rule."""

from __future__ import annotations

import http.client
import time
from typing import Any
from urllib.parse import urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec

from oktatool.sandbox import SandboxInfo
from tests.sandbox.client import (
    DROP,
    DpopKey,
    assertion,
    bearer_token,
    dpop_token,
    oauth_error,
    request_token,
    ssws,
    token_form,
)


def test_the_nonce_round_trip_gives_a_dpop_bound_token(sandbox_dpop: SandboxInfo) -> None:
    dpop_key = DpopKey()
    first = request_token(sandbox_dpop, dpop=dpop_key.proof("POST", sandbox_dpop.token_url))
    assert oauth_error(first) == (400, "use_dpop_nonce", "Authorization server requires nonce in DPoP proof.")
    nonce = first.headers["DPoP-Nonce"]
    second = request_token(sandbox_dpop, dpop=dpop_key.proof("POST", sandbox_dpop.token_url, nonce=nonce))
    assert second.status_code == 200, second.text
    body = second.json()
    assert body["token_type"] == "DPoP"
    assert body["expires_in"] == 3600
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["cnf"] == {"jkt": dpop_key.thumbprint}


def test_the_assertion_is_consumed_by_the_nonce_challenge(sandbox_dpop: SandboxInfo) -> None:
    dpop_key = DpopKey()
    signed = assertion(sandbox_dpop)
    first = requests.post(sandbox_dpop.token_url, data=token_form(signed), timeout=10,
                          headers={"DPoP": dpop_key.proof("POST", sandbox_dpop.token_url)})
    nonce = first.headers["DPoP-Nonce"]
    reused = requests.post(sandbox_dpop.token_url, data=token_form(signed), timeout=10,
                           headers={"DPoP": dpop_key.proof("POST", sandbox_dpop.token_url, nonce=nonce)})
    assert oauth_error(reused) == (401, "invalid_client", "The client_assertion token has already been used.")


def test_a_required_proof_that_is_missing(sandbox_dpop: SandboxInfo) -> None:
    assert oauth_error(request_token(sandbox_dpop)) == (400, "invalid_dpop_proof",
                                                        "The DPoP proof JWT header is missing.")


def test_a_wrong_nonce_is_challenged_again(sandbox_dpop: SandboxInfo) -> None:
    response = request_token(sandbox_dpop, dpop=DpopKey().proof("POST", sandbox_dpop.token_url, nonce="stale"))
    assert oauth_error(response)[1] == "use_dpop_nonce"
    assert response.headers["DPoP-Nonce"] != "stale"


def test_a_proof_sent_to_an_app_without_dpop_is_ignored(sandbox_org: SandboxInfo) -> None:
    response = request_token(sandbox_org, dpop="not even a jwt")
    assert response.status_code == 200
    assert response.json()["token_type"] == "Bearer"


PROOF_RULES: list[tuple[str, dict[str, Any], str]] = [
    ("typ JWT", {"headers": {"typ": "JWT"}}, "'typ' must be 'dpop+jwt' in the DPoP proof JWT."),
    ("no typ", {"headers": {"typ": DROP}}, "'typ' must be 'dpop+jwt' in the DPoP proof JWT."),
    ("HS256", {"alg": "HS256", "key": b"a-shared-secret-of-thirty-two-bytes!"},
     "The DPoP proof JWT signature algorithm is invalid."),
    ("no jwk", {"headers": {"jwk": DROP}}, "The DPoP proof JWT is invalid."),
    ("private jwk", {"headers": {"jwk": "PRIVATE"}}, "The DPoP proof JWT is invalid."),
    ("signed by another key", {"key": "OTHER"}, "The DPoP proof JWT signature is invalid."),
    ("htm GET", {"htm": "GET"}, "'htm' claim in the DPoP proof JWT is invalid."),
    ("htu of the org", {"htu": "ORG"}, "'htu' claim in the DPoP proof JWT is invalid."),
    ("htu with a query", {"htu": "QUERY"}, "'htu' claim in the DPoP proof JWT is invalid."),
    ("no iat", {"iat": DROP}, "'iat' claim in the DPoP proof JWT is invalid."),
    ("iat in the future", {"iat": 600}, "The DPoP proof JWT is issued in the future."),
    ("iat six minutes ago", {"iat": -360}, "The DPoP proof JWT is issued more than five minutes in the past."),
    ("expired", {"exp": -30}, "The DPoP proof JWT is expired."),
    ("no jti", {"jti": DROP}, "'jti' claim in the DPoP proof JWT is invalid."),
]


def _break_proof(info: SandboxInfo, dpop_key: DpopKey, htm: str, htu: str, change: dict[str, Any],
                 **extra: Any) -> str:
    change = dict(change)
    now = int(time.time())
    for name in ("iat", "exp"):
        if isinstance(change.get(name), int):
            change[name] = now + change[name]
    if change.get("htu") == "ORG":
        change["htu"] = info.org_url
    elif change.get("htu") == "QUERY":
        change["htu"] = htu + "?limit=1"
    if change.get("key") == "OTHER":
        change["key"] = ec.generate_private_key(ec.SECP256R1())
    headers = change.get("headers", {})
    if headers.get("jwk") == "PRIVATE":
        private = jwt.algorithms.ECAlgorithm.to_jwk(dpop_key.private, as_dict=True)
        change["headers"] = {"jwk": private}
    return dpop_key.proof(change.pop("htm", htm), change.pop("htu", htu), **extra, **change)


@pytest.mark.parametrize(("change", "description"), [pytest.param(c, d, id=n) for n, c, d in PROOF_RULES])
def test_each_proof_rule_broken_at_the_token_endpoint(sandbox_dpop: SandboxInfo, change: dict[str, Any],
                                                      description: str) -> None:
    proof = _break_proof(sandbox_dpop, DpopKey(), "POST", sandbox_dpop.token_url, change, nonce="any")
    assert oauth_error(request_token(sandbox_dpop, dpop=proof)) == (400, "invalid_dpop_proof", description)


def test_an_unparseable_proof(sandbox_dpop: SandboxInfo) -> None:
    response = request_token(sandbox_dpop, dpop="a.b")
    assert oauth_error(response) == (400, "invalid_dpop_proof", "The DPoP proof JWT cannot be parsed.")


def test_a_replayed_proof(sandbox_dpop: SandboxInfo) -> None:
    dpop_key = DpopKey()
    nonce = request_token(sandbox_dpop, dpop=dpop_key.proof("POST", sandbox_dpop.token_url)).headers["DPoP-Nonce"]
    proof = dpop_key.proof("POST", sandbox_dpop.token_url, nonce=nonce)
    assert request_token(sandbox_dpop, dpop=proof).status_code == 200
    assert oauth_error(request_token(sandbox_dpop, dpop=proof)) == (400, "invalid_dpop_proof",
                                                                    "The DPoP proof JWT has already been used.")


def test_two_proof_headers_are_refused(sandbox_dpop: SandboxInfo) -> None:
    dpop_key = DpopKey()
    body = "&".join(f"{k}={v}" for k, v in token_form(assertion(sandbox_dpop)).items())
    parts = urlsplit(sandbox_dpop.token_url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    connection.putrequest("POST", parts.path)
    connection.putheader("Content-Type", "application/x-www-form-urlencoded")
    connection.putheader("Content-Length", str(len(body)))
    for _ in range(2):
        connection.putheader("DPoP", dpop_key.proof("POST", sandbox_dpop.token_url))
    connection.endheaders(body.encode())
    response = connection.getresponse()
    assert response.status == 400
    assert b"Multiple DPoP proof JWT headers are not allowed." in response.read()
    connection.close()


def test_the_nonce_challenge_is_logged_as_a_challenge(sandbox_dpop: SandboxInfo) -> None:
    dpop_token(sandbox_dpop, DpopKey())
    logs = requests.get(sandbox_dpop.org_url + "/api/v1/logs", headers=ssws(sandbox_dpop), timeout=10).json()
    assert [event["outcome"]["result"] for event in logs] == ["CHALLENGE", "SUCCESS"]


# -- resources ---------------------------------------------------------------------------------------------


def _users_url(info: SandboxInfo) -> str:
    return info.org_url + "/api/v1/users"


def _challenge_error(response: requests.Response) -> tuple[int, str]:
    return response.status_code, response.headers.get("WWW-Authenticate", "")


def test_a_dpop_token_calls_the_api_with_a_proof_per_request(sandbox_dpop: SandboxInfo) -> None:
    dpop_key = DpopKey()
    token = dpop_token(sandbox_dpop, dpop_key)["access_token"]
    url = _users_url(sandbox_dpop)
    for _ in range(2):
        proof = dpop_key.proof("GET", url, access_token=token)
        response = requests.get(url + "?limit=5", timeout=10,
                                headers={"Authorization": f"DPoP {token}", "DPoP": proof})
        assert response.status_code == 200, response.headers
        assert len(response.json()) == 5


def _resource_refusal(info: SandboxInfo, dpop_key: DpopKey, token: str, *, scheme: str = "DPoP",
                      proof: str | None = None) -> tuple[int, str]:
    headers = {"Authorization": f"{scheme} {token}"}
    if proof is not None:
        headers["DPoP"] = proof
    return _challenge_error(requests.get(_users_url(info), headers=headers, timeout=10))


def test_a_dpop_token_with_the_bearer_scheme_is_refused(sandbox_dpop: SandboxInfo) -> None:
    dpop_key = DpopKey()
    token = dpop_token(sandbox_dpop, dpop_key)["access_token"]
    status, challenge = _resource_refusal(sandbox_dpop, dpop_key, token, scheme="Bearer")
    assert status == 400
    assert 'error="invalid_request"' in challenge
    assert ('error_description="The resource request must use the DPoP authentication scheme when using a DPoP '
            'bound token."') in challenge


def test_a_dpop_token_without_a_proof_is_refused(sandbox_dpop: SandboxInfo) -> None:
    token = dpop_token(sandbox_dpop, DpopKey())["access_token"]
    status, challenge = _resource_refusal(sandbox_dpop, DpopKey(), token)
    assert status == 400
    assert 'error_description="The resource request requires a DPoP proof."' in challenge
    assert challenge.startswith('DPoP algs="RS256 RS384 RS512 ES256 ES384 ES512"')


def test_a_proof_with_the_wrong_ath_is_refused(sandbox_dpop: SandboxInfo) -> None:
    dpop_key = DpopKey()
    token = dpop_token(sandbox_dpop, dpop_key)["access_token"]
    proof = dpop_key.proof("GET", _users_url(sandbox_dpop), access_token=token + "x")
    status, challenge = _resource_refusal(sandbox_dpop, dpop_key, token, proof=proof)
    assert status == 401
    assert 'error="invalid_dpop_proof"' in challenge
    assert "'ath' claim in the DPoP proof does not match the presented access_token." in challenge


def test_a_proof_whose_htu_carries_the_query_is_refused(sandbox_dpop: SandboxInfo) -> None:
    dpop_key = DpopKey()
    token = dpop_token(sandbox_dpop, dpop_key)["access_token"]
    url = _users_url(sandbox_dpop) + "?limit=2"
    response = requests.get(url, timeout=10, headers={
        "Authorization": f"DPoP {token}", "DPoP": dpop_key.proof("GET", url, access_token=token)})
    assert response.status_code == 401
    assert "'htu' claim in the DPoP proof JWT is invalid." in response.headers["WWW-Authenticate"]
    assert 'resource="/api/v1/users"' in response.headers["WWW-Authenticate"]


def test_a_proof_by_another_key_is_not_bound(sandbox_dpop: SandboxInfo) -> None:
    token = dpop_token(sandbox_dpop, DpopKey())["access_token"]
    stranger = DpopKey()
    proof = stranger.proof("GET", _users_url(sandbox_dpop), access_token=token)
    status, challenge = _resource_refusal(sandbox_dpop, stranger, token, proof=proof)
    assert status == 401
    assert 'error_description="The access_token is not bound to the provided DPoP proof."' in challenge


def test_a_bearer_token_with_the_dpop_scheme_is_refused(sandbox_org: SandboxInfo) -> None:
    token = bearer_token(sandbox_org)
    dpop_key = DpopKey()
    proof = dpop_key.proof("GET", _users_url(sandbox_org), access_token=token)
    status, challenge = _resource_refusal(sandbox_org, dpop_key, token, proof=proof)
    assert status == 401
    assert 'error="invalid_token"' in challenge
    assert 'error_description="The presented access_token is not DPoP bound."' in challenge


def test_a_replayed_resource_proof_is_refused(sandbox_dpop: SandboxInfo) -> None:
    dpop_key = DpopKey()
    token = dpop_token(sandbox_dpop, dpop_key)["access_token"]
    proof = dpop_key.proof("GET", _users_url(sandbox_dpop), access_token=token)
    assert _resource_refusal(sandbox_dpop, dpop_key, token, proof=proof)[0] == 200
    status, challenge = _resource_refusal(sandbox_dpop, dpop_key, token, proof=proof)
    assert status == 401
    assert "The DPoP proof JWT has already been used." in challenge


def test_an_app_switched_to_dpop_through_the_apps_api(sandbox_org: SandboxInfo) -> None:
    url = f"{sandbox_org.org_url}/api/v1/apps/{sandbox_org.client_id}"
    app = requests.get(url, headers=ssws(sandbox_org), timeout=10).json()
    assert app["settings"]["oauthClient"]["dpop_bound_access_tokens"] is False
    app["settings"]["oauthClient"]["dpop_bound_access_tokens"] = True
    updated = requests.put(url, json=app, headers=ssws(sandbox_org), timeout=10).json()
    assert updated["settings"]["oauthClient"]["dpop_bound_access_tokens"] is True
    assert oauth_error(request_token(sandbox_org))[2] == "The DPoP proof JWT header is missing."
    assert dpop_token(sandbox_org, DpopKey())["token_type"] == "DPoP"
