"""Scoped and custom admin roles of a service app against the sandbox: the permissions table, targets, a custom
role over a resource set, the plain-words summary, and the app held to them (its own token, real HTTP)."""

from __future__ import annotations

import pytest

from oktatool.core.errors import ApiError, BadInputError
from oktatool.core.keys.key import load_key
from oktatool.core.okta.admin import AdminCredential, admin_api
from oktatool.core.okta.admin_roles import AppRoles, summary
from oktatool.core.okta.client import Connection, OktaClient
from oktatool.core.okta.grants import AppAccess, PlannedCall
from oktatool.core.okta.http import HttpOptions
from oktatool.core.okta.orgurl import parse_org_url
from oktatool.core.okta.permissions import PERMISSIONS, SCOPE_PERMISSIONS, permissions_for
from oktatool.core.okta.scopes import ScopeCatalog
from oktatool.sandbox import SandboxInfo


def _roles(info: SandboxInfo) -> AppRoles:
    api = admin_api(parse_org_url(info.org_url), AdminCredential(ssws_token=info.ssws_token), HttpOptions())
    return AppRoles(AppAccess(api, info.client_id, info.org_url))


def _app_client(info: SandboxInfo) -> OktaClient:
    return OktaClient(Connection(parse_org_url(info.org_url), info.client_id, load_key(info.key_file.read_bytes())))


def _first_member(roles: AppRoles, group_id: str) -> str:
    return str(roles.access.api.send("GET", f"/api/v1/groups/{group_id}/users?limit=1").json()[0]["id"])


def _drop_super_admin(roles: AppRoles) -> None:
    for assignment in roles.access.list_roles():
        if assignment.type == "SUPER_ADMIN":
            roles.access.unassign_role(assignment.id)


def test_the_permissions_table_names_catalog_scopes_and_known_permissions() -> None:
    catalog = {scope.name for scope in ScopeCatalog.load().scopes}
    assert set(SCOPE_PERMISSIONS) <= catalog
    assert {p for needed in SCOPE_PERMISSIONS.values() for p in needed} <= set(PERMISSIONS)
    plan = permissions_for(["okta.users.read", "okta.groups.manage", "okta.logs.read", "okta.users.manage"])
    # a manage permission includes its read one; the System Log has no custom-role permission
    assert plan.permissions == ("okta.users.manage", "okta.groups.manage", "okta.groups.members.manage")
    assert plan.uncovered == ("okta.logs.read",)
    assert permissions_for(["okta.users.read"]).permissions == ("okta.users.read",)


def test_a_standard_role_scoped_to_a_group_is_listed_summarized_and_enforced(sandbox_org: SandboxInfo) -> None:
    roles = _roles(sandbox_org)
    engineering, sales = roles.find_group("Engineering"), roles.find_group("Sales")
    shown: list[PlannedCall] = []
    planned = roles.plan_standard("user_admin", [engineering])
    assert [c.text() for c in planned] == [
        f'POST /oauth2/v1/clients/{sandbox_org.client_id}/roles\n{{"type": "USER_ADMIN"}}',
        f"PUT /oauth2/v1/clients/{sandbox_org.client_id}/roles/{{new assignment id}}/targets/groups/"
        f"{engineering.id}"]
    scoped = roles.assign_standard("USER_ADMIN", [engineering], show=shown.append)
    assert [c.method for c in shown] == ["POST", "PUT"] and scoped.assignment.id in shown[1].path
    _drop_super_admin(roles)
    described = roles.describe()
    assert [(r.assignment.type, [t.name for t in r.targets]) for r in described] == [("USER_ADMIN", ["Engineering"])]
    assert summary(described) == ("manage users and groups in group Engineering only",)
    client = _app_client(sandbox_org)
    api = client.api(("okta.users.read",))
    assert api.send("GET", f"/api/v1/users/{_first_member(roles, engineering.id)}").status == 200
    refused = api.send("GET", f"/api/v1/users/{_first_member(roles, sales.id)}")
    assert refused.status == 403 and refused.problem is not None and refused.problem.error == "E0000006"
    with pytest.raises(BadInputError, match="cannot be scoped to groups"):
        roles.plan_standard("READ_ONLY_ADMIN", [engineering])
    roles.remove(described[0])
    assert roles.describe() == ()
    assert summary(())[0].startswith("nothing")


