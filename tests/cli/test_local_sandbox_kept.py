"""The Local sandbox keeps its org across runs, as a user meets it: one `python -m oktatool` process per step.

Each command starts the Local sandbox in its own process (on a new port) and stops it when it ends, so
every step below is a restart. Also: `app rotate --org URL --client-id ID` against a standalone sandbox.
"""

from __future__ import annotations

import json
from pathlib import Path

import jwt as pyjwt
import requests

from oktatool.context import AppContext
from oktatool.core.store.paths import AppPaths
from oktatool.core.store.secrets import MemoryStore
from oktatool.core.store.settings import SettingsStore, WindowState
from oktatool.sandbox import SandboxInfo
from tests.conftest import CliRunner
from tests.platforms import assert_mode

KEYRING = {"PYTHON_KEYRING_BACKEND": "tests.file_keyring.FileKeyringForTests"}
LOCAL = "Local sandbox"


def _ok(result: object) -> object:
    assert result.returncode == 0, result.stderr  # type: ignore[attr-defined]
    return result


def _cid(token_run: object) -> str:
    access = json.loads(token_run.stdout)["access_token"]  # type: ignore[attr-defined]
    return str(pyjwt.decode(access, options={"verify_signature": False})["cid"])


def _settings(home: Path) -> dict:
    return json.loads(next(home.rglob("settings.json")).read_text())


def _profile(home: Path, name: str) -> dict:
    return next(p for p in _settings(home)["profiles"] if p["name"] == name)


def test_an_app_made_in_the_local_sandbox_survives_restarts_and_rotates(run_cli: CliRunner,
                                                                        isolated_home: Path) -> None:
    created = _ok(run_cli("app", "create", "--profile", LOCAL, "--name", "Nightly report", "--scopes",
                          "okta.users.read", "--save-profile", "nightly", "--json", env=KEYRING))
    out = json.loads(created.stdout)
    assert out["ok"] and out["profile"] == "nightly"  # no admin flag: the sandbox's own token was used
    client_id, old_kid = out["client_id"], out["kid"]
    saved = _profile(isolated_home, "nightly")
    assert saved["org_url"] == "sandbox" and saved["client_id"] == client_id  # the Local sandbox, not a port

    # the process ended and the sandbox with it; a new one (another port) still knows the app and its key
    first = _ok(run_cli("token", "--profile", "nightly", "--json", env=KEYRING))
    assert _cid(first) == client_id

    rotated = _ok(run_cli("app", "rotate", "--profile", "nightly", "--json", env=KEYRING))
    turn = json.loads(rotated.stdout)
    assert turn["ok"] and turn["old_kid"] == old_kid and turn["new_kid"] != old_kid
    assert _profile(isolated_home, "nightly")["key_ref"].startswith("nightly " + turn["new_kid"][:12])

    again = _ok(run_cli("token", "--profile", "nightly", "--json", env=KEYRING))
    assert _cid(again) == client_id
    keys = _ok(run_cli("app", "keys", "list", "--profile", "nightly", "--json", env=KEYRING))
    assert {k["kid"]: k["status"] for k in json.loads(keys.stdout)} == {old_kid: "INACTIVE",
                                                                         turn["new_kid"]: "ACTIVE"}
    grants = _ok(run_cli("app", "grants", "list", "--profile", "nightly", "--json", env=KEYRING))
    assert [g["scopeId"] for g in json.loads(grants.stdout)] == ["okta.users.read"]
    doctor = _ok(run_cli("doctor", "--profile", "nightly", "--json", env=KEYRING))  # no ADMIN flag either
    checks = json.loads(doctor.stdout)["checks"]
    assert all(c["status"] == "pass" for c in checks), [c for c in checks if c["status"] != "pass"]
    assert_mode((isolated_home / "data" / "sandbox" / "org.json"), 0o600)


def test_an_app_made_on_the_command_line_while_the_window_runs_is_not_lost(run_cli: CliRunner,
                                                                          isolated_home: Path) -> None:
    paths = AppPaths.resolve(isolated_home)
    window = AppContext(paths, SettingsStore(paths.settings_file), secret_store=MemoryStore())
    try:
        info = window.sandbox()  # the window's in-process sandbox, started before the command's
        created = _ok(run_cli("app", "create", "--profile", LOCAL, "--name", "Nightly report", "--scopes",
                              "okta.users.read", "--save-profile", "nightly", "--json", env=KEYRING))
        client_id = json.loads(created.stdout)["client_id"]
        admin = {"Authorization": f"SSWS {info.ssws_token}"}
        seen = requests.get(f"{info.org_url}/api/v1/apps/{client_id}", headers=admin, timeout=10)
        assert seen.status_code == 200 and seen.json()["label"] == "Nightly report"  # the window sees it
        change = requests.post(f"{info.org_url}/api/v1/groups", headers=admin, timeout=10,
                               json={"profile": {"name": "Made in the window"}})
        assert change.status_code == 200  # the window's next change...
        # ...and its settings save on closing (size and tab) keep the command's app and its profile
        window.settings.settings = window.settings.settings._replace(window=WindowState(width=1300))
        assert window.settings.save_quietly() is None
    finally:
        window.close()
    token = _ok(run_cli("token", "--profile", "nightly", "--json", env=KEYRING))
    assert _cid(token) == client_id


