"""A client-secret service app in the sandbox: its secret checked at the token endpoint, its secrets listed masked,
and switching it to private_key_jwt (which needs a saved key) deleting them, as Okta does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from oktatool.core.keys.key import KeySpec, generate_key
from oktatool.sandbox import Sandbox, SandboxInfo, SandboxOptions
from tests.sandbox.client import oauth_error, secret_app, secret_token, ssws

NEEDS_KEY = "Client Credentials requests to the Org Authorization Server must use the private_key_jwt " \
            "token_endpoint_auth_method."
INVALID_CLIENT = "Client authentication failed. Either the client or the client credentials are invalid."


def _switch(info: SandboxInfo, app_id: str, method: str = "private_key_jwt") -> requests.Response:
    app = requests.get(f"{info.org_url}/api/v1/apps/{app_id}", headers=ssws(info), timeout=10).json()
    app["credentials"]["oauthClient"]["token_endpoint_auth_method"] = method
    return requests.put(f"{info.org_url}/api/v1/apps/{app_id}", json=app, headers=ssws(info), timeout=10)


def _secrets(info: SandboxInfo, app_id: str) -> list[dict[str, object]]:
    answer = requests.get(f"{info.org_url}/api/v1/apps/{app_id}/credentials/secrets", headers=ssws(info), timeout=10)
    assert answer.status_code == 200, answer.text
    listed = answer.json()
    assert isinstance(listed, list)
    return listed


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_the_token_endpoint_checks_the_secret_before_it_asks_for_a_key(sandbox_org: SandboxInfo, method: str) -> None:
    app_id, secret = secret_app(sandbox_org, method=method)
    assert oauth_error(secret_token(sandbox_org, app_id, secret, method=method)) == (401, "invalid_client", NEEDS_KEY)
    wrong = secret[:-1] + ("y" if secret.endswith("x") else "x")  # another last character, whatever the secret's is
    assert oauth_error(secret_token(sandbox_org, app_id, wrong, method=method)) == \
        (401, "invalid_client", INVALID_CLIENT)
    other = "client_secret_post" if method == "client_secret_basic" else "client_secret_basic"
    assert oauth_error(secret_token(sandbox_org, app_id, secret, method=other)) == \
        (401, "invalid_client", INVALID_CLIENT)


def test_a_private_key_jwt_app_takes_no_secret(sandbox_org: SandboxInfo) -> None:
    assert oauth_error(secret_token(sandbox_org, sandbox_org.client_id, "s3cret", method="client_secret_post")) == \
        (401, "invalid_client", INVALID_CLIENT)


def test_secrets_are_listed_masked_as_okta_shapes_them(sandbox_org: SandboxInfo) -> None:
    app_id, secret = secret_app(sandbox_org)
    [listed] = _secrets(sandbox_org, app_id)
    assert set(listed) == {"id", "status", "client_secret", "secret_hash", "created", "lastUpdated", "_links"}
    assert str(listed["id"]).startswith("ocs") and listed["status"] == "ACTIVE"
    assert listed["client_secret"] != secret and "......" in str(listed["client_secret"])
    assert set(listed["_links"]) == {"deactivate"}  # type: ignore[arg-type]


def test_a_kept_org_keeps_the_secret_checkable_but_never_the_secret(tmp_path: Path,
                                                                    sandbox_service_key_pem: bytes) -> None:
    options = SandboxOptions(users=1, service_key_pem=sandbox_service_key_pem)
    with Sandbox(options, tmp_path, keep_org=True) as first:
        app_id, secret = secret_app(first)
    assert secret not in (tmp_path / "org.json").read_text()
    with Sandbox(options, tmp_path, keep_org=True) as again:
        assert oauth_error(secret_token(again, app_id, secret)) == (401, "invalid_client", NEEDS_KEY)


def test_switching_to_private_key_jwt_needs_a_key_then_deletes_the_secrets(sandbox_org: SandboxInfo) -> None:
    app_id, secret = secret_app(sandbox_org)
    refused = _switch(sandbox_org, app_id)
    assert refused.status_code == 400 and refused.json()["errorCode"] == "E0000001"
    assert "at least one public key" in json.dumps(refused.json()["errorCauses"])
    assert len(_secrets(sandbox_org, app_id)) == 1
    jwk = generate_key(KeySpec("RSA", size=2048, alg="RS256")).okta_public_dict()
    added = requests.post(f"{sandbox_org.org_url}/api/v1/apps/{app_id}/credentials/jwks", json=jwk,
                          headers=ssws(sandbox_org), timeout=10)
    assert added.status_code == 201, added.text
    switched = _switch(sandbox_org, app_id)
    assert switched.status_code == 200, switched.text
    assert switched.json()["credentials"]["oauthClient"]["token_endpoint_auth_method"] == "private_key_jwt"
    assert "client_secret" not in switched.json()["credentials"]["oauthClient"]
    assert _secrets(sandbox_org, app_id) == []
    assert oauth_error(secret_token(sandbox_org, app_id, secret)) == (401, "invalid_client", INVALID_CLIENT)
    back = _switch(sandbox_org, app_id, "client_secret_basic")
    assert back.status_code == 200 and back.json()["credentials"]["oauthClient"]["client_secret"] != secret
