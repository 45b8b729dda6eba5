"""`oktatool doctor` against sandbox orgs: a healthy app passes; each injected failure fails exactly its check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from oktatool.core.okta.doctor_report import ADMIN_CHECKS, CHECKS
from oktatool.sandbox import SandboxInfo
from tests.conftest import CliRunner
from tests.sandbox_fixtures import SandboxFactory


def _doctor(run_cli: CliRunner, info: SandboxInfo, tmp_path: Path, *extra: str, admin: bool = True,
            org: str | None = None, key: Path | None = None, scopes: str = "okta.users.read") -> tuple[int, Any]:
    args = ["doctor", "--org", org or info.org_url, "--client-id", info.client_id, "--key", str(key or info.key_file),
            "--scopes", scopes, "--json", *extra]
    if admin:
        token = tmp_path / "admin.token"
        token.write_text(info.ssws_token + "\n")
        args += ["--api-token-file", str(token)]
    result = run_cli(*args)
    assert "Traceback" not in result.stderr, result.stderr
    assert info.ssws_token not in result.stdout + result.stderr
    assert result.stdout.strip(), (result.returncode, result.stderr)  # --json always prints the report
    return result.returncode, json.loads(result.stdout)


def _by_id(report: dict[str, Any]) -> dict[str, Any]:
    return {c["id"]: c for c in report["checks"]}


def _failing(report: dict[str, Any]) -> list[str]:
    return [c["id"] for c in report["checks"] if c["status"] == "fail"]


def test_a_healthy_app_passes_every_check(run_cli: CliRunner, sandbox_org: SandboxInfo, tmp_path: Path) -> None:
    code, report = _doctor(run_cli, sandbox_org, tmp_path)
    assert code == 0 and report["ok"] is True
    assert [c["id"] for c in report["checks"]] == list(CHECKS)
    assert {c["status"] for c in report["checks"]} == {"pass"}
    assert set(report["checks"][0]) == {"id", "title", "status", "detail", "fix"}


def test_a_healthy_dpop_app_passes_with_a_dpop_token(run_cli: CliRunner, sandbox_dpop: SandboxInfo,
                                                     tmp_path: Path, isolated_home: Path) -> None:
    from oktatool.core.store.settings import Profile, Settings, save_settings

    save_settings(isolated_home / "config" / "settings.json", Settings(profiles=(Profile(
        "dpop", org_url=sandbox_dpop.org_url, client_id=sandbox_dpop.client_id, scopes=("okta.users.read",),
        dpop=True),), active_profile="dpop"))
    token = tmp_path / "admin.token"
    token.write_text(sandbox_dpop.ssws_token)
    result = run_cli("doctor", "--profile", "dpop", "--key", str(sandbox_dpop.key_file), "--api-token-file",
                     str(token), "--json")
    assert result.stdout, result.stderr
    report = json.loads(result.stdout)
    assert result.returncode == 0, report
    assert next(c for c in report["checks"] if c["id"] == "token")["detail"].startswith("DPoP token")


@pytest.mark.parametrize("misconfig, check", [
    ("app-inactive", "app-exists"),
    ("client-secret", "app-auth"),
    ("web-app", "app-type"),
    ("kid-unregistered", "jwks-kid"),
    ("key-inactive", "jwks-active"),
    ("dpop-required", "dpop"),
    ("scope-missing", "scopes"),
    ("no-role", "role"),
    ("metadata-missing", "metadata"),
])
def test_each_injected_misconfiguration_fails_exactly_its_check(
        run_cli: CliRunner, sandbox_factory: SandboxFactory, tmp_path: Path, misconfig: str, check: str) -> None:
    info = sandbox_factory(users=1, misconfig=(misconfig,))
    code, report = _doctor(run_cli, info, tmp_path)
    assert code == 1 and report["ok"] is False
    assert _failing(report) == [check]
    failed = next(c for c in report["checks"] if c["id"] == check)
    assert failed["detail"] and failed["fix"]
    assert {c["status"] for c in report["checks"] if c["id"] in ("token", "api-call")} == {"skip"}


def test_a_read_only_role_fails_the_role_check_for_manage_scopes(
        run_cli: CliRunner, sandbox_factory: SandboxFactory, tmp_path: Path) -> None:
    info = sandbox_factory(users=1, misconfig=("read-only-role",))
    code, report = _doctor(run_cli, info, tmp_path, scopes="okta.users.manage")
    assert code == 1 and _failing(report) == ["role"]
    healthy_code, _ = _doctor(run_cli, info, tmp_path, scopes="okta.users.read")
    assert healthy_code == 0  # reading is what a read-only admin may do


def test_clock_skew_fails_the_clock_check(run_cli: CliRunner, sandbox_factory: SandboxFactory,
                                         tmp_path: Path) -> None:
    info = sandbox_factory(users=1, clock_offset=900)
    code, report = _doctor(run_cli, info, tmp_path)
    assert code == 1 and _failing(report) == ["clock"]
    detail = next(c for c in report["checks"] if c["id"] == "clock")["detail"]
    seconds = int(detail.split(" s behind")[0].rsplit(" ", 1)[1])
    assert abs(seconds - 900) <= 2, detail


def test_an_untrusted_certificate_fails_tls_naming_the_trust_store(
        run_cli: CliRunner, sandbox_tls: SandboxInfo, tmp_path: Path) -> None:
    code, report = _doctor(run_cli, sandbox_tls, tmp_path)
    assert code == 1 and _failing(report) == ["tls"]
    assert "system trust store" in _by_id(report)["tls"]["detail"]
    trusted, report = _doctor(run_cli, sandbox_tls, tmp_path, "--ca-bundle", str(sandbox_tls.ca_file))
    assert trusted == 0, report
    assert f"the CA bundle {sandbox_tls.ca_file}" in _by_id(report)["tls"]["detail"]


@pytest.mark.parametrize("suffix", ["/oauth2/default", "/oauth2/aus1234"])
def test_a_custom_authorization_server_fails_the_org_url_check(
        run_cli: CliRunner, sandbox_org: SandboxInfo, tmp_path: Path, suffix: str) -> None:
    code, report = _doctor(run_cli, sandbox_org, tmp_path, org=sandbox_org.org_url + suffix)
    assert code == 1 and _failing(report) == ["org-url"]
    assert "custom authorization server" in _by_id(report)["org-url"]["detail"]


def test_the_admin_console_host_fails_the_org_url_check(run_cli: CliRunner, sandbox_org: SandboxInfo,
                                                        tmp_path: Path) -> None:
    code, report = _doctor(run_cli, sandbox_org, tmp_path, org="https://dev-123456-admin.okta.com")
    assert code == 1 and _failing(report) == ["org-url"]
    assert "dev-123456.okta.com" in _by_id(report)["org-url"]["fix"]


def test_a_key_okta_does_not_take_fails_the_key_check(run_cli: CliRunner, sandbox_org: SandboxInfo,
                                                      tmp_path: Path) -> None:
    ed = tmp_path / "ed25519.pem"
    ed.write_bytes(ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    code, report = _doctor(run_cli, sandbox_org, tmp_path, key=ed, admin=False)
    assert code == 1 and _failing(report) == ["key-alg"]


def test_the_checks_that_need_no_network_run_when_the_org_cannot_be_reached(
        run_cli: CliRunner, sandbox_org: SandboxInfo, tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago and has no listener
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    code, report = _doctor(run_cli, sandbox_org, tmp_path, org=dead, admin=False)
    checks = _by_id(report)
    assert code == 1 and _failing(report) == ["tls"] and "refused" in checks["tls"]["detail"]
    assert checks["key-alg"]["status"] == "pass" and "RS256" in checks["key-alg"]["detail"]
    assert [c["id"] for c in report["checks"]] == list(CHECKS)
    ed = tmp_path / "ed25519.pem"
    ed.write_bytes(ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    code, report = _doctor(run_cli, sandbox_org, tmp_path, org=dead, key=ed, admin=False)
    assert _failing(report) == ["key-alg", "tls"]
    code, report = _doctor(run_cli, sandbox_org, tmp_path, org="https://dev-1-admin.okta.com", key=ed, admin=False)
    assert _failing(report) == ["org-url", "key-alg"]  # an unusable org URL: the key is still judged


def test_without_an_admin_credential_the_admin_checks_skip_with_the_reason(
        run_cli: CliRunner, sandbox_org: SandboxInfo, tmp_path: Path) -> None:
    code, report = _doctor(run_cli, sandbox_org, tmp_path, admin=False)
    assert code == 0
    by_id = {c["id"]: c for c in report["checks"]}
    for check in ADMIN_CHECKS:
        assert by_id[check]["status"] == "skip" and "admin credential" in by_id[check]["detail"]
    assert by_id["token"]["status"] == "pass" and by_id["api-call"]["status"] == "pass"


def test_the_sandbox_profile_is_healthy_and_prints_a_line_per_check(run_cli: CliRunner) -> None:
    result = run_cli("doctor", "--profile", "Local sandbox")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert sum(line.startswith("[PASS]") for line in lines) == len(CHECKS)
    assert lines[-1] == "all checks passed"


def test_the_sandbox_command_refuses_an_unknown_misconfiguration(run_cli: CliRunner) -> None:
    result = run_cli("sandbox", "--misconfig", "nope")
    assert result.returncode == 2 and "unknown --misconfig 'nope'" in result.stderr and "no-role" in result.stderr
    skewed = run_cli("sandbox", "--clock-offset", "nan")
    assert skewed.returncode == 2 and "--clock-offset" in skewed.stderr


def test_our_kid_on_another_key_fails_the_jwks_kid_check(run_cli: CliRunner, sandbox_org: SandboxInfo,
                                                         tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    other = tmp_path / "other.pem"
    other.write_bytes(rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    code, report = _doctor(run_cli, sandbox_org, tmp_path, "--kid", sandbox_org.kid, key=other)
    assert code == 1 and _failing(report) == ["jwks-kid"]
    assert "different public key" in next(c for c in report["checks"] if c["id"] == "jwks-kid")["detail"]
