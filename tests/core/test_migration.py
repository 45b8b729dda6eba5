"""Moving a client-secret app to a key pair against the sandbox: interrupted after each step and resumed by a new
run, the key proved with a token, the old secret refused afterwards."""

from __future__ import annotations

import pytest
import requests

from oktatool.core.keys.key import Key, KeySpec, generate_key
from oktatool.core.okta import apps
from oktatool.core.okta.admin import AdminCredential, admin_api
from oktatool.core.okta.http import HttpOptions
from oktatool.core.okta.migration import SWITCH, MigrationFlow, MigrationRequest
from oktatool.core.okta.orgurl import parse_org_url
from oktatool.sandbox import Fault, SandboxInfo
from tests.sandbox.client import oauth_error, secret_app, secret_token
from tests.sandbox_fixtures import SandboxFactory

INVALID_CLIENT = "Client authentication failed. Either the client or the client credentials are invalid."


def _flow(info: SandboxInfo, app_id: str, key: Key) -> MigrationFlow:
    org, http = parse_org_url(info.org_url), HttpOptions()
    return MigrationFlow(MigrationRequest(org, app_id, key), admin_api(org, AdminCredential(ssws_token=info.ssws_token),
                                                                       http), http)


@pytest.fixture(scope="module")
def key() -> Key:
    return generate_key(KeySpec("RSA", size=2048, use="sig", alg="RS256"))


@pytest.mark.parametrize("stop_before", ["add-key", SWITCH, "token", None])
def test_a_migration_stopped_after_each_step_is_finished_by_a_new_run(sandbox_org: SandboxInfo, key: Key,
                                                                      stop_before: str | None) -> None:
    app_id, secret = secret_app(sandbox_org, label=f"Stopped before {stop_before}")
    first = _flow(sandbox_org, app_id, key)
    assert first.run(until=stop_before) is True
    assert [s.secret_hash for s in first.secrets] and all(s.status == "ACTIVE" for s in first.secrets)
    # a new process: nothing remembered but what Okta holds
    again = _flow(sandbox_org, app_id, key)
    assert again.run() is True, [(s.id, s.error) for s in again.steps]
    admin = again.admin
    assert [k.kid for k in apps.list_keys(admin, app_id)] == [key.kid]
    assert apps.get_app(admin, app_id).auth_method == "private_key_jwt"
    assert apps.list_secrets(admin, app_id) == []
    assert "Bearer token for okta.users.read" in again.step("token").result
    assert oauth_error(secret_token(sandbox_org, app_id, secret)) == (401, "invalid_client", INVALID_CLIENT)


def test_the_first_step_lists_what_the_switch_deletes_and_nothing_changes_before_it(sandbox_org: SandboxInfo,
                                                                                   key: Key) -> None:
    app_id, _secret = secret_app(sandbox_org)
    flow = _flow(sandbox_org, app_id, key)
    assert flow.run(until=SWITCH) is True
    [listed] = flow.secrets
    assert listed.id.startswith("ocs") and "the switch deletes 1 secret(s): " + listed.id in flow.step("secrets").result
    assert apps.get_app(flow.admin, app_id).auth_method == "client_secret_basic"
    assert flow.step(SWITCH).status == "pending" and flow.step("token").status == "pending"


def test_a_failed_token_step_is_retried_in_the_same_run(sandbox_factory: SandboxFactory, key: Key) -> None:
    info = sandbox_factory(users=1, faults=(Fault("/oauth2/v1/token", "status", status=500, times=1),))
    app_id, _secret = secret_app(info)
    flow = _flow(info, app_id, key)
    assert flow.run() is False
    assert [s.status for s in flow.steps] == ["done", "done", "done", "failed"]
    assert flow.run() is True
    assert requests.get(f"{info.org_url}/api/v1/apps/{app_id}/credentials/jwks",
                        headers={"Authorization": f"SSWS {info.ssws_token}"}, timeout=10).json()[0]["kid"] == key.kid


def test_an_app_granted_no_scope_is_stopped_before_anything_changes(sandbox_org: SandboxInfo, key: Key) -> None:
    app_id, _secret = secret_app(sandbox_org, scopes=())
    flow = _flow(sandbox_org, app_id, key)
    assert flow.run() is False
    assert "granted no Okta API scope" in flow.step("secrets").error
    assert apps.list_keys(flow.admin, app_id) == []
