"""The Scopes tab through its widgets, against the in-process Local sandbox: pick, look up, try, grant, revoke,
assign and unassign."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication

from oktatool.context import AppContext
from oktatool.core.okta.grants import admin_token_secret_name
from oktatool.gui.scopes.admin_target import STORED_TOKEN
from oktatool.gui.scopes.tab import ScopesTab
from tests.gui.conftest import answer_confirmation, answer_role_dialog, finish


@pytest.fixture
def tab(qtbot: Any, context: AppContext, aloop: asyncio.AbstractEventLoop) -> Any:
    widget = ScopesTab(context)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    finish(aloop, widget.ready)
    yield widget
    context.close()


def click(qtbot: Any, button: Any) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def select_row(view: Any, column_zero_text: str) -> None:
    model = view.model()
    for row in range(model.rowCount()):
        if model.index(row, 0).data() == column_zero_text:
            view.selectionModel().select(model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                         | QItemSelectionModel.SelectionFlag.Rows)
            return
    raise AssertionError(f"no row {column_zero_text!r}")


def test_picks_are_saved_in_the_profile_and_the_scope_string_follows(tab: ScopesTab, context: AppContext) -> None:
    assert tab.picked() == ["okta.users.read"]  # the Local sandbox profile's default
    assert tab.operations.model.rowCount() == len(tab.catalog.operations_for("okta.users.read"))
    tab.picker.model.pick("okta.users.manage")
    assert context.settings.settings.profile().scopes == ("okta.users.manage", "okta.users.read")
    assert tab.scope_string.text() == "okta.users.manage okta.users.read"
    assert "okta.users.manage covers okta.users.read" in tab.notice.text()
    assert tab.drop_reads.isVisible()
    tab.drop_reads.click()
    assert tab.picked() == ["okta.users.manage"] and tab.notice.text() == ""
    tab.copy_button.click()
    assert QGuiApplication.clipboard().text() == "okta.users.manage"
    # the profile file holds the pick: a new tab on the same settings reads it back
    assert context.settings.settings.profile().scopes == ("okta.users.manage",)


def test_search_filters_and_operations_of_the_highlighted_scope(tab: ScopesTab, qtbot: Any) -> None:
    qtbot.keyClicks(tab.picker.search, "logs read")
    assert "okta.logs.read" in [tab.picker.proxy.index(r, 0).data() for r in range(tab.picker.proxy.rowCount())]
    assert "of 114 scopes shown" in tab.picker.count.text() or "scopes shown" in tab.picker.count.text()
    tab.show_scope("okta.logs.read")
    assert tab.operations.current == "okta.logs.read"
    assert [tab.operations.model.index(r, 1).data() for r in range(tab.operations.model.rowCount())] == \
        [op.path for op in tab.catalog.operations_for("okta.logs.read")]
    tab.picker.kind.setCurrentIndex(tab.picker.kind.findData("manage"))
    assert all(tab.picker.proxy.index(r, 0).data().endswith(".manage") for r in range(tab.picker.proxy.rowCount()))
    assert tab.picker.select_scope("okta.users.read")  # clears the filters hiding it
    assert tab.picker.current_scope() == "okta.users.read"


def test_the_table_counts_what_the_detail_lists(tab: ScopesTab) -> None:
    from oktatool.gui.models.scope_models import OPS

    for name in ("okta.users.manage", "okta.users.read", "okta.apps.manage"):
        assert tab.picker.select_scope(name)
        tab.show_scope(name)
        shown = tab.picker.proxy.index(tab.picker.view.currentIndex().row(), OPS).data()
        assert shown == str(tab.operations.model.rowCount()), name
        assert tab.operations.title.text().count(f"{shown} operation") == 1, tab.operations.title.text()


def test_endpoint_lookup_and_least_privilege_pick_in_one_click(tab: ScopesTab, qtbot: Any) -> None:
    qtbot.keyClicks(tab.endpoints.endpoint, "GET /api/v1/users/00u1abc/groups")
    assert "okta.users.read" in tab.endpoints.answer.text()
    click(qtbot, tab.endpoints.pick_one)
    assert tab.picked() == ["okta.users.read"]
    tab.endpoints.endpoint.setText("/api/v1/groups/{groupId}")
    assert "GET" in tab.endpoints.answer.text() and "DELETE" in tab.endpoints.answer.text()
    tab.endpoints.endpoint.setText("FETCH /x")
    assert "METHOD PATH" in tab.endpoints.answer.text() or "expected" in tab.endpoints.answer.text()
    tab.analyze_calls(["GET /api/v1/users", "PUT /api/v1/groups/00g1/users/00u1", "GET /api/v1/logs", "junk"])
    assert tab.side.currentIndex() == 1 and tab.endpoints.isVisible()
    assert tab.endpoints.least is not None
    assert set(tab.endpoints.least.scopes) == {"okta.users.read", "okta.groups.manage", "okta.logs.read"}
    assert "junk" in tab.endpoints.result.text()
    click(qtbot, tab.endpoints.pick_all)
    assert set(tab.picked()) == {"okta.users.read", "okta.groups.manage", "okta.logs.read"}
    QGuiApplication.clipboard().setText("GET /api/v1/apps\nDELETE /api/v1/apps/0oa1\n")
    tab.paste()  # Edit > Paste
    assert tab.endpoints.least is not None and tab.endpoints.least.scopes == ("okta.apps.manage",)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_garbage_in_the_search_and_endpoint_fields_never_crashes(tab: ScopesTab, text: str) -> None:
    tab.picker.search.setText(text)
    tab.endpoints.endpoint.setText(text)
    tab.endpoints.analyze(text.splitlines() or [text])
    assert tab.picker.proxy.rowCount() <= 114


def test_a_huge_paste_is_cut_not_frozen(tab: ScopesTab) -> None:
    tab.endpoints.analyze(["GET /api/v1/users"] * 50_000)
    assert "only the first" in tab.endpoints.result.text()
    tab.picker.search.setText("x" * 1_000_000)
    assert len(tab.picker.search.text()) <= 200


def test_try_a_token_shows_granted_against_asked(tab: ScopesTab, qtbot: Any,
                                                aloop: asyncio.AbstractEventLoop) -> None:
    tab.pick_scopes(["okta.users.read", "okta.logs.read"])
    click(qtbot, tab.try_token.button)
    finish(aloop, tab.try_token.request.task)
    text = tab.try_token.result.text()
    assert "every scope asked for is in the token" in text and tab.try_token.last is not None
    assert tab.try_token.last.access_token not in text
    tab.pick_scopes(["okta.policies.read"])  # not granted to the sandbox app
    click(qtbot, tab.try_token.button)
    finish(aloop, tab.try_token.request.task)
    assert "granted" in tab.try_token.result.text() and tab.try_token.last is None
    click(qtbot, tab.access.fetch_button)  # once the grants are known, the refusal names the scope
    finish(aloop, tab.access.request.task)
    click(qtbot, tab.try_token.button)
    finish(aloop, tab.try_token.request.task)
    assert "Not granted to the app: <code>okta.policies.read</code>" in tab.try_token.result.text()


def confirmed(qtbot: Any, aloop: asyncio.AbstractEventLoop, action: Any, button: str, tab: ScopesTab) -> str:
    """Click ``action``, answer its confirmation with ``button``; return the call the dialog showed."""
    asked: list[str] = []
    answer_confirmation(button, asked)
    click(qtbot, action)
    finish(aloop, tab.access.request.task)
    assert len(asked) == 1, asked
    return asked[0].partition("\n\n")[2]


def test_grant_revoke_assign_unassign_against_the_sandbox(tab: ScopesTab, context: AppContext, qtbot: Any,
                                                         aloop: asyncio.AbstractEventLoop) -> None:
    access = tab.access
    tab.pick_scopes(["okta.users.read", "okta.policies.read"])
    click(qtbot, access.fetch_button)
    finish(aloop, access.request.task)
    assert "missing okta.policies.read" in access.summary.text()
    assert tab.picker.model.granted is not None and "okta.users.read" in tab.picker.model.granted
    info = context.sandbox_running
    assert info is not None
    grants_url = f"{info.org_url}/api/v1/apps/{info.client_id}/grants"

    def granted_on_server() -> set[str]:
        answer = requests.get(grants_url, headers={"Authorization": f"SSWS {info.ssws_token}"}, timeout=10)
        return {g["scopeId"] for g in answer.json()}

    # "Copy the call" makes nothing: the call is on the clipboard, not marked secret (it holds none)
    select_row(access.grant_view, "okta.policies.read")
    call = confirmed(qtbot, aloop, access.grant_button, "Copy the call", tab)
    assert call.startswith(f"POST /api/v1/apps/{info.client_id}/grants")
    assert '"scopeId": "okta.policies.read"' in call
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.text() == call and not mime.hasFormat("x-kde-passwordManagerHint")
    assert "Copied the call" in access.message.text()
    assert "okta.policies.read" not in granted_on_server()

    select_row(access.grant_view, "okta.policies.read")
    assert confirmed(qtbot, aloop, access.grant_button, "Make the call", tab) == call
    assert "okta.policies.read" in granted_on_server()
    assert "missing" not in access.summary.text()

    # a cancelled confirmation changes nothing
    select_row(access.grant_view, "okta.logs.read")
    confirmed(qtbot, aloop, access.revoke_button, "Cancel", tab)
    assert "okta.logs.read" in granted_on_server() and "cancelled" in access.message.text()

    select_row(access.grant_view, "okta.logs.read")
    call = confirmed(qtbot, aloop, access.revoke_button, "Make the call", tab)
    assert call.startswith(f"DELETE /api/v1/apps/{info.client_id}/grants/oag")
    assert "okta.logs.read" not in granted_on_server()

    answer_role_dialog("READ_ONLY_ADMIN")
    assert confirmed(qtbot, aloop, access.role_panel.assign_button, "Make the call", tab).startswith(
        f"POST /oauth2/v1/clients/{info.client_id}/roles")
    roles = access.role_panel.roles
    assert {roles.index(r, 0).data() for r in range(roles.rowCount())} == {"SUPER_ADMIN", "READ_ONLY_ADMIN"}
    while roles.rowCount():
        select_row(access.role_panel.role_view, roles.index(0, 0).data())
        call = confirmed(qtbot, aloop, access.role_panel.unassign_button, "Make the call", tab)
        assert call.startswith(f"DELETE /oauth2/v1/clients/{info.client_id}/roles/")
    assert "E0000006" in access.warning.text()
    assert "You do not have permission to perform the requested action" in access.warning.text()


def test_a_copied_call_holding_a_secret_is_marked_and_cleared(tab: ScopesTab, qtbot: Any,
                                                              aloop: asyncio.AbstractEventLoop) -> None:
    """The confirmation's Copy the call goes through the secret clipboard when the call holds a secret."""
    from oktatool.core.okta.grants import PlannedCall

    access = tab.access
    asked: list[str] = []
    answer_confirmation("Copy the call", asked)
    secret_call = PlannedCall("POST", "/api/v1/apps", {"credentials": {"oauthClient": {"client_secret": "s3cr3t"}}})
    assert aloop.run_until_complete(access._confirm("Create the app", [secret_call], "")) is None
    mime = QGuiApplication.clipboard().mimeData()
    assert "s3cr3t" in mime.text() and bytes(mime.data("x-kde-passwordManagerHint")) == b"secret"
    assert "30 s" in access.message.text()


