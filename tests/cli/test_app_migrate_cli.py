"""`oktatool app migrate-to-key` against the sandbox, and doctor's word on an app that still uses a client secret."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import requests

from oktatool.sandbox import Fault, SandboxInfo
from tests.conftest import CliRunner
from tests.sandbox.client import oauth_error, secret_app, secret_token, ssws
from tests.sandbox_fixtures import SandboxFactory

KEYRING = {"PYTHON_KEYRING_BACKEND": "tests.file_keyring.FileKeyringForTests"}
INVALID_CLIENT = "Client authentication failed. Either the client or the client credentials are invalid."


def _migrate(run_cli: CliRunner, info: SandboxInfo, app_id: str, tmp_path: Path, *extra: str) -> tuple[int, Any, str]:
    token = tmp_path / "admin.token"
    token.write_text(info.ssws_token + "\n")
    result = run_cli("app", "migrate-to-key", "--org", info.org_url, "--client-id", app_id, "--key",
                     str(info.jwk_file), "--api-token-file", str(token), *extra)
    assert "Traceback" not in result.stderr, result.stderr
    assert info.ssws_token not in result.stdout + result.stderr
    return result.returncode, json.loads(result.stdout) if "--json" in extra else result.stdout, result.stderr


def _kids(info: SandboxInfo, app_id: str) -> list[str]:
    keys = requests.get(f"{info.org_url}/api/v1/apps/{app_id}/credentials/jwks", headers=ssws(info), timeout=10)
    return [k["kid"] for k in keys.json()]


def test_migrate_to_key_lists_the_secrets_switches_and_proves_the_key(run_cli: CliRunner, sandbox_org: SandboxInfo,
                                                                     tmp_path: Path) -> None:
    app_id, secret = secret_app(sandbox_org)
    code, report, stderr = _migrate(run_cli, sandbox_org, app_id, tmp_path, "--yes", "--json")
    assert code == 0 and report["ok"] is True, report
    [gone] = report["secrets_deleted"]
    assert gone["id"].startswith("ocs") and gone["id"] in stderr and "client_secret" not in gone
    assert [s["status"] for s in report["steps"]] == ["done"] * 4
    assert report["kid"] == sandbox_org.kid and _kids(sandbox_org, app_id) == [sandbox_org.kid]
    assert report["steps"][-1]["result"].startswith("Bearer token for okta.users.read")
    assert oauth_error(secret_token(sandbox_org, app_id, secret)) == (401, "invalid_client", INVALID_CLIENT)


def test_without_a_terminal_or_yes_nothing_changes(run_cli: CliRunner, sandbox_org: SandboxInfo,
                                                   tmp_path: Path) -> None:
    app_id, _secret = secret_app(sandbox_org)
    code, _out, stderr = _migrate(run_cli, sandbox_org, app_id, tmp_path)
    assert code == 2 and "--yes" in stderr
    assert _kids(sandbox_org, app_id) == []


def test_a_run_stopped_by_a_refused_token_goes_on_when_run_again(run_cli: CliRunner, sandbox_factory: SandboxFactory,
                                                                 tmp_path: Path) -> None:
    info = sandbox_factory(users=1, faults=(Fault("/oauth2/v1/token", "status", status=503, times=1),))
    app_id, _secret = secret_app(info)
    code, report, _err = _migrate(run_cli, info, app_id, tmp_path, "--yes", "--json")
    assert code == 1 and [s["status"] for s in report["steps"]] == ["done", "done", "done", "failed"]
    code, report, _err = _migrate(run_cli, info, app_id, tmp_path, "--yes", "--json")
    assert code == 0, report
    assert report["steps"][0]["result"].startswith("the app authenticates with private_key_jwt already")
    assert report["steps"][2]["result"].startswith("private_key_jwt already")
    assert _kids(info, app_id) == [info.kid]


def test_doctor_names_the_command_that_moves_a_secret_app(run_cli: CliRunner, sandbox_factory: SandboxFactory,
                                                          tmp_path: Path) -> None:
    info = sandbox_factory(users=1, misconfig=("client-secret",))
    token = tmp_path / "admin.token"
    token.write_text(info.ssws_token + "\n")
    doctor = ("doctor", "--org", info.org_url, "--client-id", info.client_id, "--key", str(info.key_file),
              "--scopes", "okta.users.read", "--api-token-file", str(token), "--json")
    report = json.loads(run_cli(*doctor).stdout)
    auth = next(c for c in report["checks"] if c["id"] == "app-auth")
    assert auth["status"] == "fail" and "still authenticates with a client secret" in auth["detail"]
    assert f"oktatool app migrate-to-key --org {info.org_url} --client-id {info.client_id} ADMIN" in auth["fix"]
    code, _report, _err = _migrate(run_cli, info, info.client_id, tmp_path, "--yes", "--json")
    assert code == 0
    after = run_cli(*doctor)
    assert after.returncode == 0, after.stdout


def test_a_profile_without_a_key_gets_one_kept_first_so_a_stopped_run_goes_on_with_it(
        run_cli: CliRunner, sandbox_factory: SandboxFactory, tmp_path: Path, isolated_home: Path) -> None:
    from oktatool.core.store.settings import Profile, Settings, load_settings, save_settings

    info = sandbox_factory(users=1, faults=(Fault("/oauth2/v1/token", "status", status=503, times=1),))
    app_id, secret = secret_app(info)
    settings_file = isolated_home / "config" / "settings.json"
    save_settings(settings_file, Settings(profiles=(Profile("legacy", org_url=info.org_url, client_id=app_id,
                                                            scopes=("okta.users.read",)),), active_profile="legacy"))
    token = tmp_path / "admin.token"
    token.write_text(info.ssws_token + "\n")
    move = ("app", "migrate-to-key", "--profile", "legacy", "--api-token-file", str(token), "--yes", "--json")
    first = run_cli(*move, env=KEYRING)
    assert first.returncode == 1 and "Traceback" not in first.stderr, first.stderr
    kid = json.loads(first.stdout)["kid"]
    [profile] = load_settings(settings_file).settings.profiles
    assert profile.key_ref and kid in first.stderr  # kept before any call
    again = run_cli(*move, env=KEYRING)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["kid"] == kid and _kids(info, app_id) == [kid]
    assert json.loads(run_cli("token", "--profile", "legacy", "--json", env=KEYRING).stdout)["token_type"] == "Bearer"
    assert oauth_error(secret_token(info, app_id, secret)) == (401, "invalid_client", INVALID_CLIENT)


def test_a_key_given_to_a_profile_is_the_one_the_profile_signs_with_afterwards(
        run_cli: CliRunner, sandbox_org: SandboxInfo, tmp_path: Path, isolated_home: Path) -> None:
    from oktatool.core.store.settings import Profile, Settings, save_settings

    app_id, _secret = secret_app(sandbox_org)
    save_settings(isolated_home / "config" / "settings.json", Settings(profiles=(Profile(
        "legacy", org_url=sandbox_org.org_url, client_id=app_id, scopes=("okta.users.read",)),),
        active_profile="legacy"))
    token = tmp_path / "admin.token"
    token.write_text(sandbox_org.ssws_token + "\n")
    moved = run_cli("app", "migrate-to-key", "--profile", "legacy", "--key", str(sandbox_org.jwk_file),
                    "--api-token-file", str(token), "--yes", env=KEYRING)
    assert moved.returncode == 0, moved.stderr
    after = run_cli("token", "--profile", "legacy", "--json", env=KEYRING)
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout)["token_type"] == "Bearer"


def test_doctor_names_the_profile_as_the_commands_target(run_cli: CliRunner, sandbox_factory: SandboxFactory,
                                                         tmp_path: Path, isolated_home: Path) -> None:
    from oktatool.core.store.settings import Profile, Settings, save_settings

    info = sandbox_factory(users=1, misconfig=("client-secret",))
    save_settings(isolated_home / "config" / "settings.json", Settings(profiles=(Profile(
        "old app", org_url=info.org_url, client_id=info.client_id, scopes=("okta.users.read",)),),
        active_profile="old app"))
    token = tmp_path / "admin.token"
    token.write_text(info.ssws_token + "\n")
    report = json.loads(run_cli("doctor", "--profile", "old app", "--key", str(info.key_file), "--api-token-file",
                                str(token), "--json").stdout)
    auth = next(c for c in report["checks"] if c["id"] == "app-auth")
    assert auth["fix"].endswith("oktatool app migrate-to-key --profile 'old app' ADMIN"), auth
