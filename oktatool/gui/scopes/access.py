"""The Grants & roles view: the service app's granted scopes against the picked ones, its admin roles with what
they reach (roles.py), and its tokens (app_tokens.py).

The calls need an admin credential: an SSWS API token kept per profile in the secret store (typed once,
never shown again), another profile whose token carries okta.appGrants.* / okta.roles.*, or, for the Local
sandbox, the sandbox's own token. Every change (grant, revoke, assign, custom role, remove, revoke tokens) shows
the exact calls first.

What was fetched lives in the active profile's session (it describes that profile's app): another profile
starts empty, and a fetch or change started for a profile that is no longer active goes nowhere.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.errors import OktaToolError
from oktatool.core.okta.grants import PlannedCall, admin_token_secret_name, role_warning
from oktatool.core.okta.history import holds_secret
from oktatool.gui import tasks
from oktatool.gui.models.access_models import GrantTableModel
from oktatool.gui.scopes.access_parts import table_view
from oktatool.gui.scopes.admin_target import (
    PROFILE_PREFIX,
    SANDBOX_TOKEN,
    STORED_TOKEN,
    SUPER_ADMIN_NOTE,
    AdminTarget,
    FetchedPart,
    fetch,
)
from oktatool.gui.scopes.app_tokens import TokensPanel
from oktatool.gui.scopes.roles import RolesPanel
from oktatool.gui.widgets.clipboard import copy_text
from oktatool.gui.widgets.plain_text import rich_label
from oktatool.gui.widgets.store_unlock import with_unlocked_store
from oktatool.gui.widgets.tones import plain_message, tone_style

if TYPE_CHECKING:
    from oktatool.context import AppContext, ProfileSession
    from oktatool.core.okta.grants import AppAccess, Grant
    from oktatool.core.store.settings import Profile


class AccessPanel(QWidget):
    """Fetch the app's grants and roles; grant and revoke scopes, change roles and revoke tokens, each confirmed."""

    #: the app's active grants were fetched (their scope names)
    granted_changed = Signal(list)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.session = context.session
        self.picked: list[str] = []
        self.request = tasks.LatestRequest()
        # One row of credential and Fetch, the tables with their buttons beside them, the result line under
        # them: at 1100x750 the whole panel fits the Scopes tab's lower pane without scrolling.
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        credential_label = QLabel("Admin credential")
        top.addWidget(credential_label)
        self.credential = QComboBox()
        self.credential.setObjectName("adminCredential")
        self.credential.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.credential.setMinimumContentsLength(16)
        credential_label.setBuddy(self.credential)
        top.addWidget(self.credential, 1)
        self.set_token = QPushButton("Set API token…")
        self.set_token.setToolTip("Store an SSWS API token for this profile in the secret store (never shown again)")
        self.forget_token = QPushButton("Forget")
        self.forget_token.setAccessibleName("Forget the stored API token")
        self.forget_token.setToolTip("Delete this profile's stored API token")
        self.fetch_button = QPushButton("Fetch grants and roles")
        self.fetch_button.setObjectName("fetchGrants")
        for button in (self.set_token, self.forget_token, self.fetch_button):
            top.addWidget(button)
        layout.addLayout(top)

        self.summary = QLabel()
        self.summary.setObjectName("grantSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.warning = QLabel()
        self.warning.setObjectName("roleWarning")
        self.warning.setWordWrap(True)
        self.warning.hide()  # shown with a warning only: up top, it explains every 403 to come
        layout.addWidget(self.warning)

        columns = QHBoxLayout()
        self.grants = GrantTableModel(self)
        self.grant_view = table_view(self.grants, "grantTable", "Granted scopes")
        self.grant_button = QPushButton("Grant…")
        self.grant_button.setObjectName("grantSelected")
        self.grant_button.setToolTip("Grant the selected missing scope (or every missing one when none is selected)")
        self.revoke_button = QPushButton("Revoke…")
        self.revoke_button.setObjectName("revokeSelected")
        self.revoke_button.setToolTip("Revoke the selected granted scope")
        columns.addLayout(_titled_table("<b>Okta API scopes granted</b> (and picked)", self.grant_view,
                                        [self.grant_button, self.revoke_button]), 3)
        self.role_panel = RolesPanel(self)
        columns.addWidget(self.role_panel, 3)
        layout.addLayout(columns, 1)

        self.message = QLabel(SUPER_ADMIN_NOTE)
        self.message.setObjectName("accessMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        # the tokens under the result line: at 1100x750 the grants, the roles and the result line stay in view
        self.tokens = TokensPanel(self)
        layout.addWidget(self.tokens)

        self.fetch_button.clicked.connect(lambda: self.start(self.refresh()))
        self.set_token.clicked.connect(lambda: self.start(self.ask_token()))
        self.forget_token.clicked.connect(lambda: self.start(self.forget()))
        self.grant_button.clicked.connect(lambda: self.start(self.grant_selected()))
        self.revoke_button.clicked.connect(lambda: self.start(self.revoke_selected()))
        self.credential.currentIndexChanged.connect(lambda _i: self.enable())
        self.grant_view.selectionModel().selectionChanged.connect(lambda *_: self.enable())
        self.follow(context.session)

    # state ----------------------------------------------------------------------------------------------------

    def part(self) -> FetchedPart:
        """Return what was fetched for the active profile's app (grants, roles, tokens)."""
        return self.session.part("scopes.grants", FetchedPart, app=True)

    @property
    def fetched(self) -> bool:
        """Return True once the active profile's grants were fetched."""
        return self.part().found is not None

    def granted(self) -> list[str] | None:
        """Return the scopes granted to the active profile's app (None until fetched)."""
        return list(self.grants.diff.granted) if self.fetched else None

    def start(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run one action (the newest wins); the buttons wait for it to end."""
        task = self.request.start(coro)
        self.enable()
        task.add_done_callback(lambda _task: self.enable())

    def follow(self, session: ProfileSession) -> None:
        """Draw ``session``: its app's grants and roles if fetched for it, else nothing of another profile's."""
        from oktatool.context import same_app

        if session is self.session and self.credential.count():
            return
        if not same_app(self.session.profile, session.profile) or not self.credential.count():
            self.request.cancel()
            self._fill_choices(session.profile)
            self.say(SUPER_ADMIN_NOTE)
        self.session = session
        self._draw()

    def _left(self, session: ProfileSession) -> bool:
        """Return True when the active profile is no longer ``session``'s app (new picks keep the app)."""
        from oktatool.context import same_app

        return session.closed and (self.session.closed or not same_app(session.profile, self.session.profile))

    def _draw(self) -> None:
        found = self.part().found
        if found is None:
            self.grants.clear()
            self.role_panel.set_roles(None)
            self.summary.setText("Fetch to compare the app's grants with the picked scopes.")
            self.summary.setToolTip("")
            self.warning.clear()
            self.warning.setStyleSheet("")
            self.warning.hide()
        else:
            self.grants.set_grants(found.grants, self.picked)
            self.role_panel.set_roles(found.roles)
            self.summary.setText(self.grants.diff.summary())
            self.summary.setToolTip(_diff_tip(self.grants.diff))
            assigned = [r.assignment for r in found.roles] if found.roles is not None else None
            warning = role_warning(found.grants, assigned) if assigned is not None else None
            self.warning.setText(warning or "")
            self.warning.setStyleSheet(tone_style("error", bold=True) if warning else "")
            self.warning.setVisible(bool(warning))
        self.tokens.draw(self.part().tokens)
        self.enable()

    def profile_traces(self) -> list[str]:
        """Return the ids of the grants and role assignments fetched for the active profile's app."""
        found = self.part().found
        if found is None:
            return []
        tokens = [token.id for token in self.part().tokens or ()]
        return [grant.id for grant in found.grants] + [role.assignment.id for role in found.roles or ()] + tokens

    def refresh_choices(self) -> None:
        """Offer the profiles as they are now (after profiles were added or removed), keeping the choice."""
        chosen = self.credential.currentData()
        self.credential.blockSignals(True)
        self._fill_choices(self.session.profile)
        index = self.credential.findData(chosen)
        self.credential.setCurrentIndex(max(index, 0))
        self.credential.blockSignals(False)
        self.enable()

    def _fill_choices(self, profile: Profile) -> None:
        self.credential.clear()
        if profile.is_sandbox:
            self.credential.addItem("the Local sandbox's API token", SANDBOX_TOKEN)
        self.credential.addItem(f"API token stored for {profile.name!r}", STORED_TOKEN)
        for other in self.context.settings.settings.profiles:
            if other.name != profile.name:
                self.credential.addItem(f"profile {other.name!r}", PROFILE_PREFIX + other.name)

    def set_picked(self, picked: list[str]) -> None:
        """Compare the fetched grants with new picks."""
        self.picked = list(picked)
        self.grants.set_picked(self.picked)
        self.role_panel.set_picked(self.picked)
        if self.fetched:
            self.summary.setText(self.grants.diff.summary())
        self.enable()

    def target(self) -> AdminTarget:
        """Return the app and credential the next call uses."""
        return AdminTarget(self.context, self.session.profile, str(self.credential.currentData()))

    def enable(self) -> None:
        """Enable each action that can run now (fetched, nothing running, a row selected where one is needed)."""
        busy = self.request.busy
        scope = self._selected_scope()
        state = self.grants.diff.state(scope) if scope else ""
        self.grant_button.setEnabled(self.fetched and not busy and (state == "missing" or (
            not scope and bool(self.grants.diff.missing))))
        self.revoke_button.setEnabled(self.fetched and not busy and state in ("granted", "extra"))
        found = self.part().found
        self.role_panel.enable(found is not None and found.roles is not None and not busy)
        self.tokens.enable(not busy)
        self.forget_token.setEnabled(self.credential.currentData() == STORED_TOKEN)

    def _selected_scope(self) -> str:
        rows = self.grant_view.selectionModel().selectedRows()
        return str(self.grants.data(rows[0], Qt.ItemDataRole.UserRole)) if rows else ""

    def say(self, text: str, *, error: bool = False, good: bool = False) -> None:
        """Show a message under the roles."""
        self.message.setText(text)
        self.message.setStyleSheet(tone_style("error") if error else tone_style("good") if good else "")

    # actions --------------------------------------------------------------------------------------------------

    async def refresh(self) -> bool:
        """Fetch grants and roles; return False (and say why) when it failed."""
        generation = self.request.generation
        session = self.session
        self.say("Fetching grants and roles…")
        try:
            found = await with_unlocked_store(self, self.context, fetch, self.target())
        except OktaToolError as exc:
            if self.request.is_current(generation) and not self._left(session):
                self.say(plain_message(exc), error=True)
            return False
        if not self.request.is_current(generation) or self._left(session):
            return False  # fetched for a profile that is no longer the active one
        self.part().found = found
        self._draw()
        self.granted_changed.emit(list(self.grants.diff.granted))
        if found.roles_error:
            self.say(f"Grants fetched; roles could not be read: {found.roles_error}", error=True)
        else:
            self.say(f"Fetched {len(found.grants)} grant(s) and {len(found.roles or ())} role(s). "
                     + SUPER_ADMIN_NOTE)
        self.enable()
        return True

    async def grant_selected(self) -> None:
        """Grant the selected missing scope, or every missing one."""
        scope = self._selected_scope()
        scopes = [scope] if scope else list(self.grants.diff.missing)
        if not scopes:
            return
        await self.change(f"Grant {len(scopes)} scope(s)", lambda access: [access.grant_call(s) for s in scopes],
                           lambda access: [access.grant(s) for s in scopes], ("okta.appGrants.manage",),
                           note=SUPER_ADMIN_NOTE + " Tokens carry a new grant from the next token request.")

    async def revoke_selected(self) -> None:
        """Revoke the selected granted scope."""
        scope = self._selected_scope()
        grant = self.grants.grant_for(scope) if scope else None
        if grant is None:
            return
        chosen: Grant = grant
        await self.change(f"Revoke {scope}", lambda access: [access.revoke_call(chosen)],
                           lambda access: access.revoke(scope, [chosen]), ("okta.appGrants.manage",),
                           note="Tokens already issued keep the scope until they expire (one hour); "
                                "the next token leaves it out.")

    async def read(self, work: Callable[[AppAccess], Any], scopes: tuple[str, ...], doing: str) -> Any:
        """Run ``work`` over AppAccess in the executor; return its result, or None when it failed (said) or the
        active profile changed meanwhile."""
        target, session = self.target(), self.session
        self.say(doing)
        try:
            # building AppAccess may start the sandbox or open the store: never on the GUI thread
            access = await with_unlocked_store(self, self.context, target.access, scopes)
            found = await tasks.run_blocking(work, access)
        except OktaToolError as exc:
            if not self._left(session):
                self.say(plain_message(exc), error=True)
            return None
        return None if self._left(session) else found

    async def change(self, title: str, plan: Callable[[AppAccess], list[PlannedCall]],
                     act: Callable[[AppAccess], Any], scopes: tuple[str, ...], *, note: str) -> bool:
        """Plan (in the executor: it may look names up), show the exact calls, and make them when confirmed;
        return True when they were made."""
        session = self.session
        planned = await self.read(lambda access: (access, plan(access)), scopes, f"{title}: preparing…")
        if planned is None:
            return False
        access, calls = planned
        answer = await self._confirm(title, calls, note)
        if not answer:
            if answer is False:  # None: the call was copied instead, and that was said
                self.say(f"{title}: cancelled.")
            return False
        if self._left(session):  # another profile became active while the confirmation was open
            self.say(f"{title}: not made, the active profile changed.", error=True)
            return False
        self.say(f"{title}…")
        try:
            await tasks.run_blocking(act, access)
        except OktaToolError as exc:
            if not self._left(session):
                self.say(plain_message(exc), error=True)
            return False
        if self._left(session):
            return False
        done = f"{title}: done."
        if await self.refresh():
            self.say(done, good=True)
        return True

    async def _confirm(self, title: str, calls: list[PlannedCall], note: str) -> bool | None:
        """Ask before making ``calls``: True to make them, False when cancelled, None when copied instead."""
        text = "\n\n".join(call.text() for call in calls)
        box = QMessageBox(QMessageBox.Icon.Question, title, f"{title} with this API call?", parent=self)
        box.setInformativeText(note)
        box.setTextFormat(Qt.TextFormat.PlainText)
        yes = box.addButton("Make the call", QMessageBox.ButtonRole.AcceptRole)
        copy = box.addButton("Copy the call", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        # the exact call shows without opening "Show Details…"
        box.setText(f"{title} with this API call?\n\n{text}")
        await tasks.dialog_result(box)
        if box.clickedButton() is copy:
            secret = holds_secret(text)
            copy_text(text, secret=secret)
            self.say("Copied the call: a Super Admin can make it with their API token."
                     + (" It holds a secret: cleared from the clipboard in 30 s." if secret else ""))
            return None
        return box.clickedButton() is yes

    async def ask_token(self) -> None:
        """Ask for an SSWS API token and keep it in the secret store for this profile."""
        from oktatool.gui.widgets.store_unlock import ready_store

        profile = self.session.profile
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Admin API token")
        dialog.setLabelText(f"Paste an SSWS API token for {profile.name!r} (Security > API > Tokens).\n"
                            "It is kept in the secret store and never shown again.")
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        if await tasks.dialog_result(dialog) != QDialog.DialogCode.Accepted.value:
            return
        token = dialog.textValue().strip()
        dialog.setTextValue("")
        try:
            from oktatool.core.okta.admin import AdminCredential

            AdminCredential(ssws_token=token or " ")  # the same check the calls make
        except OktaToolError as exc:
            self.say(plain_message(exc), error=True)
            return
        store = await ready_store(self.context, self)
        if store is None:
            self.say("Not stored: the secret store stayed locked.", error=True)
            return
        try:
            await tasks.run_blocking(store.set, admin_token_secret_name(profile), token)
            await tasks.run_blocking(self.context.forget_stale_admin_tokens)
        except OktaToolError as exc:
            self.say(plain_message(exc), error=True)
            return
        index = self.credential.findData(STORED_TOKEN)
        self.credential.setCurrentIndex(index)
        where = "the Local sandbox" if profile.is_sandbox else profile.org_url
        self.say(f"API token stored for {profile.name!r} on {where} in the {store.short_name}: it is forgotten "
                 "when the profile's org changes.", good=True)
        self.enable()

    async def forget(self) -> None:
        """Delete the profile's stored API token."""
        from oktatool.gui.widgets.store_unlock import ready_store

        profile = self.session.profile
        store = await ready_store(self.context, self)
        if store is None:
            return
        try:
            await tasks.run_blocking(store.delete, admin_token_secret_name(profile))
        except OktaToolError as exc:
            self.say(plain_message(exc), error=True)
            return
        self.say(f"Forgot the API token of {profile.name!r}.", good=True)


def _diff_tip(diff: Any) -> str:
    lines = [f"missing: {' '.join(diff.missing)}" if diff.missing else "", f"extra: {' '.join(diff.extra)}"
             if diff.extra else ""]
    return "\n".join(line for line in lines if line)


def _titled_table(title: str, view: QTableView, controls: list[QWidget]) -> QVBoxLayout:
    """Return a column: ``title`` (naming the table: its buddy) over the table with ``controls`` beside it."""
    column = QVBoxLayout()
    label = rich_label(QLabel(title))
    label.setBuddy(view)
    column.addWidget(label)
    row = QHBoxLayout()
    row.addWidget(view, 1)
    side = QVBoxLayout()
    for control in controls:
        side.addWidget(control)
    side.addStretch(1)
    row.addLayout(side)
    column.addLayout(row, 1)
    return column
