"""The encrypted secret store on the command line: its passphrase from a file, the environment or nowhere.

A real encrypted-file store in the test's OKTATOOL_HOME (``OKTATOOL_SECRET_STORE=file``), a real sandbox org
on loopback, and `python -m oktatool` in a subprocess whose stdin is not a terminal.
"""

from __future__ import annotations

import json
from pathlib import Path

import jwt as pyjwt
import pytest
import requests

from oktatool.context import AppContext
from oktatool.core.keys.key import load_key
from oktatool.core.store.file_store import EncryptedFileStore
from oktatool.core.store.paths import AppPaths
from oktatool.core.store.settings import SettingsStore
from oktatool.sandbox import SandboxInfo
from tests.conftest import CliRunner

PASSPHRASE = "purple otter sings quietly"
FILE_STORE = {"OKTATOOL_SECRET_STORE": "file"}


def _passphrase_file(tmp_path: Path, text: str = PASSPHRASE) -> Path:
    path = tmp_path / "store.pass"
    path.write_text(text + "\n")
    return path


def _saved_profile(home: Path, info: SandboxInfo) -> None:
    """Keep the sandbox app's key in an encrypted store file and save the profile "svc" that uses it."""
    paths = AppPaths.resolve(home)
    store = EncryptedFileStore(paths.data_dir / "secrets.enc", scrypt_n=2**10)
    store.unlock(PASSPHRASE.encode())
    context = AppContext(paths, SettingsStore(paths.settings_file), secret_store=store)
    context.save_app_profile("svc", info.org_url, info.client_id, load_key(info.jwk_file.read_bytes()),
                             scopes=info.scopes, dpop=False)


def _token(run_cli: CliRunner, *args: str, env: dict[str, str] | None = None):
    # input="": stdin is a pipe, not a terminal, as in a script or a CI job
    return run_cli(*args, "token", "--profile", "svc", "--json", input="", env={**FILE_STORE, **(env or {})})


def _cid(stdout: str) -> str:
    return str(pyjwt.decode(json.loads(stdout)["access_token"], options={"verify_signature": False})["cid"])


def test_token_reads_the_store_passphrase_from_the_global_option(
        run_cli: CliRunner, sandbox_org: SandboxInfo, isolated_home: Path, tmp_path: Path) -> None:
    _saved_profile(isolated_home, sandbox_org)
    result = _token(run_cli, "--store-passphrase-file", str(_passphrase_file(tmp_path)))
    assert result.returncode == 0, result.stderr
    assert _cid(result.stdout) == sandbox_org.client_id
    assert PASSPHRASE not in result.stdout + result.stderr
    # after the command, too (as the other commands' flags)
    after = run_cli("token", "--profile", "svc", "--json", "--store-passphrase-file", str(_passphrase_file(tmp_path)),
                    input="", env=FILE_STORE)
    assert after.returncode == 0, after.stderr


def test_token_reads_the_store_passphrase_file_named_by_the_environment(
        run_cli: CliRunner, sandbox_org: SandboxInfo, isolated_home: Path, tmp_path: Path) -> None:
    _saved_profile(isolated_home, sandbox_org)
    result = _token(run_cli, env={"OKTATOOL_STORE_PASSPHRASE_FILE": str(_passphrase_file(tmp_path))})
    assert result.returncode == 0, result.stderr
    assert _cid(result.stdout) == sandbox_org.client_id


@pytest.mark.parametrize("command", [
    ("token", "--profile", "svc"),
    ("api", "GET", "/api/v1/users", "--profile", "svc"),
    ("doctor", "--profile", "svc"),
])
def test_without_a_passphrase_or_a_terminal_the_command_is_bad_input(
        run_cli: CliRunner, sandbox_org: SandboxInfo, isolated_home: Path, command: tuple[str, ...]) -> None:
    _saved_profile(isolated_home, sandbox_org)
    result = run_cli(*command, input="", env=FILE_STORE)
    assert result.returncode == 2, result.stderr
    assert "secret store" in result.stderr and "is locked" in result.stderr
    assert "--store-passphrase-file FILE" in result.stderr and "OKTATOOL_STORE_PASSPHRASE_FILE" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_a_wrong_store_passphrase_is_bad_input_and_never_repeated(
        run_cli: CliRunner, sandbox_org: SandboxInfo, isolated_home: Path, tmp_path: Path) -> None:
    _saved_profile(isolated_home, sandbox_org)
    wrong = "orange walrus hums loudly"
    result = _token(run_cli, "--store-passphrase-file", str(_passphrase_file(tmp_path, wrong)))
    assert result.returncode == 2, result.stderr
    assert "error: the passphrase of the encrypted secret store is wrong" in result.stderr
    assert "hint: check the file given with --store-passphrase-file" in result.stderr
    assert wrong not in result.stderr + result.stdout


def _app_ids(info: SandboxInfo) -> list[str]:
    answer = requests.get(f"{info.org_url}/api/v1/apps", timeout=10,
                          headers={"Authorization": f"SSWS {info.ssws_token}", "Accept": "application/json"})
    answer.raise_for_status()
    return sorted(app["id"] for app in answer.json())


