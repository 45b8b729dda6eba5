"""The Console's request tabs against sandbox orgs over real HTTP: two tabs keep their answers apart, a slow call
lands in its own tab while another is shown, Cancel per tab, close / duplicate / rename, the keys, History and
Saved opening in a new tab, tabs kept per profile and restored in a new window, a damaged tabs file."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog

from oktatool.context import AppContext
from oktatool.core.okta.history import HistoryEntry
from oktatool.core.okta.saved_requests import make_saved
from oktatool.core.store.settings import SANDBOX_PROFILE
from oktatool.gui.console.tab import ConsoleTab
from oktatool.sandbox import Fault
from tests.gui.conftest import finish
from tests.gui.test_console_tab import console, use_org
from tests.gui.test_keys_tab import answer_dialog

__all__ = ["console"]


def status(page: Any) -> str:
    return str(page.response.status.text())


def test_two_tabs_keep_their_answers_and_a_slow_call_lands_in_its_own_tab(
        console: ConsoleTab, context: AppContext, sandbox_factory: Any, aloop: asyncio.AbstractEventLoop) -> None:
    info = sandbox_factory(users=3, faults=(Fault("/api/v1/groups", "delay", seconds=1.5, times=1),))
    use_org(context, info)

    async def scenario() -> None:  # one run of the loop: no task is left between two runs
        first = console.page
        console.editor.set_request("GET", "/api/v1/groups")
        slow = console.send()  # tab A: its answer is held back by the org
        second = console.new_request_tab()
        assert console.page is second and console.request_tab_titles() == ["GET groups", "GET users"]
        second.editor.set_request("GET", "/api/v1/users?limit=2")
        await asyncio.wait_for(asyncio.shield(_started(console.send())), 120)
        assert status(second).startswith("GET /api/v1/users?limit=2 → 200")
        assert second.response.rows.rowCount() == 2
        await asyncio.wait_for(asyncio.shield(_started(slow)), 120)  # A answers while B is the tab shown
        assert console.page is second and console.response_stack.currentWidget() is second.response
        assert status(first).startswith("GET /api/v1/groups → 200")
        assert status(second).startswith("GET /api/v1/users?limit=2 → 200")  # B's answer untouched
        assert first.tab.last_response is not None and "/api/v1/groups" in first.tab.last_response.url
        assert second.tab.last_response is not None and "/api/v1/users" in second.tab.last_response.url
        console.show_request_tab(0)
        assert console.response is first.response and console.state.last_response is first.tab.last_response
        assert console.editor.full_path() == "/api/v1/groups"
        await _saved(console)

    aloop.run_until_complete(scenario())


def test_cancel_stops_only_its_own_tab_and_closing_a_tab_cancels_its_call(
        console: ConsoleTab, context: AppContext, sandbox_factory: Any, aloop: asyncio.AbstractEventLoop) -> None:
    info = sandbox_factory(users=2, faults=(Fault("/api/v1/groups", "delay", seconds=2, times=2),))
    use_org(context, info)

    async def scenario() -> None:  # one run of the loop: no task is left between two runs
        first = console.page
        first.editor.set_request("GET", "/api/v1/groups")
        held = _started(console.send())
        second = console.new_request_tab()
        running = _started(console.send())  # B: the users, not held
        await asyncio.wait_for(_until(first.editor.cancel_button.isEnabled), 60)  # A is under way
        first.editor.cancel_button.click()  # A's Cancel, while B is shown
        await asyncio.gather(held, return_exceptions=True)
        assert status(first) == "Cancelled."
        await asyncio.wait_for(running, 120)
        assert status(second).startswith("GET /api/v1/users")
        third = console.new_request_tab()
        third.editor.set_request("GET", "/api/v1/groups")
        held = _started(console.send())
        await asyncio.wait_for(_until(third.editor.cancel_button.isEnabled), 60)
        console.close_request_tab(2)
        await asyncio.gather(held, return_exceptions=True)
        assert third.closed and console.request_tab_titles() == ["GET groups", "GET users"]
        assert console.page is second
        await _saved(console)

    aloop.run_until_complete(scenario())


def _started(task: asyncio.Task[None] | None) -> asyncio.Task[None]:
    assert task is not None, "the action did not start a request"
    return task


async def _saved(console: ConsoleTab) -> None:
    """Wait for the tabs file's latest write."""
    if console.tabs_saved is not None:
        await console.tabs_saved


