"""Edit profiles: org URL (or the built-in sandbox), client id, library key, scopes, DPoP, authorization server."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.errors import OktaToolError
from oktatool.core.store.settings import SANDBOX_ORG, Profile
from oktatool.gui.widgets.accessible import named
from oktatool.gui.widgets.tones import plain_message, tone_style

if TYPE_CHECKING:
    from oktatool.context import AppContext

NO_KEY = "(no key)"


class ProfilesDialog(QDialog):
    """A list of profiles and a form for the selected one; every change is saved when applied."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Profiles")
        self.list = QListWidget()
        named(self.list, "Profiles")
        self.list.setMaximumWidth(200)
        self.name = QLineEdit()
        self.sandbox = QCheckBox("Use the built-in sandbox org (local, no Okta needed)")
        self.org = QLineEdit()
        self.org.setPlaceholderText("https://your-org.okta.com")
        self.client_id = QLineEdit()
        self.client_id.setPlaceholderText("0oa… (the service app's client id)")
        self.key = QComboBox()
        self.scopes = QLineEdit()
        self.scopes.setPlaceholderText("okta.users.read okta.groups.read")
        self.dpop = QCheckBox("Ask for DPoP-bound tokens")
        self.auth_server = QLineEdit()
        self.auth_server.setPlaceholderText("org (Okta API scopes), default or aus… (your own APIs)")
        self.auth_server.setToolTip("Where tokens come from: the org authorization server (empty or org), or a "
                                    "custom one by id; the Console's Authorization server row sets it too")
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setStyleSheet(tone_style("error"))
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("", self.sandbox)
        form.addRow("Org URL", self.org)
        form.addRow("Client ID", self.client_id)
        form.addRow("Key", self.key)
        form.addRow("Scopes", self.scopes)
        form.addRow("", self.dpop)
        form.addRow("Authorization server", self.auth_server)
        form.addRow("", self.error)
        self.add_button = QPushButton("Add")
        self.delete_button = QPushButton("Delete")
        self.apply_button = QPushButton("Apply")
        left = QVBoxLayout()
        left.addWidget(self.list)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.delete_button)
        left.addLayout(row)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addStretch(1)
        right.addWidget(self.apply_button)
        body = QHBoxLayout()
        body.addLayout(left)
        body.addLayout(right, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addLayout(body)
        outer.addWidget(buttons)
        self.resize(720, 360)
        self.sandbox.toggled.connect(lambda on: self.org.setEnabled(not on))
        self.list.currentTextChanged.connect(self._show)
        self.add_button.clicked.connect(self._add)
        self.delete_button.clicked.connect(self._delete)
        self.apply_button.clicked.connect(self.apply)
        self._refill(context.settings.settings.active_profile)

    def _refill(self, select: str) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        names = [p.name for p in self.context.settings.settings.profiles]
        self.list.addItems(names)
        self.list.blockSignals(False)
        self.list.setCurrentRow(names.index(select) if select in names else 0)

    def _show(self, name: str) -> None:
        if not name:
            return
        profile = self.context.settings.settings.profile(name)
        self.name.setText(profile.name)
        self.sandbox.setChecked(profile.is_sandbox)
        self.org.setText("" if profile.is_sandbox else profile.org_url)
        self.org.setEnabled(not profile.is_sandbox)
        self.client_id.setText(profile.client_id)
        self.key.clear()
        self.key.addItems([NO_KEY, *self.context.library_names()])
        self.key.setCurrentText(profile.key_ref or NO_KEY)
        self.scopes.setText(" ".join(profile.scopes))
        self.dpop.setChecked(profile.dpop)
        self.auth_server.setText(profile.auth_server)
        self.error.clear()

    def edited_profile(self, old: str | None = None) -> Profile:
        """Return the profile ``old`` as the form shows it, or raise the error to show next to the form.

        What the form does not show (the Console's confirm-writes choice) is kept from ``old``.
        """
        from oktatool.core.okta.authserver import parse_server_id
        from oktatool.core.okta.orgurl import parse_org_url

        org = SANDBOX_ORG
        if not self.sandbox.isChecked():
            org = str(parse_org_url(self.org.text()))
        name = self.name.text().strip()
        if not name:
            raise OktaToolError("give the profile a name")
        key = self.key.currentText()
        settings = self.context.settings.settings
        stored = settings.profile(old) if old in {p.name for p in settings.profiles} else Profile(name=name)
        return stored._replace(name=name, org_url=org, client_id=self.client_id.text().strip(),
                               key_ref=None if key in ("", NO_KEY) else key,
                               scopes=tuple(self.scopes.text().split()), dpop=self.dpop.isChecked(),
                               auth_server=parse_server_id(self.auth_server.text()))

    def apply(self) -> bool:
        """Save the form into the selected profile; show what is wrong next to the form instead."""
        current = self.list.currentItem()
        old = current.text() if current is not None else None
        try:
            profile = self.edited_profile(old)
            settings = self.context.settings.settings.with_profile(profile, replacing=old)
            self.context.save_settings(settings)
        except OktaToolError as exc:
            self.error.setText(plain_message(exc))
            return False
        self.error.clear()
        self._refill(profile.name)
        return True

    def _add(self) -> None:
        taken = {p.name for p in self.context.settings.settings.profiles}
        number = 1
        while f"New profile {number}" in taken:
            number += 1
        profile = Profile(name=f"New profile {number}", org_url=SANDBOX_ORG)
        try:
            self.context.save_settings(self.context.settings.settings.with_profile(profile))
        except OktaToolError as exc:
            self.error.setText(plain_message(exc))
            return
        self._refill(profile.name)

    def _delete(self) -> None:
        current = self.list.currentItem()
        if current is None:
            return
        name = current.text()
        if self.context.settings.settings.preferences.confirm_delete:
            answer = QMessageBox.question(self, "Delete profile", f"Delete the profile {name!r}? "
                                          "Its key stays in the key library.")
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            self.context.save_settings(self.context.settings.settings.without_profile(name))
        except OktaToolError as exc:
            self.error.setText(plain_message(exc))
            return
        self._refill(self.context.settings.settings.active_profile)
