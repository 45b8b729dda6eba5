"""New service app: create an API Services app, grant scopes, assign a role, get a token, call once, save.

Each step shows the API call it made and its result; a failed step is explained and "Retry" goes on from
it, never creating a second app or granting a scope twice. The flow ends with a saved profile.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.errors import BadInputError, OktaToolError
from oktatool.core.okta.grants import STANDARD_ROLES, least_role
from oktatool.gui import tasks
from oktatool.gui.dialogs.keys_at_url import KeysAtUrl
from oktatool.gui.dialogs.steps_dialog import LIBRARY, StepsDialog, library_key, org_of
from oktatool.gui.widgets.accessible import named
from oktatool.gui.widgets.admin_credential import AdminCredentialPicker, load_admin_credential
from oktatool.gui.widgets.store_unlock import with_unlocked_store
from oktatool.gui.widgets.tones import plain_message

if TYPE_CHECKING:
    from oktatool.context import AppContext
    from oktatool.core.keys.key import Key
    from oktatool.core.okta.setup import SetupFlow

KEY_CHOICES = (("Generate a new RSA-2048 key", "new:RSA"), ("Generate a new EC P-256 key", "new:EC"))
class ScopeChecklist(QWidget):
    """A filterable, checkable list of the Okta API scopes (the scope picker's plain stand-in)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter scopes (users, groups, logs…)")
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setObjectName("scopeList")
        named(self.filter, "Filter scopes")
        named(self.list, "Scopes")
        self.list.setMinimumHeight(110)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        self.chosen = QLabel()
        self.chosen.setObjectName("chosenScopes")
        self.chosen.setWordWrap(True)
        layout.addWidget(self.chosen)
        self.filter.textChanged.connect(self._apply_filter)
        self.list.itemChanged.connect(self._show_chosen)

    def set_scopes(self, scopes: list[tuple[str, str]], checked: tuple[str, ...] = ()) -> None:
        """Show ``(name, description)`` rows, ticking ``checked``."""
        self.list.clear()
        for name, description in scopes:
            item = QListWidgetItem(name)
            item.setToolTip(description)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in checked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self._apply_filter(self.filter.text())
        self._show_chosen()

    def _show_chosen(self) -> None:
        chosen = self.selected()
        self.chosen.setText("Chosen: " + (" ".join(chosen) if chosen else "none yet"))

    def _apply_filter(self, text: str) -> None:
        words = text.lower().split()
        for row in range(self.list.count()):
            item = self.list.item(row)
            haystack = f"{item.text()} {item.toolTip()}".lower()
            item.setHidden(not all(w in haystack for w in words))

    def selected(self) -> tuple[str, ...]:
        """Return the ticked scopes, in list order."""
        return tuple(self.list.item(r).text() for r in range(self.list.count())
                     if self.list.item(r).checkState() == Qt.CheckState.Checked)

    def set_checked(self, scopes: tuple[str, ...]) -> None:
        """Tick exactly ``scopes``."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setCheckState(Qt.CheckState.Checked if item.text() in scopes else Qt.CheckState.Unchecked)


class NewServiceAppDialog(StepsDialog["SetupFlow"]):
    """Choose name, key, scopes, role and DPoP; then run the set-up steps and save a profile."""

    PREPARING = "Preparing (generating the key)…"
    RETRY_TEXT = "Fix the cause, then Retry: the steps before it are not done again."

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setWindowTitle("New service app")
        self.resize(900, 640)
        where = "the built-in sandbox org (kept in the data folder: apps made there survive a restart)" \
            if self.profile.is_sandbox \
            else self.profile.org_url
        intro = (f"Creates an API Services app in <b>{html.escape(where)}</b> that signs in with a key "
                 "(private_key_jwt), grants it Okta API scopes and an admin role, proves it with a token "
                 "and one call, and saves a profile for it.")
        self.name = QLineEdit()
        self.name.setObjectName("appName")
        self.name.setPlaceholderText("e.g. Nightly user report")
        self.key = QComboBox()
        self.key.setObjectName("appKey")
        for label, data in KEY_CHOICES:
            self.key.addItem(label, data)
        for name in context.library_names():
            self.key.addItem(f"From the library: {name}", LIBRARY + name)
        self.scopes = ScopeChecklist()
        self.role = QComboBox()
        self.role.setObjectName("appRole")
        self.role.addItems(list(STANDARD_ROLES))
        self.role.setToolTip("Follows the scopes ticked (the narrowest standard role that covers them) until "
                             "you choose a role here")
        self.role.setCurrentText(least_role(()))
        #: True once the user chose a role: the ticked scopes no longer change it
        self.role_chosen = False
        self.role.activated.connect(self._role_chosen)
        self.scopes.list.itemChanged.connect(self._follow_scopes)
        self.keys_at = KeysAtUrl(self, self.key, self._chosen_key)
        #: the keys generated for each "new" choice, made once so that the published file and the app agree
        self._generated: dict[str, Key] = {}
        self.dpop = QCheckBox("Require DPoP-bound tokens")
        self.profile_name = QLineEdit()
        self.profile_name.setObjectName("profileName")
        self.profile_name.setPlaceholderText("the profile to save (default: the app's name)")
        self.admin = AdminCredentialPicker(context, sandbox=self.profile.is_sandbox)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Key", self.key)
        form.addRow("Keys", self.keys_at)
        form.addRow("Scopes", self.scopes)
        form.addRow("Admin role", self.role)
        form.addRow("", self.dpop)
        form.addRow("Save as profile", self.profile_name)
        form.addRow("Admin credential", self.admin)
        from oktatool.core.okta.setup import SetupFlow

        self.build(intro, form, SetupFlow.planned_steps(), name="setup", run_text="Create", run_name="runSetup",
                   stretch=(3, 2))
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.run_button.setDefault(True)
        self.saved_profile: str | None = None
        tasks.spawn(self._load_scopes())

    def _role_chosen(self) -> None:
        self.role_chosen = True

    def _follow_scopes(self) -> None:
        if not self.role_chosen:
            self.role.setCurrentText(least_role(self.scopes.selected()))

    async def _load_scopes(self) -> None:
        from oktatool.core.okta.scopes import ScopeCatalog

        try:
            catalog = await tasks.run_blocking(ScopeCatalog.load)
        except OktaToolError as exc:
            self.say(plain_message(exc), "error")
            return
        usable = [(s.name, s.description) for s in catalog.scopes if catalog.unusable_reason(s.name) is None]
        self.scopes.set_scopes(usable, checked=self.scopes.selected() or ("okta.users.read",))
        self._follow_scopes()

    def _choices(self) -> tuple[str, tuple[str, ...], str, str]:
        label = self.name.text().strip()
        if not label:
            raise BadInputError("give the app a name")
        scopes = self.scopes.selected()
        if not scopes:
            raise BadInputError("tick at least one scope to grant")
        profile = self.profile_name.text().strip() or label
        if any(p.name == profile for p in self.context.settings.settings.profiles):
            raise BadInputError(f"a profile called {profile!r} already exists", hint="choose another profile name")
        return label, scopes, str(self.key.currentData()), profile

    def _chosen_key(self, choice: str) -> Key:
        """Return the key of a choice (blocking): the library's, or one generated once for this dialog."""
        from oktatool.core.keys.key import KeySpec, generate_key

        key = library_key(self.context, choice)
        if key is None:
            if choice not in self._generated:
                self._generated[choice] = generate_key(
                    KeySpec("EC", crv="P-256", use="sig", alg="ES256") if choice == "new:EC"
                    else KeySpec("RSA", size=2048, use="sig", alg="RS256")).with_thumbprint_kid()
            key = self._generated[choice]
        return key

    async def _prepare(self) -> SetupFlow:
        from oktatool.core.okta.admin import admin_api
        from oktatool.core.okta.http import HttpOptions
        from oktatool.core.okta.setup import MANAGE_SCOPES, SetupFlow, SetupRequest

        label, scopes, key_choice, profile_name = self._choices()
        roles, dpop, choice = (self.role.currentText(),), self.dpop.isChecked(), self.admin.choice()
        jwks_uri = self.keys_at.chosen_url()
        http = HttpOptions(read_timeout=self.context.settings.settings.preferences.network_timeout)

        def prepare() -> SetupFlow:
            self.context.unlocked_store()  # the new key must be storable before the app is created
            key = self._chosen_key(key_choice)
            admin = load_admin_credential(self.context, choice)
            if admin is None:
                raise BadInputError("choose an admin credential")
            org, options = org_of(self.context, self.profile, http)
            request = SetupRequest(org, label, key, scopes, roles, dpop, jwks_uri)
            return SetupFlow(request, admin_api(org, admin, options, MANAGE_SCOPES), options)

        flow = await with_unlocked_store(self, self.context, prepare)
        self._profile_name = profile_name
        return flow

    def _summary_text(self, flow: SetupFlow) -> str:
        req = flow.request
        return (f"“{req.label}” · key {req.key.describe()} (kid {req.key.kid}) · scopes "
                f"{' '.join(req.scopes)} · role {', '.join(req.roles)} · DPoP "
                f"{'required' if req.dpop else 'off'} · keys "
                f"{'at ' + req.jwks_uri if req.jwks_uri else 'saved in Okta'} · profile “{self._profile_name}”")

    async def _after_run(self, flow: SetupFlow) -> None:
        if flow.client_id and self.saved_profile is None:
            await self._save_profile(flow)

    def _done_text(self, flow: SetupFlow) -> str:
        return f"Done: client id {flow.client_id}, saved as the profile “{self.saved_profile}”."

    async def _save_profile(self, flow: SetupFlow) -> None:
        from oktatool.core.store.settings import SANDBOX_ORG, Profile

        name = self._profile_name
        request = flow.request
        ref = await tasks.run_blocking(self.context.keep_app_key, name, request.key)
        # a Local sandbox app's profile names the Local sandbox: the port lasts one run, the org is kept
        org_url = SANDBOX_ORG if self.profile.is_sandbox else request.org.base
        profile = Profile(name=name, org_url=org_url, client_id=flow.client_id or "", key_ref=ref,
                          scopes=request.scopes, dpop=request.dpop)
        self.context.save_settings(self.context.settings.settings.with_profile(profile))
        self.saved_profile = name
