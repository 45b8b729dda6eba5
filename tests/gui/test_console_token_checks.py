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
