"""Revoke and introspect one token as the service app, and an app's tokens as an admin, against the sandbox."""

from __future__ import annotations

import time

import jwt
import pytest

from oktatool.core.errors import BadInputError, TokenError
from oktatool.core.keys.key import load_key
from oktatool.core.okta.admin import AdminCredential
from oktatool.core.okta.app_tokens import app_tokens
from oktatool.core.okta.client import Connection, OktaClient
from oktatool.core.okta.http import HttpOptions
from oktatool.core.okta.orgurl import parse_org_url
from oktatool.core.okta.revocation import (
    INTROSPECT_PATH,
    REVOKE_PATH,
    build_token_check,
    introspect_token,
    revoke_token,
)
from oktatool.sandbox import SandboxInfo


def _client(info: SandboxInfo, *, dpop: bool = False) -> OktaClient:
    key = load_key(info.jwk_file.read_bytes())
    return OktaClient(Connection(parse_org_url(info.org_url), info.client_id, key, scopes=("okta.users.read",),
                                 dpop=dpop))


def test_the_request_is_built_for_its_endpoint_and_keeps_the_token_out_of_repr(sandbox_org: SandboxInfo) -> None:
    client = _client(sandbox_org)
    request = build_token_check(client, REVOKE_PATH, "the-token-value")
    assert request.url == sandbox_org.org_url + REVOKE_PATH
    form = dict(request.form)
    assert form["token"] == "the-token-value" and form["token_type_hint"] == "access_token"
    claims = jwt.decode(form["client_assertion"], options={"verify_signature": False})
    assert claims["aud"] == sandbox_org.org_url + REVOKE_PATH and claims["iss"] == sandbox_org.client_id
    assert "the-token-value" not in repr(request)
    with pytest.raises(BadInputError):
        build_token_check(client, INTROSPECT_PATH, "  ")


@pytest.mark.parametrize("dpop", [False, True])
def test_introspect_revoke_and_the_api_refuses_the_revoked_token(sandbox_factory: object, dpop: bool) -> None:
    info = sandbox_factory(dpop_required=dpop)  # type: ignore[operator]
    client = _client(info, dpop=dpop)
    token = client.token()
    seen = introspect_token(client, token.access_token)
    assert seen.active and seen.members["client_id"] == info.client_id
    assert seen.members["scope"] == "okta.users.read" and seen.members["token_type"] == token.token_type
    assert seen.members["exp"] > time.time()
    assert any(line.startswith("exp: ") and "UTC" in line for line in seen.lines())
    api = client.api(("okta.users.read",), token=token)
    assert api.send("GET", "/api/v1/users?limit=1").status == 200
    revoke_token(client, token.access_token)
    refused = api.send("GET", "/api/v1/users?limit=1")
    assert refused.status == 401 and refused.problem is not None and refused.problem.error in ("E0000011",
                                                                                              "invalid_token")
    assert "revoked" in (refused.problem.hint() or "")  # the explanation names revocation among the causes
    assert not introspect_token(client, token.access_token).active
    assert client.token().access_token != token.access_token  # the cache let go of the revoked token


def test_a_refused_client_is_a_token_error(sandbox_org: SandboxInfo) -> None:
    client = OktaClient(Connection(parse_org_url(sandbox_org.org_url), "0oaNOSUCHAPP",
                                   load_key(sandbox_org.jwk_file.read_bytes())))
    with pytest.raises(TokenError) as raised:
        introspect_token(client, "anything")
    assert raised.value.code == "invalid_client"


def test_list_and_revoke_an_apps_tokens(sandbox_org: SandboxInfo) -> None:
    client = _client(sandbox_org)
    first = client.token(use_cache=False)
    second = client.token(use_cache=False)
    tokens = app_tokens(parse_org_url(sandbox_org.org_url), sandbox_org.client_id,
                        AdminCredential(ssws_token=sandbox_org.ssws_token), HttpOptions())
    listed = tokens.list()
    assert len(listed) == 2 and all(t.scopes == ("okta.users.read",) for t in listed)
    assert tokens.revoke_call(listed[0].id).text() == f"DELETE /api/v1/apps/{sandbox_org.client_id}/tokens/" \
                                                      f"{listed[0].id}"
    tokens.revoke(listed[0].id, listed)
    assert not introspect_token(client, first.access_token).active
    assert introspect_token(client, second.access_token).active
    with pytest.raises(BadInputError, match="has no token"):
        tokens.revoke(listed[0].id)
    tokens.revoke_all()
    assert tokens.list() == ()
    assert not introspect_token(client, second.access_token).active
