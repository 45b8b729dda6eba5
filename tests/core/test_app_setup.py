"""Okta's app key rules (checked before any call) and the set-up flow's resumable steps."""

from __future__ import annotations

import pytest
import requests

from oktatool.core.errors import BadInputError
from oktatool.core.keys.key import KeySpec, generate_key
from oktatool.core.okta import apps
from oktatool.core.okta.admin import AdminCredential, admin_api
from oktatool.core.okta.http import HttpOptions
from oktatool.core.okta.orgurl import parse_org_url
from oktatool.core.okta.setup import SetupFlow, SetupRequest, probe_call
from oktatool.sandbox import Fault, SandboxInfo
from tests.sandbox_fixtures import SandboxFactory


def _key(kid: str | None = None) -> apps.AppKey:
    return apps.AppKey(id=f"pks{kid}", kid=kid, status="ACTIVE", kty="RSA", alg="RS256", created="")


def test_the_fifty_key_limit_and_kid_rules_hold_before_any_call() -> None:
    full = [_key(f"k{i}") for i in range(apps.MAX_KEYS)]
    with pytest.raises(BadInputError, match="the most Okta allows is 50"):
        apps.check_can_add(full, {"kid": "new"})
    apps.check_can_add(full[:-1], {"kid": "new"})
    with pytest.raises(BadInputError, match="needs a kid"):
        apps.check_can_add([], {"kty": "RSA"})
    with pytest.raises(BadInputError, match="without a kid"):
        apps.check_can_add([_key(None)], {"kid": "new"})
    with pytest.raises(BadInputError, match="already has a key with kid"):
        apps.check_can_add([_key("a")], {"kid": "a"})


def test_only_an_inactive_key_is_deleted_and_the_active_one_needs_a_successor() -> None:
    active, other = _key("a"), _key("b")
    with pytest.raises(BadInputError, match="needs a successor"):
        apps.check_can_deactivate([active], active)
    apps.check_can_deactivate([active, other], active)
    with pytest.raises(BadInputError, match="only an INACTIVE key can be deleted"):
        apps.check_can_delete(active)
    apps.check_can_delete(apps.AppKey("pks", "a", "INACTIVE", "RSA", None, ""))


def test_the_sandbox_enforces_the_fifty_key_limit_too(sandbox_org: SandboxInfo) -> None:
    api = admin_api(parse_org_url(sandbox_org.org_url), AdminCredential(ssws_token=sandbox_org.ssws_token),
                    HttpOptions())
    url = f"{sandbox_org.org_url}/api/v1/apps/{sandbox_org.client_id}/credentials/jwks"
    jwk = generate_key(KeySpec("EC", crv="P-256")).okta_public_dict()
    for number in range(1, apps.MAX_KEYS):
        answer = requests.post(url, json={**jwk, "kid": f"k{number}", "status": "INACTIVE"},
                               headers={"Authorization": f"SSWS {sandbox_org.ssws_token}"}, timeout=10)
        assert answer.status_code == 201
    refused = requests.post(url, json={**jwk, "kid": "one-too-many"},
                            headers={"Authorization": f"SSWS {sandbox_org.ssws_token}"}, timeout=10)
    assert refused.status_code == 400 and refused.json()["errorCode"] == "E0000001"
    with pytest.raises(BadInputError, match="most Okta allows is 50"):
        apps.add_key(api, sandbox_org.client_id, generate_key(KeySpec("EC", crv="P-256")))


def test_the_service_app_body_is_what_okta_takes_for_api_services() -> None:
    jwk = generate_key(KeySpec("RSA", size=2048)).okta_public_dict()
    body = apps.service_app_body("Reports", [jwk], dpop=True)
    assert body["name"] == "oidc_client" and body["signOnMode"] == "OPENID_CONNECT"
    assert body["credentials"]["oauthClient"]["token_endpoint_auth_method"] == "private_key_jwt"
    oauth = body["settings"]["oauthClient"]
    assert oauth["application_type"] == "service" and oauth["grant_types"] == ["client_credentials"]
    assert oauth["dpop_bound_access_tokens"] is True and oauth["jwks"]["keys"] == [jwk]
    assert "d" not in oauth["jwks"]["keys"][0]


