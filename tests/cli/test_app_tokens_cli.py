"""`oktatool app tokens list | revoke (--id ID | --all)` in a subprocess against a sandbox org (SSWS admin token);
a revoked token is refused by the API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from oktatool.sandbox.org import SandboxOptions
from oktatool.sandbox.server import Sandbox, SandboxInfo
from tests.conftest import CliRunner
from tests.sandbox.client import bearer_token


@pytest.fixture
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxInfo]:
    with Sandbox(SandboxOptions(users=5), tmp_path_factory.mktemp("tokens-org")) as info:
        yield info


@pytest.fixture
def token_file(org: SandboxInfo, tmp_path: Path) -> Path:
    path = tmp_path / "admin.token"
    path.write_text(org.ssws_token + "\n")
    return path


def _target(org: SandboxInfo, token_file: Path) -> list[str]:
    return ["--org", org.org_url, "--client-id", org.client_id, "--api-token-file", str(token_file)]


def _answers(org: SandboxInfo, token: str) -> int:
    return requests.get(org.org_url + "/api/v1/users?limit=1", headers={"Authorization": f"Bearer {token}"},
                        timeout=10).status_code


def test_list_revoke_one_then_all(run_cli: CliRunner, org: SandboxInfo, token_file: Path) -> None:
    tokens = [bearer_token(org, "okta.users.read") for _ in range(3)]
    listed = run_cli("app", "tokens", "list", *_target(org, token_file), "--json")
    assert listed.returncode == 0, listed.stderr
    items = json.loads(listed.stdout)
    assert len(items) == 3 and all(item["clientId"] == org.client_id for item in items)
    text = run_cli("app", "tokens", "list", *_target(org, token_file))
    assert text.returncode == 0 and all(item["id"] in text.stdout for item in items)
    assert not any(token in text.stdout + listed.stdout for token in tokens)  # ids, never the tokens themselves

    one = run_cli("app", "tokens", "revoke", "--id", items[0]["id"], *_target(org, token_file))
    assert one.returncode == 0, one.stderr
    assert f"revoked {items[0]['id']}" in one.stdout
    assert _answers(org, tokens[0]) == 401
    assert _answers(org, tokens[1]) == 200
    again = run_cli("app", "tokens", "revoke", "--id", items[0]["id"], *_target(org, token_file))
    assert again.returncode == 2 and "has no token" in again.stderr

    every = run_cli("app", "tokens", "revoke", "--all", *_target(org, token_file), "--json")
    assert every.returncode == 0, every.stderr
    assert json.loads(every.stdout) == {"revoked": "all", "clientId": org.client_id}
    assert _answers(org, tokens[1]) == 401 and _answers(org, tokens[2]) == 401
    empty = run_cli("app", "tokens", "list", *_target(org, token_file))
    assert empty.returncode == 0 and "no tokens listed" in empty.stdout


def test_revoke_needs_id_or_all(run_cli: CliRunner, org: SandboxInfo, token_file: Path) -> None:
    neither = run_cli("app", "tokens", "revoke", *_target(org, token_file))
    assert neither.returncode == 2 and "--id" in neither.stderr
    both = run_cli("app", "tokens", "revoke", "--id", "oar1", "--all", *_target(org, token_file))
    assert both.returncode == 2


def test_an_unknown_app_is_explained(run_cli: CliRunner, org: SandboxInfo, token_file: Path) -> None:
    done = run_cli("app", "tokens", "list", "--org", org.org_url, "--client-id", "0oaNOSUCHAPP",
                   "--api-token-file", str(token_file))
    assert done.returncode == 1 and "no app with client id 0oaNOSUCHAPP" in done.stderr
