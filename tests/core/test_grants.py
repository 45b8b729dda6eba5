"""Grants and roles of a service app against the sandbox (SSWS and an admin profile), and least privilege."""

from __future__ import annotations

import re

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from oktatool.core.errors import ApiError, BadInputError, OktaToolError
from oktatool.core.keys.key import load_key
from oktatool.core.okta.admin import AdminCredential, admin_api
from oktatool.core.okta.client import Connection, OktaClient
from oktatool.core.okta.grants import AppAccess, Grant, RoleAssignment, diff_grants, least_role, role_warning
from oktatool.core.okta.http import HttpOptions
from oktatool.core.okta.orgurl import parse_org_url
from oktatool.core.okta.scopes import ScopeCatalog
from oktatool.sandbox import SandboxInfo
from tests.sandbox.client import ssws
from tests.sandbox_fixtures import SandboxFactory

CATALOG = ScopeCatalog.load()


def _ssws_access(info: SandboxInfo) -> AppAccess:
    api = admin_api(parse_org_url(info.org_url), AdminCredential(ssws_token=info.ssws_token), HttpOptions())
    return AppAccess(api, info.client_id, info.org_url)


def _client(info: SandboxInfo, client_id: str | None = None) -> OktaClient:
    key = load_key(info.key_file.read_bytes())
    return OktaClient(Connection(parse_org_url(info.org_url), client_id or info.client_id, key))


def test_grant_list_revoke_with_an_api_token(sandbox_org: SandboxInfo) -> None:
    access = _ssws_access(sandbox_org)
    before = access.list_grants()
    assert set(sandbox_org.scopes) == {g.scope_id for g in before}
    grant = access.grant("okta.policies.read")
    assert grant.scope_id == "okta.policies.read" and grant.issuer == sandbox_org.org_url
    assert grant.raw["_embedded"]["scope"]["id"] == "okta.policies.read"
    assert "okta.policies.read" in {g.scope_id for g in access.list_grants()}
    revoked = access.revoke("okta.policies.read")
    assert revoked.id == grant.id
    assert "okta.policies.read" not in {g.scope_id for g in access.list_grants()}
    with pytest.raises(BadInputError, match="not granted"):
        access.revoke("okta.policies.read")


def test_a_grant_changes_what_a_token_carries_and_a_revoke_takes_effect_at_the_next_token(
        sandbox_org: SandboxInfo) -> None:
    access = _ssws_access(sandbox_org)
    client = _client(sandbox_org)
    with pytest.raises(OktaToolError, match="none of the requested scopes is granted"):
        client.token("okta.policies.read", use_cache=False)
    access.grant("okta.policies.read")
    assert client.token("okta.policies.read", use_cache=False).scope == "okta.policies.read"
    issued = client.token("okta.logs.read", use_cache=False).access_token
    access.revoke("okta.logs.read")
    # the token already issued keeps its scope until it expires; the next token request is refused
    logs = requests.get(sandbox_org.org_url + "/api/v1/logs", headers={"Authorization": f"Bearer {issued}"},
                        timeout=10)
    assert logs.status_code == 200
    with pytest.raises(OktaToolError, match="none of the requested scopes is granted"):
        client.token("okta.logs.read", use_cache=False)


def test_roles_assign_list_unassign_and_the_no_role_warning(sandbox_org: SandboxInfo) -> None:
    access = _ssws_access(sandbox_org)
    assert [r.type for r in access.list_roles()] == ["SUPER_ADMIN"]
    assigned = access.assign_role("read_only_admin")
    assert assigned.type == "READ_ONLY_ADMIN" and assigned.id
    types = {r.type for r in access.list_roles()}
    assert types == {"SUPER_ADMIN", "READ_ONLY_ADMIN"}
    for role in access.list_roles():
        access.unassign_role(role.id)
    roles = access.list_roles()
    assert roles == ()
    warning = role_warning(access.list_grants(), roles)
    assert warning is not None and "E0000006" in warning and "You do not have permission" in warning
    # and the sandbox agrees: the service app's calls now answer E0000006
    token = _client(sandbox_org).token("okta.users.read", use_cache=False).access_token
    answer = requests.get(sandbox_org.org_url + "/api/v1/users", headers={"Authorization": f"Bearer {token}"},
                          timeout=10)
    assert (answer.status_code, answer.json()["errorCode"]) == (403, "E0000006")
    with pytest.raises(BadInputError, match="standard admin role"):
        access.assign_role("KING")


