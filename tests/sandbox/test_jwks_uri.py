"""Apps whose keys are published at a URL (jwks_uri): the sandbox fetches the set at token time as Okta does and
answers Okta's three errors; switching to a URL deletes the saved keys; oktatool's pre-flight check refuses what
Okta would refuse (and what would leak a key) before anything is switched."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import requests

from oktatool.core.errors import BadInputError, KeyMaterialError, OktaToolError
from oktatool.core.keys.key import Key, KeySpec, generate_key
from oktatool.core.okta import apps
from oktatool.core.okta.admin import AdminCredential, admin_api
from oktatool.core.okta.api import ApiClient
from oktatool.core.okta.client import Connection, OktaClient
from oktatool.core.okta.grants import AppAccess
from oktatool.core.okta.http import HttpOptions
from oktatool.core.okta.jwks_uri import check_jwks_url, publish_document
from oktatool.core.okta.orgurl import parse_org_url
from oktatool.sandbox import Sandbox, SandboxInfo, SandboxOptions
from tests.jwks_server import PublishedSet
from tests.sandbox.client import assertion, oauth_error, token_form

SCOPE = "okta.users.read"


def _admin(info: SandboxInfo) -> ApiClient:
    return admin_api(parse_org_url(info.org_url), AdminCredential(ssws_token=info.ssws_token), HttpOptions())


def _app_on_url(info: SandboxInfo, url: str) -> str:
    admin = _admin(info)
    app = apps.create_service_app(admin, "Keys by URL", generate_key(KeySpec("RSA", size=2048)), dpop=False,
                                  jwks_uri=url)
    AppAccess(admin, app.id, info.org_url).grant(SCOPE)
    return app.id


def _token(info: SandboxInfo, client_id: str, key: Key) -> str:
    client = OktaClient(Connection(parse_org_url(info.org_url), client_id, key, scopes=(SCOPE,)))
    return client.token(use_cache=False).scope


@pytest.fixture
def signer() -> Key:
    return generate_key(KeySpec("RSA", size=2048, alg="RS256")).with_thumbprint_kid()


def test_a_jwks_uri_app_gets_a_token_with_the_key_published_there(sandbox_org: SandboxInfo, jwks_server: PublishedSet,
                                                                  signer: Key) -> None:
    jwks_server.serve(publish_document([signer]))
    client_id = _app_on_url(sandbox_org, jwks_server.url)
    app = apps.get_app(_admin(sandbox_org), client_id)
    assert app.jwks_uri == jwks_server.url and apps.list_keys(_admin(sandbox_org), client_id) == []
    before = jwks_server.fetches
    assert _token(sandbox_org, client_id, signer) == SCOPE
    assert jwks_server.fetches > before  # fetched at token time, as Okta does
    other = generate_key(KeySpec("RSA", size=2048)).with_thumbprint_kid()
    with pytest.raises(OktaToolError, match="kid is invalid"):
        _token(sandbox_org, client_id, other)


@pytest.mark.parametrize(("published", "error"), [
    ({"keys": []}, "The client JWKSet from jwks_uri must contain at least one key."),
    ("twice", "All keys in the client JWKSet from jwks_uri must have a unique kid."),
    (b"<html>not a key set</html>", "Error retrieving the client JWKSet from jwks_uri."),
    ("missing", "Error retrieving the client JWKSet from jwks_uri."),
])
def test_okta_s_three_jwks_uri_errors_are_invalid_client_401(sandbox_org: SandboxInfo, jwks_server: PublishedSet,
                                                             signer: Key, published: object, error: str) -> None:
    jwk = publish_document([signer])["keys"][0]
    if published == "twice":
        jwks_server.serve({"keys": [jwk, {**jwk}]})
    elif published == "missing":
        jwks_server.serve(b"gone", status=404)
    else:
        jwks_server.serve(published)
    client_id = _app_on_url(sandbox_org, jwks_server.url)
    info = dataclasses.replace(sandbox_org, client_id=client_id, kid=jwk["kid"])
    pem = signer.export("pem")
    answer = requests.post(sandbox_org.token_url, data=token_form(assertion(info, key=pem)), timeout=10)
    assert oauth_error(answer) == (401, "invalid_client", error)


def test_switching_an_app_to_a_url_deletes_its_saved_keys(sandbox_org: SandboxInfo, jwks_server: PublishedSet,
                                                          signer: Key) -> None:
    admin = _admin(sandbox_org)
    app = apps.create_service_app(admin, "Saved then URL", signer, dpop=False)
    assert [k.kid for k in apps.list_keys(admin, app.id)] == [signer.kid]
    switched = apps.set_jwks_uri(admin, app.id, jwks_server.url)
    assert switched.jwks_uri == jwks_server.url
    assert apps.list_keys(admin, app.id) == []


def test_the_sandbox_refuses_a_plain_http_jwks_uri_off_loopback(sandbox_org: SandboxInfo) -> None:
    with pytest.raises(OktaToolError, match="jwks_uri"):
        _app_on_url(sandbox_org, "http://keys.example.com/jwks.json")


def test_the_pre_flight_check_takes_a_set_that_holds_the_signing_kid(jwks_server: PublishedSet,
                                                                      signer: Key) -> None:
    jwks_server.serve(publish_document([signer]))
    published = check_jwks_url(jwks_server.url, signer.kid, allow_loopback_http=True)
    assert published.kids == (signer.kid,)


def test_the_pre_flight_check_refuses_what_okta_would_refuse(jwks_server: PublishedSet, signer: Key) -> None:
    jwk = publish_document([signer])["keys"][0]
    kid = jwk["kid"]
    jwks_server.serve({"keys": [{**jwk, "kid": "someone-else"}]})
    with pytest.raises(KeyMaterialError, match="does not hold the signing kid") as missing:
        check_jwks_url(jwks_server.url, kid, allow_loopback_http=True)
    assert missing.value.code == "jwks_uri_kid_missing"
    jwks_server.serve({"keys": [jwk, dict(jwk)]})
    with pytest.raises(KeyMaterialError, match="must have a unique kid"):
        check_jwks_url(jwks_server.url, kid, allow_loopback_http=True)
    jwks_server.serve({"keys": []})
    with pytest.raises(KeyMaterialError, match="must contain at least one key"):
        check_jwks_url(jwks_server.url, kid, allow_loopback_http=True)
    jwks_server.serve({"keys": [json.loads(signer.export("jwk"))]})
    with pytest.raises(KeyMaterialError, match="publishes private key members") as leaked:
        check_jwks_url(jwks_server.url, kid, allow_loopback_http=True)
    assert leaked.value.code == "jwks_uri_private_key"


def test_the_pre_flight_check_wants_https(jwks_server: PublishedSet, signer: Key) -> None:
    jwks_server.serve(publish_document([signer]))
    with pytest.raises(BadInputError, match="must be an https URL") as refused:
        check_jwks_url(jwks_server.url, None)  # loopback http only with the explicit flag
    assert refused.value.code == "jwks_uri_not_https"
    with pytest.raises(BadInputError, match="must be an https URL"):
        check_jwks_url("http://keys.example.com/jwks.json", None, allow_loopback_http=True)


def test_dynamic_client_registration_takes_a_jwks_uri(sandbox_org: SandboxInfo, jwks_server: PublishedSet,
                                                       signer: Key) -> None:
    jwks_server.serve(publish_document([signer]))
    headers = {"Authorization": f"SSWS {sandbox_org.ssws_token}"}
    body = {"client_name": "DCR by URL", "grant_types": ["client_credentials"], "response_types": ["token"],
            "token_endpoint_auth_method": "private_key_jwt", "application_type": "service",
            "jwks_uri": jwks_server.url}
    made = requests.post(f"{sandbox_org.org_url}/oauth2/v1/clients", json=body, headers=headers, timeout=10)
    assert made.status_code == 201, made.text
    assert made.json()["jwks_uri"] == jwks_server.url and made.json()["jwks"] == {"keys": []}
    AppAccess(_admin(sandbox_org), made.json()["client_id"], sandbox_org.org_url).grant(SCOPE)
    assert _token(sandbox_org, made.json()["client_id"], signer) == SCOPE
    refused = requests.post(f"{sandbox_org.org_url}/oauth2/v1/clients", headers=headers, timeout=10,
                            json={**body, "jwks_uri": "http://keys.example.com/jwks.json"})
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_client_metadata"


def test_a_kept_org_keeps_an_app_s_jwks_uri(tmp_path: Path, sandbox_service_key_pem: bytes) -> None:
    url = "https://keys.example.com/reports/jwks.json"
    server = Sandbox(SandboxOptions(users=1, service_key_pem=sandbox_service_key_pem), tmp_path, keep_org=True)
    info = server.start()
    try:
        client_id = _app_on_url(info, url)
    finally:
        server.stop()
    again = Sandbox(SandboxOptions(users=1, service_key_pem=sandbox_service_key_pem), tmp_path, keep_org=True)
    kept = again.start()
    try:
        assert apps.get_app(_admin(kept), client_id).jwks_uri == url
    finally:
        again.stop()
