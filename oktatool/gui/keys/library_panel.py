"""The Keys tab's key library: the keys kept in the secret store (public facts listed), and their actions.

The list needs no unlocking (it reads the index of public facts); opening, saving, renaming and deleting a
key open the store first, asking for its passphrase when there is no OS keyring.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.errors import OktaToolError
from oktatool.gui import tasks
from oktatool.gui.models.key_library_model import COL_ADDED, COL_THUMBPRINT, KeyLibraryModel
from oktatool.gui.widgets.accessible import named
from oktatool.gui.widgets.elided_cells import tip_elided_cells
from oktatool.gui.widgets.plain_text import rich_label
from oktatool.gui.widgets.store_unlock import with_unlocked_store
from oktatool.gui.widgets.tones import plain_message

if TYPE_CHECKING:
    from oktatool.context import AppContext
    from oktatool.core.keys.key import Key
    from oktatool.core.store.settings import Profile
    from oktatool.gui.widgets.message_line import MessageLine


class KeyHost(Protocol):
    """What the library needs from the tab: the current key, and showing a loaded one."""

    key: Key | None

    async def show_library_key(self, key: Key, name: str) -> None:
        """Make ``key`` (loaded from the library as ``name``) the current key."""


class LibraryPanel(QWidget):
    """The key library list and its buttons; messages go to the tab's message line."""

    #: the list was reloaded (a key saved, renamed or deleted): its number of keys
    changed = Signal(int)

    def __init__(self, context: AppContext, host: KeyHost, messages: MessageLine,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keyLibrary")
        self.context = context
        self.host = host
        self.messages = messages
        self.request = tasks.LatestRequest()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        title = rich_label(QLabel("<b>Key library</b>"))
        layout.addWidget(title)
        self.store_label = QLabel("Keys are kept in the secret store; this list shows public facts only.")
        self.store_label.setWordWrap(True)
        layout.addWidget(self.store_label)
        self.model = KeyLibraryModel(self)
        self.view = QTableView()
        named(self.view, "Key library")
        tip_elided_cells(self.view)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setColumnHidden(COL_THUMBPRINT, True)
        self.view.setColumnHidden(COL_ADDED, True)
        layout.addWidget(self.view, 1)
        self.profile_key = QLabel()
        self.profile_key.setObjectName("profileKey")
        self.profile_key.setWordWrap(True)
        layout.addWidget(self.profile_key)
        grid = QGridLayout()
        self.save_key_button = QPushButton("Save current…")
        self.load_key_button = QPushButton("Open")
        self.rename_key_button = QPushButton("Rename…")
        self.delete_key_button = QPushButton("Delete…")
        self.use_key_button = QPushButton("Use for profile")
        self.use_key_button.setToolTip("Sign this profile's client assertions with the selected key")
        grid.addWidget(self.save_key_button, 0, 0)
        grid.addWidget(self.load_key_button, 0, 1)
        grid.addWidget(self.rename_key_button, 1, 0)
        grid.addWidget(self.delete_key_button, 1, 1)
        grid.addWidget(self.use_key_button, 2, 0, 1, 2)
        layout.addLayout(grid)
        self.save_key_button.clicked.connect(self.save_current)
        self.load_key_button.clicked.connect(lambda: self.request.start(self.load_selected()))
        self.rename_key_button.clicked.connect(lambda: self.request.start(self.rename_selected()))
        self.delete_key_button.clicked.connect(lambda: self.request.start(self.delete_selected()))
        self.use_key_button.clicked.connect(self.use_selected_for_profile)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self.update_buttons())
        self.view.doubleClicked.connect(lambda *_: self.request.start(self.load_selected()))
        self.update_buttons()

    def show_profile(self, profile: Profile) -> None:
        """Say which key the active profile signs with."""
        if profile.is_sandbox:
            text = f"{profile.name} signs with its own service app's key."
        elif profile.key_ref:
            text = f"{profile.name} signs with {profile.key_ref!r}."
        else:
            text = (f"{profile.name} has no key yet: select one here (Save current… first when the list is "
                    "empty) and press Use for profile.")
        self.profile_key.setText(text)

    def refresh(self) -> None:
        """Reload the list (public facts only: no unlocking needed)."""
        from oktatool.core.keys.library import read_entries

        selected = self.selected_name()
        store = self.context.opened_store
        where = f"in the {store.short_name}" if store is not None else "in the secret store"
        self.store_label.setText(f"Keys are kept {where}; this list shows public facts only.")
        self.model.set_entries(read_entries(self.context.library_index))
        row = self.model.row_of(selected) if selected else -1
        if row >= 0:
            self.view.selectRow(row)
        self.update_buttons()
        self.changed.emit(self.model.rowCount())

    def selected_name(self) -> str | None:
        """Return the name of the selected key."""
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        return self.model.entry(rows[0].row()).name if rows else None

    def update_buttons(self) -> None:
        """Enable what the selection and the current key allow."""
        chosen = self.selected_name() is not None
        for button in (self.load_key_button, self.rename_key_button, self.delete_key_button, self.use_key_button):
            button.setEnabled(chosen)
        self.save_key_button.setEnabled(self.host.key is not None)

    def _error(self, exc: OktaToolError) -> None:
        self.messages.show_message(plain_message(exc), "error")

    async def _ask_text(self, title: str, label: str, value: str) -> str | None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(value)
        if await tasks.dialog_result(dialog) != QDialog.DialogCode.Accepted.value:
            return None
        return dialog.textValue()

    def save_current(self) -> object:
        """Ask for a name and store the current key in the secret store."""
        key = self.host.key
        if key is None:
            return None
        return self.request.start(self.save(key))

    async def save(self, key: Key, name: str | None = None) -> None:
        """Store ``key`` as ``name`` (asked when None)."""
        if name is None:
            name = await self._ask_text("Save to the key library", "Name for this key:",
                                        key.kid if key.kid and len(key.kid) < 40 else key.describe())
            if name is None:
                return
        try:
            entry = await with_unlocked_store(self, self.context, lambda: self.context.key_library().save(name, key))
        except OktaToolError as exc:
            self._error(exc)
            return
        store = self.context.opened_store
        self.messages.show_message(f"Saved {entry.name!r} in the {store.short_name if store else 'secret store'}.",
                                   "good")
        self.host.mark_kept(key)
        self.refresh()
        self.view.selectRow(self.model.row_of(entry.name))

    async def load_selected(self) -> None:
        """Make the selected key the current key."""
        name = self.selected_name()
        if name is None:
            return
        try:
            key = await with_unlocked_store(self, self.context, lambda: self.context.key_library().load(name))
        except OktaToolError as exc:
            self._error(exc)
            return
        await self.host.show_library_key(key, name)

    async def rename_selected(self, new: str | None = None) -> None:
        """Rename the selected key (the profiles using it follow)."""
        old = self.selected_name()
        if old is None:
            return
        if new is None:
            new = await self._ask_text("Rename key", f"New name for {old!r}:", old)
            if new is None:
                return
        try:
            entry = await with_unlocked_store(self, self.context, lambda: self.context.key_library().rename(old, new))
            self.context.save_settings(self.context.settings.settings.with_key_renamed(old, entry.name))
        except OktaToolError as exc:
            self._error(exc)
            return
        self.messages.show_message(f"Renamed {old!r} to {entry.name!r}.", "good")
        self.refresh()
        self.view.selectRow(self.model.row_of(entry.name))

    async def delete_selected(self, confirmed: bool = False) -> None:
        """Delete the selected key, after asking (unless the preference says not to)."""
        name = self.selected_name()
        if name is None:
            return
        if not confirmed and self.context.settings.settings.preferences.confirm_delete:
            users = [p.name for p in self.context.settings.settings.profiles if p.key_ref == name]
            extra = f" The profile(s) {', '.join(users)} use it and will have no key." if users else ""
            box = QMessageBox(QMessageBox.Icon.Warning, "Delete key",
                              f"Delete the key {name!r} from the secret store? This cannot be undone.{extra}",
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            if await tasks.dialog_result(box) != QMessageBox.StandardButton.Yes.value:
                return
        try:
            await with_unlocked_store(self, self.context, lambda: self.context.key_library().delete(name))
            self.context.save_settings(self.context.settings.settings.with_key_renamed(name, None))
        except OktaToolError as exc:
            self._error(exc)
            return
        self.messages.show_message(f"Deleted {name!r}.", "good")
        self.refresh()

    def use_selected_for_profile(self) -> None:
        """Make the selected key the active profile's key (the message goes when the profile changes)."""
        name = self.selected_name()
        if name is None:
            return
        settings = self.context.settings.settings
        profile = settings.profile()
        try:
            self.context.save_settings(settings.with_profile(profile._replace(key_ref=name), replacing=profile.name))
        except OktaToolError as exc:
            self._error(exc)
            return
        self.messages.show_message(f"The profile {profile.name!r} now signs with {name!r}.", "good")
