"""`app export` as pasted into real clients nobody here wrote, against a sandbox over TLS.

okta-sdk-python 3.x (a test dependency) and okta-sdk-nodejs (when ``node`` and the package are found, e.g.
``NODE_PATH`` pointing at an ``npm install @okta/okta-sdk-nodejs``) read the okta.yaml and env exports, get a
token (Bearer, or DPoP for an app that requires it) and list users and apps; bash and zsh run the curl recipe.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from oktatool.sandbox import SandboxInfo
from tests.conftest import REPO_ROOT, CliRunner
from tests.sandbox_fixtures import SandboxFactory

KEYRING = {"PYTHON_KEYRING_BACKEND": "tests.file_keyring.FileKeyringForTests"}
SCOPES = "okta.users.read okta.apps.read"

#: what a user of okta-sdk-python writes: a Client that reads ./okta.yaml and OKTA_CLIENT_* by itself
PYTHON_SDK_SCRIPT = """\
import asyncio, sys
from okta.client import Client

async def main():
    async with Client() as client:
        users, _, err = await client.list_users()
        if err:
            sys.exit(f"users: {err}")
        apps, _, err = await client.list_applications()
        if err:
            sys.exit(f"apps: {err}")
        print(f"users {len(users)} apps {len(apps)}")

asyncio.run(main())
"""

#: the same with okta-sdk-nodejs
NODE_SDK_SCRIPT = """\
const okta = require('@okta/okta-sdk-nodejs');
(async () => {
  const client = new okta.Client();
  let users = 0, apps = 0;
  for await (const u of await client.userApi.listUsers()) users++;
  for await (const a of await client.applicationApi.listApplications()) apps++;
  console.log(`users ${users} apps ${apps}`);
})().catch(e => { console.error(`failed: ${e.message}`); process.exit(1); });
"""


def _node_sdk() -> str | None:
    """Return why okta-sdk-nodejs cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "needs node (apt-get install nodejs)"
    found = subprocess.run(["node", "-e", "require.resolve('@okta/okta-sdk-nodejs')"], capture_output=True,
                           timeout=60, check=False)
    return None if found.returncode == 0 else "needs @okta/okta-sdk-nodejs on NODE_PATH (npm install)"


def _create(run_cli: CliRunner, info: SandboxInfo, tmp_path: Path, *extra: str) -> None:
    token = tmp_path / "admin.token"
    token.write_text(info.ssws_token + "\n")
    made = run_cli("app", "create", "--org", info.org_url, "--name", "Reporting", "--scopes", SCOPES,
                   "--api-token-file", str(token), "--ca-bundle", str(info.ca_file), "--save-profile", "svc",
                   *extra, env=KEYRING)
    assert made.returncode == 0, made.stderr


def _export(run_cli: CliRunner, fmt: str, target: Path, *extra: str) -> None:
    done = run_cli("app", "export", "--profile", "svc", "--as", fmt, "-o", str(target), *extra, env=KEYRING)
    assert done.returncode == 0, done.stderr
    if "--key-by-path" in extra:
        assert "note:" not in done.stderr
    else:
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert f"wrote {target}, readable by you only (mode 0600)" in done.stderr


