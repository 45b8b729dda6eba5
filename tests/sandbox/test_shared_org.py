"""Two sandboxes keeping one org (the window's and a command's): each sees the other's changes, none is lost.

Both sandboxes below run on their own ports over one folder, as the window's in-process sandbox and an
`oktatool app create --profile "Local sandbox"` process do over ``<data>/sandbox``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from oktatool.sandbox import Sandbox, SandboxInfo, SandboxOptions
from oktatool.sandbox.kept import ORG_FILE
from tests.sandbox.client import assertion, token_form


def _start(folder: Path, pem: bytes) -> tuple[Sandbox, SandboxInfo]:
    server = Sandbox(SandboxOptions(users=2, service_key_pem=pem, dpop_app=True), folder, keep_org=True)
    return server, server.start()


@pytest.fixture
def pair(tmp_path: Path, sandbox_service_key_pem: bytes) -> Iterator[tuple[SandboxInfo, SandboxInfo]]:
    """Start two sandboxes over one folder, the second after the first (the window, then a command)."""
    first, first_info = _start(tmp_path, sandbox_service_key_pem)
    second, second_info = _start(tmp_path, sandbox_service_key_pem)
    yield first_info, second_info
    second.stop()
    first.stop()


def _admin(info: SandboxInfo) -> dict[str, str]:
    return {"Authorization": f"SSWS {info.ssws_token}"}


def _public_jwk(info: SandboxInfo) -> dict[str, str]:
    private = json.loads(info.jwk_file.read_text())
    return {name: private[name] for name in ("kty", "kid", "use", "alg", "n", "e")}


def _create_app(info: SandboxInfo, label: str) -> str:
    body = {"name": "oidc_client", "label": label, "signOnMode": "OPENID_CONNECT",
            "credentials": {"oauthClient": {"token_endpoint_auth_method": "private_key_jwt"}},
            "settings": {"oauthClient": {"application_type": "service", "grant_types": ["client_credentials"],
                                         "response_types": ["token"], "jwks": {"keys": [_public_jwk(info)]}}}}
    answer = requests.post(f"{info.org_url}/api/v1/apps", json=body, headers=_admin(info), timeout=10)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["id"])


def _app_labels(info: SandboxInfo) -> set[str]:
    answer = requests.get(f"{info.org_url}/api/v1/apps?limit=200", headers=_admin(info), timeout=10)
    assert answer.status_code == 200
    return {app["label"] for app in answer.json()}


def test_each_sandbox_sees_the_other_s_app_and_neither_loses_it(
        pair: tuple[SandboxInfo, SandboxInfo], tmp_path: Path, sandbox_service_key_pem: bytes) -> None:
    window, command = pair
    assert command.client_id == window.client_id  # the second start found the first one's org, not a new seed

    made_by_command = _create_app(command, "Nightly report")
    # the window's sandbox serves the app at once: management and token requests
    seen = requests.get(f"{window.org_url}/api/v1/apps/{made_by_command}", headers=_admin(window), timeout=10)
    assert seen.status_code == 200 and seen.json()["label"] == "Nightly report"
    grant = requests.post(f"{window.org_url}/api/v1/apps/{made_by_command}/grants", headers=_admin(window),
                          timeout=10, json={"scopeId": "okta.users.read", "issuer": window.org_url})
    assert grant.status_code == 201
    token_url = window.token_url
    signed = assertion(window, iss=made_by_command, sub=made_by_command, aud=token_url)
    token = requests.post(token_url, data=token_form(signed, "okta.users.read"), timeout=10)
    assert token.status_code == 200, token.text

    made_by_window = _create_app(window, "Window app")  # the window's next change keeps the command's app
    assert made_by_window != made_by_command  # ids go on from the file: never one id for two apps
    assert {"Nightly report", "Window app"} <= _app_labels(command)
    grants = requests.get(f"{command.org_url}/api/v1/apps/{made_by_command}/grants", headers=_admin(command),
                          timeout=10).json()
    assert [g["scopeId"] for g in grants] == ["okta.users.read"]

    later, later_info = _start(tmp_path, sandbox_service_key_pem)  # and the file holds both
    try:
        assert {"Nightly report", "Window app"} <= _app_labels(later_info)
    finally:
        later.stop()


def test_changes_made_at_once_through_both_sandboxes_are_all_kept(
        pair: tuple[SandboxInfo, SandboxInfo], tmp_path: Path, sandbox_service_key_pem: bytes) -> None:
    made: list[str] = []
    failures: list[str] = []

    def add_users(info: SandboxInfo, prefix: str) -> None:
        for number in range(12):
            login = f"{prefix}{number}@example.com"
            answer = requests.post(f"{info.org_url}/api/v1/users", headers=_admin(info), timeout=30, json={
                "profile": {"firstName": prefix, "lastName": str(number), "email": login, "login": login}})
            if answer.status_code == 200:
                made.append(answer.json()["id"])
            else:
                failures.append(answer.text)

    workers = [threading.Thread(target=add_users, args=(info, prefix))
               for info, prefix in ((pair[0], "win"), (pair[0], "tab"), (pair[1], "cli"), (pair[1], "job"))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not failures and len(set(made)) == 48  # no id was handed out twice
    kept = json.loads((tmp_path / ORG_FILE).read_text())
    assert set(made) <= {user["id"] for user in kept["users"]}