def test_an_admin_profile_without_super_admin_cannot_grant(sandbox_org: SandboxInfo) -> None:
    roles_url = f"{sandbox_org.org_url}/oauth2/v1/clients/{sandbox_org.client_id}/roles"
    for role in requests.get(roles_url, headers=ssws(sandbox_org), timeout=10).json():
        requests.delete(f"{roles_url}/{role['id']}", headers=ssws(sandbox_org), timeout=10)
    requests.post(roles_url, json={"type": "APP_ADMIN"}, headers=ssws(sandbox_org), timeout=10)
    profile = AdminCredential(client=_client(sandbox_org), label="profile 'Admin'")
    org = parse_org_url(sandbox_org.org_url)
    reader = AppAccess(admin_api(org, profile, HttpOptions(), ("okta.appGrants.read",)), sandbox_org.client_id,
                       sandbox_org.org_url)
    assert len(reader.list_grants()) == len(sandbox_org.scopes)  # reading works with any role
    writer = AppAccess(admin_api(org, profile, HttpOptions(), ("okta.appGrants.manage",)), sandbox_org.client_id,
                       sandbox_org.org_url)
    with pytest.raises(ApiError, match="only a Super Admin can grant") as caught:
        writer.grant("okta.policies.read")
    assert caught.value.code == "E0000006"
    assert "You do not have permission" in caught.value.description


def test_an_admin_profile_without_the_admin_scope_is_told_which_scope(sandbox_factory: SandboxFactory) -> None:
    info = sandbox_factory(scopes=("okta.users.read", "okta.appGrants.read"))
    org = parse_org_url(info.org_url)
    profile = AdminCredential(client=_client(info), label="profile 'Admin'")
    # ask for a granted scope that does not open the grants collection: the API names the scope it needs
    api = admin_api(org, profile, HttpOptions(), ("okta.users.read",))
    with pytest.raises(ApiError, match=r"lacks the scope okta\.appGrants\.read"):
        AppAccess(api, info.client_id, info.org_url).list_grants()


def test_an_unknown_app_and_a_wrong_token_are_explained(sandbox_org: SandboxInfo) -> None:
    org = parse_org_url(sandbox_org.org_url)
    with pytest.raises(ApiError, match="no app with client id 0oaNOPE"):
        AppAccess(_ssws_access(sandbox_org).api, "0oaNOPE", sandbox_org.org_url).list_grants()
    wrong = admin_api(org, AdminCredential(ssws_token="00wrongtoken"), HttpOptions())
    with pytest.raises(ApiError, match="refused the admin credential") as caught:
        AppAccess(wrong, sandbox_org.client_id, sandbox_org.org_url).list_roles()
    assert "00wrongtoken" not in caught.value.user_message()


@pytest.mark.parametrize("bad", ["", "users.read", "okta..read", "okta.users.read.self", "okta.users/../x",
                                 "okta.users.read\n", "x" * 5000])
def test_bad_scope_names_are_refused_before_any_call(sandbox_org: SandboxInfo, bad: str) -> None:
    with pytest.raises(BadInputError):
        _ssws_access(sandbox_org).grant(bad)


@pytest.mark.parametrize("bad", ["", "a/b", "0oa?x", "0oa\n"])
def test_bad_app_ids_are_refused(sandbox_org: SandboxInfo, bad: str) -> None:
    with pytest.raises(BadInputError):
        AppAccess(_ssws_access(sandbox_org).api, bad, sandbox_org.org_url)


