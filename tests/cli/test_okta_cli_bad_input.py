"""`oktatool token` / `oktatool api` with bad input: one `error:` line, exit 2 (bad input) or 1, no traceback."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from oktatool.sandbox.org import SandboxOptions
from oktatool.sandbox.server import Sandbox, SandboxInfo
from tests.conftest import CliRunner


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxInfo]:
    with Sandbox(SandboxOptions(users=3), tmp_path_factory.mktemp("bad-input-org")) as info:
        yield info


def _org_args(info: SandboxInfo) -> list[str]:
    return ["--org", info.org_url, "--client-id", info.client_id, "--key", str(info.key_file)]


def _one_error(result: subprocess.CompletedProcess[str], code: int, *words: str) -> str:
    assert result.returncode == code, (result.returncode, result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    return errors[0]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e300", "0", "-1", "86401"])
def test_a_timeout_that_is_not_a_usable_number_is_bad_input(run_cli: CliRunner, org: SandboxInfo,
                                                             value: str) -> None:
    result = run_cli("token", *_org_args(org), "--scopes", "okta.users.read", f"--timeout={value}")
    _one_error(result, 2, "--timeout")


@pytest.mark.parametrize("value", ["nan", "inf", "-5", "1e300"])
def test_a_max_wait_that_is_not_a_usable_number_is_bad_input(run_cli: CliRunner, org: SandboxInfo,
                                                              value: str) -> None:
    result = run_cli("api", *_org_args(org), "GET", "/api/v1/users", f"--max-wait={value}")
    _one_error(result, 2, "--max-wait")


def test_a_zero_max_wait_is_allowed(run_cli: CliRunner, org: SandboxInfo) -> None:
    result = run_cli("api", *_org_args(org), "GET", "/api/v1/users?limit=1", "--max-wait=0", "--json")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("text", ['{"profiles": [{"name": "prod", ', "[1, 2]", "\udcff"])
def test_a_corrupt_settings_file_is_reported_and_left_alone(run_cli: CliRunner, org: SandboxInfo,
                                                            isolated_home: Path, text: str) -> None:
    settings = isolated_home / "config" / "settings.json"
    settings.parent.mkdir(parents=True, exist_ok=True)
    raw = text.encode("utf-8", "surrogateescape")
    settings.write_bytes(raw)
    result = run_cli("token", "--profile", "prod", "--key", str(org.key_file), "--scopes", "okta.users.read")
    line = _one_error(result, 1, "settings file")
    assert "no profile named" not in line
    assert settings.read_bytes() == raw  # the command line does not move the user's file aside
    assert sorted(p.name for p in settings.parent.iterdir()) == ["settings.json"]


@pytest.mark.parametrize("path", ["/api/v1/users\r\nX-Evil: 1", "/api/v1/users?q=a\r\nX-Evil: 1",
                                  "/api/v1/users\t", "/api/v1/users?q=\x7f"])
@pytest.mark.parametrize("scopes", [[], ["--scopes", "okta.users.read"]])
def test_control_characters_in_the_path_are_bad_input(run_cli: CliRunner, org: SandboxInfo, path: str,
                                                      scopes: list[str]) -> None:
    result = run_cli("api", *_org_args(org), "GET", path, *scopes)
    line = _one_error(result, 2, "control character")
    assert "X-Evil" not in result.stderr and result.stdout == ""
    assert "\r" not in line


def test_all_pages_that_fail_at_once_print_nothing_on_stdout(run_cli: CliRunner, org: SandboxInfo) -> None:
    result = run_cli("api", *_org_args(org), "GET", "/api/v1/users/00unobody", "--all", "--json")
    _one_error(result, 1, "does not exist")
    assert result.stdout == ""  # not a lone "[" that no JSON reader accepts
    listing = run_cli("api", *_org_args(org), "GET", "/api/v1/users?limit=2", "--all", "--json")
    assert listing.returncode == 0 and len(json.loads(listing.stdout)) == 3


@pytest.mark.parametrize(("method", "path", "words"), [
    ("FOO", "/api/v1/users", ["unknown HTTP method"]),
    ("", "/api/v1/users", ["unknown HTTP method"]),
    ("GET", "https://evil.example/api/v1/users", ["not on the org"]),
])
def test_a_bad_method_or_path_is_refused_before_the_token_request(run_cli: CliRunner, org: SandboxInfo, method: str,
                                                                  path: str, words: list[str]) -> None:
    # nothing listens on port 9 of loopback: asking for a token first would fail with exit 1 instead
    args = ["--org", "http://127.0.0.1:9", "--client-id", org.client_id, "--key", str(org.key_file)]
    result = run_cli("api", *args, method, path, "--scopes", "okta.users.read")
    _one_error(result, 2, *words)


#: set the window title, ring the bell, an 8-bit CSI, a right-to-left override, DEL
HOSTILE = "\x1b]0;owned\x07 \x9b2J \u202eevil\x7f"


@pytest.mark.parametrize("all_pages", [False, True])
def test_org_data_cannot_drive_the_terminal(run_cli: CliRunner, org: SandboxInfo, all_pages: bool) -> None:
    import requests

    # anyone who may edit a group can put control characters in its name; listing it must not run them
    created = requests.post(org.org_url + "/api/v1/groups", json={"profile": {"name": HOSTILE}}, timeout=10,
                            headers={"Authorization": f"SSWS {org.ssws_token}"})
    assert created.status_code == 200, created.text
    result = run_cli("api", *_org_args(org), "GET", f"/api/v1/groups/{created.json()['id']}",
                     *(["--all"] if all_pages else []))
    assert result.returncode == 0, result.stderr
    assert not any(ch in result.stdout + result.stderr for ch in ("\x1b", "\x07", "\x9b", "\u202e", "\x7f"))
    items = json.loads(result.stdout)
    assert (items[0] if all_pages else items)["profile"]["name"] == HOSTILE  # escaped, still the same JSON


def test_all_with_a_write_is_bad_input_before_any_call(run_cli: CliRunner, org: SandboxInfo) -> None:
    listed = run_cli("api", *_org_args(org), "GET", "/api/v1/users", "--json")
    victim = json.loads(listed.stdout)[0]["id"]
    result = run_cli("api", *_org_args(org), "DELETE", f"/api/v1/users/{victim}", "--all")
    _one_error(result, 2, "only GET walks pages")
    after = run_cli("api", *_org_args(org), "GET", f"/api/v1/users/{victim}", "--json")
    assert after.returncode == 0 and json.loads(after.stdout)["id"] == victim, after.stderr
