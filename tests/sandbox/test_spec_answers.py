"""Sandbox answers checked against facts of Okta's management OpenAPI spec: no null where the spec types a
string, the shape of a binding change, Link headers on every list that takes limit/after, and 400 for a bad
System Log date."""

from __future__ import annotations

import requests

from oktatool.sandbox import SandboxInfo
from tests.sandbox.client import bearer_token, ssws


def _get(info: SandboxInfo, path: str) -> requests.Response:
    return requests.get(info.org_url + path, headers=ssws(info), timeout=10)


def test_no_null_where_okta_types_a_string(sandbox_org: SandboxInfo) -> None:
    # Group.profile.description and OAuth2RefreshToken.userId are strings (not nullable): absent, never null
    made = requests.post(f"{sandbox_org.org_url}/api/v1/groups", json={"profile": {"name": "No description"}},
                         headers=ssws(sandbox_org), timeout=10)
    assert made.status_code == 200, made.text
    group = _get(sandbox_org, f"/api/v1/groups/{made.json()['id']}").json()
    assert group["profile"] == {"name": "No description"}
    bearer_token(sandbox_org)
    [token] = _get(sandbox_org, f"/api/v1/apps/{sandbox_org.client_id}/tokens").json()
    assert "userId" not in token and None not in token.values()
    assert None not in _get(sandbox_org, f"/api/v1/apps/{sandbox_org.client_id}/tokens/{token['id']}").json().values()


def test_a_binding_made_or_changed_answers_with_its_links_only(sandbox_org: SandboxInfo) -> None:
    org, admin = sandbox_org.org_url, ssws(sandbox_org)
    group = _get(sandbox_org, "/api/v1/groups?q=Engineering").json()[0]
    role = requests.post(f"{org}/api/v1/iam/roles", headers=admin, timeout=10, json={
        "label": "Readers", "description": "reads", "permissions": ["okta.users.read"]}).json()
    found = requests.post(f"{org}/api/v1/iam/resource-sets", headers=admin, timeout=10, json={
        "label": "Engineering", "description": "eng", "resources": [f"{org}/api/v1/groups/{group['id']}/users"]}).json()
    sets = f"{org}/api/v1/iam/resource-sets/{found['id']}"
    made = requests.post(f"{sets}/bindings", headers=admin, timeout=10, json={
        "role": role["id"], "members": [f"{org}/api/v1/groups/{group['id']}"]})
    changed = requests.patch(f"{sets}/bindings/{role['id']}/members", headers=admin, timeout=10, json={
        "additions": [f"{org}/api/v1/users/{_get(sandbox_org, '/api/v1/users').json()[0]['id']}"]})
    for answer in (made, changed):  # ResourceSetBindingEditResponse: _links (self, bindings, resource-set)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"_links": {"self": {"href": f"{sets}/bindings/{role['id']}"},
                                            "bindings": {"href": f"{sets}/bindings"},
                                            "resource-set": {"href": sets}}}


def test_authorization_server_lists_page_with_link_headers(sandbox_org: SandboxInfo) -> None:
    servers = _get(sandbox_org, "/api/v1/authorizationServers")
    assert servers.links["self"]["url"] == f"{sandbox_org.org_url}/api/v1/authorizationServers"
    assert len(servers.json()) > 1 and "next" not in servers.links
    first = _get(sandbox_org, "/api/v1/authorizationServers?limit=1")
    assert len(first.json()) == 1
    rest = requests.get(first.links["next"]["url"], headers=ssws(sandbox_org), timeout=10).json()
    assert [s["id"] for s in first.json() + rest] == [s["id"] for s in servers.json()]
    server_id = servers.json()[0]["id"]
    scopes = _get(sandbox_org, f"/api/v1/authorizationServers/{server_id}/scopes?limit=1")
    assert len(scopes.json()) == 1 and 'rel="self"' in scopes.headers["Link"]
    if len(_get(sandbox_org, f"/api/v1/authorizationServers/{server_id}/scopes").json()) > 1:
        assert "next" in scopes.links