def _create(run_cli: CliRunner, info: SandboxInfo, tmp_path: Path, *extra: str):
    token_file = tmp_path / "admin.token"
    token_file.write_text(info.ssws_token + "\n")
    return run_cli(*extra, "app", "create", "--org", info.org_url, "--name", "Nightly", "--scopes",
                   "okta.users.read", "--api-token-file", str(token_file), "--save-profile", "nightly", "--json",
                   input="", env=FILE_STORE)


def test_app_create_refuses_a_locked_store_before_it_creates_anything(
        run_cli: CliRunner, sandbox_org: SandboxInfo, isolated_home: Path, tmp_path: Path) -> None:
    _saved_profile(isolated_home, sandbox_org)  # the store file exists and is locked in the new process
    before = _app_ids(sandbox_org)
    result = _create(run_cli, sandbox_org, tmp_path)
    assert result.returncode == 2, result.stderr
    assert "--store-passphrase-file" in result.stderr and "POST /api/v1/apps" not in result.stderr
    assert _app_ids(sandbox_org) == before  # no app whose new key would be lost
    settings = json.loads((isolated_home / "config" / "settings.json").read_text())
    assert "nightly" not in [p["name"] for p in settings["profiles"]]


def test_app_create_with_the_store_passphrase_keeps_the_key_and_the_profile_works(
        run_cli: CliRunner, sandbox_org: SandboxInfo, isolated_home: Path, tmp_path: Path) -> None:
    _saved_profile(isolated_home, sandbox_org)
    before = _app_ids(sandbox_org)
    passphrase = str(_passphrase_file(tmp_path))
    result = _create(run_cli, sandbox_org, tmp_path, "--store-passphrase-file", passphrase)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["ok"] and out["profile"] == "nightly"
    assert _app_ids(sandbox_org) == sorted([*before, out["client_id"]])
    token = run_cli("--store-passphrase-file", passphrase, "token", "--profile", "nightly", "--json", input="",
                    env=FILE_STORE)
    assert token.returncode == 0, token.stderr
    assert _cid(token.stdout) == out["client_id"]


def test_help_names_both_ways_to_give_the_store_passphrase() -> None:
    from oktatool.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for text in (parser.format_help(), commands["token"].format_help(), commands["doctor"].format_help()):
        assert "--store-passphrase-file FILE" in text and "OKTATOOL_STORE_PASSPHRASE_FILE" in text


@pytest.mark.skipif(not hasattr(__import__("os"), "openpty"), reason="needs a pseudo-terminal (POSIX)")
def test_on_a_terminal_the_store_passphrase_is_asked_and_not_echoed(
        sandbox_org: SandboxInfo, isolated_home: Path) -> None:
    import fcntl
    import os
    import select
    import subprocess
    import sys
    import termios
    import time

    from tests.conftest import REPO_ROOT

    _saved_profile(isolated_home, sandbox_org)
    master, slave = os.openpty()

    def own_terminal() -> None:  # the pty becomes the command's controlling terminal, as in a shell
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    env = {**os.environ, **FILE_STORE, "OKTATOOL_HOME": str(isolated_home),
           "PYTHONPATH": str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("OKTATOOL_STORE_PASSPHRASE_FILE", None)
    process = subprocess.Popen([sys.executable, "-m", "oktatool", "token", "--profile", "svc", "--json"],
                               stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                               preexec_fn=own_terminal)
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 60
    while b"Passphrase of the encrypted secret store" not in seen and time.monotonic() < deadline:
        if select.select([master], [], [], 0.5)[0]:
            try:
                seen += os.read(master, 1024)
            except OSError:  # the command ended and closed the terminal without asking
                break
    assert b"Passphrase of the encrypted secret store" in seen
    os.write(master, PASSPHRASE.encode() + b"\n")
    out, err = process.communicate(timeout=60)
    while select.select([master], [], [], 0.2)[0]:
        try:
            seen += os.read(master, 1024)
        except OSError:
            break
    os.close(master)
    assert process.returncode == 0, err.decode()
    assert _cid(out.decode()) == sandbox_org.client_id
    assert PASSPHRASE.encode() not in seen + out + err  # not echoed, not repeated


def test_app_rotate_on_a_locked_store_is_bad_input_before_any_key_is_added(
        run_cli: CliRunner, sandbox_org: SandboxInfo, isolated_home: Path, tmp_path: Path) -> None:
    _saved_profile(isolated_home, sandbox_org)
    jwks = f"{sandbox_org.org_url}/api/v1/apps/{sandbox_org.client_id}/credentials/jwks"
    headers = {"Authorization": f"SSWS {sandbox_org.ssws_token}", "Accept": "application/json"}
    before = requests.get(jwks, headers=headers, timeout=10).json()
    token_file = tmp_path / "admin.token"
    token_file.write_text(sandbox_org.ssws_token + "\n")
    result = run_cli("app", "rotate", "--profile", "svc", "--api-token-file", str(token_file), input="",
                     env=FILE_STORE)
    assert result.returncode == 2 and "--store-passphrase-file FILE" in result.stderr, result.stderr
    assert requests.get(jwks, headers=headers, timeout=10).json() == before
    rotated = run_cli("app", "rotate", "--profile", "svc", "--api-token-file", str(token_file), "--json",
                      "--store-passphrase-file", str(_passphrase_file(tmp_path)), input="", env=FILE_STORE)
    assert rotated.returncode == 0, rotated.stderr
    assert json.loads(rotated.stdout)["old_kid"] == sandbox_org.kid
