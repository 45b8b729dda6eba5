"""The Console's history panel: search, replay, delete and clear."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from oktatool.core.okta.history import HistoryEntry
from oktatool.gui.models.history_model import HistoryFilter, HistoryModel
from oktatool.gui.widgets.elided_cells import tip_elided_cells


class HistoryPanel(QWidget):
    """The calls made, newest first."""

    replay_requested = Signal(object)
    delete_requested = Signal(list)
    clear_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = HistoryModel(self)
        self.proxy = HistoryFilter(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search method, path, status, request id")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_search)
        self.table = QTableView()
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
        self.delete_button.clicked.connect(lambda: self.delete_requested.emit(self.selected()))
        self.clear_button = QPushButton("Clear")
        self.clear_button.clicked.connect(self.clear_requested)
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(self.replay_button)
        row.addWidget(self.delete_button)
        row.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)

    def selected(self) -> list[HistoryEntry]:
        """Return the selected entries, newest first."""
        rows = sorted({self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.entry(r) for r in rows]

    def _replay(self) -> None:
        chosen = self.selected()
        if chosen:
            self.replay_requested.emit(chosen[0])
