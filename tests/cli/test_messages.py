"""Command-line messages: one line and a hint for usage errors, grammar, every problem listed, and hints
that fit what was typed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from oktatool.core.errors import with_article
from oktatool.core.okta.api import is_public_endpoint
from oktatool.core.okta.http import explain_network_error
from oktatool.core.okta.scope_names import unknown_scopes
from oktatool.core.okta.tokens import normalize_scopes
from oktatool.sandbox import SandboxInfo
from tests.conftest import CliRunner


def _one_error(stderr: str) -> tuple[str, str]:
    lines = stderr.strip().splitlines()
    assert len(lines) == 2, stderr
    assert lines[0].startswith("error: ") and lines[1].startswith("hint: "), stderr
    return lines[0], lines[1]


@pytest.mark.parametrize(("args", "error", "hint"), [
    (("keygen",), "error: oktatool keygen needs --kty", "--kty takes one of: RSA, EC, OKP, oct"),
    (("api", "GET"), "error: oktatool api needs PATH", "PATH: e.g. /api/v1/users"),
    (("convert",), "error: oktatool convert needs --format", "--format takes one of: jwk,"),
    (("sign", "--key", "k.json"), "error: oktatool sign needs --claims", "give --claims"),
])
def test_a_missing_argument_is_one_line_and_a_hint(run_cli: CliRunner, args: tuple[str, ...], error: str,
                                                    hint: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 2
    first, second = _one_error(result.stderr)
    assert first == error and hint in second and "usage:" not in result.stderr


def test_an_unknown_choice_is_one_line_too(run_cli: CliRunner) -> None:
    result = run_cli("keygen", "--kty", "DSA")
    assert result.returncode == 2
    first, second = _one_error(result.stderr)
    assert "invalid choice: 'DSA'" in first and "oktatool keygen --help" in second


@pytest.mark.parametrize(("noun", "expected"), [
    ("OKP Ed25519", "an OKP Ed25519"), ("EC P-256", "an EC P-256"), ("RSA-2048", "an RSA-2048"),
    ("oct 256-bit", "an oct 256-bit"), ("P-256", "a P-256"), ("dict", "a dict"), ("int", "an int"),
    ("Bearer", "a Bearer"), ("DPoP", "a DPoP"), ("secp256k1", "a secp256k1"), ("HS256", "an HS256"),
])
def test_articles_follow_how_the_word_is_said(noun: str, expected: str) -> None:
    assert with_article(noun) == expected


def test_grammar_in_key_errors(run_cli: CliRunner, tmp_path: Path) -> None:
    result = run_cli("keygen", "--kty", "EC", "--alg", "RS256")
    assert "does not fit an EC P-256 key" in result.stderr
    key = tmp_path / "okp.json"
    assert run_cli("keygen", "--kty", "OKP", "-o", str(key)).returncode == 0
    result = run_cli("assertion", "--org", "dev-1.okta.com", "--client-id", "0oa1", "--key", str(key))
    assert "an OKP Ed25519 key cannot make an assertion" in result.stderr
    assert " a OKP" not in result.stderr


def test_every_assertion_problem_is_listed(run_cli: CliRunner, tmp_path: Path) -> None:
    public = tmp_path / "okp.pub.json"
    assert run_cli("keygen", "--kty", "OKP", "--format", "jwk-public", "-o", str(public)).returncode == 0
    result = run_cli("assertion", "--org", "dev-1.okta.com", "--client-id", "0oa1", "--key", str(public))
    assert result.returncode == 2
    assert "more problem" not in result.stderr
    assert "error: 3 problems:" in result.stderr
    for problem in ("1. the key is public only", "2. an OKP Ed25519 key cannot make an assertion",
                    "3. alg 'EdDSA' is not one Okta accepts"):
        assert problem in result.stderr
    hint = result.stderr.split("hint: ", 1)[1]
    assert "give the private key" in hint and "use an RSA key" in hint


# -- scopes, client ids, public endpoints and network hints, against the sandbox -----------------------


def _org_args(info: SandboxInfo, client_id: str | None = None) -> list[str]:
    return ["--org", info.org_url, "--client-id", client_id or info.client_id, "--key", str(info.key_file)]


def test_comma_separated_scopes_are_split(run_cli: CliRunner, sandbox_org: SandboxInfo) -> None:
    result = run_cli("token", *_org_args(sandbox_org), "--scopes", "okta.users.read,okta.groups.read", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["scope"] == "okta.users.read okta.groups.read"
    assert normalize_scopes("okta.users.read, okta.groups.read  okta.apps.read,") == (
        "okta.users.read", "okta.groups.read", "okta.apps.read")


def test_an_unknown_scope_warns_with_close_matches(run_cli: CliRunner, sandbox_org: SandboxInfo) -> None:
    result = run_cli("token", *_org_args(sandbox_org), "--scopes", "okta.users.read okta.user.read")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("warning: okta.user.read is not an Okta API scope (did you mean okta.users.read")
    assert "request okta.* scopes only" not in result.stderr
    assert "fix: fix or drop okta.user.read" in result.stderr
    known = run_cli("token", *_org_args(sandbox_org), "--scopes", "okta.users.read")
    assert known.returncode == 0 and "warning" not in known.stderr


def test_close_matches_come_from_the_catalog() -> None:
    (unknown,) = unknown_scopes(["okta.Users.read", "okta.users.read"])
    assert unknown.close == ("okta.users.read",)
    (nothing_close,) = unknown_scopes(["profile"])
    assert nothing_close.close == () and nothing_close.describe() == "profile is not an Okta API scope"


def test_a_wrong_client_id_is_explained_as_an_unknown_client_id(run_cli: CliRunner,
                                                                sandbox_org: SandboxInfo) -> None:
    result = run_cli("token", *_org_args(sandbox_org, "0oaWRONGid"), "--scopes", "okta.users.read")
    assert result.returncode == 1
    assert "error: Okta does not know the client id 0oaWRONGid in this org" in result.stderr
    assert "iss was set to something else" not in result.stderr
    assert "copy the Client ID" in result.stderr


@pytest.mark.parametrize("path", ["/oauth2/v1/keys", "/.well-known/openid-configuration"])
def test_public_endpoints_go_without_a_token(run_cli: CliRunner, sandbox_org: SandboxInfo, path: str) -> None:
    result = run_cli("api", "GET", path, *_org_args(sandbox_org, "0oaNOTUSED"), "--json")  # a token would fail
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)


def test_the_public_api_client_sends_no_authorization(sandbox_org: SandboxInfo) -> None:
    from oktatool.core.keys.key import load_key
    from oktatool.core.okta.client import Connection, OktaClient
    from oktatool.core.okta.orgurl import parse_org_url

    client = OktaClient(Connection(parse_org_url(sandbox_org.org_url), "0oaNOTUSED",
                                   load_key(sandbox_org.key_file.read_text())))
    answer = client.send("GET", "/oauth2/v1/keys")
    assert answer.status == 200 and "Authorization" not in answer.request_headers
    assert is_public_endpoint("GET", "/oauth2/default/.well-known/oauth-authorization-server")
    assert not is_public_endpoint("POST", "/oauth2/v1/keys") and not is_public_endpoint("GET", "/api/v1/users")


def _dns_failure(host: str) -> requests.ConnectionError:
    return requests.ConnectionError(f"HTTPSConnectionPool(host='{host}', port=443): Max retries exceeded "
                                    f"(Caused by NameResolutionError: Failed to resolve '{host}')")


def test_the_dns_hint_fits_what_was_typed() -> None:
    org = explain_network_error(_dns_failure("dev-12345.okta.com"), "https://dev-12345.okta.com/oauth2/v1/token")
    assert org.hint and "check the org URL for typos (e.g. dev-123456.okta.com)" in org.hint
    example = explain_network_error(_dns_failure("dev-123456.okta.com"), "https://dev-123456.okta.com/x")
    assert example.hint and "is the example host" in example.hint and "e.g." not in example.hint
    jwks = explain_network_error(_dns_failure("keys.example.invalid"), "https://keys.example.invalid/k",
                                 what="the JWKS URL")
    assert jwks.hint == "check the JWKS URL for typos, your network or proxy"


def test_verify_with_an_unresolvable_jwks_url_does_not_mention_the_org(run_cli: CliRunner) -> None:
    result = run_cli("verify", "-", "--jwks-url", "https://jwks.example.invalid/keys",
                     input="eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.e30.c2ln\n", timeout=60)
    assert result.returncode == 1
    assert "org URL" not in result.stderr and "JWKS URL" in result.stderr
