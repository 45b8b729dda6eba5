"""The Local sandbox in the window: DPoP from the built-in profile, and an app made there that keeps working.

New service app… on the Local sandbox saves a profile that names the Local sandbox; its Rotate key…,
Grants & roles and Diagnose take the sandbox's own API token; after a restart of the context (the org
is kept in the data folder) the profile still gets tokens.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from oktatool.context import AppContext
from oktatool.core.errors import for_window
from oktatool.core.okta.client import OktaClient
from oktatool.core.okta.doctor_report import CHECKS
from oktatool.core.store.paths import AppPaths
from oktatool.core.store.secrets import MemoryStore
from oktatool.core.store.settings import SANDBOX_ORG, SettingsStore
from oktatool.gui.dialogs.diagnose import DiagnoseDialog
from oktatool.gui.dialogs.rotate_key import RotateKeyDialog
from oktatool.gui.dialogs.service_app import NewServiceAppDialog
from oktatool.gui.scopes.admin_target import SANDBOX_TOKEN, AdminTarget
from oktatool.gui.widgets.admin_credential import SANDBOX
from tests.gui.conftest import finish


def test_dpop_on_the_built_in_profile_gets_a_dpop_token(context: AppContext) -> None:
    try:
        built_in = context.profile()
        assert built_in.is_sandbox and not built_in.client_id
        context.save_settings(context.settings.settings.with_profile(built_in._replace(dpop=True)))
        answer = OktaClient(context.connection(context.profile())).token(use_cache=False)
        assert answer.token_type == "DPoP" and not answer.warnings
        bearer = OktaClient(context.connection(built_in)).token(use_cache=False)
        assert bearer.token_type == "Bearer"
    finally:
        context.close()


def _wait_for_scopes(loop: asyncio.AbstractEventLoop, dialog: NewServiceAppDialog) -> None:
    async def loaded() -> None:
        while dialog.scopes.list.count() == 0:
            await asyncio.sleep(0.02)

    loop.run_until_complete(asyncio.wait_for(loaded(), 30))


def test_an_app_made_in_the_local_sandbox_rotates_diagnoses_and_survives_a_restart(
        qtbot: Any, context: AppContext, aloop: asyncio.AbstractEventLoop, isolated_home: Path) -> None:
    store = MemoryStore()
    context = AppContext(context.paths, context.settings, secret_store=store)
    try:
        dialog = NewServiceAppDialog(context)
        qtbot.addWidget(dialog)
        dialog.show()
        _wait_for_scopes(aloop, dialog)
        assert dialog.admin.choice().source == SANDBOX  # offered first: no token file needed
        dialog.name.setText("Sandbox report")
        finish(aloop, dialog.start())
        assert dialog.flow is not None and dialog.flow.done, dialog.status.text()
        saved = context.profile("Sandbox report")
        assert saved.org_url == SANDBOX_ORG and saved.client_id == dialog.flow.client_id and saved.key_ref
        context.save_settings(context.settings.settings.with_active(saved.name))

        rotate = RotateKeyDialog(context)
        qtbot.addWidget(rotate)
        assert rotate.run_button.isEnabled() and rotate.admin.choice().source == SANDBOX
        finish(aloop, rotate.start())
        assert rotate.flow is not None and rotate.flow.done, rotate.status.text()
        switched = context.profile(saved.name)
        assert switched.key_ref != saved.key_ref

        grants = AdminTarget(context, switched, SANDBOX_TOKEN).access(("okta.appGrants.read",)).list_grants()
        assert [g.scope_id for g in grants] == list(saved.scopes)

        diagnose = DiagnoseDialog(context)
        qtbot.addWidget(diagnose)
        finish(aloop, diagnose.start())
        assert diagnose.model.counts()["pass"] == len(CHECKS), [c.detail for c in diagnose.model.checks()]
    finally:
        context.close()

    paths = AppPaths.resolve(isolated_home)
    restarted = AppContext(paths, SettingsStore(paths.settings_file), secret_store=store)
    try:
        profile = restarted.profile(saved.name)
        answer = OktaClient(restarted.connection(profile)).token(use_cache=False)
        assert answer.token_type == "Bearer"
        assert restarted.org_target(profile).client_id == saved.client_id
    finally:
        restarted.close()


def test_the_window_says_when_the_sandbox_set_a_damaged_org_file_aside(qtbot: Any, context: AppContext) -> None:
    import threading

    from oktatool.gui.main_window import MainWindow

    folder = context.paths.sandbox_dir
    folder.mkdir(parents=True, mode=0o700)
    (folder / "org.json").write_text("{not json")
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.start(build_shown_tab=False, remember_state=False)
    try:
        worker = threading.Thread(target=context.sandbox)  # the window starts it in the executor
        worker.start()
        worker.join(60)
        qtbot.waitUntil(lambda: window.notice_box is not None, timeout=10000)
        assert window.notice_box is not None and "org.json.corrupt-" in window.notice_box.text()
        assert "org.json.corrupt-" in window.statusBar().currentMessage()
    finally:
        context.close()


def test_recognising_an_old_sandbox_profile_at_start_up_stays_light(isolated_home: Path) -> None:
    import json
    import subprocess
    import sys

    from tests.conftest import REPO_ROOT

    paths = AppPaths.resolve(isolated_home)
    paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    paths.settings_file.write_text(json.dumps({"version": 1, "active_profile": "old", "profiles": [
        {"name": "old", "org_url": "http://localhost:9", "client_id": "0oa0000005gyYz0H1dv6"}]}))
    paths.sandbox_dir.mkdir(parents=True, mode=0o700)
    (paths.sandbox_dir / "org.json").write_text(json.dumps({"apps": [{"id": "0oa0000005gyYz0H1dv6"}]}))
    code = ("import sys\nfrom oktatool.context import AppContext\nfrom oktatool.core.store.paths import AppPaths\n"
            "from oktatool.core.store.settings import SettingsStore\np = AppPaths.resolve()\n"
            "c = AppContext(p, SettingsStore(p.settings_file))\nprint(c.profile('old').org_url)\n"
            "print(sorted(m for m in ('cryptography', 'joserfc', 'requests') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True,
                          env={"OKTATOOL_HOME": str(isolated_home), "PYTHONPATH": str(REPO_ROOT),
                               "PATH": "/usr/bin:/bin"})
    assert done.stdout.split("\n")[:2] == ["sandbox", "[]"], done.stderr


def _sandbox_app_profile(context: AppContext, name: str, *, app_requires: bool, profile_dpop: bool) -> None:
    """Make an app in the Local sandbox (DPoP required or not) and a profile for it, the active one."""
    import requests

    from oktatool.core.keys.key import KeySpec, generate_key
    from oktatool.core.okta.apps import public_jwk, service_app_body

    info = context.sandbox()
    admin = {"Authorization": f"SSWS {info.ssws_token}"}
    key = generate_key(KeySpec("EC", crv="P-256", use="sig", alg="ES256"))
    made = requests.post(f"{info.org_url}/api/v1/apps", headers=admin, timeout=10,
                         json=service_app_body(name, [public_jwk(key)], dpop=app_requires))
    assert made.status_code == 200, made.text
    client_id = made.json()["id"]
    granted = requests.post(f"{info.org_url}/api/v1/apps/{client_id}/grants", headers=admin, timeout=10,
                            json={"scopeId": "okta.users.read", "issuer": info.org_url})
    assert granted.status_code == 201
    context.save_app_profile(name, SANDBOX_ORG, client_id, key, scopes=("okta.users.read",), dpop=profile_dpop)
    context.save_settings(context.settings.settings.with_active(name))


def _speaks_of_the_window(text: str) -> None:
    """Check that a fix names the window's controls (its window wording), not the Admin Console or a flag."""
    assert "New service app…" in text and "Edit profiles…" in text, text
    assert "Admin Console" not in text and "General settings" not in text and "--" not in text, text


