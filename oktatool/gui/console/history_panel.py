"""The Console's history panel: the calls kept in the data dir (no secrets), search, replay, delete and clear."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.okta.history import HistoryEntry
from oktatool.gui import tasks
from oktatool.gui.models.history_model import HistoryFilter, HistoryModel
from oktatool.gui.widgets.accessible import named
from oktatool.gui.widgets.elided_cells import tip_elided_cells

if TYPE_CHECKING:
    from oktatool.core.okta.history import HistoryStore
    from oktatool.core.store.settings import Profile


class HistoryPanel(QWidget):
    """The calls made, newest first."""

    replay_requested = Signal(object)
    #: the history file could not be written (the text says why)
    save_failed = Signal(str)

    def __init__(self, store: HistoryStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        #: the latest save of the history file (tests await it)
        self.saved: asyncio.Task[None] | None = None
        self.model = HistoryModel(self)
        self.proxy = HistoryFilter(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit()
        named(self.search, "Search history")
        self.search.setPlaceholderText("Search method, path, status, request id")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_search)
        self.all_profiles = QCheckBox("All profiles")
        self.all_profiles.setToolTip("Show the calls made with every profile, not only the active one's")
        self.all_profiles.toggled.connect(self._show_owner)
        self._owner: tuple[str, str] | None = None
        self.table = QTableView()
        named(self.table, "Call history")
        tip_elided_cells(self.table)
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setColumnWidth(0, 70)
        self.table.setColumnWidth(2, 64)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self._replay())
        self.replay_button = QPushButton("Replay")
        self.replay_button.setToolTip("Put the call back in the request editor")
        self.replay_button.clicked.connect(self._replay)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(lambda: self.delete(self.selected()))
        self.clear_button = QPushButton("Clear")
        self.clear_button.clicked.connect(self.clear_all)
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(self.all_profiles)
        row.addWidget(self.replay_button)
        row.addWidget(self.delete_button)
        row.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)

    def show_profile(self, profile: Profile) -> None:
        """Show the calls made with ``profile`` on its org (all calls while All profiles is ticked)."""
        self._owner = (profile.name, profile.org_url)
        self._show_owner()

    def _show_owner(self) -> None:
        self.proxy.set_owner(None if self.all_profiles.isChecked() else self._owner)

    def shown(self) -> list[HistoryEntry]:
        """Return the entries the table shows, oldest first."""
        rows = sorted(self.proxy.mapToSource(self.proxy.index(r, 0)).row() for r in range(self.proxy.rowCount()))
        return [self.model.entry(r) for r in rows]

    def selected(self) -> list[HistoryEntry]:
        """Return the selected entries, newest first."""
        rows = sorted({self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.entry(r) for r in rows]

    def _replay(self) -> None:
        chosen = self.selected()
        if chosen:
            self.replay_requested.emit(chosen[0])

    async def load(self) -> None:
        """Read the history file into the table."""
        self.model.set_entries(await tasks.run_blocking(self.store.load))

    def remember(self, entry: HistoryEntry) -> None:
        """Add a call (the oldest go past the store's limit) and save."""
        self._keep([*self.model.entries, entry][-self.store.limit:])

    def delete(self, entries: list[HistoryEntry]) -> None:
        """Delete the given entries and save."""
        doomed = {id(e) for e in entries}
        self._keep([e for e in self.model.entries if id(e) not in doomed])

    def clear_all(self) -> None:
        """Delete the active profile's entries (every entry with All profiles ticked), searched for or not, and save."""
        owner = None if self.all_profiles.isChecked() else self._owner
        self._keep([e for e in self.model.entries if owner is not None and not e.belongs_to(*owner)])

    def calls(self) -> list[str]:
        """Return the selected rows (all rows shown when none is selected) as ``METHOD /path``, once each."""
        chosen = self.selected() or list(reversed(self.shown()))
        return list(dict.fromkeys(entry.call for entry in chosen))

    def _keep(self, entries: list[HistoryEntry]) -> None:
        self.model.set_entries(entries)
        self.saved = tasks.spawn(self._save(entries))

    async def _save(self, entries: list[HistoryEntry]) -> None:
        try:
            await tasks.run_blocking(self.store.save, entries)
        except OSError as exc:
            self.save_failed.emit(f"The history could not be saved: {exc.strerror}")
