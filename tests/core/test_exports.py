"""The exports' text: okta.yaml and env as both official SDKs read them, Terraform as the okta/okta provider's schema
has it (parsed with python-hcl2), and where each holds a secret. tests/cli/test_export_real_clients.py runs them.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace
from typing import Any

import hcl2
import pytest
import yaml
from hcl2 import SerializationOptions

from oktatool.core.errors import BadInputError
from oktatool.core.keys.key import Key, KeySpec, generate_key, load_key
from oktatool.core.okta.export import ExportSpec, holds_private_key, render

ORG = "https://dev-1.okta.com"
SCOPES = ("okta.apps.read", "okta.apps.manage")

# The okta/okta provider's schema, read at github.com/okta/terraform-provider-okta commit e59c130b (6.12.0,
# 2026-06-10): okta/provider/provider.go, okta/services/idaas/resource_okta_app_oauth.go (its arguments and the
# jwks block's kid, kty, e, n, x, y), docs/resources/app_oauth_api_scope.md and app_oauth_role_assignment.md.
PROVIDER_ARGUMENTS = {"org_name", "base_url", "http_proxy", "access_token", "api_token", "client_id", "scopes",
                      "private_key", "private_key_id", "backoff", "min_wait_seconds", "max_wait_seconds",
                      "max_retries", "parallelism", "log_level", "max_api_capacity", "request_timeout"}
APP_OAUTH_ARGUMENTS = {"label", "type", "status", "client_id", "token_endpoint_auth_method", "grant_types",
                       "response_types", "jwks", "jwks_uri", "auto_key_rotation", "omit_secret", "profile",
                       "redirect_uris", "login_scopes", "pkce_required", "consent_method", "issuer_mode"}
JWKS_MEMBERS = {"RSA": {"kid", "kty", "e", "n"}, "EC": {"kid", "kty", "x", "y"}}
API_SCOPE_ARGUMENTS = {"app_id", "issuer", "scopes"}
ROLE_ASSIGNMENT_ARGUMENTS = {"client_id", "type", "resource_set", "role"}


def _key(kty: str = "RSA") -> Key:
    return generate_key(KeySpec(kty, size=2048) if kty == "RSA" else KeySpec(kty, crv="P-256"))


def _spec(key: Key | None = None, **changes: Any) -> ExportSpec:
    key = key or _key()
    return replace(ExportSpec(ORG, "0oa1", SCOPES, key.kid, key=key, label="Nightly report"), **changes)


def _hcl(text: str) -> dict[str, Any]:
    options = SerializationOptions(strip_string_quotes=True, with_comments=False, explicit_blocks=False)
    return dict(hcl2.loads(text, serialization_options=options))


def _resources(parsed: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {kind: named["app"] for block in parsed["resource"] for kind, named in block.items()}


@pytest.mark.parametrize("dpop", [False, True])
def test_okta_yaml_holds_the_key_and_both_sdks_kid_names(dpop: bool) -> None:
    key = _key()
    spec = _spec(key, dpop=dpop)
    client = yaml.safe_load(render("okta-yaml", spec))["okta"]["client"]
    assert client["kid"] == client["keyId"] == key.kid  # okta-sdk-python, okta-sdk-nodejs
    assert client["scopes"] == list(SCOPES) and client["authorizationMode"] == "PrivateKey"
    assert load_key(client["privateKey"].encode()).thumbprint() == key.thumbprint()
    assert client["privateKey"].startswith("-----BEGIN PRIVATE KEY-----\n")
    assert client.get("dpopEnabled") is (True if dpop else None)
    assert holds_private_key("okta-yaml", spec)


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize("dpop", [False, True])
def test_env_holds_a_one_line_jwk_with_its_kid_and_space_separated_scopes(dpop: bool) -> None:
    key = _key()
    text = render("env", _spec(key, dpop=dpop))  # posix
    names = ("OKTA_CLIENT_SCOPES", "OKTA_CLIENT_PRIVATEKEY", "OKTA_CLIENT_KEYID", "OKTA_CLIENT_DPOPENABLED")
    shown = subprocess.run(["bash", "-c", text + "printf '%s\\0' " + " ".join(f'"${n}"' for n in names)],
                           capture_output=True, text=True, timeout=30, check=True, env={})
    scopes, jwk_text, key_id, dpop_enabled = shown.stdout.split("\0")[:-1]
    assert scopes == "okta.apps.read okta.apps.manage"  # okta-sdk-nodejs splits on spaces
    jwk = json.loads(jwk_text)
    assert "\n" not in jwk_text and all(isinstance(v, str) for v in jwk.values())  # okta-sdk-python's reader
    assert jwk["kid"] == key_id == key.kid and load_key(jwk_text.encode()).thumbprint() == key.thumbprint()
    assert dpop_enabled == ("true" if dpop else "")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert any("okta-sdk-python reads no kid variable" in line for line in comments)


def test_the_by_path_form_names_the_file_and_holds_no_secret() -> None:
    spec = ExportSpec(ORG, "0oa1", SCOPES, "k1", key_path="/keys/app: key.pem", by_path=True)
    text = render("okta-yaml", spec)
    assert yaml.safe_load(text)["okta"]["client"]["privateKey"] == "/keys/app: key.pem"
    assert "okta-sdk-nodejs needs the key itself" in text and not holds_private_key("okta-yaml", spec)
    env = render("env", spec)  # posix
    assert "export OKTA_CLIENT_PRIVATEKEY='/keys/app: key.pem'" in env
    assert "with several ACTIVE keys on the app use okta.yaml (kid) instead" in env
    with pytest.raises(BadInputError, match="needs the key file's path"):
        render("env", ExportSpec(ORG, "0oa1", SCOPES, "k1", by_path=True))
    with pytest.raises(BadInputError, match="needs the app's private key"):
        render("okta-yaml", ExportSpec(ORG, "0oa1", SCOPES, "k1"))


@pytest.mark.parametrize("kty", ["RSA", "EC"])
def test_terraform_is_the_provider_and_the_app_as_the_schema_has_them(kty: str) -> None:
    key = _key(kty)
    text = render("terraform", _spec(key))
    parsed = _hcl(text)
    assert parsed["terraform"][0]["required_providers"][0]["okta"]["source"] == "okta/okta"
    provider = parsed["provider"][0]["okta"]
    assert set(provider) <= PROVIDER_ARGUMENTS
    assert f"https://{provider['org_name']}.{provider['base_url']}" == ORG
    resources = _resources(parsed)
    assert set(resources) == {"okta_app_oauth", "okta_app_oauth_api_scope", "okta_app_oauth_role_assignment"}
    app = resources["okta_app_oauth"]
    assert set(app) <= APP_OAUTH_ARGUMENTS
    assert (app["type"], app["token_endpoint_auth_method"], app["grant_types"], app["response_types"]) == (
        "service", "private_key_jwt", ["client_credentials"], ["token"])
    public = key.public().to_dict()
    assert app["jwks"] == [{name: public[name] for name in JWKS_MEMBERS[kty]}]
    scope = resources["okta_app_oauth_api_scope"]
    assert set(scope) == API_SCOPE_ARGUMENTS and scope["issuer"] == ORG and scope["scopes"] == list(SCOPES)
    assert scope["app_id"] == "${okta_app_oauth.app.id}"
    role = resources["okta_app_oauth_role_assignment"]
    assert set(role) <= ROLE_ASSIGNMENT_ARGUMENTS
    assert role == {"client_id": "${okta_app_oauth.app.client_id}", "type": "APP_ADMIN"}
    assert {i["to"]: i["id"] for i in parsed["import"]} == {"${okta_app_oauth.app}": "0oa1",
                                                           "${okta_app_oauth_api_scope.app}": "0oa1"}
    private = key.to_dict(private=True)
    assert "PRIVATE KEY" not in text and private["d"] not in text


def test_terraform_of_a_jwks_uri_app_names_the_url_instead_of_a_key() -> None:
    url = "https://keys.example.com/reports/jwks.json"
    text = render("terraform", ExportSpec(ORG, "0oa1", SCOPES, None, jwks_uri=url))  # no key needed
    app = _resources(_hcl(text))["okta_app_oauth"]
    assert set(app) <= APP_OAUTH_ARGUMENTS and app["jwks_uri"] == url and "jwks" not in app
    # the SDK exports are the same for a jwks_uri app: the client signs with its private key
    key = _key()
    assert render("okta-yaml", _spec(key, jwks_uri=url)) == render("okta-yaml", _spec(key))


@pytest.mark.parametrize("org, name, base", [("https://acme.oktapreview.com", "acme", "oktapreview.com"),
                                             ("https://acme.okta-emea.com", "acme", "okta-emea.com"),
                                             ("https://dev-9.okta.com", "dev-9", "okta.com")])
def test_terraform_gives_back_an_okta_domain(org: str, name: str, base: str) -> None:
    provider = _hcl(render("terraform", _spec(org_url=org)))["provider"][0]["okta"]
    assert (provider["org_name"], provider["base_url"]) == (name, base)


@pytest.mark.parametrize("org", ["https://127.0.0.1:8443", "https://login.example.com", "https://dev-9.okta.com:8443"])
def test_terraform_says_why_another_address_has_no_org_name(org: str) -> None:
    text = render("terraform", _spec(org_url=org))
    assert _hcl(text)["provider"][0]["okta"] == {}
    assert f"# {org} cannot be written as org_name and base_url" in text and "https://ORG_NAME.BASE_URL" in text


def test_terraform_says_the_provider_cannot_require_dpop() -> None:
    text = render("terraform", _spec(dpop=True))
    assert "dpop_bound_access_tokens" not in _resources(_hcl(text))["okta_app_oauth"]
    assert "the provider has no argument" in text and "Require DPoP" in text


def test_the_curl_recipe_trusts_the_ca_bundle_in_every_call() -> None:
    text = render("curl", ExportSpec(ORG, "0oa1", SCOPES, "k1", key_path="/keys/a.pem", ca_bundle="/etc/my ca.pem"))
    curls = [line for line in text.splitlines() if re.match(r"\s*(TOKEN=\$\()?curl ", line)]
    assert len(curls) == 2 and all("--cacert '/etc/my ca.pem'" in line for line in curls)
    # the secrets reach curl only through printf (a builtin) in a process substitution, never as its words
    words = re.sub(r"@<\(printf [^)]*\)", "@PIPE", text)
    assert "$TOKEN" not in words.replace("TOKEN=$(", "") and "$ASSERTION" not in words


def test_terraform_quotes_template_sequences_an_org_chose_as_text(sandbox_org: Any) -> None:
    from oktatool.core.okta import apps
    from oktatool.core.okta.admin import AdminCredential, admin_api
    from oktatool.core.okta.http import HttpOptions
    from oktatool.core.okta.orgurl import parse_org_url

    # Terraform evaluates ${…} and %{…} inside a quoted string: as given, this URL would read the user's SSH key on
    # `terraform plan` and send it to Okta as the app's jwks_uri
    url = 'https://keys.example.com/${file(pathexpand("~/.ssh/id_rsa"))}/%{if true}x%{endif}.json'
    admin = admin_api(parse_org_url(sandbox_org.org_url), AdminCredential(ssws_token=sandbox_org.ssws_token),
                      HttpOptions())
    made = apps.create_service_app(admin, "Reports", _key(), dpop=False, jwks_uri=url)
    read = apps.get_app(admin, made.id).jwks_uri  # what the window's Export reads from the org
    assert read == url
    text = render("terraform", ExportSpec(ORG, made.id, SCOPES, None, jwks_uri=read, label='Reports ${path.cwd}'))
    assert re.search(r"(?<!\$)\$\{", text) is None and re.search(r"(?<!%)%\{", text) is None, text
    assert '$${file(pathexpand(\\"~/.ssh/id_rsa\\"))}/%%{if true}x%%{endif}.json' in text
    assert '"Reports $${path.cwd}"' in text
