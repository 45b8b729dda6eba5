"""Rotate key: add a new key, get a token with it, switch the profile to it, deactivate the old key.

It stops there: deleting the old key is a later, separate step (``oktatool app keys delete KID``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import html
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QWidget

from oktatool.core.errors import BadInputError
from oktatool.gui.dialogs.steps_dialog import LIBRARY, StepsDialog, library_key, org_of
from oktatool.gui.widgets.admin_credential import AdminCredentialPicker, load_admin_credential
from oktatool.gui.widgets.store_unlock import with_unlocked_store

if TYPE_CHECKING:
    from oktatool.context import AppContext
    from oktatool.core.keys.key import Key
    from oktatool.core.okta.rotation import RotationFlow

SAME_TYPE = "new:same"


class RotateKeyDialog(StepsDialog["RotationFlow"]):
    """Rotate the active profile's key in the safe order, showing each step's API call and result."""

    RUNNING = "Rotating…"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setWindowTitle(f"Rotate key — {self.profile.name}")
        self.resize(860, 480)
        name = html.escape(self.profile.name)
        intro = (f"Rotates the key of <b>{name}</b> (client {html.escape(self.profile.client_id or '-')}) "
                 "in the safe order: add the new key, get a token with it, switch the profile, deactivate "
                 "the old key. The old key is not deleted: do that later, once nothing uses it.")
        self.new_key = QComboBox()
        self.new_key.setObjectName("newKey")
        self.new_key.addItem("Generate a new key of the same type", SAME_TYPE)
        for name in context.library_names():
            if name != self.profile.key_ref:
                self.new_key.addItem(f"From the library: {name}", LIBRARY + name)
        self.admin = AdminCredentialPicker(context, sandbox=self.profile.is_sandbox)
        form = QFormLayout()
        form.addRow("Current key", QLabel(self.profile.key_ref or "(none)"))
        form.addRow("New key", self.new_key)
        form.addRow("Admin credential", self.admin)
        from oktatool.core.okta.rotation import RotationFlow

        self.build(intro, form, RotationFlow.planned_steps(), name="rotate", run_text="Rotate", run_name="runRotate")
        if not self.profile.key_ref:  # the Local sandbox's built-in app, or a profile without a library key
            self.run_button.setEnabled(False)
            self._say("The Local sandbox profile always signs with the sandbox's own key; create a service app "
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

    async def _prepare(self) -> RotationFlow:
        from oktatool.core.okta.admin import admin_api
        from oktatool.core.okta.http import HttpOptions
        from oktatool.core.okta.rotation import RotationFlow, RotationRequest, successor_key

        profile, choice, new_choice = self.profile, self.admin.choice(), str(self.new_key.currentData())
        http = HttpOptions(read_timeout=self.context.settings.settings.preferences.network_timeout)
        loop = asyncio.get_running_loop()

        def prepare() -> RotationFlow:
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
            return RotationFlow(request, admin_api(org, admin, options, ("okta.apps.manage",)), options,
                                lambda key: self._switch_on_gui(loop, key))

        return await with_unlocked_store(self, self.context, prepare)

    def _summary_text(self, flow: RotationFlow) -> str:
        req = flow.request
        return f"Old kid {req.old_kid} → new {req.new_key.describe()} key, kid {req.new_key.kid}"

    def _done_text(self, flow: RotationFlow) -> str:
        old = flow.request.old_kid
        return (f"Rotated to {flow.request.new_key.kid}. {old} is INACTIVE; delete it later with "
                f"oktatool app keys delete {old}.")