def test_the_diff_of_granted_and_picked() -> None:
    grants = [Grant("1", "okta.users.read", "https://o", "ACTIVE"), Grant("2", "okta.logs.read", "https://o", "ACTIVE"),
              Grant("3", "okta.apps.read", "https://o", "REVOKED")]
    diff = diff_grants(grants, ["okta.users.read", "okta.groups.read", "okta.users.read"])
    assert diff.granted == ("okta.users.read", "okta.logs.read")
    assert diff.picked == ("okta.users.read", "okta.groups.read")
    assert diff.missing == ("okta.groups.read",) and diff.extra == ("okta.logs.read",)
    assert [diff.state(s) for s in ("okta.users.read", "okta.groups.read", "okta.logs.read", "okta.apps.read")] \
        == ["granted", "missing", "extra", ""]
    assert "missing okta.groups.read" in diff.summary() and not diff.in_step
    assert diff_grants(["a.b.read"], ["a.b.read"]).in_step
    assert role_warning([], []) is None
    assert "Assign READ_ONLY_ADMIN" in (role_warning(["okta.users.read", "okta.logs.read"], []) or "")
    assert "not enough for .manage" in (role_warning(["okta.users.read", "okta.users.manage"], []) or "")
    assert "USER_ADMIN is the narrowest" in (role_warning(["okta.users.read", "okta.users.manage"], []) or "")


@pytest.mark.parametrize(("scopes", "role"), [
    ((), "READ_ONLY_ADMIN"), (("okta.users.read", "okta.logs.read"), "READ_ONLY_ADMIN"),
    (("okta.users.manage", "okta.groups.read"), "USER_ADMIN"), (("okta.apps.manage", "okta.clients.read"), "APP_ADMIN"),
    (("okta.authorizationServers.manage",), "API_ACCESS_MANAGEMENT_ADMIN"),
    (("okta.apps.manage", "okta.users.read"), "ORG_ADMIN"), (("okta.policies.manage",), "ORG_ADMIN"),
    (("okta.users.read", "okta.appGrants.manage"), "SUPER_ADMIN"), (("okta.roles.manage",), "SUPER_ADMIN"),
])
def test_least_role_is_the_narrowest_standard_role_that_covers_the_scopes(scopes: tuple[str, ...], role: str) -> None:
    assert least_role(scopes) == role
    assert role_warning(["okta.users.read"], [RoleAssignment("irb1", "READ_ONLY_ADMIN")]) is None


# -- least privilege ----------------------------------------------------------------------------------------

OAUTH_OPS = [op for op in CATALOG.operations if op.scopes]


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "00u1AbC", path)


def test_least_privilege_examples() -> None:
    result = CATALOG.least_privilege(["GET /api/v1/users/00u1abc/groups", "POST /api/v1/users",
                                      "GET https://dev-1.okta.com/api/v1/logs?limit=5", "", "# a comment",
                                      "garbage", "DELETE /api/v1/api-tokens/current"])
    assert set(result.scopes) == {"okta.users.manage", "okta.logs.read"}
    assert result.scope_string.count(" ") == 1
    assert [line for line, _ in result.problems] == ["garbage", "DELETE /api/v1/api-tokens/current"]
    mappings = CATALOG.least_privilege(["GET /api/v1/apps/0oa1/group-push/mappings"])
    assert set(mappings.scopes) == {"okta.apps.read", "okta.groups.read"}  # both needed: AND


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(OAUTH_OPS), min_size=1, max_size=12))
def test_least_privilege_covers_every_call_and_nothing_can_be_dropped(ops: list) -> None:  # type: ignore[type-arg]
    result = CATALOG.least_privilege([f"{op.method} {_concrete(op.path)}" for op in ops])
    assert not result.problems
    for _, requirement in result.calls:
        assert CATALOG.satisfies(result.scopes, requirement.operation)
    for dropped in result.scopes:  # minimal: each scope is needed by some call
        rest = [s for s in result.scopes if s != dropped]
        assert any(not CATALOG.satisfies(rest, req.operation) for _, req in result.calls)
    for scope in result.scopes:  # never a .read next to its .manage
        assert not (scope.endswith(".read") and scope.removesuffix(".read") + ".manage" in result.scopes)


@given(st.lists(st.text(max_size=80), max_size=8))
def test_least_privilege_never_crashes_on_garbage(lines: list[str]) -> None:
    result = CATALOG.least_privilege(lines)
    assert len(result.calls) + len(result.problems) <= len(lines)


def test_redundant_reads() -> None:
    assert CATALOG.redundant_reads(["okta.users.read", "okta.users.manage", "okta.logs.read"]) == (
        ("okta.users.read", "okta.users.manage"),)
    assert CATALOG.redundant_reads(["okta.logs.read"]) == ()