def test_close_duplicate_rename_and_the_titles(console: ConsoleTab, aloop: asyncio.AbstractEventLoop,
                                               qtbot: Any) -> None:
    console.resize(1100, 700)
    console.show()
    in_loop(aloop, lambda: QTest.qWaitForWindowExposed(console))
    console.editor.set_request("POST", "/api/v1/users?activate=false", '{"profile": {"login": "ada@example.com"}}')
    assert console.request_tab_titles() == ["POST users"]
    console.rename_request_tab(0, "  Create   Ada ")
    assert console.request_tab_titles() == ["Create Ada"]
    copy = console.duplicate_request_tab(0)
    assert copy is not None and console.page is copy
    assert console.request_tab_titles() == ["Create Ada", "Create Ada copy"]
    assert json.loads(copy.editor.body.toPlainText()) == {"profile": {"login": "ada@example.com"}}
    copy.editor.set_request("GET", "/api/v1/apps/0oa1/grants")
    console.rename_request_tab(1, "")  # no name: method and short path again
    assert console.request_tab_titles() == ["Create Ada", "GET apps/…/grants"]
    assert console.tab_bar.tabToolTip(1) == "GET /api/v1/apps/0oa1/grants"

    def name_it(dialog: QInputDialog) -> None:
        assert dialog.textValue() == "GET apps/…/grants"
        dialog.setTextValue("Grants")
        dialog.accept()

    answered = answer_dialog(aloop, QInputDialog, name_it)
    console.tab_bar.tabBarDoubleClicked.emit(1)  # a double-click on the tab renames it
    aloop.run_until_complete(asyncio.wait_for(_until(lambda: console.request_tab_titles()[1] == "Grants"), 60))
    assert answered == ["QInputDialog"]
    bar = console.tab_bar
    in_loop(aloop, lambda: QTest.mouseClick(bar, Qt.MouseButton.MiddleButton, Qt.KeyboardModifier.NoModifier,
                                            bar.tabRect(0).center()))
    assert console.request_tab_titles() == ["Grants"] and console.page is copy
    console.close_request_tab(0)  # the last tab closed: a fresh one takes its place
    assert console.request_tab_titles() == ["GET users"] and copy.closed
    bar.customContextMenuRequested.emit(bar.tabRect(0).center())  # right-click on the tab: its menu
    assert bar.menu is not None
    menu = {action.text(): action for action in bar.menu.actions()}
    menu["Duplicate"].trigger()
    bar.menu.close()
    bar.chosen.emit("new", -1)
    assert console.request_tab_titles() == ["GET users", "GET users", "GET users"] and console.state.current == 2
    bar.chosen.emit("close", 0)
    assert len(console.request_tab_titles()) == 2 and console.state.current == 1


async def _until(condition: Any) -> None:
    while not condition():
        await asyncio.sleep(0.02)


def in_loop(loop: asyncio.AbstractEventLoop, action: Any) -> None:
    """Run ``action`` (which delivers Qt events) inside the running loop: the tasks it starts step in the loop."""
    async def run() -> None:
        action()
        await asyncio.sleep(0)

    loop.run_until_complete(run())


