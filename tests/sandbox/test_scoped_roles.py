"""Role targets, custom roles and resource sets as the sandbox serves them, spoken to with an independent client
(PyJWT signs, requests sends): a role scoped to a group is refused outside it, a custom role is held to its
permissions and resource set."""

from __future__ import annotations

from typing import Any

import requests

from oktatool.sandbox import SandboxInfo
from tests.sandbox.client import bearer_token, ssws

MANAGE = "okta.users.read okta.users.manage okta.groups.read okta.apps.read"


def _call(info: SandboxInfo, method: str, path: str, body: Any = None, token: str | None = None
          ) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else ssws(info)
    return requests.request(method, info.org_url + path, json=body, headers=headers, timeout=10)


def _group(info: SandboxInfo, name: str) -> dict[str, Any]:
    groups = _call(info, "GET", "/api/v1/groups?q=" + name).json()
    return next(g for g in groups if g["profile"]["name"] == name)


def _members(info: SandboxInfo, group: dict[str, Any]) -> list[str]:
    return [u["id"] for u in _call(info, "GET", f"/api/v1/groups/{group['id']}/users").json()]


def _only_role(info: SandboxInfo, body: dict[str, Any]) -> dict[str, Any]:
    """Give the service app this one role instead of its SUPER_ADMIN; return the assignment."""
    roles_path = f"/oauth2/v1/clients/{info.client_id}/roles"
    assigned = _call(info, "POST", roles_path, body)
    assert assigned.status_code == 200, assigned.text
    for role in _call(info, "GET", roles_path).json():
        if role["id"] != assigned.json()["id"]:
            assert _call(info, "DELETE", f"{roles_path}/{role['id']}").status_code == 204
    return dict(assigned.json())


def _refused(response: requests.Response) -> bool:
    return response.status_code == 403 and response.json()["errorCode"] == "E0000006"


def test_a_role_scoped_to_a_group_reaches_its_users_only(sandbox_org: SandboxInfo) -> None:
    info = sandbox_org
    engineering, sales = _group(info, "Engineering"), _group(info, "Sales")
    inside, outside = _members(info, engineering)[0], _members(info, sales)[0]
    role = _only_role(info, {"type": "USER_ADMIN"})
    targets = f"/oauth2/v1/clients/{info.client_id}/roles/{role['id']}/targets/groups"
    assert _call(info, "GET", targets).json() == []
    assert _call(info, "PUT", f"{targets}/{engineering['id']}").status_code == 204
    listed = _call(info, "GET", targets).json()
    assert [g["id"] for g in listed] == [engineering["id"]] and listed[0]["profile"]["name"] == "Engineering"
    token = bearer_token(info, MANAGE)
    assert _call(info, "GET", f"/api/v1/users/{inside}", token=token).status_code == 200
    assert _refused(_call(info, "GET", f"/api/v1/users/{outside}", token=token))
    change = {"profile": {"nickName": "scoped"}}
    assert _call(info, "POST", f"/api/v1/users/{inside}", change, token=token).status_code == 200
    assert _refused(_call(info, "POST", f"/api/v1/users/{outside}", change, token=token))
    assert _call(info, "GET", f"/api/v1/groups/{engineering['id']}", token=token).status_code == 200
    assert _refused(_call(info, "GET", f"/api/v1/groups/{sales['id']}", token=token))
    assert _refused(_call(info, "GET", "/api/v1/apps", token=token))  # a group-scoped role touches no app
    # lists show what the role manages only, as the Admin Console does for a group admin
    listed = _call(info, "GET", "/api/v1/users?limit=200", token=token).json()
    assert {u["id"] for u in listed} == set(_members(info, engineering))
    assert [g["id"] for g in _call(info, "GET", "/api/v1/groups", token=token).json()] == [engineering["id"]]
    # the last target stays (unassign the role instead); a second one can go again
    last = _call(info, "DELETE", f"{targets}/{engineering['id']}")
    assert last.status_code == 400 and last.json()["errorCode"] == "E0000001"
    assert _call(info, "PUT", f"{targets}/{sales['id']}").status_code == 204
    assert _call(info, "GET", f"/api/v1/users/{outside}", token=token).status_code == 200
    first = _call(info, "GET", f"{targets}?limit=1")
    assert len(first.json()) == 1 and 'rel="next"' in first.headers["Link"]
    next_url = first.headers["Link"].split('rel="self", <')[-1].split(">")[0]
    rest = requests.get(next_url, headers=ssws(info), timeout=10).json()
    assert {g["id"] for g in first.json() + rest} == {engineering["id"], sales["id"]}
    assert _call(info, "DELETE", f"{targets}/{sales['id']}").status_code == 204
    assert _refused(_call(info, "GET", f"/api/v1/users/{outside}", token=token))
    missing = _call(info, "PUT", f"{targets}/00gNOPE")
    assert missing.status_code == 404 and missing.json()["errorCode"] == "E0000007"


