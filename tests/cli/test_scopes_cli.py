"""`oktatool scopes` end to end: the table, JSON, one scope's operations, and --for lookups."""

from __future__ import annotations

import json
import re

import pytest

from oktatool.core.okta.scopes import ScopeCatalog
from tests.conftest import CliRunner

CATALOG = ScopeCatalog.load()


def _no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr


def test_the_table_lists_every_scope(run_cli: CliRunner) -> None:
    done = run_cli("scopes")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["SCOPE", "AREA", "OPS", "DESCRIPTION"]
    assert len(lines) == 1 + len(CATALOG.scopes) == 115
    row = next(line for line in lines if line.startswith("okta.logs.read "))
    assert "System Log" in row and " 1 " in row


def test_json_list_and_query(run_cli: CliRunner) -> None:
    everything = json.loads(run_cli("scopes", "--json").stdout)
    assert len(everything) == 114
    assert set(everything[0]) == {"name", "server", "areas", "operations", "description"}
    found = run_cli("scopes", "POLICIES", "--json")
    assert found.returncode == 0
    names = {s["name"] for s in json.loads(found.stdout)}
    assert {"okta.policies.read", "okta.policies.manage"} <= names
    assert "okta.users.read" not in names


def test_an_exact_scope_name_shows_what_it_opens(run_cli: CliRunner) -> None:
    text = run_cli("scopes", "okta.appGrants.manage")
    assert text.returncode == 0, text.stderr
    assert re.search(r"^ +POST +/api/v1/apps/\{appId\}/grants +grantConsentToScope$", text.stdout, re.M)
    assert "listScopeConsentGrants" in text.stdout  # the .read operations come with .manage
    data = json.loads(run_cli("scopes", "okta.appGrants.read", "--json").stdout)
    assert data["scope"]["name"] == "okta.appGrants.read"
    assert {op["operation_id"] for op in data["operations"]} == {
        op.operation_id for op in CATALOG.operations_for("okta.appGrants.read")}


def test_for_a_concrete_path_prints_scope_operation_lifecycle_and_auth(run_cli: CliRunner) -> None:
    done = run_cli("scopes", "--for", "get https://acme.okta.com/api/v1/users/00u1abc/roles?limit=2")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "listAssignedRolesForUser" in out
    assert "/api/v1/users/{userId}/roles" in out
    assert "okta.roles.read (or okta.roles.manage)" in out
    assert "lifecycle:  GA" in out
    assert "SSWS" in out
    assert '--scopes "okta.roles.read"' in out


def test_for_json(run_cli: CliRunner) -> None:
    data = json.loads(run_cli("scopes", "--for", "GET /api/v1/users", "--json").stdout)
    assert data["operation"]["operation_id"] == "listUsers"
    assert data["scopes"] == ["okta.users.read"]
    assert data["alternatives"] == [["okta.users.read", "okta.users.manage"]]
    assert data["operation"]["ssws_allowed"] is True and data["operation"]["oauth_only"] is False


def test_for_a_group_push_operation_names_both_scopes(run_cli: CliRunner) -> None:
    done = run_cli("scopes", "--for", "PATCH /api/v1/apps/0oa1/group-push/mappings/gpm1", "--json")
    data = json.loads(done.stdout)
    assert data["scopes"] == ["okta.apps.manage", "okta.groups.manage"]


def test_for_an_oauth_only_early_access_operation_says_so(run_cli: CliRunner) -> None:
    op = next(o for o in CATALOG.operations if o.oauth_only and o.lifecycle in ("EA", "LIMITED_GA"))
    path = op.path.replace("{", "x").replace("}", "")
    done = run_cli("scopes", "--for", f"{op.method} {path}")
    assert done.returncode == 0, done.stderr
    assert op.operation_id in done.stdout
    assert "OAuth access token only" in done.stdout
    assert "not generally available" in done.stdout


@pytest.mark.parametrize("args", [
    ("scopes", "--for", "GET /api/v9/nothing"),
    ("scopes", "--for", "PATCH /api/v1/users"),
    ("scopes", "--for", "/api/v1/users"),
    ("scopes", "--for", "FETCH /api/v1/users"),
    ("scopes", "users", "--for", "GET /api/v1/users"),
])
def test_bad_lookups_exit_2_with_error_and_hint(run_cli: CliRunner, args: tuple[str, ...]) -> None:
    done = run_cli(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("error: ")
    assert "\nhint: " in done.stderr
    _no_traceback(done.stderr)


def test_a_query_without_matches_exits_1(run_cli: CliRunner) -> None:
    done = run_cli("scopes", "nothing-like-this")
    assert done.returncode == 1
    assert "no Okta scope matches" in done.stderr
    _no_traceback(done.stderr)
