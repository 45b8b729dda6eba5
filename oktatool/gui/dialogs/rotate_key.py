"""Rotate key: add a new key, get a token with it, switch the profile to it, deactivate the old key.

It stops there: deleting the old key is a later, separate step (``oktatool app keys delete KID``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import html
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.errors import BadInputError, OktaToolError
from oktatool.gui import tasks
from oktatool.gui.dialogs.service_app import LIBRARY, org_of, steps_table
from oktatool.gui.models.steps_model import StepsModel
from oktatool.gui.widgets.admin_credential import AdminCredentialPicker, load_admin_credential
from oktatool.gui.widgets.tones import plain_message, tone_style

if TYPE_CHECKING:
    from oktatool.context import AppContext
    from oktatool.core.keys.key import Key
    from oktatool.core.okta.rotation import RotationFlow
    from oktatool.core.okta.setup import Step

SAME_TYPE = "new:same"


class RotateKeyDialog(QDialog):
    """Rotate the active profile's key in the safe order, showing each step's API call and result."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.profile = context.profile()
        self.setWindowTitle(f"Rotate key — {self.profile.name}")
        self.resize(860, 480)
        name = html.escape(self.profile.name)
        intro = QLabel(f"Rotates the key of <b>{name}</b> (client {html.escape(self.profile.client_id or '-')}) "
                       "in the safe order: add the new key, get a token with it, switch the profile, deactivate "
                       "the old key. The old key is not deleted: do that later, once nothing uses it.")
        intro.setWordWrap(True)
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
        self.form = QWidget()
        self.form.setLayout(form)
        self.summary = QLabel()
        self.summary.setObjectName("rotateSummary")
        self.summary.setWordWrap(True)
        self.summary.hide()
        from oktatool.core.okta.rotation import RotationFlow

        self.model = StepsModel(RotationFlow.planned_steps(), parent=self)
        self.table = steps_table(self.model)
        self.status = QLabel()
        self.status.setObjectName("rotateStatus")
        self.status.setWordWrap(True)
        self.run_button = QPushButton("Rotate")
        self.run_button.setObjectName("runRotate")
        self.run_button.clicked.connect(self.start)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.run_button)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.form)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        self.flow: RotationFlow | None = None
        self.request = tasks.LatestRequest()
        if self.profile.is_sandbox or not self.profile.key_ref:
            self.run_button.setEnabled(False)
            self._say("The Local sandbox profile always signs with the sandbox's own key; create a service app "
                      "(New service app…) and rotate its profile." if self.profile.is_sandbox else
                      "This profile has no key in the library to rotate from.", "error")

    def _say(self, text: str, kind: str | None = None) -> None:
        self.status.setStyleSheet(tone_style(kind) if kind else "")
        self.status.setText(text)

    def start(self) -> asyncio.Task[None]:
        """Rotate, or retry from the failed step."""
        return self.request.start(self._run())

    def _switch_on_gui(self, loop: asyncio.AbstractEventLoop, key: Key) -> str:
        """Keep the new key in the library (here, a worker) and point the profile at it (on the GUI thread)."""
        profile = self.profile
        ref = self.context.keep_app_key(profile.name, key)
        saved: concurrent.futures.Future[None] = concurrent.futures.Future()

        def save() -> None:
            try:
                current = next(p for p in self.context.settings.settings.profiles if p.name == profile.name)
                self.context.save_settings(self.context.settings.settings.with_profile(replace(current, key_ref=ref)))
                saved.set_result(None)
            except Exception as exc:  # handed back to the worker, which fails the step with it
                saved.set_exception(exc)

        loop.call_soon_threadsafe(save)
        saved.result(timeout=60)
        return f"the profile signs with {key.kid} (library key “{ref}”)"

    async def _prepare(self, loop: asyncio.AbstractEventLoop) -> RotationFlow:
        from oktatool.core.okta.admin import admin_api
        from oktatool.core.okta.http import HttpOptions
        from oktatool.core.okta.rotation import RotationFlow, RotationRequest, successor_key

        profile, choice, new_choice = self.profile, self.admin.choice(), str(self.new_key.currentData())
        http = HttpOptions(read_timeout=self.context.settings.settings.preferences.network_timeout)

        def prepare() -> RotationFlow:
            old = self.context.profile_key(profile)
            if not old.kid:
                raise BadInputError("the profile's key has no kid, so its registered key cannot be found")
            if new_choice.startswith(LIBRARY):
                new = self.context.key_library().load(new_choice[len(LIBRARY):])
                new = new if new.kid else new.with_thumbprint_kid()
            else:
                new = successor_key(old)
            admin = load_admin_credential(self.context, choice)
            if admin is None:
                raise BadInputError("choose an admin credential")
            org, options = org_of(self.context, profile.is_sandbox, profile.org_url, http)
            request = RotationRequest(org, profile.client_id, old.kid, new, profile.scopes, profile.dpop)
            return RotationFlow(request, admin_api(org, admin, options, ("okta.apps.manage",)), options,
                                lambda key: self._switch_on_gui(loop, key))

        return await tasks.run_blocking(prepare)

    async def _run(self) -> None:
        self.run_button.setEnabled(False)
        loop = asyncio.get_running_loop()
        try:
            if self.flow is None:
                self._say("Preparing…")
                self.flow = await self._prepare(loop)
                req = self.flow.request
                self.form.hide()  # the choices are made: the steps get the room
                self.summary.setText(f"Old kid {req.old_kid} → new {req.new_key.describe()} key, kid {req.new_key.kid}")
                self.summary.show()
                self.model.set_steps(self.flow.steps)
            flow = self.flow

            def changed(step: Step) -> None:  # on a worker thread
                loop.call_soon_threadsafe(self.model.update, StepsModel.snapshot(step))

            self._say("Rotating…")
            ok = await tasks.run_blocking(flow.run, changed)
            await asyncio.sleep(0)
            self.model.set_steps(flow.steps)
            self.table.resizeRowsToContents()
            if ok:
                old = flow.request.old_kid
                self._say(f"Rotated to {flow.request.new_key.kid}. {old} is INACTIVE; delete it later with "
                          f"oktatool app keys delete {old}.", "good")
                return
            failed = flow.failed
            assert failed is not None
            hint = f" Fix: {failed.hint}" if failed.hint else ""
            self._say(f"“{failed.title}” failed: {failed.error}.{hint} Retry goes on from this step.", "error")
            self.run_button.setText("Retry failed step")
        except OktaToolError as exc:
            self._say(plain_message(exc), "error")
        finally:
            self.run_button.setEnabled(self.flow is None or not self.flow.done)