def test_a_stored_api_token_is_used_and_never_shown(tab: ScopesTab, context: AppContext, qtbot: Any,
                                                   aloop: asyncio.AbstractEventLoop) -> None:
    access = tab.access
    access.credential.setCurrentIndex(access.credential.findData(STORED_TOKEN))
    click(qtbot, access.fetch_button)
    finish(aloop, access.request.task)
    assert "No admin API token is stored" in access.message.text()
    info = context.sandbox_running
    assert info is not None
    context.secret_store().set(admin_token_secret_name(context.profile("Local sandbox")), "00wrong")
    click(qtbot, access.fetch_button)
    finish(aloop, access.request.task)
    assert "refused the admin credential" in access.message.text().lower() and "00wrong" not in access.message.text()
    context.secret_store().set(admin_token_secret_name(context.profile("Local sandbox")), info.ssws_token)
    click(qtbot, access.fetch_button)
    finish(aloop, access.request.task)
    assert access.grants.rowCount() >= len(info.scopes)
    assert info.ssws_token not in access.message.text() + access.summary.text()


def test_switching_profile_brings_its_picks_and_forgets_the_grants(tab: ScopesTab, context: AppContext,
                                                                  qtbot: Any,
                                                                  aloop: asyncio.AbstractEventLoop) -> None:
    from oktatool.core.store.settings import Profile

    click(qtbot, tab.access.fetch_button)
    finish(aloop, tab.access.request.task)
    assert tab.picker.model.granted is not None
    settings = context.settings.settings.with_profile(Profile(name="Prod", org_url="https://dev-1.okta.com",
                                                              client_id="0oaProd", scopes=("okta.logs.read",)))
    context.save_settings(settings)
    assert tab.access.credential.findData("profile:Prod") >= 0  # offered as an admin profile at once
    context.save_settings(context.settings.settings.with_active("Prod"))
    assert tab.picked() == ["okta.logs.read"]
    assert tab.picker.model.granted is None and tab.access.grants.rowCount() == 0
    assert tab.access.credential.findData("sandbox") == -1  # the sandbox's own token only for the sandbox
    assert tab.access.credential.findData("profile:Local sandbox") >= 0


