"""Rotate key: add a new key, get a token with it, switch the profile to it, deactivate the old key.

It stops there: deleting the old key is a later, separate step (``oktatool app keys delete KID``). For an app
whose keys are published at a URL (jwks_uri) the app is not changed: the JWKS file to publish is written with
the old and the new key, the URL is checked for the new kid (Retry once it is served), a token proves the new
key, the profile switches, and the file is written with only the new key.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from oktatool.core.errors import BadInputError
from oktatool.gui.dialogs.steps_dialog import LIBRARY, StepsDialog, library_key, org_of
from oktatool.gui.widgets.accessible import named
from oktatool.gui.widgets.admin_credential import AdminCredentialPicker, load_admin_credential
from oktatool.gui.widgets.store_unlock import with_unlocked_store

if TYPE_CHECKING:
    from oktatool.context import AppContext
    from oktatool.core.keys.key import Key
    from oktatool.core.okta.rotation import RotationFlow, RotationRequest
    from oktatool.core.okta.url_rotation import UrlRotationFlow

SAME_TYPE = "new:same"


def _rotation(flow: RotationFlow | UrlRotationFlow) -> RotationRequest:
    """Return the rotation's request (who signs now and next) of either flow."""
    from oktatool.core.okta.url_rotation import UrlRotationFlow

    return flow.request.rotation if isinstance(flow, UrlRotationFlow) else flow.request


class RotateKeyDialog(StepsDialog["RotationFlow | UrlRotationFlow"]):
    """Rotate the active profile's key in the safe order, showing each step's API call and result."""

    RUNNING = "Rotating…"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setWindowTitle(f"Rotate key — {self.profile.name}")
        self.resize(860, 480)
        name = html.escape(self.profile.name)
        intro = (f"Rotates the key of <b>{name}</b> (client {{client}}) "
                 "in the safe order: add the new key, get a token with it, switch the profile, deactivate "
                 "the old key. The old key is not deleted: do that later, once nothing uses it.")
        self.new_key = QComboBox()
        self.new_key.setObjectName("newKey")
        self.new_key.addItem("Generate a new key of the same type", SAME_TYPE)
        for name in context.library_names():
            if name != self.profile.key_ref:
                self.new_key.addItem(f"From the library: {name}", LIBRARY + name)
        self.admin = AdminCredentialPicker(context, sandbox=self.profile.is_sandbox)
        from oktatool.core.okta.url_rotation import default_jwks_file

        self.jwks_file = QLineEdit(str(Path.home() / default_jwks_file(self.profile.client_id)))
        self.jwks_file.setObjectName("jwksFile")
        named(self.jwks_file, "JWKS file to publish")
        self.jwks_file.setToolTip("Only for an app whose keys are published at a URL (jwks_uri): the file written "
                                  "with the old and the new public key, then with the new one only, to serve there")
        form = QFormLayout()
        form.addRow("Current key", QLabel(self.profile.key_ref or "(none)"))
        form.addRow("New key", self.new_key)
        form.addRow("JWKS file (keys at a URL)", self.jwks_file)
        form.addRow("Admin credential", self.admin)
        from oktatool.core.okta.rotation import RotationFlow

        self.build(intro, form, RotationFlow.planned_steps(), name="rotate", run_text="Rotate", run_name="runRotate")
        if not self.profile.key_ref:  # the Local sandbox's built-in app, or a profile without a library key
            self.run_button.setEnabled(False)
            self.say("The Local sandbox profile always signs with the sandbox's own key; create a service app "
                      "(New service app…) and rotate its profile." if self.profile.is_sandbox else
                      "This profile has no key in the library to rotate from.", "error")

    def _switch_on_gui(self, loop: asyncio.AbstractEventLoop, key: Key) -> str:
        """Keep the new key in the library (here, a worker) and point the profile at it (on the GUI thread)."""
        profile = self.profile
        ref = self.context.keep_app_key(profile.name, key)
        saved: concurrent.futures.Future[None] = concurrent.futures.Future()

        def save() -> None:
            try:
                current = next(p for p in self.context.settings.settings.profiles if p.name == profile.name)
                self.context.save_settings(self.context.settings.settings.with_profile(current._replace(key_ref=ref)))
                saved.set_result(None)
            except Exception as exc:  # handed back to the worker, which fails the step with it
                saved.set_exception(exc)

        loop.call_soon_threadsafe(save)
        saved.result(timeout=60)
        return f"the profile signs with {key.kid} (library key “{ref}”)"

    async def _prepare(self) -> RotationFlow | UrlRotationFlow:
        from oktatool.core.okta.admin import admin_api
        from oktatool.core.okta.apps import get_app
        from oktatool.core.okta.http import HttpOptions
        from oktatool.core.okta.jwks_uri import org_fetches_loopback
        from oktatool.core.okta.rotation import RotationFlow, RotationRequest, successor_key
        from oktatool.core.okta.url_rotation import UrlRotationFlow, UrlRotationRequest

        profile, choice, new_choice = self.profile, self.admin.choice(), str(self.new_key.currentData())
        jwks_file = Path(self.jwks_file.text().strip()).expanduser()
        http = HttpOptions(read_timeout=self.context.settings.settings.preferences.network_timeout)
        loop = asyncio.get_running_loop()

        def prepare() -> RotationFlow | UrlRotationFlow:
            old = self.context.profile_key(profile)
            if not old.kid:
                raise BadInputError("the profile's key has no kid, so its registered key cannot be found")
            new = library_key(self.context, new_choice)
            new = successor_key(old) if new is None else new
            admin = load_admin_credential(self.context, choice)
            if admin is None:
                raise BadInputError("choose an admin credential")
            org, options = org_of(self.context, profile, http)
            request = RotationRequest(org, profile.client_id, old.kid, new, profile.scopes, profile.dpop)
            api = admin_api(org, admin, options, ("okta.apps.manage",))
            if get_app(api, profile.client_id).jwks_uri is not None:  # the app stays as it is
                return UrlRotationFlow(UrlRotationRequest(request, jwks_file, org_fetches_loopback(org),
                                                          old.okta_public_dict()), api, options,
                                       lambda key: self._switch_on_gui(loop, key))
            return RotationFlow(request, api, options, lambda key: self._switch_on_gui(loop, key))

        return await with_unlocked_store(self, self.context, prepare)

    def _summary_text(self, flow: RotationFlow | UrlRotationFlow) -> str:
        req = _rotation(flow)
        at_url = "" if req is flow.request else " · keys published at the app's jwks_uri"
        return f"Old kid {req.old_kid} → new {req.new_key.describe()} key, kid {req.new_key.kid}{at_url}"

    def _done_text(self, flow: RotationFlow | UrlRotationFlow) -> str:
        req = _rotation(flow)
        if req is not flow.request:  # keys at a URL
            return (f"Rotated to {req.new_key.kid}; the app is unchanged. Serve {self.jwks_file.text().strip()} "
                    f"(only the new key now) at the app's jwks_uri.")
        return (f"Rotated to {req.new_key.kid}. {req.old_kid} is INACTIVE; delete it later with "
                f"oktatool app keys delete {req.old_kid}.")
