"""Grants & roles in the Scopes tab, driven through its widgets against the in-process Local sandbox: a standard
role scoped to a group, a custom role from the picked scopes, each previewed with its exact calls; what the app
can do in plain words; the app's tokens listed and revoked."""

from __future__ import annotations

import asyncio
from typing import Any

import requests
from PySide6.QtCore import QItemSelectionModel, Qt

from oktatool.context import AppContext
from oktatool.gui.scopes.tab import ScopesTab
from tests.gui.conftest import answer_confirmation, answer_role_dialog, finish
from tests.gui.test_scopes_tab import tab
from tests.sandbox.client import bearer_token

__all__ = ["tab"]  # the fixture, shared with the Scopes tab tests


def _press(qtbot: Any, aloop: asyncio.AbstractEventLoop, tab: ScopesTab, button: Any, answer: str = "Make the call"
           ) -> str:
    asked: list[str] = []
    answer_confirmation(answer, asked)
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    finish(aloop, tab.access.request.task)
    assert len(asked) == 1, tab.access.message.text()
    return asked[0].partition("\n\n")[2]


def _rows(model: Any, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def _select(view: Any, row: int) -> None:
    view.selectionModel().select(view.model().index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                 | QItemSelectionModel.SelectionFlag.Rows)


def test_scoped_and_custom_roles_previewed_made_and_removed(tab: ScopesTab, context: AppContext, qtbot: Any,
                                                             aloop: asyncio.AbstractEventLoop) -> None:
    access = tab.access
    panel = access.role_panel
    tab.pick_scopes(["okta.users.read"])
    qtbot.mouseClick(access.fetch_button, Qt.MouseButton.LeftButton)
    finish(aloop, access.request.task)
    info = context.sandbox_running
    assert info is not None
    assert _rows(panel.roles, 1) == ["do anything, grant scopes and assign roles across the whole org"]

    answer_role_dialog("USER_ADMIN", groups="Engineering")
    shown = _press(qtbot, aloop, tab, panel.assign_button)
    assert shown.startswith(f'POST /oauth2/v1/clients/{info.client_id}/roles\n{{"type": "USER_ADMIN"}}\n\n'
                            f"PUT /oauth2/v1/clients/{info.client_id}/roles/{{new assignment id}}/targets/groups/00g")
    assert "manage users and groups in group Engineering only" in _rows(panel.roles, 1)

    # a cancelled preview makes nothing
    answer_role_dialog(groups="Sales")
    shown = _press(qtbot, aloop, tab, panel.custom_button, "Cancel")
    assert shown.startswith('POST /api/v1/iam/roles\n{"label": "oktatool ')
    assert '"permissions": ["okta.users.read"]' in shown and "POST /api/v1/iam/resource-sets" in shown
    assert "cancelled" in access.message.text()
    answer_role_dialog(groups="Sales")
    _press(qtbot, aloop, tab, panel.custom_button)
    assert "done" in access.message.text(), access.message.text()
    assert any(text.endswith(": read users in group Sales") for text in _rows(panel.roles, 1))
    ssws = {"Authorization": f"SSWS {info.ssws_token}"}
    assert len(requests.get(f"{info.org_url}/api/v1/iam/roles", headers=ssws, timeout=10).json()["roles"]) == 1

    custom_row = _rows(panel.roles, 0).index("CUSTOM")
    _select(panel.role_view, custom_row)
    shown = _press(qtbot, aloop, tab, panel.unassign_button)
    assert shown.count("DELETE ") == 3 and "DELETE /api/v1/iam/resource-sets/iam" in shown
    assert "CUSTOM" not in _rows(panel.roles, 0)
    assert requests.get(f"{info.org_url}/api/v1/iam/roles", headers=ssws, timeout=10).json()["roles"] == []


def test_the_apps_tokens_listed_and_revoked(tab: ScopesTab, context: AppContext, qtbot: Any,
                                            aloop: asyncio.AbstractEventLoop) -> None:
    access = tab.access
    tokens = access.tokens
    assert not tokens.revoke_all_button.isEnabled()
    qtbot.mouseClick(tokens.list_button, Qt.MouseButton.LeftButton)
    finish(aloop, access.request.task)
    before = tokens.model.rowCount()  # the tokens the sandbox gave the tab's own calls
    info = context.sandbox_running
    assert info is not None
    for _ in range(2):  # tokens of the app, got by an independent client
        bearer_token(info, "okta.users.read")
    qtbot.mouseClick(tokens.list_button, Qt.MouseButton.LeftButton)
    finish(aloop, access.request.task)
    assert tokens.model.rowCount() == before + 2 and "Listed" in access.message.text()
    _select(tokens.view, 0)
    chosen = tokens.model.index(0, 0).data()
    assert _press(qtbot, aloop, tab, tokens.revoke_button) == f"DELETE /api/v1/apps/{info.client_id}/tokens/{chosen}"
    assert chosen not in _rows(tokens.model, 0)
    assert _press(qtbot, aloop, tab, tokens.revoke_all_button) == f"DELETE /api/v1/apps/{info.client_id}/tokens"
    assert tokens.model.rowCount() == 0