def test_the_scope_picker_stands_alone_for_the_set_up_dialog(qtbot: Any) -> None:
    from oktatool.core.okta.scopes import ScopeCatalog
    from oktatool.gui.widgets.scope_picker import ScopePicker

    picker = ScopePicker(ScopeCatalog.load(), ["okta.users.read", "okta.nope.read"])
    qtbot.addWidget(picker)
    assert picker.picked() == ["okta.users.read"]
    with qtbot.waitSignal(picker.changed):
        picker.model.pick("okta.apps.read")
    assert picker.picked() == ["okta.apps.read", "okta.users.read"]
    qtbot.keyClicks(picker.search, "apps read")
    assert "okta.apps.read" in [picker.proxy.index(r, 0).data() for r in range(picker.proxy.rowCount())]
    assert "picked" in picker.count.text()


def test_picking_a_scope_keeps_the_grants_and_a_fetch_still_running(tab: ScopesTab, qtbot: Any,
                                                                    aloop: asyncio.AbstractEventLoop) -> None:
    """New picks make a new session for the same app: what was fetched, or is being fetched, stays."""
    click(qtbot, tab.access.fetch_button)
    finish(aloop, tab.access.request.task)
    rows = tab.access.grants.rowCount()
    tab.picker.model.pick("okta.groups.read")
    assert tab.access.grants.rowCount() == rows and tab.picker.model.granted is not None
    click(qtbot, tab.access.fetch_button)  # a fetch in flight while the picks change
    aloop.run_until_complete(asyncio.sleep(0))  # it has started, for the session of the old picks
    session = tab.context.session
    tab.picker.model.pick("okta.apps.read")
    assert session.closed and tab.access.request.busy
    assert finish(aloop, tab.access.request.task) is True
    assert tab.access.grants.rowCount() == rows and "okta.apps.read" in tab.access.grants.diff.summary() + \
        " ".join(tab.access.picked)


