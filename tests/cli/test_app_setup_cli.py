"""End to end through the CLI against a sandbox org: app create → token → call, keys, rotate, export."""

from __future__ import annotations

import json
from pathlib import Path

import jwt as pyjwt
import pytest
import requests

from oktatool.sandbox import SandboxInfo
from tests.conftest import CliRunner
from tests.sandbox_fixtures import SandboxFactory

KEYRING = {"PYTHON_KEYRING_BACKEND": "tests.file_keyring.FileKeyringForTests"}


def _token_file(tmp_path: Path, info: SandboxInfo) -> Path:
    path = tmp_path / "admin.token"
    path.write_text(info.ssws_token + "\n")
    return path


def _admin(info: SandboxInfo) -> dict[str, str]:
    return {"Authorization": f"SSWS {info.ssws_token}", "Accept": "application/json"}


def _create(run_cli: CliRunner, info: SandboxInfo, tmp_path: Path, *extra: str, name: str = "svc"):
    return run_cli("app", "create", "--org", info.org_url, "--name", "Reporting", "--scopes",
                   "okta.users.read okta.groups.read", "--api-token-file", str(_token_file(tmp_path, info)),
                   "--save-profile", name, "--json", *extra, env=KEYRING)


def test_create_grants_assigns_gets_a_token_calls_and_saves_a_profile(
        run_cli: CliRunner, sandbox_org: SandboxInfo, tmp_path: Path) -> None:
    result = _create(run_cli, sandbox_org, tmp_path)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["ok"] and [s["status"] for s in out["steps"]] == ["done"] * 5
    assert out["steps"][0]["calls"] == ["POST /api/v1/apps → ok"]
    client_id = out["client_id"]
    app = requests.get(f"{sandbox_org.org_url}/api/v1/apps/{client_id}", headers=_admin(sandbox_org), timeout=10)
    body = app.json()
    assert body["settings"]["oauthClient"]["application_type"] == "service"
    assert body["credentials"]["oauthClient"]["token_endpoint_auth_method"] == "private_key_jwt"
    grants = requests.get(f"{sandbox_org.org_url}/api/v1/apps/{client_id}/grants", headers=_admin(sandbox_org),
                          timeout=10).json()
    assert sorted(g["scopeId"] for g in grants) == ["okta.groups.read", "okta.users.read"]
    roles = requests.get(f"{sandbox_org.org_url}/oauth2/v1/clients/{client_id}/roles", headers=_admin(sandbox_org),
                         timeout=10).json()
    assert [r["type"] for r in roles] == ["READ_ONLY_ADMIN"]
    # the saved profile works on its own: a token signed with the library key, verified independently
    token = run_cli("token", "--profile", "svc", "--json", env=KEYRING)
    assert token.returncode == 0, token.stderr
    access = json.loads(token.stdout)["access_token"]
    assert pyjwt.decode(access, options={"verify_signature": False})["cid"] == client_id
    users = run_cli("api", "GET", "/api/v1/users?limit=1", "--profile", "svc", env=KEYRING)
    assert users.returncode == 0 and len(json.loads(users.stdout)) == 1
    assert sandbox_org.ssws_token not in result.stdout + result.stderr + token.stdout + token.stderr


def test_create_assigns_the_narrowest_role_and_super_admin_only_when_asked(
        run_cli: CliRunner, sandbox_org: SandboxInfo, tmp_path: Path) -> None:
    def create(name: str, scopes: str, *extra: str) -> tuple[list[str], str]:
        result = run_cli("app", "create", "--org", sandbox_org.org_url, "--name", name, "--scopes", scopes,
                         "--api-token-file", str(_token_file(tmp_path, sandbox_org)), "--save-profile", name,
                         *extra, env=KEYRING)
        assert result.returncode == 0, result.stderr
        client_id = result.stdout.split("client_id:")[1].split()[0]
        roles = requests.get(f"{sandbox_org.org_url}/oauth2/v1/clients/{client_id}/roles",
                             headers=_admin(sandbox_org), timeout=10).json()
        return [r["type"] for r in roles], result.stdout

    roles, said = create("writer", "okta.users.read okta.users.manage")
    assert roles == ["USER_ADMIN"]
    assert "role:      USER_ADMIN (the narrowest standard role" in said and "--role" in said
    assert create("apps", "okta.apps.manage")[0] == ["APP_ADMIN"]
    assert create("mixed", "okta.apps.manage okta.logs.read")[0] == ["ORG_ADMIN"]
    roles, said = create("asked", "okta.users.manage", "--role", "SUPER_ADMIN")
    assert roles == ["SUPER_ADMIN"] and "role:      SUPER_ADMIN\n" in said


