"""Keys published at a URL (jwks_uri) through the CLI against the sandbox: app create --jwks-uri, app rotate with no
change to the app (resumable at the URL check), app keys use-url (saved keys deleted, asked first) and
app migrate-to-key --jwks-uri. The URL is served on loopback by the test (the sandbox fetches it at token time)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from oktatool.core.keys.key import KeySpec, generate_key
from oktatool.core.okta.jwks_uri import publish_document
from oktatool.core.okta.rotation import new_app_key
from oktatool.sandbox import SandboxInfo
from tests.conftest import CliRunner
from tests.jwks_server import PublishedSet
from tests.sandbox.client import secret_app, ssws

KEYRING = {"PYTHON_KEYRING_BACKEND": "tests.file_keyring.FileKeyringForTests"}


def _admin_file(tmp_path: Path, info: SandboxInfo) -> str:
    path = tmp_path / "admin.token"
    path.write_text(info.ssws_token + "\n")
    return str(path)


def _key_file(tmp_path: Path) -> tuple[Path, Any]:
    key = new_app_key()
    path = tmp_path / f"{key.kid}.jwk"
    path.write_text(key.export("jwk"))
    return path, key


def _app(info: SandboxInfo, client_id: str) -> dict[str, Any]:
    answer = requests.get(f"{info.org_url}/api/v1/apps/{client_id}", headers=ssws(info), timeout=10)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _saved_kids(info: SandboxInfo, client_id: str) -> list[str]:
    keys = requests.get(f"{info.org_url}/api/v1/apps/{client_id}/credentials/jwks", headers=ssws(info), timeout=10)
    return [k["kid"] for k in keys.json()]


def _create_on_url(run_cli: CliRunner, info: SandboxInfo, tmp_path: Path, url: str, key_file: Path,
                   *extra: str) -> Any:
    result = run_cli("app", "create", "--org", info.org_url, "--name", "By URL", "--scopes", "okta.users.read",
                     "--api-token-file", _admin_file(tmp_path, info), "--key", str(key_file), "--jwks-uri", url,
                     "--json", *extra, env=KEYRING)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_create_with_a_jwks_uri_saves_no_key_and_the_profile_gets_tokens(
        run_cli: CliRunner, sandbox_org: SandboxInfo, tmp_path: Path, jwks_server: PublishedSet) -> None:
    key_file, key = _key_file(tmp_path)
    jwks_server.serve(publish_document([key]))
    result = _create_on_url(run_cli, sandbox_org, tmp_path, jwks_server.url, key_file, "--save-profile", "svc")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["ok"] and out["jwks_uri"] == jwks_server.url
    assert out["steps"][0]["calls"] == [f"GET {jwks_server.url} → ok", "POST /api/v1/apps → ok"]
    app = _app(sandbox_org, out["client_id"])
    assert app["settings"]["oauthClient"]["jwks_uri"] == jwks_server.url
    assert _saved_kids(sandbox_org, out["client_id"]) == []
    token = run_cli("token", "--profile", "svc", "--json", env=KEYRING)
    assert token.returncode == 0, token.stderr


def test_create_refuses_a_url_without_the_key_before_any_app_is_made(
        run_cli: CliRunner, sandbox_org: SandboxInfo, tmp_path: Path, jwks_server: PublishedSet) -> None:
    key_file, _key = _key_file(tmp_path)
    jwks_server.serve(publish_document([new_app_key()]))  # someone else's key
    before = len(requests.get(f"{sandbox_org.org_url}/api/v1/apps", headers=ssws(sandbox_org), timeout=10).json())
    result = _create_on_url(run_cli, sandbox_org, tmp_path, jwks_server.url, key_file)
    assert result.returncode == 1
    assert "does not hold the signing kid" in json.loads(result.stdout)["steps"][0]["error"]
    after = len(requests.get(f"{sandbox_org.org_url}/api/v1/apps", headers=ssws(sandbox_org), timeout=10).json())
    assert after == before
    no_key = run_cli("app", "create", "--org", sandbox_org.org_url, "--name", "x", "--scopes", "okta.users.read",
                     "--api-token-file", _admin_file(tmp_path, sandbox_org), "--jwks-uri", jwks_server.url,
                     "--save-profile", "p", env=KEYRING)
    assert no_key.returncode == 2 and "--key FILE" in no_key.stderr


def _rotate(run_cli: CliRunner, info: SandboxInfo, tmp_path: Path, jwks_file: Path) -> Any:
    result = run_cli("app", "rotate", "--profile", "svc", "--api-token-file", _admin_file(tmp_path, info),
                     "--jwks-file", str(jwks_file), "--json", env=KEYRING)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_rotate_a_jwks_uri_app_leaves_the_app_unchanged(
        run_cli: CliRunner, sandbox_org: SandboxInfo, tmp_path: Path, jwks_server: PublishedSet) -> None:
    key_file, key = _key_file(tmp_path)
    jwks_file = tmp_path / "published" / "jwks.json"
    jwks_file.parent.mkdir()
    jwks_file.write_text(json.dumps(publish_document([key])))
    jwks_server.serve_file(jwks_file)  # the URL serves whatever oktatool writes there
    created = json.loads(_create_on_url(run_cli, sandbox_org, tmp_path, jwks_server.url, key_file,
                                        "--save-profile", "svc").stdout)
    before = _app(sandbox_org, created["client_id"])
    rotated = _rotate(run_cli, sandbox_org, tmp_path, jwks_file)
    assert rotated.returncode == 0, rotated.stderr
    out = json.loads(rotated.stdout)
    assert [s["id"] for s in out["steps"]] == ["check", "publish-both", "url-new", "token", "switch", "publish-new"]
    assert all(s["status"] == "done" for s in out["steps"]) and out["old_kid"] == key.kid != out["new_kid"]
    assert out["steps"][1]["result"].startswith(f"wrote {jwks_file} with kids {key.kid}, {out['new_kid']}")
    assert _app(sandbox_org, created["client_id"]) == before  # nothing sent to the Apps API but reads
    published = json.loads(jwks_file.read_text())
    assert [k["kid"] for k in published["keys"]] == [out["new_kid"]] and "d" not in published["keys"][0]
    after = run_cli("token", "--profile", "svc", "--json", env=KEYRING)
    assert after.returncode == 0, after.stderr
    refused = run_cli("token", "--org", sandbox_org.org_url, "--client-id", created["client_id"], "--key",
                      str(key_file), "--scopes", "okta.users.read")
    assert refused.returncode == 1 and "kid is invalid" in refused.stderr


def test_rotate_stops_until_the_url_serves_the_new_key_and_goes_on_with_the_same_key(
        run_cli: CliRunner, sandbox_org: SandboxInfo, tmp_path: Path, jwks_server: PublishedSet) -> None:
    key_file, key = _key_file(tmp_path)
    jwks_server.serve(publish_document([key]))  # the old set, whatever oktatool writes
    created = json.loads(_create_on_url(run_cli, sandbox_org, tmp_path, jwks_server.url, key_file,
                                        "--save-profile", "svc").stdout)
    assert created["ok"]
    jwks_file = tmp_path / "jwks.json"
    first = _rotate(run_cli, sandbox_org, tmp_path, jwks_file)
    assert first.returncode == 1
    out = json.loads(first.stdout)
    assert [s["status"] for s in out["steps"]] == ["done", "done", "failed", "pending", "pending", "pending"]
    assert f"serve {jwks_file} at {jwks_server.url}" in out["steps"][2]["hint"]
    assert [k["kid"] for k in json.loads(jwks_file.read_text())["keys"]] == [key.kid, out["new_kid"]]
    still = run_cli("token", "--profile", "svc", "--json", env=KEYRING)  # the profile still signs with the old key
    assert still.returncode == 0, still.stderr
    jwks_server.serve_file(jwks_file)  # published now
    second = _rotate(run_cli, sandbox_org, tmp_path, jwks_file)
    assert second.returncode == 0, second.stderr
    again = json.loads(second.stdout)
    assert again["new_kid"] == out["new_kid"] and again["old_kid"] == key.kid
    assert [k["kid"] for k in json.loads(jwks_file.read_text())["keys"]] == [out["new_kid"]]


def test_keys_use_url_asks_lists_the_saved_keys_and_deletes_them(
        run_cli: CliRunner, sandbox_org: SandboxInfo, tmp_path: Path, jwks_server: PublishedSet) -> None:
    key_file, key = _key_file(tmp_path)
    made = run_cli("app", "create", "--org", sandbox_org.org_url, "--name", "Saved", "--scopes", "okta.users.read",
                   "--api-token-file", _admin_file(tmp_path, sandbox_org), "--key", str(key_file),
                   "--save-profile", "svc", "--json", env=KEYRING)
    client_id = json.loads(made.stdout)["client_id"]
    assert _saved_kids(sandbox_org, client_id) == [key.kid]
    jwks_server.serve(publish_document([key]))
    args = ("app", "keys", "use-url", jwks_server.url, "--profile", "svc", "--api-token-file",
            _admin_file(tmp_path, sandbox_org))
    unasked = run_cli(*args, env=KEYRING)
    assert unasked.returncode == 2 and "--yes" in unasked.stderr
    assert _saved_kids(sandbox_org, client_id) == [key.kid]
    switched = run_cli(*args, "--yes", "--json", env=KEYRING)
    assert switched.returncode == 0, switched.stderr
    assert json.loads(switched.stdout)["deleted_kids"] == [key.kid] and key.kid in switched.stderr
    assert _saved_kids(sandbox_org, client_id) == []
    assert _app(sandbox_org, client_id)["settings"]["oauthClient"]["jwks_uri"] == jwks_server.url
    assert run_cli("token", "--profile", "svc", env=KEYRING).returncode == 0


def test_migrate_to_key_with_a_jwks_uri(run_cli: CliRunner, sandbox_org: SandboxInfo, tmp_path: Path,
                                        jwks_server: PublishedSet) -> None:
    key_file, key = _key_file(tmp_path)
    jwks_server.serve(publish_document([key]))
    app_id, _secret = secret_app(sandbox_org)
    result = run_cli("app", "migrate-to-key", "--org", sandbox_org.org_url, "--client-id", app_id, "--key",
                     str(key_file), "--jwks-uri", jwks_server.url, "--api-token-file",
                     _admin_file(tmp_path, sandbox_org), "--yes", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] and report["jwks_uri"] == jwks_server.url
    assert report["steps"][1]["calls"] == [f"GET {jwks_server.url} → ok"]
    app = _app(sandbox_org, app_id)
    assert app["settings"]["oauthClient"]["jwks_uri"] == jwks_server.url
    assert app["credentials"]["oauthClient"]["token_endpoint_auth_method"] == "private_key_jwt"
    assert _saved_kids(sandbox_org, app_id) == [] and report["steps"][-1]["result"].startswith("Bearer token")


def test_an_ec_key_published_at_the_url_works_too(run_cli: CliRunner, sandbox_org: SandboxInfo, tmp_path: Path,
                                                   jwks_server: PublishedSet) -> None:
    key = generate_key(KeySpec("EC", crv="P-256", alg="ES256")).with_thumbprint_kid()
    key_file = tmp_path / "ec.jwk"
    key_file.write_text(key.export("jwk"))
    jwks_server.serve(publish_document([key]))
    result = _create_on_url(run_cli, sandbox_org, tmp_path, jwks_server.url, key_file)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("client_id", "expected"), [
    ("0oa1b2c3d4E5f6G7h8i9", "jwks-0oa1b2c3d4E5f6G7h8i9.json"),
    ("../../etc/cron.d/x", "jwks-..-..-etc-cron.d-x.json"),
    ("C:\\Windows\\x", "jwks-C--Windows-x.json"),
    ("  ", "jwks-app.json"),
])
def test_the_default_jwks_file_is_a_plain_name_in_its_folder(client_id: str, expected: str) -> None:
    # a client id typed into a profile names the file rotate writes when --jwks-file is left out
    from oktatool.core.okta.url_rotation import default_jwks_file

    name = default_jwks_file(client_id)
    assert name == expected
    assert Path(name).name == name and "/" not in name and "\\" not in name
