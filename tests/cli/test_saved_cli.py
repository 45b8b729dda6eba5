"""`oktatool api --saved NAME` and `oktatool saved ...` against the sandbox: replay, variables, import/export."""

from __future__ import annotations

import json
from pathlib import Path

from oktatool.core.okta.saved_requests import Owner, make_saved, store_for
from oktatool.core.store.paths import AppPaths
from oktatool.sandbox.server import SandboxInfo
from tests.conftest import CliRunner


def _org_args(info: SandboxInfo) -> list[str]:
    return ["--org", info.org_url, "--client-id", info.client_id, "--key", str(info.key_file)]


def test_api_saved_replays_with_variables_from_var(run_cli: CliRunner, isolated_home: Path,
                                                   sandbox_org: SandboxInfo) -> None:
    store = store_for(AppPaths.resolve(isolated_home))
    users = json.loads(run_cli("api", "GET", "/api/v1/users?limit=2", *_org_args(sandbox_org), "--json").stdout)
    store.save([make_saved("one user", "GET", "/api/v1/users/{{userId}}").request])
    done = run_cli("api", "--saved", "one user", "--var", f"userId={users[1]['id']}", *_org_args(sandbox_org),
                   "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["id"] == users[1]["id"]
    missing = run_cli("api", "--saved", "one user", *_org_args(sandbox_org))
    assert missing.returncode == 2
    assert "error: the saved request 'one user' needs a value for {{userId}}" in missing.stderr
    unknown = run_cli("api", "--saved", "nope", *_org_args(sandbox_org))
    assert unknown.returncode == 2 and "no saved request named 'nope'" in unknown.stderr
    both = run_cli("api", "GET", "/api/v1/users", "--saved", "one user", *_org_args(sandbox_org))
    assert both.returncode == 2 and "takes no METHOD, PATH" in both.stderr
    for blank in ("", " "):  # an empty name is a missing name, not a request for METHOD and PATH
        empty = run_cli("api", "--saved", blank, *_org_args(sandbox_org))
        assert empty.returncode == 2 and "--saved needs the name of a saved request" in empty.stderr, empty.stderr


def test_api_saved_uses_the_profile_s_own_request_and_variables(run_cli: CliRunner, isolated_home: Path) -> None:
    store = store_for(AppPaths.resolve(isolated_home))
    owner = Owner("Local sandbox", "sandbox")
    store.save([make_saved("groups", "GET", "/api/v1/users?limit=1").request,
                make_saved("groups", "GET", "/api/v1/groups?limit={{n}}", owner=owner).request])
    store.save_variables(owner, {"n": "1"})
    done = run_cli("api", "--saved", "groups", "--profile", "Local sandbox", "--json")
    assert done.returncode == 0, done.stderr
    items = json.loads(done.stdout)
    assert len(items) == 1 and items[0]["type"] in {"OKTA_GROUP", "BUILT_IN"}  # a group, not a user


def test_saved_list_show_export_import_delete(run_cli: CliRunner, isolated_home: Path, tmp_path: Path) -> None:
    store = store_for(AppPaths.resolve(isolated_home))
    store.save([make_saved("users", "GET", "/api/v1/users?limit=5").request,
                make_saved("mine", "GET", "/api/v1/groups", owner=Owner("Local sandbox", "sandbox")).request])
    listed = run_cli("saved", "list")
    assert listed.returncode == 0
    assert listed.stdout.splitlines() == ["users\tGET /api/v1/users?limit=5\tall profiles",
                                          "mine\tGET /api/v1/groups\tLocal sandbox"]
    shown = json.loads(run_cli("saved", "show", "mine", "--profile", "Local sandbox").stdout)
    assert shown["path"] == "/api/v1/groups" and shown["owner"] == {"profile": "Local sandbox", "org": "sandbox"}
    out = tmp_path / "export.json"
    assert run_cli("saved", "export", str(out)).returncode == 0
    assert run_cli("saved", "delete", "users").returncode == 0
    assert [r.name for r in store.load()] == ["mine"]
    imported = run_cli("saved", "import", str(out))
    assert imported.returncode == 0 and "imported 2 saved request(s); 2 kept" in imported.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": 1, "requests": [{"name": "x"}]}')
    before = store.path.read_bytes()
    refused = run_cli("saved", "import", str(bad))
    assert refused.returncode == 2 and refused.stderr.count("error:") == 1
    assert "request 1 is not usable" in refused.stderr and "Traceback" not in refused.stderr
    assert store.path.read_bytes() == before
