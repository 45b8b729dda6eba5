"""The Console's Saved list against a sandbox org over real HTTP: save, replay from the window and from the CLI,
variables picked in an answer, nothing secret stored, per-profile lists, import/export and a bad file."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from oktatool.context import AppContext
from oktatool.core.okta.saved_requests import Owner
from oktatool.gui.console.tab import ConsoleTab
from tests.conftest import CliRunner
from tests.gui.conftest import finish
from tests.gui.test_console_tab import TYPED_SECRETS, console, use_org
from tests.gui.test_keys_tab import answer_dialog

__all__ = ["console"]  # the fixture, shared with the Console tab tests


def _pick_cell(console: ConsoleTab, column_name: str, row: int = 0) -> tuple[str, str]:
    view = console.response
    column = next(c for c in range(view.rows.columnCount())
                  if view.rows.headerData(c, Qt.Orientation.Horizontal) == column_name)
    view.table.setCurrentIndex(view.proxy.index(row, column))
    cell = view.selected_value()
    assert cell is not None
    return cell


def test_save_then_replay_in_the_window_and_from_the_cli_with_a_picked_variable(
        console: ConsoleTab, context: AppContext, sandbox_factory: Any, aloop: asyncio.AbstractEventLoop,
        run_cli: CliRunner) -> None:
    info = sandbox_factory(users=3)
    use_org(context, info)
    console.editor.set_request("GET", "/api/v1/users?limit=3")
    finish(aloop, console.send())
    column, user_id = _pick_cell(console, "id", row=1)
    assert column == "id" and user_id.startswith("00u")
    finish(aloop, console.saved.offer_value(column, user_id, name="userId"))
    finish(aloop, console.saved.saved)
    assert console.saved.values() == {"userId": user_id}

    console.editor.set_request("GET", "/api/v1/users/{{userId}}", headers=[("X-Kept", "kept")])
    finish(aloop, console.saved.save_call(console.current_call(), name="one user", for_all=False))
    finish(aloop, console.saved.saved)
    assert [r.name for r in console.saved.model.shown] == ["one user"]

    console.editor.set_request("GET", "/api/v1/groups")  # the editor shows something else before the replay
    console.saved.table.selectRow(0)
    console.saved.buttons["Replay"].click()
    finish(aloop, console.page.request.task)
    assert console.editor.full_path() == "/api/v1/users/{{userId}}"  # the saved request, variables kept in it
    assert "→ 200" in console.response.status.text()
    assert console.last_response is not None and console.last_response.json()["id"] == user_id

    # the CLI finds the profile's own request and fills it from the profile's variables (the window's secret store
    # lives in memory here, so the key is given as a file)
    done = run_cli("api", "--saved", "one user", "--profile", "test org", "--key", str(info.jwk_file), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["id"] == user_id


def test_use_as_variable_from_the_json_tree_s_context_menu(console: ConsoleTab, context: AppContext,
                                                           sandbox_factory: Any,
                                                           aloop: asyncio.AbstractEventLoop) -> None:
    use_org(context, sandbox_factory(users=2))
    console.editor.set_request("GET", "/api/v1/groups?limit=1")
    finish(aloop, console.send())
    group = console.last_response.json()[0] if console.last_response is not None else {}
    view = console.response
    view.views.setCurrentWidget(view.tree)
    tree = view.tree.tree
    item = tree.model().index(0, 0)
    row = next(r for r in range(tree.model().rowCount(item)) if tree.model().index(r, 0, item).data() == "id")
    tree.setCurrentIndex(tree.model().index(row, 1, item))
    assert view.selected_value() == ("id", group["id"])
    tree.setCurrentIndex(item)
    assert view.selected_value() is None  # an object is not one value
    tree.setCurrentIndex(tree.model().index(row, 1, item))
    assert view.use_value_action in tree.actions()

    def name_it(dialog: QInputDialog) -> None:
        assert dialog.textValue() == "id"  # the member's name offered
        dialog.setTextValue("groupId")
        dialog.accept()

    answer_dialog(aloop, QInputDialog, name_it)
    view.use_value_action.trigger()
    assert console.saved.offered is not None
    finish(aloop, console.saved.offered)
    finish(aloop, console.saved.saved)
    assert console.saved.values() == {"groupId": group["id"]}
    stored = json.loads(context.paths.variables_file.read_text(encoding="utf-8"))
    assert stored["profiles"][0]["values"] == {"groupId": group["id"]}


def test_a_missing_variable_is_named_and_nothing_is_sent(console: ConsoleTab, context: AppContext,
                                                         sandbox_factory: Any,
                                                         aloop: asyncio.AbstractEventLoop) -> None:
    use_org(context, sandbox_factory(users=1))
    console.editor.set_request("GET", "/api/v1/groups/{{groupId}}/users")
    assert console.send() is None
    assert console.editor.problem.text().startswith("The request needs a value for {{groupId}}.")
    assert console.history.model.entries == []


def test_no_secret_reaches_the_saved_files(console: ConsoleTab, context: AppContext, sandbox_factory: Any,
                                           aloop: asyncio.AbstractEventLoop) -> None:
    use_org(context, sandbox_factory(users=2))
    secret = TYPED_SECRETS
    console.editor.set_request(
        "GET", f"/api/v1/users?limit=1&passCode={secret['pass code']}",
        headers=[("Authorization", f"Bearer {secret['bearer']}"), ("DPoP", secret["dpop"]),
                 ("X-Client-Secret", secret["client secret"]), ("X-Kept", "kept-header")])
    finish(aloop, console.send())  # a call that carried them
    token = console.token.token.access_token if console.token is not None else ""
    assert token
    finish(aloop, console.saved.save_call(console.current_call(), name="with secrets", for_all=True))
    finish(aloop, console.saved.saved)
    assert "Saved without query parameter passCode, header Authorization, header DPoP, header X-Client-Secret" \
        in console.saved.messages.shown_text()
    body = {"profile": {"login": "kept@example.com"}, "credentials": {"password": {"value": secret["password"]}}}
    console.editor.set_request("POST", "/api/v1/users", json.dumps(body))
    finish(aloop, console.saved.save_call(console.current_call(), name="new user", for_all=True))
    assert "body holds a secret" in console.saved.messages.shown_text()
    finish(aloop, console.saved.offer_value("sessionToken", secret["session"], name="sessionToken"))
    assert "would hold a secret" in console.saved.messages.shown_text()
    out = context.paths.data_dir / "exported.json"
    finish(aloop, console.saved.export_file(out))
    files = [context.paths.saved_requests_file, out]
    texts = [path.read_text(encoding="utf-8") for path in files if path.exists()]
    variables = context.paths.variables_file
    texts += [variables.read_text(encoding="utf-8")] if variables.exists() else []
    assert len(texts) >= 2 and "kept-header" in texts[0] and "limit" in texts[0]
    leaked = [name for name, value in secret.items() if any(value in text for text in texts)]
    assert leaked == [] and not (token and any(token in text for text in texts))
    assert [r.name for r in console.saved.requests] == ["with secrets"]


def test_the_list_follows_the_profile_and_rename_duplicate_delete(console: ConsoleTab, context: AppContext,
                                                                   sandbox_factory: Any,
                                                                   aloop: asyncio.AbstractEventLoop) -> None:
    info = sandbox_factory(users=1)
    first = use_org(context, info, name="first")
    console.editor.set_request("GET", "/api/v1/users")
    finish(aloop, console.saved.save_call(console.current_call(), name="mine", for_all=False))
    finish(aloop, console.saved.save_call(console.current_call(), name="shared", for_all=True))
    finish(aloop, console.saved.offer_value("id", "00u1first", name="userId"))
    finish(aloop, console.saved.saved)
    use_org(context, info, name="second")
    assert "00u1first" not in console.profile_traces()  # at once, before the second profile's are read
    assert [r.name for r in console.saved.model.shown] == ["shared"]
    assert console.saved.owner == Owner("second", info.org_url)
    finish(aloop, console.saved.show_owner(console.saved.owner))
    assert console.saved.values() == {}
    assert console.saved.variables_view.verticalHeader().count() == 1  # the view follows: only the blank row
    context.save_settings(context.settings.settings.with_active(first.name))
    assert [r.name for r in console.saved.model.shown] == ["mine", "shared"]
    finish(aloop, console.saved.show_owner(console.saved.owner))
    assert console.saved.values() == {"userId": "00u1first"}
    assert console.saved.variables_view.verticalHeader().count() == 2  # the view shows it (and the blank row)
    mine = console.saved.model.shown[0]
    finish(aloop, console.saved.rename(mine, "renamed"))
    console.saved.duplicate(console.saved.model.shown[0])
    finish(aloop, console.saved.saved)
    assert [r.name for r in console.saved.model.shown] == ["renamed", "renamed copy", "shared"]
    console.saved.delete(console.saved.model.shown[1])
    finish(aloop, console.saved.saved)
    stored = json.loads(context.paths.saved_requests_file.read_text())["requests"]
    assert sorted(r["name"] for r in stored) == ["renamed", "shared"]


def test_import_and_export_round_trip_and_a_bad_file_loses_nothing(console: ConsoleTab, context: AppContext,
                                                                     aloop: asyncio.AbstractEventLoop,
                                                                     tmp_path: Path) -> None:
    console.editor.set_request("GET", "/api/v1/users?limit=5")
    finish(aloop, console.saved.save_call(console.current_call(), name="users", for_all=True))
    out = tmp_path / "saved.json"
    finish(aloop, console.saved.export_file(out))
    console.saved.delete(console.saved.model.shown[0])
    finish(aloop, console.saved.saved)
    assert console.saved.model.shown == []
    finish(aloop, console.saved.import_file(str(out)))
    assert [(r.name, r.full_path()) for r in console.saved.model.shown] == [("users", "/api/v1/users?limit=5")]
    before = context.paths.saved_requests_file.read_bytes()
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": 1, "requests": [{"name": "x", "method": "GET"}]}')
    finish(aloop, console.saved.import_file(str(bad)))
    assert "request 1 is not usable" in console.saved.messages.shown_text()
    assert context.paths.saved_requests_file.read_bytes() == before and len(console.saved.model.shown) == 1