def test_the_tab_keys_and_the_shortcut_list(console: ConsoleTab, aloop: asyncio.AbstractEventLoop) -> None:
    console.resize(1100, 700)
    console.show()
    in_loop(aloop, lambda: QTest.qWaitForWindowExposed(console))
    console.activateWindow()
    console.editor.path.setFocus()
    in_loop(aloop, QApplication.processEvents)

    def press(key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.ControlModifier) -> None:
        focused = QApplication.focusWidget() or console
        in_loop(aloop, lambda: QTest.keyClick(focused, key, modifiers))

    press(Qt.Key.Key_T)
    press(Qt.Key.Key_T)
    assert len(console.request_tab_titles()) == 3 and console.state.current == 2
    press(Qt.Key.Key_Tab)
    assert console.state.current == 0
    press(Qt.Key.Key_Backtab, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert console.state.current == 2
    press(Qt.Key.Key_PageUp)
    assert console.state.current == 1
    press(Qt.Key.Key_PageDown)
    assert console.state.current == 2
    press(Qt.Key.Key_W)
    assert len(console.request_tab_titles()) == 2 and console.state.current == 1
    listed = {action.text() for action in console.findChildren(QAction) if not action.shortcut().isEmpty()}
    assert {"New request tab", "Close the request tab", "Next request tab", "Previous request tab"} <= listed
    assert "Ctrl+T" in console.new_tab_button.toolTip()
    assert "Ctrl+Shift+T" in console.token_panel.get_button.toolTip()  # Get token left Ctrl+T to New tab


def test_history_and_saved_open_here_or_in_a_new_tab(console: ConsoleTab, aloop: asyncio.AbstractEventLoop) -> None:
    entry = HistoryEntry.safe(time=1.0, profile=SANDBOX_PROFILE, method="GET", path="/api/v1/groups?q=eng",
                              status=200, duration_ms=5)
    console.replay(entry, new_tab=False)
    assert console.request_tab_titles() == ["GET groups"]
    console.replay(HistoryEntry.safe(time=2.0, profile=SANDBOX_PROFILE, method="DELETE",
                                     path="/api/v1/users/00u1", status=204, duration_ms=5), new_tab=True)
    assert console.request_tab_titles() == ["GET groups", "DELETE users/00u1"] and console.state.current == 1
    saved = make_saved("List admins", "GET", "/api/v1/users", query=[("filter", "x")]).request
    console.open_saved(saved, new_tab=True)
    assert console.request_tab_titles() == ["GET groups", "DELETE users/00u1", "List admins"]
    assert console.editor.full_path() == "/api/v1/users?filter=x"
    console.show_request_tab(0)
    console.open_saved(saved, new_tab=False)  # into the shown tab, which takes the saved request's name
    assert console.request_tab_titles() == ["List admins", "DELETE users/00u1", "List admins"]


def test_the_history_menu_opens_a_call_in_a_new_tab(console: ConsoleTab, aloop: asyncio.AbstractEventLoop) -> None:
    from PySide6.QtWidgets import QMenu

    console.history.remember(HistoryEntry.safe(time=1.0, profile=SANDBOX_PROFILE, method="GET",
                                               path="/api/v1/groups", status=200, duration_ms=5, org="sandbox"))
    finish(aloop, console.history_saved)
    table = console.history.table
    table.resize(600, 300)
    table.customContextMenuRequested.emit(table.visualRect(table.model().index(0, 0)).center())
    (menu,) = table.findChildren(QMenu)
    actions = {action.text(): action for action in menu.actions()}
    actions["Open in new tab (Ctrl+double-click)"].trigger()
    menu.close()
    assert console.request_tab_titles() == ["GET users", "GET groups"] and console.state.current == 1


def new_console(context: AppContext, aloop: asyncio.AbstractEventLoop, qtbot: Any) -> tuple[Any, ConsoleTab]:
    """The Console of a new window on the same data dir, as after a restart."""
    from oktatool.core.store.paths import AppPaths
    from oktatool.core.store.secrets import MemoryStore
    from oktatool.core.store.settings import SettingsStore
    from oktatool.gui.main_window import MainWindow

    paths = context.paths
    again = AppContext(AppPaths(*paths), SettingsStore(paths.settings_file), secret_store=MemoryStore())
    window = MainWindow(again)
    qtbot.addWidget(window)
    tab = window.show_tab("console")
    assert isinstance(tab, ConsoleTab)
    finish(aloop, tab.loading)
    assert tab.tabs_restored is not None
    finish(aloop, tab.tabs_restored)
    from oktatool.gui import tasks

    pending = tasks.spawned()  # what the new window loads (the authorization servers): done before the test ends
    if pending:
        aloop.run_until_complete(asyncio.wait(pending, timeout=60))
    return window, tab


def test_tabs_are_kept_without_secrets_and_come_back_after_a_restart(
        console: ConsoleTab, context: AppContext, aloop: asyncio.AbstractEventLoop, qtbot: Any) -> None:
    finish(aloop, console.tabs_restored)
    console.editor.set_request("GET", "/api/v1/groups?limit=5")
    page = console.new_request_tab()
    body = {"profile": {"login": "ada@example.com"}, "credentials": {"password": {"value": "S3cr3t!"}}}
    page.editor.set_request("POST", "/api/v1/users?activate=false&sessionToken=abc123", json.dumps(body),
                            [("Authorization", "SSWS 00abcdefSECRETSECRET"), ("X-Trace", "one")])
    console.rename_request_tab(1, "Create Ada")
    console.new_request_tab()
    console.show_request_tab(1)
    finish(aloop, console.tabs_saved)
    text = context.paths.request_tabs_file.read_text(encoding="utf-8")
    for secret in ("S3cr3t!", "SECRETSECRET", "abc123"):
        assert secret not in text

    _window, again = new_console(context, aloop, qtbot)
    assert again.request_tab_titles() == ["GET groups", "Create Ada", "GET users"]
    assert again.state.current == 1 and again.editor.full_path().startswith("/api/v1/users?activate=false")
    body = json.loads(again.editor.body.toPlainText())
    assert body["profile"] == {"login": "ada@example.com"} and body["credentials"]["password"] == "[redacted]"
    assert again.editor.headers.pairs() == [("X-Trace", "one")]
    again.context.close()


def test_a_damaged_tabs_file_is_said_once_set_aside_and_nothing_else_is_lost(
        context: AppContext, aloop: asyncio.AbstractEventLoop, qtbot: Any) -> None:
    paths = context.paths
    paths.request_tabs_file.parent.mkdir(parents=True, exist_ok=True)
    paths.request_tabs_file.write_text('{"format": 1, "profiles": [', encoding="utf-8")
    saved = make_saved("Kept", "GET", "/api/v1/users").request
    from oktatool.core.okta.saved_requests import store_for

    store_for(paths).save([saved])
    before = paths.saved_requests_file.read_bytes()
    _window, tab = new_console(context, aloop, qtbot)
    said = tab.response.status.text()
    assert "request tabs could not be read" in said and "console-tabs.json.corrupt-" in said
    assert [p.name.startswith("console-tabs.json.corrupt-") for p in paths.data_dir.iterdir()].count(True) == 1
    assert tab.request_tab_titles() == ["GET users"]
    assert paths.saved_requests_file.read_bytes() == before
    tab.editor.set_request("GET", "/api/v1/apps")
    finish(aloop, tab.tabs_saved)  # a new file, written beside the kept one
    assert json.loads(paths.request_tabs_file.read_text(encoding="utf-8"))["profiles"][0]["tabs"][0]["path"] == \
        "/api/v1/apps"
    tab.context.close()


def test_a_profile_switch_shows_that_profiles_tabs_and_back(
        console: ConsoleTab, context: AppContext, sandbox_factory: Any, aloop: asyncio.AbstractEventLoop) -> None:
    finish(aloop, console.tabs_restored)
    console.editor.set_request("GET", "/api/v1/logs")
    console.rename_request_tab(0, "Sandbox logs")
    finish(aloop, console.tabs_saved)
    info = sandbox_factory(users=2)
    use_org(context, info, name="Other org")
    finish(aloop, console.tabs_restored)
    assert console.request_tab_titles() == ["GET users"]
    console.editor.set_request("GET", "/api/v1/users?limit=1")
    finish(aloop, console.send(), timeout=120)
    page = console.new_request_tab()
    page.editor.set_request("GET", "/api/v1/groups")
    finish(aloop, console.tabs_saved)
    context.save_settings(context.settings.settings.with_active(SANDBOX_PROFILE))
    finish(aloop, console.tabs_restored)
    assert console.request_tab_titles() == ["Sandbox logs"]
    assert console.state.last_response is None and console.response.status.text() == "No request sent yet."
    context.save_settings(context.settings.settings.with_active("Other org"))
    finish(aloop, console.tabs_restored)
    assert console.request_tab_titles() == ["GET users", "GET groups"] and console.state.current == 1