def test_a_failed_step_says_why_and_keeps_what_was_done(
        run_cli: CliRunner, sandbox_org: SandboxInfo, tmp_path: Path) -> None:
    result = _create(run_cli, sandbox_org, tmp_path, "--role", "NOT_A_ROLE")
    assert result.returncode == 1
    out = json.loads(result.stdout)
    assert [s["status"] for s in out["steps"]] == ["done", "done", "failed", "pending", "pending"]
    assert "NOT_A_ROLE" in out["steps"][2]["error"] and out["profile"] == "svc"


def test_create_without_a_key_needs_a_profile(run_cli: CliRunner, sandbox_org: SandboxInfo, tmp_path: Path) -> None:
    result = run_cli("app", "create", "--org", sandbox_org.org_url, "--name", "x", "--scopes", "okta.users.read",
                     "--api-token-file", str(_token_file(tmp_path, sandbox_org)))
    assert result.returncode == 2 and "--save-profile" in result.stderr and "Traceback" not in result.stderr


def _keys(run_cli: CliRunner, info: SandboxInfo, tmp_path: Path, client_id: str, *action: str):
    return run_cli("app", "keys", *action, "--org", info.org_url, "--client-id", client_id, "--api-token-file",
                   str(_token_file(tmp_path, info)), "--json", env=KEYRING)


def test_key_rules_are_enforced_before_any_call(run_cli: CliRunner, sandbox_org: SandboxInfo,
                                               tmp_path: Path) -> None:
    client_id = json.loads(_create(run_cli, sandbox_org, tmp_path).stdout)["client_id"]
    listed = json.loads(_keys(run_cli, sandbox_org, tmp_path, client_id, "list").stdout)
    assert len(listed) == 1 and listed[0]["status"] == "ACTIVE" and listed[0]["library"].startswith("svc ")
    kid = listed[0]["kid"]
    only = _keys(run_cli, sandbox_org, tmp_path, client_id, "deactivate", kid)
    assert only.returncode == 2 and "needs a successor" in only.stderr
    active = _keys(run_cli, sandbox_org, tmp_path, client_id, "delete", kid)
    assert active.returncode == 2 and "only an INACTIVE key can be deleted" in active.stderr
    logs = requests.get(f"{sandbox_org.org_url}/api/v1/apps/{client_id}/credentials/jwks",
                        headers=_admin(sandbox_org), timeout=10).json()
    assert [k["status"] for k in logs] == ["ACTIVE"]  # nothing was changed


def test_rotate_checks_a_token_at_each_step_and_the_old_kid_is_refused(
        run_cli: CliRunner, sandbox_org: SandboxInfo, tmp_path: Path, isolated_home: Path) -> None:
    created = json.loads(_create(run_cli, sandbox_org, tmp_path).stdout)
    old_kid = created["kid"]
    before = run_cli("token", "--profile", "svc", "--json", env=KEYRING)
    assert before.returncode == 0
    rotated = run_cli("app", "rotate", "--profile", "svc", "--api-token-file", str(_token_file(tmp_path, sandbox_org)),
                      "--json", env=KEYRING)
    assert rotated.returncode == 0, rotated.stderr
    out = json.loads(rotated.stdout)
    assert [s["id"] for s in out["steps"]] == ["check", "add-key", "token", "switch", "deactivate-old"]
    assert all(s["status"] == "done" for s in out["steps"]) and out["new_kid"] != old_kid
    after = run_cli("token", "--profile", "svc", "--json", env=KEYRING)
    assert after.returncode == 0, after.stderr
    keys = {k["kid"]: k["status"] for k in json.loads(_keys(run_cli, sandbox_org, tmp_path, created["client_id"],
                                                            "list").stdout)}
    assert keys == {old_kid: "INACTIVE", out["new_kid"]: "ACTIVE"}
    # the old key, still in the library, is refused now
    old_key_file = tmp_path / "old.jwk"
    _export_library_key(isolated_home, f"svc {old_kid[:12]}", old_key_file)
    refused = run_cli("token", "--org", sandbox_org.org_url, "--client-id", created["client_id"], "--key",
                      str(old_key_file), "--scopes", "okta.users.read")
    assert refused.returncode == 1 and "kid is invalid" in refused.stderr
    deleted = _keys(run_cli, sandbox_org, tmp_path, created["client_id"], "delete", old_kid)
    assert deleted.returncode == 0 and json.loads(deleted.stdout)["status"] == "DELETED"


