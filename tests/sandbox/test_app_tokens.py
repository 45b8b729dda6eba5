"""An app's tokens (list with Link paging, revoke one or all) and /oauth2/v1/revoke and /introspect, spoken to
with an independent client (PyJWT signs, requests sends): a revoked token is refused by the API."""

from __future__ import annotations

import re
import time

import requests

from oktatool.sandbox import SandboxInfo
from tests.sandbox.client import ASSERTION_TYPE, assertion, bearer_token, oauth_error, ssws

LINK = re.compile(r'<([^>]+)>; rel="(\w+)"')


def _links(response: requests.Response) -> dict[str, str]:
    return {rel: url for url, rel in LINK.findall(response.headers.get("Link", ""))}


def _users(info: SandboxInfo, token: str) -> requests.Response:
    return requests.get(info.org_url + "/api/v1/users?limit=1", headers={"Authorization": f"Bearer {token}"},
                        timeout=10)


def _refused(response: requests.Response) -> bool:
    return response.status_code == 401 and response.json()["errorCode"] == "E0000011" \
        and response.json()["errorSummary"] == "Invalid token provided"


def _endpoint(info: SandboxInfo, name: str, token: str, **form: str) -> requests.Response:
    url = f"{info.org_url}/oauth2/v1/{name}"
    signed = assertion(info, aud=form.pop("aud", url))
    return requests.post(url, timeout=10, data={"token": token, "client_assertion_type": ASSERTION_TYPE,
                                                "client_assertion": signed, **form})


def test_list_pages_and_okta_shape(sandbox_org: SandboxInfo) -> None:
    tokens = [bearer_token(sandbox_org, "okta.users.read") for _ in range(3)]
    url = f"{sandbox_org.org_url}/api/v1/apps/{sandbox_org.client_id}/tokens"
    first = requests.get(url, params={"limit": 2}, headers=ssws(sandbox_org), timeout=10)
    assert first.status_code == 200 and len(first.json()) == 2
    rest = requests.get(_links(first)["next"], headers=ssws(sandbox_org), timeout=10)
    assert len(rest.json()) == 1 and "next" not in _links(rest)
    listed = first.json() + rest.json()
    assert len({item["id"] for item in listed}) == len(tokens)
    item = listed[0]
    assert item["id"].startswith("oar") and item["status"] == "ACTIVE"
    assert item["clientId"] == sandbox_org.client_id and item["scopes"] == ["okta.users.read"]
    assert item["issuer"] == sandbox_org.org_url and item["expiresAt"].endswith("Z")
    assert item["_links"]["revoke"] == {"href": f"{url}/{item['id']}", "hints": {"allow": ["DELETE"]}}
    one = requests.get(f"{url}/{item['id']}", headers=ssws(sandbox_org), timeout=10).json()
    assert one == item
    missing = requests.get(f"{url}/oarNOPE", headers=ssws(sandbox_org), timeout=10)
    assert missing.status_code == 404 and missing.json()["errorCode"] == "E0000007"


def test_revoking_one_then_all_from_the_apps_api(sandbox_org: SandboxInfo) -> None:
    first, second, third = (bearer_token(sandbox_org, "okta.users.read") for _ in range(3))
    url = f"{sandbox_org.org_url}/api/v1/apps/{sandbox_org.client_id}/tokens"
    ids = [item["id"] for item in requests.get(url, headers=ssws(sandbox_org), timeout=10).json()]
    assert requests.delete(f"{url}/{ids[0]}", headers=ssws(sandbox_org), timeout=10).status_code == 204
    assert _refused(_users(sandbox_org, first))
    assert _users(sandbox_org, second).status_code == 200
    assert requests.delete(url, headers=ssws(sandbox_org), timeout=10).status_code == 204
    assert _refused(_users(sandbox_org, second)) and _refused(_users(sandbox_org, third))
    assert requests.get(url, headers=ssws(sandbox_org), timeout=10).json() == []


def test_introspect_then_revoke_then_introspect(sandbox_org: SandboxInfo) -> None:
    token = bearer_token(sandbox_org, "okta.users.read")
    active = _endpoint(sandbox_org, "introspect", token, token_type_hint="access_token")
    assert active.status_code == 200 and active.headers["Cache-Control"] == "no-store"
    facts = active.json()
    assert facts["active"] is True and facts["token_type"] == "Bearer" and facts["scope"] == "okta.users.read"
    assert facts["client_id"] == facts["sub"] == sandbox_org.client_id
    assert facts["iat"] <= time.time() < facts["exp"] and facts["jti"].startswith("AT.")
    revoked = _endpoint(sandbox_org, "revoke", token)
    assert revoked.status_code == 200 and revoked.content == b""
    assert _refused(_users(sandbox_org, token))
    assert _endpoint(sandbox_org, "introspect", token).json() == {"active": False}
    assert _endpoint(sandbox_org, "introspect", "not-a-token").json() == {"active": False}
    assert _endpoint(sandbox_org, "revoke", "not-a-token").status_code == 200  # RFC 7009: unknown is no error


def test_the_endpoints_authenticate_the_client(sandbox_org: SandboxInfo) -> None:
    token = bearer_token(sandbox_org, "okta.users.read")
    wrong_aud = _endpoint(sandbox_org, "revoke", token, aud=sandbox_org.token_url)
    assert oauth_error(wrong_aud) == (401, "invalid_client", "The audience claim for client_assertion must be the "
                                                             "endpoint invoked for the request.")
    bare = requests.post(sandbox_org.org_url + "/oauth2/v1/introspect", data={"token": token}, timeout=10)
    assert oauth_error(bare) == (401, "invalid_client", "No client credentials found.")
    no_token = _endpoint(sandbox_org, "introspect", "")
    assert oauth_error(no_token)[:2] == (400, "invalid_request")
    assert _users(sandbox_org, token).status_code == 200  # none of these revoked it


def test_discovery_names_revoke_and_introspect(sandbox_org: SandboxInfo) -> None:
    metadata = requests.get(f"{sandbox_org.org_url}/.well-known/openid-configuration", timeout=10).json()
    assert metadata["revocation_endpoint"] == sandbox_org.org_url + "/oauth2/v1/revoke"
    assert metadata["introspection_endpoint"] == sandbox_org.org_url + "/oauth2/v1/introspect"
