"""A locked encrypted store in the window: the action that needs it asks for the passphrase in place and goes on;
Cancel says so and leaves everything as it was. A real encrypted-file store, a real sandbox org on loopback."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import jwt as pyjwt
import pytest
import requests

from oktatool.context import AppContext
from oktatool.core.store.file_store import EncryptedFileStore
from oktatool.core.store.paths import AppPaths
from oktatool.core.store.settings import SettingsStore
from oktatool.gui.console.tab import ConsoleTab
from oktatool.gui.dialogs.diagnose import DiagnoseDialog
from oktatool.gui.dialogs.service_app import NewServiceAppDialog
from oktatool.gui.jwt.tab import JwtTab
from oktatool.gui.keys.tab import KeysTab
from oktatool.gui.widgets.store_unlock import PassphraseDialog
from oktatool.sandbox import SandboxInfo
from tests.gui.conftest import finish
from tests.gui.test_app_dialogs import _wait_for_scopes
from tests.gui.test_console_tab import use_org
from tests.gui.test_keys_tab import answer_dialog

PASSPHRASE = "purple otter sings quietly"


def _store(home: Path) -> EncryptedFileStore:
    return EncryptedFileStore(AppPaths.resolve(home).data_dir / "secrets.enc", scrypt_n=2**10)


@pytest.fixture
def locked(isolated_home: Path, sandbox_org: SandboxInfo) -> AppContext:
    """The context of a restarted window: the profile's key is in the store file, which is locked."""
    paths = AppPaths.resolve(isolated_home)
    store = _store(isolated_home)
    store.unlock(PASSPHRASE.encode())
    use_org(AppContext(paths, SettingsStore(paths.settings_file), secret_store=store), sandbox_org)
    restarted = AppContext(paths, SettingsStore(paths.settings_file), secret_store=_store(isolated_home))
    assert restarted.secret_store().locked
    return restarted


@pytest.fixture
def console(locked: AppContext, aloop: asyncio.AbstractEventLoop, qtbot: Any) -> Any:
    tab = ConsoleTab(locked)
    qtbot.addWidget(tab)
    finish(aloop, tab.loading)
    yield tab
    aloop.run_until_complete(asyncio.sleep(0.05))
    locked.close()


def _enter(dialog: PassphraseDialog) -> None:
    assert dialog.repeat is None and "Enter its passphrase" in dialog.explanation.text()
    dialog.passphrase.setText(PASSPHRASE)
    dialog._check()


def test_get_token_on_a_locked_store_asks_for_the_passphrase_and_gets_the_token(
        console: ConsoleTab, locked: AppContext, sandbox_org: SandboxInfo, aloop: asyncio.AbstractEventLoop) -> None:
    prompts = answer_dialog(aloop, PassphraseDialog, _enter)
    finish(aloop, console.get_token())
    assert prompts == ["PassphraseDialog"]
    token = console.token_panel.access_token.value
    assert token, console.token_panel.status.text()
    assert pyjwt.decode(token, options={"verify_signature": False})["cid"] == sandbox_org.client_id
    assert not locked.secret_store().locked
    assert PASSPHRASE not in console.token_panel.status.text()


def test_cancel_says_so_and_changes_nothing(console: ConsoleTab, locked: AppContext,
                                           aloop: asyncio.AbstractEventLoop) -> None:
    prompts = answer_dialog(aloop, PassphraseDialog, lambda dialog: dialog.reject())
    finish(aloop, console.get_token())
    assert prompts == ["PassphraseDialog"]
    status = console.token_panel.status.text()
    assert "Nothing was done" in status and "stayed locked" in status
    assert "--" not in status  # the window speaks of its own controls
    assert console.token is None and not console.token_panel.access_token.value
    assert locked.secret_store().locked


def test_send_on_a_locked_store_asks_then_calls(console: ConsoleTab, locked: AppContext,
                                               aloop: asyncio.AbstractEventLoop) -> None:
    prompts = answer_dialog(aloop, PassphraseDialog, _enter)
    console.editor.set_request("GET", "/api/v1/users?limit=3")
    finish(aloop, console.send())
    assert prompts == ["PassphraseDialog"]
    assert "→ 200" in console.response.status.text()
    assert console.response.rows.rowCount() == 3


def _app_ids(info: SandboxInfo) -> list[str]:
    answer = requests.get(f"{info.org_url}/api/v1/apps", timeout=10,
                          headers={"Authorization": f"SSWS {info.ssws_token}", "Accept": "application/json"})
    return sorted(app["id"] for app in answer.json())