def _export_library_key(home: Path, name: str, target: Path) -> None:
    """Write the library key ``name`` (as the CLI saved it) to ``target``."""
    import os
    import subprocess
    import sys

    code = ("from oktatool.core.store.paths import AppPaths\n"
            "from oktatool.core.store.secrets import open_secret_store\n"
            "from oktatool.core.keys.library import KeyLibrary\n"
            "p = AppPaths.resolve()\n"
            f"k = KeyLibrary(open_secret_store(p), p.data_dir / 'key-library.json').load({name!r})\n"
            f"open({str(target)!r}, 'w').write(k.export('jwk'))\n")
    from tests.conftest import REPO_ROOT

    env = {**os.environ, **KEYRING, "OKTATOOL_HOME": str(home), "PYTHONPATH": str(REPO_ROOT)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=60)


@pytest.mark.parametrize("fmt, extra, expected", [
    ("okta-yaml", [], ["-----BEGIN PRIVATE KEY-----", "    keyId: "]),
    ("okta-yaml", ["--key-file", "/keys/svc.pem", "--key-by-path"], ['privateKey: "/keys/svc.pem"', "    kid: "]),
    ("env", [], ["OKTA_CLIENT_PRIVATEKEY='{\"kty\":\"RSA\"", "OKTA_CLIENT_KEYID="]),
    ("env", ["--key-file", "/keys/svc.pem", "--key-by-path"], ["OKTA_CLIENT_PRIVATEKEY=/keys/svc.pem"]),
    ("terraform", [], ['source = "okta/okta"', 'resource "okta_app_oauth" "app"', "  jwks {"]),
    ("curl", ["--key-file", "/keys/svc.pem"], ["--key /keys/svc.pem", "/oauth2/v1/token"]),
])
def test_export_of_a_profile_holds_its_key_only_where_an_sdk_needs_it(
        run_cli: CliRunner, sandbox_factory: SandboxFactory, tmp_path: Path, fmt: str, extra: list[str],
        expected: list[str]) -> None:
    info = sandbox_factory(users=1)
    assert _create(run_cli, info, tmp_path).returncode == 0
    result = run_cli("app", "export", "--profile", "svc", "--as", fmt, *extra, env=KEYRING)
    assert result.returncode == 0, result.stderr
    for text in expected:
        assert text in result.stdout
    secret = fmt in ("okta-yaml", "env") and "--key-by-path" not in extra
    assert ("PRIVATE KEY" in result.stdout or '"d":' in result.stdout) is secret
    assert ("this export holds the app's private key; use -o FILE" in result.stderr) is secret


def test_create_with_dpop_gets_a_dpop_token_and_calls_with_proofs(
        run_cli: CliRunner, sandbox_org: SandboxInfo, tmp_path: Path) -> None:
    result = _create(run_cli, sandbox_org, tmp_path, "--dpop")
    assert result.returncode == 0, result.stderr
    steps = {s["id"]: s for s in json.loads(result.stdout)["steps"]}
    assert steps["token"]["result"].startswith("DPoP token") and steps["api-call"]["status"] == "done"
    app = requests.get(f"{sandbox_org.org_url}/api/v1/apps/{json.loads(result.stdout)['client_id']}",
                       headers=_admin(sandbox_org), timeout=10).json()
    assert app["settings"]["oauthClient"]["dpop_bound_access_tokens"] is True


def test_a_wrong_api_token_is_explained_and_never_echoed(run_cli: CliRunner, sandbox_org: SandboxInfo,
                                                         tmp_path: Path) -> None:
    wrong = "00WrongTokenValue_abcdefghijklmnopqrstuvwxyz"
    token_file = tmp_path / "wrong.token"
    token_file.write_text(wrong + "\n")
    listed = run_cli("app", "keys", "list", "--org", sandbox_org.org_url, "--client-id", sandbox_org.client_id,
                     "--api-token-file", str(token_file))
    assert listed.returncode == 1 and listed.stderr.startswith("error: ") and "Traceback" not in listed.stderr
    doctor = run_cli("doctor", "--org", sandbox_org.org_url, "--client-id", sandbox_org.client_id, "--key",
                     str(sandbox_org.key_file), "--scopes", "okta.users.read", "--api-token-file", str(token_file),
                     "--json")
    assert doctor.returncode == 1
    failed = [c for c in json.loads(doctor.stdout)["checks"] if c["status"] == "fail"]
    assert [c["id"] for c in failed] == ["app-exists"]
    token_file.write_text("not a token\n")
    spaced = run_cli("app", "keys", "list", "--org", sandbox_org.org_url, "--client-id", sandbox_org.client_id,
                     "--api-token-file", str(token_file))
    assert spaced.returncode == 2 and "spaces" in spaced.stderr
    for result in (listed, doctor, spaced):
        assert wrong not in result.stdout + result.stderr and "not a token" not in result.stderr