def _client_env(folder: Path, **extra: str) -> dict[str, str]:
    """A clean environment, as on another machine: no OKTA_* variables, HOME without a ~/.okta/okta.yaml."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(folder), **extra}


def _run_in(folder: Path, command: list[str], env: dict[str, str], *, sourcing: Path | None = None) -> str:
    if sourcing is not None:  # the env export is pasted into the shell that runs the client
        command = ["bash", "-c", '. "$0" && exec "$@"', str(sourcing), *command]
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip()


@pytest.fixture(params=[False, True], ids=["bearer", "dpop"])
def tls_profile(request: pytest.FixtureRequest, run_cli: CliRunner, sandbox_factory: SandboxFactory,
                tmp_path: Path) -> SandboxInfo:
    """A profile "svc" for a new app in a sandbox over TLS, mid-rotation: two ACTIVE keys, so an assertion
    without the kid is refused. The app requires DPoP in the dpop case."""
    info = sandbox_factory(tls=True, users=3)
    _create(run_cli, info, tmp_path, *(["--dpop"] if request.param else []))
    other = tmp_path / "other.jwk"
    assert run_cli("keygen", "--kty", "RSA", "-o", str(other)).returncode == 0
    added = run_cli("app", "keys", "add", str(other), "--profile", "svc", "--api-token-file",
                    str(tmp_path / "admin.token"), "--ca-bundle", str(info.ca_file), env=KEYRING)
    assert added.returncode == 0, added.stderr
    return info


@pytest.mark.slow
def test_okta_yaml_and_env_work_with_okta_sdk_python(run_cli: CliRunner, tls_profile: SandboxInfo,
                                                     tmp_path: Path) -> None:
    script = tmp_path / "sdk.py"
    script.write_text(PYTHON_SDK_SCRIPT)
    trust = {"SSL_CERT_FILE": str(tls_profile.ca_file)}  # aiohttp's default SSL context reads it
    yaml_dir, env_dir = tmp_path / "yaml", tmp_path / "env"
    yaml_dir.mkdir(), env_dir.mkdir()
    _export(run_cli, "okta-yaml", yaml_dir / "okta.yaml")
    assert _run_in(yaml_dir, [sys.executable, str(script)], _client_env(yaml_dir, **trust)) == "users 3 apps 4"
    _export(run_cli, "env", env_dir / "okta.env", "--shell", "posix")
    assert _run_in(env_dir, [sys.executable, str(script)], _client_env(env_dir, **trust),
                   sourcing=env_dir / "okta.env") == "users 3 apps 4"


@pytest.mark.slow
def test_the_by_path_okta_yaml_works_with_okta_sdk_python(run_cli: CliRunner, sandbox_factory: SandboxFactory,
                                                          tmp_path: Path) -> None:
    info = sandbox_factory(tls=True, users=3)
    script = tmp_path / "sdk.py"
    script.write_text(PYTHON_SDK_SCRIPT)
    done = run_cli("app", "export", "--org", info.org_url, "--client-id", info.client_id, "--scopes", SCOPES,
                   "--as", "okta-yaml", "--key-file", str(info.key_file), "--kid", info.kid, "--key-by-path")
    assert done.returncode == 0, done.stderr
    assert "PRIVATE KEY" not in done.stdout and f"privateKey: {json.dumps(str(info.key_file))}" in done.stdout
    (tmp_path / "okta.yaml").write_text(done.stdout)
    env = _client_env(tmp_path, SSL_CERT_FILE=str(info.ca_file))
    assert _run_in(tmp_path, [sys.executable, str(script)], env) == "users 3 apps 3"


@pytest.mark.slow
@pytest.mark.skipif(_node_sdk() is not None, reason=_node_sdk() or "")
def test_okta_yaml_and_env_work_with_okta_sdk_nodejs(run_cli: CliRunner, tls_profile: SandboxInfo,
                                                     tmp_path: Path) -> None:
    script = tmp_path / "sdk.js"
    script.write_text(NODE_SDK_SCRIPT)
    trust = {"NODE_EXTRA_CA_CERTS": str(tls_profile.ca_file), "NODE_PATH": os.environ.get("NODE_PATH", "")}
    yaml_dir, env_dir = tmp_path / "yaml", tmp_path / "env"
    yaml_dir.mkdir(), env_dir.mkdir()
    _export(run_cli, "okta-yaml", yaml_dir / "okta.yaml")
    assert _run_in(yaml_dir, ["node", str(script)], _client_env(yaml_dir, **trust)) == "users 3 apps 4"
    _export(run_cli, "env", env_dir / "okta.env", "--shell", "posix")
    assert _run_in(env_dir, ["node", str(script)], _client_env(env_dir, **trust),
                   sourcing=env_dir / "okta.env") == "users 3 apps 4"


def _shims(folder: Path, argv_log: Path) -> Path:
    """Put `oktatool` (this tree's) and a `curl` that logs each argv word, then runs the real curl, on a PATH."""
    real_curl = shutil.which("curl")
    assert real_curl is not None
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    shims = {
        "oktatool": f'#!/bin/sh\nexec {sys.executable} -m oktatool "$@"\n',
        "curl": f'#!/bin/sh\nfor word in "$@"; do printf "%s\\n" "$word"; done >> {argv_log}\n'
                f'printf "%s\\n" "--end--" >> {argv_log}\nexec {real_curl} "$@"\n',
    }
    for name, text in shims.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    return bin_dir


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_the_curl_recipe_runs_over_tls_with_no_secret_on_a_command_line(
        run_cli: CliRunner, sandbox_factory: SandboxFactory, isolated_home: Path, tmp_path: Path, shell: str) -> None:
    if shutil.which(shell) is None or shutil.which("curl") is None:
        pytest.skip(f"needs {shell} and curl")
    info = sandbox_factory(tls=True, users=3)
    recipe = run_cli("app", "export", "--org", info.org_url, "--client-id", info.client_id, "--scopes", SCOPES,
                     "--as", "curl", "--key-file", str(info.key_file), "--kid", info.kid,
                     "--ca-bundle", str(info.ca_file))
    assert recipe.returncode == 0, recipe.stderr
    argv_log = tmp_path / "curl-argv.txt"
    env = {"PATH": f"{_shims(tmp_path, argv_log)}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path),
           "PYTHONPATH": str(REPO_ROOT), "OKTATOOL_HOME": str(isolated_home)}
    ran = subprocess.run([shell, "-c", recipe.stdout], env=env, capture_output=True, text=True, timeout=120,
                         check=False)
    assert ran.returncode == 0, ran.stderr
    users = json.loads(ran.stdout)
    assert isinstance(users, list) and len(users) == 1 and "profile" in users[0]
    calls = argv_log.read_text().split("--end--\n")[:-1]
    assert len(calls) == 2
    for call in calls:
        words = call.splitlines()
        assert words[words.index("--cacert") + 1] == str(info.ca_file)
        assert not [w for w in words if "eyJ" in w or "client_assertion=" in w or "Bearer" in w], words


def test_a_profile_s_curl_recipe_signs_with_its_library_key_and_stops_at_a_refused_token(
        run_cli: CliRunner, sandbox_factory: SandboxFactory, isolated_home: Path, tmp_path: Path) -> None:
    if shutil.which("curl") is None:
        pytest.skip("needs curl")
    info = sandbox_factory(tls=True, users=3)
    _create(run_cli, info, tmp_path)  # the profile "svc", its key in the key library: no key file to name
    for scopes, granted in ((SCOPES, True), ("okta.groups.manage", False)):
        recipe = run_cli("app", "export", "--profile", "svc", "--as", "curl", "--scopes", scopes,
                         "--ca-bundle", str(info.ca_file), env=KEYRING)
        assert recipe.returncode == 0, recipe.stderr
        assert "oktatool assertion --profile svc" in recipe.stdout and "--key " not in recipe.stdout
        folder = tmp_path / ("granted" if granted else "refused")
        folder.mkdir()
        argv_log = folder / "curl-argv.txt"
        env = {"PATH": f"{_shims(folder, argv_log)}{os.pathsep}{os.environ['PATH']}", "HOME": str(folder),
               "PYTHONPATH": str(REPO_ROOT), "OKTATOOL_HOME": str(isolated_home), **KEYRING}
        ran = subprocess.run(["bash", "-c", recipe.stdout], env=env, capture_output=True, text=True, timeout=120,
                             check=False)
        calls = argv_log.read_text().split("--end--\n")[:-1]
        if granted:
            assert ran.returncode == 0, ran.stderr
            assert len(json.loads(ran.stdout)) == 1 and len(calls) == 2
        else:  # the refused token stops the recipe: no API call with an empty token
            assert ran.returncode != 0 and "token refused" in ran.stderr, ran.stderr
            assert len(calls) == 1
