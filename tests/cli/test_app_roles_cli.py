"""`oktatool app roles` scoped and custom, in a subprocess against a sandbox org (SSWS admin token): list with
targets and plain words, assign with --group/--app, a custom role from --scope over a resource set, unassign;
every write prints its exact request first, and --dry-run sends none."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from oktatool.sandbox.org import SandboxOptions
from oktatool.sandbox.server import Sandbox, SandboxInfo
from tests.conftest import CliRunner
from tests.sandbox.client import ssws


@pytest.fixture
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxInfo]:
    with Sandbox(SandboxOptions(users=10), tmp_path_factory.mktemp("roles-org")) as info:
        yield info


@pytest.fixture
def target(org: SandboxInfo, tmp_path: Path) -> list[str]:
    path = tmp_path / "admin.token"
    path.write_text(org.ssws_token + "\n")
    return ["--org", org.org_url, "--client-id", org.client_id, "--api-token-file", str(path)]


def _iam(org: SandboxInfo, what: str) -> list[dict[str, object]]:
    answer = requests.get(f"{org.org_url}/api/v1/iam/{what}", headers=ssws(org), timeout=10).json()
    return list(answer["roles" if what == "roles" else "resource-sets"])


def test_assign_scoped_to_a_group_list_and_unassign(run_cli: CliRunner, org: SandboxInfo, target: list[str]) -> None:
    assigned = run_cli("app", "roles", "assign", "USER_ADMIN", "--group", "Engineering", *target)
    assert assigned.returncode == 0, assigned.stderr
    post, put = (line for line in assigned.stderr.splitlines() if line.startswith("> "))
    assert post == f"> POST /oauth2/v1/clients/{org.client_id}/roles"
    assert put.startswith(f"> PUT /oauth2/v1/clients/{org.client_id}/roles/irb") and "/targets/groups/00g" in put
    assert "can manage users and groups in group Engineering only" in assigned.stdout
    listed = run_cli("app", "roles", "list", *target)
    assert "targets: Engineering" in listed.stdout and "can do anything" in listed.stdout  # SUPER_ADMIN too
    as_json = json.loads(run_cli("app", "roles", "list", *target, "--json").stdout)
    scoped = next(r for r in as_json if r["type"] == "USER_ADMIN")
    assert [t["name"] for t in scoped["targets"]] == ["Engineering"] and scoped["_links"]["assignee"]
    wrong = run_cli("app", "roles", "assign", "READ_ONLY_ADMIN", "--group", "Engineering", *target)
    assert wrong.returncode == 2 and "cannot be scoped to groups" in wrong.stderr
    missing = run_cli("app", "roles", "assign", "USER_ADMIN", "--group", "Nobody", *target)
    assert missing.returncode == 2 and "no group named 'Nobody'" in missing.stderr
    gone = run_cli("app", "roles", "unassign", scoped["id"], *target)
    assert gone.returncode == 0 and f"unassigned {scoped['id']} (USER_ADMIN)" in gone.stdout
    assert gone.stderr.startswith(f"> DELETE /oauth2/v1/clients/{org.client_id}/roles/{scoped['id']}")


def test_custom_role_from_scopes_dry_run_then_made_and_removed(run_cli: CliRunner, org: SandboxInfo,
                                                               target: list[str]) -> None:
    args = ("app", "roles", "custom", "--scope", "okta.users.read okta.logs.read", "--group", "Engineering",
            "--app", "Example Web App", "--label", "Engineering reader")
    dry = run_cli(*args, *target, "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    calls = json.loads(dry.stdout)
    assert [(c["method"], c["path"]) for c in calls] == [
        ("POST", "/api/v1/iam/roles"), ("POST", "/api/v1/iam/resource-sets"),
        ("POST", f"/oauth2/v1/clients/{org.client_id}/roles")]
    assert calls[0]["body"]["permissions"] == ["okta.users.read"]
    resources = calls[1]["body"]["resources"]
    assert resources[0].endswith("/users") and "/api/v1/apps/0oa" in resources[1]
    assert calls[2]["body"] == {"type": "CUSTOM", "role": "{new role id}", "resource-set": "{new resource set id}"}
    assert _iam(org, "roles") == []  # nothing was sent
    made = run_cli(*args, *target)
    assert made.returncode == 0, made.stderr
    assert "no custom-role permission covers okta.logs.read" in made.stderr
    assert [line for line in made.stderr.splitlines() if line.startswith("> ")] == [
        "> POST /api/v1/iam/roles", "> POST /api/v1/iam/resource-sets",
        f"> POST /oauth2/v1/clients/{org.client_id}/roles"]
    assert "can read users in group Engineering" in made.stdout
    listed = json.loads(run_cli("app", "roles", "list", *target, "--json").stdout)
    custom = next(r for r in listed if r["type"] == "CUSTOM")
    assert custom["permissions"] == ["okta.users.read"] and custom["summary"] == ["read users in group Engineering"]
    assert [(r["kind"], r["name"]) for r in custom["resources"]] == [("users-of-group", "Engineering"),
                                                                      ("app", "Example Web App")]
    removed = run_cli("app", "roles", "unassign", custom["id"], *target, "--json")
    assert removed.returncode == 0, removed.stderr
    assert json.loads(removed.stdout) == {"unassigned": custom["id"]}
    assert _iam(org, "roles") == [] and _iam(org, "resource-sets") == []
