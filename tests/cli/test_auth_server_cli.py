"""Custom authorization servers end to end: `token --auth-server` against the sandbox's `default` and Orders API
servers, their tokens verified against their own keys, Okta's two custom-server errors explained, and the API
refusing to send a custom server's token."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from oktatool.core.errors import BadInputError
from oktatool.core.keys.key import load_key
from oktatool.core.okta.authserver import auth_server
from oktatool.core.okta.client import Connection, OktaClient
from oktatool.core.okta.orgurl import parse_org_url
from oktatool.sandbox.authservers import ORDERS_SERVER_ID
from oktatool.sandbox.org import SandboxOptions
from oktatool.sandbox.server import Sandbox, SandboxInfo
from tests.conftest import CliRunner


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxInfo]:
    with Sandbox(SandboxOptions(users=3), tmp_path_factory.mktemp("as-org")) as info:
        yield info


@pytest.fixture(scope="module")
def no_policy_org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxInfo]:
    options = SandboxOptions(users=3, misconfig=("auth-server-no-policy",))
    with Sandbox(options, tmp_path_factory.mktemp("as-no-policy")) as info:
        yield info


def _args(info: SandboxInfo) -> list[str]:
    return ["--org", info.org_url, "--client-id", info.client_id, "--key", str(info.key_file)]


def _token(run_cli: CliRunner, info: SandboxInfo, server: str, scopes: str) -> str:
    result = run_cli("token", *_args(info), "--auth-server", server, "--scopes", scopes, "--json")
    assert result.returncode == 0, result.stderr
    return str(json.loads(result.stdout)["access_token"])


def test_a_token_from_default_is_decoded_and_verified_against_its_own_keys(run_cli: CliRunner,
                                                                         org: SandboxInfo) -> None:
    token = _token(run_cli, org, "default", "orders:read")
    decoded = json.loads(run_cli("decode", token, "--json").stdout)
    assert decoded["claims"]["iss"] == f"{org.org_url}/oauth2/default"
    assert decoded["claims"]["aud"] == "api://default"
    assert decoded["claims"]["scp"] == ["orders:read"]
    server = auth_server(parse_org_url(org.org_url), "default")
    assert run_cli("verify", token, "--jwks-url", server.keys_url).returncode == 0
    # the org server's keys do not sign it: verification follows the chosen server
    assert run_cli("verify", token, "--jwks-url", org.org_url + "/oauth2/v1/keys").returncode == 1


def test_the_custom_server_by_id_and_its_summary(run_cli: CliRunner, org: SandboxInfo) -> None:
    result = run_cli("token", *_args(org), "--auth-server", ORDERS_SERVER_ID, "--scopes", "orders:read orders:write")
    assert result.returncode == 0, result.stderr
    assert f"issuer:       {org.org_url}/oauth2/{ORDERS_SERVER_ID}" in result.stdout
    assert "not the Okta API" in result.stderr and f"/oauth2/{ORDERS_SERVER_ID}/v1/keys" in result.stderr


def test_an_unknown_custom_scope_is_explained(run_cli: CliRunner, org: SandboxInfo) -> None:
    result = run_cli("token", *_args(org), "--auth-server", "default", "--scopes", "okta.users.read")
    assert result.returncode == 1
    assert "One or more scopes are not configured for the authorization server resource." in result.stderr
    assert "is not a scope of the authorization server default" in result.stderr
    assert "/api/v1/authorizationServers/default/scopes" in result.stderr


def test_a_client_in_no_policy_is_explained(run_cli: CliRunner, no_policy_org: SandboxInfo) -> None:
    result = run_cli("token", *_args(no_policy_org), "--auth-server", ORDERS_SERVER_ID, "--scopes", "orders:read")
    assert result.returncode == 1
    assert "access_denied: Policy evaluation failed for this request, please check the policy configurations." \
        in result.stderr
    assert f"no access policy of the authorization server {ORDERS_SERVER_ID}" in result.stderr
    assert "Client Credentials" in result.stderr


def test_a_scope_outside_the_rule_is_refused_by_policy(run_cli: CliRunner, org: SandboxInfo) -> None:
    result = run_cli("token", *_args(org), "--auth-server", ORDERS_SERVER_ID, "--scopes", "reports:read")
    assert result.returncode == 1 and "Policy evaluation failed" in result.stderr


def test_a_bad_server_id_is_bad_input(run_cli: CliRunner, org: SandboxInfo) -> None:
    result = run_cli("token", *_args(org), "--auth-server", "not a server", "--scopes", "orders:read")
    assert result.returncode == 2 and "is not an authorization server id" in result.stderr


def test_a_custom_servers_token_is_never_sent_to_the_okta_api(org: SandboxInfo) -> None:
    key = load_key(org.key_file.read_bytes())
    client = OktaClient(Connection(parse_org_url(org.org_url), org.client_id, key, auth_server="default"))
    with pytest.raises(BadInputError, match="not for the Okta API"):
        client.send("GET", "/api/v1/users", scopes="okta.users.read")
    # and the sandbox, as Okta, refuses one that is sent anyway
    token = client.token("orders:read").access_token
    answer = requests.get(org.org_url + "/api/v1/users", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.status_code == 401


def test_the_sandbox_lists_servers_scopes_policies_and_rules(org: SandboxInfo) -> None:
    headers = {"Authorization": f"SSWS {org.ssws_token}"}
    base = org.org_url + "/api/v1/authorizationServers"
    servers = requests.get(base, headers=headers, timeout=10).json()
    assert [s["id"] for s in servers] == ["default", ORDERS_SERVER_ID]
    assert servers[0]["audiences"] == ["api://default"] and servers[0]["status"] == "ACTIVE"
    scopes = requests.get(f"{base}/{ORDERS_SERVER_ID}/scopes", headers=headers, timeout=10).json()
    assert {s["name"] for s in scopes} == {"orders:read", "orders:write", "reports:read"}
    policies = requests.get(f"{base}/{ORDERS_SERVER_ID}/policies", headers=headers, timeout=10).json()
    assert org.client_id in policies[0]["conditions"]["clients"]["include"]
    rules = requests.get(f"{base}/{ORDERS_SERVER_ID}/policies/{policies[0]['id']}/rules", headers=headers,
                         timeout=10).json()
    assert rules[0]["conditions"]["grantTypes"]["include"] == ["client_credentials"]
    meta = requests.get(org.org_url + "/oauth2/default/.well-known/oauth-authorization-server", timeout=10).json()
    assert meta["token_endpoint"] == f"{org.org_url}/oauth2/default/v1/token"
    assert requests.get(base + "/ausNOPE", headers=headers, timeout=10).status_code == 404


def _doctor(run_cli: CliRunner, info: SandboxInfo, *extra: str) -> dict[str, dict[str, str]]:
    result = run_cli("doctor", *_args(info), "--auth-server", ORDERS_SERVER_ID, "--scopes", "orders:read", "--json",
                     *extra)
    report = json.loads(result.stdout)
    assert result.returncode == (0 if report["ok"] else 1), result.stderr
    return {check["id"]: check for check in report["checks"]}


def test_doctor_checks_the_custom_servers_policy_and_rule(run_cli: CliRunner, org: SandboxInfo,
                                                          tmp_path: Path) -> None:
    token_file = tmp_path / "ssws"
    token_file.write_text(org.ssws_token + "\n")
    checks = _doctor(run_cli, org, "--api-token-file", str(token_file))
    assert [checks[i]["status"] for i in ("as-server", "as-policy", "as-rule", "token")] == ["pass"] * 4
    assert "ACTIVE" in checks["as-server"]["detail"]
    assert checks["api-call"]["status"] == "skip" and "not for the Okta API" in checks["api-call"]["detail"]


def test_doctor_names_the_missing_policy(run_cli: CliRunner, no_policy_org: SandboxInfo, tmp_path: Path) -> None:
    token_file = tmp_path / "ssws"
    token_file.write_text(no_policy_org.ssws_token + "\n")
    checks = _doctor(run_cli, no_policy_org, "--api-token-file", str(token_file))
    assert checks["as-server"]["status"] == "pass"
    assert checks["as-policy"]["status"] == "fail" and no_policy_org.client_id in checks["as-policy"]["detail"]
    assert "Access Policies" in checks["as-policy"]["fix"]


def test_doctor_without_admin_says_what_it_could_not_check(run_cli: CliRunner, org: SandboxInfo) -> None:
    checks = _doctor(run_cli, org)
    assert checks["as-server"]["status"] == "pass" and "publishes its metadata" in checks["as-server"]["detail"]
    for check_id in ("as-policy", "as-rule"):
        assert checks[check_id]["status"] == "skip" and "needs an admin credential" in checks[check_id]["detail"]


def test_doctor_fails_an_unknown_server(run_cli: CliRunner, org: SandboxInfo) -> None:
    result = run_cli("doctor", *_args(org), "--auth-server", "ausNOPE", "--scopes", "orders:read", "--json")
    checks = {check["id"]: check for check in json.loads(result.stdout)["checks"]}
    assert result.returncode == 1 and checks["as-server"]["status"] == "fail"


def test_an_assertion_for_a_custom_server_is_accepted_there(run_cli: CliRunner, org: SandboxInfo) -> None:
    result = run_cli("assertion", *_args(org), "--auth-server", "default")
    assert result.returncode == 0, result.stderr
    assertion = result.stdout.strip()
    token_url = f"{org.org_url}/oauth2/default/v1/token"
    answer = requests.post(token_url, data={
        "grant_type": "client_credentials", "scope": "orders:read",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion}, timeout=30)
    assert answer.status_code == 200, answer.text


def test_a_custom_servers_token_is_introspected_and_revoked_at_that_server(org: SandboxInfo) -> None:
    from oktatool.core.okta.revocation import introspect_token, revoke_token

    key = load_key(org.key_file.read_bytes())
    client = OktaClient(Connection(parse_org_url(org.org_url), org.client_id, key, auth_server=ORDERS_SERVER_ID))
    token = client.token("orders:read").access_token
    seen = introspect_token(client, token)
    assert seen.active and seen.members["iss"] == f"{org.org_url}/oauth2/{ORDERS_SERVER_ID}"
    assert seen.members["aud"] == "api://orders" and seen.members["scope"] == "orders:read"
    # the org server does not know it: only its own server answers for it
    org_client = OktaClient(Connection(parse_org_url(org.org_url), org.client_id, key))
    assert not introspect_token(org_client, token).active
    revoke_token(client, token)
    assert not introspect_token(client, token).active