def test_a_system_log_date_that_is_not_iso_8601_is_refused(sandbox_org: SandboxInfo) -> None:
    bearer_token(sandbox_org)  # one token grant logged
    for name in ("since", "until"):
        refused = _get(sandbox_org, f"/api/v1/logs?{name}=yesterday")
        assert refused.status_code == 400 and refused.json()["errorCode"] == "E0000001", refused.text
        assert refused.json()["errorSummary"] == f"Api validation failed: {name}"
    # a date with an offset is compared as a moment, not as text
    assert _get(sandbox_org, "/api/v1/logs?since=2000-01-01T00:00:00.000%2B05:00").json()
    assert _get(sandbox_org, "/api/v1/logs?until=2000-01-01T00:00:00.000%2B05:00").json() == []


def test_role_assignments_link_as_okta_links_them(sandbox_org: SandboxInfo) -> None:
    # StandardRole._links is LinksAssignee; CustomRole._links is LinksCustomRoleResponse
    org, admin = sandbox_org.org_url, ssws(sandbox_org)
    roles = f"{org}/oauth2/v1/clients/{sandbox_org.client_id}/roles"
    standard = requests.post(roles, json={"type": "USER_ADMIN"}, headers=admin, timeout=10).json()
    assert standard["_links"] == {"assignee": {"href": f"{org}/oauth2/v1/clients/{sandbox_org.client_id}"}}
    role = requests.post(f"{org}/api/v1/iam/roles", headers=admin, timeout=10, json={
        "label": "Readers", "description": "reads", "permissions": ["okta.users.read"]}).json()
    found = requests.post(f"{org}/api/v1/iam/resource-sets", headers=admin, timeout=10, json={
        "label": "Users", "description": "all users", "resources": [f"{org}/api/v1/users"]}).json()
    custom = requests.post(roles, json={"type": "CUSTOM", "role": role["id"], "resource-set": found["id"]},
                           headers=admin, timeout=10).json()
    sets = f"{org}/api/v1/iam/resource-sets/{found['id']}"
    assert set(custom["_links"]) == {"assignee", "role", "permissions", "resource-set", "member"}
    member = requests.get(custom["_links"]["member"]["href"], headers=admin, timeout=10)
    assert member.status_code == 200 and member.json()["id"] == custom["id"]
    assert custom["_links"]["resource-set"]["href"] == sets
    listed = requests.get(roles, headers=admin, timeout=10).json()
    assert all(set(r["_links"]) == ({"assignee"} if r["type"] != "CUSTOM" else set(custom["_links"])) for r in listed)


