"""New service app: create an API Services app, grant scopes, assign a role, get a token, call once, save.

Each step shows the API call it made and its result; a failed step is explained and "Retry" goes on from
it, never creating a second app or granting a scope twice. The flow ends with a saved profile.
"""

from __future__ import annotations

import asyncio
import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.errors import BadInputError, OktaToolError
from oktatool.core.okta.grants import STANDARD_ROLES
from oktatool.gui import tasks
from oktatool.gui.models.steps_model import COL_CALLS, COL_RESULT, COL_STATUS, COL_STEP, StepsModel
from oktatool.gui.widgets.admin_credential import AdminCredentialPicker, load_admin_credential
from oktatool.gui.widgets.tones import plain_message, tone_style

if TYPE_CHECKING:
    from oktatool.context import AppContext
    from oktatool.core.keys.key import Key
    from oktatool.core.okta.http import HttpOptions
    from oktatool.core.okta.orgurl import OrgUrl
    from oktatool.core.okta.setup import SetupFlow, Step

KEY_CHOICES = (("Generate a new RSA-2048 key", "new:RSA"), ("Generate a new EC P-256 key", "new:EC"))
LIBRARY = "library:"


class ScopeChecklist(QWidget):
    """A filterable, checkable list of the Okta API scopes (the scope picker's plain stand-in)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter scopes (users, groups, logs…)")
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setObjectName("scopeList")
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


def steps_table(model: StepsModel) -> QTableView:
    """Return a table view for a flow's steps (shared with the rotation dialog)."""
    table = QTableView()
    table.setObjectName("stepsTable")
    table.setModel(model)
    table.setWordWrap(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(COL_STEP, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(COL_STATUS, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(COL_CALLS, QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(COL_RESULT, QHeaderView.ResizeMode.Stretch)
    table.setColumnWidth(COL_CALLS, 300)
    return table


def org_of(context: AppContext, sandbox: bool, org_url: str, http: HttpOptions) -> tuple[OrgUrl, HttpOptions]:
    """Return the org and HTTP options of the active profile (blocking: the sandbox may start)."""
    from dataclasses import replace

    from oktatool.core.okta.orgurl import parse_org_url

    if sandbox:
        info = context.sandbox()
        return parse_org_url(info.org_url), (replace(http, ca_bundle=info.ca_file) if info.ca_file else http)
    return parse_org_url(org_url), http


class NewServiceAppDialog(QDialog):
    """Choose name, key, scopes, role and DPoP; then run the set-up steps and save a profile."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.profile = context.profile()
        self.setWindowTitle("New service app")
        self.resize(900, 640)
        where = "the built-in sandbox org (apps there last while oktatool runs)" if self.profile.is_sandbox \
            else self.profile.org_url
        intro = QLabel(f"Creates an API Services app in <b>{html.escape(where)}</b> that signs in with a key "
                       "(private_key_jwt), grants it Okta API scopes and an admin role, proves it with a token "
                       "and one call, and saves a profile for it.")
        intro.setWordWrap(True)
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
        self.role.setCurrentText("READ_ONLY_ADMIN")
        self.dpop = QCheckBox("Require DPoP-bound tokens")
        self.profile_name = QLineEdit()
        self.profile_name.setObjectName("profileName")
        self.profile_name.setPlaceholderText("the profile to save (default: the app's name)")
        self.admin = AdminCredentialPicker(context, sandbox=self.profile.is_sandbox)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Key", self.key)
        form.addRow("Scopes", self.scopes)
        form.addRow("Admin role", self.role)
        form.addRow("", self.dpop)
        form.addRow("Save as profile", self.profile_name)
        form.addRow("Admin credential", self.admin)
        self.form = QWidget()
        self.form.setLayout(form)
        self.summary = QLabel()
        self.summary.setObjectName("setupSummary")
        self.summary.setWordWrap(True)
        self.summary.hide()
        from oktatool.core.okta.setup import SetupFlow

        self.model = StepsModel(SetupFlow.planned_steps(), parent=self)
        self.table = steps_table(self.model)
        self.status = QLabel()
        self.status.setObjectName("setupStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.run_button = QPushButton("Create")
        self.run_button.setObjectName("runSetup")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.start)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.run_button)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.form, 3)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 2)
        layout.addLayout(row)
        self.flow: SetupFlow | None = None
        self.saved_profile: str | None = None
        self.request = tasks.LatestRequest()
        self._new_key: Key | None = None
        tasks.spawn(self._load_scopes())

    async def _load_scopes(self) -> None:
        from oktatool.core.okta.scopes import ScopeCatalog

        try:
            catalog = await tasks.run_blocking(ScopeCatalog.load)
        except OktaToolError as exc:
            self._say(plain_message(exc), "error")
            return
        usable = [(s.name, s.description) for s in catalog.scopes if catalog.unusable_reason(s.name) is None]
        self.scopes.set_scopes(usable, checked=self.scopes.selected() or ("okta.users.read",))

    def _say(self, text: str, kind: str | None = None) -> None:
        self.status.setStyleSheet(tone_style(kind) if kind else "")
        self.status.setText(text)

    def start(self) -> asyncio.Task[None]:
        """Create the app, or retry from the failed step."""
        return self.request.start(self._run())

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

    async def _prepare(self) -> SetupFlow:
        from oktatool.core.okta.admin import admin_api
        from oktatool.core.okta.http import HttpOptions
        from oktatool.core.okta.setup import MANAGE_SCOPES, SetupFlow, SetupRequest

        label, scopes, key_choice, profile_name = self._choices()
        roles, dpop, choice = (self.role.currentText(),), self.dpop.isChecked(), self.admin.choice()
        sandbox, org_url = self.profile.is_sandbox, self.profile.org_url
        http = HttpOptions(read_timeout=self.context.settings.settings.preferences.network_timeout)

        def prepare() -> SetupFlow:
            from oktatool.core.keys.key import KeySpec, generate_key

            if key_choice.startswith(LIBRARY):
                key = self.context.key_library().load(key_choice[len(LIBRARY):])
                key = key if key.kid else key.with_thumbprint_kid()
            elif key_choice == "new:EC":
                key = generate_key(KeySpec("EC", crv="P-256", use="sig", alg="ES256"))
            else:
                key = generate_key(KeySpec("RSA", size=2048, use="sig", alg="RS256"))
            admin = load_admin_credential(self.context, choice)
            if admin is None:
                raise BadInputError("choose an admin credential")
            org, options = org_of(self.context, sandbox, org_url, http)
            request = SetupRequest(org, label, key, scopes, roles, dpop)
            return SetupFlow(request, admin_api(org, admin, options, MANAGE_SCOPES), options)

        flow = await tasks.run_blocking(prepare)
        self._profile_name = profile_name
        return flow

    async def _run(self) -> None:
        self.run_button.setEnabled(False)
        try:
            if self.flow is None:
                self._say("Preparing (generating the key)…")
                self.flow = await self._prepare()
                self._show_summary(self.flow)
                self.model.set_steps(self.flow.steps)
            flow = self.flow
            loop = asyncio.get_running_loop()

            def changed(step: Step) -> None:  # on a worker thread
                loop.call_soon_threadsafe(self.model.update, StepsModel.snapshot(step))

            self._say("Running the steps…")
            ok = await tasks.run_blocking(flow.run, changed)
            await asyncio.sleep(0)
            self.model.set_steps(flow.steps)
            self.table.resizeRowsToContents()
            if flow.client_id and self.saved_profile is None:
                await self._save_profile(flow)
            if ok:
                self._say(f"Done: client id {flow.client_id}, saved as the profile “{self.saved_profile}”.",
                          "good")
                return
            failed = flow.failed
            assert failed is not None
            hint = f" Fix: {failed.hint}" if failed.hint else ""
            self._say(f"“{failed.title}” failed: {failed.error}.{hint} Fix the cause, then Retry: the steps "
                      "before it are not done again.", "error")
            self.run_button.setText("Retry failed step")
        except OktaToolError as exc:
            self._say(plain_message(exc), "error")
        finally:
            self.run_button.setEnabled(self.flow is None or not self.flow.done)

    def _show_summary(self, flow: SetupFlow) -> None:
        """Put the choices away (the app is made from them: they stay as they are) and give the steps room."""
        req = flow.request
        self.form.hide()
        self.summary.setText(f"<b>{html.escape(req.label)}</b> · key {req.key.describe()} (kid {req.key.kid}) · scopes "
                             f"{' '.join(req.scopes)} · role {', '.join(req.roles)} · DPoP "
                             f"{'required' if req.dpop else 'off'} · profile “{html.escape(self._profile_name)}”")
        self.summary.show()

    async def _save_profile(self, flow: SetupFlow) -> None:
        from oktatool.core.store.settings import Profile

        name = self._profile_name
        request = flow.request
        ref = await tasks.run_blocking(self.context.keep_app_key, name, request.key)
        org_url = request.org.base
        profile = Profile(name=name, org_url=org_url, client_id=flow.client_id or "", key_ref=ref,
                          scopes=request.scopes, dpop=request.dpop)
        self.context.save_settings(self.context.settings.settings.with_profile(profile))
        self.saved_profile = name
