"""Three answers the sandbox once gave differently from Okta: discovery metadata, deleting an ACTIVE app, and
System Log polling; oktatool's own clients (api --all, the page walk) still end on them."""

from __future__ import annotations

import json
import re

import requests

from oktatool.sandbox import SandboxInfo
from tests.conftest import CliRunner
from tests.sandbox.client import request_token, ssws

LINK = re.compile(r'<([^>]+)>; rel="(\w+)"')


def _links(response: requests.Response) -> dict[str, str]:
    return {rel: url for url, rel in LINK.findall(response.headers.get("Link", ""))}


def test_discovery_names_subject_types_and_id_token_algs(sandbox_org: SandboxInfo) -> None:
    metadata = requests.get(f"{sandbox_org.org_url}/.well-known/openid-configuration", timeout=10).json()
    assert metadata["subject_types_supported"] == ["public"]
    assert metadata["id_token_signing_alg_values_supported"] == ["RS256"]


def test_deleting_an_active_app_is_403_e0000056(sandbox_org: SandboxInfo) -> None:
    apps_url = sandbox_org.org_url + "/api/v1/apps"
    created = requests.post(apps_url, headers=ssws(sandbox_org), timeout=10, json={
        "name": "bookmark", "label": "Doomed", "signOnMode": "BOOKMARK",
        "settings": {"app": {"url": "https://example.com/"}}}).json()
    refused = requests.delete(f"{apps_url}/{created['id']}", headers=ssws(sandbox_org), timeout=10)
    assert refused.status_code == 403
    assert (refused.json()["errorCode"], refused.json()["errorSummary"]) == ("E0000056",
                                                                             "Delete application forbidden.")
    requests.post(f"{apps_url}/{created['id']}/lifecycle/deactivate", headers=ssws(sandbox_org), timeout=10)
    assert requests.delete(f"{apps_url}/{created['id']}", headers=ssws(sandbox_org), timeout=10).status_code == 204


def test_a_log_polling_query_always_links_a_next_page(sandbox_org: SandboxInfo) -> None:
    for _ in range(3):
        request_token(sandbox_org)
    url = sandbox_org.org_url + "/api/v1/logs?limit=2"
    first = requests.get(url, headers=ssws(sandbox_org), timeout=10)
    second = requests.get(_links(first)["next"], headers=ssws(sandbox_org), timeout=10)
    assert len(second.json()) == 1
    assert "next" in _links(second)  # the end of what happened so far, not of the log: keep polling
    empty = requests.get(_links(second)["next"], headers=ssws(sandbox_org), timeout=10)
    assert empty.json() == [] and "next" in _links(empty)
    request_token(sandbox_org)  # something happens: the poll finds it
    later = requests.get(_links(empty)["next"], headers=ssws(sandbox_org), timeout=10).json()
    assert [event["eventType"] for event in later] == ["app.oauth2.token.grant.access_token"]


def test_a_bounded_log_query_ends_without_next(sandbox_org: SandboxInfo) -> None:
    request_token(sandbox_org)
    bounded = requests.get(sandbox_org.org_url + "/api/v1/logs", headers=ssws(sandbox_org), timeout=10,
                           params={"until": "2999-01-01T00:00:00.000Z"})
    assert len(bounded.json()) == 1 and "next" not in _links(bounded)


def test_api_all_ends_on_a_polling_log(run_cli: CliRunner, sandbox_org: SandboxInfo) -> None:
    for _ in range(3):
        request_token(sandbox_org)
    done = run_cli("api", "GET", "/api/v1/logs?limit=2", "--all", "--json", "--org", sandbox_org.org_url,
                   "--client-id", sandbox_org.client_id, "--key", str(sandbox_org.key_file), timeout=60)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) >= 3