def test_links_name_what_okta_links(sandbox_org: SandboxInfo) -> None:
    org, admin, app = sandbox_org.org_url, ssws(sandbox_org), sandbox_org.client_id
    # a saved key links what its status allows (OAuthClientSecretLinks), as a secret does: no self link
    [key] = _get(sandbox_org, f"/api/v1/apps/{app}/credentials/jwks").json()
    href = f"{org}/api/v1/apps/{app}/credentials/jwks/{key['id']}"
    assert key["_links"] == {"deactivate": {"href": f"{href}/lifecycle/deactivate", "hints": {"allow": ["POST"]}}}
    # a grant links its app, itself and its client
    [grant, *_] = _get(sandbox_org, f"/api/v1/apps/{app}/grants").json()
    assert set(grant["_links"]) == {"app", "self", "client"}
    assert grant["_links"]["client"]["href"] == f"{org}/oauth2/v1/clients/{app}"
    # a resource links the object it names and itself in the set; a listed binding links its role and members
    group = _get(sandbox_org, "/api/v1/groups?q=Engineering").json()[0]
    role = requests.post(f"{org}/api/v1/iam/roles", headers=admin, timeout=10, json={
        "label": "Readers", "description": "reads", "permissions": ["okta.users.read"]}).json()
    found = requests.post(f"{org}/api/v1/iam/resource-sets", headers=admin, timeout=10, json={
        "label": "Engineering", "description": "eng", "resources": [f"{org}/api/v1/groups/{group['id']}"]}).json()
    sets = f"{org}/api/v1/iam/resource-sets/{found['id']}"
    [resource] = requests.get(f"{sets}/resources", headers=admin, timeout=10).json()["resources"]
    assert resource["_links"] == {"self": {"href": f"{org}/api/v1/groups/{group['id']}"},
                                  "resource": {"href": f"{sets}/resources/{resource['id']}"}}
    again = requests.get(resource["_links"]["resource"]["href"], headers=admin, timeout=10)
    assert again.status_code == 200 and again.json() == resource
    requests.post(f"{sets}/bindings", headers=admin, timeout=10, json={
        "role": role["id"], "members": [f"{org}/api/v1/groups/{group['id']}"]})
    [binding] = requests.get(f"{sets}/bindings", headers=admin, timeout=10).json()["roles"]
    assert binding["_links"] == {"self": {"href": f"{org}/api/v1/iam/roles/{role['id']}"},
                                 "members": {"href": f"{sets}/bindings/{role['id']}/members"}}


def test_an_app_carries_okta_fields_and_its_orn_names_app_name_and_id(sandbox_org: SandboxInfo) -> None:
    org, admin, app_id = sandbox_org.org_url, ssws(sandbox_org), sandbox_org.client_id
    app = _get(sandbox_org, f"/api/v1/apps/{app_id}").json()
    assert app["orn"].endswith(f":apps:{app['name']}:{app_id}") and app["orn"].startswith("orn:okta:idp:")
    assert isinstance(app["accessibility"], dict) and isinstance(app["visibility"], dict)
    href = f"{org}/api/v1/apps/{app_id}"
    assert app["_links"]["deactivate"] == {"href": f"{href}/lifecycle/deactivate"} and "jwks" not in app["_links"]
    found = requests.post(f"{org}/api/v1/iam/resource-sets", headers=admin, timeout=10, json={
        "label": "The app", "description": "one app", "resources": [href]}).json()
    [resource] = requests.get(f"{org}/api/v1/iam/resource-sets/{found['id']}/resources", headers=admin,
                              timeout=10).json()["resources"]
    assert resource["orn"] == app["orn"]


def test_iam_lists_link_themselves_only_where_okta_does(sandbox_org: SandboxInfo) -> None:
    # IamRoles, ResourceSets and ResourceSetResources link next (LinksNext); bindings and members link self too
    org, admin = sandbox_org.org_url, ssws(sandbox_org)
    role = requests.post(f"{org}/api/v1/iam/roles", headers=admin, timeout=10, json={
        "label": "Readers", "description": "reads", "permissions": ["okta.users.read"]}).json()
    found = requests.post(f"{org}/api/v1/iam/resource-sets", headers=admin, timeout=10, json={
        "label": "Users", "description": "all users", "resources": [f"{org}/api/v1/users"]}).json()
    sets = f"{org}/api/v1/iam/resource-sets/{found['id']}"
    requests.post(f"{sets}/bindings", headers=admin, timeout=10, json={
        "role": role["id"], "members": [f"{org}/api/v1/users/{_get(sandbox_org, '/api/v1/users').json()[0]['id']}"]})
    for path in ("/api/v1/iam/roles", "/api/v1/iam/resource-sets",
                 f"/api/v1/iam/resource-sets/{found['id']}/resources"):
        assert "self" not in _get(sandbox_org, path).json()["_links"], path
    for url in (f"{sets}/bindings", f"{sets}/bindings/{role['id']}/members"):
        assert requests.get(url, headers=admin, timeout=10).json()["_links"]["self"] == {"href": url}
