"""The org authorization server's token endpoint: each Okta rule broken once gives Okta's exact error."""

from __future__ import annotations

import base64
import time
import uuid
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from oktatool.sandbox import SandboxInfo
from tests.sandbox.client import (
    DROP,
    assertion,
    oauth_error,
    request_token,
    secret_app,
    ssws,
    token_form,
)

INVALID_CLIENT = 401, "invalid_client"
AUDIENCE = "The audience claim for client_assertion must be the endpoint invoked for the request."


def test_a_valid_assertion_gets_a_bearer_token_with_the_granted_scopes(sandbox_org: SandboxInfo) -> None:
    response = request_token(sandbox_org, scope="okta.users.read okta.groups.read")
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "okta.users.read okta.groups.read"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Okta-Request-Id"]
    assert int(response.headers["X-Rate-Limit-Remaining"]) < int(response.headers["X-Rate-Limit-Limit"])
    # the access token is a JWT signed by the key published at /oauth2/v1/keys
    keys = requests.get(sandbox_org.org_url + "/oauth2/v1/keys", timeout=10).json()["keys"]
    signing_key = jwt.PyJWK(keys[0]).key
    claims = jwt.decode(body["access_token"], signing_key, algorithms=["RS256"], audience=sandbox_org.org_url)
    assert claims["cid"] == sandbox_org.client_id
    assert claims["scp"] == ["okta.users.read", "okta.groups.read"]
    assert "cnf" not in claims


