"""The service-app dialogs end to end against sandbox orgs: New service app (with a retried step), Rotate key,
Diagnose and Export; and their table models without a view."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path
from typing import Any

import pytest
import requests
from PySide6.QtCore import Qt

from oktatool.context import AppContext
from oktatool.core.errors import TokenError
from oktatool.core.okta.client import OktaClient
from oktatool.core.okta.doctor_report import CHECKS, Check
from oktatool.core.okta.setup import Step
from oktatool.core.store.settings import Profile
from oktatool.gui.dialogs.diagnose import DiagnoseDialog
from oktatool.gui.dialogs.export_app import ExportDialog
from oktatool.gui.dialogs.rotate_key import RotateKeyDialog
from oktatool.gui.dialogs.service_app import NewServiceAppDialog
from oktatool.gui.models.checks_model import ChecksModel, ProblemsFilter
from oktatool.gui.models.steps_model import StepsModel
from oktatool.sandbox import Fault, SandboxInfo
from tests.gui.conftest import finish
from tests.sandbox_fixtures import SandboxFactory


def _use_org(context: AppContext, info: SandboxInfo, **fields: Any) -> Profile:
    profile = Profile(name="org", org_url=info.org_url, client_id=fields.pop("client_id", info.client_id),
                      scopes=fields.pop("scopes", ("okta.users.read",)), **fields)
    context.save_settings(context.settings.settings.with_profile(profile).with_active(profile.name))
    return profile


def _token_file(tmp_path: Path, info: SandboxInfo) -> str:
    path = tmp_path / "admin.token"
    path.write_text(info.ssws_token + "\n")
    return str(path)


def _wait_for_scopes(loop: asyncio.AbstractEventLoop, dialog: NewServiceAppDialog) -> None:
    async def loaded() -> None:
        while dialog.scopes.list.count() == 0:
            await asyncio.sleep(0.02)

    loop.run_until_complete(asyncio.wait_for(loaded(), 30))


def _apps_called(info: SandboxInfo, label: str) -> list[dict[str, Any]]:
    answer = requests.get(f"{info.org_url}/api/v1/apps", params={"q": label},
                          headers={"Authorization": f"SSWS {info.ssws_token}"}, timeout=10)
    return [app for app in answer.json() if app["label"] == label]


def test_new_service_app_retries_the_failed_step_without_redoing_the_others(
        qtbot: Any, context: AppContext, aloop: asyncio.AbstractEventLoop, sandbox_factory: SandboxFactory,
        tmp_path: Path) -> None:
    info = sandbox_factory(users=3, faults=(Fault("/oauth2/v1/clients/", "status", status=503, times=1),))
    _use_org(context, info)
    dialog = NewServiceAppDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    _wait_for_scopes(aloop, dialog)
    assert dialog.scopes.selected() == ("okta.users.read",)
    dialog.name.setText("Nightly report")
    dialog.admin.set_file(_token_file(tmp_path, info))
    finish(aloop, dialog.start())
    flow = dialog.flow
    assert flow is not None and [s.status for s in flow.steps] == ["done", "done", "failed", "pending", "pending"]
    assert "Retry" in dialog.run_button.text() and dialog.run_button.isEnabled()
    assert "Service Unavailable" in dialog.status.text() or "503" in dialog.status.text()
    assert dialog.saved_profile == "Nightly report"  # the app exists: its profile is saved already
    grant_calls = list(flow.step("grant-scopes").calls)
    finish(aloop, dialog.start())
    assert flow.done and not dialog.run_button.isEnabled()
    assert flow.step("create-app").calls == ["POST /api/v1/apps → ok"]
    assert flow.step("grant-scopes").calls == grant_calls
    assert len(_apps_called(info, "Nightly report")) == 1
    assert dialog.model.rowCount() == 5 and dialog.model.step(4).status == "done"
    saved = context.profile("Nightly report")
    assert saved.client_id == flow.client_id and saved.key_ref
    client = OktaClient(context.connection(saved))
    assert client.api(saved.scopes).call("GET", "/api/v1/users?limit=1").status == 200


def _created_profile(context: AppContext, info: SandboxInfo) -> Profile:
    from oktatool.core.keys.key import KeySpec, generate_key
    from oktatool.core.okta.admin import AdminCredential, admin_api
    from oktatool.core.okta.http import HttpOptions
    from oktatool.core.okta.orgurl import parse_org_url
    from oktatool.core.okta.setup import SetupFlow, SetupRequest

    org, http = parse_org_url(info.org_url), HttpOptions()
    key = generate_key(KeySpec("EC", crv="P-256", use="sig", alg="ES256"))
    flow = SetupFlow(SetupRequest(org, "Rotating app", key, ("okta.users.read",), ("READ_ONLY_ADMIN",)),
                     admin_api(org, AdminCredential(ssws_token=info.ssws_token), http), http)
    assert flow.run()
    profile = context.save_app_profile("rotating", org.base, flow.client_id or "", key,
                                       scopes=("okta.users.read",), dpop=False)
    context.save_settings(context.settings.settings.with_active("rotating"))
    return profile


def test_rotate_key_switches_the_profile_and_the_old_kid_is_refused(
        qtbot: Any, context: AppContext, aloop: asyncio.AbstractEventLoop, sandbox_org: SandboxInfo,
        tmp_path: Path) -> None:
    profile = _created_profile(context, sandbox_org)
    old_key = context.profile_key(profile)
    assert OktaClient(context.connection(profile)).token(use_cache=False).token_type == "Bearer"
    dialog = RotateKeyDialog(context)
    qtbot.addWidget(dialog)
    dialog.admin.set_file(_token_file(tmp_path, sandbox_org))
    finish(aloop, dialog.start())
    assert dialog.flow is not None and dialog.flow.done, dialog.status.text()
    assert [s.id for s in dialog.flow.steps] == ["check", "add-key", "token", "switch", "deactivate-old"]
    switched = context.profile("rotating")
    assert switched.key_ref != profile.key_ref
    new_key = context.profile_key(switched)
    assert new_key.kid != old_key.kid and new_key.kty == "EC"
    assert OktaClient(context.connection(switched)).token(use_cache=False).token_type == "Bearer"
    with pytest.raises(TokenError, match="kid is invalid"):
        OktaClient(context.connection(switched, key=old_key)).token(use_cache=False)
    assert "INACTIVE" in dialog.status.text()


def test_rotate_key_refuses_the_sandbox_profile(qtbot: Any, context: AppContext,
                                               aloop: asyncio.AbstractEventLoop) -> None:
    from oktatool.gui import tasks

    try:
        dialog = RotateKeyDialog(context)
        qtbot.addWidget(dialog)
        for task in tasks.spawned():  # the intro names the sandbox's client id once the sandbox runs
            finish(aloop, task)
        assert not dialog.run_button.isEnabled() and "sandbox's own key" in dialog.status.text()
        assert f"(client {context.sandbox().client_id})" in dialog.intro.text()
    finally:
        context.close()


def test_diagnose_the_local_sandbox_passes_every_check(qtbot: Any, context: AppContext,
                                                      aloop: asyncio.AbstractEventLoop) -> None:
    try:
        dialog = DiagnoseDialog(context)
        qtbot.addWidget(dialog)
        finish(aloop, dialog.start())
        assert dialog.model.rowCount() == len(CHECKS)
        assert dialog.model.counts()["pass"] == len(CHECKS), [c.detail for c in dialog.model.checks()]
        assert dialog.summary.text().startswith("Every check passed")
    finally:
        context.close()


def test_diagnose_names_the_failing_check_and_filters_to_problems(
        qtbot: Any, context: AppContext, aloop: asyncio.AbstractEventLoop, sandbox_factory: SandboxFactory,
        tmp_path: Path) -> None:
    info = sandbox_factory(users=1, misconfig=("no-role",))
    context.key_library().save("svc", _sandbox_key(info))
    _use_org(context, info, key_ref="svc")
    dialog = DiagnoseDialog(context)
    qtbot.addWidget(dialog)
    dialog.admin.set_file(_token_file(tmp_path, info))
    finish(aloop, dialog.start())
    assert [c.id for c in dialog.model.checks() if c.status == "fail"] == ["role"]
    assert "Admin role assigned" in dialog.summary.text()
    dialog.problems_only.setChecked(True)
    assert dialog.proxy.rowCount() == 1
    assert "oktatool app roles assign" in dialog.proxy.index(0, 3).data()


def _sandbox_key(info: SandboxInfo) -> Any:
    from oktatool.core.keys.key import load_key

    return load_key(info.jwk_file.read_bytes())


def test_diagnose_without_an_admin_credential_skips_those_checks(
        qtbot: Any, context: AppContext, aloop: asyncio.AbstractEventLoop, sandbox_org: SandboxInfo) -> None:
    context.key_library().save("svc", _sandbox_key(sandbox_org))
    _use_org(context, sandbox_org, key_ref="svc")
    dialog = DiagnoseDialog(context)
    qtbot.addWidget(dialog)
    dialog.admin.source.setCurrentIndex(dialog.admin.source.findData("none"))
    finish(aloop, dialog.start())
    by_id = {c.id: c for c in dialog.model.checks()}
    assert by_id["role"].status == "skip" and "admin credential" in by_id["role"].detail
    assert by_id["token"].status == "pass"


def test_diagnose_judges_the_key_when_the_org_cannot_be_reached(
        qtbot: Any, context: AppContext, aloop: asyncio.AbstractEventLoop, sandbox_org: SandboxInfo) -> None:
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago and has no listener
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    context.key_library().save("svc", _sandbox_key(sandbox_org))
    profile = Profile(name="offline", org_url=dead, client_id=sandbox_org.client_id, key_ref="svc",
                      scopes=("okta.users.read",))
    context.save_settings(context.settings.settings.with_profile(profile).with_active(profile.name))
    dialog = DiagnoseDialog(context)
    qtbot.addWidget(dialog)
    finish(aloop, dialog.start())
    by_id = {c.id: c for c in dialog.model.checks()}
    assert by_id["tls"].status == "fail" and "refused" in by_id["tls"].detail
    assert by_id["key-alg"].status == "pass" and "RSA 2048 signs with RS256" in by_id["key-alg"].detail
    assert "Org reachable" in dialog.summary.text()


def test_export_holds_the_key_where_an_sdk_needs_it_and_saves_that_owner_only(
        qtbot: Any, context: AppContext, aloop: asyncio.AbstractEventLoop, sandbox_org: SandboxInfo,
        tmp_path: Path) -> None:
    context.key_library().save("svc", _sandbox_key(sandbox_org))
    _use_org(context, sandbox_org, key_ref="svc")
    dialog = ExportDialog(context)
    qtbot.addWidget(dialog)
    finish(aloop, dialog.request.task)
    text = dialog.pane.text()
    assert 'authorizationMode: "PrivateKey"' in text and "BEGIN PRIVATE KEY" in text and "    keyId: " in text
    assert dialog.pane.private and "saved readable by you only (0600)" in dialog.pane.where.text()
    assert dialog.pane.save_to(tmp_path / "okta.yaml")
    assert stat.S_IMODE((tmp_path / "okta.yaml").stat().st_mode) == 0o600
    dialog.key_path.setText("/keys/svc.pem")
    dialog.by_path.setChecked(True)
    finish(aloop, dialog.request.task)
    assert 'privateKey: "/keys/svc.pem"' in dialog.pane.text() and "PRIVATE KEY" not in dialog.pane.text()
    assert not dialog.pane.private and dialog.pane.where.text() == "Holds no secret"
    dialog.format.setCurrentIndex(dialog.format.findData("terraform"))
    finish(aloop, dialog.request.task)
    assert 'resource "okta_app_oauth" "app"' in dialog.pane.text() and not dialog.by_path.isEnabled()
    assert not dialog.pane.private and "PRIVATE KEY" not in dialog.pane.text()
    dialog.format.setCurrentIndex(dialog.format.findData("env"))
    dialog.by_path.setChecked(False)
    finish(aloop, dialog.request.task)
    assert "OKTA_CLIENT_PRIVATEKEY='{" in dialog.pane.text() and dialog.pane.private


@pytest.mark.parametrize("platform", ["linux", "win32"])
def test_export_writes_env_for_the_shell_chosen_the_systems_first(
        qtbot: Any, context: AppContext, aloop: asyncio.AbstractEventLoop, sandbox_org: SandboxInfo,
        monkeypatch: pytest.MonkeyPatch, platform: str) -> None:
    import sys

    from tests.powershell_syntax import run

    context.key_library().save("svc", _sandbox_key(sandbox_org))
    _use_org(context, sandbox_org, key_ref="svc")
    monkeypatch.setattr(sys, "platform", platform)  # only the default shell reads it here
    dialog = ExportDialog(context)
    monkeypatch.undo()
    qtbot.addWidget(dialog)
    finish(aloop, dialog.request.task)
    assert not dialog.shell.isEnabled()  # okta.yaml is no shell's
    dialog.format.setCurrentIndex(dialog.format.findData("env"))
    finish(aloop, dialog.request.task)
    assert dialog.shell.isEnabled() and dialog.shell.currentData() == ("powershell" if platform == "win32" else "posix")
    dialog.shell.setCurrentIndex(dialog.shell.findData("powershell"))
    finish(aloop, dialog.request.task)
    assert run(dialog.pane.text(), {}).env["OKTA_CLIENT_CLIENTID"] == sandbox_org.client_id
    assert dialog.pane.suffix == ".ps1"
    dialog.shell.setCurrentIndex(dialog.shell.findData("posix"))
    finish(aloop, dialog.request.task)
    assert "\nexport OKTA_CLIENT_ORGURL=" in dialog.pane.text() and dialog.pane.suffix == ".env"


def test_export_explains_in_real_text_why_there_is_nothing_to_export(
        qtbot: Any, context: AppContext, aloop: asyncio.AbstractEventLoop, sandbox_org: SandboxInfo) -> None:
    assert context.profile().is_sandbox
    dialog = ExportDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    finish(aloop, dialog.request.task)
    view = dialog.pane.view
    note = view.note
    assert note is not None and note.isVisible() and note.wordWrap() and note.font() != view.font()
    assert note.text().startswith("The Local sandbox's apps are kept, but its address is a new port each run")
    assert view.placeholderText() == "" and view.toPlainText() == ""
    assert note.width() <= view.viewport().width() and note.height() >= note.fontMetrics().height()
    # a profile that can be exported: the text replaces the note
    context.key_library().save("svc", _sandbox_key(sandbox_org))
    _use_org(context, sandbox_org, key_ref="svc")
    exported = ExportDialog(context)
    qtbot.addWidget(exported)
    exported.show()
    finish(aloop, exported.request.task)
    assert "authorizationMode" in exported.pane.text()
    assert exported.pane.view.note is None or not exported.pane.view.note.isVisible()


def test_checks_model_counts_colours_and_filters() -> None:
    model = ChecksModel()
    model.add(Check("tls", "TLS", "pass", "ok"))
    model.add(Check("role", "Role", "fail", "no role", "assign one"))
    model.add(Check("token", "Token", "skip", "skipped"))
    assert model.counts() == {"pass": 1, "warn": 0, "fail": 1, "skip": 1}
    assert model.index(1, 0).data() == "✘ fail" and model.index(1, 3).data() == "assign one"
    assert model.index(0, 3).data() == ""  # a fix is shown only for a problem
    assert model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole) is not None
    proxy = ProblemsFilter()
    proxy.setSourceModel(model)
    proxy.set_problems_only(True)
    assert proxy.rowCount() == 1 and proxy.index(0, 1).data() == "Role"


def test_steps_model_shows_snapshots_not_the_live_step() -> None:
    live = Step("create-app", "Create the app")
    model = StepsModel([live, Step("token", "Token")])
    live.status, live.result = "done", "created"
    live.record("POST /api/v1/apps → ok")
    assert model.index(0, 1).data() == "–"  # not updated until told
    model.update(live)
    live.record("changed later")
    assert model.index(0, 1).data() == "✔ done" and model.index(0, 2).data() == "POST /api/v1/apps → ok"
    assert model.index(0, 3).data() == "created"


def test_an_api_token_kept_in_the_secret_store_is_used_and_never_shown(
        qtbot: Any, context: AppContext, aloop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    from oktatool.gui.widgets.admin_credential import AdminCredentialPicker, load_admin_credential

    picker = AdminCredentialPicker(context, sandbox=False)
    qtbot.addWidget(picker)
    picker.source.setCurrentIndex(picker.source.findData("store"))
    picker.label.setText("prod-admin")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("00SecretSsws_token_value", True))
    before = set(asyncio.all_tasks(aloop))
    qtbot.mouseClick(picker.save_button, Qt.MouseButton.LeftButton)
    started = [t for t in asyncio.all_tasks(aloop) if t not in before]
    aloop.run_until_complete(asyncio.gather(*started))
    assert "prod-admin" in picker.note.text() and "00SecretSsws" not in picker.note.text()
    credential = load_admin_credential(context, picker.choice())
    assert credential is not None and credential.ssws_token == "00SecretSsws_token_value"
    assert "00SecretSsws" not in repr(credential)
    picker.label.setText("missing")
    with pytest.raises(Exception, match="no API token called 'missing'"):
        load_admin_credential(context, picker.choice())


def test_new_service_app_role_follows_the_scopes_until_one_is_chosen(
        qtbot: Any, context: AppContext, aloop: asyncio.AbstractEventLoop, sandbox_factory: SandboxFactory) -> None:
    _use_org(context, sandbox_factory())
    dialog = NewServiceAppDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    _wait_for_scopes(aloop, dialog)
    assert dialog.role.currentText() == "READ_ONLY_ADMIN"
    dialog.scopes.set_checked(("okta.users.read", "okta.users.manage"))
    assert dialog.role.currentText() == "USER_ADMIN"
    dialog.scopes.set_checked(("okta.apps.manage",))
    assert dialog.role.currentText() == "APP_ADMIN"
    dialog.scopes.set_checked(("okta.apps.manage", "okta.users.manage"))
    assert dialog.role.currentText() == "ORG_ADMIN"
    qtbot.keyClick(dialog.role, Qt.Key.Key_Down)  # the user picks the next role in the list
    chosen = dialog.role.currentText()
    assert chosen != "ORG_ADMIN"
    dialog.scopes.set_checked(("okta.users.read",))
    assert dialog.role.currentText() == chosen


def test_move_to_a_key_pair_lists_the_secrets_asks_then_switches_and_proves_the_key(
        qtbot: Any, context: AppContext, aloop: asyncio.AbstractEventLoop, sandbox_org: SandboxInfo,
        tmp_path: Path) -> None:
    from oktatool.gui.dialogs.move_to_key import NEW_KEY, MoveToKeyDialog
    from tests.sandbox.client import oauth_error, secret_app, secret_token

    app_id, secret = secret_app(sandbox_org)
    _use_org(context, sandbox_org, client_id=app_id)
    dialog = MoveToKeyDialog(context)
    qtbot.addWidget(dialog)
    assert dialog.new_key.currentData() == NEW_KEY  # the profile has no key of its own
    dialog.admin.set_file(_token_file(tmp_path, sandbox_org))
    finish(aloop, dialog.start())
    flow = dialog.flow
    assert flow is not None and [s.status for s in flow.steps] == ["done", "done", "pending", "pending"]
    [listed] = flow.secrets
    assert listed.id in dialog.status.text() and "stops working" in dialog.status.text()
    assert dialog.run_button.text() == "Delete the secrets and switch" and dialog.run_button.isEnabled()
    profile = context.profile("org")
    assert profile.key_ref  # kept before any call, so a later run goes on with the same key
    assert requests.get(f"{sandbox_org.org_url}/api/v1/apps/{app_id}", timeout=10,
                        headers={"Authorization": f"SSWS {sandbox_org.ssws_token}"}).json()[
        "credentials"]["oauthClient"]["token_endpoint_auth_method"] == "client_secret_basic"
    finish(aloop, dialog.start())
    assert flow.done and not dialog.run_button.isEnabled(), dialog.status.text()
    assert "private_key_jwt" in dialog.status.text()
    assert OktaClient(context.connection(profile)).token(use_cache=False).token_type == "Bearer"
    assert oauth_error(secret_token(sandbox_org, app_id, secret))[1] == "invalid_client"
