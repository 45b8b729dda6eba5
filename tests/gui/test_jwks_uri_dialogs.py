"""The window's jwks_uri paths against the sandbox: New service app with keys published at a URL (the file to
publish saved, the URL checked, the app made with no saved key) and Rotate key on such an app (the app unchanged,
Retry once the URL serves the new key)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import requests

from oktatool.context import AppContext
from oktatool.core.keys.key import Key
from oktatool.core.okta.client import OktaClient
from oktatool.core.okta.jwks_uri import publish_document
from oktatool.core.store.settings import Profile
from oktatool.gui.dialogs.keys_at_url import KEYS_AT_URL
from oktatool.gui.dialogs.rotate_key import RotateKeyDialog
from oktatool.gui.dialogs.service_app import NewServiceAppDialog
from oktatool.sandbox import SandboxInfo
from tests.gui.conftest import finish
from tests.jwks_server import PublishedSet


def _use_org(context: AppContext, info: SandboxInfo) -> None:
    profile = Profile(name="org", org_url=info.org_url, client_id=info.client_id, scopes=("okta.users.read",))
    context.save_settings(context.settings.settings.with_profile(profile).with_active(profile.name))


def _token_file(tmp_path: Path, info: SandboxInfo) -> str:
    path = tmp_path / "admin.token"
    path.write_text(info.ssws_token + "\n")
    return str(path)


def _app(info: SandboxInfo, client_id: str) -> dict[str, Any]:
    answer = requests.get(f"{info.org_url}/api/v1/apps/{client_id}",
                          headers={"Authorization": f"SSWS {info.ssws_token}"}, timeout=10)
    return dict(answer.json())


def _url_app(context: AppContext, info: SandboxInfo, jwks_server: PublishedSet,
             scopes: tuple[str, ...]) -> tuple[Key, Profile]:
    """Make an app whose keys ``jwks_server`` publishes, granted ``scopes``; save its profile "by-url", active."""
    from oktatool.core.okta.admin import AdminCredential, admin_api
    from oktatool.core.okta.http import HttpOptions
    from oktatool.core.okta.orgurl import parse_org_url
    from oktatool.core.okta.rotation import new_app_key
    from oktatool.core.okta.setup import SetupFlow, SetupRequest

    org, http = parse_org_url(info.org_url), HttpOptions()
    key = new_app_key()
    jwks_server.serve(publish_document([key]))
    flow = SetupFlow(SetupRequest(org, "Keys by URL", key, scopes, ("READ_ONLY_ADMIN",), jwks_uri=jwks_server.url),
                     admin_api(org, AdminCredential(ssws_token=info.ssws_token), http), http)
    assert flow.run()
    profile = context.save_app_profile("by-url", org.base, flow.client_id or "", key, scopes=scopes, dpop=False)
    context.save_settings(context.settings.settings.with_active("by-url"))
    return key, profile


def _wait_for_scopes(loop: asyncio.AbstractEventLoop, dialog: NewServiceAppDialog) -> None:
    async def loaded() -> None:
        while dialog.scopes.list.count() == 0:
            await asyncio.sleep(0.02)

    loop.run_until_complete(asyncio.wait_for(loaded(), 30))


def test_new_service_app_with_keys_published_at_a_url(qtbot: Any, context: AppContext,
                                                       aloop: asyncio.AbstractEventLoop, sandbox_org: SandboxInfo,
                                                       jwks_server: PublishedSet, tmp_path: Path) -> None:
    _use_org(context, sandbox_org)
    dialog = NewServiceAppDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    _wait_for_scopes(aloop, dialog)
    dialog.name.setText("Keys by URL")
    dialog.admin.set_file(_token_file(tmp_path, sandbox_org))
    assert not dialog.keys_at.url.isEnabled()
    dialog.keys_at.where.setCurrentIndex(dialog.keys_at.where.findData(KEYS_AT_URL))
    assert dialog.keys_at.url.isEnabled() and dialog.keys_at.check.isEnabled()
    dialog.keys_at.url.setText(jwks_server.url)
    finish(aloop, dialog.keys_at.check_url())  # nothing published yet
    assert "must contain at least one key" in dialog.status.text()
    published = tmp_path / "jwks.json"
    finish(aloop, dialog.keys_at.save_jwks(published))
    [jwk] = json.loads(published.read_text())["keys"]
    assert "d" not in jwk and jwk["kid"] in dialog.status.text()
    jwks_server.serve_file(published)
    finish(aloop, dialog.keys_at.check_url())
    assert "Okta can fetch it" in dialog.status.text()
    finish(aloop, dialog.start())
    flow = dialog.flow
    assert flow is not None and flow.done, dialog.status.text()
    assert flow.request.key.kid == jwk["kid"]  # the key whose file was published
    app = _app(sandbox_org, flow.client_id or "")
    assert app["settings"]["oauthClient"]["jwks_uri"] == jwks_server.url
    saved = context.profile("Keys by URL")
    assert OktaClient(context.connection(saved)).token(use_cache=False).token_type == "Bearer"


def test_rotate_key_on_a_jwks_uri_app_changes_nothing_on_the_app(qtbot: Any, context: AppContext,
                                                                 aloop: asyncio.AbstractEventLoop,
                                                                 sandbox_org: SandboxInfo,
                                                                 jwks_server: PublishedSet, tmp_path: Path) -> None:
    key, profile = _url_app(context, sandbox_org, jwks_server, ("okta.users.read",))
    before = _app(sandbox_org, profile.client_id)
    dialog = RotateKeyDialog(context)
    qtbot.addWidget(dialog)
    published = tmp_path / "published.json"
    dialog.jwks_file.setText(str(published))
    dialog.admin.set_file(_token_file(tmp_path, sandbox_org))
    finish(aloop, dialog.start())
    rotation = dialog.flow
    assert rotation is not None and rotation.failed is not None and rotation.failed.id == "url-new"
    assert "Retry" in dialog.run_button.text() and str(published) in dialog.status.text()
    jwks_server.serve_file(published)
    finish(aloop, dialog.start())
    assert rotation.done, dialog.status.text()
    assert _app(sandbox_org, profile.client_id) == before
    switched = context.profile("by-url")
    new_key = context.profile_key(switched)
    assert new_key.kid != key.kid
    assert [k["kid"] for k in json.loads(published.read_text())["keys"]] == [new_key.kid]
    assert OktaClient(context.connection(switched)).token(use_cache=False).token_type == "Bearer"
    assert "the app is unchanged" in dialog.status.text()
    assert dialog.run_button.text() == "Rotate" and not dialog.run_button.isEnabled()  # no failed step to retry


def test_move_to_a_key_pair_published_at_a_url(qtbot: Any, context: AppContext, aloop: asyncio.AbstractEventLoop,
                                                sandbox_org: SandboxInfo, jwks_server: PublishedSet,
                                                tmp_path: Path) -> None:
    from oktatool.gui.dialogs.move_to_key import NEW_KEY, MoveToKeyDialog
    from tests.sandbox.client import oauth_error, secret_app, secret_token

    app_id, secret = secret_app(sandbox_org)
    profile = Profile(name="org", org_url=sandbox_org.org_url, client_id=app_id, scopes=("okta.users.read",))
    context.save_settings(context.settings.settings.with_profile(profile).with_active(profile.name))
    dialog = MoveToKeyDialog(context)
    qtbot.addWidget(dialog)
    assert f"(client {app_id})" in dialog.intro.text()
    assert dialog.new_key.currentData() == NEW_KEY
    dialog.admin.set_file(_token_file(tmp_path, sandbox_org))
    dialog.keys_at.where.setCurrentIndex(dialog.keys_at.where.findData(KEYS_AT_URL))
    dialog.keys_at.url.setText(jwks_server.url)
    published = tmp_path / "jwks.json"
    finish(aloop, dialog.keys_at.save_jwks(published))
    jwks_server.serve_file(published)
    finish(aloop, dialog.keys_at.check_url())
    assert "Okta can fetch it" in dialog.status.text()
    finish(aloop, dialog.start())  # lists the secrets, checks the URL, stops before the switch
    flow = dialog.flow
    assert flow is not None and [s.status for s in flow.steps] == ["done", "done", "pending", "pending"]
    [jwk] = json.loads(published.read_text())["keys"]
    assert flow.request.key.kid == jwk["kid"] and flow.request.jwks_uri == jwks_server.url
    assert jwks_server.url in dialog.summary.text()
    finish(aloop, dialog.start())
    assert flow.done, dialog.status.text()
    oauth = _app(sandbox_org, app_id)
    assert oauth["settings"]["oauthClient"]["jwks_uri"] == jwks_server.url
    assert "jwks" not in oauth["settings"]["oauthClient"]
    assert oauth["credentials"]["oauthClient"]["token_endpoint_auth_method"] == "private_key_jwt"
    moved = context.profile("org")
    assert OktaClient(context.connection(moved)).token(use_cache=False).token_type == "Bearer"
    assert oauth_error(secret_token(sandbox_org, app_id, secret))[1] == "invalid_client"
    assert jwks_server.url in dialog.status.text()


def test_the_local_sandbox_profile_names_its_client_id(qtbot: Any, context: AppContext,
                                                       aloop: asyncio.AbstractEventLoop) -> None:
    from oktatool.gui import tasks
    from oktatool.gui.dialogs.move_to_key import MoveToKeyDialog

    try:
        for opened in (False, True):  # before the sandbox runs (named once it does), and while it runs
            dialog = MoveToKeyDialog(context)
            qtbot.addWidget(dialog)
            for task in tasks.spawned():
                finish(aloop, task)
            assert f"(client {context.sandbox().client_id})" in dialog.intro.text(), (opened, dialog.intro.text())
    finally:
        context.close()


def test_export_names_the_jwks_uri_read_from_the_app(qtbot: Any, context: AppContext,
                                                     aloop: asyncio.AbstractEventLoop, sandbox_org: SandboxInfo,
                                                     jwks_server: PublishedSet) -> None:
    from oktatool.gui.dialogs.export_app import ExportDialog

    _url_app(context, sandbox_org, jwks_server, ("okta.apps.read",))  # its token may read the app itself
    dialog = ExportDialog(context)
    qtbot.addWidget(dialog)
    finish(aloop, dialog.reading_app)
    assert dialog.jwks_uri.text() == jwks_server.url and jwks_server.url in dialog.message.text()
    dialog.format.setCurrentIndex(dialog.format.findData("terraform"))
    finish(aloop, dialog.request.task)
    text = dialog.pane.text()
    assert f'jwks_uri                   = "{jwks_server.url}"' in text and "jwks {" not in text
    assert not dialog.pane.private


def test_export_takes_the_jwks_uri_typed_when_the_app_cannot_be_read(qtbot: Any, context: AppContext,
                                                                     aloop: asyncio.AbstractEventLoop,
                                                                     sandbox_org: SandboxInfo,
                                                                     jwks_server: PublishedSet) -> None:
    from oktatool.gui.dialogs.export_app import ExportDialog

    _url_app(context, sandbox_org, jwks_server, ("okta.users.read",))
    dialog = ExportDialog(context)
    qtbot.addWidget(dialog)
    assert dialog.reading_app is None and dialog.jwks_uri.text() == ""
    dialog.format.setCurrentIndex(dialog.format.findData("terraform"))
    finish(aloop, dialog.request.task)
    assert dialog.jwks_uri.isEnabled() and "jwks {" in dialog.pane.text()  # keys saved in Okta, as far as it knows
    dialog.jwks_uri.setText(jwks_server.url)
    finish(aloop, dialog.request.task)
    assert f'jwks_uri                   = "{jwks_server.url}"' in dialog.pane.text()
    assert "jwks {" not in dialog.pane.text()
    dialog.format.setCurrentIndex(dialog.format.findData("okta-yaml"))
    finish(aloop, dialog.request.task)
    assert not dialog.jwks_uri.isEnabled()  # only Terraform names where the keys are


def test_moving_an_app_made_in_the_local_sandbox_offers_no_borrowed_key(qtbot: Any, context: AppContext) -> None:
    """The sandbox's own key belongs to its built-in app: an app made there without a key gets a new one."""
    from oktatool.core.store.settings import SANDBOX_ORG
    from oktatool.gui.dialogs.move_to_key import NEW_KEY, PROFILE_KEY, MoveToKeyDialog

    made = Profile(name="made here", org_url=SANDBOX_ORG, client_id="0oaMadeHere", scopes=("okta.users.read",))
    context.save_settings(context.settings.settings.with_profile(made).with_active(made.name))
    dialog = MoveToKeyDialog(context)
    qtbot.addWidget(dialog)
    assert dialog.new_key.currentData() == NEW_KEY and dialog.new_key.findData(PROFILE_KEY) == -1
    assert "(client 0oaMadeHere)" in dialog.intro.text()
