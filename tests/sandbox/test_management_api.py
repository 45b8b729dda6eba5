"""The management subset: authorization, Okta's shapes, pagination, rate limits, set-up APIs and TLS."""

from __future__ import annotations

import re
import socket
import ssl
import time
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from oktatool.sandbox import SandboxInfo
from tests.platforms import assert_mode
from tests.sandbox.client import bearer_token, oauth_error, request_token, ssws

LINK = re.compile(r'<([^>]+)>; rel="(\w+)"')


def _okta_error(response: requests.Response) -> tuple[int, str, str]:
    body = response.json()
    assert set(body) == {"errorCode", "errorSummary", "errorLink", "errorId", "errorCauses"}
    assert body["errorLink"] == body["errorCode"]
    return response.status_code, body["errorCode"], body["errorSummary"]


def _links(response: requests.Response) -> dict[str, str]:
    return {rel: url for url, rel in LINK.findall(response.headers.get("Link", ""))}


def _get(info: SandboxInfo, path: str, token: str | None = None, **kwargs: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else ssws(info)
    return requests.get(info.org_url + path, headers=headers, timeout=10, **kwargs)


# -- authorization -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("authorization", [None, "SSWS wrong", "Bearer not-a-token", "Basic abc", "SSWS"])
def test_a_missing_or_invalid_token_is_e0000011(sandbox_org: SandboxInfo, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = requests.get(sandbox_org.org_url + "/api/v1/users", headers=headers, timeout=10)
    assert _okta_error(response) == (401, "E0000011", "Invalid token provided")


def test_an_insufficient_scope_is_a_www_authenticate_challenge(sandbox_org: SandboxInfo) -> None:
    token = bearer_token(sandbox_org, "okta.users.read")
    response = _get(sandbox_org, "/api/v1/groups", token)
    assert response.status_code == 403
    assert response.content == b""
    base = sandbox_org.org_url
    assert response.headers["WWW-Authenticate"] == (
        f'Bearer authorization_uri="{base}/oauth2/v1/authorize", realm="{base}", scope="okta.groups.read", '
        'error="insufficient_scope", error_description="The access token provided does not contain the required '
        'scopes.", resource="/api/v1/groups"')


def test_manage_satisfies_read_but_read_does_not_satisfy_manage(sandbox_org: SandboxInfo) -> None:
    manage = bearer_token(sandbox_org, "okta.users.manage")
    read = bearer_token(sandbox_org, "okta.users.read")
    assert _get(sandbox_org, "/api/v1/users?limit=1", manage).status_code == 200
    created = requests.post(sandbox_org.org_url + "/api/v1/users", headers={"Authorization": f"Bearer {read}"},
                            json={"profile": {"login": "x@example.com", "email": "x@example.com"}}, timeout=10)
    assert created.status_code == 403
    assert 'scope="okta.users.manage"' in created.headers["WWW-Authenticate"]


def test_an_app_without_an_admin_role_gets_e0000006(sandbox_no_role: SandboxInfo) -> None:
    token = bearer_token(sandbox_no_role)  # the token is granted: scopes are there, the role is not
    response = _get(sandbox_no_role, "/api/v1/users", token)
    assert _okta_error(response) == (403, "E0000006", "You do not have permission to perform the requested action")


def test_removing_and_assigning_the_role_through_the_roles_api(sandbox_org: SandboxInfo) -> None:
    roles_url = f"{sandbox_org.org_url}/oauth2/v1/clients/{sandbox_org.client_id}/roles"
    roles = requests.get(roles_url, headers=ssws(sandbox_org), timeout=10).json()
    assert [role["type"] for role in roles] == ["SUPER_ADMIN"]
    assert roles[0]["assignmentType"] == "CLIENT"
    token = bearer_token(sandbox_org, "okta.users.read")
    deleted = requests.delete(f"{roles_url}/{roles[0]['id']}", headers=ssws(sandbox_org), timeout=10)
    assert deleted.status_code == 204
    assert _get(sandbox_org, "/api/v1/users", token).status_code == 403
    bad = requests.post(roles_url, json={"type": "KING"}, headers=ssws(sandbox_org), timeout=10)
    assert _okta_error(bad)[:2] == (400, "E0000001")
    assigned = requests.post(roles_url, json={"type": "READ_ONLY_ADMIN"}, headers=ssws(sandbox_org), timeout=10)
    assert assigned.status_code == 200 and assigned.json()["type"] == "READ_ONLY_ADMIN"
    assert _get(sandbox_org, "/api/v1/users", token).status_code == 200


def test_an_expired_token_is_invalid(sandbox_org: SandboxInfo, monkeypatch: pytest.MonkeyPatch) -> None:
    token = bearer_token(sandbox_org)
    later = time.time() + 3601
    monkeypatch.setattr(time, "time", lambda: later)
    response = _get(sandbox_org, "/api/v1/users", token)
    assert _okta_error(response)[:2] == (401, "E0000011")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_every_response_has_a_request_id_and_rate_limit_headers(sandbox_org: SandboxInfo) -> None:
    ids = set()
    for path in ("/api/v1/users", "/api/v1/nothing-here", "/oauth2/v1/keys", "/oauth2/v1/token"):
        response = requests.get(sandbox_org.org_url + path, headers=ssws(sandbox_org), timeout=10)
        ids.add(response.headers["X-Okta-Request-Id"])
        for name in ("X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset"):
            assert response.headers[name].isdigit()
    assert len(ids) == 4


def test_unknown_paths_and_methods(sandbox_org: SandboxInfo) -> None:
    assert _okta_error(_get(sandbox_org, "/api/v1/nothing-here"))[:2] == (404, "E0000007")
    patch = requests.patch(sandbox_org.org_url + "/api/v1/users", headers=ssws(sandbox_org), timeout=10)
    assert _okta_error(patch) == (405, "E0000022", "The endpoint does not support the provided HTTP method")


# -- pagination --------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_paging_through_ten_thousand_users(sandbox_factory: Any) -> None:
    info = sandbox_factory(users=10_000)
    token = bearer_token(info)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    url: str | None = info.org_url + "/api/v1/users?limit=200"
    ids: list[str] = []
    pages = 0
    while url:
        response = session.get(url, timeout=10)
        assert response.status_code == 200
        links = _links(response)
        assert links["self"] == url
        ids.extend(user["id"] for user in response.json())
        url = links.get("next")
        pages += 1
    assert pages == 50
    assert len(ids) == len(set(ids)) == 10_000
    assert ids == sorted(ids)


def test_limit_and_after_cursor(sandbox_org: SandboxInfo) -> None:
    first = _get(sandbox_org, "/api/v1/users?limit=20")
    links = _links(first)
    assert links["self"] == sandbox_org.org_url + "/api/v1/users?limit=20"
    last_id = first.json()[-1]["id"]
    assert links["next"] == f"{sandbox_org.org_url}/api/v1/users?after={last_id}&limit=20"
    second = requests.get(links["next"], headers=ssws(sandbox_org), timeout=10).json()
    third = requests.get(_links(_get(sandbox_org, f"/api/v1/users?after={second[-1]['id']}&limit=20"))["self"],
                         headers=ssws(sandbox_org), timeout=10)
    assert len(third.json()) == 10  # 50 users: 20 + 20 + 10
    assert "next" not in _links(third)
    assert {user["id"] for user in second}.isdisjoint(user["id"] for user in first.json())


def test_q_and_search_filter_users(sandbox_org: SandboxInfo) -> None:
    by_q = _get(sandbox_org, "/api/v1/users?q=grace").json()
    assert by_q and all(user["profile"]["firstName"] == "Grace" for user in by_q)
    login = by_q[0]["profile"]["login"]
    by_search = _get(sandbox_org, "/api/v1/users", params={"search": f'profile.login eq "{login}"'}).json()
    assert [user["profile"]["login"] for user in by_search] == [login]
    bad = _get(sandbox_org, "/api/v1/users", params={"search": "profile.login likes x"})
    assert _okta_error(bad)[:2] == (400, "E0000001")


# -- users and groups --------------------------------------------------------------------------------------


def test_user_lifecycle(sandbox_org: SandboxInfo) -> None:
    url = sandbox_org.org_url + "/api/v1/users"
    profile = {"firstName": "New", "lastName": "Person", "login": "new.person@example.com",
               "email": "new.person@example.com"}
    created = requests.post(url, json={"profile": profile}, headers=ssws(sandbox_org), timeout=10)
    assert created.status_code == 200
    user = created.json()
    assert user["status"] == "ACTIVE" and user["id"].startswith("00u")
    assert user["_links"]["self"]["href"] == f"{url}/{user['id']}"
    duplicate = requests.post(url, json={"profile": profile}, headers=ssws(sandbox_org), timeout=10)
    assert _okta_error(duplicate) == (400, "E0000001", "Api validation failed: login")
    blank = requests.post(url, json={"profile": {"login": "a@b.c"}}, headers=ssws(sandbox_org), timeout=10)
    assert blank.json()["errorCauses"] == [{"errorSummary": "email: The field cannot be left blank."}]
    assert _get(sandbox_org, "/api/v1/users/new.person@example.com").json()["id"] == user["id"]
    updated = requests.post(f"{url}/{user['id']}", json={"profile": {"mobilePhone": "555"}},
                            headers=ssws(sandbox_org), timeout=10).json()
    assert updated["profile"]["mobilePhone"] == "555" and updated["profile"]["firstName"] == "New"
    for _ in range(2):  # deactivate, then delete
        assert requests.delete(f"{url}/{user['id']}", headers=ssws(sandbox_org), timeout=10).status_code == 204
    assert _okta_error(_get(sandbox_org, f"/api/v1/users/{user['id']}"))[:2] == (404, "E0000007")
    not_json = requests.post(url, data="{", headers=ssws(sandbox_org), timeout=10)
    assert _okta_error(not_json) == (400, "E0000003", "The request body was not well-formed.")


def test_groups_and_members(sandbox_org: SandboxInfo) -> None:
    groups = _get(sandbox_org, "/api/v1/groups").json()
    assert groups[0]["profile"]["name"] == "Everyone" and groups[0]["type"] == "BUILT_IN"
    everyone = _get(sandbox_org, f"/api/v1/groups/{groups[0]['id']}/users").json()
    assert len(everyone) == 50
    created = requests.post(sandbox_org.org_url + "/api/v1/groups", json={"profile": {"name": "Pilots"}},
                            headers=ssws(sandbox_org), timeout=10).json()
    user_id = everyone[3]["id"]
    members_url = f"{sandbox_org.org_url}/api/v1/groups/{created['id']}/users"
    assert requests.put(f"{members_url}/{user_id}", headers=ssws(sandbox_org), timeout=10).status_code == 204
    assert [user["id"] for user in requests.get(members_url, headers=ssws(sandbox_org), timeout=10).json()] == [
        user_id]
    assert _get(sandbox_org, "/api/v1/groups?q=pil").json()[0]["id"] == created["id"]


# -- apps: grants and keys ---------------------------------------------------------------------------------


def test_granting_and_revoking_a_scope(sandbox_org: SandboxInfo) -> None:
    grants_url = f"{sandbox_org.org_url}/api/v1/apps/{sandbox_org.client_id}/grants"
    assert oauth_error(request_token(sandbox_org, scope="okta.policies.read"))[1] == "consent_required"
    grant = requests.post(grants_url, json={"scopeId": "okta.policies.read", "issuer": sandbox_org.org_url},
                          headers=ssws(sandbox_org), timeout=10)
    assert grant.status_code == 201
    assert grant.json()["clientId"] == sandbox_org.client_id
    assert grant.json()["_embedded"]["scope"]["id"] == "okta.policies.read"
    assert request_token(sandbox_org, scope="okta.policies.read").status_code == 200
    listed = requests.get(grants_url, headers=ssws(sandbox_org), timeout=10).json()
    assert {g["scopeId"] for g in listed} == {*sandbox_org.scopes, "okta.policies.read"}
    gone = requests.delete(f"{grants_url}/{grant.json()['id']}", headers=ssws(sandbox_org), timeout=10)
    assert gone.status_code == 204
    assert oauth_error(request_token(sandbox_org, scope="okta.policies.read"))[1] == "consent_required"
    wrong_issuer = requests.post(grants_url, json={"scopeId": "okta.users.read", "issuer": "https://x.okta.com"},
                                 headers=ssws(sandbox_org), timeout=10)
    assert _okta_error(wrong_issuer)[:2] == (400, "E0000001")
    # a well-formed name that is no Okta API scope is refused as Okta refuses it, and nothing is granted
    for unknown in ("okta.nosuch.read", "okta.users.read.self"):
        refused = requests.post(grants_url, json={"scopeId": unknown, "issuer": sandbox_org.org_url},
                                headers=ssws(sandbox_org), timeout=10)
        assert _okta_error(refused)[:2] == (400, "E0000001"), unknown
    listed = requests.get(grants_url, headers=ssws(sandbox_org), timeout=10).json()
    assert not {"okta.nosuch.read", "okta.users.read.self"} & {g["scopeId"] for g in listed}


def test_key_rotation_through_the_jwks_api(sandbox_org: SandboxInfo) -> None:
    jwks_url = f"{sandbox_org.org_url}/api/v1/apps/{sandbox_org.client_id}/credentials/jwks"
    listed = requests.get(jwks_url, headers=ssws(sandbox_org), timeout=10).json()
    assert [(k["kid"], k["status"], k["use"]) for k in listed] == [(sandbox_org.kid, "ACTIVE", "sig")]
    assert "d" not in listed[0]
    new_private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    new_jwk = {**jwt.algorithms.RSAAlgorithm.to_jwk(new_private.public_key(), as_dict=True),
               "kid": "rotated", "use": "sig", "alg": "RS256", "status": "INACTIVE"}
    added = requests.post(jwks_url, json=new_jwk, headers=ssws(sandbox_org), timeout=10)
    assert added.status_code == 201 and added.json()["status"] == "INACTIVE"
    new_id = added.json()["id"]
    assert new_id.startswith("pks")
    assert _okta_error(requests.post(jwks_url, json=new_jwk, headers=ssws(sandbox_org), timeout=10))[1] == "E0000001"
    assert oauth_error(request_token(sandbox_org, key=new_private, headers={"kid": "rotated"}))[2] == (
        "The client_assertion JWT kid is invalid.")
    requests.post(f"{jwks_url}/{new_id}/lifecycle/activate", headers=ssws(sandbox_org), timeout=10)
    assert request_token(sandbox_org, key=new_private, headers={"kid": "rotated"}).status_code == 200
    old_id = listed[0]["id"]
    refused = requests.delete(f"{jwks_url}/{old_id}", headers=ssws(sandbox_org), timeout=10)
    assert _okta_error(refused) == (400, "E0000001", "Api validation failed: You can only delete an inactive key.")
    requests.post(f"{jwks_url}/{old_id}/lifecycle/deactivate", headers=ssws(sandbox_org), timeout=10)
    assert requests.delete(f"{jwks_url}/{old_id}", headers=ssws(sandbox_org), timeout=10).status_code == 204
    assert [k["kid"] for k in requests.get(jwks_url, headers=ssws(sandbox_org), timeout=10).json()] == ["rotated"]
    assert requests.get(f"{jwks_url}/{new_id}", headers=ssws(sandbox_org), timeout=10).json()["kid"] == "rotated"


@pytest.mark.parametrize("jwk", [
    {"kty": "oct", "k": "c2VjcmV0", "kid": "s"},
    {"kty": "RSA", "n": "AQAB", "e": "AQAB", "d": "AQAB", "kid": "private"},
    {"kty": "RSA", "n": "not-a-modulus!", "e": "AQAB", "kid": "broken"},
    {"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"},
])
def test_bad_keys_are_refused(sandbox_org: SandboxInfo, jwk: dict[str, Any]) -> None:
    url = f"{sandbox_org.org_url}/api/v1/apps/{sandbox_org.client_id}/credentials/jwks"
    assert _okta_error(requests.post(url, json=jwk, headers=ssws(sandbox_org), timeout=10))[:2] == (400, "E0000001")


def test_a_service_client_set_up_from_scratch(sandbox_org: SandboxInfo) -> None:
    """Register a client with a key (DCR), grant a scope, assign a role, then get a token and call the API."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = {**jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key(), as_dict=True), "kid": "k1"}
    registered = requests.post(sandbox_org.org_url + "/oauth2/v1/clients", headers=ssws(sandbox_org), timeout=10,
                               json={"client_name": "Reporting", "application_type": "service",
                                     "grant_types": ["client_credentials"], "response_types": ["token"],
                                     "token_endpoint_auth_method": "private_key_jwt", "jwks": {"keys": [jwk]}})
    assert registered.status_code == 201
    client_id = registered.json()["client_id"]
    assert registered.json()["jwks"]["keys"][0]["kid"] == "k1"
    fetched = requests.get(f"{sandbox_org.org_url}/oauth2/v1/clients/{client_id}", headers=ssws(sandbox_org),
                           timeout=10)
    assert fetched.json()["client_name"] == "Reporting"
    now = int(time.time())
    signed = jwt.encode({"iss": client_id, "sub": client_id, "aud": sandbox_org.token_url, "exp": now + 60,
                         "jti": "one"}, private, algorithm="RS256", headers={"kid": "k1"})
    form = {"grant_type": "client_credentials", "scope": "okta.logs.read", "client_assertion": signed,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}
    assert oauth_error(requests.post(sandbox_org.token_url, data=form, timeout=10))[1] == "consent_required"
    requests.post(f"{sandbox_org.org_url}/api/v1/apps/{client_id}/grants", headers=ssws(sandbox_org), timeout=10,
                  json={"scopeId": "okta.logs.read", "issuer": sandbox_org.org_url})
    form["client_assertion"] = jwt.encode({"iss": client_id, "sub": client_id, "aud": sandbox_org.token_url,
                                           "exp": now + 60, "jti": "two"}, private, algorithm="RS256",
                                          headers={"kid": "k1"})
    token = requests.post(sandbox_org.token_url, data=form, timeout=10).json()["access_token"]
    assert _get(sandbox_org, "/api/v1/logs", token).status_code == 403  # no admin role yet
    requests.post(f"{sandbox_org.org_url}/oauth2/v1/clients/{client_id}/roles", json={"type": "REPORT_ADMIN"},
                  headers=ssws(sandbox_org), timeout=10)
    logs = _get(sandbox_org, "/api/v1/logs", token)
    assert logs.status_code == 200
    assert [e["actor"]["id"] for e in logs.json()] == [client_id, client_id]
    clients = requests.get(sandbox_org.org_url + "/oauth2/v1/clients", headers=ssws(sandbox_org), timeout=10)
    assert client_id in [c["client_id"] for c in clients.json()]


def test_log_paging_and_filter(sandbox_org: SandboxInfo) -> None:
    for _ in range(3):
        request_token(sandbox_org)
    first = _get(sandbox_org, "/api/v1/logs?limit=2")
    assert len(first.json()) == 2
    rest = requests.get(_links(first)["next"], headers=ssws(sandbox_org), timeout=10).json()
    assert len(rest) == 1
    filtered = _get(sandbox_org, "/api/v1/logs", params={"filter": 'outcome.result eq "FAILURE"'}).json()
    assert filtered == []


# -- rate limits -------------------------------------------------------------------------------------------


def test_the_rate_limit_answers_429_with_a_reset(sandbox_rate_limited: SandboxInfo) -> None:
    info = sandbox_rate_limited
    remaining = [int(_get(info, "/api/v1/users").headers["X-Rate-Limit-Remaining"]) for _ in range(5)]
    assert remaining == [4, 3, 2, 1, 0]
    refused = _get(info, "/api/v1/users")
    assert _okta_error(refused) == (429, "E0000047", "API call exceeded rate limit due to too many requests.")
    assert refused.headers["X-Rate-Limit-Limit"] == "5"
    assert refused.headers["X-Rate-Limit-Remaining"] == "0"
    reset = int(refused.headers["X-Rate-Limit-Reset"])
    assert time.time() < reset <= time.time() + 61
    assert _get(info, "/api/v1/groups").status_code == 200  # another bucket
    assert requests.get(info.org_url + "/oauth2/v1/keys", timeout=10).status_code == 200  # never limited


# -- TLS ---------------------------------------------------------------------------------------------------


def test_tls_with_the_generated_ca(sandbox_tls: SandboxInfo) -> None:
    assert sandbox_tls.org_url.startswith("https://127.0.0.1:")
    assert sandbox_tls.ca_file is not None and sandbox_tls.ca_file.is_file()
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(sandbox_tls.org_url + "/oauth2/v1/keys", timeout=10)
    token = bearer_token(sandbox_tls)  # verifies against the CA file
    users = requests.get(sandbox_tls.org_url + "/api/v1/users?limit=3", headers={"Authorization": f"Bearer {token}"},
                         verify=str(sandbox_tls.ca_file), timeout=10)
    assert users.status_code == 200 and len(users.json()) == 3
    assert _links(users)["next"].startswith("https://127.0.0.1:")
    localhost = sandbox_tls.org_url.replace("127.0.0.1", "localhost") + "/oauth2/v1/keys"
    assert requests.get(localhost, verify=str(sandbox_tls.ca_file), timeout=10).status_code == 200


def test_a_client_that_never_handshakes_does_not_block_others(sandbox_tls: SandboxInfo) -> None:
    silent = socket.create_connection(("127.0.0.1", sandbox_tls.port), timeout=5)
    try:
        context = ssl.create_default_context(cafile=str(sandbox_tls.ca_file))
        with socket.create_connection(("127.0.0.1", sandbox_tls.port), timeout=5) as raw, \
                context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            assert tls.version() in ("TLSv1.2", "TLSv1.3")
    finally:
        silent.close()


def test_key_files_are_private(sandbox_org: SandboxInfo) -> None:
    for path in (sandbox_org.key_file, sandbox_org.jwk_file):
        assert_mode(path, 0o600)
    assert sandbox_org.key_file.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    private_jwk = jwt.PyJWK.from_json(sandbox_org.jwk_file.read_text())
    assert private_jwk.key_id == sandbox_org.kid


def test_client_registration_errors_use_rfc_7591(sandbox_org: SandboxInfo) -> None:
    response = requests.post(sandbox_org.org_url + "/oauth2/v1/clients", json={"application_type": "service"},
                             headers=ssws(sandbox_org), timeout=10)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_client_metadata",
                               "error_description": "client_name: The field cannot be left blank."}
    clients = requests.get(sandbox_org.org_url + "/oauth2/v1/clients", headers=ssws(sandbox_org), timeout=10)
    assert len(clients.json()) == 2  # the service app and the web app; the bookmark app is not a client


def test_only_a_super_admin_app_may_change_grants_and_roles(sandbox_org: SandboxInfo) -> None:
    roles_url = f"{sandbox_org.org_url}/oauth2/v1/clients/{sandbox_org.client_id}/roles"
    grants_url = f"{sandbox_org.org_url}/api/v1/apps/{sandbox_org.client_id}/grants"
    for role in requests.get(roles_url, headers=ssws(sandbox_org), timeout=10).json():
        requests.delete(f"{roles_url}/{role['id']}", headers=ssws(sandbox_org), timeout=10)
    requests.post(roles_url, json={"type": "ORG_ADMIN"}, headers=ssws(sandbox_org), timeout=10)
    token = bearer_token(sandbox_org, "okta.appGrants.manage okta.roles.manage")
    bearer = {"Authorization": f"Bearer {token}"}
    assert requests.get(grants_url, headers=bearer, timeout=10).status_code == 200  # .manage covers reading
    body = {"scopeId": "okta.policies.read", "issuer": sandbox_org.org_url}
    assert _okta_error(requests.post(grants_url, json=body, headers=bearer, timeout=10))[:2] == (403, "E0000006")
    assert _okta_error(requests.post(roles_url, json={"type": "SUPER_ADMIN"}, headers=bearer, timeout=10))[:2] \
        == (403, "E0000006")
    requests.post(roles_url, json={"type": "SUPER_ADMIN"}, headers=ssws(sandbox_org), timeout=10)
    assert requests.post(grants_url, json=body, headers=bearer, timeout=10).status_code == 201