def test_opaque_tokens_work_like_jwt_tokens(sandbox_factory: Any) -> None:
    info = sandbox_factory(opaque_tokens=True, users=3)
    token = request_token(info).json()["access_token"]
    assert token.count(".") == 0
    users = requests.get(info.org_url + "/api/v1/users", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert users.status_code == 200 and len(users.json()) == 3


def _other_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


ASSERTION_RULES: list[tuple[str, dict[str, Any], tuple[int, str], str]] = [
    ("aud is the org URL", {"aud": "ORG"}, INVALID_CLIENT, AUDIENCE),
    ("aud has a trailing slash", {"aud": "TOKEN/"}, INVALID_CLIENT, AUDIENCE),
    ("aud is a list", {"aud": ["TOKEN", "other"]}, INVALID_CLIENT, AUDIENCE),
    ("no exp", {"exp": DROP}, INVALID_CLIENT,
     "The client_assertion must contain the 'exp' claim as seconds since epoch."),
    ("exp is text", {"exp": "soon"}, INVALID_CLIENT,
     "The client_assertion must contain the 'exp' claim as seconds since epoch."),
    ("expired", {"exp": -10}, INVALID_CLIENT, "The client_assertion token is expired."),
    ("exp more than an hour ahead", {"exp": 3700}, INVALID_CLIENT,
     "The client_assertion token has an expiration too far into the future."),
    ("iat in the future", {"iat": 600, "exp": 900}, INVALID_CLIENT,
     "The client_assertion token must be issued before the current time."),
    ("iss is not a client", {"iss": "0oaNOTACLIENT"}, INVALID_CLIENT,
     "The issuer claim for client_assertion is not a valid client_id."),
    ("sub differs from iss", {"sub": "someone-else"}, INVALID_CLIENT,
     "The subject claim for client_assertion is not a valid client_id."),
    ("unknown kid", {"headers": {"kid": "no-such-kid"}}, INVALID_CLIENT, "The client_assertion JWT kid is invalid."),
    ("HS256", {"alg": "HS256", "key": b"a-shared-secret-of-thirty-two-bytes!"}, INVALID_CLIENT,
     "The client_assertion JWT signature algorithm is invalid."),
    ("PS256", {"alg": "PS256"}, INVALID_CLIENT, "The client_assertion JWT signature algorithm is invalid."),
    ("signed by another key", {"key": "OTHER"}, INVALID_CLIENT, "The client_assertion signature is invalid."),
    ("RS256 header over an ES256 key", {"alg": "ES256", "key": "EC"}, INVALID_CLIENT,
     "The client_assertion signature is invalid."),
]


@pytest.mark.parametrize(("overrides", "expected", "description"),
                         [pytest.param(o, e, d, id=name) for name, o, e, d in ASSERTION_RULES])
def test_each_assertion_rule_broken_gives_okta_error(sandbox_org: SandboxInfo, overrides: dict[str, Any],
                                                     expected: tuple[int, str], description: str) -> None:
    now = int(time.time())
    claims = dict(overrides)
    for name in ("exp", "iat"):
        if isinstance(claims.get(name), int):
            claims[name] = now + claims[name]
    if claims.get("aud") == "ORG":
        claims["aud"] = sandbox_org.org_url
    elif claims.get("aud") == "TOKEN/":
        claims["aud"] = sandbox_org.token_url + "/"
    elif isinstance(claims.get("aud"), list):
        claims["aud"] = [sandbox_org.token_url, "other"]
    if claims.get("key") == "OTHER":
        claims["key"] = _other_rsa_key()
    elif claims.get("key") == "EC":
        claims["key"] = ec.generate_private_key(ec.SECP256R1())
    response = request_token(sandbox_org, **claims)
    assert oauth_error(response) == (*expected, description)


def test_an_unparseable_assertion_is_refused(sandbox_org: SandboxInfo) -> None:
    response = requests.post(sandbox_org.token_url, data=token_form("not.a.jwt"), timeout=10)
    assert oauth_error(response) == (401, "invalid_client", "The parsing of the client_assertion failed.")


def test_a_jti_is_single_use(sandbox_org: SandboxInfo) -> None:
    signed = assertion(sandbox_org)
    first = requests.post(sandbox_org.token_url, data=token_form(signed), timeout=10)
    again = requests.post(sandbox_org.token_url, data=token_form(signed), timeout=10)
    assert first.status_code == 200
    assert oauth_error(again) == (401, "invalid_client", "The client_assertion token has already been used.")


def test_aud_must_name_the_host_the_request_went_to(sandbox_org: SandboxInfo) -> None:
    localhost_url = sandbox_org.token_url.replace("127.0.0.1", "localhost")
    wrong = request_token(sandbox_org, url=localhost_url)  # aud says 127.0.0.1
    right = request_token(sandbox_org, url=localhost_url, aud=localhost_url)
    assert oauth_error(wrong)[2] == AUDIENCE
    assert right.status_code == 200


def test_an_assertion_without_iat_is_accepted(sandbox_org: SandboxInfo) -> None:
    assert request_token(sandbox_org, iat=DROP).status_code == 200


FORM_RULES: list[tuple[str, dict[str, Any], tuple[int, str, str]]] = [
    ("credentials in the query", {"query": "client_assertion=x"},
     (400, "invalid_request", "Client credentials cannot be supplied via query parameters.")),
    ("no grant_type", {"drop": "grant_type"},
     (400, "invalid_request", "The token request must specify a 'grant_type'. Valid values: [client_credentials]")),
    ("password grant", {"set": {"grant_type": "password"}},
     (400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server. "
      "Configured grant types: [client_credentials].")),
    ("assertion and client secret", {"set": {"client_secret": "s3cret"}},
     (401, "invalid_request", "Cannot supply multiple client credentials. Use one of the following: credentials "
      "in the Authorization header, credentials in the post body, or a client_assertion in the post body.")),
    ("assertion and Basic header", {"basic": True},
     (401, "invalid_request", "Cannot supply multiple client credentials. Use one of the following: credentials "
      "in the Authorization header, credentials in the post body, or a client_assertion in the post body.")),
    ("no credentials", {"drop": "client_assertion"}, (401, "invalid_client", "No client credentials found.")),
    ("wrong assertion type", {"set": {"client_assertion_type": "urn:example:jwt"}},
     (400, "invalid_request", "The client_assertion_type is invalid.")),
    ("no scope", {"drop": "scope"}, (400, "invalid_scope", "No scopes were requested.")),
    ("openid", {"set": {"scope": "openid okta.users.read"}},
     (400, "invalid_scope", "Cannot request 'openid' scopes using client credentials.")),
    (".self scope", {"set": {"scope": "okta.users.read.self"}},
     (400, "client_credentials_self_scope_requested",
      "The 'client_credentials' grant type may not request .self scopes.")),
    ("no scope granted", {"set": {"scope": "okta.policies.read"}},
     (400, "consent_required", "You are not allowed any of the requested scopes.")),
    ("some scopes not granted", {"set": {"scope": "okta.users.read okta.policies.read okta.idps.manage"}},
     (400, "invalid_scope", "The following scopes are not allowed for this request: "
      "[okta.policies.read, okta.idps.manage].")),
]


@pytest.mark.parametrize(("change", "expected"), [pytest.param(c, e, id=name) for name, c, e in FORM_RULES])
def test_each_request_rule_broken_gives_okta_error(sandbox_org: SandboxInfo, change: dict[str, Any],
                                                   expected: tuple[int, str, str]) -> None:
    form = token_form(assertion(sandbox_org))
    form.update(change.get("set", {}))
    form.pop(change.get("drop", ""), None)
    url = sandbox_org.token_url + (f"?{change['query']}" if "query" in change else "")
    headers = {"Authorization": "Basic " + base64.b64encode(b"id:secret").decode()} if change.get("basic") else {}
    response = requests.post(url, data=form, headers=headers, timeout=10)
    assert oauth_error(response) == expected


def test_a_repeated_parameter_is_refused(sandbox_org: SandboxInfo) -> None:
    body = "&".join(f"{k}={v}" for k, v in token_form(assertion(sandbox_org)).items()) + "&scope=okta.users.read"
    response = requests.post(sandbox_org.token_url, data=body, timeout=10,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert oauth_error(response) == (400, "invalid_request",
                                     "The request contained multiple parameters with the same name.")


def test_a_json_body_is_not_read(sandbox_org: SandboxInfo) -> None:
    response = requests.post(sandbox_org.token_url, json=token_form(assertion(sandbox_org)), timeout=10)
    assert oauth_error(response)[:2] == (400, "invalid_request")
    assert "grant_type" in oauth_error(response)[2]


def test_a_client_secret_alone_must_use_private_key_jwt(sandbox_org: SandboxInfo) -> None:
    app_id, secret = secret_app(sandbox_org, method="client_secret_post")
    form = {"grant_type": "client_credentials", "scope": "okta.users.read", "client_id": app_id,
            "client_secret": secret}
    response = requests.post(sandbox_org.token_url, data=form, timeout=10)
    assert oauth_error(response) == (401, "invalid_client", "Client Credentials requests to the Org Authorization "
                                     "Server must use the private_key_jwt token_endpoint_auth_method.")


def test_get_on_the_token_endpoint_is_refused(sandbox_org: SandboxInfo) -> None:
    response = requests.get(sandbox_org.token_url, timeout=10)
    assert response.status_code == 405
    assert response.json()["errorCode"] == "E0000022"


# -- the app's keys ----------------------------------------------------------------------------------------


def _add_key(info: SandboxInfo, jwk: dict[str, Any], app_id: str | None = None) -> requests.Response:
    url = f"{info.org_url}/api/v1/apps/{app_id or info.client_id}/credentials/jwks"
    return requests.post(url, json=jwk, headers=ssws(info), timeout=10)


def _public_jwk(private: Any, kid: str, **extra: Any) -> dict[str, Any]:
    algorithm = jwt.algorithms.RSAAlgorithm if isinstance(private, rsa.RSAPrivateKey) else jwt.algorithms.ECAlgorithm
    jwk = algorithm.to_jwk(private.public_key(), as_dict=True)
    return {**jwk, "kid": kid, **extra}


def test_without_kid_the_only_key_is_used(sandbox_org: SandboxInfo) -> None:
    assert request_token(sandbox_org, headers={"kid": DROP}).status_code == 200


def test_without_kid_several_keys_make_the_kid_invalid(sandbox_org: SandboxInfo) -> None:
    second = _other_rsa_key()
    assert _add_key(sandbox_org, _public_jwk(second, "second", use="sig")).status_code == 201
    missing = request_token(sandbox_org, headers={"kid": DROP})
    assert oauth_error(missing) == (401, "invalid_client", "The client_assertion JWT kid is invalid.")
    assert request_token(sandbox_org, key=second, headers={"kid": "second"}).status_code == 200
    assert request_token(sandbox_org).status_code == 200


def test_an_ec_key_signs_es256_es384_assertions(sandbox_org: SandboxInfo) -> None:
    p256, p384 = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP384R1())
    assert _add_key(sandbox_org, _public_jwk(p256, "p256")).status_code == 201
    assert _add_key(sandbox_org, _public_jwk(p384, "p384")).status_code == 201
    assert request_token(sandbox_org, key=p256, alg="ES256", headers={"kid": "p256"}).status_code == 200
    assert request_token(sandbox_org, key=p384, alg="ES384", headers={"kid": "p384"}).status_code == 200
    kid_of_the_p384_key = request_token(sandbox_org, key=p256, alg="ES256", headers={"kid": "p384"})
    assert oauth_error(kid_of_the_p384_key)[2] == "The client_assertion signature is invalid."


@pytest.mark.parametrize("alg", ["RS384", "RS512"])
def test_other_rsa_algorithms_are_allowed(sandbox_org: SandboxInfo, alg: str) -> None:
    assert request_token(sandbox_org, alg=alg).status_code == 200


def test_an_inactive_key_makes_the_kid_invalid(sandbox_org: SandboxInfo) -> None:
    url = f"{sandbox_org.org_url}/api/v1/apps/{sandbox_org.client_id}/credentials/jwks/{sandbox_org.kid}"
    only_key = requests.post(url + "/lifecycle/deactivate", headers=ssws(sandbox_org), timeout=10)
    assert only_key.status_code == 400 and "at least one active key" in only_key.json()["errorSummary"]
    assert _add_key(sandbox_org, _public_jwk(_other_rsa_key(), "successor")).status_code == 201
    deactivated = requests.post(url + "/lifecycle/deactivate", headers=ssws(sandbox_org), timeout=10)
    assert deactivated.json()["status"] == "INACTIVE"
    assert oauth_error(request_token(sandbox_org))[2] == "The client_assertion JWT kid is invalid."
    requests.post(url + "/lifecycle/activate", headers=ssws(sandbox_org), timeout=10)
    assert request_token(sandbox_org).status_code == 200


def test_an_encryption_key_cannot_sign_assertions(sandbox_org: SandboxInfo) -> None:
    private = _other_rsa_key()
    assert _add_key(sandbox_org, _public_jwk(private, "enc-key", use="enc")).status_code == 201
    response = request_token(sandbox_org, key=private, headers={"kid": "enc-key"})
    assert oauth_error(response) == (401, "invalid_client", "The public key being used for client assertion has an "
                                     "invalid 'use' parameter. Valid values for the 'use' parameter are [sig].")


def test_an_app_without_keys_has_no_jwks(sandbox_org: SandboxInfo) -> None:
    apps = requests.get(sandbox_org.org_url + "/api/v1/apps", headers=ssws(sandbox_org), timeout=10).json()
    web_app = next(app for app in apps if app["settings"]["oauthClient"]["application_type"] == "web")
    now = int(time.time())
    signed = jwt.encode({"iss": web_app["id"], "sub": web_app["id"], "aud": sandbox_org.token_url, "exp": now + 60,
                         "jti": str(uuid.uuid4())}, sandbox_org.key_file.read_bytes(), algorithm="RS256")
    response = requests.post(sandbox_org.token_url, data=token_form(signed), timeout=10)
    assert oauth_error(response) == (401, "invalid_client", "The client does not have a JWKSet configured, but the "
                                     "client_assertion requires one.")


def test_metadata_documents_name_the_endpoints_and_dpop_algorithms(sandbox_org: SandboxInfo) -> None:
    for name in ("openid-configuration", "oauth-authorization-server"):
        metadata = requests.get(f"{sandbox_org.org_url}/.well-known/{name}", timeout=10).json()
        assert metadata["issuer"] == sandbox_org.org_url
        assert metadata["token_endpoint"] == sandbox_org.token_url
        assert metadata["jwks_uri"] == sandbox_org.org_url + "/oauth2/v1/keys"
        assert metadata["dpop_signing_alg_values_supported"] == ["RS256", "RS384", "RS512", "ES256", "ES384",
                                                                 "ES512"]
        assert "private_key_jwt" in metadata["token_endpoint_auth_methods_supported"]


def test_every_grant_attempt_is_in_the_system_log(sandbox_org: SandboxInfo) -> None:
    assert request_token(sandbox_org).status_code == 200
    assert request_token(sandbox_org, exp=DROP).status_code == 401
    logs = requests.get(sandbox_org.org_url + "/api/v1/logs", headers=ssws(sandbox_org), timeout=10).json()
    outcomes = [(event["outcome"]["result"], event["outcome"]["reason"]) for event in logs]
    assert outcomes == [("SUCCESS", None), ("FAILURE", "The client_assertion must contain the 'exp' claim as "
                                                       "seconds since epoch.")]
    assert all(event["actor"]["id"] == sandbox_org.client_id for event in logs)
    assert logs[0]["debugContext"]["debugData"]["grantedScopes"] == "okta.users.read"



def _register(info: SandboxInfo, **metadata: Any) -> tuple[str, rsa.RSAPrivateKey]:
    private = _other_rsa_key()
    body = {"client_name": "Registered", "token_endpoint_auth_method": "private_key_jwt",
            "jwks": {"keys": [_public_jwk(private, "k")]}, **metadata}
    response = requests.post(info.org_url + "/oauth2/v1/clients", json=body, headers=ssws(info), timeout=10)
    assert response.status_code == 201, response.text
    return response.json()["client_id"], private


@pytest.mark.parametrize(("metadata", "expected"), [
    ({"application_type": "web", "grant_types": ["client_credentials"]},
     (401, "invalid_client", "Only clients with 'application_type' of 'service' may use the client_credentials "
      "'grant_type' with the Org Authorization Server.")),
    ({"application_type": "service", "grant_types": ["authorization_code"]},
     (400, "unauthorized_client", "The client is not authorized to use the provided grant type. Configured grant "
      "types: [authorization_code].")),
])
def test_only_service_clients_with_the_grant_may_use_client_credentials(
        sandbox_org: SandboxInfo, metadata: dict[str, Any], expected: tuple[int, str, str]) -> None:
    client_id, private = _register(sandbox_org, **metadata)
    response = request_token(sandbox_org, key=private, headers={"kid": "k"}, iss=client_id, sub=client_id)
    assert oauth_error(response) == expected
