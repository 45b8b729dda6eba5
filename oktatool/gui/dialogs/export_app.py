"""Export: what code needs to act as the profile's app (okta.yaml, env variables for a shell, Terraform, curl)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.errors import OktaToolError
from oktatool.core.okta.export import FORMATS, ExportSpec, holds_private_key, needs_key, render, with_key
from oktatool.core.shells import default_shell
from oktatool.gui import tasks
from oktatool.gui.dialogs.profile_watch import ProfileWatch
from oktatool.gui.widgets.accessible import named
from oktatool.gui.widgets.output_pane import OutputPane
from oktatool.gui.widgets.store_unlock import with_unlocked_store
from oktatool.gui.widgets.tones import plain_message, tone_style

if TYPE_CHECKING:
    import asyncio

    from oktatool.context import AppContext
    from oktatool.core.store.settings import Profile

_TITLES = {"okta-yaml": "okta.yaml (Okta SDKs for Python and Node)", "env": "Environment variables (Okta SDKs)",
           "terraform": "Terraform (provider, app, scopes, role)", "curl": "curl recipe (bash, zsh)"}
_HOLDS_KEY = "Holds the app's private key: copied as a secret, saved readable by you only (0600)"
_PLAIN_TEXT = "Holds no secret"
_SUFFIXES = {"okta-yaml": ".yaml", "env": ".env", "terraform": ".tf", "curl": ".sh"}
#: scopes whose token may read the app itself (its jwks_uri): the profile's token reads it when it has one
_READS_APPS = ("okta.apps.read", "okta.apps.manage")
_SHELLS = {"posix": ("POSIX shell (bash, zsh): export NAME='value'", ".env"),
           "powershell": ("PowerShell: $env:NAME = 'value'", ".ps1")}


class ExportDialog(QDialog):
    """Pick a format, the shell, the key file's path and whether the SDK reads the key by its path."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.watch = ProfileWatch(self, context, self._profile_left)
        self.setWindowTitle(f"Export — {self.profile.name}")
        self.resize(760, 520)
        self.format = QComboBox()
        self.format.setObjectName("exportFormat")
        for fmt in FORMATS:
            self.format.addItem(_TITLES[fmt], fmt)
        self.key_path = QLineEdit("/path/to/private-key.pem")
        self.key_path.setObjectName("exportKeyPath")
        self.key_path.setToolTip("Where the app's private key file is on the computer the code runs on: the curl "
                                 "recipe signs with it, and okta.yaml or the variables name it when asked to")
        self.by_path = QCheckBox("Name the key file by its path instead of holding the key (okta-sdk-python only; "
                                 "okta-sdk-nodejs needs the key itself)")
        self.by_path.setObjectName("exportByPath")
        self.shell = QComboBox()
        self.shell.setObjectName("exportShell")
        self.shell.setToolTip("The shell the environment variables are set in (default: this system's)")
        for shell, (title, _suffix) in _SHELLS.items():
            self.shell.addItem(title, shell)
        self.shell.setCurrentIndex(self.shell.findData(default_shell()))
        self.jwks_uri = QLineEdit()
        self.jwks_uri.setObjectName("exportJwksUri")
        named(self.jwks_uri, "Keys at a URL (jwks_uri)")
        self.jwks_uri.setPlaceholderText("empty: the keys are saved in Okta (a jwks block)")
        self.jwks_uri.setToolTip("For an app that fetches its keys from a URL: Terraform names jwks_uri instead of "
                                 "the public key. Read from the app when the profile's scopes let its token read "
                                 "apps (okta.apps.read)")
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Shell", self.shell)
        form.addRow("Private key file", self.key_path)
        form.addRow("", self.by_path)
        form.addRow("Keys at a URL", self.jwks_uri)
        self.pane = OutputPane("export", "Export", _HOLDS_KEY, private=True, suffix=".yaml")
        self.pane.file_stem = "okta"
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.pane, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.request = tasks.LatestRequest()
        self.format.currentIndexChanged.connect(self.refresh)
        self.key_path.textChanged.connect(self.refresh)
        self.by_path.toggled.connect(self.refresh)
        self.shell.currentIndexChanged.connect(self.refresh)
        self.jwks_uri.textChanged.connect(self.refresh)
        self.refresh()
        self.reading_app = self.read_app()

    def read_app(self) -> asyncio.Task[None] | None:
        """Fill in the app's jwks_uri, read with the profile's own token, when its scopes let it read apps."""
        profile = self.profile
        if profile.is_sandbox or not profile.client_id or not set(_READS_APPS) & set(profile.scopes):
            return None
        return tasks.spawn(self._read_app(profile))

    async def _read_app(self, profile: Profile) -> None:
        from oktatool.core.okta.apps import get_app
        from oktatool.core.okta.client import OktaClient

        read = self.watch.session.part("export.app", dict, app=True)  # the app's jwks_uri, read once

        def jwks_uri() -> str | None:
            api = OktaClient(self.context.connection(profile)).api_for("GET", f"/api/v1/apps/{profile.client_id}")
            return get_app(api, profile.client_id).jwks_uri

        try:
            if "jwks_uri" not in read:
                read["jwks_uri"] = await with_unlocked_store(self, self.context, jwks_uri)
        except OktaToolError:
            return  # not readable: the field stays for the user to fill in
        url = read["jwks_uri"]
        if url and not self.jwks_uri.text().strip() and not self.watch.left:
            self.jwks_uri.setText(url)
            self.message.setStyleSheet("")
            self.message.setText(f"The app fetches its keys from {url} (read from the app).")

    @property
    def profile(self) -> Profile:
        """Return the profile the dialog was opened for (with its new key, once rotated)."""
        return self.watch.profile

    def refresh(self) -> asyncio.Task[None] | None:
        """Show the export for the current choices (the profile's key is read in the executor, once)."""
        if self.watch.left:
            return None
        return self.request.start(self._render(self.request.generation + 1))

    def _profile_left(self, text: str) -> None:
        """Another profile is active: the export shown stays this one's; the choices stop changing it."""
        self.request.cancel()
        for choice in (self.format, self.key_path, self.by_path, self.shell, self.jwks_uri):
            choice.setEnabled(False)
        self.message.setStyleSheet(tone_style("error"))
        self.message.setText(text)

    async def _render(self, generation: int) -> None:
        from oktatool.core.keys.library import read_entries

        fmt = str(self.format.currentData())
        sdk = fmt in ("okta-yaml", "env")
        self.by_path.setEnabled(sdk)
        self.shell.setEnabled(fmt == "env")
        self.jwks_uri.setEnabled(fmt == "terraform")
        shell = str(self.shell.currentData())
        profile = self.profile
        try:
            if profile.is_sandbox:
                raise OktaToolError("the Local sandbox's apps are kept, but its address is a new port each run, "
                                    "so exported settings would point nowhere after a restart",
                                    hint="export a profile for a real Okta org")
            kid = next((e.kid for e in read_entries(self.context.library_index) if e.name == profile.key_ref), None)
            spec = ExportSpec(profile.org_url, profile.client_id, profile.scopes, kid,
                              key_path=self.key_path.text().strip() or None,
                              by_path=sdk and self.by_path.isChecked(), dpop=profile.dpop, label=profile.name,
                              profile=profile.name, jwks_uri=self.jwks_uri.text().strip() or None)
            if needs_key(fmt, spec):
                loaded = self.watch.session.part("export.key", dict, app=True)  # the profile's key, read once
                if "key" not in loaded:
                    loaded["key"] = await with_unlocked_store(self, self.context, self.context.profile_key, profile)
                spec = with_key(spec, loaded["key"])
            text = render(fmt, spec, shell=shell)
        except OktaToolError as exc:
            if self.request.is_current(generation):
                self.pane.set_text(None, plain_message(exc))
            return
        if not self.request.is_current(generation):
            return
        secret = holds_private_key(fmt, spec)
        self.pane.set_private(secret, _HOLDS_KEY if secret else _PLAIN_TEXT)
        self.pane.suffix = _SHELLS[shell][1] if fmt == "env" else _SUFFIXES[fmt]
        self.pane.set_text(text)
