"""`oktatool app grants` and `oktatool app roles` in a subprocess against a sandbox org (SSWS admin token)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from oktatool.sandbox.org import SandboxOptions
from oktatool.sandbox.server import Sandbox, SandboxInfo
from tests.conftest import CliRunner


@pytest.fixture
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxInfo]:
    with Sandbox(SandboxOptions(users=5), tmp_path_factory.mktemp("access-org")) as info:
        yield info


@pytest.fixture
def token_file(org: SandboxInfo, tmp_path: Path) -> Path:
    path = tmp_path / "admin.token"
    path.write_text(org.ssws_token + "\n")
    return path


def _target(org: SandboxInfo, token_file: Path) -> list[str]:
    return ["--org", org.org_url, "--client-id", org.client_id, "--api-token-file", str(token_file)]


def test_grants_list_grant_revoke(run_cli: CliRunner, org: SandboxInfo, token_file: Path) -> None:
    listed = run_cli("app", "grants", "list", *_target(org, token_file), "--json")
    assert listed.returncode == 0, listed.stderr
    grants = json.loads(listed.stdout)
    assert {g["scopeId"] for g in grants} == set(org.scopes)
    assert all(g["_links"]["self"]["href"].startswith(org.org_url) for g in grants)  # Okta's objects as returned

    granted = run_cli("app", "grants", "grant", "okta.policies.read", "okta.users.read", *_target(org, token_file))
    assert granted.returncode == 0, granted.stderr
    assert "granted okta.policies.read" in granted.stdout and "okta.users.read: already granted" in granted.stdout
    text = run_cli("app", "grants", "list", *_target(org, token_file)).stdout
    assert "okta.policies.read" in text

    revoked = run_cli("app", "grants", "revoke", "okta.policies.read", *_target(org, token_file), "--json")
    assert revoked.returncode == 0, revoked.stderr
    assert [g["scopeId"] for g in json.loads(revoked.stdout)] == ["okta.policies.read"]
    again = run_cli("app", "grants", "revoke", "okta.policies.read", *_target(org, token_file))
    assert again.returncode == 2 and "not granted" in again.stderr


def test_roles_assign_list_unassign_and_the_warning(run_cli: CliRunner, org: SandboxInfo, token_file: Path) -> None:
    assigned = run_cli("app", "roles", "assign", "READ_ONLY_ADMIN", *_target(org, token_file), "--json")
    assert assigned.returncode == 0, assigned.stderr
    role = json.loads(assigned.stdout)
    assert role["type"] == "READ_ONLY_ADMIN" and role["assignmentType"] == "CLIENT"
    listed = json.loads(run_cli("app", "roles", "list", *_target(org, token_file), "--json").stdout)
    assert {r["type"] for r in listed} == {"SUPER_ADMIN", "READ_ONLY_ADMIN"}
    for entry in listed:
        gone = run_cli("app", "roles", "unassign", entry["id"], *_target(org, token_file))
        assert gone.returncode == 0 and f"unassigned {entry['id']}" in gone.stdout
    empty = run_cli("app", "roles", "list", *_target(org, token_file))
    assert "no admin role is assigned" in empty.stdout and "E0000006" in empty.stdout
    grants = run_cli("app", "grants", "list", *_target(org, token_file))
    # the listing stays the listing (a script reads it); the warning goes to stderr
    assert "warning: Scopes are granted but the app has no admin role" in grants.stderr
    assert "warning" not in grants.stdout and "okta.users.read" in grants.stdout


def test_bad_input_and_refusals_are_one_clear_message(run_cli: CliRunner, org: SandboxInfo, token_file: Path,
                                                      tmp_path: Path) -> None:
    bad_scope = run_cli("app", "grants", "grant", "users.read", *_target(org, token_file))
    assert bad_scope.returncode == 2 and "is not an Okta API scope" in bad_scope.stderr
    nosuch = run_cli("app", "grants", "grant", "okta.nosuch.read", *_target(org, token_file))
    assert nosuch.returncode == 1 and "E0000001" in nosuch.stderr and "Traceback" not in nosuch.stderr
    bad_role = run_cli("app", "roles", "assign", "KING", *_target(org, token_file))
    assert bad_role.returncode == 2 and "standard admin role" in bad_role.stderr
    no_admin = run_cli("app", "grants", "list", "--org", org.org_url, "--client-id", org.client_id)
    assert no_admin.returncode == 2 and "admin credential" in no_admin.stderr
    wrong = tmp_path / "wrong.token"
    wrong.write_text("00notTheRealToken\n")
    refused = run_cli("app", "grants", "list", "--org", org.org_url, "--client-id", org.client_id,
                      "--api-token-file", str(wrong))
    assert refused.returncode == 1 and "refused the admin credential" in refused.stderr
    assert "00notTheRealToken" not in refused.stderr + refused.stdout and "Traceback" not in refused.stderr
    unknown = run_cli("app", "roles", "list", "--org", org.org_url, "--client-id", "0oaUnknown",
                      "--api-token-file", str(token_file))
    assert unknown.returncode == 1 and "no app with client id 0oaUnknown" in unknown.stderr
    assert org.ssws_token not in unknown.stderr


def test_the_local_sandbox_profile_uses_its_own_token(run_cli: CliRunner) -> None:
    result = run_cli("app", "grants", "list", "--profile", "Local sandbox")
    assert result.returncode == 0, result.stderr
    assert "okta.users.read" in result.stdout
