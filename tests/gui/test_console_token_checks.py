"""The Console token pane's Introspect and Revoke against a sandbox org over real HTTP: what introspection says is
shown beside the token, a revoked token is forgotten and refused by the API, the next call gets a new one."""

from __future__ import annotations

import asyncio
from typing import Any

import requests

from oktatool.context import AppContext
from oktatool.gui.console.tab import ConsoleTab
from oktatool.gui.console.token_checks import REVOKED
from oktatool.sandbox import Fault, SandboxInfo
from tests.gui.conftest import finish
from tests.gui.test_console_tab import console, use_org
from tests.sandbox.client import request_token, ssws

__all__ = ["console"]


def _users(info: SandboxInfo, token: str) -> int:
    return requests.get(info.org_url + "/api/v1/users?limit=1", headers={"Authorization": f"Bearer {token}"},
                        timeout=10).status_code


def _click(console: ConsoleTab, aloop: asyncio.AbstractEventLoop, button: Any) -> None:
    assert button.isEnabled()
    button.click()
    task = console.token_request.task
    assert task is not None
    finish(aloop, task, timeout=60)


def test_introspect_then_revoke(console: ConsoleTab, context: AppContext, aloop: asyncio.AbstractEventLoop,
                                sandbox_org: SandboxInfo) -> None:
    use_org(context, sandbox_org, scopes=("okta.users.read",))
    panel = console.token_panel
    assert not panel.introspect_button.isEnabled() and not panel.revoke_button.isEnabled()  # no token yet
    finish(aloop, console.get_token(), timeout=60)
    token = panel.access_token.value
    assert token and _users(sandbox_org, token) == 200

    _click(console, aloop, panel.introspect_button)
    said = panel.introspection_label.text()
    assert f"client_id: {sandbox_org.client_id}" in said and "scope: okta.users.read" in said
    assert "token_type: Bearer" in said and "exp: " in said and "UTC" in said
    assert "active" in panel.status.text() and "not active" not in panel.status.text()
    assert token not in said

    _click(console, aloop, panel.revoke_button)
    assert panel.status.text() == REVOKED
    assert console.token is None and panel.access_token.value == ""
    assert not panel.revoke_button.isEnabled() and panel.introspection_label.text() == "–"
    assert _users(sandbox_org, token) == 401  # the org refuses the revoked token

    console.editor.set_request("GET", "/api/v1/users?limit=1")
    finish(aloop, console.send(), timeout=60)
    assert "→ 200" in console.response.status.text()  # a new token, not the revoked one
    assert console.token is not None and console.token.token.access_token != token


def test_a_failed_introspection_is_said_in_the_pane(console: ConsoleTab, context: AppContext,
                                                    aloop: asyncio.AbstractEventLoop, sandbox_factory: Any) -> None:
    info = sandbox_factory(faults=(Fault("/oauth2/v1/introspect", "status", status=500),))
    use_org(context, info, scopes=("okta.users.read",))
    panel = console.token_panel
    finish(aloop, console.get_token(), timeout=60)
    _click(console, aloop, panel.introspect_button)
    assert "500" in panel.status.text()
    assert panel.introspection_label.text().startswith("–")
    assert panel.revoke_button.isEnabled()  # the token is still held


def test_introspect_says_a_token_revoked_elsewhere_is_not_active(
        console: ConsoleTab, context: AppContext, aloop: asyncio.AbstractEventLoop, sandbox_org: SandboxInfo) -> None:
    use_org(context, sandbox_org, scopes=("okta.users.read",))
    panel = console.token_panel
    finish(aloop, console.get_token(), timeout=60)
    tokens_url = f"{sandbox_org.org_url}/api/v1/apps/{sandbox_org.client_id}/tokens"
    assert requests.delete(tokens_url, headers=ssws(sandbox_org), timeout=10).status_code == 204  # an admin did
    _click(console, aloop, panel.introspect_button)
    assert panel.status.text() == "The org says the token is not active."
    assert panel.introspection_label.text().startswith("active: false")
    assert panel.revoke_button.isEnabled()  # the pane still holds it: Revoke or Forget is the user's choice


def test_fetch_all_ends_on_a_system_log_that_always_links_next(
        console: ConsoleTab, context: AppContext, aloop: asyncio.AbstractEventLoop, sandbox_org: SandboxInfo) -> None:
    # a polling System Log query links rel="next" even at its end, as Okta's does: the walk stops there
    for _ in range(3):
        assert request_token(sandbox_org).status_code == 200
    use_org(context, sandbox_org, scopes=("okta.logs.read",))
    console.editor.set_request("GET", "/api/v1/logs?limit=2")
    finish(aloop, console.fetch_all(), timeout=120)
    assert "→ 200" in console.response.status.text()
    assert console.response.rows.rowCount() >= 3
    assert "All " in console.response.progress.text()