def test_a_custom_role_from_picked_scopes_over_a_resource_set(sandbox_org: SandboxInfo) -> None:
    roles = _roles(sandbox_org)
    engineering = roles.find_group("Engineering")
    users_of = type(engineering)("users-of-group", engineering.id, engineering.name)
    app = roles.find_app("Example Web App")
    plan = permissions_for(["okta.users.read", "okta.apps.read"])
    planned = roles.plan_custom("Reader", plan.permissions, [users_of, app])
    assert planned[0].body == {"label": "Reader", "description": "oktatool: okta.users.read, okta.apps.read",
                               "permissions": ["okta.users.read", "okta.apps.read"]}
    assert planned[1].body is not None and planned[1].body["resources"] == [
        f"{sandbox_org.org_url}/api/v1/groups/{engineering.id}/users", f"{sandbox_org.org_url}/api/v1/apps/{app.id}"]
    assert roles.free_label("Reader") == "Reader"
    made = roles.create_custom("Reader", plan.permissions, [users_of, app])
    assert roles.free_label("Reader") == "Reader (2)"  # Okta refuses a second role labelled Reader
    _drop_super_admin(roles)
    (described,) = roles.describe()
    assert described.custom and described.role_label == "Reader" and described.resource_set_label == "Reader"
    assert described.assignment.id == made.assignment.id
    assert described.summary() == ("read users in group Engineering", "read app Example Web App")
    api = _app_client(sandbox_org).api(("okta.users.read", "okta.apps.read", "okta.groups.read"))
    inside = _first_member(roles, engineering.id)
    assert api.send("GET", f"/api/v1/users/{inside}").status == 200
    assert api.send("GET", f"/api/v1/apps/{app.id}").status == 200
    assert api.send("GET", f"/api/v1/apps/{sandbox_org.client_id}").status == 403  # not in the set
    assert api.send("GET", f"/api/v1/groups/{engineering.id}").status == 403  # no groups permission
    roles.access.assign_role("SUPER_ADMIN")
    roles.remove(described)
    listed = roles.access.api.send("GET", "/api/v1/iam/roles").json()
    assert listed["roles"] == [] and roles.access.api.send("GET", "/api/v1/iam/resource-sets").json()[
        "resource-sets"] == []


def test_a_failed_binding_leaves_no_half_made_custom_role(sandbox_org: SandboxInfo) -> None:
    roles = _roles(sandbox_org)
    with pytest.raises(BadInputError, match="at least one group"):
        roles.create_custom("Empty", ["okta.users.read"], [])
    ghost = type(roles.find_group("Sales"))("group", "00gNOPE0000000000000", "Nope")
    with pytest.raises(ApiError):
        roles.create_custom("Ghost", ["okta.groups.read"], [ghost])
    assert roles.access.api.send("GET", "/api/v1/iam/roles").json()["roles"] == []


def test_a_refusal_outside_a_scoped_role_is_explained_as_such(sandbox_org: SandboxInfo) -> None:
    roles = _roles(sandbox_org)
    sales = roles.find_group("Sales")
    roles.assign_standard("USER_ADMIN", [roles.find_group("Engineering")])
    _drop_super_admin(roles)
    refused = _app_client(sandbox_org).api(("okta.users.read",)).send(
        "GET", f"/api/v1/users/{_first_member(roles, sales.id)}")
    assert refused.problem is not None and refused.problem.error == "E0000006"
    explained = refused.problem.explanation
    assert explained is not None and "a role scoped to groups or apps reaches only those" in explained.cause
    assert "app roles list" in explained.fix and "Grants & roles" in explained.fix


def test_an_id_shaped_like_a_preview_placeholder_is_quoted_in_the_path(sandbox_org: SandboxInfo) -> None:
    roles = _roles(sandbox_org)
    engineering = roles.find_group("Engineering")
    odd = "{new ../../../../api/v1/users/x}"  # an id an org chose (or a name typed) is a path segment, never more
    path = roles.target_call(odd, engineering).path
    assert "/../" not in path
    assert path.split("/targets/")[0].endswith("/%7Bnew%20..%2F..%2F..%2F..%2Fapi%2Fv1%2Fusers%2Fx%7D")
    assert roles.plan_standard("USER_ADMIN", [engineering])[1].path.split("/")[-4] == "{new assignment id}"
