"""`app export --as env --shell posix|powershell`: lines each shell runs as pasted, whatever the values hold."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from oktatool.core.shells import default_shell
from tests.conftest import CliRunner
from tests.powershell_syntax import run

CLIENT_ID = "0oa'1$x`y\u2019z"  # a value with every kind of quote and what shells expand
TARGET = ["app", "export", "--org", "https://dev-1.okta.com", "--client-id", CLIENT_ID, "--scopes",
          "okta.users.read okta.apps.read", "--key-file", "C:\\Users\\Ann O'Neil\\svc.pem", "--kid", "k$1"]
BY_PATH = [*TARGET, "--key-by-path"]  # the path is written, never read: it names a file on another computer
EXPECTED = {"OKTA_CLIENT_ORGURL": "https://dev-1.okta.com", "OKTA_CLIENT_AUTHORIZATIONMODE": "PrivateKey",
            "OKTA_CLIENT_CLIENTID": CLIENT_ID, "OKTA_CLIENT_SCOPES": "okta.users.read okta.apps.read",
            "OKTA_CLIENT_PRIVATEKEY": "C:\\Users\\Ann O'Neil\\svc.pem", "OKTA_CLIENT_KEYID": "k$1"}


def test_env_for_powershell_sets_each_variable(run_cli: CliRunner) -> None:
    done = run_cli(*BY_PATH, "--as", "env", "--shell", "powershell")
    assert done.returncode == 0, done.stderr
    assert all(line.startswith(("$env:OKTA_CLIENT_", "# ")) for line in done.stdout.splitlines())
    assert run(done.stdout, {}).env == EXPECTED


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_env_for_posix_shells_sets_each_variable(run_cli: CliRunner) -> None:
    done = run_cli(*BY_PATH, "--as", "env", "--shell", "posix")
    assert done.returncode == 0, done.stderr
    shown = subprocess.run(["bash", "-c", done.stdout + "printf '%s\\0' " + " ".join(f'"${n}"' for n in EXPECTED)],
                           capture_output=True, text=True, timeout=30, check=True, env={})
    assert shown.stdout.split("\0")[:-1] == list(EXPECTED.values())


def test_env_is_written_for_this_systems_shell_by_default(run_cli: CliRunner) -> None:
    done = run_cli(*BY_PATH, "--as", "env")
    assert done.returncode == 0, done.stderr
    asked = run_cli(*BY_PATH, "--as", "env", "--shell", default_shell())
    assert done.stdout == asked.stdout


def test_shell_is_refused_where_it_would_be_ignored(run_cli: CliRunner) -> None:
    for fmt in ("curl", "okta-yaml", "terraform"):
        done = run_cli(*TARGET, "--as", fmt, "--shell", "powershell")
        assert done.returncode == 2 and done.stdout == "", fmt
        assert done.stderr.startswith("error: --shell applies to --as env only"), done.stderr
    for words in (TARGET, BY_PATH):  # the default shell is no choice to refuse
        fmt = "okta-yaml" if words is BY_PATH else "curl"
        assert run_cli(*words, "--as", fmt).returncode == 0
    unknown = run_cli(*BY_PATH, "--as", "env", "--shell", "cmd")
    assert unknown.returncode == 2 and "invalid choice: 'cmd'" in unknown.stderr
