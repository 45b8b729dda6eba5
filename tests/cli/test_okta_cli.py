"""`oktatool token` and `oktatool api` end to end: the CLI in a subprocess against the sandbox (http and https)
and a scripted stub for network failures. Every failure: one clear message, exit 1, no hang."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet

from oktatool.core.store.settings import Profile, Settings, save_settings
from oktatool.sandbox import Fault
from oktatool.sandbox.org import SandboxOptions
from oktatool.sandbox.server import Sandbox, SandboxInfo
from tests.conftest import CliRunner
from tests.okta_stub import Answer, json_answer, stub_server
from tests.sandbox_fixtures import SandboxFactory

RESPONSE_MEMBERS = {"access_token", "token_type", "expires_in", "scope"}


@pytest.fixture(scope="module")
def http_org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxInfo]:
    with Sandbox(SandboxOptions(users=25), tmp_path_factory.mktemp("http-org")) as info:
        yield info


@pytest.fixture(scope="module")
def tls_dpop_org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxInfo]:
    with Sandbox(SandboxOptions(users=25, tls=True, dpop_required=True), tmp_path_factory.mktemp("tls-org")) as info:
        yield info


def _org_args(info: SandboxInfo, *, key: Path | None = None) -> list[str]:
    args = ["--org", info.org_url, "--client-id", info.client_id, "--key", str(key or info.key_file)]
    if info.ca_file is not None:
        args += ["--ca-bundle", str(info.ca_file)]
    return args


def _fails_clearly(result: subprocess.CompletedProcess[str], *words: str) -> str:
    """Assert exit 1 with exactly one error line (and no traceback); return stderr."""
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    return result.stderr


def _org_keys(info: SandboxInfo) -> KeySet:
    response = requests.get(info.org_url + "/oauth2/v1/keys", timeout=10, verify=str(info.ca_file or True))
    return KeySet.import_key_set(response.json())


def test_bearer_token_json_over_http(run_cli: CliRunner, http_org: SandboxInfo) -> None:
    result = run_cli("token", *_org_args(http_org), "--scopes", "okta.users.read okta.groups.read", "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) == RESPONSE_MEMBERS
    assert answer["token_type"] == "Bearer" and answer["expires_in"] == 3600
    assert answer["scope"].split() == ["okta.users.read", "okta.groups.read"]
    claims = jwt.decode(answer["access_token"], _org_keys(http_org)).claims  # signed by the org, checked by joserfc
    assert http_org.client_id in (claims.get("cid"), claims.get("sub"))
    assert "cnf" not in claims


def test_dpop_token_over_https_with_the_nonce_round_trip(run_cli: CliRunner, tls_dpop_org: SandboxInfo) -> None:
    result = run_cli("token", *_org_args(tls_dpop_org), "--scopes", "okta.users.read", "--dpop", "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["token_type"] == "DPoP"
    claims = jwt.decode(answer["access_token"], _org_keys(tls_dpop_org)).claims
    assert claims["cnf"]["jkt"]
    assert result.stderr == ""


def test_readable_token_summary(run_cli: CliRunner, http_org: SandboxInfo) -> None:
    result = run_cli("token", *_org_args(http_org), "--scopes", "okta.users.read")
    assert result.returncode == 0, result.stderr
    assert "token_type:   Bearer" in result.stdout and "scope:        okta.users.read" in result.stdout
    assert "expires_in:   3600 s" in result.stdout


def test_readable_dpop_summary_names_the_key_binding(run_cli: CliRunner, tls_dpop_org: SandboxInfo) -> None:
    result = run_cli("token", *_org_args(tls_dpop_org), "--scopes", "okta.users.read", "--dpop")
    assert result.returncode == 0, result.stderr
    fields = dict(line.split(":", 1) for line in result.stdout.splitlines())
    assert fields["token_type"].strip() == "DPoP"
    claims = jwt.decode(fields["access_token"].strip(), _org_keys(tls_dpop_org)).claims
    assert claims["cnf"]["jkt"] == fields["dpop_jkt"].strip()
    assert "oktatool api --dpop" in result.stderr


def test_dpop_api_call_over_https(run_cli: CliRunner, tls_dpop_org: SandboxInfo) -> None:
    result = run_cli("api", "GET", "/api/v1/users?limit=3", *_org_args(tls_dpop_org), "--dpop", "--json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 3
    assert result.stderr == ""


def test_one_page_says_more_follow(run_cli: CliRunner, http_org: SandboxInfo) -> None:
    result = run_cli("api", "GET", "/api/v1/users?limit=5", *_org_args(http_org))
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 5
    assert "more pages follow (add --all)" in result.stderr


def test_api_asks_for_the_scope_the_endpoint_needs(run_cli: CliRunner, http_org: SandboxInfo) -> None:
    result = run_cli("api", "GET", "/api/v1/groups", *_org_args(http_org))
    assert result.returncode == 0, result.stderr
    assert isinstance(json.loads(result.stdout), list)
    assert "200 GET" in result.stderr and "request id" in result.stderr and "rate limit" in result.stderr


def test_api_post_with_data_from_a_file(run_cli: CliRunner, http_org: SandboxInfo, tmp_path: Path) -> None:
    body = tmp_path / "group.json"
    body.write_text(json.dumps({"profile": {"name": "cli-made", "description": "from a file"}}))
    result = run_cli("api", "POST", "/api/v1/groups", "--data", f"@{body}", *_org_args(http_org), "--json")
    assert result.returncode == 0, result.stderr
    group = json.loads(result.stdout)
    assert group["profile"]["name"] == "cli-made"
    deleted = run_cli("api", "DELETE", f"/api/v1/groups/{group['id']}", *_org_args(http_org))
    assert deleted.returncode == 0, deleted.stderr
    assert deleted.stdout == "" and deleted.stderr.startswith("204 DELETE")


def test_insufficient_scope_names_the_needed_scope(run_cli: CliRunner, http_org: SandboxInfo) -> None:
    result = run_cli("api", "GET", "/api/v1/groups", *_org_args(http_org), "--scopes", "okta.users.read")
    _fails_clearly(result, "okta.groups.read", "insufficient_scope", '--scopes "okta.groups.read"')


def test_unknown_endpoint_without_scopes_is_bad_input(run_cli: CliRunner, http_org: SandboxInfo) -> None:
    result = run_cli("api", "GET", "/api/v1/no-such-thing", *_org_args(http_org))
    assert result.returncode == 2 and "error:" in result.stderr


def test_all_pages_of_10000_users_as_one_json_array(run_cli: CliRunner, sandbox_factory: SandboxFactory) -> None:
    info = sandbox_factory(users=10_000)
    result = run_cli("api", "GET", "/api/v1/users?limit=200", "--all", "--json", *_org_args(info))
    assert result.returncode == 0, result.stderr
    users = json.loads(result.stdout)
    assert len(users) == 10_000 == len({u["id"] for u in users})
    assert result.stderr == ""


def test_a_rate_limit_beyond_the_wait_bound_fails_fast(run_cli: CliRunner, sandbox_factory: SandboxFactory) -> None:
    info = sandbox_factory(users=6, rate_limit=1)
    started = time.monotonic()
    result = run_cli("api", "GET", "/api/v1/users?limit=2", "--all", "--max-wait", "1", *_org_args(info))
    elapsed = time.monotonic() - started
    stderr = _fails_clearly(result, "rate limit", "E0000047", "resets in")
    assert "X-Rate-Limit-Reset" in stderr
    assert elapsed < 20


def _stub_args(url: str, key: Path, *extra: str) -> list[str]:
    return ["--org", url, "--client-id", "0oastub", "--key", str(key), "--scopes", "okta.users.read", *extra]


def test_a_429_with_a_reset_is_waited_through(run_cli: CliRunner, http_org: SandboxInfo) -> None:
    now = int(time.time())
    too_many = json_answer(429, {"errorCode": "E0000047", "errorSummary": "API call exceeded rate limit due to too "
                                                                         "many requests."},
                           ("X-Rate-Limit-Reset", str(now + 1)), ("Date", formatdate(now, usegmt=True)))
    with stub_server(too_many, json_answer(200, [{"id": "00u1"}])) as stub:
        result = run_cli("api", "GET", "/api/v1/users", *_stub_args(stub.url, http_org.key_file, "--json"))
        assert len(stub.api_requests()) == 2
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{"id": "00u1"}]


def test_a_read_timeout(run_cli: CliRunner, sandbox_factory: SandboxFactory) -> None:
    info = sandbox_factory(users=2, tls=True, faults=(Fault("/api/v1/users", "delay", seconds=4.0),))
    started = time.monotonic()
    result = run_cli("api", "GET", "/api/v1/users", *_org_args(info), "--timeout", "1")
    elapsed = time.monotonic() - started
    _fails_clearly(result, "did not answer in time", "--timeout")
    assert elapsed < 15


def test_a_reset_connection(run_cli: CliRunner, sandbox_factory: SandboxFactory) -> None:
    info = sandbox_factory(users=2, faults=(Fault("/api/v1/users", "reset"),))
    result = run_cli("api", "GET", "/api/v1/users", *_org_args(info), "--timeout", "5")
    _fails_clearly(result, "closed the connection")


def test_a_500(run_cli: CliRunner, sandbox_factory: SandboxFactory) -> None:
    info = sandbox_factory(users=2, faults=(Fault("/api/v1/users", "status", status=500),))
    result = run_cli("api", "GET", "/api/v1/users", *_org_args(info))
    _fails_clearly(result, "HTTP 500 Internal Server Error", "request id")


def test_a_500_that_is_not_okta_json(run_cli: CliRunner, http_org: SandboxInfo) -> None:
    with stub_server(Answer(500, (("Content-Type", "text/html"),), b"<h1>oops</h1>")) as stub:
        result = run_cli("api", "GET", "/api/v1/users", *_stub_args(stub.url, http_org.key_file))
    _fails_clearly(result, "HTTP 500 Internal Server Error", "<h1>oops</h1>")


def test_a_tls_certificate_that_does_not_verify(run_cli: CliRunner, tls_dpop_org: SandboxInfo) -> None:
    args = ["--org", tls_dpop_org.org_url, "--client-id", tls_dpop_org.client_id, "--key", str(tls_dpop_org.key_file)]
    result = run_cli("token", *args, "--scopes", "okta.users.read", "--dpop", "--timeout", "5")
    _fails_clearly(result, "could not be verified", "--ca-bundle")


def test_a_host_that_does_not_resolve(run_cli: CliRunner, http_org: SandboxInfo) -> None:
    result = run_cli("token", "--org", "https://nonexistent.invalid", "--client-id", "0oa1", "--key",
                     str(http_org.key_file), "--scopes", "okta.users.read", "--timeout", "5")
    _fails_clearly(result, "does not resolve", "nonexistent.invalid")


def test_a_dpop_required_app_without_dpop(run_cli: CliRunner, tls_dpop_org: SandboxInfo) -> None:
    result = run_cli("token", *_org_args(tls_dpop_org), "--scopes", "okta.users.read")
    _fails_clearly(result, "requires DPoP", "The DPoP proof JWT header is missing.", "--dpop")


def test_errors_never_show_the_assertion_or_token(run_cli: CliRunner, http_org: SandboxInfo) -> None:
    result = run_cli("token", *_org_args(http_org), "--scopes", "okta.logStreams.manage")
    stderr = _fails_clearly(result, "You are not allowed any of the requested scopes.")
    assert "eyJ" not in stderr


def _save_profiles(home: Path, *profiles: Profile) -> None:
    save_settings(home / "config" / "settings.json", Settings(profiles=profiles, active_profile=profiles[0].name))


def test_profile_from_settings(run_cli: CliRunner, http_org: SandboxInfo, isolated_home: Path) -> None:
    _save_profiles(isolated_home, Profile("dev", org_url=http_org.org_url, client_id=http_org.client_id,
                                          scopes=("okta.users.read",)))
    result = run_cli("token", "--profile", "dev", "--key", str(http_org.key_file), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["scope"] == "okta.users.read"
    listing = run_cli("api", "GET", "/api/v1/users?limit=2", "--profile", "dev", "--key", str(http_org.key_file))
    assert listing.returncode == 0 and len(json.loads(listing.stdout)) == 2
    missing = run_cli("token", "--profile", "nope", "--json")
    assert missing.returncode == 2 and "saved profiles: dev" in missing.stderr


def test_profile_key_in_a_locked_store_asks_for_its_passphrase(run_cli: CliRunner, http_org: SandboxInfo,
                                                               isolated_home: Path) -> None:
    _save_profiles(isolated_home, Profile("dev", org_url=http_org.org_url, client_id=http_org.client_id,
                                          key_ref="service-key", scopes=("okta.users.read",)))
    # no terminal (stdin is a pipe) and no passphrase file: bad input naming both ways to give it
    result = run_cli("token", "--profile", "dev", input="", env={"OKTATOOL_SECRET_STORE": "file"})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == [
        f"error: the encrypted secret store {isolated_home / 'data' / 'secrets.enc'} is locked and no passphrase "
        "was given"]
    assert "--store-passphrase-file FILE" in result.stderr and "OKTATOOL_STORE_PASSPHRASE_FILE" in result.stderr


def test_the_sandbox_profile_runs_the_sandbox_for_the_command(run_cli: CliRunner, isolated_home: Path) -> None:
    import jwt as pyjwt

    _save_profiles(isolated_home, Profile("Local sandbox", scopes=("okta.users.read",)))
    result = run_cli("token", "--profile", "Local sandbox", "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["token_type"] == "Bearer" and answer["scope"] == "okta.users.read"
    claims = pyjwt.decode(answer["access_token"], options={"verify_signature": False})
    assert claims["scp"] == ["okta.users.read"]
    listing = run_cli("api", "GET", "/api/v1/users", "--profile", "Local sandbox", "--json")
    assert listing.returncode == 0, listing.stderr
    assert isinstance(json.loads(listing.stdout), list) and json.loads(listing.stdout)


def test_a_profile_without_a_key_says_so(run_cli: CliRunner, isolated_home: Path) -> None:
    _save_profiles(isolated_home, Profile("Prod", org_url="https://example.okta.com", client_id="0oa1"))
    result = run_cli("token", "--profile", "Prod", "--scopes", "okta.users.read")
    assert result.returncode == 2
    assert result.stderr == ("error: the profile 'Prod' has no key\n"
                             "hint: choose its key in Edit profiles… (the window), or pass --key FILE\n")
    assert "needs --profile" not in result.stderr


def test_an_encrypted_key_made_by_openssl_with_a_password_file(run_cli: CliRunner, http_org: SandboxInfo,
                                                                tmp_path: Path) -> None:
    password, encrypted = tmp_path / "pass.txt", tmp_path / "key.enc.pem"
    password.write_text("correct horse\n")
    subprocess.run(["openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", str(http_org.key_file),
                    "-out", str(encrypted), "-passout", f"file:{password}"], check=True, capture_output=True)
    assert "ENCRYPTED PRIVATE KEY" in encrypted.read_text()
    result = run_cli("token", *_org_args(http_org, key=encrypted), "--password-file", str(password),
                     "--scopes", "okta.users.read", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["token_type"] == "Bearer"
    without = run_cli("token", *_org_args(http_org, key=encrypted), "--scopes", "okta.users.read")
    assert without.returncode == 2 and "error:" in without.stderr