def _use_stored_token(qtbot: Any, tab: ScopesTab, aloop: asyncio.AbstractEventLoop) -> str:
    access = tab.access
    access.credential.setCurrentIndex(access.credential.findData(STORED_TOKEN))
    click(qtbot, access.fetch_button)
    finish(aloop, access.request.task)
    return access.message.text()


def _stored_admin_tokens(context: AppContext) -> list[str]:
    if context.forgetting is not None:
        context.forgetting.join(30)
    return [name for name in context.secret_store().names() if "admin-token" in name]


def test_a_stored_api_token_never_goes_to_another_org(tab: ScopesTab, context: AppContext, qtbot: Any,
                                                      aloop: asyncio.AbstractEventLoop,
                                                      sandbox_factory: Any) -> None:
    from oktatool.core.store.settings import Profile

    first, second = sandbox_factory(), sandbox_factory()
    prod = Profile(name="Prod", org_url=first.org_url, client_id=first.client_id, scopes=("okta.users.read",))
    context.save_settings(context.settings.settings.with_profile(prod).with_active("Prod"))
    context.secret_store().set(admin_token_secret_name(prod), first.ssws_token)
    assert "refused" not in _use_stored_token(qtbot, tab, aloop).lower()
    assert tab.access.grants.rowCount() >= 1  # the token works on its own org
    # the profile's org is edited: the token is forgotten, and never sent to the new org
    moved = prod._replace(org_url=second.org_url, client_id=second.client_id)
    context.save_settings(context.settings.settings.with_profile(moved, replacing="Prod"))
    assert _stored_admin_tokens(context) == []
    said = _use_stored_token(qtbot, tab, aloop)
    assert "No admin API token is stored for the profile 'Prod' on " + second.org_url in said
    # a token kept for a deleted profile does not reach a new profile of the same name on another org,
    # even when nothing swept it (the store was not open when the profile went)
    context.secret_store().set(admin_token_secret_name(prod), first.ssws_token)
    assert "No admin API token is stored" in _use_stored_token(qtbot, tab, aloop)
    # an older version's token, kept by the profile's name alone, is not sent either, and the message says why
    context.secret_store().set("admin-token:Prod", first.ssws_token)
    said = _use_stored_token(qtbot, tab, aloop)
    assert "older version" in said and first.ssws_token not in said
    # the same org written differently is the same org
    context.save_settings(context.settings.settings.with_profile(prod._replace(org_url=first.org_url.upper() + "/"),
                                                                 replacing="Prod"))
    assert admin_token_secret_name(context.profile("Prod")) == admin_token_secret_name(prod)