def test_app_targets_belong_to_app_admin(sandbox_org: SandboxInfo) -> None:
    info = sandbox_org
    apps = _call(info, "GET", "/api/v1/apps").json()
    web = next(a for a in apps if a["label"] == "Example Web App")
    bookmark = next(a for a in apps if a["label"] == "Example Bookmark")
    read_only = _call(info, "POST", f"/oauth2/v1/clients/{info.client_id}/roles", {"type": "READ_ONLY_ADMIN"}).json()
    refused = _call(info, "PUT", f"/oauth2/v1/clients/{info.client_id}/roles/{read_only['id']}/targets/catalog/apps/"
                    f"oidc_client/{web['id']}")
    assert refused.status_code == 400 and refused.json()["errorCode"] == "E0000001"
    role = _only_role(info, {"type": "APP_ADMIN"})
    targets = f"/oauth2/v1/clients/{info.client_id}/roles/{role['id']}/targets/catalog/apps"
    assert _call(info, "PUT", f"{targets}/oidc_client/{web['id']}").status_code == 204
    listed = _call(info, "GET", targets).json()
    assert listed == [{"name": "oidc_client", "status": "ACTIVE", "id": web["id"],
                       "_links": {"self": {"href": f"{info.org_url}/api/v1/apps/{web['id']}"}}}]
    token = bearer_token(info, "okta.apps.read okta.apps.manage")
    assert _call(info, "GET", f"/api/v1/apps/{web['id']}", token=token).status_code == 200
    assert _refused(_call(info, "GET", f"/api/v1/apps/{bookmark['id']}", token=token))
    assert _call(info, "PUT", f"{targets}/bookmark").status_code == 204  # every bookmark app
    assert _call(info, "GET", f"/api/v1/apps/{bookmark['id']}", token=token).status_code == 200
    assert {t["name"] for t in _call(info, "GET", targets).json()} == {"oidc_client", "bookmark"}