def _service_app_dialog(context: AppContext, info: SandboxInfo, qtbot: Any, aloop: asyncio.AbstractEventLoop,
                        tmp_path: Path) -> NewServiceAppDialog:
    token = tmp_path / "admin.token"
    token.write_text(info.ssws_token + "\n")
    dialog = NewServiceAppDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    _wait_for_scopes(aloop, dialog)
    dialog.name.setText("Locked night")
    dialog.profile_name.setText("locked-night")
    dialog.admin.set_file(str(token))
    return dialog


def test_new_service_app_cancelled_at_the_prompt_creates_nothing(
        locked: AppContext, sandbox_org: SandboxInfo, qtbot: Any, aloop: asyncio.AbstractEventLoop,
        tmp_path: Path) -> None:
    before = _app_ids(sandbox_org)
    dialog = _service_app_dialog(locked, sandbox_org, qtbot, aloop, tmp_path)
    prompts = answer_dialog(aloop, PassphraseDialog, lambda d: d.reject())
    finish(aloop, dialog.start())
    assert prompts == ["PassphraseDialog"]
    assert "Nothing was done" in dialog.status.text() and "stayed locked" in dialog.status.text()
    assert _app_ids(sandbox_org) == before  # no app whose key could not be kept
    assert dialog.flow is None and dialog.run_button.isEnabled()
    assert "locked-night" not in [p.name for p in locked.settings.settings.profiles]


def test_new_service_app_asks_for_the_passphrase_first_then_creates_and_keeps_the_key(
        locked: AppContext, sandbox_org: SandboxInfo, qtbot: Any, aloop: asyncio.AbstractEventLoop,
        tmp_path: Path) -> None:
    before = _app_ids(sandbox_org)
    dialog = _service_app_dialog(locked, sandbox_org, qtbot, aloop, tmp_path)
    prompts = answer_dialog(aloop, PassphraseDialog, _enter)
    finish(aloop, dialog.start())
    assert prompts == ["PassphraseDialog"]
    flow = dialog.flow
    assert flow is not None and flow.done, dialog.status.text()
    assert _app_ids(sandbox_org) == sorted([*before, flow.client_id])
    saved = locked.profile("locked-night")
    assert saved.client_id == flow.client_id and locked.profile_key(saved).kid == flow.request.key.kid


def test_key_library_open_on_a_locked_store_asks_and_cancel_says_so(
        locked: AppContext, sandbox_org: SandboxInfo, qtbot: Any, aloop: asyncio.AbstractEventLoop) -> None:
    tab = KeysTab(locked)
    qtbot.addWidget(tab)
    tab.show()
    library = tab.library
    library.refresh()
    library.view.selectRow(library.model.row_of("test org"))
    prompts = answer_dialog(aloop, PassphraseDialog, lambda dialog: dialog.reject())
    finish(aloop, library.request.start(library.load_selected()))
    assert prompts == ["PassphraseDialog"] and tab.key is None
    assert "Nothing was done" in tab.messages.message() and locked.secret_store().locked
    prompts = answer_dialog(aloop, PassphraseDialog, _enter)
    finish(aloop, library.request.start(library.load_selected()))
    assert prompts == ["PassphraseDialog"]
    assert tab.key is not None and tab.key.kid == sandbox_org.kid


def test_jwt_sign_with_a_library_key_asks_for_the_passphrase_then_loads_it(
        locked: AppContext, sandbox_org: SandboxInfo, qtbot: Any, aloop: asyncio.AbstractEventLoop) -> None:
    from oktatool.gui.jwt.key_chooser import LIBRARY

    tab = JwtTab(locked)
    qtbot.addWidget(tab)
    tab.show()
    prompts = answer_dialog(aloop, PassphraseDialog, _enter)
    tab.signer.set_source(LIBRARY)
    finish(aloop, tab.signer.request.task)
    assert prompts == ["PassphraseDialog"]
    assert tab.signer.library.currentText() == "test org"
    assert [key.kid for key in tab.signer.keys] == [sandbox_org.kid] and tab.header.kid.text() == sandbox_org.kid


def test_diagnose_asks_for_the_passphrase_then_runs_the_checks(
        locked: AppContext, sandbox_org: SandboxInfo, qtbot: Any, aloop: asyncio.AbstractEventLoop) -> None:
    dialog = DiagnoseDialog(locked)
    qtbot.addWidget(dialog)
    dialog.admin.source.setCurrentIndex(dialog.admin.source.findData("none"))
    prompts = answer_dialog(aloop, PassphraseDialog, _enter)
    finish(aloop, dialog.start())
    assert prompts == ["PassphraseDialog"]
    by_id = {check.id: check for check in dialog.model.checks()}
    assert by_id["token"].status == "pass", dialog.summary.text()