def test_a_profile_an_older_version_saved_for_the_sandbox_port_is_recognised(run_cli: CliRunner,
                                                                             isolated_home: Path) -> None:
    created = _ok(run_cli("app", "create", "--profile", LOCAL, "--name", "Old", "--scopes", "okta.users.read",
                          "--save-profile", "old", "--json", env=KEYRING))
    client_id = json.loads(created.stdout)["client_id"]
    # what the older version wrote: the port of a sandbox that died with its process
    settings_file = next(isolated_home.rglob("settings.json"))
    settings = json.loads(settings_file.read_text())
    for profile in settings["profiles"]:
        if profile["name"] == "old":
            profile["org_url"] = "http://127.0.0.1:9/"
    settings["profiles"].append({**settings["profiles"][-1], "name": "real", "org_url": "http://127.0.0.1:9/",
                                 "client_id": "0oaNOTINTHESANDBOX01"})
    settings_file.write_text(json.dumps(settings))

    token = _ok(run_cli("token", "--profile", "old", "--json", env=KEYRING))
    assert _cid(token) == client_id
    assert _profile(isolated_home, "old")["org_url"] == "sandbox"  # migrated on load, and saved
    assert _profile(isolated_home, "real")["org_url"] == "http://127.0.0.1:9/"  # not an app of the kept org


def _keygen(run_cli: CliRunner, path: Path) -> str:
    _ok(run_cli("keygen", "--kty", "RSA", "-o", str(path)))
    return str(json.loads(path.read_text())["kid"])


def test_rotate_with_org_and_client_id_does_everything_but_the_profile_switch(
        run_cli: CliRunner, sandbox_org: SandboxInfo, tmp_path: Path, isolated_home: Path) -> None:
    admin = tmp_path / "admin.token"
    admin.write_text(sandbox_org.ssws_token + "\n")
    old_file, new_file = tmp_path / "old.jwk", tmp_path / "new.jwk"
    old_kid, new_kid = _keygen(run_cli, old_file), _keygen(run_cli, new_file)
    created = _ok(run_cli("app", "create", "--org", sandbox_org.org_url, "--name", "cron", "--scopes",
                          "okta.users.read okta.groups.read", "--key", str(old_file), "--api-token-file", str(admin),
                          "--json"))
    client_id = json.loads(created.stdout)["client_id"]
    target = ("--org", sandbox_org.org_url, "--client-id", client_id, "--api-token-file", str(admin))
    settings_before = _settings(isolated_home)

    without_key = run_cli("app", "rotate", *target)
    assert without_key.returncode == 2 and "--new-key FILE" in without_key.stderr

    rotated = _ok(run_cli("app", "rotate", *target, "--new-key", str(new_file), "--json"))
    out = json.loads(rotated.stdout)
    assert out["ok"] and (out["old_kid"], out["new_kid"]) == (old_kid, new_kid)
    assert [s["status"] for s in out["steps"]] == ["done"] * 5
    assert "no profile to switch" in out["steps"][3]["result"]
    assert _settings(isolated_home) == settings_before  # no profile was made or changed

    jwks = requests.get(f"{sandbox_org.org_url}/api/v1/apps/{client_id}/credentials/jwks", timeout=10,
                        headers={"Authorization": f"SSWS {sandbox_org.ssws_token}"}).json()
    assert {k["kid"]: k["status"] for k in jwks} == {old_kid: "INACTIVE", new_kid: "ACTIVE"}
    token = ("token", "--org", sandbox_org.org_url, "--client-id", client_id, "--scopes", "okta.groups.read")
    _ok(run_cli(*token, "--key", str(new_file)))
    refused = run_cli(*token, "--key", str(old_file))
    assert refused.returncode == 1

    plain = _ok(run_cli("app", "rotate", *target, "--new-key", str(old_file)))
    assert new_kid in plain.stdout and old_kid in plain.stdout  # "rotated: OLD -> NEW" with the new kid


def test_a_damaged_org_file_is_said_on_the_command_line(run_cli: CliRunner, isolated_home: Path) -> None:
    folder = isolated_home / "data" / "sandbox"
    folder.mkdir(parents=True, mode=0o700)
    (folder / "org.json").write_text("{not json")
    token = _ok(run_cli("token", "--profile", LOCAL, "--json", env=KEYRING))
    assert "warning: The sandbox's org file" in token.stderr and "org.json.corrupt-" in token.stderr
    assert len(list(folder.glob("org.json.corrupt-*"))) == 1