def test_dpop_on_a_local_sandbox_app_that_does_not_require_it_names_what_the_window_can_do(
        qtbot: Any, context: AppContext, aloop: asyncio.AbstractEventLoop) -> None:
    from oktatool.gui.console.tab import ConsoleTab

    context = AppContext(context.paths, context.settings, secret_store=MemoryStore())
    try:
        _sandbox_app_profile(context, "Bearer app", app_requires=False, profile_dpop=True)
        console = ConsoleTab(context)
        qtbot.addWidget(console)
        finish(aloop, console.loading)
        finish(aloop, console.get_token(), timeout=120)
        aloop.run_until_complete(asyncio.sleep(0.05))
        assert "Bearer" in console.token_panel.kind_label.text()
        note = console.token_panel.note.text()
        assert "the Local sandbox issued a Bearer token" in note
        _speaks_of_the_window(note)

        diagnose = DiagnoseDialog(context)
        qtbot.addWidget(diagnose)
        finish(aloop, diagnose.start())
        dpop = next(c for c in diagnose.model.checks() if c.id == "dpop")
        assert dpop.status == "warn"
        _speaks_of_the_window(for_window(dpop.fix))
    finally:
        context.close()


def test_a_local_sandbox_app_that_requires_dpop_asked_for_bearer_names_what_the_window_can_do(
        context: AppContext) -> None:
    from oktatool.core.errors import TokenError

    try:
        _sandbox_app_profile(context, "DPoP app", app_requires=True, profile_dpop=False)
        refused = None
        try:
            OktaClient(context.connection(context.profile())).token(use_cache=False)
        except TokenError as exc:
            refused = exc
        assert refused is not None and "DPoP" in refused.description
        _speaks_of_the_window(for_window(refused.hint or ""))
        assert "--dpop" in (refused.hint or "")  # the command line keeps its own wording
    finally:
        context.close()
