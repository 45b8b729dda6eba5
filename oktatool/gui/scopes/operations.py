"""The operations panel: what the highlighted scope opens (method, path, lifecycle, how it authenticates)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from oktatool.gui.models.scope_models import OperationTableModel, SortRole
from oktatool.gui.widgets.accessible import named
from oktatool.gui.widgets.elided_cells import tip_elided_cells
from oktatool.gui.widgets.plain_text import rich_label

if TYPE_CHECKING:
    from oktatool.core.okta.scopes import ScopeCatalog


class OperationsPanel(QWidget):
    """One scope's description and its operations."""

    def __init__(self, catalog: ScopeCatalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.title = rich_label(QLabel("Select a scope to see the operations it opens."))
        self.title.setObjectName("operationsTitle")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.model = OperationTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.view = QTableView()
        tip_elided_cells(self.view)
        self.view.setObjectName("operationsTable")
        named(self.view, "Operations")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.view.setMinimumHeight(self.view.verticalHeader().defaultSectionSize() * 2 + 24)
        layout.addWidget(self.view, 1)
        self.legend = QLabel("Lifecycle from Okta's spec (GA, EA, LIMITED_GA). Auth: OAuth or SSWS; OAuth only "
                             "(no API token); SSWS only (no scope opens it).")
        self.legend.setWordWrap(True)
        self.legend.setObjectName("operationsLegend")
        layout.addWidget(self.legend)
        self.current = ""

    def show_scope(self, name: str) -> None:
        """List what ``name`` opens (nothing for an empty or unknown name)."""
        self.current = name
        scope = self.catalog.get(name) if name else None
        if scope is None:
            self.model.set_operations(())
            self.title.setText("Select a scope to see the operations it opens.")
            return
        operations = self.catalog.operations_for(name)
        self.model.set_operations(operations)
        extra = ""
        if scope.verb == "manage" and self.catalog.get(f"{scope.resource}.read") is not None:
            extra = f", including what {scope.resource}.read opens"
        count = f"{len(operations)} operation{'s' if len(operations) != 1 else ''}{extra}"
        self.title.setText(f"<b>{html.escape(scope.name)}</b>: {html.escape(scope.description)}<br>{count}")
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # catalog order: by path, as the spec lists
