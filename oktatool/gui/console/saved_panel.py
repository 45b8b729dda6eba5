"""The Console's saved requests beside History: save, open, replay, rename, duplicate, delete, import, export,
and the active profile's ``{{name}}`` variables (kept in the data dir, never a secret)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.errors import BadInputError, OktaToolError
from oktatool.core.okta.saved_requests import Owner, SavedRequest, SavedStore, check_variable, make_saved, merge
from oktatool.gui import tasks
from oktatool.gui.models.key_values import KeyValueModel
from oktatool.gui.models.saved_model import SavedRequestModel
from oktatool.gui.widgets.accessible import form_row, named
from oktatool.gui.widgets.elided_cells import tip_elided_cells
from oktatool.gui.widgets.message_line import MessageLine
from oktatool.gui.widgets.save_dialog import ask_save_path
from oktatool.gui.widgets.tones import plain_message

#: what the request editor holds: method, path with its query, body (parsed JSON or None), headers
Call = tuple[str, str, Any, list[tuple[str, str]]]


class SaveRequestDialog(QDialog):
    """A name for the request, and whether every profile may use it."""

    def __init__(self, profile: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Save request")
        self.name = QLineEdit(name)
        self.for_all = QCheckBox("For all profiles")
        self.for_all.setToolTip(f"Unticked, only the profile {profile!r} on its org lists and replays it")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form_row(form, "&Name:", self.name)
        form.addRow("", self.for_all)
        form.addRow(QLabel("Secrets (Authorization, DPoP, tokens, passwords) are never saved."))
        form.addRow(buttons)


class SavedPanel(QWidget):
    """The saved requests the active profile may use, and its variables."""

    #: put this request in the editor
    open_requested = Signal(object)
    #: put this request in the editor and send it
    replay_requested = Signal(object)

    def __init__(self, store: SavedStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.requests: list[SavedRequest] = []
        self.owner: Owner | None = None
        #: the latest write of a file, and the latest value offered as a variable (tests await them)
        self.saved: asyncio.Task[None] | None = None
        self.offered: asyncio.Task[None] | None = None
        self.loaded = False
        self.model = SavedRequestModel(self)
        self.table = QTableView()
        named(self.table, "Saved requests")
        tip_elided_cells(self.table)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setColumnWidth(0, 130)
        self.table.setColumnWidth(1, 64)
        self.table.setColumnWidth(3, 110)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self._with_selected(self.open_requested.emit))
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for label, tip, action in (
                ("Open", "Put the request in the editor", lambda: self._with_selected(self.open_requested.emit)),
                ("Replay", "Send the request now, its {{variables}} filled",
                 lambda: self._with_selected(self.replay_requested.emit)),
                ("Rename…", "Give the request another name", lambda: self._with_selected(self.rename)),
                ("Duplicate", "Keep a copy under a new name", lambda: self._with_selected(self.duplicate)),
                ("Delete", "Delete the request", lambda: self._with_selected(self.delete)),
                ("Import…", "Add the requests of a saved-requests file", self.import_file),
                ("Export…", "Write every saved request to a file (no secrets)", self.export_file)):
            button = QPushButton(label)
            button.setToolTip(tip)
            button.clicked.connect(action)
            self.buttons[label] = button
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.messages = MessageLine(2)
        self.variables = KeyValueModel(self)
        self.variables.dataChanged.connect(lambda *_a: self._variables_edited())
        self.variables_view = QTableView()
        named(self.variables_view, "Variables")
        tip_elided_cells(self.variables_view)
        self.variables_view.setModel(self.variables)
        self.variables_view.horizontalHeader().setStretchLastSection(True)
        self.variables_view.verticalHeader().hide()
        self.variables_view.setColumnWidth(0, 140)
        self.variables_title = QLabel("Variables: {{name}} in the path, query, headers or body")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.messages)
        layout.addWidget(self.variables_title)
        layout.addWidget(self.variables_view, 2)

    # --- what is shown ------------------------------------------------------------------------------------

    async def load(self) -> None:
        """Read the saved requests (a damaged file is said, and left as it is)."""
        try:
            self.requests = await tasks.run_blocking(self.store.load)
            self.loaded = True
        except OktaToolError as exc:
            self.messages.show_message(plain_message(exc), "error")
        self._refresh()

    def show_owner(self, owner: Owner) -> asyncio.Task[None]:
        """Show what ``owner`` (the active profile) may use, and its variables."""
        self.owner = owner
        self.messages.clear_message()
        self.variables.set_pairs([])  # a reset, not an edit: nothing is written; the old profile's go at once
        self._refresh()
        return tasks.spawn(self._load_variables(owner))

    async def _load_variables(self, owner: Owner) -> None:
        try:
            values = await tasks.run_blocking(self.store.load_variables, owner)
        except OktaToolError as exc:
            if owner == self.owner:
                self.messages.show_message(plain_message(exc), "error")
            return
        if owner == self.owner:  # a reset, not an edit: nothing is written back
            self.variables.set_pairs(sorted(values.items()))

    def _refresh(self, chosen: SavedRequest | None = None) -> None:
        self.model.show(self.requests, self.owner)
        for label in ("Import…", "Export…"):
            self.buttons[label].setEnabled(self.loaded)
        if chosen is not None and (row := self.model.row_of(chosen)) >= 0:
            self.table.selectRow(row)

    def selected(self) -> SavedRequest | None:
        """Return the selected request, if any."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.item(rows[0].row()) if rows else None

    def _with_selected(self, action: Callable[[SavedRequest], object]) -> None:
        chosen = self.selected()
        if chosen is None:
            self.messages.show_message("Select a saved request first.", "error")
            return
        action(chosen)

    def values(self) -> dict[str, str]:
        """Return the active profile's variables."""
        return dict(self.variables.pairs())

    def traces(self) -> list[str]:
        """Return what the panel shows that belongs to one profile: its variables' values (for the contract test)."""
        return list(self.values().values())

    # --- changes ----------------------------------------------------------------------------------------------

    async def _ask_text(self, title: str, label: str, value: str) -> str | None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(value)
        if await tasks.dialog_result(dialog) != QDialog.DialogCode.Accepted.value:
            return None
        return dialog.textValue().strip() or None

    def save_call(self, call: Call, *, name: str | None = None, for_all: bool | None = None) -> asyncio.Task[None]:
        """Save the editor's call (asking for a name and for whom, unless given), without secrets."""
        return tasks.spawn(self._save_call(call, name, for_all))

    async def _save_call(self, call: Call, name: str | None, for_all: bool | None) -> None:
        owner = self.owner
        if not self.loaded or owner is None:
            self.messages.show_message("The saved requests could not be read, so none is saved now.", "error")
            return
        if name is None or for_all is None:
            dialog = SaveRequestDialog(owner.profile, name or "", self)
            if await tasks.dialog_result(dialog) != QDialog.DialogCode.Accepted.value:
                return
            name, for_all = dialog.name.text(), dialog.for_all.isChecked()
        method, path, body, headers = call
        try:
            report = make_saved(name, method, path, headers=headers, body=body, owner=None if for_all else owner)
        except BadInputError as exc:
            self.messages.show_message(plain_message(exc), "error")
            return
        self._keep(merge(self.requests, [report.request]), report.request,
                   report.notice() or f"Saved {report.request.name!r} for {report.request.scope_text}.")

    def rename(self, request: SavedRequest, new_name: str | None = None) -> asyncio.Task[None]:
        """Give ``request`` another name (asked when None)."""
        return tasks.spawn(self._rename(request, new_name))

    async def _rename(self, request: SavedRequest, new_name: str | None) -> None:
        if new_name is None:
            new_name = await self._ask_text("Rename saved request", "New name:", request.name)
        if not new_name or new_name == request.name:
            return
        if any((r.name, r.owner) == (new_name, request.owner) for r in self.requests):
            self.messages.show_message(f"{new_name!r} is taken for {request.scope_text}: pick another name.", "error")
            return
        renamed = replace(request, name=new_name)
        self._keep([renamed if r is request else r for r in self.requests], renamed, f"Renamed to {new_name!r}.")

    def duplicate(self, request: SavedRequest) -> None:
        """Keep a copy of ``request`` as "NAME copy" (then "NAME copy 2", …)."""
        taken = {r.name for r in self.requests if r.owner == request.owner}
        name = f"{request.name} copy"
        number = 2
        while name in taken:
            name = f"{request.name} copy {number}"
            number += 1
        copy = replace(request, name=name)
        self._keep([*self.requests, copy], copy, f"Kept a copy as {name!r}.")

    def delete(self, request: SavedRequest) -> None:
        """Delete ``request``."""
        self._keep([r for r in self.requests if r is not request], None, f"Deleted {request.name!r}.")

    def _keep(self, requests: list[SavedRequest], chosen: SavedRequest | None, said: str) -> None:
        self.requests = requests
        self._refresh(chosen)
        self.saved = tasks.spawn(self._write(self.store.save, list(requests), said=said))

    async def _write(self, write: Callable[..., object], *args: Any, said: str) -> None:
        try:
            await tasks.run_blocking(write, *args)
        except OSError as exc:
            self.messages.show_message(f"The saved requests could not be written: {exc.strerror}", "error")
            return
        except OktaToolError as exc:
            self.messages.show_message(plain_message(exc), "error")
            return
        self.messages.show_message(said, "good" if "never" not in said else "info")

    def import_file(self, path: str | None = None) -> asyncio.Task[None] | None:
        """Add the requests of a file (asked when None); a bad file changes nothing and says why."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Import saved requests", str(Path.home()),
                                                  "JSON (*.json);;All files (*)")
            if not path:
                return None
        return tasks.spawn(self._import(path))

    async def _import(self, path: str) -> None:
        try:
            requests, count = await tasks.run_blocking(self.store.import_file, path)
        except OktaToolError as exc:
            self.messages.show_message(plain_message(exc), "error")
            return
        self.requests = requests
        self._refresh()
        self.messages.show_message(f"Imported {count} saved request(s).", "good")

    def export_file(self, path: Path | None = None) -> asyncio.Task[None] | None:
        """Write every saved request to a file (asked when None)."""
        path = path or ask_save_path(self, "Export saved requests", "saved-requests.json")
        if path is None:
            return None
        self.saved = tasks.spawn(self._write(self.store.export_file, path, list(self.requests),
                                             said=f"Exported {len(self.requests)} saved request(s) to {path}."))
        return self.saved

    # --- variables --------------------------------------------------------------------------------------------

    def _variables_edited(self, said: str = "Variables kept.") -> None:
        owner = self.owner
        if owner is None:
            return
        values = self.values()
        try:
            for name, value in values.items():
                check_variable(name, value)
        except BadInputError as exc:
            self.messages.show_message(plain_message(exc) + " It is not kept.", "error")
            values = {k: v for k, v in values.items() if not _refused(k, v)}
        self.saved = tasks.spawn(self._write(self.store.save_variables, owner, values, said=said))

    def offer_value(self, hint: str, value: str, name: str | None = None) -> asyncio.Task[None]:
        """Keep ``value`` (picked in an answer) as a variable, named ``name`` (asked, ``hint`` offered, when None)."""
        self.offered = tasks.spawn(self._offer_value(hint, value, name))
        return self.offered

    async def _offer_value(self, hint: str, value: str, name: str | None) -> None:
        if name is None:
            suggestion = re.sub(r"[^A-Za-z0-9_.-]", "_", hint.rpartition(".")[2]) or "value"
            name = await self._ask_text("Use as variable", f"Keep {value[:60]!r} as the variable:", suggestion)
            if name is None:
                return
        try:
            check_variable(name, value)
        except BadInputError as exc:
            self.messages.show_message(plain_message(exc), "error")
            return
        pairs = [(k, v) for k, v in self.variables.pairs() if k != name]
        self.variables.set_pairs([*pairs, (name, value)])
        self._variables_edited(said=f"{{{{{name}}}}} is now {value[:60]!r} for this profile.")


def _refused(name: str, value: str) -> bool:
    try:
        check_variable(name, value)
    except BadInputError:
        return True
    return False
