"""Move to a key pair: list the client secrets the switch deletes, add the key (saved in Okta, or published at a
URL: jwks_uri), ask, switch, prove a token."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QFormLayout, QWidget

from oktatool.core.errors import BadInputError
from oktatool.gui.dialogs.keys_at_url import KeysAtUrl
from oktatool.gui.dialogs.steps_dialog import LIBRARY, StepsDialog, client_of, library_key, org_of
from oktatool.gui.widgets.admin_credential import AdminCredentialPicker, load_admin_credential
from oktatool.gui.widgets.store_unlock import with_unlocked_store

if TYPE_CHECKING:
    from oktatool.context import AppContext
    from oktatool.core.keys.key import Key
    from oktatool.core.okta.migration import MigrationFlow

PROFILE_KEY = "profile"
NEW_KEY = "new"


class MoveToKeyDialog(StepsDialog["MigrationFlow"]):
    """Move the active profile's app from a client secret to private_key_jwt, asking before the secrets go."""

    RUNNING = "Moving to a key pair…"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.agreed = False
        self.setWindowTitle(f"Move to a key pair — {self.profile.name}")
        self.resize(860, 480)
        intro = (f"Moves the app of <b>{html.escape(self.profile.name)}</b> (client {{client}}) from a client "
                 "secret to a key pair: it lists the client secrets the switch deletes, adds the public key (or "
                 "checks the URL that publishes it), and asks before it switches the app to private_key_jwt. Okta "
                 "deletes the secrets at that moment (and, for a URL, the keys saved in Okta), so code that still "
                 "uses one stops working. Then a token signed with the key proves it.")
        self.new_key = QComboBox()
        self.new_key.setObjectName("moveKey")
        # the sandbox's own key is the built-in app's: an app made there with no key of its own gets a new one
        if self.profile.key_ref or (self.profile.is_sandbox and not self.profile.client_id):
            self.new_key.addItem(f"The profile's key ({self.profile.key_ref or 'the sandbox key'})", PROFILE_KEY)
        self.new_key.addItem("Generate a new RSA key (kept in the key library)", NEW_KEY)
        for name in context.library_names():
            if name != self.profile.key_ref:
                self.new_key.addItem(f"From the library: {name}", LIBRARY + name)
        #: the key of each choice, read or made once, so that the file published and the key added agree
        self._keys: dict[str, Key] = {}
        self.keys_at = KeysAtUrl(self, self.new_key, self._chosen_key)
        self.admin = AdminCredentialPicker(context, sandbox=self.profile.is_sandbox)
        form = QFormLayout()
        form.addRow("Key", self.new_key)
        form.addRow("Keys", self.keys_at)
        form.addRow("Admin credential", self.admin)
        from oktatool.core.okta.migration import MigrationFlow

        self.build(intro, form, MigrationFlow.planned_steps(), name="move", run_text="List the secrets",
                   run_name="runMove")

    def _chosen_key(self, choice: str) -> Key:
        """Return the key of a choice (blocking): the profile's, a library key, or one generated once."""
        from oktatool.core.okta.rotation import new_app_key

        if choice not in self._keys:
            key = self.context.profile_key(self.profile) if choice == PROFILE_KEY else \
                new_app_key() if choice == NEW_KEY else library_key(self.context, choice)
            assert key is not None
            self._keys[choice] = key
        return self._keys[choice]

    async def _prepare(self) -> MigrationFlow:
        from oktatool.core.okta.admin import admin_api
        from oktatool.core.okta.http import HttpOptions
        from oktatool.core.okta.migration import MANAGE_SCOPES, MigrationFlow, MigrationRequest

        profile, choice, key_choice = self.profile, self.admin.choice(), str(self.new_key.currentData())
        jwks_uri = self.keys_at.chosen_url()
        http = HttpOptions(read_timeout=self.context.settings.settings.preferences.network_timeout)

        def prepare() -> tuple[MigrationFlow, str | None]:
            admin = load_admin_credential(self.context, choice)
            if admin is None:
                raise BadInputError("choose an admin credential")
            key = self._chosen_key(key_choice)
            kept = self.context.keep_app_key(profile.name, key) if key_choice == NEW_KEY else \
                key_choice[len(LIBRARY):] if key_choice.startswith(LIBRARY) else None
            org, options = org_of(self.context, profile, http)
            request = MigrationRequest(org, client_of(self.context, profile), key, profile.scopes, jwks_uri)
            return MigrationFlow(request, admin_api(org, admin, options, MANAGE_SCOPES), options), kept

        flow, kept = await with_unlocked_store(self, self.context, prepare)
        if kept is not None:  # the profile signs with the key before any call, so a later run goes on with it
            current = self.context.profile(profile.name)
            self.context.save_settings(self.context.settings.settings.with_profile(current._replace(key_ref=kept)))
        return flow

    def _summary_text(self, flow: MigrationFlow) -> str:
        req = flow.request
        where = f" published at {req.jwks_uri}" if req.jwks_uri else " saved in Okta"
        return f"Client {req.client_id} → {req.key.describe()} key, kid {req.key.kid},{where}"

    def _stop_before(self, flow: MigrationFlow) -> str | None:
        from oktatool.core.okta.migration import SWITCH

        return None if self.agreed else SWITCH

    def _paused_text(self, flow: MigrationFlow) -> str:
        self.agreed = True
        self.run_button.setText("Delete the secrets and switch")
        saved = (f" Pointing the app at {flow.request.jwks_uri} deletes the keys saved in Okta: "
                 f"{', '.join(flow.saved_kids)}." if flow.saved_kids else "")
        if not flow.secrets:
            return f"The app lists no client secret to delete.{saved} Switch to go on."
        listed = "; ".join(s.describe() for s in flow.secrets)
        return (f"The switch deletes {len(flow.secrets)} client secret(s): {listed}. Code that still uses one stops "
                f"working at that moment.{saved}")

    def _done_text(self, flow: MigrationFlow) -> str:
        at = f" (its keys fetched from {flow.request.jwks_uri})" if flow.request.jwks_uri else ""
        return (f"Moved: the app authenticates with private_key_jwt, kid {flow.request.key.kid}{at}; its secrets "
                "are gone.")