def test_a_custom_role_over_a_resource_set_is_held_to_both(sandbox_org: SandboxInfo) -> None:
    info = sandbox_org
    engineering, sales = _group(info, "Engineering"), _group(info, "Sales")
    inside, outside = _members(info, engineering)[0], _members(info, sales)[0]
    created = _call(info, "POST", "/api/v1/iam/roles", {"label": "Engineering reader", "description": "reads",
                                                        "permissions": ["okta.users.read", "okta.groups.read"]})
    assert created.status_code == 200, created.text
    role = created.json()
    assert role["id"].startswith("cr0") and set(role) == {"id", "label", "description", "created", "lastUpdated",
                                                          "_links"}
    permissions = _call(info, "GET", f"/api/v1/iam/roles/{role['id']}/permissions").json()["permissions"]
    assert [p["label"] for p in permissions] == ["okta.users.read", "okta.groups.read"]
    unknown = _call(info, "POST", "/api/v1/iam/roles", {"label": "x", "description": "x", "permissions": ["okta.x"]})
    assert unknown.status_code == 400 and unknown.json()["errorCode"] == "E0000001"
    group_url = f"{info.org_url}/api/v1/groups/{engineering['id']}"
    made = _call(info, "POST", "/api/v1/iam/resource-sets", {
        "label": "Engineering", "description": "Engineering and its users", "resources": [group_url,
                                                                                          group_url + "/users"]})
    assert made.status_code == 200, made.text
    resource_set = made.json()
    resources = _call(info, "GET", f"/api/v1/iam/resource-sets/{resource_set['id']}/resources").json()
    assert [r["orn"].split(":")[-2:] for r in resources["resources"]] == [
        ["groups", engineering["id"]], [engineering["id"], "contained_resources"]]
    assigned = _only_role(info, {"type": "CUSTOM", "role": role["id"], "resource-set": resource_set["id"]})
    assert assigned["type"] == "CUSTOM" and assigned["role"] == role["id"]
    assert assigned["resource-set"] == resource_set["id"] and assigned["label"] == "Engineering reader"
    bindings = _call(info, "GET", f"/api/v1/iam/resource-sets/{resource_set['id']}/bindings").json()
    assert [b["id"] for b in bindings["roles"]] == [role["id"]]
    members = _call(info, "GET", f"/api/v1/iam/resource-sets/{resource_set['id']}/bindings/{role['id']}/members")
    assert [m["id"] for m in members.json()["members"]] == [assigned["id"]]
    token = bearer_token(info, MANAGE)
    assert _call(info, "GET", f"/api/v1/users/{inside}", token=token).status_code == 200
    assert _refused(_call(info, "GET", f"/api/v1/users/{outside}", token=token))
    assert _refused(_call(info, "POST", f"/api/v1/users/{inside}", {"profile": {}}, token=token))  # read only
    assert _call(info, "GET", f"/api/v1/groups/{engineering['id']}", token=token).status_code == 200
    assert _refused(_call(info, "GET", f"/api/v1/apps/{info.client_id}", token=token))  # no apps permission
    listed = _call(info, "GET", "/api/v1/users?limit=200", token=token).json()
    assert {u["id"] for u in listed} == set(_members(info, engineering))
    # removed again: role assignment (the binding goes with its last member), then the set and the role
    held = _call(info, "DELETE", f"/api/v1/iam/roles/{role['id']}")
    assert held.status_code == 400 and held.json()["errorCode"] == "E0000001"
    path = f"/oauth2/v1/clients/{info.client_id}/roles/{assigned['id']}"
    assert _call(info, "POST", f"/oauth2/v1/clients/{info.client_id}/roles", {"type": "SUPER_ADMIN"}).ok
    assert _call(info, "DELETE", path).status_code == 204
    assert _call(info, "GET", f"/api/v1/iam/resource-sets/{resource_set['id']}/bindings").json()["roles"] == []
    assert _call(info, "DELETE", f"/api/v1/iam/resource-sets/{resource_set['id']}").status_code == 204
    assert _call(info, "DELETE", f"/api/v1/iam/roles/{role['id']}").status_code == 204
    assert _call(info, "GET", f"/api/v1/iam/roles/{role['id']}").status_code == 404


def test_iam_lists_page_with_links(sandbox_org: SandboxInfo) -> None:
    info = sandbox_org
    for number in range(3):
        assert _call(info, "POST", "/api/v1/iam/roles", {"label": f"r{number}", "description": "d",
                                                         "permissions": ["okta.apps.read"]}).ok
    first = _call(info, "GET", "/api/v1/iam/roles?limit=2")
    assert len(first.json()["roles"]) == 2 and 'rel="next"' in first.headers["Link"]
    rest = requests.get(first.json()["_links"]["next"]["href"], headers=ssws(info), timeout=10).json()
    assert [r["label"] for r in rest["roles"]] == ["r2"] and "next" not in rest["_links"]
    by_label = _call(info, "GET", "/api/v1/iam/roles/r1")
    assert by_label.json()["label"] == "r1"
    token = bearer_token(info, "okta.roles.read")
    assert _call(info, "GET", "/api/v1/iam/roles", token=token).ok  # SUPER_ADMIN reads with okta.roles.read
    refused = _call(info, "GET", "/api/v1/iam/resource-sets", token=bearer_token(info, "okta.users.read"))
    assert refused.status_code == 403 and "insufficient_scope" in refused.headers["WWW-Authenticate"]