def test_a_failed_step_is_retried_without_a_second_app_or_grant(sandbox_factory: SandboxFactory) -> None:
    info = sandbox_factory(users=1, faults=(Fault("/api/v1/apps/0oa", "status", status=500, times=1),))
    org, http = parse_org_url(info.org_url), HttpOptions()
    flow = SetupFlow(SetupRequest(org, "Flaky", generate_key(KeySpec("RSA", size=2048)),
                                  ("okta.users.read", "okta.groups.read")),
                     admin_api(org, AdminCredential(ssws_token=info.ssws_token), http), http)
    assert flow.run() is False
    assert [s.status for s in flow.steps] == ["done", "failed", "pending", "pending", "pending"]
    assert flow.client_id and "Internal Server Error" in flow.step("grant-scopes").error
    assert flow.run() is True
    assert flow.step("create-app").calls == ["POST /api/v1/apps → ok"]
    answer = requests.get(f"{info.org_url}/api/v1/apps", params={"q": "Flaky"},
                          headers={"Authorization": f"SSWS {info.ssws_token}"}, timeout=10).json()
    assert len(answer) == 1
    grants = requests.get(f"{info.org_url}/api/v1/apps/{flow.client_id}/grants",
                          headers={"Authorization": f"SSWS {info.ssws_token}"}, timeout=10).json()
    assert sorted(g["scopeId"] for g in grants) == ["okta.groups.read", "okta.users.read"]


def test_probe_calls_are_reads_the_scopes_allow() -> None:
    assert probe_call(("okta.logs.read",), "0oa1") == ("okta.logs.read", "/api/v1/logs?limit=1")
    assert probe_call(("okta.roles.manage",), "0oa1") == ("okta.roles.manage", "/oauth2/v1/clients/0oa1/roles")
    assert probe_call(("okta.clients.register",), "0oa1") is None


def test_rotation_checks_tokens_at_each_step_and_stops_before_delete(sandbox_org: SandboxInfo) -> None:
    from oktatool.core.errors import TokenError
    from oktatool.core.keys.key import load_key
    from oktatool.core.okta.client import Connection, OktaClient
    from oktatool.core.okta.rotation import RotationFlow, RotationRequest, successor_key

    org, http = parse_org_url(sandbox_org.org_url), HttpOptions()
    old = load_key(sandbox_org.jwk_file.read_bytes())

    def token_with(key: object) -> str:
        client = OktaClient(Connection(org, sandbox_org.client_id, key, scopes=("okta.users.read",), http=http))
        return client.token(use_cache=False).token_type

    new = successor_key(old)
    assert new.kty == "RSA" and new.size == old.size and new.kid != old.kid
    seen: list[tuple[str, str]] = []

    def switch(key: object) -> str:
        # mid-rotation: the new key is registered and the old one still works
        seen.append((token_with(old), token_with(key)))
        return "switched"

    flow = RotationFlow(RotationRequest(org, sandbox_org.client_id, old.kid or "", new, ("okta.users.read",)),
                        admin_api(org, AdminCredential(ssws_token=sandbox_org.ssws_token), http), http, switch)
    assert flow.run(), [(s.id, s.error) for s in flow.steps]
    assert seen == [("Bearer", "Bearer")]
    assert token_with(new) == "Bearer"
    with pytest.raises(TokenError, match="kid is invalid"):
        token_with(old)
    api = admin_api(org, AdminCredential(ssws_token=sandbox_org.ssws_token), http)
    statuses = {k.kid: k.status for k in apps.list_keys(api, sandbox_org.client_id)}
    assert statuses == {old.kid: "INACTIVE", new.kid: "ACTIVE"}  # the old key is still there, not deleted
