"""A kept org: what is made in it survives a restart; a damaged org file is set aside with a notice."""

from __future__ import annotations

from pathlib import Path

import requests

from oktatool.sandbox import Sandbox, SandboxInfo, SandboxOptions
from oktatool.sandbox.kept import ORG_FILE
from tests.platforms import assert_mode


def _start(folder: Path, pem: bytes, *, keep_org: bool = True) -> tuple[Sandbox, SandboxInfo]:
    server = Sandbox(SandboxOptions(users=2, service_key_pem=pem, dpop_app=True), folder, keep_org=keep_org)
    return server, server.start()


def _admin(info: SandboxInfo) -> dict[str, str]:
    return {"Authorization": f"SSWS {info.ssws_token}"}


def test_users_apps_keys_grants_and_roles_survive_a_restart(tmp_path: Path, sandbox_service_key_pem: bytes) -> None:
    server, info = _start(tmp_path, sandbox_service_key_pem)
    try:
        user = requests.post(f"{info.org_url}/api/v1/users?activate=true", headers=_admin(info), timeout=10, json={
            "profile": {"firstName": "Kept", "lastName": "User", "email": "kept@example.com",
                        "login": "kept@example.com"}}).json()
        grant = requests.post(f"{info.org_url}/api/v1/apps/{info.client_id}/grants", headers=_admin(info),
                              timeout=10, json={"scopeId": "okta.logs.read", "issuer": info.org_url})
        assert grant.status_code in (200, 201)
    finally:
        server.stop()
    assert_mode((tmp_path / ORG_FILE), 0o600)
    again_server, again = _start(tmp_path, sandbox_service_key_pem)
    try:
        assert (again.client_id, again.dpop_client_id) == (info.client_id, info.dpop_client_id)
        kept = requests.get(f"{again.org_url}/api/v1/users/{user['id']}", headers=_admin(again), timeout=10)
        assert kept.status_code == 200 and kept.json()["profile"]["login"] == "kept@example.com"
        grants = requests.get(f"{again.org_url}/api/v1/apps/{again.client_id}/grants", headers=_admin(again),
                              timeout=10).json()
        assert {g["issuer"] for g in grants} == {again.org_url}  # the grants follow the org to its new port
        new_user = requests.post(f"{again.org_url}/api/v1/users", headers=_admin(again), timeout=10, json={
            "profile": {"firstName": "N", "lastName": "U", "email": "n@example.com", "login": "n@example.com"}})
        assert new_user.json()["id"] > user["id"]  # ids go on after the kept ones, never repeating them
    finally:
        again_server.stop()


def test_two_orgs_never_make_the_same_id(tmp_path: Path, sandbox_service_key_pem: bytes) -> None:
    # a loopback profile is taken for the Local sandbox's when its client id is an app of the kept org
    # (AppContext._recognise_sandbox_profiles): the same id in another sandbox moved such a profile to it
    first, one = _start(tmp_path / "one", sandbox_service_key_pem, keep_org=False)
    second, two = _start(tmp_path / "two", sandbox_service_key_pem, keep_org=False)
    try:
        assert one.client_id != two.client_id and one.dpop_client_id != two.dpop_client_id
    finally:
        first.stop()
        second.stop()


def test_without_keep_org_each_start_is_a_new_org(tmp_path: Path, sandbox_service_key_pem: bytes) -> None:
    server, _info = _start(tmp_path, sandbox_service_key_pem, keep_org=False)
    server.stop()
    assert not (tmp_path / ORG_FILE).exists()


def test_a_damaged_org_file_is_set_aside_and_said(tmp_path: Path, sandbox_service_key_pem: bytes) -> None:
    (tmp_path / ORG_FILE).write_text('{"version": 1, "apps": [')
    server, info = _start(tmp_path, sandbox_service_key_pem)
    server.stop()
    kept = list(tmp_path.glob(ORG_FILE + ".corrupt-*"))
    assert len(kept) == 1 and kept[0].read_text() == '{"version": 1, "apps": ['
    assert info.notice is not None and str(kept[0]) in info.notice and "new org" in info.notice
    assert info.to_json()["notice"] == info.notice
    restarted, again = _start(tmp_path, sandbox_service_key_pem)  # the new org was written whole
    restarted.stop()
    assert again.notice is None and again.client_id == info.client_id


def test_role_targets_custom_roles_and_resource_sets_survive_a_restart(tmp_path: Path,
                                                                      sandbox_service_key_pem: bytes) -> None:
    server, info = _start(tmp_path, sandbox_service_key_pem)
    base = f"{info.org_url}/oauth2/v1/clients/{info.client_id}/roles"
    try:
        group = requests.get(f"{info.org_url}/api/v1/groups?q=Engineering", headers=_admin(info), timeout=10).json()[0]
        scoped = requests.post(base, headers=_admin(info), timeout=10, json={"type": "USER_ADMIN"}).json()
        assert requests.put(f"{base}/{scoped['id']}/targets/groups/{group['id']}", headers=_admin(info),
                            timeout=10).status_code == 204
        role = requests.post(f"{info.org_url}/api/v1/iam/roles", headers=_admin(info), timeout=10, json={
            "label": "Kept", "description": "kept", "permissions": ["okta.users.read"]}).json()
        found = requests.post(f"{info.org_url}/api/v1/iam/resource-sets", headers=_admin(info), timeout=10, json={
            "label": "Kept", "description": "kept",
            "resources": [f"{info.org_url}/api/v1/groups/{group['id']}/users"]}).json()
        custom = requests.post(base, headers=_admin(info), timeout=10, json={
            "type": "CUSTOM", "role": role["id"], "resource-set": found["id"]}).json()
    finally:
        server.stop()
    again_server, again = _start(tmp_path, sandbox_service_key_pem)
    base = f"{again.org_url}/oauth2/v1/clients/{again.client_id}/roles"
    try:
        targets = requests.get(f"{base}/{scoped['id']}/targets/groups", headers=_admin(again), timeout=10).json()
        assert [t["id"] for t in targets] == [group["id"]]
        kept = requests.get(f"{base}/{custom['id']}", headers=_admin(again), timeout=10).json()
        assert (kept["role"], kept["resource-set"]) == (role["id"], found["id"])
        resources = requests.get(f"{again.org_url}/api/v1/iam/resource-sets/{found['id']}/resources",
                                 headers=_admin(again), timeout=10).json()["resources"]
        # the resource follows the org to its new port
        assert [r["_links"]["self"]["href"] for r in resources] == [
            f"{again.org_url}/api/v1/groups/{group['id']}/users"]
        members = requests.get(f"{again.org_url}/api/v1/iam/resource-sets/{found['id']}/bindings/{role['id']}"
                               "/members", headers=_admin(again), timeout=10).json()["members"]
        assert [m["id"] for m in members] == [custom["id"]]
    finally:
        again_server.stop()
